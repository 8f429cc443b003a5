/**
 * `tanma-mock/push`: what a consumer's push receiver needs (docs/upstream.md §8; docs/pushes.md).
 *
 *   verifyPush(headers, credentials)   the headers' appId and sign, or a PushVerificationError naming what is wrong
 *   decryptPush(body, credentials)     the message, `noise` exact (a bigint and its digits)
 *   ackFor(message)                    the acknowledgement body: the noise's digits
 *   createPushReceiver({…})            a node:http request listener / Express handler doing all three
 *   receivePush(request, credentials)  the same for fetch-style servers (msw handlers, Hono, …)
 *
 * and, for consumers' own tests, what the fake sends pushes with: encodePushMessage, encryptPushBody,
 * pushHeaders and pushRequest (all three at once).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import {
  decryptPushBody,
  encodePushMessage,
  encryptPushBody,
  parsePushMessage,
  pushHeaders,
  pushHeadersProblem,
  type PushCredentials,
  type PushMessage,
  type ReceivedPush,
} from './crypto.js'

export { acknowledges, decryptPushBody, encodePushMessage, encryptPushBody, parsePushMessage, pushHeaders, pushSign, PUSH_CONTENT_TYPE, PUSH_VERSION } from './crypto.js'
export type { PushCredentials, PushMessage, ReceivedPush } from './crypto.js'

/** The largest push body a receiver reads (a push is a few KiB; anything near this is not one). */
export const MAX_PUSH_BODY_BYTES = 1024 * 1024

/** Headers as node gives them (IncomingHttpHeaders), as Fetch does (Headers), or a plain record; names in any case. */
export type PushHeaders = IncomingHttpHeaders | Headers | Record<string, string | string[] | undefined>

/** A request that is not a valid push: `status` is what a receiver answers (401 headers, 400 body, 413 too large). */
export class PushVerificationError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 405 | 413 = 401,
  ) {
    super(message)
    this.name = 'PushVerificationError'
  }
}

/** Throws a PushVerificationError (401) naming a missing header, a wrong appId or a wrong sign; returns when the push is signed by `credentials`. */
export function verifyPush(headers: PushHeaders, credentials: PushCredentials): void {
  const problem = pushHeadersProblem(headers as Record<string, string | string[] | undefined> | Headers, credentials)
  if (problem !== null) throw new PushVerificationError(problem, 401)
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * The message in a push body (base64 of AES-128-CTR): `noise` as a bigint and as its digits. A body that
 * does not decrypt to a message (not base64, another key, not a JSON object with an integer noise):
 * PushVerificationError 400 `not a push message: …`.
 */
export function decryptPush(body: string | Uint8Array, credentials: PushCredentials): ReceivedPush {
  const text = (typeof body === 'string' ? body : Buffer.from(body).toString('latin1')).trim()
  if (text === '') throw new PushVerificationError('not a push message: the body is empty', 400)
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new PushVerificationError('not a push message: the body is not base64', 400)
  const plaintext = decryptPushBody(text, credentials)
  try {
    JSON.parse(plaintext)
  } catch {
    throw new PushVerificationError('not a push message: the body does not decrypt to JSON (encrypted with another appKey or corp id?)', 400)
  }
  try {
    const message = parsePushMessage(plaintext)
    if (typeof message.raw.type !== 'string') throw new SyntaxError('a push message has a string "type"')
    return message
  } catch (error) {
    throw new PushVerificationError(`not a push message: ${(error as Error).message}`, 400)
  }
}

/** The acknowledgement body for a message: its noise's digits, exactly as sent (never through a JS number). */
export function ackFor(message: Pick<ReceivedPush, 'noise'> & Partial<Pick<ReceivedPush, 'noiseText'>>): string {
  return message.noiseText ?? message.noise.toString()
}

/** A push as the fake sends it: its headers (signed at `timestampMs`) and its encrypted body. For consumers' tests. */
export function pushRequest(message: PushMessage, credentials: PushCredentials, timestampMs: number = Date.now()): { headers: Record<string, string>; body: string } {
  return { headers: pushHeaders(credentials, timestampMs), body: encryptPushBody(encodePushMessage(message), credentials) }
}

/** What a receiver knows of a push besides the message. */
export interface PushMeta {
  readonly appId: string
  /** The `timestamp` header: epoch ms on the sender's clock (the fake's virtual clock). */
  readonly timestamp: number
  readonly headers: PushHeaders
  /** The decrypted JSON as sent. */
  readonly plaintext: string
}

export interface PushReceiverOptions {
  readonly credentials: PushCredentials
  /** Called once per valid push; the acknowledgement is sent after it resolves. When it throws: 500, no acknowledgement (the sender retries). */
  readonly onMessage?: (message: ReceivedPush, meta: PushMeta) => unknown
  /** The 200 body: `noise` (default) — the noise's digits; or a function of the message. */
  readonly ack?: 'noise' | ((message: ReceivedPush) => string)
  /** Told of every refused request (bad sign, bad body, onMessage threw), e.g. to log it. */
  readonly onError?: (error: Error, meta: { readonly status: number }) => void
  /** Larger bodies get 413 (default 1 MiB). */
  readonly maxBodyBytes?: number
}

/** The outcome of one request: the message and the answer (status and body). */
async function handle(options: PushReceiverOptions, method: string, headers: PushHeaders, readBody: (max: number) => Promise<string>): Promise<{ status: number; body: string; message?: ReceivedPush; error?: Error }> {
  try {
    if (method !== 'POST') throw new PushVerificationError(`a push is a POST, not ${method}`, 405)
    verifyPush(headers, options.credentials)
    const body = await readBody(options.maxBodyBytes ?? MAX_PUSH_BODY_BYTES)
    const message = decryptPush(body, options.credentials)
    const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headerValue(headers, name)) ?? ''
    const meta: PushMeta = { appId: get('appId'), timestamp: Number(get('timestamp')), headers, plaintext: decryptPushBody(body.trim(), options.credentials) }
    try {
      await options.onMessage?.(message, meta)
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error))
      return { status: 500, body: JSON.stringify({ error: `onMessage failed: ${failure.message}` }), message, error: failure }
    }
    return { status: 200, body: typeof options.ack === 'function' ? options.ack(message) : ackFor(message), message }
  } catch (error) {
    if (error instanceof PushVerificationError) return { status: error.status, body: JSON.stringify({ error: error.message }), error }
    throw error
  }
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase())
  const value = key === undefined ? undefined : headers[key]
  return Array.isArray(value) ? value[0] : value
}

