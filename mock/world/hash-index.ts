/**
 * Exact-key lookups over a world's records without a Map entry per key: (hash, record index) pairs
 * packed into one sorted Float64Array — 8 bytes per key, nothing for the garbage collector to trace.
 * A lookup is a binary search for the hash's range; the records found are candidates (two keys may
 * share a 28-bit hash), which the caller checks against the record as it is now. That check also
 * makes the index safe to keep across changes: a record that changed or went away is read afresh,
 * and keys a record gains after the build go in a small overlay (HashIndex.add).
 *
 * Used for customer ids and company ids (World.customerIndex, isIdTaken), customer/search's names and
 * mobiles (World.customersByKey), WeCom identities (World.customerByExternalUserId), and the same of
 * leads (mock/world/leads.ts). At 1,000,000 customers all of them together are ~40 MB of typed arrays,
 * where Maps and Sets of the same keys held ~300 MB of heap that every major GC had to mark.
 */

const HASH_BITS = 28
const INDEX_LIMIT = 2 ** 25
const HASH_MASK = 2 ** HASH_BITS - 1

/** A text key's hash (FNV-1a over UTF-16 code units, 28 bits). */
export function hashText(text: string): number {
  let h = 0x811c9dc5
  for (let k = 0; k < text.length; k++) {
    h ^= text.charCodeAt(k)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) & HASH_MASK
}

/** An integer id's hash (its two 32-bit halves mixed, 28 bits). */
export function hashId(id: number): number {
  let h = Math.imul((id % 0x1_0000_0000) | 0, 0x9e3779b1) ^ Math.imul(Math.floor(id / 0x1_0000_0000) | 0, 0x85ebca77)
  h ^= h >>> 15
  h = Math.imul(h, 0x2c1b3c6d)
  h ^= h >>> 13
  return (h >>> 0) & HASH_MASK
}

/** Record indexes by key hash: built once over records [0, count), then grown by `add`. */
export class HashIndex {
  #packed: Float64Array
  /** Keys added after the build (a changed or new record's), by hash. */
  readonly #added = new Map<number, number[]>()

  private constructor(packed: Float64Array) {
    this.#packed = packed
  }

  /** The index of records [0, count): `each(i, add)` calls `add(hash)` for each key of record i. */
  static build(count: number, each: (i: number, add: (hash: number) => void) => void): HashIndex {
    if (count > INDEX_LIMIT) throw new RangeError(`a hash index holds at most ${INDEX_LIMIT} records, not ${count}`)
    let packed = new Float64Array(Math.max(16, Math.ceil(count * 1.5)))
    let n = 0
    let i = 0
    const add = (hash: number) => {
      if (n === packed.length) {
        const grown = new Float64Array(packed.length * 2)
        grown.set(packed)
        packed = grown
      }
      packed[n++] = hash * INDEX_LIMIT + i
    }
    for (; i < count; i++) each(i, add)
    return new HashIndex(packed.slice(0, n).sort())
  }

  /** Adds a key of record `index` (a record changed or added after the build). */
  add(hash: number, index: number): void {
    const list = this.#added.get(hash)
    if (!list) this.#added.set(hash, [index])
    else if (!list.includes(index)) list.push(index)
  }

  /** The records that may have a key with this hash, ascending and distinct: check each. */
  candidates(hash: number): number[] {
    const packed = this.#packed
    const from = hash * INDEX_LIMIT
    let lo = 0
    let hi = packed.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (packed[mid]! < from) lo = mid + 1
      else hi = mid
    }
    const out: number[] = []
    const until = from + INDEX_LIMIT
    for (let p = lo; p < packed.length && packed[p]! < until; p++) {
      const index = packed[p]! - from
      if (out[out.length - 1] !== index) out.push(index)
    }
    const added = this.#added.get(hash)
    if (!added) return out
    return [...new Set([...out, ...added])].sort((a, b) => a - b)
  }

  /** Bytes held (the packed pairs; the overlay is small). */
  get bytes(): number {
    return this.#packed.byteLength
  }
}
