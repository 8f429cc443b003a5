/**
 * What the customer write endpoints share (import-customer, customer/update-by-id,
 * customer-relation/edit-field): the `fields: [{alias, values}]` list resolved to field
 * definitions through `resolveField` (mock/world/field-aliases.ts), each field's `values` read by
 * its type, and world refusals turned into the upstream's validation error.
 */
import { z } from 'zod'
import { integerField, required, stringField } from '../core/fields.js'
import type { ResolvedOptions } from '../options.js'
import { preview } from '../preview.js'
import { UpstreamError } from '../protocol/errors.js'
import { ChangeRefused, type FieldValueChange } from '../world/changes.js'
import { resolveField, type FieldCatalog } from '../world/field-aliases.js'
import { FIELD_TYPES } from '../world/schema.js'

/** A customer id: a positive integer. */
export const customerIdField = (options: ResolvedOptions) => required('customerId', integerField(options, 'customerId', '应为客户 id（正整数）', (n) => n > 0))

/** `fields: [{alias, values: [...]}]`: at least one, each naming a field (alias, name, key or id) with its values (text or numbers). */
export const aliasValuesField = () =>
  required(
    'fields',
    z.array(
      z.object({
        alias: required('fields[].alias', stringField('fields[].alias').min(1, { error: 'fields[].alias 不能为空' })),
        values: required('fields[].values', z.array(z.union([z.string(), z.number()]), { error: (issue) => `fields[].values 应为数组（收到 ${preview(issue.input)}）` })),
      }),
      { error: (issue) => `fields 应为数组（收到 ${preview(issue.input)}）` },
    ).min(1, { error: 'fields 不能为空' }),
  )

/** Multi-valued field types take the list; the others take one value (an empty list clears). */
const MULTI = new Set<number>([FIELD_TYPES.phones, FIELD_TYPES.multiSelect])

/** The request's fields resolved: an alias that names no field is the upstream's validation error. */
export function resolveValues(world: FieldCatalog, fields: readonly { alias: string; values: readonly (string | number)[] }[]): FieldValueChange[] {
  return fields.map(({ alias, values }) => {
    const field = resolveField(world, alias)
    if (!field) throw new UpstreamError('validation', `alias 不存在：${preview(alias)}`)
    if (MULTI.has(field.type)) return { field, value: values.map(String) }
    if (values.length > 1) throw new UpstreamError('validation', `fields[].values：字段 ${alias} 只取一个值（收到 ${values.length} 个）`)
    return { field, value: values.length === 0 ? null : field.type === FIELD_TYPES.number ? values[0] : String(values[0]) }
  })
}

/** An unknown customer is the upstream's validation error (our choice: `customerId 不存在：<id>`). */
export function requireCustomer(world: { customerIndex(customerId: number): number | undefined }, customerId: number): void {
  if (world.customerIndex(customerId) === undefined) throw new UpstreamError('validation', `customerId 不存在：${customerId}`)
}

/** An unknown member is the upstream's validation error (`<name> 不存在：<qwUserId>`). */
export function requireMember(world: { memberIndex(qwUserId: string): number | undefined }, qwUserId: string, name = 'qwUserId'): void {
  if (world.memberIndex(qwUserId) === undefined) throw new UpstreamError('validation', `${name} 不存在：${preview(qwUserId)}`)
}

/**
 * A refused world change as the upstream's validation error (what is wrong after the prefix); a
 * change refused because a world is being loaded (admin) as the internal error, not a bug report.
 */
export function asUpstream<T>(change: () => T): T {
  try {
    return change()
  } catch (error) {
    if (error instanceof ChangeRefused) throw new UpstreamError(error.reason === 'busy' ? 'internal' : 'validation', error.issues?.join('; ') ?? error.message)
    throw error
  }
}
