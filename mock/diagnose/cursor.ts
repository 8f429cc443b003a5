/**
 * Diagnosis of a cursor that does not decode or does not belong. The cursor's bytes are fixed by the
 * documented format (base64 of 24 bytes: a keyset position, nothing more), so its origin is traced
 * instead through a bounded record of the cursors the fake handed out: cursor text → endpoint, the
 * request's filters (the body without `cursor` and `size`), tenant.
 */
import { CursorError, decodeCursor } from '../protocol/cursor.js'
import { preview } from '../preview.js'

/** Where a cursor was handed out. */
export interface CursorOrigin {
  readonly endpoint: string
  /** The filters of the call that minted it: its body without `cursor` and `size`, keys sorted, as JSON. */
  readonly filters: string
  readonly appId: string
}

/** The cursors a tenant handed out, the newest `capacity` of them. */
export class IssuedCursors {
  readonly #origins = new Map<string, CursorOrigin[]>()

  constructor(readonly capacity = 10_000) {}

  add(cursor: string, origin: CursorOrigin): void {
    const known = this.#origins.get(cursor)
    if (known) {
      if (!known.some((o) => sameOrigin(o, origin))) known.push(origin)
      this.#origins.delete(cursor)
      this.#origins.set(cursor, known.slice(-4))
    } else this.#origins.set(cursor, [origin])
    if (this.#origins.size > this.capacity) this.#origins.delete(this.#origins.keys().next().value!)
  }

  get(cursor: string): readonly CursorOrigin[] {
    return this.#origins.get(cursor) ?? []
  }
}

const sameOrigin = (a: CursorOrigin, b: CursorOrigin) => a.endpoint === b.endpoint && a.filters === b.filters && a.appId === b.appId

/**
 * The filters of a body: without `cursor` and `size`, keys sorted, as JSON (`{}` for a body that is not
 * an object). A value is written by the bounded, never-throwing preview (a body may nest 1,000 levels
 * and be a megabyte: filters are scalars, anything else only has to differ when it differs).
 */
export function filtersOf(body: unknown): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return '{}'
  const entries = Object.entries(body).filter(([k]) => k !== 'cursor' && k !== 'size')
  const sorted = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${sorted.map(([k, v]) => `${JSON.stringify(k)}:${v !== null && typeof v === 'object' ? preview(v, 200) : JSON.stringify(v)}`).join(',')}}`
}

/** Whether a text decodes as a cursor. */
const decodes = (text: string) => {
  try {
    decodeCursor(text)
    return true
  } catch (error) {
    if (error instanceof CursorError) return false
    throw error
  }
}

/** Repairs of a damaged cursor a consumer's HTTP or JSON handling commonly makes. */
function repairs(cursor: string): readonly (readonly [string, string])[] {
  const out: [string, string][] = []
  if (cursor.trim() !== cursor) out.push(['it has surrounding whitespace', cursor.trim()])
  try {
    const decoded = decodeURIComponent(cursor)
    if (decoded !== cursor) out.push(['it is URL-encoded (%2B, %2F, %3D)', decoded])
  } catch {
    // not URL-encoded
  }
  if (/[-_]/.test(cursor)) out.push(['it is base64url (- and _), not standard base64 (+ and /)', cursor.replace(/-/g, '+').replace(/_/g, '/')])
  if (/=+$/.test(cursor)) out.push(['it has base64 padding (=) the format has not', cursor.replace(/=+$/, '')])
  if (cursor.includes(' ')) out.push(['its + signs became spaces (form- or URL-decoded)', cursor.replace(/ /g, '+')])
  if (/^".*"$/.test(cursor)) out.push(['it is JSON-quoted twice', cursor.slice(1, -1)])
  return out
}

export interface CursorCall {
  /** The parsed body of the call (undefined: not JSON). */
  readonly body: unknown
  readonly endpoint: string
  readonly appId: string | null
  /** Whether the call failed (a validation error): an undecodable cursor is only diagnosed then. */
  readonly failed: boolean
}

/**
 * The diagnosis of the call's cursor against the cursors handed out by this tenant (`own`) and the
 * others (`others`), or undefined when the cursor is absent or belongs to this endpoint, these filters
 * and this tenant (or was never seen: a cursor from before a restart, or built by hand).
 */
export function diagnoseCursor(call: CursorCall, own: IssuedCursors, others: readonly IssuedCursors[]): string | undefined {
  const body = call.body
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('cursor' in body)) return undefined
  const cursor = (body as { cursor: unknown }).cursor
  if (typeof cursor !== 'string') {
    if (!call.failed) return undefined
    if (cursor === null) return 'cursor is null: omit the cursor on the first page, and send the previous page\'s nextCursor after'
    return `cursor is ${preview(cursor)}, not a string: send the previous page's nextCursor as it came`
  }
  const filters = filtersOf(body)
  if (decodes(cursor)) return belonging(cursor, { endpoint: call.endpoint, filters, appId: call.appId ?? '' }, own, others)
  if (!call.failed) return undefined
  for (const [what, repaired] of repairs(cursor)) {
    if (!decodes(repaired)) continue
    const origin = belonging(repaired, { endpoint: call.endpoint, filters, appId: call.appId ?? '' }, own, others)
    const issued = [own, ...others].some((r) => r.get(repaired).length > 0)
    return `cursor does not decode: ${what}; repaired it is ${issued ? 'a cursor the fake issued' : 'a valid cursor'}${origin ? `, but ${origin}` : ''}`
  }
  const truncated = cursor.length > 0 && cursor.length < 32 ? ` (${cursor.length} characters: a cursor is 32, so it looks truncated)` : cursor.length > 32 ? ` (${cursor.length} characters: a cursor is 32)` : ''
  return `cursor does not decode: not 24 bytes of standard base64${truncated}; send the previous page's nextCursor unchanged`
}

/** Why a decodable cursor does not belong to this call, or undefined when it does (or is unknown). */
function belonging(cursor: string, here: CursorOrigin, own: IssuedCursors, others: readonly IssuedCursors[]): string | undefined {
  const mine = own.get(cursor)
  if (mine.some((o) => sameOrigin(o, here))) return undefined
  const sameEndpoint = mine.find((o) => o.endpoint === here.endpoint)
  if (sameEndpoint) return `the cursor was issued for other filters: ${sameEndpoint.filters}, now ${here.filters} — a cursor only resumes the sweep that minted it`
  const other = mine[0]
  if (other) return `the cursor was issued by another endpoint: ${other.endpoint}, not ${here.endpoint} — a cursor only resumes the list that minted it`
  for (const registry of others) {
    const theirs = registry.get(cursor)
    const found = theirs.find((o) => o.endpoint === here.endpoint) ?? theirs[0]
    if (found) return `the cursor was issued to another tenant: appId ${found.appId} (${found.endpoint}), not ${here.appId || 'this one'}`
  }
  return undefined
}
