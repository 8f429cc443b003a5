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
  /** Virtual-clock time the request came in (before its answer was worked out), epoch ms. */
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

/**
 * What a request carried and what it was answered, as the pipeline hands it to record(): references
 * only (nothing is copied per request but the first DETAIL_BYTES of each body, into a slot reused).
 */
export interface RequestDetail {
  readonly headers: HeaderList
  readonly body?: Uint8Array | undefined
  /** None when no answer was sent (a reset, a hang). */
  readonly answer?: AnswerBytes | undefined
}

/** An answer's bytes: whole, or the pieces a page is written from (joined only when sent). */
export type AnswerBytes = Uint8Array | readonly Uint8Array[]

/** Headers as a journal keeps them: Fetch's Headers, or the host's view of a Node request's. */
export interface HeaderList {
  forEach(callback: (value: string, name: string) => void): void
}

/** A request's detail as JSON: the texts decoded (a cut multi-byte character as U+FFFD), with their full lengths. */
export interface RequestDetailView {
  readonly entry: JournalEntry
  readonly request: { readonly headers: Record<string, string>; readonly body: string; readonly bytes: number; readonly truncated: boolean }
  readonly answer: { readonly body: string; readonly bytes: number; readonly truncated: boolean } | null
}

export const requestDetail = (headers: HeaderList, body: Uint8Array | undefined, answer: AnswerBytes | undefined): RequestDetail => ({ headers, body, answer })

/** One kept detail: its buffers allocated once and reused as the ring wraps. */
interface DetailSlot {
  seq: number
  headers: HeaderList
  readonly body: Uint8Array
  bodyBytes: number
  readonly answer: Uint8Array
  /** -1: no answer. */
  answerBytes: number
}

const lenient = new TextDecoder('utf-8')

/** Headers as a record, each value cut at 500 characters. */
function headerRecord(headers: HeaderList): Record<string, string> {
  const record: Record<string, string> = {}
  headers.forEach((value, name) => void (record[name] = value.length > 500 ? `${value.slice(0, 500)}…` : value))
  return record
}

export const VERDICT_OF: Partial<Record<ErrorKind, SignatureVerdict>> = {
  missingCredentials: 'missing',
  unknownAppId: 'unknown-app',
  badTimestamp: 'bad-timestamp',
  staleTimestamp: 'stale-timestamp',
  badSignature: 'mismatch',
}

export class Journal {
  #entries: JournalEntry[] = []
  /** Entries before this index are dropped: the array is compacted once they are as many as the kept ones (a splice per request would move the whole journal each time). */
  #seq = 0
  /** The cursors handed out (cursor → endpoint, filters, tenant), to trace a misplaced one; kept by clear(). */
  readonly cursors = new IssuedCursors()
  #dropped = 0
  readonly #listeners = new Set<(entry: JournalEntry) => void>()
  /** The latest requests' details: a ring of at most min(DETAIL_CAPACITY, capacity) slots. */
  readonly #slots: DetailSlot[] = []
  #nextSlot = 0

  constructor(readonly capacity = 10_000) {}

  /** Whether a detail given to record() is kept (the journal keeps entries): build one only then. */
  get keepsDetails(): boolean {
    return this.capacity > 0
  }

  record(entry: Omit<JournalEntry, 'seq'>, detail?: RequestDetail): void {
    const recorded: JournalEntry = { seq: ++this.#seq, ...entry }
    this.#entries.push(recorded)
    if (detail && this.keepsDetails) this.#keep(recorded.seq, detail)
    // The oldest go in batches, not one per request (each removal moves the whole array): the bound
    // is exact wherever the entries are read (list, dropped).
    if (this.#entries.length > this.capacity + Math.max(64, this.capacity >> 3)) this.#trim()
    if (this.#listeners.size === 0) return
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
    this.#trim()
    return this.#dropped
  }

  list(): readonly JournalEntry[] {
    this.#trim()
    return this.#entries
  }

  /** Drops the oldest entries beyond the bound. */
  #trim(): void {
    const over = this.#entries.length - this.capacity
    if (over <= 0) return
    this.#dropped += over
    this.#entries.splice(0, over)
  }

  /** Copies the first DETAIL_BYTES of the body and the answer into the next slot (allocated the first time round only). */
  #keep(seq: number, { headers, body, answer }: RequestDetail): void {
    let slot = this.#slots[this.#nextSlot]
    if (!slot) this.#slots.push((slot = { seq, headers, body: new Uint8Array(DETAIL_BYTES), bodyBytes: 0, answer: new Uint8Array(DETAIL_BYTES), answerBytes: -1 }))
    this.#nextSlot = (this.#nextSlot + 1) % Math.min(DETAIL_CAPACITY, this.capacity)
    slot.seq = seq
    slot.headers = headers
    slot.bodyBytes = body?.byteLength ?? 0
    if (body) slot.body.set(body.subarray(0, DETAIL_BYTES))
    if (answer === undefined) slot.answerBytes = -1
    else if (answer instanceof Uint8Array) {
      slot.answerBytes = answer.byteLength
      slot.answer.set(answer.subarray(0, DETAIL_BYTES))
    } else {
      // A page's pieces: the first DETAIL_BYTES copied across them, the whole length counted.
      let bytes = 0
      for (const piece of answer) {
        if (bytes < DETAIL_BYTES) slot.answer.set(piece.subarray(0, DETAIL_BYTES - bytes), bytes)
        bytes += piece.byteLength
      }
      slot.answerBytes = bytes
    }
  }

  /** Entry `seq` with what it carried and was answered; undefined when it is gone, or its detail was not kept (older than the latest DETAIL_CAPACITY). */
  detail(seq: number): RequestDetailView | undefined {
    this.#trim()
    const detail = this.#slots.find((slot) => slot.seq === seq)
    if (!detail) return undefined
    let entry: JournalEntry | undefined
    for (let k = this.#entries.length - 1; k >= 0 && !entry; k--) if (this.#entries[k]!.seq === seq) entry = this.#entries[k]
    if (!entry) return undefined
    return {
      entry,
      request: { headers: headerRecord(detail.headers), body: lenient.decode(detail.body.subarray(0, detail.bodyBytes)), bytes: detail.bodyBytes, truncated: detail.bodyBytes > DETAIL_BYTES },
      answer: detail.answerBytes < 0 ? null : { body: lenient.decode(detail.answer.subarray(0, detail.answerBytes)), bytes: detail.answerBytes, truncated: detail.answerBytes > DETAIL_BYTES },
    }
  }

  clear(): void {
    // Entries past the bound were dropped before the clear (the bound trims in batches): counted as such.
    this.#trim()
    this.#entries = []
    this.#slots.length = 0
    this.#nextSlot = 0
  }
}
