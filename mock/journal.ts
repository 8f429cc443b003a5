/**
 * The request journal: one entry per request to an upstream path, so a test can assert "every call
 * was signed" or "the consumer paged to the end". Bounded: the oldest entries go first.
 */
import type { ErrorKind } from './protocol/errors.js'
import { IssuedCursors } from './diagnose/cursor.js'

export type SignatureVerdict = 'valid' | 'missing' | 'unknown-app' | 'bad-timestamp' | 'stale-timestamp' | 'mismatch' | 'not-checked'

export interface JournalEntry {
  readonly seq: number
  /** The request's id: in every log line of the request and in its `x-request-id` response header. */
  readonly requestId: string
  /** Virtual-clock time of the request, epoch ms. */
  readonly time: number
  readonly method: string
  readonly path: string
  /** The endpoint's path ending, when the path matched one. */
  readonly endpoint: string | null
  readonly appId: string | null
  readonly signature: SignatureVerdict
  /** The envelope's code (0 on success); null when no envelope was sent (a transport fault, a gateway page). */
  readonly code: number | null
  /** HTTP status; 0 when the connection was reset or left hanging. */
  readonly status: number
  /** Ids of the fault rules that hit this request. */
  readonly faults?: readonly string[]
  /** Latency a fault added, ms. */
  readonly delayMs?: number
  /** For list endpoints: the page size used, the items returned, the cursor handed out. */
  readonly size?: number
  readonly items?: number
  readonly nextCursor?: string | null
  /** The cursor the request came with. */
  readonly cursor?: string | null
  /** How many items of the window came before this page. */
  readonly offset?: number
  /** Body properties the endpoint does not know (ignored, or refused with `strictBody`): the first few names. */
  readonly unknownProperties?: readonly string[]
  /**
   * Why the call failed, in the vendor's terms (mock/diagnose/*): which known mistake reproduces a
   * 1002's sign, a 1003's skew, the endpoint closest to an unknown path, where a cursor came from.
   * Also on a call that succeeded with a cursor minted for another list, filters or tenant.
   */
  readonly diagnosis?: string
  /** A validation error (40000): the top-level request field it names, when it names one. */
  readonly field?: string
  /** The answer's `data` was empty (`[]` or `null`) — list pages say it by `items: 0`. */
  readonly emptyData?: boolean
  /** A hash of the body bytes, kept while fault rules are in force (coverage: was the failed request repeated?). */
  readonly bodyHash?: string
  /** For cursor lists: how many world changes the tenant had seen when the page was served (coverage: a sweep during writes). */
  readonly worldChanges?: number
}

/** What an endpoint tells the journal about the request and its answer. */
export interface PageNote {
  offset?: number
  size?: number
  items?: number
  nextCursor?: string | null
  cursor?: string | null
  unknownProperties?: readonly string[]
  field?: string
  emptyData?: boolean
  bodyHash?: string
  worldChanges?: number
}

/** Requests whose headers, body and answer the journal keeps (the latest; GET /__mock/requests/<seq>). */
export const DETAIL_CAPACITY = 200
/** Bytes of a request body or an answer kept per request. */
export const DETAIL_BYTES = 4096

/** What a request carried and what it was answered, bounded (the first DETAIL_BYTES of each body). */
export interface RequestDetail {
  readonly headers: Record<string, string>
  /** The body's first DETAIL_BYTES, copied (the request's own bytes are not kept). */
  readonly body?: Uint8Array
  readonly bodyBytes: number
  /** The answer's first DETAIL_BYTES; none when no answer was sent (a reset, a hang). */
  readonly answer?: Uint8Array
  readonly answerBytes: number
}

/** A request's detail as JSON: the texts decoded (a cut multi-byte character as U+FFFD), with their full lengths. */
export interface RequestDetailView {
  readonly entry: JournalEntry
  readonly request: { readonly headers: Record<string, string>; readonly body: string; readonly bytes: number; readonly truncated: boolean }
  readonly answer: { readonly body: string; readonly bytes: number; readonly truncated: boolean } | null
}

