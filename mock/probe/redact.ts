/**
 * What of a tenant leaves it in a calibration (docs/probe.md "What it keeps"): settings, shapes
 * (property names and JSON types, never values), and the tenant's configuration — field definitions
 * with their option names, the tag groups with their tag names, how many members and departments.
 * Never a customer's name, mobile, WeChat id or remark, nor a member's: request bodies in the
 * evidence have their identifying values replaced, and answers are only ever summarised.
 */
import type { TenantConfig } from './calibration.js'

/** Body properties whose values identify a person (a customer, a member, their WeChat identity). */
const IDENTIFYING = new Set(['externalUserId', 'qwUserId', 'customerId', 'mobile', 'mobiles', 'searchKey', 'customerName', 'values', 'salesId', 'cursor'])

export const REDACTED = '<redacted>'

/** A request body as the evidence shows it: identifying values replaced, at any depth. */
export function redactBody(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(redactBody)
  if (body === null || typeof body !== 'object') return body
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, IDENTIFYING.has(k) && v !== null && v !== undefined ? REDACTED : redactBody(v)]))
}

/** What a calibration holds of the tenant, in words (the report lists it). */
export const KEPT = [
  'settings measured (the switches of mockOptionsSchema) with the evidence: each request (identifying values replaced) and the answer\'s HTTP status, code, message and time',
  'error codes and messages the tenant answers',
  'the shapes of answers (property names and JSON types: the drift report), never their values',
  "the field definitions (list-fields: ids, names, types, keys, option ids and names, stable and import-required flags) and the tag groups' and tags' names",
  'how many members and departments the tenant has',
  'not kept: customer or member names, mobiles, WeChat ids (externalUserId, unionId, qwUserId), remarks, nicknames, avatars, addresses, appId and appKey',
] as const

interface FieldDefinitionLike {
  id: number
  name: string
  type: number
  outerField?: string | null
  items?: { id: number; name: string }[]
  stable?: unknown
  customerImportRequired?: unknown
}

/** list-fields' `data` → the field definitions kept (configuration, not people). */
export function fieldsOf(data: unknown): TenantConfig['fields'] {
  const fields = (data as { fields?: unknown } | null)?.fields
  if (!Array.isArray(fields)) return undefined
  return fields
    .filter((f): f is FieldDefinitionLike => typeof f === 'object' && f !== null && typeof f.id === 'number' && typeof f.name === 'string' && typeof f.type === 'number')
    .map((f) => ({
      id: f.id,
      name: f.name,
      type: f.type,
      ...(typeof f.outerField === 'string' || f.outerField === null ? { outerField: f.outerField } : {}),
      ...(Array.isArray(f.items) ? { options: f.items.filter((o) => typeof o?.id === 'number' && typeof o?.name === 'string').map((o) => ({ id: o.id, name: o.name })) } : {}),
      ...(typeof f.stable === 'boolean' ? { stable: f.stable } : {}),
      ...(typeof f.customerImportRequired === 'boolean' ? { customerImportRequired: f.customerImportRequired } : {}),
    }))
}

/** tags/list-tree's `data` → the group and tag names kept. */
export function tagGroupsOf(data: unknown): TenantConfig['tagGroups'] {
  if (!Array.isArray(data)) return undefined
  return data
    .filter((g): g is { name: string; tags?: unknown } => typeof g === 'object' && g !== null && typeof (g as { name?: unknown }).name === 'string')
    .map((g) => ({ name: g.name, tags: Array.isArray(g.tags) ? g.tags.flatMap((t) => (typeof t?.name === 'string' ? [t.name as string] : [])) : [] }))
}
