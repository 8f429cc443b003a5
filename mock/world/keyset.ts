/**
 * The keyset index behind cursor paging: follow relations as columns (one slot per relation), and
 * lists of slots kept in (creation second, nanos, relation id) order — one for all relations and
 * one per filter (type, member, member × type). A page is two binary searches and a slice:
 * O(log n + page), whatever the world's size.
 */
import type { RelationKey } from '../protocol/cursor.js'

/** A copy of a typed array with room for `capacity` elements. */
export function grow<T extends Float64Array | Int32Array | Uint8Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (n: number) => T)(capacity)
  next.set(array)
  return next
}

/** Relation columns, indexed by slot. */
export class RelationTable {
  sec = new Float64Array(16)
  nanos = new Int32Array(16)
  id = new Float64Array(16)
  /** The customer's index in the world. */
  customer = new Int32Array(16)
  /** The follower's index in the world's member list. */
  member = new Int32Array(16)
  /** The customer's type (1 or 2), denormalised for the type filters. */
  type = new Uint8Array(16)
  length = 0

  push(sec: number, nanos: number, id: number, customer: number, member: number, type: number): number {
    if (this.length === this.sec.length) this.#reserve(this.length * 2)
    const slot = this.length++
    this.sec[slot] = sec
    this.nanos[slot] = nanos
    this.id[slot] = id
    this.customer[slot] = customer
    this.member[slot] = member
    this.type[slot] = type
    return slot
  }

  reserve(capacity: number): void {
    if (capacity > this.sec.length) this.#reserve(capacity)
  }

  #reserve(capacity: number): void {
    this.sec = grow(this.sec, capacity)
    this.nanos = grow(this.nanos, capacity)
    this.id = grow(this.id, capacity)
    this.customer = grow(this.customer, capacity)
    this.member = grow(this.member, capacity)
    this.type = grow(this.type, capacity)
  }

  /** Swaps what two slots hold. */
  swap(a: number, b: number): void {
    swapIn(this.sec, a, b)
    swapIn(this.nanos, a, b)
    swapIn(this.id, a, b)
    swapIn(this.customer, a, b)
    swapIn(this.member, a, b)
    swapIn(this.type, a, b)
  }

  /**
   * Puts slots [0, length) in key order — (sec, nanos), ties kept in slot order — when every sec is
   * in [minSec, maxSec]. The seconds are radix-sorted (stable passes of 16 bits, each key carried
   * along so every read is sequential), then each run of one second by nanos. A comparison sort of
   * 15M relations took ~10 s. `pause` between steps hands the event loop back (a server answers meanwhile).
   */
  async sortByKey(minSec: number, maxSec: number, pause: () => Promise<void> = async () => {}): Promise<void> {
    const count = this.length
    const range = Math.max(1, maxSec - minSec)
    const Keys = range < 2 ** 32 ? Uint32Array : Float64Array
    let order = new Int32Array(count)
    let keys = new Keys(count)
    for (let k = 0; k < count; k++) {
      order[k] = k
      keys[k] = this.sec[k]! - minSec
    }
    let spareOrder = new Int32Array(count)
    let spareKeys = new Keys(count)
    for (let div = 1; div <= range; div *= DIGITS) {
      const counts = new Int32Array(DIGITS + 1)
      for (let k = 0; k < count; k++) counts[((keys[k]! / div) & DIGIT_MASK) + 1]!++
      for (let d = 1; d <= DIGITS; d++) counts[d]! += counts[d - 1]!
      for (let k = 0; k < count; k++) {
        const at = counts[(keys[k]! / div) & DIGIT_MASK]!++
        spareOrder[at] = order[k]!
        spareKeys[at] = keys[k]!
      }
      ;[order, spareOrder, keys, spareKeys] = [spareOrder, order, spareKeys, keys]
      await pause()
    }
    // Let the spares go before the columns are copied.
    spareOrder = new Int32Array(0)
    spareKeys = new Keys(0)
    const nanos = this.nanos
    for (let start = 0; start < count; ) {
      let end = start + 1
      while (end < count && keys[end] === keys[start]) end++
      // A second's few relations, by nanos (insertion: stable).
      for (let k = start + 1; k < end; k++) {
        const slot = order[k]!
        let at = k
        for (; at > start && nanos[order[at - 1]!]! > nanos[slot]!; at--) order[at] = order[at - 1]!
        order[at] = slot
      }
      start = end
    }
    await pause()
    const by = <T extends Float64Array | Int32Array | Uint8Array>(column: T): T => {
      const next = new (column.constructor as new (n: number) => T)(column.length)
      for (let p = 0; p < count; p++) next[p] = column[order[p]!]!
      return next
    }
    const sec = new Float64Array(this.sec.length)
    for (let p = 0; p < count; p++) sec[p] = keys[p]! + minSec
    this.sec = sec
    this.nanos = by(this.nanos)
    await pause()
    this.id = by(this.id)
    await pause()
    this.customer = by(this.customer)
    await pause()
    this.member = by(this.member)
    this.type = by(this.type)
  }

  key(slot: number): RelationKey {
    return { sec: this.sec[slot]!, nanos: this.nanos[slot]!, id: this.id[slot]! }
  }

  /** Negative when the relation in `slot` comes before `key`. */
  compare(slot: number, key: RelationKey): number {
    return this.sec[slot]! - key.sec || this.nanos[slot]! - key.nanos || this.id[slot]! - key.id
  }
}

