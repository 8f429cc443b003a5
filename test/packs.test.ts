/** The named packs: reproducible, served by name, and holding what they promise. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createMock } from '../mock/index.js'
import { buildPacks } from '../fixtures/make-packs.js'
import { allRelations, ident, sweep } from './support.js'

const committed = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'))

describe('named packs', () => {
  it('are exactly what fixtures/make-packs.ts builds (run `npm run packs` after changing generation)', async () => {
    const packs = await buildPacks()
    for (const name of ['small', 'demo', 'edge']) expect(committed(name), name).toEqual(packs[name])
  })

  it.each(['small', 'demo', 'edge', 'documented-example'])('%s is served by name', async (name) => {
    const mock = await createMock({ fixtures: name })
    expect(sweep(mock, { size: 100 }).length).toBe(mock.world.relationCount)
    expect(mock.world.relationCount).toBeGreaterThan(0)
  })

  it('demo: a believable company — thousands of customers across every stage, source and tag; members with Chinese names in departments', async () => {
    const mock = await createMock({ fixtures: 'demo' })
    expect(mock.world.customerCount).toBe(3000)
    const members = mock.world.members()
    expect(members.every((m) => /^\p{Script=Han}{2,4}$/u.test(m.name))).toBe(true)
    expect(new Set(members.map((m) => m.department)).size).toBeGreaterThanOrEqual(4)
    const items = sweep(mock, { size: 100 })
    const values = (key: string) => new Set(items.map((i) => (i.fields as { field: string; valueAsText: string | null }[]).find((f) => f.field === key)!.valueAsText))
    expect(values('customer_stage').size).toBe(6)
    expect([...values('customer_source')].filter(Boolean).length).toBe(6)
    expect(new Set(items.flatMap((i) => i.tagIds as number[])).size).toBe(mock.world.tags().length)
  })

  it('edge: relations sharing a nanosecond page in id order, one at a time, none skipped', async () => {
    const mock = await createMock({ fixtures: 'edge' })
    const relations = allRelations(mock.context.world)
    const leap = relations.filter((r) => r.key.sec === 1709179200) // 2024-02-29 12:00:00 Beijing
    expect(leap.length).toBe(5)
    expect(new Set(leap.map((r) => `${r.key.sec}.${r.key.nanos}`)).size).toBe(1)
    for (const size of [1, 2, 3]) expect(sweep(mock, { size, since: '2024-02-29 12:00:00', before: '2024-02-29 12:00:01' }).map(ident)).toEqual(leap.map(ident))
  })

  it('edge: holds an empty profile, null WeChat data, a customer with twelve followers, escaped values', async () => {
    const mock = await createMock({ fixtures: 'edge' })
    const items = sweep(mock, { size: 100 })
    const followers = new Map<number, number>()
    items.forEach((i) => followers.set(i.customerId, (followers.get(i.customerId) ?? 0) + 1))
    expect(Math.max(...followers.values())).toBe(12)
    const values = (i: (typeof items)[number]) => (i.fields as { valueAsText: string | null }[]).map((f) => f.valueAsText)
    expect(items.some((i) => values(i).every((v) => v === null || v === '' || v === '[]' || v === '0') && i.externalUserId === null && i.wechatNickname === null)).toBe(true)
    expect(items.some((i) => i.wechatNickname === '')).toBe(true)
    expect(items.some((i) => (i.companyInfo as { name: string } | undefined)?.name === '"引号"与\\反斜杠 😀 科技有限公司')).toBe(true)
  })
})
