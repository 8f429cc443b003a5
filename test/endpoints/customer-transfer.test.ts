/** POST …/v3/customer-transfer (转移客户): the relation moves to the new member, at once, in every read. */
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { customerTransfer, listByRelationCreateTimeAsc, qwDetails } from '../../mock/endpoints/index.js'
import type { WorldEvent } from '../../mock/world/events.js'
import { call, callHttp, serving } from './support.js'
import { followedBy, sweep, type RelationItem } from './support.js'

const world = () => ({ seed: 'transfer', customers: 60, staff: 5 })

/** A relation whose customer the member `to` does not follow yet. */
async function movable(mock: Mock, fromPlace = 0): Promise<{ item: RelationItem; to: string }> {
  const items = await sweep(mock)
  const members = mock.context.world.memberList.map((m) => m.qwUserId)
  for (const item of items.slice(fromPlace)) {
    const followers = new Set(items.filter((i) => i.customerId === item.customerId).map((i) => i.qwUserId))
    const to = members.find((m) => !followers.has(m))
    if (to && item.externalUserId) return { item, to }
  }
  throw new Error('no movable relation')
}

describe('customer-transfer', () => {
  let mock: Mock
  beforeAll(async () => {
    mock = await createMock(world())
  })

  it('moves the relation: both members\' lists and qw-details show it at once; relation.transferred; lastUpdateTime moves', async () => {
    const { item, to } = await movable(mock)
    const events: WorldEvent[] = []
    const off = mock.events.onAny((e) => events.push(e))
    const answer = await call(mock, customerTransfer, { handoverToUserid: to, customers: [{ qwUserId: item.qwUserId, customerId: item.customerId }] })
    off()
    expect(answer).toEqual({ code: 0, message: 'success', data: [{ customerId: item.customerId, qwUserId: item.qwUserId, moved: true, reason: null }] })
    expect((await followedBy(mock, item.qwUserId)).some((i) => i.customerId === item.customerId)).toBe(false)
    const moved = (await followedBy(mock, to)).find((i) => i.customerId === item.customerId)!
    expect(moved).toMatchObject({ qwUserId: to, qwRemark: item.qwRemark })
    expect(moved.lastUpdateTime > item.lastUpdateTime).toBe(true)
    expect(events.map((e) => e.type)).toEqual(['relation.transferred'])
    expect(events[0]).toMatchObject({ customerId: item.customerId, from: item.qwUserId, to })
    const details = await call<{ qwUserId: string }[]>(mock, qwDetails, { externalUserId: item.externalUserId })
    expect(details.data.map((d) => d.qwUserId)).toContain(to)
    expect(details.data.map((d) => d.qwUserId)).not.toContain(item.qwUserId)
  })

  it('a sweep in progress neither repeats nor skips a moved relation (it keeps its id and place)', async () => {
    const m = await createMock(world())
    const before = await sweep(m)
    const { item, to } = await movable(m, 30)
    const at = before.findIndex((i) => i.customerId === item.customerId && i.qwUserId === item.qwUserId)
    // Sweep up to a page before the relation, move it, sweep on; and the same with the move after passing it.
    for (const pageBefore of [true, false]) {
      const fresh = await createMock(world())
      const seen: RelationItem[] = []
      let cursor: string | undefined
      let moved = false
      for (;;) {
        const page = await call<{ list: RelationItem[]; nextCursor: string | null }>(fresh, listByRelationCreateTimeAsc, { size: 10, ...(cursor ? { cursor } : {}) })
        seen.push(...page.data.list)
        if (!moved && (pageBefore ? seen.length + 10 <= at : seen.length > at)) {
          await call(fresh, customerTransfer, { handoverToUserid: to, customers: [{ qwUserId: item.qwUserId, customerId: item.customerId }] })
          moved = true
        }
        if (!page.data.nextCursor || page.data.list.length === 0) break
        cursor = page.data.nextCursor
      }
      expect(moved).toBe(true)
      expect(seen.length).toBe(before.length)
      expect(seen.map((i) => i.customerId)).toEqual(before.map((i) => i.customerId))
      expect(seen[at]!.qwUserId).toBe(pageBefore ? to : item.qwUserId)
    }
  })

  it('answers per customer: unknown, not followed by the from-member, already followed by the new member do not move; the others do', async () => {
    const m = await createMock(world())
    const { item, to } = await movable(m)
    const items = await sweep(m)
    const followedByTo = items.find((i) => i.qwUserId !== to && items.some((j) => j.customerId === i.customerId && j.qwUserId === to))
    const customers = [
      { qwUserId: item.qwUserId, customerId: 1 },
      { qwUserId: 'ghost', customerId: item.customerId },
      ...(followedByTo ? [{ qwUserId: followedByTo.qwUserId, customerId: followedByTo.customerId }] : []),
      { qwUserId: item.qwUserId, customerId: item.customerId },
    ]
    const answer = await call<{ moved: boolean; reason: string | null }[]>(m, customerTransfer, { handoverToUserid: to, customers })
    expect(answer.data.map((o) => o.moved)).toEqual([...customers.map(() => false).slice(1), true])
    expect(answer.data.slice(0, -1).every((o) => typeof o.reason === 'string')).toBe(true)
  })

  it('an export keeps the transfer (fixture version 2 relation qwCustomerTime); a version-1 fixture cannot say it', async () => {
    const m = await createMock(world())
    const { item, to } = await movable(m)
    m.context.clock.apply({ freeze: true, set: Date.parse('2026-11-20T02:00:00Z') })
    await call(m, customerTransfer, { handoverToUserid: to, customers: [{ qwUserId: item.qwUserId, customerId: item.customerId }] })
    const doc = m.admin.exportWorld()
    expect(doc.version).toBe(2)
    const relation = doc.relations.find((r) => r.customerId === item.customerId && r.qwUserId === to)!
    expect(relation.qwCustomerTime).toBe('2026-11-20 10:00:00')
    const reloaded = await createMock(world())
    await reloaded.admin.loadWorld(doc)
    const details = await call(reloaded, qwDetails, { externalUserId: item.externalUserId, qwUserId: to })
    expect(details).toEqual(await call(m, qwDetails, { externalUserId: item.externalUserId, qwUserId: to }))
    expect((details.data as { qwCustomerTime: string }[])[0]!.qwCustomerTime).toBe('2026-11-20 10:00:00')
    await expect(reloaded.admin.loadWorld({ ...doc, version: 1, tagGroups: undefined, aliases: undefined, departments: undefined, members: doc.members.map((x) => ({ qwUserId: x.qwUserId, name: x.name, department: x.department })) })).rejects.toThrow(/qwCustomerTime needs fixture version 2/)
  })

  it('an unknown handoverToUserid is refused and nothing moves', async () => {
    const m = await createMock(world())
    const before = await sweep(m)
    const { item } = await movable(m)
    const events: WorldEvent[] = []
    m.events.onAny((e) => events.push(e))
    expect(await call(m, customerTransfer, { handoverToUserid: 'ghost', customers: [{ qwUserId: item.qwUserId, customerId: item.customerId }] }))
      .toEqual({ code: 40000, message: '请求参数验证失败：handoverToUserid 不存在："ghost"', data: null })
    expect(await sweep(m)).toEqual(before)
    expect(events).toEqual([])
  })

  it.each<[string, unknown, string]>([
    ['a missing handoverToUserid', { customers: [{ qwUserId: 'a', customerId: 1 }] }, 'handoverToUserid 不能为空'],
    ['missing customers', { handoverToUserid: 'a' }, 'customers 不能为空'],
    ['an empty customers list', { handoverToUserid: 'a', customers: [] }, 'customers 不能为空'],
    ['a customerId as text', { handoverToUserid: 'a', customers: [{ qwUserId: 'b', customerId: 'x' }] }, 'customerId 应为客户 id（正整数）（收到 "x"）'],
  ])('refuses %s', async (_label, body, message) => {
    expect(await call(mock, customerTransfer, body)).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
  })

  describe('over HTTP', () => {
    const server = serving(() => mock)
    it('answers a signed request', async () => {
      const http = await callHttp(mock, server(), customerTransfer, { handoverToUserid: mock.context.world.memberList[0]!.qwUserId, customers: [{ qwUserId: 'ghost', customerId: 1 }] })
      expect(http.status).toBe(200)
      expect(JSON.parse(http.text)).toMatchObject({ code: 0, message: 'success', data: [{ customerId: 1, qwUserId: 'ghost', moved: false }] })
    })
  })
})
