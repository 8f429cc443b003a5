/**
 * POST …/v3/clue/list-by-create-time-asc (按创建时间列出线索&待分配客户, docs/upstream.md §7.1): leads
 * (`isClue` true) and customers waiting to be assigned (`isClue` false) in ascending order of
 * creation, keyset-paged like the relation list (mock/core/cursor-list.ts) over the world's lead
 * book (mock/world/leads.ts): the cursor carries (creation second, nanos, customer id).
 *
 * Items have the documented 9 properties: the four documented first (`customerId`, `isClue`, `type`,
 * `fields`), then our choice of five, as the relation list has them: `tagIds`, `createTime`,
 * `lastUpdateTime`, `companyInfo` (enterprise leads only) and `convertCustomerTime`.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { cursorListHooks, pageDataSchema, pageFields, servePage, windowFields } from '../../core/cursor-list.js'
import { integerField } from '../../core/fields.js'
import { formatBeijing } from '../../protocol/time.js'
import { beijingTimeSchema, cursorSchema, idSchema, profileFieldValueSchema } from '../../protocol/shapes.js'
import type { ResolvedOptions } from '../../options.js'
import type { LeadBook } from '../../world/leads.js'

function requestSchema(options: ResolvedOptions) {
  return z.object({
    ...windowFields(),
    type: integerField(options, 'type', '只能是 1（个人客户）或 2（企业客户）', (n) => n === 1 || n === 2).optional(),
    ...pageFields(options),
  })
}

/** One lead or waiting customer as listed, in the documented property order. */
export const leadItemSchema = z
  .looseObject({
    customerId: idSchema,
    /** true: a lead (线索); false: a customer waiting to be assigned (待分配客户). */
    isClue: z.boolean(),
    /** 1 personal, 2 enterprise. */
    type: z.union([z.literal(1), z.literal(2)]),
    fields: z.array(profileFieldValueSchema),
    tagIds: z.array(idSchema),
    createTime: beijingTimeSchema,
    lastUpdateTime: beijingTimeSchema,
    /** Enterprise leads (type 2) only. */
    companyInfo: z.object({ id: idSchema, name: z.string() }).optional(),
    /** When a lead became this customer (waiting customers only), or null. */
    convertCustomerTime: beijingTimeSchema.nullable(),
  })
  .refine((c) => c.companyInfo === undefined || c.type === 2, { message: 'companyInfo on a lead that is not an enterprise (type 2)', path: ['companyInfo'] })
  .refine((c) => c.createTime <= c.lastUpdateTime, { message: 'lastUpdateTime before createTime', path: ['lastUpdateTime'] })
  .refine((c) => !c.isClue || c.convertCustomerTime === null, { message: 'a lead (isClue true) has no convertCustomerTime', path: ['convertCustomerTime'] })

/** The list item of lead `index`. */
export function leadItem(book: LeadBook, index: number): Record<string, unknown> {
  const lead = book.lead(index)
  return {
    customerId: lead.customerId,
    isClue: lead.isClue,
    type: lead.type,
    fields: lead.fields,
    tagIds: lead.tagIds,
    createTime: formatBeijing(lead.createTime),
    lastUpdateTime: formatBeijing(lead.lastUpdateTime),
    ...(lead.company ? { companyInfo: { id: lead.company.id, name: lead.company.name } } : {}),
    convertCustomerTime: lead.convertCustomerTime === null ? null : formatBeijing(lead.convertCustomerTime),
  }
}

export const listCluesByCreateTimeAsc = defineEndpoint({
  path: '/v3/clue/list-by-create-time-asc',
  title: '按创建时间列出线索&待分配客户',
  source: 'doc',
  kind: 'read',
  dataSource: 'partly choice',
  example: { size: 100 },
  request: requestSchema,
  data: pageDataSchema(leadItemSchema, cursorSchema),
  message: 'ok',
  hooks: cursorListHooks,

  serve(call) {
    const { context, request } = call
    return servePage(call, () => {
      const book = context.world.leads()
      return {
        slice: (window) => book.page(request.type as 1 | 2 | undefined, window),
        key: (slot) => book.table.key(slot),
        item: (slot) => leadItem(book, slot),
        get cache() {
          return book.itemCache(context.options.itemCacheMb * 1024 * 1024)
        },
      }
    })
  },
})