/** Reads a node request's body up to `max` bytes (or takes the one a body parser left on `req.body`). */
function readNodeBody(req: IncomingMessage & { body?: unknown }, max: number): Promise<string> {
  const parsed = req.body
  if (typeof parsed === 'string' || Buffer.isBuffer(parsed)) {
    const bytes = Buffer.byteLength(parsed as string | Buffer)
    return bytes > max ? Promise.reject(tooLarge(max)) : Promise.resolve(parsed.toString())
  }
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > max) {
    req.resume()
    return Promise.reject(tooLarge(max))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      if (over) return
      size += chunk.length
      if (size > max) {
        over = true
        chunks.length = 0
        reject(tooLarge(max))
      } else chunks.push(chunk)
    })
    req.on('end', () => over || resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

const tooLarge = (max: number) => new PushVerificationError(`the body is over ${max} bytes: not a push`, 413)

/**
 * A receiver: `(req, res) => void`, a node:http request listener and an Express handler (mount it on
 * the registered address's path; it reads the raw body itself, or takes the string or Buffer a body
 * parser such as `express.text({ type: '*\/*' })` left). It verifies, decrypts, calls `onMessage`, then
 * answers 200 with the acknowledgement; 401 for wrong headers, 400 for a body that is not a push, 413
 * for a body over 1 MiB, 405 for other methods, 500 (no acknowledgement: the sender retries) when
 * `onMessage` throws. Error answers are JSON `{"error": "…"}`.
 */
export function createPushReceiver(options: PushReceiverOptions): (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void {
  return (req, res, next) => {
    handle(options, req.method ?? 'GET', req.headers, (max) => readNodeBody(req, max))
      .then(({ status, body, error }) => {
        if (error) options.onError?.(error, { status })
        res.writeHead(status, {
          'Content-Type': status === 200 ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          ...(status === 405 ? { Allow: 'POST' } : {}),
          ...(status === 413 ? { Connection: 'close' } : {}),
        })
        res.end(body)
      })
      .catch((error: unknown) => {
        if (next) return next(error)
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' })
        res.end(JSON.stringify({ error: (error as Error).message }))
      })
  }
}

/** The result of receivePush: the message and the answer to return, or the error and its answer. */
export type ReceivedPushResult = { message: ReceivedPush; error?: undefined; response: Response } | { message?: undefined; error: Error; response: Response }

/**
 * A push for fetch-style servers (msw handlers, Hono, Deno, workers): verifies and decrypts `request`
 * and calls `onMessage` as createPushReceiver does. Return `response`: 200 with the acknowledgement, or
 * the refusal (401/400/413/405, or 500 when onMessage threw).
 */
export async function receivePush(request: Request, credentials: PushCredentials, options: Omit<PushReceiverOptions, 'credentials'> = {}): Promise<ReceivedPushResult> {
  const readBody = async (max: number) => {
    if (Number(request.headers.get('content-length')) > max) throw tooLarge(max)
    const bytes = new Uint8Array(await request.arrayBuffer())
    if (bytes.byteLength > max) throw tooLarge(max)
    return Buffer.from(bytes).toString('utf8')
  }
  const { status, body, message, error } = await handle({ ...options, credentials }, request.method, request.headers, readBody)
  const response = new Response(body, { status, headers: { 'Content-Type': status === 200 ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...(status === 405 ? { Allow: 'POST' } : {}) } })
  if (error) options.onError?.(error, { status })
  return status === 200 ? { message: message!, response } : { error: error!, response }
}

