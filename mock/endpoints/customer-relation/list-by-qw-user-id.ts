/**
 * POST …/v3/customer-relation/list-by-qw-user-id (列出销售跟进的客户, 已废弃; docs/upstream.md §7.1):
 * one member's followed customers, keyset-paged like list-by-relation-create-time-asc and in its
 * order: for a member it is that list filtered to the member (`{qwUserId}`), item for item.
 *
 * Its page documents items of 13 properties, the relation list's 14 known ones less one, and shows
 * an item starting `customerId`, `qwUserId`, `type`, `fields`. Which one it leaves out is our
 * choice, `qwUserIdListDrops` (default `externalUserId`): the deprecated list is the older of the
 * two, its documented item keeps the member (`qwUserId`) although the request implies it, and
 * `externalUserId` — the WeCom identity, last in the relation list's documented order and what the
 * later WeCom endpoints (`qw-details`, pushes) are built on — is the property most likely added
 * after it. No `since`/`before`: its page lists `qwUserId` (required), `cursor`, `size` and `type`.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { cursorListHooks, pageDataSchema, pageFields, servePage } from '../../core/cursor-list.js'
import { integerField, required, stringField } from '../../core/fields.js'
import { cursorSchema } from '../../protocol/shapes.js'
import type { ResolvedOptions } from '../../options.js'
import { ItemCache } from '../../world/item-cache.js'
import { followedCustomerObject, relationItem, relationSource } from './list-by-relation-create-time-asc.js'

function requestSchema(options: ResolvedOptions) {
  return z.object({
    qwUserId: required('qwUserId', stringField('qwUserId').min(1, { error: 'qwUserId 不能为空' })),
    type: integerField(options, 'type', '只能是 1（个人客户）或 2（企业客户）', (n) => n === 1 || n === 2).optional(),
    ...pageFields(options),
  })
}

/** An item under the default switch (`externalUserId` left out); another switch leaves out another property. */
export const qwUserFollowedCustomerSchema = followedCustomerObject.omit({ externalUserId: true })

/**
 * Items are served afresh on every page (a cache of its own would miss the world's invalidations;
 * the deprecated list is not what a sync job sweeps): this cache keeps nothing.
 */
const NO_CACHE = new ItemCache(0)

export const listByQwUserId = defineEndpoint({
  path: '/v3/customer-relation/list-by-qw-user-id',
  title: '列出销售跟进的客户',
  source: 'doc',
  kind: 'read',
  dataSource: 'partly choice',
  example: { qwUserId: 'elisha', size: 100 },
  request: requestSchema,
  data: pageDataSchema(qwUserFollowedCustomerSchema, cursorSchema),
  // The documented example says `ok`, as the relation list's does: the same switch.
  message: 'option',
  hooks: cursorListHooks,

  serve(call) {
    const { world, options } = call.context
    const dropped = options.qwUserIdListDrops
    const item = (slot: number) => {
      const full = relationItem(world, slot)
      delete full[dropped]
      return full
    }
    return servePage(call, () => relationSource(call, call.request, item, () => NO_CACHE))
  },
})
