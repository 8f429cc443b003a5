/**
 * Paging exactly as docs/upstream.md §3, checked against a naive oracle (full scan + sort) over random
 * worlds, filters, windows and page sizes.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, compareKeys } from '../mock/protocol/cursor.js'
import { formatBeijing, parseBeijing } from '../mock/protocol/time.js'
import type { Mock } from '../mock/index.js'
import { allRelations, ident, listPage, mockWith, oracle, sweep, type ListBody } from './support.js'

const FROM = parseBeijing('2019-01-01 00:00:00')!
const UNTIL = parseBeijing('2026-11-01 00:00:00')!

const worlds = new Map<string, Promise<Mock>>()
/** Worlds are reused across runs of a property (building is the slow part). */
function world(seed: number, customers: number, staff: number, endCursor: 'null' | 'empty-page' = 'null') {
  const key = `${seed}/${customers}/${staff}/${endCursor}`
  if (!worlds.has(key)) worlds.set(key, mockWith({ seed, customers, staff, endCursor }))
  return worlds.get(key)!
}

const worldArb = fc.record({ seed: fc.integer({ min: 0, max: 5 }), customers: fc.constantFrom(0, 1, 7, 60, 250), staff: fc.constantFrom(1, 3, 8) })
const timeArb = fc.integer({ min: FROM - 86_400 * 30, max: UNTIL + 86_400 * 30 })
const queryArb = fc.record(
  {
    since: timeArb,
    before: timeArb,
    type: fc.constantFrom(1, 2),
    member: fc.integer({ min: -1, max: 9 }), // -1: a qwUserId nobody has
    size: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 90, max: 150 })),
  },
  { requiredKeys: [] },
)

type Query = typeof queryArb extends fc.Arbitrary<infer T> ? T : never

function toBody(mock: Mock, q: Query): ListBody {
  const body: ListBody = {}
  if (q.since !== undefined) body.since = formatBeijing(q.since)
  if (q.before !== undefined) body.before = formatBeijing(q.before)
  if (q.type !== undefined) body.type = q.type
  if (q.member !== undefined) body.qwUserId = q.member < 0 || q.member >= mock.world.memberCount ? 'nobody-follows' : mock.world.members()[q.member]!.qwUserId
  if (q.size !== undefined) body.size = q.size
  return body
}

function expected(mock: Mock, body: ListBody) {
  const since = body.since === undefined ? undefined : parseBeijing(body.since)
  const before = body.before === undefined ? undefined : parseBeijing(body.before)
  if (since !== undefined && before !== undefined && before <= since) return []
  return oracle(allRelations(mock.context.world), { sinceSec: since, beforeSec: before, type: body.type, qwUserId: body.qwUserId })
}

