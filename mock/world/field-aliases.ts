/**
 * Field aliases (字段映射): `profile-fields/map` gives a field a name of the consumer's choosing,
 * and the write endpoints (add-clue, import-customer, customer/update-by-id, clue/edit-field,
 * customer-relation/edit-field) then accept it where they name a field (docs/upstream.md §7).
 *
 * `resolveField` is the one place a field named in a request is looked up; every write endpoint
 * uses it. Aliases live in the world (a reset forgets them), in fixtures (version 2's `aliases`)
 * and in the export.
 */
import type { FieldAlias, FieldDefinition } from './schema.js'

/** One alias per field; an alias names one field (mapping it to another field moves it there). */
export class FieldAliases {
  readonly #byField = new Map<number, string>()
  readonly #byAlias = new Map<string, number>()

  /** Gives field `fieldId` the alias; answers the field that had it before, if another one did. */
  set(fieldId: number, alias: string): number | undefined {
    const previousField = this.#byAlias.get(alias)
    if (previousField !== undefined && previousField !== fieldId) this.#byField.delete(previousField)
    const previousAlias = this.#byField.get(fieldId)
    if (previousAlias !== undefined) this.#byAlias.delete(previousAlias)
    this.#byField.set(fieldId, alias)
    this.#byAlias.set(alias, fieldId)
    return previousField !== fieldId ? previousField : undefined
  }

  /** The alias of a field, or null. */
  aliasOf(fieldId: number): string | null {
    return this.#byField.get(fieldId) ?? null
  }

  /** The field an alias names, or undefined. */
  fieldOf(alias: string): number | undefined {
    return this.#byAlias.get(alias)
  }

  get size(): number {
    return this.#byField.size
  }

  /** Every alias, in the order they were given. */
  list(): FieldAlias[] {
    return [...this.#byField].map(([fieldId, alias]) => ({ fieldId, alias }))
  }
}

/** What resolveField reads: the world's field definitions and aliases. */
export interface FieldCatalog {
  readonly catalog: { readonly fields: readonly FieldDefinition[] }
  readonly aliases: FieldAliases
}

/**
 * The field a request names, or undefined: first an alias (`profile-fields/map`), then a field's
 * name (`描述`, `性别`), then its key (`outerField`, as in `fields[].field`), then its id as text
 * (`"104220"`, as `common/customer/info` sends it). The first that matches wins, so an alias can
 * shadow another field's name.
 */
export function resolveField(world: FieldCatalog, key: string): FieldDefinition | undefined {
  const fields = world.catalog.fields
  const aliased = world.aliases.fieldOf(key)
  if (aliased !== undefined) {
    const field = fields.find((f) => f.id === aliased)
    if (field) return field
  }
  return (
    fields.find((f) => f.name === key) ??
    fields.find((f) => f.outerField === key) ??
    (/^\d{1,16}$/.test(key) ? fields.find((f) => f.id === Number(key)) : undefined) ??
    // The clients' name for the phones field (import-customer's documented request).
    (key === 'customer_ch_phone' ? fields.find((f) => f.type === 8) : undefined)
  )
}
