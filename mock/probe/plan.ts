/**
 * The battery: a fixed list of probes, each a behaviour of the upstream the fake had to choose, the
 * switch it sets, the most requests it makes, and how it reads the setting from the answers. Only
 * `echo` and reads, never a write endpoint (test/probe asserts it on the fake's journal). The skew
 * window is a bisection (signed echo calls with shifted timestamps, each way, to 100 ms).
 */
import { z } from 'zod'
import { DEFAULT_ERRORS, type ErrorKind } from '../protocol/errors.js'
import { isTanmaId } from '../protocol/ids.js'
import { formatBeijing } from '../protocol/time.js'
import { QW_DETAILS_EXTRA, QW_USER_ID_LIST_DROPPABLE, mockOptionsSchema } from '../options.js'
import {
  customerInfo, customerSearch, echo, getUsers, listByQwUserId, listByRelationCreateTimeAsc, listClueFollowUps, listCluesByCreateTimeAsc, listFields, listTagTree,
  profileFields, qwDetails, qwListByCustomer, userDepartment, userInfo,
} from '../endpoints/index.js'
import { followedCustomerObject } from '../endpoints/customer-relation/list-by-relation-create-time-asc.js'
import type { Endpoint } from '../core/endpoint.js'
import type { Evidence, TenantConfig } from './calibration.js'
import { driftOf, type Drift } from './drift.js'
import { fieldsOf, tagGroupsOf } from './redact.js'
import type { Answer, ProbeRequest, ProbeRunner, StepRequests } from './run.js'

/** What a probe found. */
export interface Measured {
  /** The option's value (undefined: not measured; `note` says why). */
  readonly value?: unknown
  readonly note?: string
}

/** What probes share as they go: earlier findings, the facts the report needs beyond the switches. */
export interface ProbeContext {
  readonly runner: ProbeRunner
  readonly values: Record<string, unknown>
  readonly errors: Partial<Record<ErrorKind, { code: number; message: string }>>
  readonly messages: Record<string, string>
  readonly drift: (Drift & { endpoint: string })[]
  readonly idLayout: Record<string, boolean>
  readonly clock: { offsetMs?: number; behindMs?: number; aheadMs?: number }
  readonly tenant: TenantConfig
  readonly evidence: Evidence[]
}

export interface Probe {
  readonly id: string
  readonly behaviour: string
  /** The option it sets, or null (the report only). */
  readonly switch: string | null
  /** The most requests it makes (the budget printed up front). */
  readonly maxRequests: number
  readonly run: (context: ProbeContext) => Promise<Measured>
}

const ECHO_BODY = { hello: 'tanmarket' }
const LIST = listByRelationCreateTimeAsc.path
/** The furthest the skew bisection looks, each way; and where it stops, ms. */
const SKEW_LIMIT_MS = 3_600_000
const SKEW_RESOLUTION_MS = 100
/** Window starts the end-of-data sweep tries: 1, 2, 4, … 65536 hours (7.5 years) back, the first with relations is swept; and the pages it follows. */
const END_WINDOWS = 17
const END_PAGES = 10
const OVERSIZE = 1000
/** One wrong value per field of the relation list (our own values: nothing of the tenant's in the messages). */
const VALIDATION_CASES: readonly (readonly [string, object])[] = [
  ['since', { since: 'yesterday' }],
  ['before', { before: '2024-13-45 99:99:99' }],
  ['type', { type: 3 }],
  ['size', { size: 0 }],
  ['cursor', { cursor: 'not-a-cursor' }],
  ['qwUserId', { qwUserId: 5 }],
]

