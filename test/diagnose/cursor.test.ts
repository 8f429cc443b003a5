/** Cursors that do not decode or do not belong: traced to the endpoint, filters or tenant that minted them. */
import { describe, expect, it } from 'vitest'
import { createTenants, type Mock } from '../../mock/index.js'
import { signHeaders } from '../../mock/protocol/signing.js'
import { A, B, call, lastDiagnosis, NOW } from './support.js'

const RELATIONS = '/v3/customer-relation/list-by-relation-create-time-asc'
const LEADS = '/v3/clue/list-by-create-time-asc'

async function fake() {
  return createTenants({ tenants: [{ ...A, seed: 'diag-c', customers: 60, staff: 3 }, { ...B, seed: 'diag-c', customers: 60, staff: 3 }] }, { now: () => NOW })
}

/** Signs and sends `body` as `who`. */
const post = (mock: Mock, path: string, body: object, who = A) => {
  const text = JSON.stringify(body)
  return call(mock, path, text, signHeaders(who, text, NOW))
}

describe('cursor diagnoses', () => {
  it('the sweep that minted a cursor resumes with it and gets no diagnosis', async () => {
    const mock = await fake()
    const first = await post(mock, RELATIONS, { size: 5, type: 1 })
    const cursor = first.json.data.nextCursor as string
    expect(cursor).toMatch(/^[A-Za-z0-9+/]{32}$/)
    expect((await post(mock, RELATIONS, { type: 1, size: 7, cursor })).json.code).toBe(0)
    expect(await lastDiagnosis(mock)).toBeUndefined()
  })

  it('a cursor of the relation list sent to the lead list names the endpoint that minted it', async () => {
    const mock = await fake()
    const cursor = (await post(mock, RELATIONS, { size: 5 })).json.data.nextCursor as string
    const answer = await post(mock, LEADS, { size: 5, cursor })
    expect(answer.json.code).toBe(0) // the format is the same everywhere: the upstream would take it too
    expect(await lastDiagnosis(mock)).toBe(`the cursor was issued by another endpoint: ${RELATIONS}, not ${LEADS} — a cursor only resumes the list that minted it`)
  })

  it('a cursor sent with another filter set shows both', async () => {
    const mock = await fake()
    const cursor = (await post(mock, RELATIONS, { size: 5, type: 1 })).json.data.nextCursor as string
    await post(mock, RELATIONS, { size: 5, type: 2, cursor })
    expect(await lastDiagnosis(mock)).toBe('the cursor was issued for other filters: {"type":1}, now {"type":2} — a cursor only resumes the sweep that minted it')
  })

  it('a cursor of another tenant names that tenant', async () => {
    const mock = await fake()
    // Same seed, other credentials: tenant A would mint the same text; ask B with a filter A never used.
    const cursor = (await post(mock, RELATIONS, { size: 5, since: '2020-01-01 00:00:00' }, B)).json.data.nextCursor as string
    await post(mock, RELATIONS, { size: 5, since: '2020-01-01 00:00:00', cursor }, A)
    expect(await lastDiagnosis(mock)).toBe(`the cursor was issued to another tenant: appId ${B.appId} (${RELATIONS}), not ${A.appId}`)
  })

  it('a cursor that does not decode: URL-encoded, truncated, a number — with the origin of the repaired one', async () => {
    const mock = await fake()
    let body: Record<string, unknown> = { size: 2 }
    let cursor: string | undefined
    for (let page = 0; page < 30 && !cursor; page++) {
      const next = (await post(mock, RELATIONS, body)).json.data.nextCursor as string | null
      if (next === null) break
      if (/[+/]/.test(next)) cursor = next
      body = { size: 2, cursor: next }
    }
    expect(cursor, 'a cursor with + or / among 30 pages').toBeDefined()
    const encoded = await post(mock, LEADS, { size: 2, cursor: encodeURIComponent(cursor!) })
    expect(encoded.json.code).not.toBe(0)
    expect(await lastDiagnosis(mock)).toBe(`cursor does not decode: it is URL-encoded (%2B, %2F, %3D); repaired it is a cursor the fake issued, but the cursor was issued by another endpoint: ${RELATIONS}, not ${LEADS} — a cursor only resumes the list that minted it`)
    await post(mock, RELATIONS, { size: 2, cursor: cursor!.slice(0, 20) })
    expect(await lastDiagnosis(mock)).toBe("cursor does not decode: not 24 bytes of standard base64 (20 characters: a cursor is 32, so it looks truncated); send the previous page's nextCursor unchanged")
    await post(mock, RELATIONS, { size: 2, cursor: 12345 })
    expect(await lastDiagnosis(mock)).toBe("cursor is 12345, not a string: send the previous page's nextCursor as it came")
  })
})
