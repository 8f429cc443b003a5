/** POST …/v3/save-highseas (公海): a JSON array of new customers waiting to be assigned; their ids. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock, type RunningServer } from '../../mock/index.js'
import { saveHighseas } from '../../mock/endpoints/index.js'
import { newCustomerIdsSchema } from '../../contracts/schema.js'
import { call as callSigned, callHttp, send } from './support.js'

const LIST = '/v3/clue/list-by-create-time-asc'
const fieldId = (mock: Mock, key: string) => mock.context.world.catalog.fields.find((f) => f.outerField === key)!.id

describe('save-highseas', () => {
  it('the clients\' request: data the new ids; the customers wait to be assigned (isClue false), listed at once; lead.added each', async () => {
    const at = Date.UTC(2026, 0, 5, 2, 3, 4, 500)
    const mock = await createMock({ seed: 'highseas', customers: 30, now: () => at })
    const events: unknown[] = []
    mock.events.onAny((e) => events.push(e))
    const body = [
      { fields: [{ id: fieldId(mock, 'name'), value: ['王小明'] }, { id: fieldId(mock, 'mobile'), value: ['18803561601', '18803561602'] }] },
      { fields: [{ id: fieldId(mock, 'name'), value: ['李四'] }] },
    ]
    const answer = await callSigned<number[]>(mock, saveHighseas, body)
    expect(answer).toMatchObject({ code: 0, message: 'success' })
    newCustomerIdsSchema.parse(answer.data)
    expect(answer.data).toHaveLength(2)
    const now = '2026-01-05 10:03:04'
    const listed = (await send(mock, LIST, JSON.stringify({ since: now.slice(0, 10) + ' 00:00:00' }))).json.data.list as any[]
    const items = answer.data.map((id) => listed.find((i) => i.customerId === id))
    expect(items.map((i) => i?.isClue)).toEqual([false, false])
    expect(items[0]).toMatchObject({ type: 1, createTime: now, lastUpdateTime: now })
    const value = (item: any, key: string) => item.fields.find((f: { field: string }) => f.field === key).valueAsText
    expect([value(items[0], 'name'), value(items[0], 'mobile'), value(items[1], 'name')]).toEqual(['王小明', '["18803561601","18803561602"]', '李四'])
    expect(events).toEqual(answer.data.map((leadId) => ({ type: 'lead.added', at, leadId })))
    // Not a followed customer: no relation, and customer/search does not list it.
    expect(mock.context.world.customerIndex(answer.data[0]!)).toBeUndefined()
  })

  it('refuses and adds nothing: a duplicate mobile (40417), an unknown id, several values for one-valued field, wrong types (40000)', async () => {
    const mock = await createMock({ seed: 'highseas', customers: 30 })
    const taken = mock.context.world.leads().lead(0).fields.find((f) => f.field === 'mobile')?.valueAsText
    const mobile = 'mobile'
    const cases: [unknown, number, string][] = [
      [[{ fields: [{ id: fieldId(mock, mobile), value: ['18800000001'] }] }, { fields: [{ id: fieldId(mock, mobile), value: ['18800000001'] }] }], 40417, '电话号码重复'],
      [[{ fields: [{ id: 1, value: ['x'] }] }], 40000, '[0].fields[0].id 不存在：1'],
      [[{ fields: [{ id: fieldId(mock, 'name'), value: ['a', 'b'] }] }], 40000, '只取一个值'],
      [{ fields: [] }, 40000, '请求体应为 JSON 数组'],
      [[{ fields: [{ id: '104220', value: ['x'] }] }], 40000, 'id'],
      [[{ fields: [{ value: ['x'] }] }], 40000, 'id 不能为空'],
      [[{}], 40000, 'fields'],
      [[{ fields: [{ id: fieldId(mock, 'name'), value: 'x' }] }], 40000, 'value'],
    ]
    if (taken && JSON.parse(taken).length > 0) cases.push([[{ fields: [{ id: fieldId(mock, mobile), value: [JSON.parse(taken)[0]] }] }], 40417, '电话号码重复'])
    const ids = mock.context.world.idsIssued
    const events: unknown[] = []
    mock.events.onAny((e) => events.push(e))
    for (const [body, code, text] of cases) {
      const answer = await callSigned(mock, saveHighseas, body)
      expect(answer.code).toBe(code)
      expect(answer.message).toContain(text)
    }
    expect(events).toEqual([])
    expect(mock.context.world.idsIssued).toEqual(ids)
  })

  describe('over HTTP', () => {
    let mock: Mock
    let server: RunningServer
    beforeAll(async () => {
      mock = await createMock({ seed: 'highseas', customers: 5 })
      server = await startServer(mock, { host: '127.0.0.1', port: 0 })
    })
    afterAll(async () => {
      await server.close()
    })
    it('answers the new ids', async () => {
      const { status, text } = await callHttp(mock, server, saveHighseas, [{ fields: [{ id: fieldId(mock, 'name'), value: ['赵六'] }] }])
      expect(status).toBe(200)
      expect(text).toMatch(/^\{"code":0,"message":"success","data":\[\d{15}\]\}$/)
    })
  })
})