const isOk = (a: Answer) => a.code === 0
/** A measured error: its code, and the message (the part before the detail for the kinds that carry one). */
function errorOf(a: Answer, kind: ErrorKind): { code: number; message: string } | undefined {
  if (a.code === null || a.code === 0 || a.message === null) return undefined
  const detailed = DEFAULT_ERRORS[kind].detailed
  const m = detailed ? /^[^：:]*[：:]/.exec(a.message) : null
  return { code: a.code, message: m ? m[0] : a.message }
}
const listOf = (a: Answer): unknown[] | undefined => {
  const list = (a.data as { list?: unknown } | null)?.list
  return Array.isArray(list) ? list : undefined
}
const nextOf = (a: Answer): string | null | undefined => {
  const next = (a.data as { nextCursor?: unknown } | null)?.nextCursor
  return typeof next === 'string' ? next : next === null ? null : undefined
}
const keysOf = (item: unknown): string[] => (item !== null && typeof item === 'object' ? Object.keys(item) : [])

/** One step through the runner, its evidence kept in the context. */
async function step<T>(context: ProbeContext, key: string, requests: StepRequests, extract: (answers: readonly Answer[]) => T): Promise<T> {
  const recorded = await context.runner.ask(key, requests, extract)
  context.evidence.push(...recorded.evidence)
  return recorded.summary
}

/** The summary of a read: its code and message, the list's length and cursor, the drift of `data` from the endpoint's shape. */
interface ReadSummary {
  ok: boolean
  code: number | null
  message: string | null
  status: number
  length?: number
  next?: string | null
  drift?: Drift[]
  error?: { code: number; message: string }
}

function summarise(endpoint: Endpoint | undefined, a: Answer, kind: ErrorKind = 'validation'): ReadSummary {
  const length = listOf(a)?.length
  const next = nextOf(a)
  const envelopeExtra = a.json !== null && typeof a.json === 'object' && !Array.isArray(a.json) ? Object.keys(a.json).filter((k) => !['code', 'message', 'data'].includes(k)) : []
  const drift = endpoint && isOk(a) ? [...driftOf(endpoint.data as z.ZodType, a.data), ...envelopeExtra.map((k) => ({ path: `(envelope).${k}`, kind: 'extra' as const, expected: '(none)', got: typeof (a.json as Record<string, unknown>)[k] }))] : undefined
  const error = isOk(a) ? undefined : errorOf(a, kind)
  return { ok: isOk(a), code: a.code, message: a.message, status: a.status, ...(length === undefined ? {} : { length }), ...(next === undefined ? {} : { next }), ...(drift ? { drift } : {}), ...(error ? { error } : {}) }
}

/** Keeps a read's message and drift in the context. */
function noteRead(context: ProbeContext, endpoint: Endpoint, s: ReadSummary | undefined): void {
  if (!s?.ok) return
  if (s.message !== null) context.messages[endpoint.path] ??= s.message
  for (const d of s.drift ?? []) if (!context.drift.some((x) => x.endpoint === endpoint.path && x.path === d.path && x.kind === d.kind)) context.drift.push({ endpoint: endpoint.path, ...d })
}

const echoRequest = (extra: Partial<ProbeRequest> = {}): ProbeRequest => ({ path: echo.path, body: ECHO_BODY, ...extra })

/** An error probe on echo: the request is refused with this kind of error; the code and message are measured. */
function errorProbe(id: string, kind: ErrorKind, behaviour: string, request: Partial<ProbeRequest>): Probe {
  return {
    id,
    behaviour,
    switch: `errors.${kind}`,
    maxRequests: 1,
    run: async (context) => {
      const s = await step(context, id, echoRequest(request), ([a]) => summarise(undefined, a!, kind))
      if (s.ok) return { note: 'accepted: no error to measure' }
      if (!s.error) return { note: `no envelope (HTTP ${s.status})` }
      context.errors[kind] = s.error
      return { value: s.error }
    },
  }
}

/** A list request whose answer is either an empty page / success (the fake's default) or a validation error. */
function listProbe(id: string, key: string, behaviour: string, body: object, read: (s: ReadSummary) => Measured): Probe {
  return {
    id,
    behaviour,
    switch: key,
    maxRequests: 1,
    run: async (context) => {
      const s = await step(context, id, { path: LIST, body }, ([a]) => summarise(listByRelationCreateTimeAsc, a!))
      if (!s.ok && s.error && s.error.code === context.errors.validation?.code) return read(s)
      if (!s.ok && s.code === null) return { note: `no envelope (HTTP ${s.status})` }
      return read(s)
    },
  }
}

