/** The journal's bound: the newest `capacity` entries are kept, in order, and the rest counted as dropped, however they are read. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Journal } from '../../mock/journal.js'

const entry = { requestId: 'r', time: 0, method: 'POST', path: '/p', endpoint: null, appId: null, signature: 'not-checked', code: 0, status: 200 } as const

describe('the bounded journal', () => {
  it('keeps the newest entries in order and counts the others, after any number of records and reads', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 6 }), (capacity, batches) => {
        const journal = new Journal(capacity)
        let total = 0
        for (const n of batches) {
          for (let i = 0; i < n; i++) journal.record(entry)
          total += n
          const kept = Math.min(total, capacity)
          expect(journal.list().map((e) => e.seq)).toEqual(Array.from({ length: kept }, (_, i) => total - kept + i + 1))
          expect(journal.dropped).toBe(total - kept)
        }
      }),
      { seed: 2026, numRuns: 60 },
    )
  })
})
