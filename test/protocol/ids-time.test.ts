import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { IdMinter, idMintedAt, isTanmaId, mintId } from '../../mock/protocol/ids.js'
import { formatBeijing, formatBeijingDate, parseBeijing, parseBeijingDate } from '../../mock/protocol/time.js'

describe('id layout: (ms since 2015-01-01 UTC+8) << 11 | 64', () => {
  it.each([
    [414912243411008, '2021-06-02 20:04:28'], // documented customer: 13 s before its createTime
    [416156789723200, '2021-06-09 20:52:37'], // documented customer: 21 s before its createTime
    [416156782616640, '2021-06-09 20:52:34'], // documented company
    [401244899840064, '2021-03-17 14:19:21'], // documented customer_stage option
  ])('decodes the documented id %d to %s', (id, time) => {
    expect(formatBeijing(Math.floor(idMintedAt(id) / 1000))).toBe(time)
    expect(isTanmaId(id)).toBe(true)
    expect(mintId(idMintedAt(id))).toBe(id)
  })

  it('mints ids that decode to their minting time and keep time order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.integer({ min: 1, max: 10_000 }), (ms, later) => {
        expect(idMintedAt(mintId(ms))).toBe(ms)
        expect(mintId(ms + later)).toBeGreaterThan(mintId(ms, 63))
        expect(Number.isSafeInteger(mintId(ms))).toBe(true)
      }),
    )
  })

  it('never mints the same id twice, even within one millisecond', () => {
    const minter = new IdMinter()
    const ids = Array.from({ length: 200 }, () => minter.mint(Date.UTC(2021, 5, 2)))
    expect(new Set(ids).size).toBe(200)
    expect(ids.every(isTanmaId)).toBe(true)
  })
})

describe('Beijing time', () => {
  it('formats and parses yyyy-MM-dd HH:mm:ss in UTC+8 (property, against Date)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800 }), (sec) => {
        const text = formatBeijing(sec)
        const viaDate = new Date((sec + 8 * 3600) * 1000).toISOString().replace('T', ' ').slice(0, 19)
        expect(text).toBe(viaDate)
        expect(parseBeijing(text)).toBe(sec)
      }),
    )
  })

  it.each(['2021-02-30 00:00:00', '2021-06-09 24:00:00', '2021-06-09T20:52:58', '2021-06-09 20:52:58Z', '2021-6-9 20:52:58', '2021-06-09', ' 2021-06-09 20:52:58', '2021-06-09 20:52:60'])(
    'refuses %j',
    (text) => expect(parseBeijing(text)).toBeUndefined(),
  )

  it('handles dates', () => {
    expect(parseBeijingDate('2021-06-09')).toBe(parseBeijing('2021-06-09 00:00:00'))
    expect(parseBeijingDate('2021-13-01')).toBeUndefined()
    expect(formatBeijingDate(parseBeijing('1990-01-01 00:00:00')!)).toBe('1990-01-01')
  })
})
