/** HashIndex: exact-key lookups from hashes in a typed array; candidates are a superset the caller checks. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HashIndex, hashId, hashText } from '../../mock/world/hash-index.js'

describe('HashIndex', () => {
  it('finds every record that has a key, ascending and distinct, whatever the keys (collisions included)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), { maxLength: 60 }), fc.nat(7), (records, bits) => {
        // A weak hash (a few bits) makes collisions the rule: the candidates must still hold every owner.
        const weak = (key: string) => hashText(key) & ((1 << bits) - 1)
        const index = HashIndex.build(records.length, (i, add) => records[i]!.forEach((k) => add(weak(k))))
        for (const key of new Set(records.flat())) {
          const candidates = index.candidates(weak(key))
          expect(candidates).toEqual([...new Set(candidates)].sort((a, b) => a - b))
          const owners = records.flatMap((keys, i) => (keys.includes(key) ? [i] : []))
          expect(candidates.filter((i) => records[i]!.includes(key))).toEqual(owners)
        }
      }),
    )
  })

  it('adds keys after the build, and ids hash apart', () => {
    const index = HashIndex.build(3, (i, add) => add(hashId(1_000_000_000_000 + i)))
    expect(index.candidates(hashId(1_000_000_000_001))).toContain(1)
    index.add(hashId(42), 7)
    expect(index.candidates(hashId(42))).toContain(7)
    const hashes = new Set(Array.from({ length: 10_000 }, (_, k) => hashId(414_912_243_411_008 + k * 64)))
    expect(hashes.size).toBeGreaterThan(9_990)
    expect(index.bytes).toBe(3 * 8)
  })
})
