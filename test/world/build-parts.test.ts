/** The world build's parts at scale (issue 15): the radix key order and the windowed id minter agree with their plain versions. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IdMinter } from '../../mock/protocol/ids.js'
import { RelationTable } from '../../mock/world/keyset.js'

describe('RelationTable.sortByKey', () => {
  it('orders slots as a comparison sort by (sec, nanos) does, ties in slot order, whatever the span of seconds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }), fc.constantFrom(0, 70_000, 2 ** 33), async (rows, spread) => {
        const table = new RelationTable()
        const minSec = 1_500_000_000
        rows.forEach(([sec, nanos], k) => table.push(minSec + sec * (spread / 40 || 1), nanos * 1000, 0, k, k % 7, 1))
        const expected = rows.map((_, k) => k).sort((a, b) => table.sec[a]! - table.sec[b]! || table.nanos[a]! - table.nanos[b]! || a - b)
        await table.sortByKey(minSec, minSec + spread + 40)
        expect(Array.from(table.customer.subarray(0, rows.length))).toEqual(expected)
      }),
    )
  })
})

describe('IdMinter.forgetBefore', () => {
  it('mints the same ids as a minter that forgets nothing, when no id is asked for before the floor', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 50 })), { maxLength: 3_000 }), (steps) => {
        const plain = new IdMinter()
        const windowed = new IdMinter()
        const base = Date.UTC(2020, 0, 1)
        let floor = base
        for (const [advance, ahead] of steps) {
          floor += advance % 7 === 0 ? advance : 0
          windowed.forgetBefore(floor)
          const ms = floor + ahead
          expect(windowed.mint(ms)).toBe(plain.mint(ms))
        }
      }),
    )
  })
})
