/** Generated data as docs/upstream.md §3–§5 describes it: realistic, typed, consistent, deterministic. */
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Mock } from '../../mock/index.js'
import { idMintedAt, isTanmaId } from '../../mock/protocol/ids.js'
import { parseBeijing, parseBeijingDate } from '../../mock/protocol/time.js'
import { MOBILE_PREFIXES } from '../../mock/world/generate/pools.js'
import { mockWith, sweep, type Item } from '../support.js'

const documented = JSON.parse(readFileSync(new URL('../../fixtures/vendor/list-by-relation-create-time-asc.response.json', import.meta.url), 'utf8'))
const docItems = documented.data.list as Record<string, unknown>[]
const personalKeys = Object.keys(docItems[0]!)
const enterpriseKeys = Object.keys(docItems[1]!)
const docFields = (docItems[0]!.fields as { field: string; type: number }[]).map((f) => [f.field, f.type])
const UNTIL = parseBeijing('2026-11-01 00:00:00')!

let mock: Mock
let items: Item[]

beforeAll(async () => {
  mock = await mockWith({ seed: 'realism', customers: 2000, staff: 20 })
  items = sweep(mock, { size: 100 })
})

const field = (item: Item, key: string) => (item.fields as { field: string; valueAsText: string | null }[]).find((f) => f.field === key)!.valueAsText

describe('generated items have the documented shape', () => {
  it('has one item per follow relation, and every customer is followed at least once', () => {
    expect(items.length).toBe(mock.context.world.relations.length)
    expect(new Set(items.map((i) => i.customerId)).size).toBe(2000)
    const followers = new Map<number, number>()
    for (const i of items) followers.set(i.customerId, (followers.get(i.customerId) ?? 0) + 1)
    expect([...followers.values()].some((n) => n >= 3)).toBe(true)
  })

  it('has the documented properties in the documented order; companyInfo exactly for enterprise customers', () => {
    for (const item of items) {
      expect(Object.keys(item)).toEqual(item.type === 2 ? enterpriseKeys : personalKeys)
      expect([1, 2]).toContain(item.type)
    }
    const enterpriseShare = items.filter((i) => i.type === 2).length / items.length
    expect(enterpriseShare).toBeGreaterThan(0.2)
    expect(enterpriseShare).toBeLessThan(0.4)
  })

  it('has the ten documented profile fields, in order, with their types, and string-or-null values', () => {
    for (const item of items) {
      const fields = item.fields as { field: string; type: number; valueAsText: unknown }[]
      expect(fields.map((f) => [f.field, f.type])).toEqual(docFields)
      for (const f of fields) expect(f.valueAsText === null || typeof f.valueAsText === 'string').toBe(true)
    }
  })
})

describe('generated values are realistic zh_CN SCRM data', () => {
  it('mobile: a JSON array rendered as text, of valid mainland mobile numbers', () => {
    const counts = new Set<number>()
    for (const item of items) {
      const phones = JSON.parse(field(item, 'mobile')!) as string[]
      counts.add(phones.length)
      for (const p of phones) {
        expect(p).toMatch(/^1[3-9]\d{9}$/)
        expect(MOBILE_PREFIXES).toContain(p.slice(0, 3))
      }
    }
    expect([...counts].sort()).toEqual([0, 1, 2])
  })

  it('names are Chinese (or the upstream\'s 客户XXXXXX default, or empty); genders are 0/1/2', () => {
    const names = items.map((i) => field(i, 'name'))
    for (const name of names) if (name !== null) expect(name).toMatch(/^(\p{Script=Han}{2,5}|客户[A-Za-z0-9]{6})$/u)
    expect(names.filter((n) => n !== null && /^\p{Script=Han}+$/u.test(n)).length / names.length).toBeGreaterThan(0.6)
    expect(new Set(items.map((i) => field(i, 'gender')))).toEqual(new Set(['0', '1', '2']))
  })

  it('select values are option ids that resolve to named options of the field definitions', () => {
    for (const key of ['customer_source', 'purchase_intention', 'customer_stage', 'gender']) {
      const definition = mock.world.fieldDefinitions().find((d) => d.outerField === key)!
      const options = new Map(definition.items.map((o) => [String(o.id), o.name]))
      const used = new Set<string>()
      for (const item of items) {
        const value = field(item, key)
        if (value === null) continue
        expect(options.has(value), `${key} ${value}`).toBe(true)
        used.add(options.get(value)!)
      }
      expect(used.size).toBe(options.size) // every option occurs in a world this size
    }
    expect(items.every((i) => field(i, 'customer_stage') !== null)).toBe(true)
  })

  it('tags, birthdays, addresses and descriptions look real', () => {
    const tagIds = new Set(mock.world.tags().map((t) => t.id))
    for (const item of items) {
      for (const id of item.tagIds as number[]) expect(tagIds.has(id)).toBe(true)
      const birthday = field(item, 'birthday')
      if (birthday !== null) expect(parseBeijingDate(birthday)).toBeDefined()
      const address = field(item, 'address')
      if (address !== null) expect(address).toMatch(/^\p{Script=Han}+(省|市).*\d+号$/u)
    }
    expect(items.some((i) => (i.tagIds as number[]).length > 0)).toBe(true)
    const descriptions = new Set(items.map((i) => field(i, 'description')))
    expect(descriptions.has(null) && descriptions.has('')).toBe(true) // both occur, as documented
  })

  it('WeChat data: avatar URLs, wm/wo external ids, and all-null for customers not added through WeCom', () => {
    for (const item of items) {
      if (item.externalUserId === null) {
        expect([item.wechatNickname, item.wechatAvatar, item.wechatLocation]).toEqual([null, null, null])
        continue
      }
      expect(item.externalUserId).toMatch(/^w[mo][A-Za-z0-9_-]{30}$/)
      expect(item.wechatAvatar).toMatch(/^https:\/\/wx\.qlogo\.cn\/mmhead\/[A-Za-z0-9_-]{50,66}\/0$/)
      expect(typeof item.wechatNickname).toBe('string')
    }
    expect(items.some((i) => i.externalUserId === null)).toBe(true)
    expect(items.some((i) => typeof i.wechatLocation === 'string')).toBe(true)
  })

  it('enterprise customers carry a company that is also their corp_name, registered before them', () => {
    for (const item of items.filter((i) => i.type === 2)) {
      const company = item.companyInfo as { id: number; name: string }
      expect(isTanmaId(company.id)).toBe(true)
      expect(company.name).toMatch(/公司$/)
      expect(company.id).toBeLessThan(item.customerId)
      const corp = field(item, 'corp_name')
      if (corp !== null) expect(corp).toBe(company.name)
    }
  })
})

