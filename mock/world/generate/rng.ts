/**
 * Seeded randomness. Every generated value comes from a stream keyed by (world seed, what, which),
 * so a customer's mobile number depends only on the seed, the customer's index and the field — adding
 * a field, a customer or a member never reshuffles the others, and any entity can be generated alone.
 */

/** FNV-1a over a string's UTF-16 units, finished with murmur3's avalanche. */
export function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return fmix(h)
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** Combines a hash with one more 32-bit key. */
export function mix(h: number, key: number): number {
  return fmix(Math.imul(h ^ (key >>> 0), 0x9e3779b1) + 0x7f4a7c15)
}

/** mulberry32: small, fast, good enough for test data, and the same on every machine. */
export class Rng {
  #state: number

  constructor(state: number) {
    this.#state = state | 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) | 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  /** An index drawn with the given cumulative weights (last entry = total). */
  weighted(cumulative: readonly number[]): number {
    const x = this.next() * cumulative[cumulative.length - 1]!
    let i = 0
    while (cumulative[i]! <= x) i++
    return i
  }

  /** `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)]
    return out
  }
}

/** Cumulative weights for Rng.weighted. */
export function cumulative(weights: readonly number[]): number[] {
  let sum = 0
  return weights.map((w) => (sum += w))
}

/** The stream for one (what, which) of a world: `what` is a hashString'd tag, `which` an entity index. */
export function stream(seed: number, what: number, which = 0, sub = 0): Rng {
  return new Rng(mix(mix(mix(seed, what), which), sub))
}

/** Seeds may be given as any string (or number); both hash to the same 32-bit world seed. */
export function worldSeed(seed: string | number): number {
  return hashString(String(seed))
}