/** Bisection of the skew window one way: the largest accepted shift of `timestamp`, ms. */
async function skewEdge(context: ProbeContext, way: 'behind' | 'ahead'): Promise<number | undefined> {
  const sign = way === 'behind' ? -1 : 1
  const accepted = async (k: number, shift: number) => {
    const s = await step(context, `skew.${way}.${k}`, echoRequest({ timestampOffsetMs: sign * shift, note: `timestamp ${sign < 0 ? '−' : '+'}${shift} ms` }), ([a]) => summarise(undefined, a!, 'staleTimestamp'))
    if (!s.ok && s.error) context.errors.staleTimestamp ??= s.error
    return s.ok
  }
  if (await accepted(0, SKEW_LIMIT_MS)) return undefined
  let lo = 0
  let hi = SKEW_LIMIT_MS
  for (let k = 1; hi - lo > SKEW_RESOLUTION_MS; k++) {
    const mid = Math.round((lo + hi) / 2)
    if (await accepted(k, mid)) lo = mid
    else hi = mid
  }
  return lo
}

/** How the list ends, found by sweeping a recent window to its end. */
async function endOfData(context: ProbeContext): Promise<Measured> {
  const size = typeof context.values.sizeMax === 'number' ? Math.min(context.values.sizeMax, OVERSIZE) : 100
  const now = Math.floor(Date.now() / 1000)
  for (let k = 0; k < END_WINDOWS; k++) {
    const since = formatBeijing(now - 3600 * 2 ** k)
    // One step per window: the sweep follows the cursor within it (cursors never leave the step).
    const pages = await step(
      context,
      `end.${k}`,
      [
        { path: LIST, body: { since, size } },
        ...Array.from({ length: END_PAGES }, () => (previous: readonly Answer[]) => {
          const last = previous[previous.length - 1]!
          const length = listOf(last)?.length ?? 0
          const next = nextOf(last)
          if (!isOk(last) || (previous.length === 1 && length === 0) || typeof next !== 'string' || (length === 0 && previous.length > 1)) return undefined
          return { path: LIST, body: { since, size, cursor: next } } satisfies ProbeRequest
        }),
      ],
      (answers) => answers.map((a) => summarise(listByRelationCreateTimeAsc, a)),
    )
    for (const p of pages) noteRead(context, listByRelationCreateTimeAsc, p)
    if (!pages[0]!.ok) return { note: `the list answered ${pages[0]!.code} ${pages[0]!.message}` }
    if ((pages[0]!.length ?? 0) === 0) continue
    const last = pages[pages.length - 1]!
    if (last.next === null && (last.length ?? 0) > 0) return { value: 'null' }
    if ((last.length ?? 0) === 0 && pages.length > 1) return { value: 'empty-page' }
    return { note: `the window since ${since} did not end within ${END_PAGES + 1} pages` }
  }
  return { note: `no relation in the last ${2 ** (END_WINDOWS - 1)} hours` }
}

const DOCUMENTED_ITEM = Object.keys(followedCustomerObject.shape).filter((k) => k !== 'companyInfo')
const QW_DETAIL_NAMED = ['qwUserId', 'externalUserId', 'unionId', 'qwCustomerTime', 'mobiles', 'wechatNickname', 'wechatAvatar']

/** A page size every tenant takes: within the largest measured. */
const pageSize = (context: ProbeContext, wanted: number) => (typeof context.values.sizeMax === 'number' ? Math.min(wanted, context.values.sizeMax) : wanted)

const firstItem = (a: Answer, where: (item: Record<string, unknown>) => boolean = () => true) => (listOf(a) ?? []).find((i): i is Record<string, unknown> => i !== null && typeof i === 'object' && where(i as Record<string, unknown>))

