/**
 * The console's admin routes (mock/console/queries.ts, docs/console.md): customer search with
 * filters and paging against a brute-force oracle over mock.world, the filters' choices, the world
 * aggregates (cached per world version, recomputed after a change), leads, and the edits the
 * customer page makes — accepted ones show on the page, refused ones change nothing and name the field.
 */
import fc from 'fast-check'
import { getResponse } from 'msw'
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import type { CustomerRecord } from '../../mock/world/query.js'
import { worldAggregates } from '../../mock/console/queries.js'

const NOW = 1_750_000_000_000

async function admin(mock: Mock, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
  const response = await getResponse(mock.handlers, new Request(`http://127.0.0.1/__mock${path}`, init))
  const text = await response!.text()
  return { status: response!.status, json: text === '' ? undefined : JSON.parse(text) }
}

/** Every page of a search, following `next`. */
async function allPages(mock: Mock, params: Record<string, string | number>, limit: number): Promise<number[]> {
  const ids: number[] = []
  let cursor: number | null = 0
  for (let round = 0; cursor !== null; round++) {
    const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), limit: String(limit), cursor: String(cursor) })
    const { status, json } = await admin(mock, 'GET', `/customers?${query}`)
    expect(status).toBe(200)
    expect(json.hits.length).toBeLessThanOrEqual(limit)
    if (json.next !== null) expect(json.hits.length).toBe(limit)
    ids.push(...json.hits.map((h: { customerId: number }) => h.customerId))
    cursor = json.next
    if (round > 1000) throw new Error('paging does not end')
  }
  return ids
}

const text = (v: string | string[] | null | undefined) => (v == null ? '' : Array.isArray(v) ? v.join(',') : v)

describe('customer search and filters', () => {
  let mock: Mock
  let all: CustomerRecord[]
  beforeAll(async () => {
    mock = await createMock({ seed: 'console-queries', customers: 300, staff: 6, now: () => NOW })
    all = [...mock.world.customers()]
  })

  it('each filter, alone and together, pages through exactly the customers an oracle over mock.world finds, in world order', async () => {
    const { json: facets } = await admin(mock, 'GET', '/customer-filters')
    expect(facets.stages.length).toBeGreaterThan(1)
    const member = fc.constantFrom(...mock.world.members().map((m) => m.qwUserId))
    const tag = fc.constantFrom(...mock.world.tags().map((t) => t.id))
    await fc.assert(
      fc.asyncProperty(
        fc.record({ member, type: fc.constantFrom(1, 2), stage: fc.constantFrom(...(facets.stages as string[])), source: fc.constantFrom(...(facets.sources as string[])), tag }, { requiredKeys: [] }),
        fc.integer({ min: 1, max: 40 }),
        async (filter, limit) => {
          const expected = all
            .filter((c) => filter.member === undefined || c.followers.includes(filter.member))
            .filter((c) => filter.type === undefined || c.type === filter.type)
            .filter((c) => filter.stage === undefined || c.fieldValues.customer_stage === filter.stage)
            .filter((c) => filter.source === undefined || c.fieldValues.customer_source === filter.source)
            .filter((c) => filter.tag === undefined || c.tagIds.includes(filter.tag))
            .map((c) => c.customerId)
          const got = await allPages(mock, filter, limit)
          // The member filter walks the member's relations (its list order); the others world order.
          if (filter.member === undefined) expect(got).toEqual(expected)
          else expect([...got].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b))
        },
      ),
      { numRuns: 25 },
    )
  })

  it('finds a customer by its id (first), its full mobile (the index), a part of its mobile or of its name', async () => {
    const target = all.slice(100).find((c) => Array.isArray(c.fieldValues.mobile) && c.fieldValues.mobile.length > 0 && c.fieldValues.name)!
    const mobile = (target.fieldValues.mobile as string[])[0]!
    const first = async (query: string) => (await admin(mock, 'GET', `/customers?query=${encodeURIComponent(query)}&limit=500`)).json.hits.map((h: { customerId: number }) => h.customerId)
    expect((await first(String(target.customerId)))[0]).toBe(target.customerId)
    expect(await first(mobile)).toEqual(all.filter((c) => (c.fieldValues.mobile as string[] | null)?.includes(mobile)).map((c) => c.customerId))
    expect(await first(mobile.slice(3, 9))).toEqual(all.filter((c) => text(c.fieldValues.mobile).split(',').some((m) => m.includes(mobile.slice(3, 9)))).map((c) => c.customerId))
    const part = (target.fieldValues.name as string).slice(1)
    expect(await first(part)).toEqual(all.filter((c) => text(c.fieldValues.name).includes(part)).map((c) => c.customerId))
    const hit = (await admin(mock, 'GET', `/customers?query=${target.customerId}`)).json.hits[0]
    expect(hit).toEqual({ customerId: target.customerId, name: target.fieldValues.name, mobiles: target.fieldValues.mobile ?? [], type: target.type, stage: target.fieldValues.customer_stage, source: target.fieldValues.customer_source, followers: target.followers.length })
  })

  it('an unknown stage, source or member matches nobody; a wrong parameter is a 400 naming it', async () => {
    for (const q of ['stage=%E6%97%A0', 'source=nope', 'member=nobody']) expect((await admin(mock, 'GET', `/customers?${q}`)).json).toEqual({ hits: [], next: null })
    for (const [q, name] of [['type=3', 'type'], ['limit=0', 'limit'], ['limit=501', 'limit'], ['cursor=-1', 'cursor'], ['tag=x', 'tag'], ['colour=red', 'colour']] as const) {
      const { status, json } = await admin(mock, 'GET', `/customers?${q}`)
      expect(status).toBe(400)
      expect(json.issues).toEqual([expect.stringMatching(new RegExp(`^${name}: `))])
    }
  })
})

