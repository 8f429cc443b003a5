/**
 * POST …/v3/customer-relation/list-by-relation-create-time-asc (docs/upstream.md §3): followed customers
 * in ascending order of follow-relation creation time, one item per relation, keyset-paged.
 *
 * Stages: check the body → pick the keyset list for the filters → slice the window after the
 * cursor → shape the items → nextCursor.
 */
import { z } from 'zod'
import { CursorError, decodeCursor, encodeCursor } from '../protocol/cursor.js'
import { UpstreamError } from '../protocol/errors.js'
import { formatBeijing, parseBeijing } from '../protocol/time.js'
import type { ResolvedOptions } from '../options.js'
import type { World } from '../world/world.js'
import type { Endpoint, JsonText, MockContext } from './endpoint.js'
import { checkBody } from './body.js'
import { SILENT, type Logger } from '../log.js'
import type { PageNote } from '../journal.js'
import { preview } from '../preview.js'

const TIME_FORMAT = 'yyyy-MM-dd HH:mm:ss'

const beijingTime = (name: string) =>
  z.unknown().transform((value, ctx) => {
    const sec = typeof value === 'string' ? parseBeijing(value) : undefined
    if (sec === undefined) {
      ctx.addIssue({ code: 'custom', message: `${name} 应为 ${TIME_FORMAT} 格式的北京时间（收到 ${preview(value)}）` })
      return z.NEVER
    }
    return sec
  })

/** Jackson's default coercions, for `types: lenient`: "20" → 20, 20.7 → 20. */
function coerceInteger(value: unknown): unknown {
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim())
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value)
  return value
}