const defaults = mockOptionsSchema.parse({})
export const fakeDefault = (key: string): unknown => (key.startsWith('errors.') ? DEFAULT_ERRORS[key.slice(7) as ErrorKind] && { code: DEFAULT_ERRORS[key.slice(7) as ErrorKind].code, message: DEFAULT_ERRORS[key.slice(7) as ErrorKind].message } : (defaults as Record<string, unknown>)[key])

/** Reads whose answers give the tenant's configuration, messages, id layout and drift. */
function readProbe(id: string, behaviour: string, endpoint: Endpoint, requests: StepRequests | ((context: ProbeContext) => StepRequests), use?: (answers: readonly Answer[], context: ProbeContext) => unknown, maxRequests = 1): Probe {
  return {
    id,
    behaviour,
    switch: null,
    maxRequests,
    run: async (context) => {
      // `use` turns what is kept of the tenant into summaries (no personal value passes it).
      const result = await step(context, id, typeof requests === 'function' ? requests(context) : requests, (answers) => ({ reads: answers.map((a, k) => summarise(k === answers.length - 1 ? endpoint : undefined, a)), kept: use?.(answers, context) }))
      const last = result.reads[result.reads.length - 1]
      noteRead(context, endpoint, last)
      if (result.kept !== undefined) Object.assign(context.tenant, (result.kept as { tenant?: object }).tenant ?? {}), Object.assign(context.idLayout, (result.kept as { idLayout?: object }).idLayout ?? {})
      return last?.ok ? { value: `${last.message ?? ''}`, note: last.drift?.length ? `${last.drift.length} drift entries` : 'as documented' } : { note: last ? `${last.code ?? `HTTP ${last.status}`} ${last.message ?? ''}`.trim() : 'not asked' }
    },
  }
}