/** The detail of one request: its headers, and copies of the first DETAIL_BYTES of its body and answer. */
export function requestDetail(headers: Headers, body: Uint8Array | undefined, answer: Uint8Array | undefined): RequestDetail {
  const head: Record<string, string> = {}
  headers.forEach((value, name) => void (head[name] = value.length > 500 ? `${value.slice(0, 500)}…` : value))
  const copy = (bytes: Uint8Array) => bytes.slice(0, DETAIL_BYTES)
  return { headers: head, bodyBytes: body?.byteLength ?? 0, answerBytes: answer?.byteLength ?? 0, ...(body ? { body: copy(body) } : {}), ...(answer ? { answer: copy(answer) } : {}) }
}

const lenient = new TextDecoder('utf-8')

export const VERDICT_OF: Partial<Record<ErrorKind, SignatureVerdict>> = {
  missingCredentials: 'missing',
  unknownAppId: 'unknown-app',
  badTimestamp: 'bad-timestamp',
  staleTimestamp: 'stale-timestamp',
  badSignature: 'mismatch',
}

export class Journal {
  #entries: JournalEntry[] = []
  #seq = 0
  /** The cursors handed out (cursor → endpoint, filters, tenant), to trace a misplaced one; kept by clear(). */
  readonly cursors = new IssuedCursors()
  #dropped = 0
  readonly #listeners = new Set<(entry: JournalEntry) => void>()
  /** The latest requests' details, by seq, oldest first (a Map keeps insertion order). */
  readonly #details = new Map<number, RequestDetail>()

  constructor(readonly capacity = 10_000) {}

  /** Whether a detail given to record() is kept (the journal keeps entries): build one only then. */
  get keepsDetails(): boolean {
    return this.capacity > 0
  }

  record(entry: Omit<JournalEntry, 'seq'>, detail?: RequestDetail): void {
    const recorded: JournalEntry = { seq: ++this.#seq, ...entry }
    this.#entries.push(recorded)
    if (detail && this.keepsDetails) {
      this.#details.set(recorded.seq, detail)
      if (this.#details.size > Math.min(DETAIL_CAPACITY, this.capacity)) this.#details.delete(this.#details.keys().next().value!)
    }
    if (this.#entries.length > this.capacity) {
      const over = this.#entries.length - this.capacity
      this.#dropped += over
      this.#entries.splice(0, over)
    }
    for (const listener of [...this.#listeners]) {
      try {
        listener(recorded)
      } catch {
        // a listener's failure is its own: the request is journaled and answered all the same
      }
    }
  }

  /**
   * Calls `listener` with every entry once it is recorded, synchronously; answers a function that
   * unsubscribes (the live stream, mock/admin/stream.ts).
   */
  onEntry(listener: (entry: JournalEntry) => void): () => void {
    this.#listeners.add(listener)
    return () => void this.#listeners.delete(listener)
  }

  /** The seq of the latest entry recorded (0: none yet); clear() keeps it, so seqs are never given twice. */
  get lastSeq(): number {
    return this.#seq
  }

  /** How many `onEntry` listeners are subscribed. */
  get listenerCount(): number {
    return this.#listeners.size
  }

  /** Entries the bound (`journalSize`) dropped since the fake started (cleared ones do not count). */
  get dropped(): number {
    return this.#dropped
  }

  list(): readonly JournalEntry[] {
    return this.#entries
  }

  /** Entry `seq` with what it carried and was answered; undefined when it is gone, or its detail was not kept (older than the latest DETAIL_CAPACITY). */
  detail(seq: number): RequestDetailView | undefined {
    const detail = this.#details.get(seq)
    if (!detail) return undefined
    let entry: JournalEntry | undefined
    for (let k = this.#entries.length - 1; k >= 0 && !entry; k--) if (this.#entries[k]!.seq === seq) entry = this.#entries[k]
    if (!entry) return undefined
    return {
      entry,
      request: { headers: detail.headers, body: detail.body ? lenient.decode(detail.body) : '', bytes: detail.bodyBytes, truncated: detail.bodyBytes > DETAIL_BYTES },
      answer: detail.answer ? { body: lenient.decode(detail.answer), bytes: detail.answerBytes, truncated: detail.answerBytes > DETAIL_BYTES } : null,
    }
  }

  clear(): void {
    this.#entries = []
    this.#details.clear()
  }
}
