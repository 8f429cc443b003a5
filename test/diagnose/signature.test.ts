/** 1002: which known mistake reproduces the sign a scripted consumer sent. */
import { describe, expect, it } from 'vitest'
import { createMock, createTenants } from '../../mock/index.js'
import { DEMO_CREDENTIALS } from '../../mock/options.js'
import { computeSign, signHeaders } from '../../mock/protocol/signing.js'
import { createHash } from 'node:crypto'
import { A, B, call, journal, lastDiagnosis, NOW } from './support.js'

const LIST = '/v3/customer-relation/list-by-relation-create-time-asc'
const SEARCH = '/v3/customer/search'
const TS = String(NOW)

/** Headers whose sign is over `signed` parts (the timestamp header is always TS). */
const headers = (appId: string, sign: string, extra: Record<string, string> = {}) => ({ appId, timestamp: TS, sign, ...extra })

async function fake() {
  return createTenants({ tenants: [{ ...A, seed: 'diag-a', customers: 30, staff: 3 }, { ...B, seed: 'diag-b', customers: 10, staff: 2 }] }, { now: () => NOW })
}

describe('1002 diagnoses', () => {
  it('a correctly signed call gets no diagnosis', async () => {
    const mock = await fake()
    const body = '{"size":5}'
    const answer = await call(mock, LIST, body, signHeaders(A, body, NOW))
    expect(answer.json.code).toBe(0)
    expect(await lastDiagnosis(mock)).toBeUndefined()
  })

  it('the body re-serialised after signing: names the re-serialisation and shows the first difference', async () => {
    const mock = await fake()
    const cases: [string, string, RegExp][] = [
      ['{ "size": 5 }', '{"size":5}', /JSON\.stringify\(JSON\.parse\(body\)\)/],
      ['{"size":5,"keyword":"张"}', JSON.stringify({ keyword: '张', size: 5 }), /sorted keys/],
      ['{"size":5}', JSON.stringify({ size: 5 }, null, 2), /indented by 2 spaces/],
      ['{"size":5}', JSON.stringify({ size: 5 }, null, 4), /indented by 4 spaces/],
      ['{"keyword":"张三"}', '{"keyword":"\\u5f20\\u4e09"}', /non-ASCII escaped/],
      ['{"keyword":"x","size":5}', '{"keyword": "x", "size": 5}', /Python json\.dumps\(body\) /],
    ]
    for (const [sent, signed, name] of cases) {
      const answer = await call(mock, SEARCH, sent, headers(A.appId, computeSign(A.appId, TS, signed, A.appKey)))
      expect(answer.json.code).toBe(1002)
      const diagnosis = await lastDiagnosis(mock)
      expect(diagnosis).toMatch(/^the body was re-serialised after signing/)
      expect(diagnosis).toMatch(name)
      expect(diagnosis).toMatch(/first difference at character \d+: sent ".*", signed ".*"/)
    }
    await call(mock, SEARCH, '{ "size": 5 }', headers(A.appId, computeSign(A.appId, TS, '{"size":5}', A.appKey)))
    expect(await lastDiagnosis(mock)).toContain('first difference at character 1: sent "{ \\"size\\": 5 }", signed "{\\"size\\":5}"')
  })

  it('an empty body signed as {} and {} signed as an empty body', async () => {
    const mock = await fake()
    await call(mock, '/v3/tags/list-tree', '', headers(A.appId, computeSign(A.appId, TS, '{}', A.appKey)))
    expect(await lastDiagnosis(mock)).toMatch(/empty body was signed as \{\}/)
    await call(mock, '/v3/tags/list-tree', '{}', headers(A.appId, computeSign(A.appId, TS, '', A.appKey)))
    expect(await lastDiagnosis(mock)).toMatch(/the body \{\} was signed as ""/)
  })

  it('seconds instead of milliseconds in the sign', async () => {
    const mock = await fake()
    const body = '{"size":5}'
    await call(mock, LIST, body, headers(A.appId, computeSign(A.appId, String(NOW / 1000), body, A.appKey)))
    expect(await lastDiagnosis(mock)).toBe(`timestamp in seconds in the sign: the header has ${NOW} (ms) but the sign was computed with ${NOW / 1000} (seconds); sign the same milliseconds you send`)
  })

  it('another key: another tenant\'s, the demo key, the appId as key; with what the appKey header carried', async () => {
    const mock = await fake()
    const body = '{"size":5}'
    await call(mock, LIST, body, headers(A.appId, computeSign(A.appId, TS, body, B.appKey), { appKey: A.appKey }))
    expect(await lastDiagnosis(mock)).toBe(`signed with another key: another tenant's appKey (tenant appId ${B.appId}), not the key of appId ${A.appId} (the appKey header you sent is the right key, but the sign was not made with it)`)
    await call(mock, LIST, body, headers(A.appId, computeSign(A.appId, TS, body, DEMO_CREDENTIALS.appKey)))
    expect(await lastDiagnosis(mock)).toMatch(/^signed with another key: the demo appKey/)
    await call(mock, LIST, body, headers(A.appId, computeSign(A.appId, TS, body, A.appId), { appKey: B.appKey }))
    expect(await lastDiagnosis(mock)).toMatch(/^signed with another key: the appId used as the appKey.*the appKey header you sent is the appKey of tenant ww2222222222222222_TenB01/)
    const text = JSON.stringify(await journal(mock))
    expect(text).not.toContain(A.appKey)
    expect(text).not.toContain(B.appKey)
  })

  it('another tenant\'s appId and appKey, and another tenant\'s appId with this key', async () => {
    const mock = await fake()
    const body = '{"size":5}'
    await call(mock, LIST, body, headers(A.appId, computeSign(B.appId, TS, body, B.appKey)))
    expect(await lastDiagnosis(mock)).toBe(`signed as tenant ${B.appId} (its appId and appKey) but sent with the appId header ${A.appId}`)
    await call(mock, LIST, body, headers(A.appId, computeSign(B.appId, TS, body, A.appKey)))
    expect(await lastDiagnosis(mock)).toMatch(new RegExp(`^the sign uses the appId of tenant ${B.appId} with this appId's key`))
  })

  it('upper-case hex when the fake takes lowercase only, and the parts in another order', async () => {
    const mock = await fake()
    const body = '{"size":5}'
    await call(mock, LIST, body, headers(A.appId, computeSign(A.appId, TS, body, A.appKey).toUpperCase()))
    expect(await lastDiagnosis(mock)).toMatch(/^upper-case hex/)
    await call(mock, LIST, body, headers(A.appId, createHash('sha256').update(A.appId + body + TS + A.appKey).digest('hex')))
    expect(await lastDiagnosis(mock)).toBe('parts in the wrong order: the sign is over appId + body + timestamp + appKey; the rule is appId + timestamp + body + appKey')
  })

  it('no known mistake: says so, with what the fake signed and the key redacted', async () => {
    const mock = await createMock({ ...A, seed: 'diag-a', customers: 10, staff: 2, now: () => NOW })
    const body = '{"size":5}'
    await call(mock, LIST, body, headers(A.appId, 'ab'.repeat(32)))
    expect(await lastDiagnosis(mock)).toBe(`no known mistake reproduces it; the fake signed appId + timestamp + body + appKey = "${A.appId}" + "${TS}" + "{\\"size\\":5}" + '<appKey>' (lowercase hex SHA-256)`)
  })

  it('a body nested too deep to re-serialise, with a wrong sign, still gets a diagnosis and nothing on stderr', async () => {
    const mock = await createMock({ ...A, seed: 'diag-a', customers: 10, staff: 2, now: () => NOW })
    const body = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const written: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write
    try {
      expect((await call(mock, LIST, body, headers(A.appId, 'ab'.repeat(32)))).json.code).toBe(1002)
    } finally {
      process.stderr.write = write
    }
    expect(await lastDiagnosis(mock)).toMatch(/^no known mistake reproduces it/)
    expect(written.join('')).toBe('')
  })

  it('the upstream answer bytes are unchanged by a diagnosis: the same envelope and headers as any 1002, and no diagnosis header', async () => {
    const mock = await fake()
    const body = '{ "size": 5 }'
    const diagnosed = await call(mock, LIST, body, headers(A.appId, computeSign(A.appId, TS, '{"size":5}', A.appKey)))
    const plain = await call(mock, LIST, body, headers(A.appId, 'ab'.repeat(32)))
    expect(diagnosed.status).toBe(plain.status)
    expect(diagnosed.text).toBe(plain.text)
    expect(diagnosed.headers).toEqual(plain.headers)
    expect(Object.keys(diagnosed.headers).filter((h) => h.includes('diagnos'))).toEqual([])
  })
})
