/**
 * Replicas of one seed behind a load balancer (decisions/0013-scaling-out.md): two separate fake
 * processes started from the same seed at different moments answer every read with the same bytes,
 * and a cursor is a keyset position (mock/protocol/cursor.ts: the last item's key, nothing of the
 * process that minted it), so paging that hops between replicas on every page reads exactly the
 * window one replica gives. What does not carry over is a write: it lives in the replica that took
 * it, which is why the load balancer pins a tenant's writes (docker/nginx.conf).
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, startReplica, type Replica } from './support.js'

const RELATIONS = '/v3/customer-relation/list-by-relation-create-time-asc'
const BY_MEMBER = '/v3/customer-relation/list-by-qw-user-id'
const LEADS = '/v3/clue/list-by-create-time-asc'
const ARGS = ['--seed', 'replicas', '--customers', '400', '--staff', '8']

interface Page {
  list: Record<string, unknown>[]
  nextCursor: string | null
}

let a: Replica
let b: Replica
let member: string

beforeAll(async () => {
  a = await startReplica(ARGS)
  await new Promise((r) => setTimeout(r, 1100)) // a second apart: nothing in the world depends on when a replica started
  b = await startReplica(ARGS)
  member = ((await call(a.origin, RELATIONS, { size: 1 })).json.data as Page).list[0]!.qwUserId as string
}, 120_000)
afterAll(() => {
  a?.stop()
  b?.stop()
})

/** Every page of a window, each page asked of the replica `pick` names; the pages' texts. */
async function sweep(path: string, body: Record<string, unknown>, pick: (page: number) => Replica): Promise<string[]> {
  const pages: string[] = []
  let cursor: string | undefined
  for (let k = 0; k < 10_000; k++) {
    const answer = await call(pick(k).origin, path, cursor === undefined ? body : { ...body, cursor })
    expect(answer.json.code, answer.text).toBe(0)
    pages.push(answer.text)
    cursor = (answer.json.data as Page).nextCursor ?? undefined
    if (cursor === undefined) return pages
  }
  throw new Error('the sweep did not end')
}

describe('replicas of one seed', () => {
  it('are separate processes', () => {
    expect(a.pid).not.toBe(b.pid)
    expect(a.origin).not.toBe(b.origin)
  })

  it('answer the same reads with the same bytes', async () => {
    const reads: [string, unknown][] = [
      [RELATIONS, { size: 50 }],
      [RELATIONS, { size: 7, type: 2 }],
      [BY_MEMBER, { qwUserId: member, size: 20 }],
      [LEADS, { size: 30 }],
      ['/v3/get-users', { pageNo: 1, pageSize: 5, deleted: 0 }],
      ['/v2/customer/list-fields', {}],
      ['/v3/tags/list-tree', {}],
    ]
    for (const [path, body] of reads) {
      const [fromA, fromB] = await Promise.all([call(a.origin, path, body), call(b.origin, path, body)])
      expect(fromA.json.code, `${path}: ${fromA.text}`).toBe(0)
      expect(fromB.text, path).toBe(fromA.text)
    }
  })

  it('continue each other\'s cursors: a sweep that hops between replicas reads the pages one replica reads', async () => {
    const lists: [string, Record<string, unknown>][] = [
      [RELATIONS, {}],
      [RELATIONS, { type: 1 }],
      [BY_MEMBER, { qwUserId: member }],
      [LEADS, {}],
    ]
    // Each window spans several pages at the smallest size drawn: the hops happen.
    for (const [path, filters] of lists) expect((await sweep(path, { ...filters, size: 8 }, () => b)).length, path).toBeGreaterThan(2)
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), fc.integer({ min: 8, max: 35 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), async ([path, filters], size, hops) => {
        const body = { ...filters, size }
        const alone = await sweep(path, body, () => a)
        const hopping = await sweep(path, body, (page) => (hops[page % hops.length] ? b : a))
        expect(hopping).toEqual(alone)
      }),
      { numRuns: 12 },
    )
  }, 120_000)

  it('do not share writes: a lead added on one replica is not on the other (so a tenant\'s writes and the reads that must see them go to one replica)', async () => {
    const added = await call(a.origin, '/v3/add-clue', { customerName: '副本测试', mobiles: ['18800000013'] })
    expect(added.json.code, added.text).toBe(0)
    const search = { searchKey: '18800000013', pageNo: 1, pageSize: 10 }
    const [onA, onB] = await Promise.all([call(a.origin, '/v3/customer/search', search), call(b.origin, '/v3/customer/search', search)])
    expect(onA.text).not.toBe(onB.text)
    expect(onA.text).toContain('副本测试')
    expect(onB.text).not.toContain('副本测试')
  })
})
