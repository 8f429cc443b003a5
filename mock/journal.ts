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

  constructor(readonly capacity = 10_000) {}

  record(entry: Omit<JournalEntry, 'seq'>): void {
    const recorded: JournalEntry = { seq: ++this.#seq, ...entry }
    this.#entries.push(recorded)
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

  clear(): void {
    this.#entries = []
  }
}
