/**
 * Diagnosis of a 1002 (the sign does not match): which known consumer mistake reproduces the sign
 * the consumer sent. One mistake at a time — re-serialised body, seconds in the sign, another key,
 * another tenant's credentials, upper-case hex, the parts in another order, `{}` for an empty body
 * or the reverse — tried against the exact bytes the fake received. Never echoes an appKey.
 */
import { createHash } from 'node:crypto'
import { DEMO_CREDENTIALS } from '../options.js'
import { computeSign, type Credentials } from '../protocol/signing.js'
import { clip } from '../preview.js'

/** Characters of a snippet shown around a difference. */
const SNIPPET = 24
/** Bodies above this many bytes are not re-serialised nor tried in other orders (the search stays cheap). */
const RESERIALISE_LIMIT = 256 * 1024

type HeaderSource = { get(name: string): string | null }

export interface SignatureFacts {
  readonly headers: HeaderSource
  /** The body exactly as received. */
  readonly body: Uint8Array
  /** The appKey of the appId the request named. */
  readonly appKey: string
  /** Every tenant's credentials (this one included). */
  readonly tenants: readonly Credentials[]
  /** Whether upper-case hex is accepted (signCase any). */
  readonly anyCase: boolean
}

/** Re-serialisations a consumer's JSON library might produce after signing. */
function reserialisations(text: string): readonly (readonly [string, string])[] {
  const trimmed = text.trim()
  if (trimmed === '') return [['the body "{}" (an empty body was signed as {})', '{}']]
  const out: [string, string][] = []
  if (trimmed === '{}') out.push(['an empty body (the body {} was signed as "")', ''])
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return out
  }
  try {
    return [...out, ...reformatted(value)]
  } catch (error) {
    // Nested deeper than the stack allows (the depth limit is checked after the signature): not tried.
    if (error instanceof RangeError) return out
    throw error
  }
}

/** The re-serialisations of a parsed body. */
function reformatted(value: unknown): readonly (readonly [string, string])[] {
  const ascii = (s: string) => s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v
  const compact = JSON.stringify(value)
  const python = pythonDumps(value)
  return [
    ['JSON.stringify(JSON.parse(body)) (compact re-serialisation)', compact],
    ['the body with sorted keys', JSON.stringify(sorted(value))],
    ['the body indented by 2 spaces', JSON.stringify(value, null, 2)],
    ['the body indented by 4 spaces', JSON.stringify(value, null, 4)],
    ['the body with non-ASCII escaped as \\uXXXX', ascii(compact)],
    ['Python json.dumps(body) (separators ", " and ": ", ensure_ascii)', ascii(python)],
    ['Python json.dumps(body, ensure_ascii=False) (separators ", " and ": ")', python],
    ['Python json.dumps(body, sort_keys=True)', ascii(pythonDumps(sorted(value)))],
  ]
}

