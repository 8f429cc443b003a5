/**
 * POST …/v3/customer-relation/list-by-relation-create-time-asc (docs/upstream.md §3): followed customers
 * in ascending order of follow-relation creation time, one item per relation, keyset-paged.
 *
 * A cursor list (mock/core/cursor-list.ts) over the world's relation keysets: this file holds what
 * is its own — the `type` and `qwUserId` filters, the item's shape, and the documented `data` shape.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { cursorListHooks, pageDataSchema, pageFields, servePage, windowFields, type KeysetSource } from '../../core/cursor-list.js'
import type { EndpointCall } from '../../core/endpoint.js'
import type { ItemCache } from '../../world/item-cache.js'
import { integerField, stringField } from '../../core/fields.js'
import { UpstreamError } from '../../protocol/errors.js'
import { formatBeijing } from '../../protocol/time.js'
import { beijingTimeSchema, cursorSchema, idSchema, profileFieldValueSchema } from '../../protocol/shapes.js'
import type { ResolvedOptions } from '../../options.js'
import type { World } from '../../world/world.js'
import { preview } from '../../preview.js'

/** The request body: the one definition of its properties (docs/behaviour.md lists them). */
function requestSchema(options: ResolvedOptions) {
  return z.object({
    ...windowFields(),
    type: integerField(options, 'type', '只能是 1（个人客户）或 2（企业客户）', (n) => n === 1 || n === 2).optional(),
    qwUserId: stringField('qwUserId').optional(),
    ...pageFields(options),
  })
}

/** One follow relation as listed, without the checks across properties (list-by-qw-user-id leaves one property out of it). */
export const followedCustomerObject = z
  .looseObject({
    customerId: idSchema,
    qwUserId: z.string().min(1),
    /** 1 personal, 2 enterprise. */
    type: z.union([z.literal(1), z.literal(2)]),
    fields: z.array(profileFieldValueSchema),
    tagIds: z.array(idSchema),
    createTime: beijingTimeSchema,
    lastUpdateTime: beijingTimeSchema,
    /** Enterprise customers (type 2) only. */
    companyInfo: z.object({ id: idSchema, name: z.string() }).optional(),
    wechatNickname: z.string().nullable(),
    wechatAvatar: z.string().regex(/^https?:\/\/\S+$/).nullable(),
    wechatLocation: z.string().nullable(),
    convertCustomerTime: beijingTimeSchema.nullable(),
    qwRemark: z.string().nullable(),
    /** WeCom external contact id, `wm` or `wo` and 30 url-safe characters. */
    externalUserId: z.string().regex(/^w[mo][A-Za-z0-9_-]{30}$/).nullable(),
  })

/** One follow relation as listed: the customer, seen by one follower (`qwUserId`). */
export const followedCustomerSchema = followedCustomerObject
  .refine((c) => c.companyInfo === undefined || c.type === 2, { message: 'companyInfo on a customer that is not an enterprise (type 2)', path: ['companyInfo'] })
  .refine((c) => c.createTime <= c.lastUpdateTime, { message: 'lastUpdateTime before createTime', path: ['lastUpdateTime'] })

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

export const listByRelationCreateTimeAsc = defineEndpoint({
  path: '/v3/customer-relation/list-by-relation-create-time-asc',
  // The page's own title is not captured (docs/upstream.md §3 has its gloss): this is that gloss in Chinese.
  title: '按跟进关系创建时间升序列出客户',
  source: 'doc',
  kind: 'read',
  example: { size: 100 },
  request: requestSchema,
  data: pageDataSchema(followedCustomerSchema, cursorSchema),
  message: 'option',
  hooks: cursorListHooks,

  serve(call) {
    const { world, options } = call.context
    return servePage(call, () =>
      relationSource(call, call.request, (slot) => relationItem(world, slot), () => world.itemCache(options.itemCacheMb * 1024 * 1024)),
    )
  },
})

/**
 * The follow relations a request's `qwUserId` and `type` select, as a keyset source for the cursor
 * list (both relation lists use it); `null` — an empty page — for a `qwUserId` that follows nobody
 * (or a validation error with `--unknown-member error`).
 */
export function relationSource(call: EndpointCall<unknown>, filter: { readonly qwUserId?: string; readonly type?: number }, item: (slot: number) => Record<string, unknown>, cache: () => ItemCache): KeysetSource | null {
  const { context: { world, options }, log } = call
  let member: number | undefined
  if (filter.qwUserId !== undefined) {
    member = world.memberIndex(filter.qwUserId)
    if (member === undefined) {
      if (options.unknownMember === 'error') throw new UpstreamError('validation', `qwUserId 不存在：${preview(filter.qwUserId)}`)
      log.log('page', `qwUserId ${preview(filter.qwUserId)} follows nobody: empty page`)
      return null
    }
  }
  const keyFilter = { type: filter.type as 1 | 2 | undefined, member }
  return {
    slice: (window) => world.page(keyFilter, window),
    key: (slot) => world.relationKey(slot),
    item,
    get cache() {
      return cache()
    },
  }
}
