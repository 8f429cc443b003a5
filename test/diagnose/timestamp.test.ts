/** 1003: the skew, its direction, and what it looks like (seconds, a virtual clock elsewhere). */
import { getResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { signHeaders } from '../../mock/protocol/signing.js'
import { A, call, HOST, lastDiagnosis, NOW } from './support.js'

const LIST = '/v3/customer-relation/list-by-relation-create-time-asc'
const body = '{"size":5}'

async function fake() {
  return createMock({ ...A, seed: 'diag-t', customers: 10, staff: 2, now: () => NOW })
}

describe('1003 diagnoses', () => {
  it('the skew and its direction, with the limit', async () => {
    const mock = await fake()
    const answer = await call(mock, LIST, body, signHeaders(A, body, NOW - 312_000))
    expect(answer.json.code).toBe(1003)
    expect(await lastDiagnosis(mock)).toMatch(/^timestamp 5 min 12 s behind the fake's clock \(2025-06-15 23:06:40 Beijing\); the limit is ±5 min\./)
    await call(mock, LIST, body, signHeaders(A, body, NOW + 3_600_000))
    expect(await lastDiagnosis(mock)).toMatch(/^timestamp 1 h ahead of the fake's clock/)
  })

  it('a timestamp in seconds instead of milliseconds', async () => {
    const mock = await fake()
    await call(mock, LIST, body, signHeaders(A, body, NOW / 1000))
    expect(await lastDiagnosis(mock)).toMatch(/looks like epoch seconds, not milliseconds: 1750000000 × 1000 is within the window$/)
  })

  it('a consumer on real time while the fake\'s virtual clock is advanced, or frozen', async () => {
    const mock = await fake()
    await getResponse(mock.handlers, new Request(`${HOST}/__mock/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 86_400_000 }) }))
    await call(mock, LIST, body, signHeaders(A, body, NOW))
    expect(await lastDiagnosis(mock)).toMatch(/^timestamp 1 d behind the fake's clock .*The timestamp follows real time, but the fake's virtual clock is set 1 d ahead of real time: sign with the fake's clock/)
    await getResponse(mock.handlers, new Request(`${HOST}/__mock/clock`, { method: 'POST', body: JSON.stringify({ freeze: true }) }))
    await call(mock, LIST, body, signHeaders(A, body, NOW))
    expect(await lastDiagnosis(mock)).toMatch(/, frozen\); .*the fake's virtual clock is frozen at 2025-06-16 23:06:40 Beijing/)
  })

  it('a call in the window gets no diagnosis', async () => {
    const mock = await fake()
    expect((await call(mock, LIST, body, signHeaders(A, body, NOW - 299_000))).json.code).toBe(0)
    expect(await lastDiagnosis(mock)).toBeUndefined()
  })
})