describe('times and ids are consistent', () => {
  it('ids have the upstream layout and were minted shortly before the customer was created', () => {
    for (const item of items) {
      expect(isTanmaId(item.customerId)).toBe(true)
      const created = parseBeijing(item.createTime as string)! * 1000
      const lag = created - idMintedAt(item.customerId)
      expect(lag).toBeGreaterThan(0)
      expect(lag).toBeLessThanOrEqual(31_000)
    }
  })

  it('createTime ≤ lastUpdateTime ≤ the world\'s end ≤ now; conversions fall in between', () => {
    for (const item of items) {
      const created = parseBeijing(item.createTime as string)!
      const updated = parseBeijing(item.lastUpdateTime as string)!
      expect(created).toBeLessThanOrEqual(updated)
      expect(updated).toBeLessThanOrEqual(UNTIL)
      expect(UNTIL * 1000).toBeLessThanOrEqual(Date.now())
      if (item.convertCustomerTime !== null) {
        const converted = parseBeijing(item.convertCustomerTime as string)!
        expect(converted).toBeGreaterThanOrEqual(created)
        expect(converted).toBeLessThanOrEqual(updated)
      }
    }
  })

  it('no relation is older than its customer; the first one is created in the customer\'s own second', () => {
    const t = mock.context.world.relations
    const firstFollow = new Map<number, number>()
    for (let slot = 0; slot < t.length; slot++) {
      const customer = mock.context.world.customer(t.customer[slot]!)
      expect(t.sec[slot]!).toBeGreaterThanOrEqual(customer.createTime)
      expect(t.sec[slot]!).toBeLessThanOrEqual(customer.lastUpdateTime)
      const seen = firstFollow.get(customer.customerId)
      if (seen === undefined || t.sec[slot]! < seen) firstFollow.set(customer.customerId, t.sec[slot]!)
    }
    for (let i = 0; i < 2000; i++) {
      const customer = mock.context.world.customer(i)
      expect(firstFollow.get(customer.customerId)).toBe(customer.createTime)
    }
  })

  it('relation ids ascend with relation time', () => {
    const t = mock.context.world.relations
    for (let slot = 1; slot < t.length; slot++) expect(t.id[slot]!).toBeGreaterThan(t.id[slot - 1]!)
  })
})

describe('members', () => {
  it('have unique latin qwUserIds, Chinese names and departments', () => {
    const members = mock.world.members()
    expect(members).toHaveLength(20)
    expect(new Set(members.map((m) => m.qwUserId)).size).toBe(20)
    for (const m of members) {
      expect(m.qwUserId).toMatch(/^[a-z]+\d*$/)
      expect(m.name).toMatch(/^\p{Script=Han}{2,5}$/u)
    }
  })
})
