/**
 * The request signing rule (docs/upstream.md §2, documented and seen in real clients):
 *
 *   sign = lowercase hex SHA-256 of UTF-8 (appId + timestamp + <raw body> + appKey)
 *
 * with `timestamp` in epoch milliseconds, and the body exactly as sent — never a re-serialisation.
 * Headers `appId`, `timestamp`, `sign`; an `appKey` header is accepted and ignored.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { UpstreamError } from './errors.js'
import { preview } from '../preview.js'

export const SIGN_HEADERS = ['appId', 'timestamp', 'sign'] as const

export interface Credentials {
  readonly appId: string
  readonly appKey: string
}

export type BodyBytes = string | Uint8Array

/** The signature of one request. */
export function computeSign(appId: string, timestamp: string, body: BodyBytes, appKey: string): string {
  return createHash('sha256').update(appId + timestamp).update(body).update(appKey).digest('hex')
}

/** Headers that sign `body` for `credentials` at `nowMs`. */
export function signHeaders(credentials: Credentials, body: BodyBytes, nowMs = Date.now()): Record<(typeof SIGN_HEADERS)[number], string> {
  const timestamp = String(Math.trunc(nowMs))
  return { appId: credentials.appId, timestamp, sign: computeSign(credentials.appId, timestamp, body, credentials.appKey) }
}

export interface VerifyOptions {
  /** The appKey for an appId, or undefined when the appId is unknown. */
  readonly appKeyFor: (appId: string) => string | undefined
  readonly nowMs: number
  /** Largest accepted |server time − timestamp|, both ways. */
  readonly skewMs: number
  /** Accept upper- or mixed-case hex (default: lowercase only). */
  readonly anyCase?: boolean
}

/** Reads a header case-insensitively from a Fetch `Headers`. */
export type HeaderSource = { get(name: string): string | null }

const DIGITS = /^\d{1,16}$/
const HEX64 = /^[0-9a-f]{64}$/

/**
 * Checks a request's signature and returns its appId, or throws the upstream's error. The order of
 * checks is ours (the upstream's is unknown): credentials present and appId known → timestamp
 * numeric and within the skew window → signature matches.
 */
export function verifySignature(headers: HeaderSource, body: BodyBytes, options: VerifyOptions): string {
  const appId = headers.get('appId')
  const timestamp = headers.get('timestamp')
  const sign = headers.get('sign')
  if (!appId || timestamp === null || !sign) {
    const missing = SIGN_HEADERS.filter((name) => !headers.get(name))
    throw new UpstreamError('missingCredentials', `missing header ${missing.join(', ')}`)
  }
  const appKey = options.appKeyFor(appId)
  if (appKey === undefined) throw new UpstreamError('unknownAppId', `unknown appId ${preview(appId)}`)
  if (!DIGITS.test(timestamp)) throw new UpstreamError('badTimestamp', `timestamp ${preview(timestamp)} is not epoch milliseconds`)
  const drift = options.nowMs - Number(timestamp)
  if (Math.abs(drift) > options.skewMs) {
    throw new UpstreamError('staleTimestamp', `timestamp is ${Math.round(drift / 1000)} s ${drift > 0 ? 'behind' : 'ahead of'} server time (allowed ±${options.skewMs / 1000} s)`)
  }
  const expected = computeSign(appId, timestamp, body, appKey)
  const given = options.anyCase ? sign.toLowerCase() : sign
  if (!HEX64.test(given) || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    throw new UpstreamError('badSignature', 'sign does not match SHA-256(appId + timestamp + body + appKey)')
  }
  return appId
}
