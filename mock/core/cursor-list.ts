/**
 * Keyset cursor lists, written once (docs/upstream.md §3): `{list, nextCursor}` pages of items in
 * ascending key order, resumed strictly after the key a cursor carries. An endpoint declares its
 * filters and says which keyset to read; this module does the rest:
 *
 * - the request's `since`/`before` window and `size`/`cursor` fields (default, maximum, oversize,
 *   cursor decode errors);
 * - the page: the slice after the cursor, `nextCursor` (null at the end, or `endCursor` mode),
 *   the journal's page note, the items as chunks of cached bytes;
 * - the faults that only a list has (shortPage, duplicateEdge, deep-page latency, the cursor a
 *   faulted call came with), as the endpoint's pipeline hooks.
 *
 * Followed customers use it today; leads and follow-ups next.
 */
import { z } from 'zod'
import type { ItemCache } from '../world/item-cache.js'
import type { WindowQuery, WindowSlice } from '../world/keyset.js'
import { CursorError, decodeCursor, encodeCursor, type RelationKey } from '../protocol/cursor.js'
import { UpstreamError } from '../protocol/errors.js'
import type { ResolvedOptions } from '../options.js'
import { preview } from '../preview.js'
import type { EndpointCall, EndpointHooks, JsonText } from './endpoint.js'
import { beijingTimeField, integerField } from './fields.js'

/** The `since` (inclusive) and `before` (exclusive) window fields. */
export const windowFields = () => ({
  since: beijingTimeField('since').optional(),
  before: beijingTimeField('before').optional(),
})

/** The `size` and `cursor` fields, by the options' page-size rules. */
export const pageFields = (options: ResolvedOptions) => ({
  size: integerField(options, 'size', options.oversize === 'error' ? `应为 1 到 ${options.sizeMax} 之间的整数` : '应为大于等于 1 的整数', (n) => n >= 1 && (options.oversize === 'clamp' || n <= options.sizeMax)).optional(),
  cursor: z.unknown().transform((value, ctx) => {
    try {
      if (typeof value !== 'string') throw new CursorError(`cursor 应为上一页返回的 nextCursor 字符串（收到 ${preview(value)}）`)
      return decodeCursor(value)
    } catch (error) {
      if (!(error instanceof CursorError)) throw error
      ctx.addIssue({ code: 'custom', message: error.message })
      return z.NEVER
    }
  }).optional(),
})

/** What a cursor list's request has (its own filters besides). */
export interface CursorListRequest {
  readonly since?: number
  readonly before?: number
  readonly size?: number
  readonly cursor?: RelationKey
}

/** The list a page is read from: items in key order, each one serialised once and cached. */
export interface KeysetSource {
  /** The slots of the window after the cursor, in key order. */
  slice(window: WindowQuery): WindowSlice
  /** The key a cursor resumes after. */
  key(slot: number): RelationKey
  /** The item of a slot, in the documented property order. */
  item(slot: number): unknown
  /** Serialised items by slot (changes to the world invalidate them). */
  readonly cache: ItemCache
}

const EMPTY_PAGE = '{"list":[],"nextCursor":null}'
const LIST_OPEN = Buffer.from('{"list":[')
const COMMA = Buffer.from(',')

/**
 * One page. `select` picks the keyset for the endpoint's own filters (after the window checks), or
 * answers `null` for a filter that matches nothing (an empty page) — or throws its validation error.
 */
export function servePage(call: EndpointCall<CursorListRequest>, select: () => KeysetSource | null): JsonText {
  const { context, request, note, log, plan } = call
  const { options } = context
  const size = Math.min(request.size ?? options.sizeDefault, options.sizeMax)
  note.size = size
  const body = call.body as { cursor?: unknown }
  note.cursor = typeof body.cursor === 'string' ? body.cursor : null
  note.worldChanges = context.events.count
  note.items = 0
  note.nextCursor = null

  if (request.since !== undefined && request.before !== undefined && request.before <= request.since) {
    if (options.invertedWindow === 'error') throw new UpstreamError('validation', 'before 应晚于 since')
    log.log('page', 'before ≤ since: empty page')
    return EMPTY_PAGE
  }
  const source = select()
  if (source === null) return EMPTY_PAGE

  const shortPage = plan?.shortPage ? (plan.shortPage.items ?? 'half') : undefined
  const served = shortPage === undefined ? size : Math.max(1, Math.min(size, shortPage === 'half' ? Math.floor(size / 2) : shortPage))
  const slice = source.slice({ sinceSec: request.since, beforeSec: request.before, after: request.cursor, inclusive: plan?.duplicateEdge === true, size: served })
  note.offset = slice.offset
  const last = slice.slots[slice.slots.length - 1]
  const hasCursor = last !== undefined && (slice.more || options.endCursor === 'empty-page')
  const nextCursor = hasCursor ? encodeCursor(source.key(last)) : null
  note.items = slice.slots.length
  note.nextCursor = nextCursor
  if (log.enabled) log.log('page', `${slice.slots.length} item(s) of size ${size}, ${slice.more ? 'more follow' : 'window exhausted'}, nextCursor ${nextCursor ?? 'null'}`)
  return pageChunks(source, slice.slots, nextCursor)
}

/** `{"list":[…],"nextCursor":…}` as chunks: cached items joined by commas. */
function pageChunks(source: KeysetSource, slots: readonly number[], nextCursor: string | null): Buffer[] {
  const chunks: Buffer[] = [LIST_OPEN]
  const cache = source.cache
  slots.forEach((slot, k) => {
    if (k > 0) chunks.push(COMMA)
    let item = cache.get(slot)
    if (!item) {
      item = Buffer.from(JSON.stringify(source.item(slot)))
      cache.set(slot, item)
    }
    chunks.push(item)
  })
  chunks.push(Buffer.from(`],"nextCursor":${nextCursor === null ? 'null' : `"${nextCursor}"`}}`))
  return chunks
}

/** The body's `cursor`, if it is a JSON object with one (null: none), without the endpoint's checks. */
function cursorOf(raw: Uint8Array): string | null | undefined {
  try {
    const body = JSON.parse(Buffer.from(raw).toString('utf8')) as { cursor?: unknown }
    return typeof body?.cursor === 'string' ? body.cursor : null
  } catch {
    return undefined
  }
}

/** The pipeline hooks of every cursor list. */
export const cursorListHooks: EndpointHooks = {
  // The endpoint will not run: note the cursor the call came with, so the journal shows what was retried.
  unserved(raw, note) {
    const cursor = cursorOf(raw)
    if (cursor !== undefined) note.cursor = cursor
  },
  // Latency rules that depend on how deep in its window the page starts.
  lateMs(context, plan, note) {
    return plan.deep.length > 0 ? context.faults.deepLatency(plan, note.offset ?? 0) : 0
  },
}

/** The zod shape of a page's `data`: the items and the cursor (null at the end). */
export const pageDataSchema = <Item extends z.ZodType>(item: Item, cursor: z.ZodType<string>) =>
  z.object({
    list: z.array(item),
    nextCursor: cursor.nullable(),
  })