/** Python's json.dumps with its default separators (", ", ": "), before ensure_ascii. */
function pythonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonDumps).join(', ')}]`
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pythonDumps(v)}`).join(', ')}}`
  return JSON.stringify(value)
}

/** Where two texts first differ, with a snippet of each from a little before it. */
export function firstDifference(sent: string, signed: string): string {
  let i = 0
  while (i < sent.length && i < signed.length && sent[i] === signed[i]) i++
  const from = Math.max(0, i - 8)
  const snippet = (s: string) => JSON.stringify(s.slice(from, from + SNIPPET)) + (s.length > from + SNIPPET ? '…' : '')
  return `first difference at character ${i}: sent ${snippet(sent)}, signed ${snippet(signed)}`
}

const ORDER_NAMES = ['appId', 'timestamp', 'body', 'appKey'] as const

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()]
  return items.flatMap((item, k) => permutations([...items.slice(0, k), ...items.slice(k + 1)]).map((rest) => [item, ...rest]))
}

const sha = (parts: readonly (string | Uint8Array)[]) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest('hex')
}

/** The diagnosis of a sign that does not match; always an answer (the fallback names what the fake signed). */
export function diagnoseSignature(facts: SignatureFacts): string {
  const appId = facts.headers.get('appId') ?? ''
  const timestamp = facts.headers.get('timestamp') ?? ''
  const sent = facts.headers.get('sign') ?? ''
  const given = sent.toLowerCase()
  const upper = given !== sent
  const caseNote = upper && !facts.anyCase ? '; the sign is also in upper-case hex, which the fake refuses (signCase lower)' : ''
  const { body, appKey } = facts
  const matches = (sign: string) => sign === given
  const others = facts.tenants.filter((t) => t.appId !== appId)

  // Upper-case hex of the right digest.
  if (matches(computeSign(appId, timestamp, body, appKey))) {
    return `upper-case hex: the sign is the right digest in upper case; the fake takes lowercase hex only (signCase lower, as the documented rule computes it)`
  }

  // The body re-serialised after signing (or an empty body signed as {} and the reverse).
  if (body.byteLength <= RESERIALISE_LIMIT) {
    const text = Buffer.from(body).toString('utf8')
    for (const [name, variant] of reserialisations(text)) {
      if (variant !== text && matches(computeSign(appId, timestamp, variant, appKey))) {
        return `the body was re-serialised after signing: the sign is over ${name}, not the bytes sent; ${firstDifference(text, variant)}. Sign the exact bytes you send${caseNote}`
      }
    }
  }

  // Seconds instead of milliseconds in the sign.
  if (/^\d+$/.test(timestamp)) {
    const seconds = String(Math.floor(Number(timestamp) / 1000))
    if (matches(computeSign(appId, seconds, body, appKey))) {
      return `timestamp in seconds in the sign: the header has ${timestamp} (ms) but the sign was computed with ${seconds} (seconds); sign the same milliseconds you send${caseNote}`
    }
  }

  // Another key with the right appId.
  const headerKey = facts.headers.get('appKey')
  const keyNote = headerKey === null ? '' : headerKey === appKey ? ' (the appKey header you sent is the right key, but the sign was not made with it)' : ` (the appKey header you sent is ${describeKey(headerKey, facts)})`
  const keys: [string, string][] = [
    ...others.map((t): [string, string] => [t.appKey, `another tenant's appKey (tenant appId ${t.appId})`]),
    [DEMO_CREDENTIALS.appKey, 'the demo appKey (tanma-mock\'s default)'],
    [appId, 'the appId used as the appKey'],
    ['', 'an empty appKey'],
  ]
  if (headerKey !== null && headerKey !== appKey && !keys.some(([k]) => k === headerKey)) keys.push([headerKey, "the appKey header's value (not this appId's key)"])
  for (const [key, name] of keys) {
    if (key !== appKey && matches(computeSign(appId, timestamp, body, key))) return `signed with another key: ${name}, not the key of appId ${appId}${keyNote}${caseNote}`
  }

  // Another tenant's appId (with its key, or with this key), or the demo credentials.
  const identities: Credentials[] = [...others, ...(facts.tenants.some((t) => t.appId === DEMO_CREDENTIALS.appId) ? [] : [DEMO_CREDENTIALS])]
  for (const other of identities) {
    const who = other.appId === DEMO_CREDENTIALS.appId && !facts.tenants.some((t) => t.appId === other.appId) ? `the demo credentials (appId ${other.appId})` : `tenant ${other.appId}`
    if (matches(computeSign(other.appId, timestamp, body, other.appKey))) return `signed as ${who} (its appId and appKey) but sent with the appId header ${appId}${caseNote}`
    if (matches(computeSign(other.appId, timestamp, body, appKey))) return `the sign uses the appId of ${who} with this appId's key; the appId header is ${appId}${caseNote}`
  }

  // The four parts in another order.
  const parts = { appId, timestamp, body, appKey } as const
  for (const order of body.byteLength <= RESERIALISE_LIMIT ? permutations(ORDER_NAMES).slice(1) : []) {
    if (matches(sha(order.map((name) => parts[name])))) return `parts in the wrong order: the sign is over ${order.join(' + ')}; the rule is appId + timestamp + body + appKey${caseNote}`
  }

  const shown = clip(Buffer.from(body).toString('utf8'), 200)
  return `no known mistake reproduces it; the fake signed appId + timestamp + body + appKey = ${JSON.stringify(appId)} + ${JSON.stringify(timestamp)} + ${JSON.stringify(shown)} + '<appKey>' (lowercase hex SHA-256)${caseNote}`
}

/** Names a key without showing it. */
function describeKey(key: string, facts: SignatureFacts): string {
  const tenant = facts.tenants.find((t) => t.appKey === key)
  if (tenant) return `the appKey of tenant ${tenant.appId}`
  if (key === DEMO_CREDENTIALS.appKey) return 'the demo appKey'
  return 'no known key'
}
