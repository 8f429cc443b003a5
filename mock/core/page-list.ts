/**
 * Page-number lists (`get-users`, `customer/search`; docs/upstream.md §7.1), written once: the
 * request's `pageNo`/`pageSize`, the page out of the matches, and the answer's page properties.
 * An endpoint gives its own filters, the matches (a `PageSource`, from an index: a page costs
 * O(log n + pageSize), not a scan) and its `data` schema, built here from its item schema, the
 * name of its items' property and the page properties it shows, in its order:
 *
 *   data: pageNumberData('result', memberItemSchema, ['pageNo', 'pageSize', 'total', 'totalPage'])
 *   serve: (call) => servePageNumbers(call, data, source)
 *
 * Rules (the same switches as the cursor list's `size`, docs/fidelity.md):
 * - `pageNo` 1-based, default 1; below 1 a validation error; after the last page an empty page
 *   (code 0), not an error;
 * - `pageSize` default `sizeDefault`, at most `sizeMax`: over it clamped, or refused (`oversize`);
 * - `total` = the matches, `totalPage` = ceil(total / pageSize) (0 when nothing matches); `pageNo`
 *   and `pageSize` answer the page served (the size after clamping).
 *
 * Drawn from get-users; customer/search (`{totalPage, pageNo, pageSize, total, data}`) is the second
 * list and needed nothing more: see decisions/0006-endpoint-modules.md.
 */
import { z } from 'zod'
import type { ResolvedOptions } from '../options.js'
import type { EndpointCall, JsonText } from './endpoint.js'
import { integerField } from './fields.js'

/** The `pageNo` and `pageSize` request fields, by the options' page-size rules. */
export const pageNumberFields = (options: ResolvedOptions) => ({
  pageNo: integerField(options, 'pageNo', '应为大于等于 1 的整数', (n) => n >= 1).optional(),
  pageSize: integerField(options, 'pageSize', options.oversize === 'error' ? `应为 1 到 ${options.sizeMax} 之间的整数` : '应为大于等于 1 的整数', (n) => n >= 1 && (options.oversize === 'clamp' || n <= options.sizeMax)).optional(),
})

/** What a page-number request has (the endpoint's own filters besides). */
export interface PageListRequest {
  readonly pageNo?: number
  readonly pageSize?: number
}

/** The matches a page is read from, in the endpoint's order. */
export interface PageSource<Item> {
  /** How many items match. */
  readonly total: number
  /** Items [offset, offset + count) of the matches (fewer at the end). */
  items(offset: number, count: number): readonly Item[]
}

/** A page property besides the items. */
export type PageProperty = 'pageNo' | 'pageSize' | 'total' | 'totalPage'

const PAGE_PROPERTIES = {
  pageNo: z.int().min(1),
  pageSize: z.int().min(1),
  total: z.int().min(0),
  totalPage: z.int().min(0),
} as const satisfies Record<PageProperty, z.ZodType>

/**
 * The `data` schema of a page-number list: the items under `items`, and the page properties, in
 * the order given (the answer is written in the schema's order).
 */
export function pageNumberData<K extends string, I extends z.ZodType, P extends PageProperty>(
  items: K,
  item: I,
  properties: readonly P[],
  order: 'items-first' | 'items-last' = 'items-first',
) {
  const page = Object.fromEntries(properties.map((p) => [p, PAGE_PROPERTIES[p]])) as { [Q in P]: (typeof PAGE_PROPERTIES)[Q] }
  const list = { [items]: z.array(item) } as { [Q in K]: z.ZodArray<I> }
  return z.object(order === 'items-first' ? { ...list, ...page } : { ...page, ...list })
}

/** Which property holds the items: the one array in the data schema. */
function itemsKeyOf(shape: Record<string, z.ZodType>): string {
  const key = Object.keys(shape).find((k) => shape[k] instanceof z.ZodArray)
  if (key === undefined) throw new TypeError('a page-number data schema needs an items array')
  return key
}

/**
 * One page: `source` (or null: nothing matches) cut by `pageNo`/`pageSize`, written in the data
 * schema's property order. Notes the page on the journal (offset, size, items).
 */
export function servePageNumbers<Item>(call: EndpointCall<PageListRequest>, data: z.ZodObject, source: PageSource<Item> | null): JsonText {
  const { context, request, note, log } = call
  const { options } = context
  const pageNo = request.pageNo ?? 1
  const pageSize = Math.min(request.pageSize ?? options.sizeDefault, options.sizeMax)
  const total = source?.total ?? 0
  const offset = (pageNo - 1) * pageSize
  const items = source && offset < total ? source.items(offset, pageSize) : []
  note.offset = offset
  note.size = pageSize
  note.items = items.length
  const values: Record<PageProperty, number> = { pageNo, pageSize, total, totalPage: Math.ceil(total / pageSize) }
  if (log.enabled) log.log('page', `page ${pageNo} of ${values.totalPage} (size ${pageSize}): ${items.length} of ${total} item(s)`)
  const shape = data.shape as Record<string, z.ZodType>
  const itemsKey = itemsKeyOf(shape)
  const answer: Record<string, unknown> = {}
  for (const key of Object.keys(shape)) answer[key] = key === itemsKey ? items : values[key as PageProperty]
  return JSON.stringify(answer)
}
