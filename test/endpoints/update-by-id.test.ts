/** POST …/v3/customer/update-by-id: profile values by alias, checked by field type; every read shows the change at once. */
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { updateCustomerById } from '../../mock/endpoints/index.js'
import type { WorldEvent } from '../../mock/world/events.js'
import { call, callHttp, serving } from './support.js'
import { sweep } from './support.js'

let mock: Mock
beforeAll(async () => {
  mock = await createMock({ seed: 'update-by-id', customers: 30, staff: 4 })
})

describe('customer/update-by-id', () => {
  it('changes the values in every relation of the customer; lastUpdateTime moves; customer.changed', async () => {
    const items = await sweep(mock)
    const customerId = items.find((c) => items.filter((i) => i.customerId === c.customerId).length > 1)!.customerId
    const events: WorldEvent[] = []
    const off = mock.events.onAny((e) => events.push(e))
    const answer = await call(mock, updateCustomerById, { customerId, fields: [{ alias: '描述', values: ['续约客户'] }, { alias: 'mobile', values: ['13900000001', '13900000002'] }, { alias: '性别', values: ['1'] }, { alias: 'birthday', values: [] }] })
    off()
    expect(answer).toEqual({ code: 0, message: 'success', data: null })
    const after = (await sweep(mock)).filter((i) => i.customerId === customerId)
    const before = items.filter((i) => i.customerId === customerId)
    expect(after.length).toBe(before.length)
    for (const item of after) {
      const value = (key: string) => item.fields.find((f) => f.field === key)!.valueAsText
      expect(value('description')).toBe('续约客户')
      expect(value('mobile')).toBe('["13900000001","13900000002"]')
      expect(value('gender')).toBe('1')
      expect(value('birthday')).toBe(null)
      expect(item.lastUpdateTime > before[0]!.lastUpdateTime).toBe(true)
    }
    expect(events).toEqual([expect.objectContaining({ type: 'customer.changed', customerId, properties: ['fields'] })])
  })

  it.each<[string, (id: number) => unknown, string]>([
    ['an unknown customer', () => ({ customerId: 1, fields: [{ alias: '描述', values: ['x'] }] }), 'customerId 不存在：1'],
    ['an unknown alias', (id) => ({ customerId: id, fields: [{ alias: '描述', values: ['x'] }, { alias: 'nope', values: ['x'] }] }), 'alias 不存在："nope"'],
    ['a date that is not one', (id) => ({ customerId: id, fields: [{ alias: '描述', values: ['x'] }, { alias: '生日', values: ['yesterday'] }] }), 'fields.birthday: "yesterday" is not a date; this field (type 3) takes a date yyyy-MM-dd, or null to clear'],
    ['a phone that is not one', (id) => ({ customerId: id, fields: [{ alias: 'mobile', values: ['138-0000'] }] }), 'fields.mobile: "138-0000" is not a phone number; this field (type 8) takes a list of phone numbers as digit strings, e.g. ["13800138000"], or null to clear'],
  ])('refuses %s, and nothing changes', async (_label, body, message) => {
    const m = await createMock({ seed: 'update-by-id', customers: 30, staff: 4 })
    const before = await sweep(m)
    const events: WorldEvent[] = []
    m.events.onAny((e) => events.push(e))
    expect(await call(m, updateCustomerById, body(before[0]!.customerId))).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
    expect(await sweep(m)).toEqual(before)
    expect(events).toEqual([])
  })

  it.each<[string, unknown, string]>([
    ['a missing customerId', { fields: [{ alias: 'a', values: [] }] }, 'customerId 不能为空'],
    ['a customerId as text', { customerId: 'x', fields: [{ alias: 'a', values: [] }] }, 'customerId 应为客户 id（正整数）（收到 "x"）'],
    ['missing fields', { customerId: 5 }, 'fields 不能为空'],
    ['a field without alias', { customerId: 5, fields: [{ values: [] }] }, 'fields[].alias 不能为空'],
  ])('refuses %s', async (_label, body, message) => {
    expect(await call(mock, updateCustomerById, body)).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
  })

  describe('over HTTP', () => {
    const server = serving(() => mock)
    it('answers a signed request', async () => {
      const customerId = (await sweep(mock))[0]!.customerId
      const http = await callHttp(mock, server(), updateCustomerById, { customerId, fields: [{ alias: 'name', values: ['李雷'] }] })
      expect(http.status).toBe(200)
      expect(http.text).toBe('{"code":0,"message":"success","data":null}')
    })
  })
})
