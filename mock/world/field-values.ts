/**
 * Profile values given through the admin API, checked against their field's type: one check per
 * field type (docs/upstream.md §4), the same on creation and on change, each turning what was given
 * into the `valueAsText` the upstream serves. `null` clears a value of any type.
 */
import { parseBeijing, parseBeijingDate } from '../protocol/time.js'
import { FIELD_TYPES, type FieldDefinition, type FieldType } from './schema.js'

/** A value its field's type does not allow: the message names the field and what it takes. */
export class FieldValueError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`fields.${field}: ${message}`)
    this.name = new.target.name
  }
}

type Check = (value: unknown, definition: FieldDefinition) => string | { refused: string }

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value))
const options = (definition: FieldDefinition) => (definition.items.length === 0 ? 'none defined' : definition.items.map((o) => `${o.id} ${o.name}`).join(', '))
const optionOf = (definition: FieldDefinition, value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? definition.items.find((o) => String(o.id) === String(value) || o.name === value) : undefined

const text: Check = (value) => (typeof value === 'string' ? value : { refused: `${show(value)} is not text` })

/** What each field type takes, and the valueAsText it becomes. */
const CHECKS: Record<FieldType, { takes: string; check: Check }> = {
  [FIELD_TYPES.text]: { takes: 'text', check: text },
  [FIELD_TYPES.textarea]: { takes: 'text', check: text },
  [FIELD_TYPES.select]: {
    takes: 'an option id or name',
    check: (value, definition) => {
      const option = optionOf(definition, value)
      return option ? String(option.id) : { refused: `no option ${typeof value === 'string' ? value : show(value)} (options: ${options(definition)})` }
    },
  },
  // The upstream's multi-select text is not documented: written like phones, a JSON list of option ids as text.
  [FIELD_TYPES.multiSelect]: {
    takes: 'a list of option ids or names, e.g. ["成交"]',
    check: (value, definition) => {
      if (!Array.isArray(value)) return { refused: `${show(value)} is not a list` }
      const ids: string[] = []
      for (const item of value) {
        const option = optionOf(definition, item)
        if (!option) return { refused: `no option ${typeof item === 'string' ? item : show(item)} (options: ${options(definition)})` }
        if (!ids.includes(String(option.id))) ids.push(String(option.id))
      }
      return JSON.stringify(ids)
    },
  },
  [FIELD_TYPES.date]: {
    takes: 'a date yyyy-MM-dd',
    check: (value) => (typeof value === 'string' && parseBeijingDate(value) !== undefined ? value : { refused: `${show(value)} is not a date` }),
  },
  [FIELD_TYPES.dateTime]: {
    takes: 'a time yyyy-MM-dd HH:mm:ss',
    check: (value) => (typeof value === 'string' && parseBeijing(value) !== undefined ? value : { refused: `${show(value)} is not a time` }),
  },
  [FIELD_TYPES.number]: {
    takes: 'a number or its decimal text, e.g. "12.5"',
    check: (value) =>
      typeof value === 'number' && Number.isFinite(value)
        ? String(value)
        : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)
          ? value
          : { refused: `${show(value)} is not a number` },
  },
  // Any non-empty digit strings, not only mainland mobiles: tenants keep landlines and foreign numbers too.
  [FIELD_TYPES.phones]: {
    takes: 'a list of phone numbers as digit strings, e.g. ["13800138000"]',
    check: (value) => {
      if (!Array.isArray(value)) return { refused: `${show(value)} is not a list` }
      for (const phone of value) if (typeof phone !== 'string' || !/^\d+$/.test(phone)) return { refused: `${show(phone)} is not a phone number` }
      const twice = value.find((phone, k) => value.indexOf(phone) !== k)
      // The upstream refuses a repeated number (40417 请求参数验证失败：电话号码重复, docs/upstream.md §3).
      if (twice !== undefined) return { refused: `the number ${twice} is given twice` }
      return JSON.stringify(value)
    },
  },
}

/** What a field of `type` takes, in words. */
export function fieldTakes(type: FieldType): string {
  return CHECKS[type].takes
}

/** The valueAsText of `value` given for `definition`'s field, or a FieldValueError. */
export function fieldValueText(definition: FieldDefinition, value: unknown): string | null {
  if (value === null) return null
  const checked = CHECKS[definition.type as FieldType].check(value, definition)
  if (typeof checked === 'string') return checked
  throw new FieldValueError(definition.outerField ?? definition.name, `${checked.refused}; this field (type ${definition.type}) takes ${CHECKS[definition.type as FieldType].takes}, or null to clear`)
}

