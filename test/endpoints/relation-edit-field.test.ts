/** POST …/v3/customer-relation/edit-field: the member's remark (per relation) or a profile value (the customer's). */
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { editRelationField, qwDetails } from '../../mock/endpoints/index.js'
import type { WorldEvent } from '../../mock/world/events.js'
import { call, callHttp, serving } from './support.js'
import { sweep, type RelationItem } from './support.js'

let mock: Mock
beforeAll(async () => {
  mock = await createMock({ seed: 'relation-edit-field', customers: 40, staff: 4 })
})

/** A customer with two followers, one having a WeCom identity. */
async function shared(m: Mock): Promise<[RelationItem, RelationItem]> {
  const items = await sweep(m)
  const a = items.find((c) => c.externalUserId && items.filter((i) => i.customerId === c.customerId).length > 1)!
  return [a, items.find((i) => i.customerId === a.customerId && i.qwUserId !== a.qwUserId)!]
}

describe('customer-relation/edit-field', () => {
  it('the documented request (描述) changes the customer\'s value, seen through every follower; lastUpdateTime moves', async () => {
    const [a, b] = await shared(mock)
    const events: WorldEvent[] = []
    const off = mock.events.onAny((e) => events.push(e))
    expect(await call(mock, editRelationField, { customerId: a.customerId, qwUserId: a.qwUserId, field: '描述', valueAsText: '老客户转介绍' })).toEqual({ code: 0, message: 'success', data: null })
    off()
    for (const item of (await sweep(mock)).filter((i) => i.customerId === a.customerId)) {
      expect(item.fields.find((f) => f.field === 'description')!.valueAsText).toBe('老客户转介绍')
      expect(item.lastUpdateTime > a.lastUpdateTime).toBe(true)
    }
    expect(events).toEqual([expect.objectContaining({ type: 'customer.changed', customerId: a.customerId, properties: ['fields'] })])
    expect(b.customerId).toBe(a.customerId)
  })

  it('备注 changes that member\'s remark only: the relation lists and qw-details show it', async () => {
    const [a, b] = await shared(mock)
    await call(mock, editRelationField, { customerId: a.customerId, qwUserId: a.qwUserId, field: '备注', valueAsText: '王总-重点' })
    const after = (await sweep(mock)).filter((i) => i.customerId === a.customerId)
    expect(after.find((i) => i.qwUserId === a.qwUserId)!.qwRemark).toBe('王总-重点')
    expect(after.find((i) => i.qwUserId === b.qwUserId)!.qwRemark).toBe(b.qwRemark)
    const details = await call<{ qwRemark: string | null }[]>(mock, qwDetails, { externalUserId: a.externalUserId, qwUserId: a.qwUserId })
    expect(details.data[0]!.qwRemark).toBe('王总-重点')
  })

  it('a select value is the option id as text; a phones value its JSON list', async () => {
    const [a] = await shared(mock)
    const gender = mock.context.world.catalog.fields.find((f) => f.outerField === 'gender')!
    await call(mock, editRelationField, { customerId: a.customerId, qwUserId: a.qwUserId, field: '性别', valueAsText: '2' })
    await call(mock, editRelationField, { customerId: a.customerId, qwUserId: a.qwUserId, field: 'mobile', valueAsText: '["13700000000"]' })
    const item = (await sweep(mock)).find((i) => i.customerId === a.customerId)!
    expect(item.fields.find((f) => f.field === 'gender')!.valueAsText).toBe(String(gender.items.find((o) => o.name === '女')!.id))
    expect(item.fields.find((f) => f.field === 'mobile')!.valueAsText).toBe('["13700000000"]')
  })

  it.each<[string, (a: RelationItem, nonFollower: string) => unknown, (a: RelationItem, nonFollower: string) => string]>([
    ['an unknown customer', (a) => ({ customerId: 1, qwUserId: a.qwUserId, field: '描述', valueAsText: 'x' }), () => 'customerId 不存在：1'],
    ['an unknown member', (a) => ({ customerId: a.customerId, qwUserId: 'ghost', field: '描述', valueAsText: 'x' }), () => 'qwUserId 不存在："ghost"'],
    ['a member who does not follow the customer', (a, n) => ({ customerId: a.customerId, qwUserId: n, field: '描述', valueAsText: 'x' }), (a, n) => `qwUserId 未跟进该客户："${n}"，customerId ${a.customerId}`],
    ['an unknown field', (a) => ({ customerId: a.customerId, qwUserId: a.qwUserId, field: '爱好', valueAsText: 'x' }), () => 'field 不存在："爱好"'],
    ['a value its field does not take', (a) => ({ customerId: a.customerId, qwUserId: a.qwUserId, field: '性别', valueAsText: '9' }), () => 'fields.gender: no option 9 (options: 0 其它, 1 男, 2 女); this field (type 2) takes an option id or name, or null to clear'],
  ])('refuses %s, and nothing changes', async (_label, body, message) => {
    const m = await createMock({ seed: 'relation-edit-field', customers: 40, staff: 4 })
    const before = await sweep(m)
    const [a] = await shared(m)
    const followers = new Set(before.filter((i) => i.customerId === a.customerId).map((i) => i.qwUserId))
    const nonFollower = m.context.world.memberList.map((x) => x.qwUserId).find((q) => !followers.has(q)) ?? 'ghost'
    const events: WorldEvent[] = []
    m.events.onAny((e) => events.push(e))
    expect(await call(m, editRelationField, body(a, nonFollower))).toEqual({ code: 40000, message: `请求参数验证失败：${message(a, nonFollower)}`, data: null })
    expect(await sweep(m)).toEqual(before)
    expect(events).toEqual([])
  })

  it.each<[string, unknown, string]>([
    ['a missing customerId', { qwUserId: 'a', field: '描述', valueAsText: 'x' }, 'customerId 不能为空'],
    ['a missing qwUserId', { customerId: 5, field: '描述', valueAsText: 'x' }, 'qwUserId 不能为空'],
    ['a missing field', { customerId: 5, qwUserId: 'a', valueAsText: 'x' }, 'field 不能为空'],
    ['a numeric valueAsText', { customerId: 5, qwUserId: 'a', field: '描述', valueAsText: 3 }, 'valueAsText 应为字符串（收到 3）'],
  ])('refuses %s', async (_label, body, message) => {
    expect(await call(mock, editRelationField, body)).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
  })

  describe('over HTTP', () => {
    const server = serving(() => mock)
    it('answers a signed request', async () => {
      const [a] = await shared(mock)
      const http = await callHttp(mock, server(), editRelationField, { customerId: a.customerId, qwUserId: a.qwUserId, field: '描述', valueAsText: 'http' })
      expect(http.status).toBe(200)
      expect(http.text).toBe('{"code":0,"message":"success","data":null}')
    })
  })
})
