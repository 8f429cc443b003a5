/**
 * POST …/v3/common/customer/info (获取客户id; docs/upstream.md §7.1, [clients]): a client sends
 * `{"field": {"fieldId": "106074", "values": "<value>"}}` and reads the customers that have that
 * value. Our choice: `data` the matching live customers' ids, in customer order (`[]` when none).
 *
 * `fieldId` is a field id as text (or an integer; a field key or name also resolves); `values` one
 * value, or a list (any of them). A value matches a phones field when it is one of the customer's
 * mobiles, another field when it equals the stored text. The name and phones fields are an index
 * read (World.customersByKey, as customer/search's searchKey); other fields a pass over the
 * customers. An unknown field: `40000 请求参数验证失败：field.fieldId 不存在：…`.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { required, stringField } from '../../core/fields.js'
import { preview } from '../../preview.js'
import { UpstreamError } from '../../protocol/errors.js'
import { resolveField } from '../../world/field-aliases.js'
import { leadAsCustomer, mobilesOf } from '../../world/leads.js'
import type { Customer, FieldDefinition } from '../../world/schema.js'
import type { World } from '../../world/world.js'

const fieldIdField = z.union([stringField('field.fieldId').min(1, { error: 'field.fieldId 不能为空' }), z.int().positive().transform(String)], { error: (issue) => `field.fieldId 应为字段id（收到 ${preview(issue.input)}）` })
const valuesField = z.union([z.string(), z.array(z.string())], { error: (issue) => `field.values 应为字符串或字符串数组（收到 ${preview(issue.input)}）` })

export const customerIdsSchema = z.array(z.int().positive())

/** Whether customer `c` has `value` in `definition`'s field. */
function has(definition: FieldDefinition, c: Customer, value: string): boolean {
  const stored = c.fields.filter((f) => f.field === definition.outerField)
  if (definition.type === 8) return mobilesOf(stored).includes(value)
  return stored.some((f) => f.valueAsText === value)
}

/**
 * The ids of live customers with one of `values` in `definition`'s field, in customer order; then, with
 * `leads` (`--search-leads include`), the leads' and waiting customers' that have one, in lead order.
 */
export function customersWithValue(world: World, definition: FieldDefinition, values: readonly string[], leads = false): number[] {
  const indexed = definition.outerField === 'name' || definition.type === 8
  let indexes: number[]
  if (indexed) {
    indexes = [...new Set(values.flatMap((v) => world.customersByKey(v)))].sort((a, b) => a - b)
  } else {
    indexes = []
    for (let i = 0; i < world.customerCount; i++) if (!world.isDeleted(i)) indexes.push(i)
  }
  const ids = indexes.filter((i) => values.some((v) => has(definition, world.customer(i), v))).map((i) => world.customerIdAt(i))
  if (!leads) return ids
  const book = world.leads()
  const leadIndexes = indexed ? [...new Set(values.flatMap((v) => book.byKey(v)))].sort((a, b) => a - b) : Array.from({ length: book.count }, (_, j) => j)
  for (const j of leadIndexes) {
    if (book.isRemoved(j)) continue
    const lead = leadAsCustomer(book.lead(j))
    if (values.some((v) => has(definition, lead, v))) ids.push(lead.customerId)
  }
  return ids
}

export const customerInfo = defineEndpoint({
  path: '/v3/common/customer/info',
  title: '获取客户id',
  source: 'clients',
  kind: 'read',
  dataSource: 'choice',
  example: { field: { fieldId: '253211443341376', values: '13489424519' } },
  request: () =>
    z.object({
      field: required('field', z.object({ fieldId: required('field.fieldId', fieldIdField), values: required('field.values', valuesField) }, { error: (issue) => `field 应为 {fieldId, values}（收到 ${preview(issue.input)}）` })),
    }),
  data: customerIdsSchema,
  message: 'success',
  serve({ context, request }) {
    const world = context.world
    const definition = resolveField(world, request.field.fieldId)
    if (!definition) throw new UpstreamError('validation', `field.fieldId 不存在：${preview(request.field.fieldId)}`)
    const values = typeof request.field.values === 'string' ? [request.field.values] : request.field.values
    return JSON.stringify(customersWithValue(world, definition, values, context.options.searchLeads === 'include'))
  },
})
