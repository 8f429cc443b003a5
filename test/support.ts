/** Shared test helpers: drive the endpoint in-process, sweep a window, and a naive oracle to compare with. */
import { createMock, type Mock, type MockOptions } from '../mock/index.js'
import { listByRelationCreateTimeAsc } from '../mock/endpoints/index.js'
import { compareKeys, type RelationKey } from '../mock/protocol/cursor.js'
import type { World } from '../mock/world/world.js'

export interface Item {
  customerId: number
  qwUserId: string
  type: number
  [key: string]: unknown
}
export interface Page {
  list: Item[]
  nextCursor: string | null
}

export type ListBody = {
  since?: string
  before?: string
  type?: number
  qwUserId?: string
  size?: number
  cursor?: string
}

export async function mockWith(options: MockOptions): Promise<Mock> {
  return createMock(options)
}

/** One page, straight through the endpoint (no HTTP, no signature). */
/** The endpoint's `data` as text, straight through the endpoint (no HTTP, no signature). */
export function listText(mock: Mock, body: Record<string, unknown>): string {
  const data = listByRelationCreateTimeAsc.handle(mock.context, body, {})
  return typeof data === 'string' ? data : Buffer.concat(data).toString('utf8')
}

/** One page, straight through the endpoint (no HTTP, no signature). */
export function listPage(mock: Mock, body: Record<string, unknown>): Page {
  return JSON.parse(listText(mock, body)) as Page
}

/** Every page of a window, following nextCursor until it is null; throws if it never ends. */
export function sweep(mock: Mock, body: ListBody, onPage?: (page: Page) => void): Item[] {
  const items: Item[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 100_000; pages++) {
    const page = listPage(mock, cursor === undefined ? body : { ...body, cursor })
    onPage?.(page)
    items.push(...page.list)
    if (page.nextCursor === null) return items
    cursor = page.nextCursor
  }
  throw new Error('sweep did not end')
}

export interface OracleRelation {
  key: RelationKey
  customerId: number
  qwUserId: string
  type: number
}

/** All relations of a world, found by a full scan and a sort: what the keyset index must agree with. */
export function allRelations(world: World): OracleRelation[] {
  const t = world.relations
  const out: OracleRelation[] = []
  for (let slot = 0; slot < t.length; slot++) {
    out.push({ key: t.key(slot), customerId: world.customerIdAt(t.customer[slot]!), qwUserId: world.memberList[t.member[slot]!]!.qwUserId, type: t.type[slot]! })
  }
  return out.sort((a, b) => compareKeys(a.key, b.key))
}

export function oracle(relations: OracleRelation[], body: { sinceSec?: number; beforeSec?: number; type?: number; qwUserId?: string }): OracleRelation[] {
  return relations.filter(
    (r) =>
      (body.sinceSec === undefined || r.key.sec >= body.sinceSec) &&
      (body.beforeSec === undefined || r.key.sec < body.beforeSec) &&
      (body.type === undefined || r.type === body.type) &&
      (body.qwUserId === undefined || r.qwUserId === body.qwUserId),
  )
}

export const ident = (r: { customerId: number; qwUserId: string }) => `${r.customerId}/${r.qwUserId}`
