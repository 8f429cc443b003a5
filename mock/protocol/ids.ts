/**
 * The upstream's id layout (docs/upstream.md §5, derived): every Tanma id — customer, company, option,
 * tag — is `(milliseconds since 2015-01-01 00:00:00 UTC+8) << 11 | 64`. The low 11 bits hold 64 in
 * every documented id; we read them as a fixed worker bit plus a 6-bit sequence that keeps two ids
 * minted in the same millisecond apart.
 *
 * Ids stay below 2^53 until the year 2154, so plain JS numbers hold them exactly; later moments
 * cannot be minted (LAST_MINT_MS).
 */

/** 2015-01-01 00:00:00 in Beijing time, as epoch milliseconds. */
export const ID_EPOCH_MS = Date.UTC(2015, 0, 1) - 8 * 3600_000
const SHIFT = 2048 // 2^11
const WORKER_BITS = 64
const MAX_SEQUENCE = 63
/** The last millisecond whose every id is a safe integer (2154-05-15 in Beijing time). */
export const LAST_MINT_MS = ID_EPOCH_MS + Math.floor((Number.MAX_SAFE_INTEGER - WORKER_BITS - MAX_SEQUENCE) / SHIFT)

/** A moment no id can be minted at (before the epoch, or after LAST_MINT_MS). */
export class IdRangeError extends RangeError {
  constructor(message: string) {
    super(message)
    this.name = new.target.name
  }
}

/** The id minted at `epochMs` (with an optional same-millisecond sequence number). */
export function mintId(epochMs: number, sequence = 0): number {
  if (!Number.isInteger(epochMs) || epochMs < ID_EPOCH_MS || epochMs > LAST_MINT_MS) throw new IdRangeError(`cannot mint an id at ${epochMs}: ids are minted from ${ID_EPOCH_MS} (2015-01-01 00:00:00 Beijing) to ${LAST_MINT_MS}`)
  if (sequence < 0 || sequence > MAX_SEQUENCE) throw new RangeError(`id sequence ${sequence} out of range`)
  return (epochMs - ID_EPOCH_MS) * SHIFT + WORKER_BITS + sequence
}

/** The epoch milliseconds at which `id` was minted. */
export function idMintedAt(id: number): number {
  return Math.floor(id / SHIFT) + ID_EPOCH_MS
}

/** Whether `id` has the upstream's layout (positive integer, worker bit set). */
export function isTanmaId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0 && (id % SHIFT) >= WORKER_BITS && (id % SHIFT) <= WORKER_BITS + MAX_SEQUENCE
}

/**
 * Mints ids that never repeat: an id whose millisecond is taken gets the next sequence number,
 * then the next millisecond. Deterministic for a deterministic call order. The ids taken are an
 * open-addressing hash set in one Float64Array (a world of 10M customers mints ~13M ids: a Set of
 * them was ~600 MB of heap and a quarter of the build's time).
 */
export class IdMinter {
  /** Taken ids (0: an empty cell; no id is 0), `#mask + 1` cells, at most half full. */
  #cells: Float64Array
  #mask: number
  #size = 0
  /** No id before this one will be asked for again (forgetBefore): the set may drop them. */
  #floor = 0

  constructor() {
    this.#cells = new Float64Array(1024)
    this.#mask = this.#cells.length - 1
  }

  /**
   * The caller will never again ask for an id at a millisecond before `epochMs`: ids minted before it
   * can leave the set (a world's build mints in nearly ascending time, so the set stays small).
   */
  forgetBefore(epochMs: number): void {
    this.#floor = Math.max(this.#floor, (epochMs - ID_EPOCH_MS) * SHIFT)
  }

  mint(epochMs: number): number {
    for (let ms = epochMs; ; ms++) {
      for (let seq = 0; seq <= MAX_SEQUENCE; seq++) {
        const id = mintId(ms, seq)
        if (this.#add(id)) return id
      }
    }
  }

  /** Records an id minted elsewhere (a fixture) so it is never minted again. */
  reserve(id: number): void {
    this.#add(id)
  }

  /** Takes `id`; false when it was taken already. */
  #add(id: number): boolean {
    const cells = this.#cells
    // The id's millisecond and sequence mixed (ids of neighbouring milliseconds land apart).
    let k = (Math.imul((id / SHIFT) | 0, 0x9e3779b1) ^ Math.imul(id % SHIFT, 0x85ebca77)) & this.#mask
    for (;;) {
      const cell = cells[k]!
      if (cell === id) return false
      if (cell === 0) break
      k = (k + 1) & this.#mask
    }
    cells[k] = id
    if (++this.#size * 2 > cells.length) this.#rehash()
    return true
  }

  /** When half full: the ids still wanted (not before the floor) in a table at most a quarter full. */
  #rehash(): void {
    const old = this.#cells
    const floor = Math.max(1, this.#floor)
    let kept = 0
    for (let k = 0; k < old.length; k++) if (old[k]! >= floor) kept++
    let capacity = old.length
    while (kept * 4 > capacity) capacity *= 2
    this.#cells = new Float64Array(capacity)
    this.#mask = capacity - 1
    this.#size = 0
    for (let k = 0; k < old.length; k++) if (old[k]! >= floor) this.#add(old[k]!)
  }
}