describe('world aggregates', () => {
  it('count customers per stage and source and relations per month as the oracle does; computed once per world version', async () => {
    const mock = await createMock({ seed: 'console-aggregates', customers: 200, staff: 4, now: () => NOW })
    const customers = [...mock.world.customers()]
    const { json: first } = await admin(mock, 'GET', '/aggregates')
    expect(first.customers).toBe(customers.length)
    const stages = new Map<string | null, number>()
    for (const c of customers) stages.set((c.fieldValues.customer_stage as string | null) ?? null, (stages.get((c.fieldValues.customer_stage as string | null) ?? null) ?? 0) + 1)
    for (const { label, count } of first.perStage) expect([label, count]).toEqual([label, stages.get(label) ?? 0])
    expect(first.perSource.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(customers.length)
    const relations = customers.flatMap((c) => mock.world.relationsOf(c.customerId))
    const months = new Map<string, number>()
    for (const r of relations) months.set(r.createTime.slice(0, 7), (months.get(r.createTime.slice(0, 7)) ?? 0) + 1)
    expect(first.perMonth).toEqual([...months].sort(([a], [b]) => a.localeCompare(b)).map(([month, count]) => ({ month, count })))
    expect(first.relations).toBe(relations.length)

    expect((await admin(mock, 'GET', '/aggregates')).json).toEqual(first) // the same version: the cached answer (same computedMs)
    const target = customers.find((c) => c.fieldValues.customer_stage !== '成交')!
    expect((await admin(mock, 'PATCH', `/customers/${target.customerId}`, { fields: { customer_stage: '成交' } })).status).toBe(200)
    const { json: after } = await admin(mock, 'GET', '/aggregates')
    expect(after.version).toBeGreaterThan(first.version)
    const count = (a: typeof first, label: string | null) => a.perStage.find((r: { label: string | null }) => r.label === label)?.count ?? 0
    expect(count(after, '成交')).toBe(count(first, '成交') + 1)
    expect(count(after, (target.fieldValues.customer_stage as string | null) ?? null)).toBe(count(first, (target.fieldValues.customer_stage as string | null) ?? null) - 1)

    // A customer added and one deleted count at once; back to the starting world, the first counts again.
    const added = await admin(mock, 'POST', '/customers', { fields: { name: '新客户', customer_stage: '成交' }, followers: [{ qwUserId: mock.world.members()[0]!.qwUserId }] })
    expect(added.status).toBe(201)
    expect((await admin(mock, 'DELETE', `/customers/${target.customerId}`)).status).toBe(200)
    const { json: later } = await admin(mock, 'GET', '/aggregates')
    expect(later.customers).toBe(customers.length)
    expect(count(later, '成交')).toBe(count(after, '成交')) // +1 added, -1 deleted (the target was 成交 by then)
    expect(later.relations).toBe((await admin(mock, 'GET', '/health')).json.relations)
    expect((await admin(mock, 'POST', '/reset')).status).toBe(200)
    const { json: reset } = await admin(mock, 'GET', '/aggregates')
    expect({ ...reset, version: 0, computedMs: 0 }).toEqual({ ...first, version: 0, computedMs: 0 })
  })
})

describe('world aggregates while they are computed', () => {
  it('a change made while the first read hands the event loop back is counted in its answer; requests meanwhile share it', async () => {
    const mock = await createMock({ seed: 'console-aggregates-live', customers: 25_000, staff: 4, now: () => NOW })
    const [first] = mock.world.customers({ limit: 1 })
    const target = first!.fieldValues.customer_stage === '流失' ? '成交' : '流失'
    const running = worldAggregates(mock.context) // reads 20,000 customers, then yields
    const same = worldAggregates(mock.context)
    mock.admin.updateCustomer(first!.customerId, { fields: { customer_stage: target } }) // customer 0: already read
    const [result, shared] = await Promise.all([running, same])
    expect(shared).toBe(result)
    expect(result.version).toBe(mock.context.events.count)
    const oracle = [...mock.world.customers()].filter((c) => c.fieldValues.customer_stage === target).length
    expect(result.perStage.find((r) => r.label === target)!.count).toBe(oracle)
  })
})

describe('edits from the customer page', () => {
  let mock: Mock
  beforeAll(async () => {
    mock = await createMock({ seed: 'console-edits', customers: 30, staff: 4, now: () => NOW })
  })
  const page = async (id: number) => (await admin(mock, 'GET', `/customers/${id}`)).json

  it('a field by option name, a tag added and removed: the page shows it; a refused patch changes nothing and names the field', async () => {
    const [c] = mock.world.customers({ limit: 1 })
    const before = await page(c!.customerId)
    const stage = (await admin(mock, 'GET', '/customer-filters')).json.stages.find((s: string) => s !== c!.fieldValues.customer_stage)
    expect((await admin(mock, 'PATCH', `/customers/${c!.customerId}`, { fields: { customer_stage: stage } })).status).toBe(200)
    expect((await page(c!.customerId)).fields.find((f: { key: string }) => f.key === 'customer_stage').value).toBe(stage)

    const tag = mock.world.tags().find((t) => !c!.tagIds.includes(t.id))!
    const withTag = [...(await page(c!.customerId)).tags.map((t: { id: number }) => t.id), tag.id]
    expect((await admin(mock, 'PATCH', `/customers/${c!.customerId}`, { tagIds: withTag })).status).toBe(200)
    expect((await page(c!.customerId)).tags.map((t: { name: string }) => t.name)).toContain(tag.name)
    expect((await admin(mock, 'PATCH', `/customers/${c!.customerId}`, { tagIds: withTag.slice(0, -1) })).status).toBe(200)
    expect((await page(c!.customerId)).tags.map((t: { id: number }) => t.id)).not.toContain(tag.id)

    const unchanged = await page(c!.customerId)
    const refused = await admin(mock, 'PATCH', `/customers/${c!.customerId}`, { fields: { customer_stage: '不存在的阶段' } })
    expect(refused.status).toBe(400)
    expect(refused.json.issues.join(' ')).toContain('customer_stage')
    expect(await page(c!.customerId)).toEqual(unchanged)
    expect(before.customerId).toBe(c!.customerId)
  })

  it("a relation's remark changes (PATCH /relations/<id>) and emits the customer change edit-field emits; a wrong one is refused", async () => {
    const [c] = mock.world.customers({ limit: 1 })
    const relation = (await page(c!.customerId)).relations[0]
    const events: unknown[] = []
    const off = mock.events.on('customer.changed', (e) => events.push(e))
    const done = await admin(mock, 'PATCH', `/relations/${relation.relationId}`, { qwRemark: '老客户·回访' })
    off()
    expect(done).toEqual({ status: 200, json: { relationId: relation.relationId, customerId: c!.customerId, qwUserId: relation.qwUserId, qwRemark: '老客户·回访' } })
    expect((await page(c!.customerId)).relations[0].remark).toBe('老客户·回访')
    expect(events).toEqual([expect.objectContaining({ customerId: c!.customerId, properties: ['qwRemark'], relationId: relation.relationId, qwUserId: relation.qwUserId })])
    const wrong = await admin(mock, 'PATCH', `/relations/${relation.relationId}`, { qwRemark: 7 })
    expect(wrong.status).toBe(400)
    expect(wrong.json.issues).toEqual([expect.stringMatching(/^qwRemark: /)])
    expect((await admin(mock, 'PATCH', '/relations/999', { qwRemark: 'x' })).status).toBe(404)
    expect((await page(c!.customerId)).relations[0].remark).toBe('老客户·回访')
  })

  it('a follower added (POST /relations) shows on the page; the customer deleted is gone', async () => {
    const c = [...mock.world.customers()].slice(2).find((x) => x.followers.length < mock.world.members().length)
    const newcomer = mock.world.members().find((m) => !c!.followers.includes(m.qwUserId))!
    expect((await admin(mock, 'POST', '/relations', { customerId: c!.customerId, qwUserId: newcomer.qwUserId })).status).toBe(201)
    expect((await page(c!.customerId)).relations.map((r: { qwUserId: string }) => r.qwUserId)).toContain(newcomer.qwUserId)
    expect((await admin(mock, 'POST', '/relations', { customerId: c!.customerId, qwUserId: newcomer.qwUserId })).status).toBe(409)
    expect((await admin(mock, 'DELETE', `/customers/${c!.customerId}`)).status).toBe(200)
    expect((await admin(mock, 'GET', `/customers/${c!.customerId}`)).status).toBe(404)
    expect((await admin(mock, 'GET', `/customers?query=${c!.customerId}`)).json.hits).toEqual([])
  })
})

describe('leads', () => {
  it('lists leads with a search, pages them, shows one with its follow-ups, and a follow-up added shows', async () => {
    const mock = await createMock({ seed: 'console-leads', customers: 60, staff: 3, now: () => NOW })
    const leads = [...mock.world.leads()]
    expect(leads.length).toBeGreaterThan(3)
    const ids: number[] = []
    for (let cursor: number | null = 0; cursor !== null; ) {
      const { json } = await admin(mock, 'GET', `/leads?limit=2&cursor=${cursor}`)
      ids.push(...json.hits.map((h: { customerId: number }) => h.customerId))
      cursor = json.next
    }
    expect(ids).toEqual(leads.map((l) => l.customerId))
    const target = leads.find((l) => l.fieldValues.name)!
    const found = (await admin(mock, 'GET', `/leads?query=${encodeURIComponent(target.fieldValues.name as string)}`)).json.hits
    expect(found.map((h: { customerId: number }) => h.customerId)).toContain(target.customerId)
    const before = (await admin(mock, 'GET', `/leads/${target.customerId}`)).json
    expect(before.name).toBe(target.fieldValues.name)
    expect((await admin(mock, 'POST', `/leads/${target.customerId}/follow-ups`, { type: 1, content: '电话沟通，客户有意向' })).status).toBe(201)
    const after = (await admin(mock, 'GET', `/leads/${target.customerId}`)).json
    expect(after.followUps.map((f: { content: string }) => f.content)).toContain('电话沟通，客户有意向')
    expect(after.followUps).toHaveLength(before.followUps.length + 1)
    expect((await admin(mock, 'GET', '/leads/1')).status).toBe(404)
    expect((await admin(mock, 'GET', '/leads?limit=0')).status).toBe(400)
  })
})
