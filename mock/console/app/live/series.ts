/**
 * The live page's time series (pure, no DOM): requests per second and the error codes over time,
 * counted from request journal entries (the journal's window first, then the stream's `request`
 * events) per second of the fake's virtual clock (`entry.time`, the clock the consumer's requests are
 * signed against: a frozen clock puts every request in one second). Only the last `windowSec`
 * seconds before the latest entry are kept; the chart shows each of them, a quiet second as 0.
 */

/** What the series read of a journal entry (mock/journal.ts). */
export interface SeriesEntry {
  readonly seq: number
  /** Virtual clock, epoch ms. */
  readonly time: number
  /** The envelope's code; null when no envelope was sent. */
  readonly code: number | null
  /** HTTP status; 0 when there was no answer. */
  readonly status: number
}

/** uPlot's columns: seconds (epoch s), requests per second, then one column per error label. */
export interface SeriesData {
  readonly seconds: number[]
  readonly total: number[]
  readonly errors: { readonly label: string; readonly counts: number[] }[]
}

/** An entry's error label: its code (`1002`, `-1`), `HTTP 502` without an envelope, `no answer` without a status; undefined for a success. */
export function errorLabel(entry: Pick<SeriesEntry, 'code' | 'status'>): string | undefined {
  if (entry.code === 0) return undefined
  if (entry.code !== null) return String(entry.code)
  return entry.status === 0 ? 'no answer' : `HTTP ${entry.status}`
}

/** Seconds the series spans at least (within its window). */
export const MIN_SPAN_SEC = 60

export class RequestSeries {
  /** Per second: the count, and the count per error label. */
  readonly #seconds = new Map<number, { total: number; errors: Map<string, number> }>()
  readonly #seen = new Set<number>()
  #latest = -Infinity

  constructor(readonly windowSec = 300) {}

  /** Counts an entry once (a seq seen again — the journal's window and the stream overlap — is skipped). */
  add(entry: SeriesEntry): void {
    if (this.#seen.has(entry.seq)) return
    this.#seen.add(entry.seq)
    const second = Math.floor(entry.time / 1000)
    if (second <= this.#latest - this.windowSec) return
    let bucket = this.#seconds.get(second)
    if (!bucket) this.#seconds.set(second, (bucket = { total: 0, errors: new Map() }))
    bucket.total++
    const label = errorLabel(entry)
    if (label !== undefined) bucket.errors.set(label, (bucket.errors.get(label) ?? 0) + 1)
    if (second > this.#latest) {
      this.#latest = second
      for (const s of this.#seconds.keys()) if (s <= second - this.windowSec) this.#seconds.delete(s)
      if (this.#seen.size > 4 * this.windowSec * 1000) this.#seen.clear() // bounded; a replay that old falls out of the window anyway
    }
  }

  /** Every second of the window up to the latest entry's, from the first entry's or a minute before the latest (whichever is earlier), with their counts. */
  data(): SeriesData {
    if (this.#seconds.size === 0) return { seconds: [], total: [], errors: [] }
    // At least the last minute (of the window): a lone second would be a dot on an axis of years.
    const first = Math.max(this.#latest - this.windowSec + 1, Math.min(this.#latest - MIN_SPAN_SEC + 1, ...this.#seconds.keys()))
    const seconds: number[] = []
    for (let s = first; s <= this.#latest; s++) seconds.push(s)
    const labels = [...new Set([...this.#seconds.values()].flatMap((b) => [...b.errors.keys()]))].sort()
    return {
      seconds,
      total: seconds.map((s) => this.#seconds.get(s)?.total ?? 0),
      errors: labels.map((label) => ({ label, counts: seconds.map((s) => this.#seconds.get(s)?.errors.get(label) ?? 0) })),
    }
  }
}
