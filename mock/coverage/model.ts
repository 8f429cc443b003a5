/**
 * The coverage model (issue 13): every item a consumer's tests can cover, derived from the code —
 * the endpoint modules (ENDPOINTS: request schema, data schema, kind, hooks, declared errors), the
 * pipeline's own errors (mock/core/pipeline.ts), the error catalog in force, the cursor-list hooks
 * and the options (endCursor), the push types (PUSH_TYPES) and the fault rules in force. Nothing
 * here is a hand-kept list of endpoints or fields.
 *
 * Item ids are stable: `<group key>#<variant>`, e.g. `/v3/add-clue#error:40417`,
 * `/v3/get-users#validation:pageNo`, `/v3/customer-relation/list-by-relation-create-time-asc#paging:end`,
 * `push:new_clue#acknowledged`, `fault:error-1#recovered`.
 */
import { z } from 'zod'
import type { Endpoint } from '../core/endpoint.js'
import { requestFields } from '../core/endpoint.js'
import { cursorListHooks } from '../core/cursor-list.js'
import { ENDPOINTS } from '../endpoints/index.js'
import { ErrorCatalog, UpstreamError, type ErrorKind, type ErrorOverrides } from '../protocol/errors.js'
import { PUSH_TYPES } from '../push/messages.js'
import { resolveOptions, type ResolvedOptions } from '../options.js'

/** The errors every endpoint can answer through the pipeline: signature, timestamp, method, size, validation. */
export const PIPELINE_ERRORS: readonly ErrorKind[] = ['badSignature', 'missingCredentials', 'unknownAppId', 'staleTimestamp', 'badTimestamp', 'methodNotAllowed', 'payloadTooLarge', 'validation']

/** Fault kinds whose hit fails the call (the consumer has something to recover from); the others only slow or bend a page. */
export const FAILING_FAULT_KINDS: ReadonlySet<string> = new Set(['error', 'rateLimit', 'reset', 'truncate', 'hang', 'gateway'])

/** What the model needs of a tenant's options (the exported journal carries them). */
export interface ModelOptions {
  readonly endCursor: 'null' | 'empty-page'
  readonly errors?: ErrorOverrides
}

/** A fault rule as the model needs it (GET /__mock/faults gives more). */
export interface ModelFaultRule {
  readonly id: string
  readonly kind: string
  readonly endpoint?: string
}

export type ItemKind = 'response' | 'validation' | 'paging' | 'push' | 'fault'

/** One item of the model, before the journal is read. */
export interface ModelItem {
  readonly id: string
  readonly variant: string
  readonly kind: ItemKind
  readonly label: string
}

export interface ModelGroup {
  readonly key: string
  readonly kind: 'endpoint' | 'push' | 'fault'
  readonly title: string
  readonly items: readonly ModelItem[]
  /** For endpoint groups: the endpoint. */
  readonly endpoint?: Endpoint
  /** For fault groups: the rule's kind (undefined: a rule that hit but is no longer in force). */
  readonly faultKind?: string
}

/** Whether an endpoint's answer can be an empty result: a read whose data is a list, a page, or nullable. */
export function canBeEmpty(endpoint: Endpoint): boolean {
  if (endpoint.kind !== 'read') return false
  const data = endpoint.data
  if (data instanceof z.ZodArray || data instanceof z.ZodNullable) return true
  if (data instanceof z.ZodObject) {
    const shape = data.shape as Record<string, z.ZodType>
    const hasList = Object.values(shape).some((v) => v instanceof z.ZodArray)
    return hasList && ['nextCursor', 'pageNo', 'total'].some((k) => k in shape)
  }
  return false
}

/** Whether the endpoint is a keyset cursor list (it takes the cursor-list hooks). */
export const isCursorList = (endpoint: Endpoint): boolean => endpoint.hooks === cursorListHooks

/** The envelope codes an endpoint can answer with an error, each with the catalog's message; in first-seen order. */
export function errorCodes(endpoint: Endpoint, catalog: ErrorCatalog): { code: number; message: string; kinds: ErrorKind[] }[] {
  const byCode = new Map<number, { code: number; message: string; kinds: ErrorKind[] }>()
  for (const kind of [...PIPELINE_ERRORS, ...(endpoint.errors ?? [])]) {
    const { code, message } = catalog.render(new UpstreamError(kind))
    const known = byCode.get(code)
    if (known) known.kinds.push(kind)
    else byCode.set(code, { code, message: message.replace(/[：:]\s*$/, ''), kinds: [kind] })
  }
  return [...byCode.values()]
}

