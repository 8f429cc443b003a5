/** POST …/v2/customer/qw-details (按企微客户id获取详情): the WeChat identity of each relation of an external contact. */
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { listByRelationCreateTimeAsc, qwDetails } from '../../mock/endpoints/index.js'
import { call, callHttp, serving } from './support.js'

interface Item { customerId: number; qwUserId: string; externalUserId: string | null; wechatNickname: string | null; wechatAvatar: string | null; qwRemark: string | null; createTime: string }
interface Detail { qwUserId: string; externalUserId: string; unionId: string | null; qwCustomerTime: string | null; mobiles: string[] | null; wechatNickname: string | null; wechatAvatar: string | null; qwRemark: string | null }

let mock: Mock
beforeAll(async () => {
  mock = await createMock({ seed: 'qw-details', customers: 120, staff: 8 })
})

async function allRelations(m: Mock): Promise<Item[]> {
  const items: Item[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await call<{ list: Item[]; nextCursor: string | null }>(m, listByRelationCreateTimeAsc, { size: 100, ...(cursor ? { cursor } : {}) })
    items.push(...page.data.list)
    if (!page.data.nextCursor || page.data.list.length === 0) return items
    cursor = page.data.nextCursor
  }
}

describe('customer/qw-details', () => {
  it('answers, for every externalUserId a listing shows, that relation\'s WeChat data (8 properties)', async () => {
    const items = await allRelations(mock)
    const withId = items.filter((i) => i.externalUserId !== null)
    expect(withId.length).toBeGreaterThan(50)
    for (const item of withId) {
      const answer = await call<Detail[]>(mock, qwDetails, { externalUserId: item.externalUserId, qwUserId: item.qwUserId })
      expect(answer.code).toBe(0)
      expect(answer.message).toBe('success')
      expect(answer.data).toHaveLength(1)
      const d = answer.data[0]!
      expect(Object.keys(d)).toEqual(['qwUserId', 'externalUserId', 'unionId', 'qwCustomerTime', 'mobiles', 'wechatNickname', 'wechatAvatar', 'qwRemark'])
      expect(d).toMatchObject({ qwUserId: item.qwUserId, externalUserId: item.externalUserId, wechatNickname: item.wechatNickname, wechatAvatar: item.wechatAvatar, qwRemark: item.qwRemark })
      expect(d.externalUserId).toMatch(/^w[mo][A-Za-z0-9_-]{30}$/)
      if (d.unionId !== null) expect(d.unionId).toMatch(/^o[A-Za-z0-9_-]{27}$/)
      expect(d.qwCustomerTime! >= item.createTime).toBe(true)
    }
    // Per customer: one externalUserId and unionId, whichever member sees it; one answer per follower without qwUserId.
    const byExternal = new Map<string, Item[]>()
    for (const i of withId) byExternal.set(i.externalUserId!, [...(byExternal.get(i.externalUserId!) ?? []), i])
    const shared = [...byExternal.values()].find((list) => list.length > 1)!
    const all = await call<Detail[]>(mock, qwDetails, { externalUserId: shared[0]!.externalUserId })
    expect(all.data.map((d) => d.qwUserId).sort()).toEqual(shared.map((i) => i.qwUserId).sort())
    expect(new Set(all.data.map((d) => d.unionId)).size).toBe(1)
    // Some identities have no unionId, some no mobiles: the documented nulls occur.
    const details = await Promise.all(withId.map(async (i) => (await call<Detail[]>(mock, qwDetails, { externalUserId: i.externalUserId, qwUserId: i.qwUserId })).data[0]!))
    expect(details.some((d) => d.unionId === null)).toBe(true)
    expect(details.some((d) => d.mobiles === null)).toBe(true)
    expect(details.some((d) => d.mobiles !== null && d.mobiles.length > 0)).toBe(true)
  })

  it('is the same world for the same seed (drawn from the seed, lazily)', async () => {
    const again = await createMock({ seed: 'qw-details', customers: 120, staff: 8 })
    const item = (await allRelations(mock)).find((i) => i.externalUserId !== null)!
    expect(await call(again, qwDetails, { externalUserId: item.externalUserId })).toEqual(await call(mock, qwDetails, { externalUserId: item.externalUserId }))
  })

  it('an exported world, with a customer deleted, reloaded under the same seed answers the same details', async () => {
    const m = await createMock({ seed: 'qw-details', customers: 40, staff: 4 })
    const items = await allRelations(m)
    m.admin.deleteCustomer(items[0]!.customerId)
    const reloaded = await createMock({ seed: 'qw-details', customers: 0, staff: 1 })
    await reloaded.admin.loadWorld(m.admin.exportWorld())
    for (const item of items.slice(1).filter((i) => i.externalUserId && i.customerId !== items[0]!.customerId)) {
      expect(await call(reloaded, qwDetails, { externalUserId: item.externalUserId })).toEqual(await call(m, qwDetails, { externalUserId: item.externalUserId }))
    }
  })

  it('qwDetailsExtra picks the eighth property (default qwRemark)', async () => {
    const item = (await allRelations(mock)).find((i) => i.externalUserId !== null)!
    for (const extra of ['customerId', 'wechatLocation'] as const) {
      const m = await createMock({ seed: 'qw-details', customers: 120, staff: 8, qwDetailsExtra: extra })
      const [d] = (await call<Record<string, unknown>[]>(m, qwDetails, { externalUserId: item.externalUserId, qwUserId: item.qwUserId })).data
      expect(Object.keys(d!)).toEqual(['qwUserId', 'externalUserId', 'unionId', 'qwCustomerTime', 'mobiles', 'wechatNickname', 'wechatAvatar', extra])
      expect(d![extra]).toBe(extra === 'customerId' ? item.customerId : (item as unknown as { wechatLocation: string | null }).wechatLocation)
    }
  })

  it('an unknown externalUserId, or a member without that friend, answers an empty list', async () => {
    expect(await call(mock, qwDetails, { externalUserId: 'wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng', qwUserId: 'ZhuShanPeng' })).toEqual({ code: 0, message: 'success', data: [] })
    const item = (await allRelations(mock)).find((i) => i.externalUserId !== null)!
    expect((await call(mock, qwDetails, { externalUserId: item.externalUserId, qwUserId: 'ghost' })).data).toEqual([])
  })

  it('a customer added, changed or deleted after the first lookup is found, moved or gone at once', async () => {
    const m = await createMock({ seed: 'qw-details', customers: 20, staff: 3 })
    const qwUserId = m.context.world.memberList[0]!.qwUserId
    expect((await call(m, qwDetails, { externalUserId: 'wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng' })).data).toEqual([])
    const { customerId } = m.admin.addCustomer({ externalUserId: 'wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng', followers: [{ qwUserId }] })
    expect((await call<Detail[]>(m, qwDetails, { externalUserId: 'wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng' })).data.map((d) => d.qwUserId)).toEqual([qwUserId])
    m.admin.updateCustomer(customerId, { externalUserId: 'wo0123456789012345678901234567ab' })
    expect((await call(m, qwDetails, { externalUserId: 'wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng' })).data).toEqual([])
    expect((await call<Detail[]>(m, qwDetails, { externalUserId: 'wo0123456789012345678901234567ab' })).data).toHaveLength(1)
    m.admin.deleteCustomer(customerId)
    expect((await call(m, qwDetails, { externalUserId: 'wo0123456789012345678901234567ab' })).data).toEqual([])
  })

  it.each<[string, unknown, string]>([
    ['a missing externalUserId', { qwUserId: 'dowen' }, 'externalUserId 不能为空'],
    ['a numeric externalUserId', { externalUserId: 5 }, 'externalUserId 应为字符串（收到 5）'],
    ['a numeric qwUserId', { externalUserId: 'wm1', qwUserId: 7 }, 'qwUserId 应为字符串（收到 7）'],
  ])('refuses %s', async (_label, body, message) => {
    expect(await call(mock, qwDetails, body)).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
  })

  describe('over HTTP', () => {
    const server = serving(() => mock)

    it('answers a signed request', async () => {
      const item = (await allRelations(mock)).find((i) => i.externalUserId !== null)!
      const http = await callHttp(mock, server(), qwDetails, { externalUserId: item.externalUserId, qwUserId: item.qwUserId })
      expect(http.status).toBe(200)
      expect(JSON.parse(http.text)).toEqual(await call(mock, qwDetails, { externalUserId: item.externalUserId, qwUserId: item.qwUserId }))
    })
  })
})
