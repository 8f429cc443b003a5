/**
 * The msw request handlers: the single definition of every endpoint, run in-process by
 * `setupServer(...handlers)` and behind the standalone server alike.
 *
 * Pipeline for an upstream endpoint: route (path ending) → method → body size → signature over the
 * raw bytes → JSON body → the endpoint → envelope. Every failure leaves as the upstream's envelope.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { http, type HttpHandler } from 'msw'
import { createAdminHandler, type AdminFunctions } from './admin.js'
import type { Endpoint, JsonText, MockContext } from './endpoints/endpoint.js'
import { listByRelationCreateTimeAsc } from './endpoints/list-by-relation-create-time-asc.js'
import { envelopeJson, SUCCESS_CODE, UpstreamError } from './protocol/errors.js'
import { verifySignature } from './protocol/signing.js'
import { requestBytes, respond, respondFault } from './host-channel.js'
import { gatewayPage, type FaultPlan, type FaultRule } from './faults.js'
import { VERDICT_OF, type PageNote, type SignatureVerdict } from './journal.js'
import { newRequestId, REQUEST_ID_HEADER, type Logger } from './log.js'
import { clip } from './preview.js'

export const ENDPOINTS: readonly Endpoint[] = [listByRelationCreateTimeAsc]

const JSON_TYPE = 'application/json;charset=UTF-8'

/** Characters of a received path or appId kept in messages, logs and the journal. */
const ECHO_CHARS = 200

/** Headers of an answer in the envelope. */
const jsonHeaders = (requestId: string) => ({ 'content-type': JSON_TYPE, [REQUEST_ID_HEADER]: requestId })

export interface HandlerOptions {
  /**
   * Which unmatched requests get the envelope's 404: `upstream-hosts` (in-process: only requests to
   * the real service's hosts, so a consumer's other traffic is left alone) or `all` (the standalone server).
   */
  readonly unknownPaths?: 'upstream-hosts' | 'all'
}

/** One tenant: an appId with its own world, clock, journal and admin scope. */
export interface Tenant {
  readonly context: MockContext
  readonly admin: AdminFunctions
}

/**
 * The handlers for one or more tenants (the first is the default). An upstream request goes to the
 * tenant of its `appId` header — a request signed for one tenant never sees another's data — and
 * one with an unknown appId to the default tenant, whose signature check refuses it. Admin routes
 * are `/__mock/tenants/<appId>/…`, and plain `/__mock/…` for the default tenant.
 */
export function createHandlers(tenants: readonly Tenant[], { unknownPaths = 'upstream-hosts' }: HandlerOptions = {}): HttpHandler[] {
  const fallback = tenants[0]!
  const context = fallback.context
  const byAppId = new Map(tenants.map((t) => [t.context.options.appId, t.context]))
  const contextFor = (request: Request) => byAppId.get(request.headers.get('appId') ?? '') ?? context
  const endpointHandlers = ENDPOINTS.map((endpoint) =>
    http.all(({ request }) => new URL(request.url).pathname.endsWith(endpoint.path), ({ request }) => serveEndpoint(contextFor(request), endpoint, request)),
  )
  const adminHandlers = tenants.length > 1 ? tenants.map((t) => createAdminHandler(t.context, t.admin, `/__mock/tenants/${t.context.options.appId}`)) : []
  const hosts = new Set(context.options.upstreamHosts)
  const notFound = http.all(
    ({ request }) => unknownPaths === 'all' || hosts.has(new URL(request.url).hostname),
    ({ request }) => {
      const requestId = newRequestId()
      const log = context.logger.withRequest(requestId)
      const method = clip(request.method, ECHO_CHARS)
      const path = clip(new URL(request.url).pathname, ECHO_CHARS)
      log.log('route', `${method} ${path}: no such endpoint`)
      const error = new UpstreamError('notFound', `${method} ${path}`)
      const { status, code } = context.errors.render(error)
      context.journal.record({ requestId, time: context.clock.now(), method, path, endpoint: null, appId: appIdOf(request), signature: 'not-checked', code, status })
      return errorResponse(context, request, error, requestId, log)
    },
  )
  return [...adminHandlers, createAdminHandler(context, fallback.admin, '/__mock', tenants), ...endpointHandlers, notFound]
}

