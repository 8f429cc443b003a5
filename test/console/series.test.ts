/**
 * The live page's series (mock/console/app/live/series.ts): requests per second and error codes
 * per second, from journal entries; checked against a direct count, and for order and overlap.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { errorLabel, MIN_SPAN_SEC, RequestSeries, type SeriesEntry } from '../../mock/console/app/live/series.js'
import { beijing, pretty } from '../../mock/console/app/live/format.js'

const T0 = 1_750_000_000_000
const entriesArb = fc
  .array(fc.record({ offsetMs: fc.integer({ min: 0, max: 20_000 }), code: fc.constantFrom<number | null>(0, 0, 0, 1002, -1, null), status: fc.constantFrom(200, 502, 0) }), { maxLength: 60 })
  .map((list) => list.map((e, k): SeriesEntry => ({ seq: k + 1, time: T0 + e.offsetMs, code: e.code, status: e.code === null ? e.status : 200 })))

const seriesOf = (entries: readonly SeriesEntry[], windowSec = 300) => {
  const series = new RequestSeries(windowSec)
  for (const e of entries) series.add(e)
  return series.data()
}

describe('the request series', () => {
  it('counts each second of the window: the total and each error label, as a direct count does', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const data = seriesOf(entries)
        for (const [k, second] of data.seconds.entries()) {
          const inSecond = entries.filter((e) => Math.floor(e.time / 1000) === second)
          expect(data.total[k]).toBe(inSecond.length)
          for (const { label, counts } of data.errors) expect(counts[k]).toBe(inSecond.filter((e) => errorLabel(e) === label).length)
        }
        expect(data.total.reduce((a, b) => a + b, 0)).toBe(entries.length)
        expect(data.seconds.every((s, k) => k === 0 || s === data.seconds[k - 1]! + 1)).toBe(true)
      }),
    )
  })

  it('the same entries in any order, or given twice (journal window and stream overlap), give the same series', () => {
    fc.assert(
      fc.property(entriesArb, fc.integer(), (entries, seed) => {
        const shuffled = [...entries].sort((a, b) => ((a.seq * 7919 + seed) % 97) - ((b.seq * 7919 + seed) % 97))
        expect(seriesOf([...shuffled, ...entries.slice(0, 10)], 600)).toEqual(seriesOf(entries, 600))
      }),
    )
  })

  it('keeps only the last windowSec seconds before the latest entry', () => {
    const data = seriesOf([{ seq: 1, time: T0, code: 0, status: 200 }, { seq: 2, time: T0 + 10_000, code: 1002, status: 200 }, { seq: 3, time: T0 + 1_000, code: 0, status: 200 }], 5)
    expect(data.seconds).toEqual([6, 7, 8, 9, 10].map((s) => T0 / 1000 + s))
    expect(data.total).toEqual([0, 0, 0, 0, 1])
    expect(data.errors).toEqual([{ label: '1002', counts: [0, 0, 0, 0, 1] }])
  })

  it('spans at least the last minute (a lone second is no chart)', () => {
    const data = seriesOf([{ seq: 1, time: T0, code: 0, status: 200 }])
    expect(data.seconds).toHaveLength(MIN_SPAN_SEC)
    expect(data.seconds.at(-1)).toBe(T0 / 1000)
    expect(data.total.at(-1)).toBe(1)
  })

  it('labels a failure by its code, else its HTTP status, else no answer', () => {
    expect([errorLabel({ code: 0, status: 200 }), errorLabel({ code: -1, status: 200 }), errorLabel({ code: null, status: 502 }), errorLabel({ code: null, status: 0 })]).toEqual([undefined, '-1', 'HTTP 502', 'no answer'])
  })
})

describe('the live pages\' JSON formatting', () => {
  it('indents as JSON.stringify(…, null, 2) does, and every value reads back the same', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value)
        expect(pretty(text)).toBe(JSON.stringify(JSON.parse(text), null, 2))
      }),
    )
  })

  it('keeps every digit of an int64 (a push noise), which JSON.parse would round', () => {
    expect(pretty('{"noise":242897108934810072,"a":[]}')).toBe('{\n  "noise": 242897108934810072,\n  "a": []\n}')
    expect(pretty('not json {')).toBe('not json {')
    expect(beijing(1_750_000_000_000)).toBe('2025-06-15 23:06:40')
  })
})
