/**
 * The virtual clock that drives "now": the signature skew check, default creation times of records
 * added through the admin API, and `lastUpdateTime` of changed customers. It follows real time at
 * an offset, or stands still when frozen.
 */
import { ID_EPOCH_MS, LAST_MINT_MS } from './protocol/ids.js'
import { BEIJING_RANGE_SEC, formatBeijing } from './protocol/time.js'

export interface ClockState {
  /** Epoch milliseconds. */
  readonly now: number
  /** The same moment as Beijing time. */
  readonly beijing: string
  readonly frozen: boolean
  /** How far the clock is from real time, ms. */
  readonly offsetMs: number
}

/**
 * The moments the clock may show, epoch ms: from the id epoch (2015-01-01 00:00:00 Beijing; no id
 * can be minted earlier) to the last moment both an id and the wire's `yyyy-MM-dd HH:mm:ss` can
 * express (ids run out first, on 2154-05-15 Beijing time). A record added "now" needs both.
 */
export const CLOCK_RANGE_MS = {
  first: ID_EPOCH_MS,
  last: Math.min(LAST_MINT_MS, BEIJING_RANGE_SEC.last * 1000 + 999),
} as const

/** A clock change that would leave the clock outside CLOCK_RANGE_MS; `field` is the part of the change at fault. */
export class ClockRangeError extends RangeError {
  constructor(
    readonly field: string,
    readonly epochMs: number,
  ) {
    super(`${field}: the clock would show ${Number.isFinite(epochMs) ? epochMs : String(epochMs)}, outside ${CLOCK_RANGE_MS.first} (${describe(CLOCK_RANGE_MS.first)}) to ${CLOCK_RANGE_MS.last} (${describe(CLOCK_RANGE_MS.last)}), the moments ids and times can express`)
    this.name = new.target.name
  }
}

const describe = (ms: number) => `${formatBeijing(Math.floor(ms / 1000))} Beijing`

/** Whether the clock may show `epochMs`. */
export function inClockRange(epochMs: number): boolean {
  return Number.isInteger(epochMs) && epochMs >= CLOCK_RANGE_MS.first && epochMs <= CLOCK_RANGE_MS.last
}

/** One change to the clock, applied in this order: reset, freeze, set, advanceMs, unfreeze (freeze: false). */
export interface ClockChangeSteps {
  readonly reset?: boolean
  readonly freeze?: boolean
  /** Epoch ms. */
  readonly set?: number
  readonly advanceMs?: number
}

export class Clock {
  #offset = 0
  #frozenAt: number | undefined
  readonly #listeners = new Set<(state: ClockState) => void>()

  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    return this.#frozenAt ?? this.source() + this.#offset
  }

  /** Jumps to a moment (it keeps running from there unless frozen); a ClockRangeError outside CLOCK_RANGE_MS. */
  set(epochMs: number): void {
    this.#set(epochMs)
    this.#changed()
  }

  #set(epochMs: number): void {
    if (!inClockRange(epochMs)) throw new ClockRangeError('set', epochMs)
    if (this.#frozenAt !== undefined) this.#frozenAt = epochMs
    else this.#offset = epochMs - this.source()
  }

  advance(ms: number): void {
    const to = this.now() + ms
    if (!inClockRange(to)) throw new ClockRangeError('advanceMs', to)
    this.set(to)
  }

  freeze(): void {
    this.#frozenAt = this.now()
    this.#changed()
  }

  unfreeze(): void {
    if (this.#frozenAt === undefined) return
    this.#offset = this.#frozenAt - this.source()
    this.#frozenAt = undefined
    this.#changed()
  }

  /** Back to real time, running. */
  reset(): void {
    this.#offset = 0
    this.#frozenAt = undefined
    this.#changed()
  }

  /**
   * Calls `listener` after every change of the clock (set, advance, freeze, unfreeze, reset, apply:
   * once per change that moves or stops it), synchronously, with the new state; answers a function that unsubscribes.
   * The pushes' retries (mock/push/delivery.ts) fire from here when the clock reaches them.
   */
  onChange(listener: (state: ClockState) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #changed(): void {
    if (this.#listeners.size === 0) return
    const state = this.state()
    for (const listener of [...this.#listeners]) listener(state)
  }

  /**
   * Applies a whole change or none of it: the steps run on a copy first, and a step that would
   * leave the clock out of range throws a ClockRangeError naming it, the clock unchanged.
   */
  apply(change: ClockChangeSteps): void {
    const trial = new Clock(this.source)
    trial.#offset = this.#offset
    trial.#frozenAt = this.#frozenAt
    if (change.reset) trial.reset()
    if (change.freeze === true) trial.freeze()
    if (change.set !== undefined) trial.set(change.set)
    if (change.advanceMs !== undefined) trial.advance(change.advanceMs)
    if (change.freeze === false) trial.unfreeze()
    // A change that changes nothing (GET /__mock/clock reads through here) tells no listener.
    if (this.#offset === trial.#offset && this.#frozenAt === trial.#frozenAt) return
    this.#offset = trial.#offset
    this.#frozenAt = trial.#frozenAt
    this.#changed()
  }

  state(): ClockState {
    const now = this.now()
    return { now, beijing: formatBeijing(Math.floor(now / 1000)), frozen: this.#frozenAt !== undefined, offsetMs: now - this.source() }
  }
}
