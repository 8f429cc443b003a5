/** Request validation (40000 `请求参数验证失败：<what>`) and every switch that changes a chosen behaviour. */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Mock, MockOptions } from '../mock/index.js'
import { UpstreamError } from '../mock/protocol/errors.js'
import { encodeCursor } from '../mock/protocol/cursor.js'
import { listPage, mockWith } from './support.js'

let mock: Mock
beforeAll(async () => {
  mock = await mockWith({ seed: 'validation', customers: 400, staff: 5 })
})

function refusal(m: Mock, body: Record<string, unknown>): string {
  try {
    listPage(m, body)
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error
    return m.context.errors.render(error).message
  }
  throw new Error(`expected ${JSON.stringify(body)} to be refused`)
}

describe('validation errors name what is wrong', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['size 0', { size: 0 }, 'size'],
    ['negative size', { size: -5 }, 'size'],
    ['fractional size', { size: 2.5 }, 'size'],
    ['string size', { size: '20' }, 'size'],
    ['boolean size', { size: true }, 'size'],
    ['type 3', { type: 3 }, 'type'],
    ['type 0', { type: 0 }, 'type'],
    ['string type', { type: '1' }, 'type'],
    ['date-only since', { since: '2021-06-09' }, 'since'],
    ['ISO since', { since: '2021-06-09T20:52:58' }, 'since'],
    ['impossible date', { before: '2021-02-30 00:00:00' }, 'before'],
    ['numeric since', { since: 1623243178 }, 'since'],
    ['numeric qwUserId', { qwUserId: 42 }, 'qwUserId'],
    ['garbage cursor', { cursor: 'abc' }, 'cursor'],
    ['empty cursor', { cursor: '' }, 'cursor'],
    ['numeric cursor', { cursor: 12 }, 'cursor'],
    ['cursor with nanos out of range', { cursor: Buffer.alloc(24, 0x7f).toString('base64') }, 'cursor'],
  ])('%s', (_label, body, field) => {
    const message = refusal(mock, body)
    expect(message.startsWith('请求参数验证失败：')).toBe(true)
    expect(message).toContain(field)
  })

  it('ignores properties it does not know, and treats null as absent', () => {
    expect(listPage(mock, { size: 3, page: 7, extra: { a: 1 } }).list).toHaveLength(3)
    expect(listPage(mock, { size: 3, cursor: null, since: null, type: null, qwUserId: null })).toEqual(listPage(mock, { size: 3 }))
  })
})

describe('switches for chosen behaviours', () => {
  const withOptions = (options: MockOptions) => mockWith({ seed: 'validation', customers: 400, staff: 5, ...options })

  it('nulls: error refuses null properties', async () => {
    expect(refusal(await withOptions({ nulls: 'error' }), { cursor: null })).toContain('cursor')
  })

  it('types: lenient coerces numeric strings and fractions as Jackson does', async () => {
    const lenient = await withOptions({ types: 'lenient' })
    expect(listPage(lenient, { size: '7', type: '2' }).list).toHaveLength(7)
    expect(listPage(lenient, { size: 7.9 }).list).toHaveLength(7)
    expect(listPage(lenient, { size: '7', type: '2' })).toEqual(listPage(mock, { size: 7, type: 2 }))
    expect(refusal(lenient, { size: 'seven' })).toContain('size')
  })

  it('oversize: error refuses sizes above the maximum; sizeMax and sizeDefault move the limits', async () => {
    expect(refusal(await withOptions({ oversize: 'error' }), { size: 101 })).toContain('size')
    const small = await withOptions({ sizeDefault: 3, sizeMax: 10 })
    expect(listPage(small, {}).list).toHaveLength(3)
    expect(listPage(small, { size: 50 }).list).toHaveLength(10)
  })

  it('invertedWindow: error and unknownMember: error refuse instead of answering empty', async () => {
    expect(refusal(await withOptions({ invertedWindow: 'error' }), { since: '2022-01-01 00:00:00', before: '2021-01-01 00:00:00' })).toContain('before')
    expect(refusal(await withOptions({ unknownMember: 'error' }), { qwUserId: 'nobody' })).toContain('nobody')
  })

  it('errors: overrides a code and message', async () => {
    const custom = await withOptions({ errors: { validation: { code: 40001, message: 'bad: ' } } })
    try {
      listPage(custom, { size: 0 })
      expect.unreachable()
    } catch (error) {
      expect(custom.context.errors.render(error as UpstreamError)).toMatchObject({ code: 40001, message: expect.stringMatching(/^bad: size/) })
    }
  })

  it('successMessage: success changes the success envelope\'s message', async () => {
    const m = await withOptions({ successMessage: 'success' })
    const body = '{}'
    const { getResponse } = await import('msw')
    const answered = await getResponse(m.handlers, new Request('https://api.tanmarket.cn:20066/api/v3/customer-relation/list-by-relation-create-time-asc', { method: 'POST', body, headers: m.sign(body) }))
    expect(await answered!.json()).toMatchObject({ code: 0, message: 'success' })
  })

  it('refuses invalid options with a message naming them', async () => {
    await expect(withOptions({ sizeDefault: 200, sizeMax: 100 })).rejects.toThrow(/sizeDefault/)
    await expect(withOptions({ endCursor: 'sometimes' as 'null' })).rejects.toThrow(/endCursor/)
    await expect(withOptions({ errors: { nonsense: { code: 1 } } as never })).rejects.toThrow(/errors/)
  })

  it('a valid cursor from another world still pages (keyset, not offset)', () => {
    const page = listPage(mock, { cursor: encodeCursor({ sec: 1_600_000_000, nanos: 0, id: 1 }), size: 4 })
    expect(page.list).toHaveLength(4)
  })
})
