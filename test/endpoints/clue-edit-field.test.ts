/** POST …/v3/clue/edit-field: one field of a lead changes, lastUpdateTime moves, a follow-up record says so. */
import { describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { send, overHttp } from './support.js'

const PATH = '/v3/clue/edit-field'
const AT = Date.UTC(2026, 9, 20, 4, 0, 0)

const firstLead = async (mock: Mock) => (await send(mock, '/v3/clue/list-by-create-time-asc', '{"size":1}')).json.data.list[0]
const leadById = async (mock: Mock, customerId: number) => (await send(mock, '/v3/clue/list-by-create-time-asc', '{"size":100}')).json.data.list.find((l: any) => l.customerId === customerId)
const state = (mock: Mock) => ({ ids: mock.context.world.idsIssued, next: mock.context.world.leads().nextFollowUpId })

describe('clue/edit-field', () => {
  it('the clients\' request: data null; the value changes, lastUpdateTime moves to the clock, a type-2 record by the API; lead.changed', async () => {
    const mock = await createMock({ seed: 'edit', customers: 100, now: () => AT })
    const lead = await firstLead(mock)
    const events: unknown[] = []
    mock.events.onAny((e) => events.push(e))
    expect((await send(mock, PATH, JSON.stringify({ customerId: lead.customerId, field: '描述', valueAsText: '已电话沟通' }))).text).toBe('{"code":0,"message":"success","data":null}')
    const after = await leadById(mock, lead.customerId)
    expect(after.fields.find((f: any) => f.field === 'description').valueAsText).toBe('已电话沟通')
    expect(after.lastUpdateTime).toBe('2026-10-20 12:00:00')
    expect({ ...after, fields: undefined, lastUpdateTime: undefined }).toEqual({ ...lead, fields: undefined, lastUpdateTime: undefined })
    const records = (await send(mock, '/v3/clue/list-follow-up', JSON.stringify({ customerId: lead.customerId, size: 100 }))).json.data.list
    expect(records.at(-1)).toEqual({ id: expect.any(Number), type: 2, content: '修改了客户的信息:\n“描述: 已电话沟通”', createTime: '2026-10-20 12:00:00', operator: { qwUserId: '', name: 'API' } })
    expect(events).toEqual([{ type: 'lead.changed', at: AT, leadId: lead.customerId, properties: ['description'] }])
  })

  it('a select takes an option id or name; phones a JSON list as text', async () => {
    const mock = await createMock({ seed: 'edit', customers: 50 })
    const lead = await firstLead(mock)
    await send(mock, PATH, JSON.stringify({ customerId: lead.customerId, field: 'gender', valueAsText: '女' }))
    await send(mock, PATH, JSON.stringify({ customerId: lead.customerId, field: 'mobile', valueAsText: '["13512345678"]' }))
    const after = await leadById(mock, lead.customerId)
    expect(after.fields.find((f: any) => f.field === 'gender').valueAsText).toBe('2')
    expect(after.fields.find((f: any) => f.field === 'mobile').valueAsText).toBe('["13512345678"]')
  })

  it('an unknown customer (or a followed customer), an unknown field or a value the field does not take is refused, and nothing changes', async () => {
    const mock = await createMock({ seed: 'edit', customers: 50 })
    const lead = await firstLead(mock)
    const before = state(mock)
    const events: unknown[] = []
    mock.events.onAny((e) => events.push(e))
    expect((await send(mock, PATH, '{"customerId":123,"field":"描述","valueAsText":"x"}')).json).toEqual({ code: 40000, message: '请求参数验证失败：customerId 不存在：123', data: null })
    const followed = mock.context.world.customerIdAt(0)
    expect((await send(mock, PATH, JSON.stringify({ customerId: followed, field: '描述', valueAsText: 'x' }))).json.code).toBe(40000)
    expect((await send(mock, PATH, JSON.stringify({ customerId: lead.customerId, field: '不存在', valueAsText: 'x' }))).json).toEqual({ code: 40000, message: '请求参数验证失败：field 不存在：不存在', data: null })
    expect((await send(mock, PATH, JSON.stringify({ customerId: lead.customerId, field: '性别', valueAsText: '9' }))).json.code).toBe(40000)
    expect(await leadById(mock, lead.customerId)).toEqual(lead)
    expect(state(mock)).toEqual(before)
    expect(events).toEqual([])
  })

  it('--lead-write-records none: the value changes, and no follow-up record is written (nor by add-clue)', async () => {
    const mock = await createMock({ seed: 'edit', customers: 50, leadWriteRecords: 'none' })
    const lead = await firstLead(mock)
    const records = async (customerId: number) => (await send(mock, '/v3/clue/list-follow-up', JSON.stringify({ customerId, size: 100 }))).json.data.list
    const before = await records(lead.customerId)
    await send(mock, PATH, JSON.stringify({ customerId: lead.customerId, field: '描述', valueAsText: 'x' }))
    expect((await leadById(mock, lead.customerId)).fields.find((f: any) => f.field === 'description').valueAsText).toBe('x')
    expect(await records(lead.customerId)).toEqual(before)
    const added = (await send(mock, '/v3/add-clue', '{"customerName":"x","mobiles":["13322223333"]}')).json.data
    expect(await records(added)).toEqual([])
  })

  it.each([
    ['{"field":"描述","valueAsText":"x"}', '请求参数验证失败：customerId 不能为空'],
    ['{"customerId":1,"valueAsText":"x"}', '请求参数验证失败：field 不能为空'],
    ['{"customerId":"1","field":"描述"}', '请求参数验证失败：customerId 应为客户 id（整数）（收到 "1"）'],
    ['{"customerId":1,"field":3}', '请求参数验证失败：field 应为字符串（收到 3）'],
    ['{"customerId":1,"field":"描述","valueAsText":5}', '请求参数验证失败：valueAsText 应为字符串（收到 5）'],
  ])('refuses %s', async (body, message) => {
    const mock = await createMock({ customers: 5 })
    expect((await send(mock, PATH, body)).json).toEqual({ code: 40000, message, data: null })
  })

  it('over HTTP', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const answer = await overHttp(mock, PATH, '{"customerId":410983932389440,"field":"生日","valueAsText":"1990-01-02"}')
    expect(answer.json).toEqual({ code: 0, message: 'success', data: null })
    expect(mock.context.world.leads().lead(0).fields.at(-1)).toEqual({ field: '生日', type: 3, valueAsText: '1990-01-02' })
  })
})
