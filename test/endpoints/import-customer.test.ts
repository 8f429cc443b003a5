/** POST …/v3/import-customer (个人客户导入): a new personal customer the member follows, in both relation lists at once. */
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { importCustomer, mapProfileField } from '../../mock/endpoints/index.js'
import type { WorldEvent } from '../../mock/world/events.js'
import { call, callHttp, serving } from './support.js'
import { followedBy, sweep } from './support.js'

let mock: Mock
beforeAll(async () => {
  mock = await createMock({ seed: 'import-customer', customers: 30, staff: 4 })
})

const DOCUMENTED = (qwUserId: string) => ({ qwUserId, fields: [{ alias: 'customer_ch_phone', values: ['13812345678'] }, { alias: 'name', values: ['王小明'] }] })

describe('import-customer', () => {
  it('the documented request answers the new customer id; the member follows it in both relation lists; events', async () => {
    const qwUserId = mock.context.world.memberList[1]!.qwUserId
    const events: WorldEvent[] = []
    const off = mock.events.onAny((e) => events.push(e))
    const answer = await call<number>(mock, importCustomer, DOCUMENTED(qwUserId))
    off()
    expect(answer.code).toBe(0)
    expect(answer.message).toBe('success')
    expect(Number.isSafeInteger(answer.data)).toBe(true)
    const all = (await sweep(mock)).filter((i) => i.customerId === answer.data)
    expect(all).toHaveLength(1)
    expect(all[0]).toMatchObject({ qwUserId, type: 1, externalUserId: null })
    expect(all[0]!.fields.find((f) => f.field === 'mobile')!.valueAsText).toBe('["13812345678"]')
    expect(all[0]!.fields.find((f) => f.field === 'name')!.valueAsText).toBe('王小明')
    expect((await followedBy(mock, qwUserId)).some((i) => i.customerId === answer.data)).toBe(true)
    expect((await sweep(mock, qwUserId)).some((i) => i.customerId === answer.data)).toBe(true)
    expect(events.map((e) => e.type)).toEqual(['customer.added', 'relation.added'])
  })

  it('takes an alias given by profile-fields/map, a field\'s name and its id', async () => {
    const world = mock.context.world
    const gender = world.catalog.fields.find((f) => f.outerField === 'gender')!
    await call(mock, mapProfileField, { fieldId: String(gender.id), alias: 'sex' })
    const stage = world.catalog.fields.find((f) => f.outerField === 'customer_stage')!
    const answer = await call<number>(mock, importCustomer, { qwUserId: world.memberList[0]!.qwUserId, fields: [{ alias: 'sex', values: ['女'] }, { alias: '描述', values: ['来自展会'] }, { alias: String(stage.id), values: ['成交'] }] })
    const item = (await sweep(mock)).find((i) => i.customerId === answer.data)!
    expect(item.fields.find((f) => f.field === 'gender')!.valueAsText).toBe('2')
    expect(item.fields.find((f) => f.field === 'description')!.valueAsText).toBe('来自展会')
    expect(item.fields.find((f) => f.field === 'customer_stage')!.valueAsText).toBe(String(stage.items.find((o) => o.name === '成交')!.id))
  })

  it.each<[string, (q: string) => unknown, string]>([
    ['an unknown member', () => DOCUMENTED('ghost'), 'qwUserId 不存在："ghost"'],
    ['an unknown alias', (q) => ({ qwUserId: q, fields: [{ alias: '不存在的字段', values: ['x'] }] }), 'alias 不存在："不存在的字段"'],
    ['a value its field does not take', (q) => ({ qwUserId: q, fields: [{ alias: '性别', values: ['未知'] }] }), 'fields.gender: no option 未知 (options: 0 其它, 1 男, 2 女); this field (type 2) takes an option id or name, or null to clear'],
    ['two values for a one-value field', (q) => ({ qwUserId: q, fields: [{ alias: 'name', values: ['a', 'b'] }] }), 'fields[].values：字段 name 只取一个值（收到 2 个）'],
  ])('refuses %s, and nothing changes (ids included)', async (_label, body, message) => {
    const m = await createMock({ seed: 'import-customer', customers: 30, staff: 4 })
    const q = m.context.world.memberList[0]!.qwUserId
    const before = await sweep(m)
    const ids = m.context.world.idsIssued
    const events: WorldEvent[] = []
    m.events.onAny((e) => events.push(e))
    expect(await call(m, importCustomer, body(q))).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
    expect(await sweep(m)).toEqual(before)
    expect(m.context.world.idsIssued).toEqual(ids)
    expect(events).toEqual([])
    // The next import gets the id it would have got without the refused one.
    const fresh = await createMock({ seed: 'import-customer', customers: 30, staff: 4 })
    const at = Date.parse('2026-11-20T02:00:00Z')
    for (const x of [m, fresh]) x.context.clock.apply({ freeze: true, set: at })
    expect((await call(m, importCustomer, DOCUMENTED(q))).data).toBe((await call(fresh, importCustomer, DOCUMENTED(q))).data)
  })

  it('while a world is being loaded the write is refused (the internal error) and the loaded world is served after', async () => {
    const m = await createMock({ seed: 'import-customer', customers: 5, staff: 2 })
    const loading = m.admin.loadWorld({ version: 1, generate: { seed: 'next', customers: 30_000, staff: 3 } })
    expect(m.context.world.memberList.length).toBe(2)
    // In process, at once (over HTTP the load may be done before the request is served).
    expect(() => importCustomer.handle(m.context, DOCUMENTED(m.context.world.memberList[0]!.qwUserId))).toThrow(expect.objectContaining({ kind: 'internal' }))
    await loading
    expect(m.context.world.liveCustomerCount).toBe(30_000)
  })

  it.each<[string, unknown, string]>([
    ['a missing qwUserId', { fields: [{ alias: 'name', values: ['a'] }] }, 'qwUserId 不能为空'],
    ['missing fields', { qwUserId: 'a' }, 'fields 不能为空'],
    ['fields not a list', { qwUserId: 'a', fields: 'name' }, 'fields 应为数组（收到 "name"）'],
    ['a field without values', { qwUserId: 'a', fields: [{ alias: 'name' }] }, 'fields[].values 不能为空'],
  ])('refuses %s', async (_label, body, message) => {
    expect(await call(mock, importCustomer, body)).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
  })

  describe('over HTTP', () => {
    const server = serving(() => mock)
    it('answers a signed request with the new id', async () => {
      const http = await callHttp(mock, server(), importCustomer, DOCUMENTED(mock.context.world.memberList[2]!.qwUserId))
      expect(http.status).toBe(200)
      expect(http.text).toMatch(/^\{"code":0,"message":"success","data":\d{15}\}$/)
    })
  })
})
