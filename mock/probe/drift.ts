/**
 * Drift: how an answer differs from the documented shape (the contracts' zod schemas, the endpoint
 * modules' `data`). Only paths and kinds leave the tenant, never a value: a property `missing`,
 * `extra`, `retyped` (another JSON type), `nullable` (null where the shape has none) or `invalid`
 * (the type, but not the documented form: a pattern, a range, a literal).
 */
import { z } from 'zod'

export type DriftKind = 'missing' | 'extra' | 'retyped' | 'nullable' | 'invalid'

export interface Drift {
  /** `list[].fields[].valueAsText`: array elements as `[]`. */
  readonly path: string
  readonly kind: DriftKind
  /** What the shape has there (a JSON type or a zod type name). */
  readonly expected: string
  /** The JSON type of what came (never the value). */
  readonly got: string
}

/** Elements of an array looked at (the rest repeat their shape). */
const SAMPLE = 20

export const jsonType = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value)

const def = (schema: z.ZodType) => (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> } } })._zod.def

/** What a leaf schema expects, in JSON words. */
function expectedOf(schema: z.ZodType): string {
  const type = def(schema).type
  if (type === 'number' && (schema as unknown as { isInt?: boolean }).isInt) return 'integer'
  return ({ int: 'integer', number: 'number', string: 'string', boolean: 'boolean', literal: 'literal', enum: 'enum', union: 'union', object: 'object', array: 'array' } as Record<string, string>)[type] ?? type
}

function walk(schema: z.ZodType, value: unknown, path: string, out: Map<string, Drift>): void {
  const add = (kind: DriftKind, expected: string) => {
    const key = `${path}\u0000${kind}`
    if (!out.has(key)) out.set(key, { path: path || '(data)', kind, expected, got: jsonType(value) })
  }
  const d = def(schema)
  switch (d.type) {
    case 'optional':
      if (value === undefined) return
      return walk(d.innerType!, value, path, out)
    case 'nullable':
      if (value === null) return
      return walk(d.innerType!, value, path, out)
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return walk(d.innerType!, value, path, out)
    case 'pipe':
      return walk(d.in!, value, path, out)
  }
  if (value === undefined) return add('missing', expectedOf(schema))
  if (value === null) return add('nullable', expectedOf(schema))
  if (d.type === 'object') {
    if (jsonType(value) !== 'object') return add('retyped', 'object')
    const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>
    const record = value as Record<string, unknown>
    for (const [key, field] of Object.entries(shape)) walk(field, record[key], path ? `${path}.${key}` : key, out)
    for (const key of Object.keys(record)) {
      // Keys that are ids are custom fields by id (customer/search: documented by clients), no drift.
      if (key in shape || /^\d+$/.test(key)) continue
      const extra = path ? `${path}.${key}` : key
      const k = `${extra}\u0000extra`
      if (!out.has(k)) out.set(k, { path: extra, kind: 'extra', expected: '(none)', got: jsonType(record[key]) })
    }
    return
  }
  if (d.type === 'array') {
    if (!Array.isArray(value)) return add('retyped', 'array')
    for (const element of value.slice(0, SAMPLE)) walk(d.element!, element, `${path}[]`, out)
    return
  }
  if (schema.safeParse(value).success) return
  // Same JSON type as some accepted value: the form changed; else the type did.
  const expected = expectedOf(schema)
  const got = jsonType(value)
  const sameType = expected === got || (expected === 'number' && got === 'integer') || (expected === 'integer' && got === 'number') || ((expected === 'literal' || expected === 'enum' || expected === 'union') && got !== 'object' && got !== 'array' && sameLiteralType(schema, value))
  add(sameType ? 'invalid' : 'retyped', expected)
}

/** Whether a literal, enum or union takes values of this JSON type at all. */
function sameLiteralType(schema: z.ZodType, value: unknown): boolean {
  const d = (schema as unknown as { _zod: { def: { values?: unknown[]; entries?: Record<string, unknown>; options?: z.ZodType[] } } })._zod.def
  const values = d.values ?? (d.entries ? Object.values(d.entries) : undefined)
  if (values) return values.some((v) => typeof v === typeof value)
  return (d.options ?? []).some((o) => expectedOf(o) === jsonType(value) || (def(o).type === 'literal' && sameLiteralType(o, value)))
}

/** Every way `value` differs from `schema`, one entry per path and kind. */
export function driftOf(schema: z.ZodType, value: unknown): Drift[] {
  const out = new Map<string, Drift>()
  walk(schema, value, '', out)
  return [...out.values()]
}
