/**
 * The virtual clock that drives "now": the signature skew check, default creation times of records
 * added through the admin API, and `lastUpdateTime` of changed customers. It follows real time at
 * an offset, or stands still when frozen.
 */
import { formatBeijing } from './protocol/time.js'

export interface ClockState {
  /** Epoch milliseconds. */
  readonly now: number
  /** The same moment as Beijing time. */
  readonly beijing: string
  readonly frozen: boolean
  /** How far the clock is from real time, ms. */
  readonly offsetMs: number
}

export class Clock {
  #offset = 0
  #frozenAt: number | undefined

  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    return this.#frozenAt ?? this.source() + this.#offset
  }

  /** Jumps to a moment (it keeps running from there unless frozen). */
  set(epochMs: number): void {
    if (this.#frozenAt !== undefined) this.#frozenAt = epochMs
    else this.#offset = epochMs - this.source()
  }

  advance(ms: number): void {
    this.set(this.now() + ms)
  }

  freeze(): void {
    this.#frozenAt = this.now()
  }

  unfreeze(): void {
    if (this.#frozenAt === undefined) return
    this.#offset = this.#frozenAt - this.source()
    this.#frozenAt = undefined
  }

  /** Back to real time, running. */
  reset(): void {
    this.#offset = 0
    this.#frozenAt = undefined
  }

  state(): ClockState {
    const now = this.now()
    return { now, beijing: formatBeijing(Math.floor(now / 1000)), frozen: this.#frozenAt !== undefined, offsetMs: now - this.source() }
  }
}
