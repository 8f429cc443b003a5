/**
 * The request pipeline of every upstream endpoint, knowing nothing of what an endpoint does:
 *
 *   route (path ending, handlers.ts) → method → body size → faults → signature over the raw bytes
 *   → parse (UTF-8, depth limit, JSON) → validate (the endpoint's request schema) → handler
 *   → envelope (the endpoint's success message) → journal
 *
 * Every failure leaves as the upstream's envelope. What only some endpoints do around these steps
 * (a cursor list's fault anomalies and deep-page latency) they bring as hooks (core/endpoint.ts).
 *
 * The pipeline takes an `UpstreamCall` and gives an `Answer`, not Fetch objects: msw's handlers
 * adapt a Fetch Request to it (handlers.ts), the standalone host a Node request directly
 * (decisions/0011-standalone-host-fast-path.md). Either way the same steps give the same bytes.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { MockContext } from './context.js'
import { requestFields, type Endpoint, type JsonText, type RequestSchema } from './endpoint.js'
import { envelopeJson, SUCCESS_CODE, UpstreamError } from '../protocol/errors.js'
import { verifySignature } from '../protocol/signing.js'
import { requestBytes, respond, toResponse, type HostResponse } from '../host-channel.js'
import { gatewayPage, type FaultPlan, type FaultRule } from '../faults.js'
import { requestDetail, VERDICT_OF, type AnswerBytes, type HeaderList, type PageNote, type SignatureVerdict } from '../journal.js'
import { newRequestId, REQUEST_ID_HEADER, type Logger } from '../log.js'
import { clip } from '../preview.js'
import { diagnoseSignature } from '../diagnose/signature.js'
import { diagnoseTimestamp } from '../diagnose/timestamp.js'
import { diagnosePath } from '../diagnose/path.js'
import { diagnoseCursor, filtersOf } from '../diagnose/cursor.js'
import { ENDPOINT_PATHS } from '../diagnose/paths.js'
import type { HeaderSource } from '../protocol/signing.js'

/** What the pipeline reads of a request, whoever received it. */
export interface UpstreamCall {
  readonly method: string
  /** The URL's path, as the URL parser normalised it. */
  readonly path: string
  /** The headers as Fetch gives them: any case, a repeated header joined with `, `. */
  readonly headers: HeaderSource & HeaderList
  /** The raw body (empty when there is none). */
  body(): Uint8Array | Promise<Uint8Array>
}

/** What the pipeline answers: status, headers and bytes, or a transport fault to act out. */
export type Answer = HostResponse

/** A Fetch Request as an upstream call (in-process msw, and the standalone host's admin path). */
export function fetchCall(request: Request): UpstreamCall {
  return { method: request.method, path: new URL(request.url).pathname, headers: request.headers, body: () => requestBytes(request) }
}

const EMPTY = new Uint8Array(0) as Uint8Array<ArrayBuffer>

/** An answer that is no transport fault, as a Response. */
const plainResponse = (request: Request, { status, headers, body }: Answer): Response => respond(request, status, { ...headers }, body as Uint8Array<ArrayBuffer>)

const answer = (status: number, headers: Record<string, string>, body: Uint8Array<ArrayBuffer>): Answer => ({ status, headers, body })

const JSON_TYPE = 'application/json;charset=UTF-8'

/** Characters of a received path or appId kept in messages, logs and the journal. */
const ECHO_CHARS = 200

/** Headers of an answer in the envelope. */
const jsonHeaders = (requestId: string) => ({ 'content-type': JSON_TYPE, [REQUEST_ID_HEADER]: requestId })

/** A request no endpoint takes: the envelope's 404, journalled. */
export function serveUnknown(context: MockContext, request: Request): Response {
  return plainResponse(request, answerUnknown(context, fetchCall(request)))
}

/** A call no endpoint takes: the envelope's 404, journalled. */
export function answerUnknown(context: MockContext, request: UpstreamCall): Answer {
  const requestId = newRequestId()
  const log = context.logger.withRequest(requestId)
  const method = clip(request.method, ECHO_CHARS)
  const path = clip(request.path, ECHO_CHARS)
  log.log('route', `${method} ${path}: no such endpoint`)
  const error = new UpstreamError('notFound', `${method} ${path}`)
  const { status, code } = context.errors.render(error)
  const diagnosis = diagnosePath(path, ENDPOINT_PATHS())
  log.log('diagnosis', diagnosis)
  const unknown = errorAnswer(context, request, error, requestId, log)
  context.journal.record(
    { requestId, time: context.clock.now(), method, path, endpoint: null, appId: appIdOf(request), signature: 'not-checked', code, status, diagnosis },
    context.journal.keepsDetails ? requestDetail(request.headers, undefined, unknown.body) : undefined,
  )
  return unknown
}