const item = (key: string, variant: string, kind: ItemKind, label: string): ModelItem => ({ id: `${key}#${variant}`, variant, kind, label })

/** The items of one endpoint. */
export function endpointGroup(endpoint: Endpoint, options: ResolvedOptions, catalog: ErrorCatalog): ModelGroup {
  const key = endpoint.path
  const items: ModelItem[] = [item(key, 'success', 'response', 'success (code 0)')]
  if (canBeEmpty(endpoint)) items.push(item(key, 'empty', 'response', 'empty result'))
  for (const { code, message } of errorCodes(endpoint, catalog)) items.push(item(key, `error:${code}`, 'response', `${code} ${message}`))
  const validation = catalog.render(new UpstreamError('validation'))
  for (const field of requestFields(endpoint.schema(options))) items.push(item(key, `validation:${field}`, 'validation', `${validation.code} ${validation.message}${field}`))
  if (isCursorList(endpoint)) {
    items.push(item(key, 'paging:first', 'paging', 'first page'))
    items.push(item(key, 'paging:cursor', 'paging', 'a cursor page'))
    items.push(item(key, 'paging:end', 'paging', 'end reached (nextCursor null)'))
    if (options.endCursor === 'empty-page') items.push(item(key, 'paging:end-empty-page', 'paging', 'end reached by an empty page (endCursor empty-page: the last full page still had a cursor)'))
    items.push(item(key, 'paging:resumed', 'paging', 'resumed after a failure (the cursor repeated after its request failed)'))
    items.push(item(key, 'paging:during-writes', 'paging', 'swept during writes (a cursor page after a world change since the first page)'))
  }
  return { key, kind: 'endpoint', title: endpoint.title, items, endpoint }
}

/** The items of one push type. */
export function pushGroup(type: string): ModelGroup {
  const key = `push:${type}`
  return {
    key,
    kind: 'push',
    title: type,
    items: [
      item(key, 'delivered', 'push', 'delivered (the receiver answered)'),
      item(key, 'acknowledged', 'push', 'acknowledged (the receiver echoed the noise)'),
      item(key, 'retried', 'push', 'retried (a retry attempt after a failed one)'),
      item(key, 'offline', 'push', 'gone offline (not sent: the address was offline)'),
    ],
  }
}

/** A fault rule's description: its kind and scope. */
export function describeRule(rule: ModelFaultRule & Record<string, unknown>): string {
  const parts = [rule.kind]
  if (rule.kind === 'error' && typeof rule.code === 'number') parts.push(`code ${rule.code}`)
  if (rule.kind === 'gateway' && typeof rule.status === 'number') parts.push(`${rule.status}`)
  if (rule.kind === 'rateLimit' && typeof rule.qps === 'number') parts.push(`${rule.qps}/s`)
  parts.push(rule.endpoint ? `on ${rule.endpoint}` : 'on every endpoint')
  return parts.join(' ')
}

/** The items of one fault rule: hit, and (for a rule that fails the call) recovered. */
export function faultGroup(rule: (ModelFaultRule & Record<string, unknown>) | { id: string; kind?: undefined }): ModelGroup {
  const key = `fault:${rule.id}`
  const items = [item(key, 'hit', 'fault', 'hit')]
  if (rule.kind === undefined || FAILING_FAULT_KINDS.has(rule.kind)) items.push(item(key, 'recovered', 'fault', 'recovered (the next call to the endpoint repeated the failed request and succeeded)'))
  return { key, kind: 'fault', title: rule.kind === undefined ? `${rule.id} (no longer in force)` : describeRule(rule as ModelFaultRule & Record<string, unknown>), items, ...(rule.kind === undefined ? {} : { faultKind: rule.kind }) }
}

/**
 * The whole model for a tenant: every endpoint, every push type, every fault rule in force (and any
 * rule the journal shows hitting that is no longer in force).
 */
export function coverageModel(options: ModelOptions, faults: readonly (ModelFaultRule & Record<string, unknown>)[] = [], hitIds: readonly string[] = []): ModelGroup[] {
  const resolved = resolveOptions({ endCursor: options.endCursor, ...(options.errors ? { errors: options.errors } : {}) })
  const catalog = new ErrorCatalog(options.errors ?? {})
  const known = new Set(faults.map((r) => r.id))
  return [
    ...ENDPOINTS.map((endpoint) => endpointGroup(endpoint, resolved, catalog)),
    ...PUSH_TYPES.map(pushGroup),
    ...faults.map(faultGroup),
    ...[...new Set(hitIds)].filter((id) => !known.has(id)).map((id) => faultGroup({ id })),
  ]
}
