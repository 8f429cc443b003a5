/** POST …/v3/clue/list-by-create-time-asc (按创建时间列出线索&待分配客户): leads and waiting customers, keyset-paged. */
import { describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { leadItemSchema } from '../../mock/endpoints/index.js'
import { send, overHttp } from './support.js'

const PATH = '/v3/clue/list-by-create-time-asc'

/** Every item of the window, page by page. */
async function all(mock: Mock, body: Record<string, unknown>): Promise<any[]> {
  const items: any[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await send(mock, PATH, JSON.stringify({ ...body, ...(cursor ? { cursor } : {}) }))
    expect(page.json.code).toBe(0)
    items.push(...page.json.data.list)
    if (page.json.data.nextCursor === null) return items
    cursor = page.json.data.nextCursor
  }
}

describe('clue/list-by-create-time-asc', () => {
  it('serves the documented item\'s start from the documented-examples fixture, message "ok"', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const answer = await send(mock, PATH, '{}')
    expect(answer.json.message).toBe('ok')
    expect(answer.text.startsWith('{"code":0,"message":"ok","data":{"list":[{"customerId":410983932389440,"isClue":false,"type":1,"fields":[{"field":"customer_source","type":2,"valu')).toBe(true)
    expect(Object.keys(answer.json.data.list[0])).toEqual(['customerId', 'isClue', 'type', 'fields', 'tagIds', 'createTime', 'lastUpdateTime', 'convertCustomerTime'])
  })

  it('a generated world: leads and waiting customers (one per ten customers), 9 properties at most, in key order, each item valid, the same for the same seed', async () => {
    const mock = await createMock({ seed: 'leads', customers: 300 })
    const items = await all(mock, { size: 7 })
    expect(items).toHaveLength(30)
    for (const item of items) {
      expect(leadItemSchema.safeParse(item).success).toBe(true)
      expect(Object.keys(item).length).toBe(item.type === 2 ? 9 : 8)
    }
    expect(items.some((i) => i.isClue) && items.some((i) => !i.isClue)).toBe(true)
    expect(new Set(items.map((i) => i.customerId)).size).toBe(30)
    const times = items.map((i) => i.createTime)
    expect([...times].sort()).toEqual(times)
    // No lead has a followed customer's id.
    for (const i of items) expect(mock.context.world.customerIndex(i.customerId)).toBeUndefined()
    const again = await createMock({ seed: 'leads', customers: 300 })
    expect(await all(again, { size: 100 })).toEqual(items)
  })

  it('the lead book is drawn on first use and is no change: no id is issued, and the followed-customer list is as it was', async () => {
    const mock = await createMock({ seed: 'leads', customers: 300 })
    const relations = (await send(mock, '/v3/customer-relation/list-by-relation-create-time-asc', '{"size":100}')).text
    const ids = mock.context.world.idsIssued
    await send(mock, PATH, '{"size":100}')
    expect(mock.context.world.idsIssued).toEqual(ids)
    expect((await send(mock, '/v3/customer-relation/list-by-relation-create-time-asc', '{"size":100}')).text).toBe(relations)
  })

  it('since (inclusive), before (exclusive) and type filter; the pages join up', async () => {
    const mock = await createMock({ seed: 'leads', customers: 500 })
    const items = await all(mock, { size: 100 })
    const since = items[10].createTime
    const before = items[40].createTime
    const window = await all(mock, { since, before, size: 3 })
    expect(window).toEqual(items.filter((i) => i.createTime >= since && i.createTime < before))
    expect(await all(mock, { type: 2, size: 4 })).toEqual(items.filter((i) => i.type === 2))
  })

  it.each([
    ['{"type":3}', '请求参数验证失败：type 只能是 1（个人客户）或 2（企业客户）（收到 3）'],
    ['{"size":0}', '请求参数验证失败：size 应为大于等于 1 的整数（收到 0）'],
    ['{"since":"yesterday"}', '请求参数验证失败：since 应为 yyyy-MM-dd HH:mm:ss 格式的北京时间（收到 "yesterday"）'],
    ['{"size":"20"}', '请求参数验证失败：size 应为大于等于 1 的整数（收到 "20"）'],
  ])('refuses %s', async (body, message) => {
    const mock = await createMock({ customers: 10 })
    expect((await send(mock, PATH, body)).json).toEqual({ code: 40000, message, data: null })
  })

  it('a bad cursor is a validation error', async () => {
    const mock = await createMock({ customers: 10 })
    expect((await send(mock, PATH, '{"cursor":"nope"}')).json.code).toBe(40000)
  })

  it('over HTTP', async () => {
    const mock = await createMock({ seed: 'leads', customers: 50 })
    const answer = await overHttp(mock, PATH, '{"size":2}')
    expect(answer.status).toBe(200)
    expect(answer.json.data.list).toHaveLength(2)
    expect(typeof answer.json.data.nextCursor).toBe('string')
  })
})