/** The appId header, bounded (it is echoed in the journal and logs). */
const appIdOf = (request: Request): string | null => {
  const appId = request.headers.get('appId')
  return appId === null ? null : clip(appId, ECHO_CHARS)
}

async function serveEndpoint(context: MockContext, endpoint: Endpoint, request: Request): Promise<Response> {
  const { options } = context
  const requestId = newRequestId()
  const logger = context.logger.withRequest(requestId)
  const note: PageNote = {}
  let appId: string | null = null
  let signature: SignatureVerdict = 'not-checked'
  let plan: FaultPlan | undefined
  const journal = (status: number, code: number | null) =>
    context.journal.record({
      requestId, time: context.clock.now(), method: clip(request.method, ECHO_CHARS), path: clip(new URL(request.url).pathname, ECHO_CHARS), endpoint: endpoint.path, appId, signature, code, status, ...note,
      ...(plan && plan.hits.length > 0 ? { faults: plan.hits } : {}),
      ...(plan && plan.latencyMs > 0 ? { delayMs: plan.latencyMs } : {}),
    })
  try {
    if (logger.enabled) logger.log('route', `${clip(request.method, ECHO_CHARS)} ${clip(new URL(request.url).pathname, ECHO_CHARS)} → ${endpoint.path}`)
    if (request.method !== 'POST') throw new UpstreamError('methodNotAllowed', clip(request.method, ECHO_CHARS))
    const raw = await requestBytes(request)
    if (raw.byteLength > options.bodyLimit) throw new UpstreamError('payloadTooLarge', `${raw.byteLength} bytes > ${options.bodyLimit}`)

    appId = appIdOf(request)
    if (context.faults.active) {
      plan = context.faults.plan(endpoint.path, appId, context.clock.now())
      if (plan.hits.length > 0) logger.log('fault', `${plan.hits.join(', ')}${plan.latencyMs > 0 ? `: ${plan.latencyMs} ms late` : ''}`)
      if (plan.latencyMs > 0) await sleep(plan.latencyMs)
      if (plan.terminal) {
        // The endpoint will not run: note the cursor the call came with, so the journal shows what was retried.
        const cursor = cursorOf(raw)
        if (cursor !== undefined) note.cursor = cursor
        return faultAnswer(context, request, plan.terminal, journal, requestId, logger)
      }
    }

    verifySignature(request.headers, raw, {
      appKeyFor: (id) => (id === options.appId ? options.appKey : undefined),
      nowMs: context.clock.now(),
      skewMs: options.skewMs,
      anyCase: options.signCase === 'any',
    })
    signature = 'valid'
    if (logger.enabled) logger.log('signature', `valid for ${appId}`)

    const anomalies = plan && { ...(plan.shortPage ? { shortPage: plan.shortPage.items ?? ('half' as const) } : {}), ...(plan.duplicateEdge ? { duplicateEdge: true } : {}) }
    const data = endpoint.handle(context, parseBody(raw, options.bodyDepthLimit), note, anomalies, logger)
    if (plan && plan.deep.length > 0) {
      const late = context.faults.deepLatency(plan, note.offset ?? 0)
      plan.latencyMs += late
      if (late > 0) await sleep(late)
    }
    journal(200, SUCCESS_CODE)
    const body = successBody(options.successMessage, data)
    if (plan?.truncate) return respondFault(request, { kind: 'truncate', atByte: Math.min(body.byteLength, plan.truncate.atByte ?? Math.floor(body.byteLength / 2)) }, 200, jsonHeaders(requestId), body)
    return respond(request, 200, jsonHeaders(requestId), body)
  } catch (error) {
    if (error instanceof UpstreamError && VERDICT_OF[error.kind]) signature = VERDICT_OF[error.kind]!
    const response = errorResponse(context, request, error, requestId, logger)
    const rendered = error instanceof UpstreamError ? context.errors.render(error) : context.errors.render(new UpstreamError('internal'))
    journal(rendered.status, rendered.code)
    return response
  }
}