function swapIn(column: Float64Array | Int32Array | Uint8Array, a: number, b: number): void {
  const x = column[a]!
  column[a] = column[b]!
  column[b] = x
}

/** Radix digits: 16 bits. */
const DIGITS = 2 ** 16
const DIGIT_MASK = DIGITS - 1

/** Slots in key order. */
export class KeysetList {
  #slots = new Int32Array(8)
  length = 0

  constructor(private readonly table: RelationTable) {}

  /** Appends a slot whose key is not before the last one's (the build order). */
  append(slot: number): void {
    if (this.length === this.#slots.length) this.#slots = grow(this.#slots, this.length * 2)
    this.#slots[this.length++] = slot
  }

  /** Room for `capacity` slots (the build knows each list's size). */
  reserve(capacity: number): void {
    if (capacity > this.#slots.length) this.#slots = grow(this.#slots, capacity)
  }

  at(position: number): number {
    return this.#slots[position]!
  }

  /** The first position whose key is ≥ `key` (or > `key` when `after`). */
  search(key: RelationKey, after: boolean): number {
    let lo = 0
    let hi = this.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const c = this.table.compare(this.#slots[mid]!, key)
      if (c < 0 || (after && c === 0)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Inserts a slot at its key's place (most inserts are at the end: new relations are recent). */
  insert(slot: number): void {
    const position = this.search(this.table.key(slot), true)
    if (this.length === this.#slots.length) this.#slots = grow(this.#slots, Math.max(8, this.length * 2))
    this.#slots.copyWithin(position + 1, position, this.length)
    this.#slots[position] = slot
    this.length++
  }

  /** Removes a slot; false when it is not in this list. */
  remove(slot: number): boolean {
    const position = this.search(this.table.key(slot), false)
    if (position >= this.length || this.#slots[position] !== slot) return false
    this.#slots.copyWithin(position, position + 1, this.length)
    this.length--
    return true
  }

  /** Releases unused capacity once the build is done. */
  trim(): void {
    if (this.#slots.length !== this.length) this.#slots = this.#slots.slice(0, this.length)
  }
}

export interface WindowQuery {
  /** Window start, inclusive (epoch seconds). */
  readonly sinceSec?: number
  /** Window end, exclusive (epoch seconds). */
  readonly beforeSec?: number
  /** Resume strictly after this key. */
  readonly after?: RelationKey
  /** Resume at `after` itself when it is still there (a fault: the previous page's last item again). */
  readonly inclusive?: boolean
  readonly size: number
}

export interface WindowSlice {
  readonly slots: number[]
  /** Whether the window holds more relations after this slice. */
  readonly more: boolean
  /** How many relations of the window come before this slice. */
  readonly offset: number
}

/** The relations of `list` in a window, after a cursor, at most `size`. */
export function sliceWindow(list: KeysetList, query: WindowQuery): WindowSlice {
  const start = query.sinceSec === undefined ? 0 : list.search({ sec: query.sinceSec, nanos: -1, id: -1 }, false)
  let lo = start
  if (query.after) lo = Math.max(lo, list.search(query.after, !query.inclusive))
  const hi = query.beforeSec === undefined ? list.length : list.search({ sec: query.beforeSec, nanos: -1, id: -1 }, false)
  const end = Math.min(hi, lo + query.size)
  const slots: number[] = []
  for (let p = lo; p < end; p++) slots.push(list.at(p))
  return { slots, more: end < hi, offset: lo - start }
}