export const PROBES: readonly Probe[] = [
  {
    id: 'echo',
    behaviour: "echo's data",
    switch: 'echoData',
    maxRequests: 1,
    run: async (context) => {
      const s = await step(context, 'echo', echoRequest(), ([a]) => ({ ...summarise(echo, a!), same: JSON.stringify(a!.data) === JSON.stringify(ECHO_BODY), isNull: a!.data === null }))
      if (!s.ok) throw new Error(`echo answered ${s.code ?? `HTTP ${s.status}`} ${s.message ?? ''}: check --base-url (up to …/api), --app-id, --app-key and this machine's clock`)
      if (s.message !== null) context.messages[echo.path] = s.message
      return s.same ? { value: 'body' } : s.isNull ? { value: 'null' } : { note: 'neither the body nor null' }
    },
  },
  {
    id: 'sign-case',
    behaviour: 'sign in upper-case hex',
    switch: 'signCase',
    maxRequests: 1,
    run: async (context) => {
      const s = await step(context, 'sign-case', echoRequest({ sign: 'upper', note: 'sign in upper-case hex' }), ([a]) => summarise(undefined, a!, 'badSignature'))
      return s.ok ? { value: 'any' } : { value: 'lower' }
    },
  },
  errorProbe('wrong-sign', 'badSignature', 'a wrong sign', { sign: 'wrong', note: 'sign of another body' }),
  errorProbe('unsigned', 'missingCredentials', 'no sign header', { sign: 'none', note: 'no sign header' }),
  errorProbe('unknown-app-id', 'unknownAppId', 'an unknown appId', { appId: 'wwtanmaprobe0000000_Probe0', note: 'an appId nobody has' }),
  errorProbe('bad-timestamp', 'badTimestamp', 'a timestamp that is not a number', { timestampText: 'yesterday', note: 'timestamp "yesterday"' }),
  {
    id: 'skew',
    behaviour: 'the skew window (±, inclusive)',
    switch: 'skewMs',
    maxRequests: 2 * (2 + Math.ceil(Math.log2(SKEW_LIMIT_MS / SKEW_RESOLUTION_MS))),
    run: async (context) => {
      const behind = await skewEdge(context, 'behind')
      const ahead = await skewEdge(context, 'ahead')
      if (behind === undefined || ahead === undefined) return { note: `a timestamp ${SKEW_LIMIT_MS / 60_000} min ${behind === undefined ? 'behind' : 'ahead'} was accepted` }
      Object.assign(context.clock, { behindMs: behind, aheadMs: ahead, offsetMs: Math.round((ahead - behind) / 2) })
      return { value: Math.round((behind + ahead) / 2 / 1000) * 1000, note: `${behind} ms behind, ${ahead} ms ahead accepted (server clock ${Math.round((ahead - behind) / 2)} ms from ours)` }
    },
  },
  {
    id: 'validation',
    behaviour: 'a required field missing',
    switch: 'errors.validation',
    maxRequests: 1,
    run: async (context) => {
      const s = await step(context, 'validation', { path: qwDetails.path, body: {} }, ([a]) => summarise(undefined, a!))
      if (!s.error) return { note: s.ok ? 'accepted' : `no envelope (HTTP ${s.status})` }
      context.errors.validation = s.error
      return { value: s.error }
    },
  },
  {
    id: 'validation-messages',
    behaviour: "the list's validation message per field",
    switch: null,
    maxRequests: VALIDATION_CASES.length,
    run: async (context) => {
      const messages: Record<string, string> = {}
      for (const [field, body] of VALIDATION_CASES) {
        const s = await step(context, `validation.${field}`, { path: LIST, body, note: `a wrong ${field}` }, ([a]) => summarise(undefined, a!))
        messages[field] = s.ok ? '(accepted)' : `${s.code ?? `HTTP ${s.status}`} ${s.message ?? ''}`.trim()
      }
      return { value: messages, note: Object.entries(messages).map(([f, m]) => `${f}: ${m}`).join('; ') }
    },
  },
  {
    id: 'size-max',
    behaviour: 'largest page size, and a larger one',
    switch: 'sizeMax',
    maxRequests: 2 + Math.ceil(Math.log2(OVERSIZE)),
    run: async (context) => {
      const first = await step(context, 'size-max', [{ path: LIST, body: { size: OVERSIZE } }, (p) => {
        const next = nextOf(p[0]!)
        return isOk(p[0]!) && typeof next === 'string' && (listOf(p[0]!)?.length ?? 0) > 0 ? { path: LIST, body: { size: OVERSIZE, cursor: next } } : undefined
      }], (answers) => answers.map((a) => summarise(listByRelationCreateTimeAsc, a)))
      for (const p of first) noteRead(context, listByRelationCreateTimeAsc, p)
      const page = first[0]!
      if (page.ok) {
        const length = page.length ?? 0
        if (length >= OVERSIZE) return { note: `a page of ${OVERSIZE} was served whole` }
        if (first.length > 1 && (first[1]!.length ?? 0) > 0) {
          context.values.oversize = 'clamp'
          return { value: length, note: `size ${OVERSIZE} served ${length} items, and more followed: clamped` }
        }
        return { note: `the tenant has ${length} follow relations, fewer than the largest page` }
      }
      if (!page.error) return { note: `no envelope (HTTP ${page.status})` }
      context.values.oversize = 'error'
      context.values.oversizeError = page.error
      let lo = 1
      let hi = OVERSIZE
      for (let k = 1; hi - lo > 1; k++) {
        const mid = Math.floor((lo + hi) / 2)
        const s = await step(context, `size-max.${k}`, { path: LIST, body: { size: mid } }, ([a]) => summarise(listByRelationCreateTimeAsc, a!))
        if (s.ok) lo = mid
        else hi = mid
      }
      return { value: lo, note: `size ${OVERSIZE} refused (${page.code}); bisected` }
    },
  },
  {
    id: 'oversize',
    behaviour: 'a size above the largest',
    switch: 'oversize',
    maxRequests: 0,
    run: async (context) => (context.values.oversize === undefined ? { note: 'not measured (see size-max)' } : { value: context.values.oversize }),
  },
  {
    id: 'size-default',
    behaviour: 'page size when the request has none',
    switch: 'sizeDefault',
    maxRequests: 1,
    run: async (context) => {
      const s = await step(context, 'size-default', { path: LIST, body: {} }, ([a]) => ({ ...summarise(listByRelationCreateTimeAsc, a!), customerIdsInLayout: (listOf(a!) ?? []).every((i) => isTanmaId(Number((i as { customerId?: unknown }).customerId))) }))
      noteRead(context, listByRelationCreateTimeAsc, s)
      if (!s.ok) return { note: `${s.code} ${s.message}` }
      if ((s.length ?? 0) > 0) context.idLayout.customerIds = s.customerIdsInLayout
      const max = context.values.sizeMax
      if (typeof max === 'number' && (s.length ?? 0) <= max && (s.length ?? 0) > 0 && (s.length! < max || context.values.oversize === 'clamp')) return { value: s.length }
      return { note: `${s.length} items: the data may have ended first` }
    },
  },
  { id: 'end-cursor', behaviour: 'end of data', switch: 'endCursor', maxRequests: END_WINDOWS + END_PAGES, run: endOfData },
  listProbe('inverted-window', 'invertedWindow', '`before` ≤ `since`', { since: '2024-01-02 00:00:00', before: '2024-01-01 00:00:00' }, (s) => (s.ok ? { value: 'empty' } : { value: 'error' })),
  listProbe('unknown-member', 'unknownMember', 'a qwUserId that follows nobody', { qwUserId: 'tanma-probe-nobody' }, (s) => (s.ok ? { value: 'empty' } : { value: 'error' })),
  listProbe('nulls', 'nulls', 'a null body property', { size: null }, (s) => (s.ok ? { value: 'absent' } : { value: 'error' })),
  listProbe('types', 'types', '"2" for an integer', { size: '2' }, (s) => (s.ok ? { value: 'lenient' } : { value: 'strict' })),
  listProbe('strict-body', 'strictBody', 'an unknown body property', { size: 1, tanmaProbeUnknown: 1 }, (s) => (s.ok ? { value: false } : { value: true })),
  {
    id: 'http-status',
    behaviour: 'HTTP status of an unknown path',
    switch: 'httpStatus',
    maxRequests: 2,
    run: async (context) => {
      const s = await step(context, 'http-status', { path: '/v3/tanma-probe-no-such-endpoint', body: {} }, ([a]) => summarise(undefined, a!, 'notFound'))
      const m = await step(context, 'http-status.method', { path: echo.path, method: 'GET', note: 'GET instead of POST' }, ([a]) => summarise(undefined, a!, 'methodNotAllowed'))
      if (s.error) context.errors.notFound = s.error
      if (m.error) context.errors.methodNotAllowed = m.error
      return s.ok ? { note: 'an unknown path answered code 0' } : { value: s.status === 200 && (m.status === 200 || m.ok) ? 'always-200' : 'real', note: `unknown path HTTP ${s.status}, GET HTTP ${m.status}` }
    },
  },
  {
    id: 'success-message',
    behaviour: "the relation lists' success message",
    switch: 'successMessage',
    maxRequests: 0,
    run: async (context) => {
      const message = context.messages[LIST]
      return message === 'ok' || message === 'success' ? { value: message } : { note: message === undefined ? 'no successful list call' : `"${message}"` }
    },
  },
  {
    id: 'qw-user-id-list',
    behaviour: 'the property list-by-qw-user-id leaves out',
    switch: 'qwUserIdListDrops',
    maxRequests: 2,
    run: async (context) => {
      const s = await step(context, 'qw-user-id-list', [{ path: LIST, body: { size: pageSize(context, 20) } }, (p) => {
        const item = firstItem(p[0]!)
        return item ? { path: listByQwUserId.path, body: { qwUserId: item.qwUserId, size: pageSize(context, 20) } } : undefined
      }], (answers) => ({ reads: answers.map((a, k) => summarise(k === 0 ? listByRelationCreateTimeAsc : listByQwUserId, a)), relationKeys: [...new Set((listOf(answers[0]!) ?? []).flatMap(keysOf))], qwKeys: answers[1] ? [...new Set((listOf(answers[1]) ?? []).flatMap(keysOf))] : [] }))
      noteRead(context, listByQwUserId, s.reads[1])
      if (!s.reads[1]?.ok || s.qwKeys.length === 0) return { note: 'no member with followed customers to list' }
      const dropped = DOCUMENTED_ITEM.filter((k) => s.relationKeys.includes(k) && !s.qwKeys.includes(k))
      return dropped.length === 1 && (QW_USER_ID_LIST_DROPPABLE as readonly string[]).includes(dropped[0]!) ? { value: dropped[0] } : { note: `left out: ${dropped.join(', ') || 'nothing'}` }
    },
  },
  {
    id: 'qw-details',
    behaviour: "qw-details' eighth property",
    switch: 'qwDetailsExtra',
    maxRequests: 2,
    run: async (context) => {
      const s = await step(context, 'qw-details', [{ path: LIST, body: { size: pageSize(context, 50) } }, (p) => {
        const item = firstItem(p[0]!, (i) => typeof i.externalUserId === 'string')
        return item ? { path: qwDetails.path, body: { externalUserId: item.externalUserId, qwUserId: item.qwUserId } } : undefined
      }], (answers) => ({ read: answers[1] ? summarise(qwDetails, answers[1]) : undefined, keys: answers[1] && Array.isArray(answers[1].data) ? keysOf(answers[1].data[0]) : [] }))
      noteRead(context, qwDetails, s.read)
      const extra = s.keys.filter((k) => !QW_DETAIL_NAMED.includes(k))
      if (s.keys.length === 0) return { note: 'no WeChat contact to ask about' }
      return extra.length === 1 && (QW_DETAILS_EXTRA as readonly string[]).includes(extra[0]!) ? { value: extra[0] } : { note: `beyond the seven named: ${extra.join(', ') || 'nothing'}` }
    },
  },
  {
    id: 'search-leads',
    behaviour: 'customer/search finds leads',
    switch: 'searchLeads',
    maxRequests: 2,
    run: async (context) => {
      const s = await step(context, 'search-leads', [{ path: listCluesByCreateTimeAsc.path, body: { size: 1 } }, (p) => {
        const lead = firstItem(p[0]!)
        return lead ? { path: customerSearch.path, body: { customerId: lead.customerId, pageNo: 1, pageSize: 1 } } : undefined
      }], (answers) => ({ reads: answers.map((a, k) => summarise(k === 0 ? listCluesByCreateTimeAsc : customerSearch, a)), total: (answers[1]?.data as { total?: unknown } | undefined)?.total }))
      noteRead(context, listCluesByCreateTimeAsc, s.reads[0])
      noteRead(context, customerSearch, s.reads[1])
      if (typeof s.total !== 'number') return { note: 'no lead to search for' }
      return { value: s.total > 0 ? 'include' : 'exclude' }
    },
  },
  readProbe('list-fields', 'field definitions (list-fields)', listFields, { path: listFields.path, body: {} }, ([a]) => {
    const fields = fieldsOf(a!.data)
    const options = (fields ?? []).flatMap((f) => f.options ?? []).map((o) => o.id)
    return { tenant: { fields }, idLayout: { fieldIds: (fields ?? []).every((f) => isTanmaId(f.id)), optionIds: options.filter((id) => isTanmaId(id)).length * 2 > options.length } }
  }),
  readProbe('profile-fields', 'field definitions with aliases (profile-fields)', profileFields, { path: profileFields.path, body: {} }),
  readProbe('tag-tree', 'tag groups (tags/list-tree)', listTagTree, { path: listTagTree.path, body: {} }, ([a]) => {
    const ids = Array.isArray(a!.data) ? a!.data.flatMap((g: { tags?: { id?: unknown }[] }) => (Array.isArray(g?.tags) ? g.tags.map((t) => Number(t?.id)) : [])) : []
    return { tenant: { tagGroups: tagGroupsOf(a!.data) }, idLayout: { tagIds: ids.every((id) => isTanmaId(id)) } }
  }),
  readProbe('members', 'members and departments (get-users)', getUsers, (context) => ({ path: getUsers.path, body: { pageNo: 1, pageSize: pageSize(context, 100) } }), ([a]) => {
    const data = a!.data as { total?: unknown; result?: { departments?: { departmentId?: unknown }[] }[] } | null
    const departments = new Set((data?.result ?? []).flatMap((m) => (m.departments ?? []).map((d) => d.departmentId)))
    return { tenant: { ...(typeof data?.total === 'number' ? { members: data.total } : {}), ...(departments.size > 0 ? { departments: departments.size } : {}) } }
  }),
  readProbe('user-department', "a member's departments (contract/user-department)", userDepartment, [{ path: getUsers.path, body: { pageNo: 1, pageSize: 1 } }, (p) => {
    const member = (p[0]!.data as { result?: { qwUserId?: unknown }[] } | null)?.result?.[0]
    return member ? { path: userDepartment.path, body: { qwUserId: member.qwUserId } } : undefined
  }], undefined, 2),
  readProbe('user-info', "a member's ids by mobile (common/user/info)", userInfo, [{ path: getUsers.path, body: { pageNo: 1, pageSize: 20 } }, (p) => {
    const member = (p[0]!.data as { result?: { mobile?: unknown }[] } | null)?.result?.find((m) => typeof m.mobile === 'string' && /^\d+$/.test(m.mobile))
    return member ? { path: userInfo.path, body: { mobile: Number(member.mobile) } } : undefined
  }], undefined, 2),
  readProbe('clue-follow-up', "a lead's follow-up records (clue/list-follow-up)", listClueFollowUps, [{ path: listCluesByCreateTimeAsc.path, body: { size: 1 } }, (p) => {
    const lead = firstItem(p[0]!)
    return lead ? { path: listClueFollowUps.path, body: { customerId: lead.customerId } } : undefined
  }], undefined, 2),
  readProbe('qw-follow-records', "a WeChat contact's follow records (qw-list-by-customer)", qwListByCustomer, (context) => [{ path: LIST, body: { size: pageSize(context, 50) } }, (p) => {
    const item = firstItem(p[0]!, (i) => typeof i.externalUserId === 'string')
    return item ? { path: qwListByCustomer.path, body: { externalUserId: item.externalUserId } } : undefined
  }], undefined, 2),
  readProbe('customer-search', 'customer/search page', customerSearch, { path: customerSearch.path, body: { pageNo: 1, pageSize: 5 } }),
  readProbe('customer-info', 'customer ids by field (common/customer/info)', customerInfo, [{ path: listFields.path, body: {} }, (p) => {
    const field = fieldsOf(p[0]!.data)?.find((f) => f.type === 1)
    return field ? { path: customerInfo.path, body: { field: { fieldId: String(field.id), values: 'tanma-probe' } } } : undefined
  }], undefined, 2),
]

/** The most requests the battery makes (retries aside). */
export const BUDGET = PROBES.reduce((n, p) => n + p.maxRequests, 0)

/** Paths the battery may ask: echo and reads (and two that no endpoint has). */
export const READ_ONLY_PATHS = [echo, listByRelationCreateTimeAsc, listByQwUserId, listFields, profileFields, listTagTree, getUsers, userDepartment, userInfo, listCluesByCreateTimeAsc, listClueFollowUps, qwDetails, qwListByCustomer, customerSearch, customerInfo].map((e) => e.path)