/** The body's `cursor`, if it is a JSON object with one (null: none), without the endpoint's checks. */
function cursorOf(raw: Uint8Array): string | null | undefined {
  try {
    const body = JSON.parse(Buffer.from(raw).toString('utf8')) as { cursor?: unknown }
    return typeof body?.cursor === 'string' ? body.cursor : null
  } catch {
    return undefined
  }
}

/** The answer of a fault rule that replaces the endpoint's. */
function faultAnswer(context: MockContext, request: Request, rule: FaultRule, journal: (status: number, code: number | null) => void, requestId: string, log: Logger): Response | Promise<Response> {
  switch (rule.kind) {
    case 'error':
      journal(rule.httpStatus, rule.code)
      return respond(request, rule.httpStatus, jsonHeaders(requestId), Buffer.from(envelopeJson(rule.code, rule.message)) as Uint8Array<ArrayBuffer>)
    case 'rateLimit': {
      const { status, code } = context.errors.render(new UpstreamError('rateLimited'))
      journal(status, code)
      return errorResponse(context, request, new UpstreamError('rateLimited', `rule ${rule.id}: over ${rule.qps} requests/s`), requestId, log)
    }
    case 'gateway':
      journal(rule.status, null)
      return respond(request, rule.status, { 'content-type': 'text/html', [REQUEST_ID_HEADER]: requestId }, Buffer.from(rule.body ?? gatewayPage(rule.status)) as Uint8Array<ArrayBuffer>)
    case 'hang':
      journal(0, null)
      return respondFault(request, { kind: 'hang', maxMs: rule.maxMs })
    default:
      journal(0, null)
      return respondFault(request, { kind: 'reset' })
  }
}

const ENVELOPE_END = Buffer.from('}')
const envelopeStarts = new Map<string, Buffer>()

/** The success envelope around `data`, as one buffer. */
function successBody(message: string, data: JsonText): Uint8Array<ArrayBuffer> {
  if (typeof data === 'string') data = [Buffer.from(data)]
  let start = envelopeStarts.get(message)
  if (!start) envelopeStarts.set(message, (start = Buffer.from(envelopeJson(SUCCESS_CODE, message, '').slice(0, -1))))
  return Buffer.concat([start, ...data, ENVELOPE_END]) as Uint8Array<ArrayBuffer>
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * True when `text` nests arrays and objects deeper than `limit` (brackets inside strings do not
 * count). Checked before parsing, as Jackson's StreamReadConstraints do: nothing downstream ever
 * walks a deeper value. A text shorter than the limit cannot exceed it, so small bodies cost nothing.
 */
function nestedDeeperThan(text: string, limit: number): boolean {
  if (text.length <= limit) return false
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

/** The body as a JSON object; an empty body is `{}` (clients send one). */
function parseBody(raw: Uint8Array, depthLimit: number): Record<string, unknown> {
  let text: string
  try {
    text = utf8.decode(raw)
  } catch {
    throw new UpstreamError('validation', '请求体不是合法的 UTF-8 文本')
  }
  if (text.trim() === '') return {}
  if (nestedDeeperThan(text, depthLimit)) throw new UpstreamError('validation', `请求体嵌套过深（最多 ${depthLimit} 层）`)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new UpstreamError('validation', '请求体不是合法的 JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new UpstreamError('validation', `请求体应为 JSON 对象（收到 ${Array.isArray(body) ? '数组' : body === null ? 'null' : typeof body}）`)
  }
  return body as Record<string, unknown>
}

/**
 * An error in the upstream's envelope, with the request's id (a new one when the request has none
 * yet). Anything that is not an UpstreamError is our bug: reported once on the server, never shown.
 */
export function errorResponse(context: MockContext, request: Request, error: unknown, requestId = newRequestId(), log: Logger = context.logger.withRequest(requestId)): Response {
  let upstream: UpstreamError
  if (error instanceof UpstreamError) {
    upstream = error
    if (log.enabled) log.log('error', error.message)
  } else {
    upstream = new UpstreamError('internal')
    log.internal(error, `${clip(request.method, ECHO_CHARS)} ${clip(new URL(request.url).pathname, ECHO_CHARS)}`)
  }
  const { status, code, message } = context.errors.render(upstream)
  return respond(request, status, jsonHeaders(requestId), Buffer.from(envelopeJson(code, message)) as Uint8Array<ArrayBuffer>)
}
