import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareKeys, CursorError, decodeCursor, encodeCursor } from '../../mock/protocol/cursor.js'
import { parseBeijing } from '../../mock/protocol/time.js'

const DOCUMENTED = 'AAAAAGDAuaoAAAAALLJOeAAAAAADf7ZB'

describe('cursor codec: base64 of three big-endian int64 (seconds, nanos, relation id)', () => {
  it('decodes the documented cursor to the last item\'s relation time and id', () => {
    const key = decodeCursor(DOCUMENTED)
    expect(key).toEqual({ sec: 1623243178, nanos: 749883000, id: 58701377 })
    // The documented last item's createTime, read as Beijing time.
    expect(key.sec).toBe(parseBeijing('2021-06-09 20:52:58'))
  })

  it('re-encodes the documented cursor byte for byte', () => {
    expect(encodeCursor(decodeCursor(DOCUMENTED))).toBe(DOCUMENTED)
  })

  it('round-trips every key (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 999_999_999 }), fc.maxSafeNat(), (sec, nanos, id) => {
        const cursor = encodeCursor({ sec, nanos, id })
        expect(cursor).toMatch(/^[A-Za-z0-9+/]{32}$/)
        expect(decodeCursor(cursor)).toEqual({ sec, nanos, id })
      }),
    )
  })

  it.each([
    ['not base64', 'abc!'],
    ['empty', ''],
    ['too short', DOCUMENTED.slice(0, 28)],
    ['too long', DOCUMENTED + 'AAAA'],
    ['non-canonical (whitespace)', DOCUMENTED.slice(0, 16) + ' ' + DOCUMENTED.slice(16)],
    ['url-safe alphabet', encodeCursor({ sec: 1623243178, nanos: 749883000, id: 2 ** 52 - 1 }).replace(/\+/g, '-').replace(/\//g, '_')],
    ['negative seconds', Buffer.alloc(24, 0xff).toString('base64')],
    ['nanos out of range', (() => { const b = Buffer.alloc(24); b.writeBigInt64BE(1_000_000_000n, 8); return b.toString('base64') })()],
  ])('refuses a cursor that is %s', (_label, cursor) => {
    if (_label === 'url-safe alphabet' && !/[-_]/.test(cursor)) return // nothing to test for this key
    expect(() => decodeCursor(cursor)).toThrow(CursorError)
  })

  it('orders keys by seconds, then nanos, then id', () => {
    expect(compareKeys({ sec: 1, nanos: 999, id: 9 }, { sec: 2, nanos: 0, id: 0 })).toBeLessThan(0)
    expect(compareKeys({ sec: 2, nanos: 1, id: 0 }, { sec: 2, nanos: 0, id: 9 })).toBeGreaterThan(0)
    expect(compareKeys({ sec: 2, nanos: 1, id: 3 }, { sec: 2, nanos: 1, id: 4 })).toBeLessThan(0)
    expect(compareKeys({ sec: 2, nanos: 1, id: 4 }, { sec: 2, nanos: 1, id: 4 })).toBe(0)
  })
})
