/**
 * POST …/v2/customer/list-fields (列出客户数据字段列表, docs/upstream.md §4, §7.1): the tenant's
 * profile field definitions, which resolve the option ids in `fields[].valueAsText`.
 *
 * The documented example (docs/upstream.md §7.3) shows `items` only on a select field: the fake
 * serves `items` on single and multi select fields (types 2 and 6) and leaves it out elsewhere.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import type { FieldDefinition } from '../../world/schema.js'

/** One field definition as served, in the documented property order. */
export const fieldDefinitionItemSchema = z.object({
  id: z.int().positive(),
  name: z.string(),
  /** 1 text, 2 single select, 3 date, 4 number, 5 multi-line text, 6 multi select, 7 date-time, 8 phone numbers. */
  type: z.int().min(1).max(8),
  /** The key of the field in `fields[].field`, or null. */
  outerField: z.string().nullable(),
  /** The options of a select field (types 2 and 6): the ids `valueAsText` holds. */
  items: z.array(z.object({ id: z.int().nonnegative(), name: z.string() })).optional(),
  stable: z.boolean(),
  customerImportRequired: z.boolean(),
})

export const listFieldsDataSchema = z.object({ fields: z.array(fieldDefinitionItemSchema) })

const SELECT_TYPES: ReadonlySet<number> = new Set([2, 6])

/** A field definition as list-fields serves it. */
export function fieldDefinitionItem(field: FieldDefinition): z.output<typeof fieldDefinitionItemSchema> {
  return {
    id: field.id,
    name: field.name,
    type: field.type,
    outerField: field.outerField,
    ...(SELECT_TYPES.has(field.type) ? { items: field.items.map((o) => ({ id: o.id, name: o.name })) } : {}),
    stable: field.stable,
    customerImportRequired: field.customerImportRequired,
  }
}

export const listFields = defineEndpoint({
  path: '/v2/customer/list-fields',
  title: '列出客户数据字段列表',
  source: 'doc',
  kind: 'read',
  example: {},
  request: () => z.object({}),
  data: listFieldsDataSchema,
  message: 'success',
  serve({ context }) {
    return JSON.stringify({ fields: context.world.catalog.fields.map(fieldDefinitionItem) })
  },
})
