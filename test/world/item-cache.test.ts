/** The serialised-item cache: bounded by bytes, and invisible in what clients receive. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ItemCache } from '../../mock/world/item-cache.js'
import { mockWith, sweep } from '../support.js'

describe('item cache', () => {
  it('never holds more bytes than its budget, and returns what it holds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.array(fc.tuple(fc.oneof(fc.nat(3000), fc.nat(40_000)), fc.integer({ min: 1, max: 700 })), { maxLength: 400 }), (budget, writes) => {
        const cache = new ItemCache(budget)
        const latest = new Map<number, Buffer>()
        for (const [slot, size] of writes) {
          const item = Buffer.alloc(size, slot % 251)
          cache.set(slot, item)
          latest.set(slot, item)
          expect(cache.bytes).toBeLessThanOrEqual(budget)
        }
        for (const [slot, item] of latest) {
          const held = cache.get(slot)
          if (held) expect(held).toBe(item) // never a stale or foreign item
        }
      }),
    )
  })

  it('drops the older version of an item when the newer one is too large to keep (regression: served a stale item)', () => {
    const cache = new ItemCache(4)
    cache.set(7, Buffer.from('a'))
    cache.set(7, Buffer.from('too large'))
    expect(cache.get(7)).toBeUndefined()
    expect(cache.bytes).toBe(0)
  })

  it('evicts the oldest entries first', () => {
    const cache = new ItemCache(30)
    for (let slot = 0; slot < 5; slot++) cache.set(slot, Buffer.alloc(10))
    expect([0, 1, 2, 3, 4].map((s) => cache.get(s) !== undefined)).toEqual([false, false, true, true, true])
  })

  it('pages are byte-identical with no cache, a tiny cache and a large one', async () => {
    const sweepWith = async (itemCacheMb: number) => JSON.stringify(sweep(await mockWith({ seed: 'cache', customers: 300, itemCacheMb }), { size: 37 }))
    const uncached = await sweepWith(0)
    expect(await sweepWith(0.01)).toBe(uncached)
    expect(await sweepWith(256)).toBe(uncached)
  })
})