/** The request body: the one definition of its properties (docs/behaviour.md lists them). */
function requestSchema(options: ResolvedOptions) {
  const integer = (name: string, rule: string, ok: (n: number) => boolean) =>
    z.unknown().transform((raw, ctx) => {
      const value = options.types === 'lenient' ? coerceInteger(raw) : raw
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || !ok(value)) {
        ctx.addIssue({ code: 'custom', message: `${name} ${rule}（收到 ${preview(raw)}）` })
        return z.NEVER
      }
      return value
    })
  return z.object({
    since: beijingTime('since').optional(),
    before: beijingTime('before').optional(),
    type: integer('type', '只能是 1（个人客户）或 2（企业客户）', (n) => n === 1 || n === 2).optional(),
    qwUserId: z.string({ error: (issue) => `qwUserId 应为字符串（收到 ${preview(issue.input)}）` }).optional(),
    size: integer('size', options.oversize === 'error' ? `应为 1 到 ${options.sizeMax} 之间的整数` : '应为大于等于 1 的整数', (n) => n >= 1 && (options.oversize === 'clamp' || n <= options.sizeMax)).optional(),
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
}

type ListRequest = z.output<ReturnType<typeof requestSchema>>

const schemas = new WeakMap<ResolvedOptions, ReturnType<typeof requestSchema>>()

/** The request schema for these options (built once per options). */
function schemaFor(options: ResolvedOptions): ReturnType<typeof requestSchema> {
  let schema = schemas.get(options)
  if (!schema) schemas.set(options, (schema = requestSchema(options)))
  return schema
}

/** The checked request, or the upstream's validation error naming the first thing wrong. */
export function parseListRequest(options: ResolvedOptions, body: Record<string, unknown>, note: PageNote = {}, log: Logger = SILENT): ListRequest {
  return checkBody(schemaFor(options), options, body, note, log)
}

/** One list item, in the documented property order. */
export function relationItem(world: World, slot: number): Record<string, unknown> {
  const customer = world.customer(world.relations.customer[slot]!)
  const relation = world.relation(slot, customer)
  return {
    customerId: customer.customerId,
    qwUserId: relation.qwUserId,
    type: customer.type,
    fields: customer.fields,
    tagIds: customer.tagIds,
    createTime: formatBeijing(customer.createTime),
    lastUpdateTime: formatBeijing(customer.lastUpdateTime),
    ...(customer.company ? { companyInfo: { id: customer.company.id, name: customer.company.name } } : {}),
    wechatNickname: customer.wechatNickname,
    wechatAvatar: customer.wechatAvatar,
    wechatLocation: customer.wechatLocation,
    convertCustomerTime: customer.convertCustomerTime === null ? null : formatBeijing(customer.convertCustomerTime),
    qwRemark: relation.qwRemark,
    externalUserId: customer.externalUserId,
  }
}

const EMPTY_PAGE = '{"list":[],"nextCursor":null}'
const LIST_OPEN = Buffer.from('{"list":[')
const COMMA = Buffer.from(',')

/** The item of a relation as UTF-8 JSON, serialised once and then served from the cache. */
function itemBytes(context: MockContext, slot: number): Buffer {
  const cache = context.world.itemCache(context.options.itemCacheMb * 1024 * 1024)
  let item = cache.get(slot)
  if (!item) {
    item = Buffer.from(JSON.stringify(relationItem(context.world, slot)))
    cache.set(slot, item)
  }
  return item
}

/** `{"list":[…],"nextCursor":…}` as chunks: cached items joined by commas. */
function pageChunks(context: MockContext, slots: readonly number[], nextCursor: string | null): Buffer[] {
  const chunks: Buffer[] = [LIST_OPEN]
  slots.forEach((slot, k) => {
    if (k > 0) chunks.push(COMMA)
    chunks.push(itemBytes(context, slot))
  })
  chunks.push(Buffer.from(`],"nextCursor":${nextCursor === null ? 'null' : `"${nextCursor}"`}}`))
  return chunks
}

export const listByRelationCreateTimeAsc: Endpoint = {
  path: '/v3/customer-relation/list-by-relation-create-time-asc',

  schema: schemaFor,

  handle(context: MockContext, body, note, anomalies = {}, logger = context.logger): JsonText {
    const { world, options } = context
    const request = parseListRequest(options, body, note, logger)
    const size = Math.min(request.size ?? options.sizeDefault, options.sizeMax)
    note.size = size
    note.cursor = typeof body.cursor === 'string' ? body.cursor : null
    note.items = 0
    note.nextCursor = null

    if (request.since !== undefined && request.before !== undefined && request.before <= request.since) {
      if (options.invertedWindow === 'error') throw new UpstreamError('validation', 'before 应晚于 since')
      logger.log('page', 'before ≤ since: empty page')
      return EMPTY_PAGE
    }
    let member: number | undefined
    if (request.qwUserId !== undefined) {
      member = world.memberIndex(request.qwUserId)
      if (member === undefined) {
        if (options.unknownMember === 'error') throw new UpstreamError('validation', `qwUserId 不存在：${preview(request.qwUserId)}`)
        logger.log('page', `qwUserId ${preview(request.qwUserId)} follows nobody: empty page`)
        return EMPTY_PAGE
      }
    }

    const served = anomalies.shortPage === undefined ? size : Math.max(1, Math.min(size, anomalies.shortPage === 'half' ? Math.floor(size / 2) : anomalies.shortPage))
    const slice = world.page(
      { type: request.type as 1 | 2 | undefined, member },
      { sinceSec: request.since, beforeSec: request.before, after: request.cursor, inclusive: anomalies.duplicateEdge === true, size: served },
    )
    note.offset = slice.offset
    const last = slice.slots[slice.slots.length - 1]
    const hasCursor = last !== undefined && (slice.more || options.endCursor === 'empty-page')
    const nextCursor = hasCursor ? encodeCursor(world.relationKey(last)) : null
    note.items = slice.slots.length
    note.nextCursor = nextCursor
    if (logger.enabled) logger.log('page', `${slice.slots.length} item(s) of size ${size}, ${slice.more ? 'more follow' : 'window exhausted'}, nextCursor ${nextCursor ?? 'null'}`)
    return pageChunks(context, slice.slots, nextCursor)
  },
}
