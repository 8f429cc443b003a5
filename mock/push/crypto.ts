/**
 * Push message crypto (docs/upstream.md §8, documented with a test vector):
 *
 *   headers  appId, timestamp (epoch ms), version: 1, sign, Content-Type: text/plain;charset=UTF-8
 *   sign     lowercase hex SHA-256 of UTF-8 (appId + version + timestamp + appKey) — the body is not signed
 *   body     base64(AES-128-CTR(UTF-8 JSON)), key = SHA-256(appKey)[0..16), IV = SHA-256(corpid)[0..16),
 *            corpid = the part of appId before the first `_` unless given (the test vector gives `zc_test`)
 *   message  {"type": …, "noise": <int64>, "msgId": <int>, "content": …} (+ "eventId" on newer types)
 *
 * `noise` is a signed 64-bit integer the receiver echoes to acknowledge: it is a bigint here and is
 * written and read as its digits, never through a JS number (JSON.parse would round it beyond 2^53).
 */
import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto'
import type { Credentials } from '../protocol/signing.js'

export const PUSH_VERSION = '1'
export const PUSH_CONTENT_TYPE = 'text/plain;charset=UTF-8'

/**
 * What pushes are signed and encrypted with: the tenant's appId and appKey, and its corp id (by
 * default the part of appId before the first `_`; the documented test vector gives it apart).
 */
export interface PushCredentials extends Credentials {
  readonly corpId?: string
}

/** A push message as sent: `noise` a signed 64-bit integer. */
export interface PushMessage {
  readonly type: string
  readonly noise: bigint
  readonly msgId: number
  /** A string event id, on the types that carry one (customer_contact_edit). */
  readonly eventId?: string
  readonly content: unknown
}

/** The corp id of an appId: the part before the first `_` (the whole appId when it has none). */
export function corpIdOf(appId: string): string {
  const at = appId.indexOf('_')
  return at < 0 ? appId : appId.slice(0, at)
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest()

/** The push signature: hex SHA-256 of appId + version + timestamp + appKey. */
export function pushSign(appId: string, version: string, timestamp: string, appKey: string): string {
  return createHash('sha256').update(appId + version + timestamp + appKey, 'utf8').digest('hex')
}

/** The headers of a push sent at `timestampMs` (the tenant's virtual clock). */
export function pushHeaders(credentials: Credentials, timestampMs: number): Record<string, string> {
  const timestamp = String(Math.trunc(timestampMs))
  return {
    appId: credentials.appId,
    timestamp,
    version: PUSH_VERSION,
    sign: pushSign(credentials.appId, PUSH_VERSION, timestamp, credentials.appKey),
    'Content-Type': PUSH_CONTENT_TYPE,
  }
}

/** Why headers are not a valid push for `credentials`, or null when they are. Header names in any case. */
export function pushHeadersProblem(headers: Record<string, string | string[] | undefined> | Headers, credentials: Credentials): string | null {
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase())
    const value = key === undefined ? undefined : headers[key]
    return Array.isArray(value) ? value[0] : value
  }
  const appId = get('appId')
  const timestamp = get('timestamp')
  const version = get('version')
  const sign = get('sign')
  if (!appId || !timestamp || !version || !sign) return `missing header ${['appId', 'timestamp', 'version', 'sign'].filter((h) => !get(h)).join(', ')}`
  if (appId !== credentials.appId) return `appId ${appId} is not ${credentials.appId}`
  const expected = Buffer.from(pushSign(appId, version, timestamp, credentials.appKey))
  const given = Buffer.from(sign.toLowerCase())
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'sign does not match appId + version + timestamp + appKey'
  return null
}

function cipherParts(credentials: PushCredentials): { key: Buffer; iv: Buffer } {
  return { key: sha256(credentials.appKey).subarray(0, 16), iv: sha256(credentials.corpId ?? corpIdOf(credentials.appId)).subarray(0, 16) }
}

/** base64(AES-128-CTR(plaintext)) with the tenant's key and IV. */
export function encryptPushBody(plaintext: string, credentials: PushCredentials): string {
  const { key, iv } = cipherParts(credentials)
  const cipher = createCipheriv('aes-128-ctr', key, iv)
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64')
}

/** The plaintext of a push body (CTR has no padding or tag: a wrong key gives bytes, not an error). */
export function decryptPushBody(body: string, credentials: PushCredentials): string {
  const { key, iv } = cipherParts(credentials)
  const decipher = createDecipheriv('aes-128-ctr', key, iv)
  return Buffer.concat([decipher.update(Buffer.from(body.trim(), 'base64')), decipher.final()]).toString('utf8')
}

/** A message's JSON, in the documented key order (type, noise, msgId, [eventId,] content), noise as its digits. */
export function encodePushMessage(message: PushMessage): string {
  const eventId = message.eventId === undefined ? '' : `,"eventId":${JSON.stringify(message.eventId)}`
  return `{"type":${JSON.stringify(message.type)},"noise":${message.noise.toString()},"msgId":${message.msgId}${eventId},"content":${JSON.stringify(message.content ?? null)}}`
}

/** A message read from its JSON, `noise` kept exact (as a bigint and as the digits sent). */
export interface ReceivedPush {
  readonly type: string
  readonly noise: bigint
  /** The noise as the digits in the message: what an acknowledgement echoes. */
  readonly noiseText: string
  readonly msgId: number
  readonly eventId?: string
  readonly content: unknown
  /** Every top-level property as JSON.parse reads it (noise rounded there: use `noise`). */
  readonly raw: Record<string, unknown>
}

/** Parses a message's JSON; `noise` from its own digits. Throws a SyntaxError for text that is not a message. */
export function parsePushMessage(text: string): ReceivedPush {
  const raw = JSON.parse(text) as unknown
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SyntaxError('a push message is a JSON object')
  const noiseText = topLevelNumberText(text, 'noise')
  if (noiseText === undefined || !/^-?\d+$/.test(noiseText)) throw new SyntaxError('a push message has an integer "noise"')
  const record = raw as Record<string, unknown>
  return {
    type: String(record.type),
    noise: BigInt(noiseText),
    noiseText,
    msgId: Number(record.msgId),
    ...(typeof record.eventId === 'string' ? { eventId: record.eventId } : {}),
    content: record.content,
    raw: record,
  }
}

/** The source text of a top-level property's number value (a scan of the JSON that skips strings and nested values). */
function topLevelNumberText(text: string, name: string): string | undefined {
  let depth = 0
  for (let k = 0; k < text.length; k++) {
    const c = text[k]
    if (c === '"') {
      const end = stringEnd(text, k)
      if (depth === 1 && JSON.parse(text.slice(k, end + 1)) === name) {
        const after = /^\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(end + 1))
        if (after) return after[1]
      }
      k = end
    } else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
  }
  return undefined
}

function stringEnd(text: string, start: number): number {
  for (let k = start + 1; k < text.length; k++) {
    if (text[k] === '\\') k++
    else if (text[k] === '"') return k
  }
  throw new SyntaxError('unterminated string')
}

/** Whether a receiver's answer body acknowledges `noise`: the digits, as a whole number (not part of a longer one). */
export function acknowledges(body: string, noise: bigint, rule: 'contains' | 'exact' = 'contains'): boolean {
  const digits = noise.toString()
  if (rule === 'exact') return body.trim() === digits || body.trim() === `"${digits}"`
  const escaped = digits.replace('-', '\\-')
  return new RegExp(`(^|[^\\d.\\-])${escaped}(?![\\d.])`).test(body)
}
