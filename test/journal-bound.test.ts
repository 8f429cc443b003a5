/**
 * The request journal's bound (mock/journal.ts): whatever the order of records, reads and clears, it
 * keeps exactly the latest `capacity` entries and counts the ones its bound dropped, as a plain
 * array trimmed after each record would (the journal compacts lazily instead of moving every entry
 * on each request).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Journal } from '../mock/journal.js'

const entry = { requestId: 'r', time: 0, method: 'POST', path: '/p', endpoint: null, appId: null, signature: 'valid', code: 0, status: 200 } as const

describe('the journal bound', () => {
  it('keeps the latest capacity entries and counts the dropped ones, as a model array does', () => {
    const op = fc.oneof(fc.constant({ kind: 'record' as const }), fc.constant({ kind: 'list' as const }), fc.constant({ kind: 'clear' as const }), fc.integer({ min: 1, max: 3000 }).map((n) => ({ kind: 'many' as const, n })))
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1500 }), fc.array(op, { maxLength: 30 }), (capacity, ops) => {
        const journal = new Journal(capacity)
        let model: number[] = []
        let dropped = 0
        let seq = 0
        const record = () => {
          journal.record(entry)
          model.push(++seq)
          if (model.length > capacity) (dropped += model.length - capacity), (model = model.slice(model.length - capacity))
        }
        for (const o of ops) {
          if (o.kind === 'record') record()
          else if (o.kind === 'many') for (let k = 0; k < o.n; k++) record()
          else if (o.kind === 'clear') (journal.clear(), (model = []))
          else expect(journal.list().map((e) => e.seq)).toEqual(model)
        }
        expect(journal.list().map((e) => e.seq)).toEqual(model)
        expect(journal.dropped).toBe(dropped)
        expect(journal.lastSeq).toBe(seq)
      }),
      { numRuns: 60 },
    )
  })
})