/** The appId header, bounded (it is echoed in the journal and logs). */
const appIdOf = (request: UpstreamCall): string | null => {
  const appId = request.headers.get('appId')
  return appId === null ? null : clip(appId, ECHO_CHARS)
}

/**
 * One call of `endpoint`, through every step. `peers`: every tenant's context (this one's included),
 * so a diagnosis can name another tenant's key or cursor.
 */
export async function serveEndpoint(context: MockContext, endpoint: Endpoint, request: Request, peers: readonly MockContext[] = [context]): Promise<Response> {
  return toResponse(request, await answerEndpoint(context, endpoint, fetchCall(request), peers))
}

/** One call of `endpoint`, through every step, as an answer (serveEndpoint, without Fetch objects). */
export async function answerEndpoint(context: MockContext, endpoint: Endpoint, request: UpstreamCall, peers: readonly MockContext[] = [context]): Promise<Answer> {
  const { options } = context
  const requestId = newRequestId()
  // The journal's time is when the request came, not when its answer was ready (a slow answer does not move it).
  const receivedAt = context.clock.now()
  const logger = context.logger.withRequest(requestId)
  const note: PageNote = {}
  let appId: string | null = null
  let signature: SignatureVerdict = 'not-checked'
  let plan: FaultPlan | undefined
  let raw: Uint8Array | undefined
  let diagnosis: string | undefined
  const journal = (status: number, code: number | null, answer?: AnswerBytes) =>
    context.journal.record({
      requestId, time: receivedAt, method: clip(request.method, ECHO_CHARS), path: clip(request.path, ECHO_CHARS), endpoint: endpoint.path, appId, signature, code, status, ...note,
      ...(plan && plan.hits.length > 0 ? { faults: plan.hits } : {}),
      ...(plan && plan.latencyMs > 0 ? { delayMs: plan.latencyMs } : {}),
      ...(diagnosis === undefined ? {} : { diagnosis }),
    }, context.journal.keepsDetails ? requestDetail(request.headers, raw, answer) : undefined)
  try {
    if (logger.enabled) logger.log('route', `${clip(request.method, ECHO_CHARS)} ${clip(request.path, ECHO_CHARS)} → ${endpoint.path}`)
    if (request.method !== 'POST') throw new UpstreamError('methodNotAllowed', clip(request.method, ECHO_CHARS))
    raw = await request.body()
    if (raw.byteLength > options.bodyLimit) throw new UpstreamError('payloadTooLarge', `${raw.byteLength} bytes > ${options.bodyLimit}`)

    appId = appIdOf(request)
    if (context.faults.active) {
      note.bodyHash = bodyHash(raw)
      plan = context.faults.plan(endpoint.path, appId, context.clock.now())
      if (plan.hits.length > 0) logger.log('fault', `${plan.hits.join(', ')}${plan.latencyMs > 0 ? `: ${plan.latencyMs} ms late` : ''}`)
      if (plan.latencyMs > 0) await sleep(plan.latencyMs)
      if (plan.terminal) {
        endpoint.hooks?.unserved?.(raw, note)
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

    const body = parseBody(raw, options.bodyDepthLimit, endpoint.emptyBody ?? true)
    const checked = endpoint.check(options, body, note, logger)
    const data = endpoint.serve({ context, request: checked, body, note, log: logger, plan })
    if (note.nextCursor) context.journal.cursors.add(note.nextCursor, { endpoint: endpoint.path, filters: filtersOf(body), appId: appId ?? '' })
    diagnosis = cursorDiagnosis(context, peers, endpoint, appId, body, false)
    if (diagnosis !== undefined) logger.log('diagnosis', diagnosis)
    if (endpoint.kind === 'read' && (data === '[]' || data === 'null')) note.emptyData = true
    const late = plan && endpoint.hooks?.lateMs ? endpoint.hooks.lateMs(context, plan, note) : 0
    if (late > 0) {
      plan!.latencyMs += late
      await sleep(late)
    }
    const message = endpoint.message === 'option' ? options.successMessage : endpoint.message
    const success = endpoint.withoutData
      ? answer(200, jsonHeaders(requestId), Buffer.from(`{"code":${SUCCESS_CODE},"message":${JSON.stringify(message)}}`) as Uint8Array<ArrayBuffer>)
      : successAnswer(jsonHeaders(requestId), message, data)
    journal(200, SUCCESS_CODE, success.chunks ?? success.body)
    if (plan?.truncate) return { ...success, chunks: undefined, body: success.body, fault: { kind: 'truncate', atByte: Math.min(success.body.byteLength, plan.truncate.atByte ?? Math.floor(success.body.byteLength / 2)) } }
    return success
  } catch (error) {
    if (error instanceof UpstreamError && VERDICT_OF[error.kind]) signature = VERDICT_OF[error.kind]!
    // What the journal needs to tell which variant this was: the cursor a list call came with, the field a validation error names.
    if (raw && note.cursor === undefined) endpoint.hooks?.unserved?.(raw, note)
    if (error instanceof UpstreamError && error.kind === 'validation' && note.field === undefined) {
      const field = fieldNamed(error.detail, endpoint.schema(options))
      if (field !== undefined) note.field = field
    }
    if (error instanceof UpstreamError && raw !== undefined) {
      diagnosis = diagnose(context, peers, endpoint, request, raw, error, appId)
      if (diagnosis !== undefined) logger.log('diagnosis', diagnosis)
    }
    const response = errorAnswer(context, request, error, requestId, logger)
    const rendered = error instanceof UpstreamError ? context.errors.render(error) : context.errors.render(new UpstreamError('internal'))
    journal(rendered.status, rendered.code, response.body)
    return response
  }
}

/**
 * Why a call failed, in the vendor's terms (mock/diagnose/*), for the journal and the log: never in
 * the answer, whose bytes stay the upstream's. A diagnosis that itself fails is our bug: logged, and none.
 */
function diagnose(context: MockContext, peers: readonly MockContext[], endpoint: Endpoint, request: UpstreamCall, raw: Uint8Array, error: UpstreamError, appId: string | null): string | undefined {
  try {
    const { options } = context
    switch (error.kind) {
      case 'badSignature':
        return diagnoseSignature({
          headers: request.headers,
          body: raw,
          appKey: options.appKey,
          tenants: peers.map((peer) => ({ appId: peer.options.appId, appKey: peer.options.appKey })),
          anyCase: options.signCase === 'any',
        })
      case 'staleTimestamp':
        return diagnoseTimestamp(request.headers.get('timestamp') ?? '', context.clock.state(), options.skewMs)
      case 'validation': {
        let body: unknown
        try {
          body = JSON.parse(Buffer.from(raw).toString('utf8'))
        } catch {
          return undefined
        }
        return cursorDiagnosis(context, peers, endpoint, appId, body, true)
      }
      default:
        return undefined
    }
  } catch (bug) {
    context.logger.internal(bug, `diagnosis of ${error.kind}`)
    return undefined
  }
}

/** The diagnosis of the call's cursor against the cursors this tenant and the others handed out. */
function cursorDiagnosis(context: MockContext, peers: readonly MockContext[], endpoint: Endpoint, appId: string | null, body: unknown, failed: boolean): string | undefined {
  if (body === null || typeof body !== 'object' || !('cursor' in body)) return undefined
  const others = peers.filter((peer) => peer !== context).map((peer) => peer.journal.cursors)
  return diagnoseCursor({ body, endpoint: endpoint.path, appId, failed }, context.journal.cursors, others)
}

/** The answer of a fault rule that replaces the endpoint's. */
function faultAnswer(context: MockContext, request: UpstreamCall, rule: FaultRule, journal: (status: number, code: number | null, answer?: AnswerBytes) => void, requestId: string, log: Logger): Answer {
  switch (rule.kind) {
    case 'error': {
      const refused = answer(rule.httpStatus, jsonHeaders(requestId), Buffer.from(envelopeJson(rule.code, rule.message)) as Uint8Array<ArrayBuffer>)
      journal(rule.httpStatus, rule.code, refused.body)
      return refused
    }
    case 'rateLimit': {
      const error = new UpstreamError('rateLimited', `rule ${rule.id}: over ${rule.qps} requests/s`)
      const { status, code } = context.errors.render(error)
      const refused = errorAnswer(context, request, error, requestId, log)
      journal(status, code, refused.body)
      return refused
    }
    case 'gateway': {
      const page = answer(rule.status, { 'content-type': 'text/html', [REQUEST_ID_HEADER]: requestId }, Buffer.from(rule.body ?? gatewayPage(rule.status)) as Uint8Array<ArrayBuffer>)
      journal(rule.status, null, page.body)
      return page
    }
    case 'hang':
      journal(0, null)
      return { status: 200, headers: {}, body: EMPTY, fault: { kind: 'hang', maxMs: rule.maxMs } }
    default:
      journal(0, null)
      return { status: 200, headers: {}, body: EMPTY, fault: { kind: 'reset' } }
  }
}

/** A short hash of the body bytes (FNV-1a, 32 bits, as hex): enough to tell a repeated request. */
function bodyHash(raw: Uint8Array): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < raw.length; i++) hash = Math.imul(hash ^ raw[i]!, 0x01000193)
  return (hash >>> 0).toString(16).padStart(8, '0')
}

