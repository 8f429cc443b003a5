/**
 * POST …/v3/clue/list-follow-up (列出指定线索&待分配客户跟进内容, docs/upstream.md §7.1): the follow-up
 * records (跟进记录) of one lead or waiting customer, oldest first, keyset-paged like the other lists
 * (mock/core/cursor-list.ts): the cursor carries (the record's creation second, 0, its id).
 *
 * Our choices: `type` filters the records by their type (1 free text, 2 a change of the customer's
 * information); an unknown `customerId` (or a followed customer's) answers an empty list, as
 * every lookup of an unknown id does (docs/upstream.md §7.3).
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { cursorListHooks, pageDataSchema, pageFields, servePage } from '../../core/cursor-list.js'
import { integerField, required } from '../../core/fields.js'
import { formatBeijing } from '../../protocol/time.js'
import { beijingTimeSchema, cursorSchema } from '../../protocol/shapes.js'
import type { ResolvedOptions } from '../../options.js'
import { preview } from '../../preview.js'
import { ItemCache } from '../../world/item-cache.js'
import { KeysetList, RelationTable, sliceWindow } from '../../world/keyset.js'
import type { FollowUp } from '../../world/leads.js'

function requestSchema(options: ResolvedOptions) {
  return z.object({
    customerId: required('customerId', integerField(options, 'customerId', '应为客户 id（整数）', (n) => n > 0)),
    type: integerField(options, 'type', '只能是 1（文字跟进）或 2（客户信息变更）', (n) => n === 1 || n === 2).optional(),
    ...pageFields(options),
  })
}

/** One follow-up record as listed (the documented `{id, type, content, createTime, operator}`). */
export const followUpItemSchema = z.object({
  /** An integer, e.g. 43438. */
  id: z.int().positive(),
  /** 1 free text; 2 a change of the customer's information (`添加了客户的信息:\n“日期: 2021-07-20”`). */
  type: z.union([z.literal(1), z.literal(2)]),
  content: z.string(),
  createTime: beijingTimeSchema,
  /** Who wrote it: a member, or `{"qwUserId":"","name":"API"}` for an OpenAPI write. */
  operator: z.object({ qwUserId: z.string(), name: z.string() }),
})

export function followUpItem(record: FollowUp): Record<string, unknown> {
  return { id: record.id, type: record.type, content: record.content, createTime: formatBeijing(record.createTime), operator: { qwUserId: record.operator.qwUserId, name: record.operator.name } }
}

export const listClueFollowUps = defineEndpoint({
  path: '/v3/clue/list-follow-up',
  title: '列出指定线索&待分配客户跟进内容',
  source: 'doc',
  kind: 'read',
  example: { customerId: 262448559480928 },
  request: requestSchema,
  data: pageDataSchema(followUpItemSchema, cursorSchema),
  message: 'success',
  hooks: cursorListHooks,

  serve(call) {
    const { context, request, log } = call
    return servePage(call, () => {
      const book = context.world.leads()
      const index = book.liveIndexOf(request.customerId)
      if (index === undefined) {
        log.log('page', `customerId ${preview(request.customerId)} is no lead or waiting customer: empty page`)
        return null
      }
      // A lead has a handful of records: a keyset of its own per call.
      const records = book.followUps(index).filter((r) => request.type === undefined || r.type === request.type)
      const table = new RelationTable()
      const list = new KeysetList(table)
      for (const [k, r] of records.entries()) list.append(table.push(r.createTime, 0, r.id, k, 0, r.type))
      return {
        slice: (window) => sliceWindow(list, window),
        key: (slot) => table.key(slot),
        item: (slot) => followUpItem(records[slot]!),
        cache: new ItemCache(1 << 20),
      }
    })
  },
})
