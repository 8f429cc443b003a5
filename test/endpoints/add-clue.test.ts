/** POST …/v3/add-clue (个人线索导入): a new lead, shown at once; repeated mobiles and unknown aliases change nothing. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { readFixtureText } from '../../mock/world/fixture.js'
import { send, overHttp } from './support.js'

const PATH = '/v3/add-clue'
const LIST = '/v3/clue/list-by-create-time-asc'

/** A mobile number a followed customer has. */
function customerMobile(mock: Mock): string {
  const world = mock.context.world
  for (let i = 0; ; i++) {
    const mobiles = JSON.parse(world.customer(i).fields.find((f) => f.field === 'mobile')!.valueAsText!) as string[]
    if (mobiles.length > 0) return mobiles[0]!
  }
}

/** What a refused write must leave as it was. */
const state = (mock: Mock) => ({ ids: mock.context.world.idsIssued, leads: mock.context.world.leads().count, next: mock.context.world.leads().nextFollowUpId })

describe('add-clue', () => {
  it('the documented request: data is the new customer id as a bare integer; the lead is listed at once (createTime = the clock), with a follow-up record by the API; lead.added', async () => {
    const at = Date.UTC(2026, 0, 5, 2, 3, 4, 500)
    const mock = await createMock({ seed: 'add', customers: 50, now: () => at })
    const events: unknown[] = []
    mock.events.onAny((e) => events.push(e))
    const answer = await send(mock, PATH, JSON.stringify({ customerName: '王五', mobiles: ['18803561678'], fields: [{ alias: '性别', fieldValue: 0 }] }))
    expect(answer.text).toMatch(/^\{"code":0,"message":"success","data":\d{15}\}$/)
    const customerId = answer.json.data as number
    const now = '2026-01-05 10:03:04'
    const listed = (await send(mock, LIST, JSON.stringify({ since: now.slice(0, 10) + ' 00:00:00' }))).json.data.list as any[]
    const lead = listed.find((i) => i.customerId === customerId)
    expect(lead).toMatchObject({ isClue: true, type: 1, createTime: now, lastUpdateTime: now, convertCustomerTime: null })
    const value = (key: string) => lead.fields.find((f: { field: string }) => f.field === key).valueAsText
    expect([value('name'), value('mobile'), value('gender')]).toEqual(['王五', '["18803561678"]', '0'])
    const records = (await send(mock, '/v3/clue/list-follow-up', JSON.stringify({ customerId }))).json.data.list
    expect(records).toEqual([{ id: expect.any(Number), type: 2, content: '添加了客户的信息:\n“姓名: 王五”\n“性别: 其它”\n“手机号: 18803561678”', createTime: now, operator: { qwUserId: '', name: 'API' } }])
    expect(events).toEqual([{ type: 'lead.added', at, leadId: customerId }])
  })

  it('an alias from profile-fields/map works (the public client\'s flow)', async () => {
    const mock = await createMock({ seed: 'add', customers: 5 })
    const description = mock.world.fieldDefinitions().find((f) => f.outerField === 'description')!
    await send(mock, '/v3/profile-fields/map', JSON.stringify({ fieldId: String(description.id), alias: '备注说明' }))
    const id = (await send(mock, PATH, JSON.stringify({ customerName: 'x', mobiles: [], fields: [{ alias: '备注说明', fieldValue: '展会' }] }))).json.data
    const lead = mock.context.world.leads().lead(mock.context.world.leads().indexOf(id)!)
    expect(lead.fields.find((f) => f.field === 'description')!.valueAsText).toBe('展会')
  })

  it('customerName and a name field both: the field\'s value is the name (docs/fidelity.md)', async () => {
    const mock = await createMock({ seed: 'add', customers: 5 })
    const id = (await send(mock, PATH, JSON.stringify({ customerName: '张三', fields: [{ alias: '姓名', fieldValue: '李四' }] }))).json.data
    const lead = mock.context.world.leads().lead(mock.context.world.leads().indexOf(id)!)
    expect(lead.fields.find((f) => f.field === 'name')!.valueAsText).toBe('李四')
  })

  it('a mobile a customer or a lead already has, or one given twice: exactly 40417 电话号码重复, and nothing changes', async () => {
    const mock = await createMock({ seed: 'add', customers: 80 })
    const leadMobile = (await send(mock, LIST, '{"size":100}')).json.data.list.map((l: any) => JSON.parse(l.fields.find((f: any) => f.field === 'mobile').valueAsText)[0]).find(Boolean)
    const before = state(mock)
    const events: unknown[] = []
    mock.events.onAny((e) => events.push(e))
    for (const mobiles of [[customerMobile(mock)], [leadMobile], ['13900000001', '13900000001']]) {
      expect((await send(mock, PATH, JSON.stringify({ customerName: 'x', mobiles }))).text).toBe('{"code":40417,"message":"请求参数验证失败：电话号码重复","data":null}')
    }
    expect(state(mock)).toEqual(before)
    expect(events).toEqual([])
  })

  it('an unknown alias or a value its field does not take is refused (40000), and nothing changes', async () => {
    const mock = await createMock({ seed: 'add', customers: 20 })
    mock.context.world.leads()
    const before = state(mock)
    expect((await send(mock, PATH, JSON.stringify({ customerName: 'x', fields: [{ alias: '不存在', fieldValue: 1 }] }))).json).toEqual({ code: 40000, message: '请求参数验证失败：fields[0].alias 不存在：不存在', data: null })
    expect((await send(mock, PATH, JSON.stringify({ customerName: 'x', fields: [{ alias: '性别', fieldValue: 7 }] }))).json).toMatchObject({ code: 40000, message: expect.stringMatching(/^请求参数验证失败：fields\.gender: no option 7/) })
    expect(state(mock)).toEqual(before)
  })

  it.each([
    ['{"customerName":5}', '请求参数验证失败：customerName 应为字符串（收到 5）'],
    ['{"mobiles":"188"}', '请求参数验证失败：mobiles 应为电话号码（数字字符串）的数组（收到 "188"）'],
    ['{"mobiles":[18803561678]}', '请求参数验证失败：mobiles 应为电话号码（数字字符串）的数组（收到 [18803561678]）'],
    ['{"fields":{}}', '请求参数验证失败：fields 应为 {alias, fieldValue} 的数组（收到 {}）'],
    ['{"fields":[{"fieldValue":1}]}', '请求参数验证失败：fields[0].alias 不能为空'],
  ])('refuses %s', async (body, message) => {
    const mock = await createMock({ customers: 5 })
    expect((await send(mock, PATH, body)).json).toEqual({ code: 40000, message, data: null })
  })

  it('coherence, for random seeds: the new lead is in the lead list at once; its mobile again is 40417 and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 99_999_999 }), async (seed, n) => {
        const mock = await createMock({ seed, customers: 40 })
        const mobile = `139${String(n).padStart(8, '0')}`
        const first = await send(mock, PATH, JSON.stringify({ customerName: seed, mobiles: [mobile] }))
        if (first.json.code === 40417) return // the world happens to have it already
        expect(first.json.code).toBe(0)
        const all: any[] = []
        let cursor: string | undefined
        do {
          const page = (await send(mock, LIST, JSON.stringify({ size: 100, ...(cursor ? { cursor } : {}) }))).json.data
          all.push(...page.list)
          cursor = page.nextCursor ?? undefined
        } while (cursor)
        expect(all.filter((l) => l.customerId === first.json.data)).toHaveLength(1)
        const before = state(mock)
        expect((await send(mock, PATH, JSON.stringify({ customerName: 'again', mobiles: [mobile] }))).json.code).toBe(40417)
        expect(state(mock)).toEqual(before)
      }),
      { numRuns: 15 },
    )
  })

  it('leads given or added are exported (fixture version 2, JSON and NDJSON) and served the same when loaded back', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const id = (await send(mock, PATH, JSON.stringify({ customerName: '李四', mobiles: ['13311112222'] }))).json.data
    await send(mock, '/v3/clue/edit-field', JSON.stringify({ customerId: 410983932389440, field: '生日', valueAsText: '1990-01-02' }))
    const doc = mock.admin.exportWorld()
    expect(doc.version).toBe(2)
    expect(doc.leads!.map((l) => l.customerId)).toEqual([410983932389440, id])
    const ndjson = [...mock.context.world.records()].map((r) => JSON.stringify(r)).join('\n') + '\n'
    for (const source of [doc, readFixtureText(ndjson)]) {
      const again = await createMock({ fixtures: source })
      for (const [path, body] of [[LIST, '{}'], ['/v3/clue/list-follow-up', '{"customerId":410983932389440}'], ['/v3/clue/list-follow-up', JSON.stringify({ customerId: id })]] as const) {
        expect((await send(again, path, body)).json).toEqual((await send(mock, path, body)).json)
      }
      // The mobile is still taken.
      expect((await send(again, PATH, JSON.stringify({ mobiles: ['13311112222'] }))).json.code).toBe(40417)
    }
  })

  it('over HTTP', async () => {
    const mock = await createMock({ seed: 'add', customers: 5 })
    const answer = await overHttp(mock, PATH, '{"customerName":"张三","mobiles":["18803561678"],"fields":[{"alias":"性别","fieldValue":0}]}')
    expect(answer.json).toEqual({ code: 0, message: 'success', data: expect.any(Number) })
  })
})
