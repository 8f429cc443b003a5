/** POST …/v2/customer/follow/qw-list-by-customer (获取指定企微客户的跟进数据): WeCom follow records of an external contact. */
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { qwListByCustomer } from '../../mock/endpoints/index.js'
import { call, callHttp, serving } from './support.js'
import { sweep, type RelationItem } from './support.js'

interface Record { id: number; qwUserId: string; externalUserId: string; content: string; followType: number; gmtCreateTime: string }

let mock: Mock
let items: RelationItem[]
beforeAll(async () => {
  mock = await createMock({ seed: 'qw-follow', customers: 80, staff: 6 })
  items = await sweep(mock)
})

describe('customer/follow/qw-list-by-customer', () => {
  it('lists each follower\'s records of the contact: the documented 6 properties, after the follow began, ids unique', async () => {
    const ids = new Set<number>()
    let total = 0
    const seen = new Set<string>()
    for (const item of items.filter((i) => i.externalUserId)) {
      if (seen.has(item.externalUserId!)) continue
      seen.add(item.externalUserId!)
      const answer = await call<Record[]>(mock, qwListByCustomer, { externalUserId: item.externalUserId })
      expect(answer.code).toBe(0)
      expect(answer.message).toBe('success')
      const followers = new Map(items.filter((i) => i.externalUserId === item.externalUserId).map((i) => [i.qwUserId, i]))
      for (const r of answer.data) {
        expect(Object.keys(r)).toEqual(['id', 'qwUserId', 'externalUserId', 'content', 'followType', 'gmtCreateTime'])
        expect(r.externalUserId).toBe(item.externalUserId)
        expect(followers.has(r.qwUserId)).toBe(true)
        expect([1, 2]).toContain(r.followType)
        expect(r.gmtCreateTime >= followers.get(r.qwUserId)!.createTime).toBe(true)
        if (r.followType === 2) expect(r.content).toMatch(/^修改了客户的信息:\n“.+”$/)
        expect(ids.has(r.id)).toBe(false)
        ids.add(r.id)
        total++
      }
    }
    expect(total).toBeGreaterThan(20)
  })

  it('is the same for the same seed, call after call', async () => {
    const id = items.find((i) => i.externalUserId)!.externalUserId
    const again = await createMock({ seed: 'qw-follow', customers: 80, staff: 6 })
    expect(await call(again, qwListByCustomer, { externalUserId: id })).toEqual(await call(mock, qwListByCustomer, { externalUserId: id }))
  })

  it('an unknown externalUserId answers an empty list', async () => {
    expect(await call(mock, qwListByCustomer, { externalUserId: 'wmvRo3DwAAjRcO70jPyfVZa3B6uXc9Ng' })).toEqual({ code: 0, message: 'success', data: [] })
  })

  it.each<[string, unknown, string]>([
    ['a missing externalUserId', {}, 'externalUserId 不能为空'],
    ['a numeric externalUserId', { externalUserId: 12 }, 'externalUserId 应为字符串（收到 12）'],
  ])('refuses %s', async (_label, body, message) => {
    expect(await call(mock, qwListByCustomer, body)).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
  })

  describe('over HTTP', () => {
    const server = serving(() => mock)
    it('answers a signed request', async () => {
      const body = { externalUserId: items.find((i) => i.externalUserId)!.externalUserId }
      const http = await callHttp(mock, server(), qwListByCustomer, body)
      expect(http.status).toBe(200)
      expect(JSON.parse(http.text)).toEqual(await call(mock, qwListByCustomer, body))
    })
  })
})