describe('keyset paging', () => {
  it('a sweep visits each matching relation exactly once, in order, in pages of the requested size', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, queryArb, async (w, q) => {
        const mock = await world(w.seed, w.customers, w.staff)
        const body = toBody(mock, q)
        const size = Math.min(body.size ?? 20, 100)
        const pages: number[] = []
        const items = sweep(mock, body, (page) => pages.push(page.list.length))
        expect(items.map(ident)).toEqual(expected(mock, body).map(ident))
        // Every page but the last is full; the last is non-empty unless the window is.
        pages.slice(0, -1).forEach((n) => expect(n).toBe(size))
        expect(pages.at(-1)!).toBeLessThanOrEqual(size)
        if (items.length > 0) expect(pages.at(-1)!).toBeGreaterThan(0)
      }),
      { numRuns: 150 },
    )
  })

  it('the union of adjacent windows equals the joined window', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, queryArb, timeArb, async (w, q, cut) => {
        const mock = await world(w.seed, w.customers, w.staff)
        const joined = toBody(mock, q)
        const since = joined.since === undefined ? -Infinity : parseBeijing(joined.since)!
        const before = joined.before === undefined ? Infinity : parseBeijing(joined.before)!
        fc.pre(since < cut && cut < before)
        const left = sweep(mock, { ...joined, before: formatBeijing(cut) })
        const right = sweep(mock, { ...joined, since: formatBeijing(cut) })
        expect([...left, ...right].map(ident)).toEqual(sweep(mock, joined).map(ident))
      }),
      { numRuns: 100 },
    )
  })

  it('a cursor resumes strictly after its key, wherever that key falls', async () => {
    await fc.assert(
      fc.asyncProperty(
        worldArb,
        fc.nat(),
        fc.constantFrom(-1, 0, 1, 'random' as const),
        timeArb,
        fc.integer({ min: 0, max: 999_999_999 }),
        async (w, pick, nudge, sec, nanos) => {
          const mock = await world(w.seed, w.customers, w.staff)
          const relations = allRelations(mock.context.world)
          // Mostly an existing relation's key (or one nanosecond either side of it), sometimes anywhere.
          const base = relations[pick % Math.max(1, relations.length)]?.key
          const key = nudge === 'random' || !base ? { sec, nanos, id: pick } : { ...base, nanos: Math.max(0, base.nanos + nudge) }
          const page = listPage(mock, { cursor: encodeCursor(key), size: 5 })
          const after = relations.filter((r) => compareKeys(r.key, key) > 0).slice(0, 5)
          expect(page.list.map(ident)).toEqual(after.map(ident))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('a cursor is the key of the page\'s last item, and replaying it gives the same next page', async () => {
    const mock = await world(1, 250, 8)
    const relations = allRelations(mock.context.world)
    const first = listPage(mock, { size: 7 })
    const key = decodeCursor(first.nextCursor!)
    expect(key).toEqual(relations[6]!.key)
    expect(formatBeijing(key.sec)).toBe(formatBeijing(relations[6]!.key.sec))
    expect(listPage(mock, { size: 7, cursor: first.nextCursor })).toEqual(listPage(mock, { size: 7, cursor: first.nextCursor }))
  })

  it('nextCursor is null on the page that exhausts the window (default end mode)', async () => {
    const mock = await world(2, 60, 3)
    const total = allRelations(mock.context.world).length
    const exact = listPage(mock, { size: total > 100 ? 100 : total })
    if (total <= 100) expect(exact.nextCursor).toBeNull()
    const page = listPage(mock, { size: 100 })
    expect(page.list.length).toBe(Math.min(total, 100))
  })

  it('empty-page end mode: the last page keeps a cursor and the next call returns an empty list with nextCursor null', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, queryArb, async (w, q) => {
        const nullMode = await world(w.seed, w.customers, w.staff, 'null')
        const emptyMode = await world(w.seed, w.customers, w.staff, 'empty-page')
        const body = toBody(nullMode, q)
        const pages: number[] = []
        const items = sweep(emptyMode, body, (page) => pages.push(page.list.length))
        expect(items.map(ident)).toEqual(sweep(nullMode, body).map(ident))
        expect(pages.at(-1)).toBe(0)
        if (items.length > 0) expect(pages.length).toBeGreaterThanOrEqual(2)
      }),
      { numRuns: 60 },
    )
  })

  it('size defaults to 20 and is clamped to 100', async () => {
    const mock = await world(3, 250, 8)
    expect(listPage(mock, {}).list).toHaveLength(20)
    expect(listPage(mock, { size: 1000 }).list).toHaveLength(100)
    expect(listPage(mock, { size: 100 }).list).toHaveLength(100)
  })

  it('since is inclusive and before exclusive, to the second, in Beijing time', async () => {
    const mock = await world(4, 250, 8)
    const relations = allRelations(mock.context.world)
    const pick = relations[Math.floor(relations.length / 2)]!
    const at = formatBeijing(pick.key.sec)
    const startingAt = sweep(mock, { since: at, size: 100 })
    expect(startingAt.map(ident)).toContain(ident(pick))
    expect(sweep(mock, { before: at, size: 100 }).map(ident)).not.toContain(ident(pick))
    // The window [t, t+1s) holds exactly the relations created in that second.
    const second = sweep(mock, { since: at, before: formatBeijing(pick.key.sec + 1) })
    expect(second.map(ident)).toEqual(relations.filter((r) => r.key.sec === pick.key.sec).map(ident))
  })

  it('an inverted or empty window and a qwUserId that follows nobody give an empty page with nextCursor null', async () => {
    const mock = await world(0, 250, 8)
    const empty = { list: [], nextCursor: null }
    expect(listPage(mock, { since: '2022-01-01 00:00:00', before: '2021-01-01 00:00:00' })).toEqual(empty)
    expect(listPage(mock, { since: '2022-01-01 00:00:00', before: '2022-01-01 00:00:00' })).toEqual(empty)
    expect(listPage(mock, { qwUserId: 'nobody-follows' })).toEqual(empty)
    expect(listPage(mock, { since: '2030-01-01 00:00:00' })).toEqual(empty)
  })

  it('filters by qwUserId and type', async () => {
    const mock = await world(5, 250, 8)
    const member = mock.world.members()[0]!.qwUserId
    const byMember = sweep(mock, { qwUserId: member, size: 100 })
    expect(byMember.length).toBeGreaterThan(0)
    expect(byMember.every((i) => i.qwUserId === member)).toBe(true)
    for (const type of [1, 2]) {
      const byType = sweep(mock, { type, size: 100 })
      expect(byType.length).toBeGreaterThan(0)
      expect(byType.every((i) => i.type === type)).toBe(true)
    }
  })
})
