/** The behaviours that must hold at every size, checked at 1,000,000 customers. */
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { listText } from '../support.js'

describe('a world of 1,000,000 customers', () => {
  it('is deterministic and correctly ordered at full size', async () => {
    const a = await createMock({ seed: 'scale', customers: 1_000_000 })
    const t = a.context.world.relations
    // Keys strictly ascend over the whole index, and every customer is followed.
    const followed = new Uint8Array(1_000_000)
    for (let slot = 0; slot < t.length; slot++) {
      followed[t.customer[slot]!] = 1
      if (slot > 0) {
        const order = t.sec[slot]! - t.sec[slot - 1]! || t.nanos[slot]! - t.nanos[slot - 1]! || t.id[slot]! - t.id[slot - 1]!
        if (order <= 0) expect.fail(`relations ${slot - 1} and ${slot} are out of order`)
      }
    }
    expect(followed.every((f) => f === 1)).toBe(true)
    expect(t.length).toBeGreaterThan(1_300_000)

    // The same bytes from a second build, at the start, in the middle and at the end.
    const b = await createMock({ seed: 'scale', customers: 1_000_000 })
    for (const body of [{ size: 100 }, { since: '2023-06-01 12:00:00', size: 100, type: 2 }, { since: '2026-10-31 00:00:00', size: 100 }]) {
      expect(listText(b, body)).toBe(listText(a, body))
    }
  }, 120_000)
})