/** The top-level request field a validation message starts with (`qwUserId 不存在：…`), if any. */
function fieldNamed(detail: string | undefined, schema: RequestSchema): string | undefined {
  const name = detail?.match(/^([A-Za-z_$][\w$]*)/)?.[1]
  if (name === undefined) return undefined
  return requestFields(schema).includes(name) ? name : undefined
}

const ENVELOPE_END = Buffer.from('}')
const envelopeStarts = new Map<string, Buffer>()

/**
 * The success envelope around `data`: its pieces (cached items are not copied), and the one buffer
 * they make, concatenated only when asked for (in-process, a Response's body).
 */
function successAnswer(headers: Record<string, string>, message: string, data: JsonText): Answer {
  let start = envelopeStarts.get(message)
  if (!start) envelopeStarts.set(message, (start = Buffer.from(envelopeJson(SUCCESS_CODE, message, '').slice(0, -1))))
  const chunks = typeof data === 'string' ? [start, Buffer.from(data), ENVELOPE_END] : [start, ...data, ENVELOPE_END]
  let body: Uint8Array | undefined
  return {
    status: 200,
    headers,
    chunks,
    get body() {
      return (body ??= Buffer.concat(chunks))
    },
  }
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

/**
 * The body as JSON (an object or an array: the endpoint's request schema says which it takes). An
 * empty body is `{}` (clients send one) where the endpoint takes one.
 */
function parseBody(raw: Uint8Array, depthLimit: number, emptyBody: boolean): unknown {
  let text: string
  try {
    text = utf8.decode(raw)
  } catch {
    throw new UpstreamError('validation', '请求体不是合法的 UTF-8 文本')
  }
  if (text.trim() === '') {
    if (emptyBody) return {}
    throw new UpstreamError('validation', '请求体不能为空')
  }
  if (nestedDeeperThan(text, depthLimit)) throw new UpstreamError('validation', `请求体嵌套过深（最多 ${depthLimit} 层）`)
  try {
    return JSON.parse(text)
  } catch {
    throw new UpstreamError('validation', '请求体不是合法的 JSON')
  }
}

/**
 * An error in the upstream's envelope, with the request's id (a new one when the request has none
 * yet). Anything that is not an UpstreamError is our bug: reported once on the server, never shown.
 */
export function errorResponse(context: MockContext, request: Request, error: unknown, requestId = newRequestId(), log: Logger = context.logger.withRequest(requestId)): Response {
  return plainResponse(request, errorAnswer(context, fetchCall(request), error, requestId, log))
}

/** errorResponse, as an answer. */
export function errorAnswer(context: MockContext, request: Pick<UpstreamCall, 'method' | 'path'>, error: unknown, requestId = newRequestId(), log: Logger = context.logger.withRequest(requestId)): Answer {
  let upstream: UpstreamError
  if (error instanceof UpstreamError) {
    upstream = error
    if (log.enabled) log.log('error', error.message)
  } else {
    upstream = new UpstreamError('internal')
    log.internal(error, `${clip(request.method, ECHO_CHARS)} ${clip(request.path, ECHO_CHARS)}`)
  }
  const { status, code, message } = context.errors.render(upstream)
  return answer(status, jsonHeaders(requestId), Buffer.from(envelopeJson(code, message)) as Uint8Array<ArrayBuffer>)
}
