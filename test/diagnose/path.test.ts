/** Unknown paths: the closest known endpoint, and whether the version, a slash or the case is wrong. */
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { signHeaders } from '../../mock/protocol/signing.js'
import { A, call, lastDiagnosis, NOW } from './support.js'

const body = '{"size":5}'

describe('unknown path diagnoses', () => {
  it('names the version, the slash, the case, or the closest endpoint; the 404 envelope is unchanged', async () => {
    const mock = await createMock({ ...A, seed: 'diag-p', customers: 10, staff: 2, now: () => NOW })
    const sent = signHeaders(A, body, NOW)
    const cases: [string, string][] = [
      ['/v2/customer-relation/list-by-relation-create-time-asc', 'wrong version: /v2/ for the /v3/ endpoint /v3/customer-relation/list-by-relation-create-time-asc (the prefix "/api" is fine: the fake matches the path\'s ending)'],
      ['/v3/customer/list-fields', 'wrong version: /v3/ for the /v2/ endpoint /v2/customer/list-fields (the prefix "/api" is fine: the fake matches the path\'s ending)'],
      ['/customer/search', 'the version is missing: the endpoint is /v3/customer/search (the prefix "/api" is fine: the fake matches the path\'s ending)'],
      ['/v3/customer/search/', 'a trailing slash: the endpoint is /v3/customer/search, without it'],
      ['/v3/Customer/Search', 'the case differs: the endpoint is /v3/customer/search (paths are case-sensitive)'],
      ['/v3/customer-relation/list-by-relation-create-time', 'no such endpoint; the closest known is /v3/customer-relation/list-by-relation-create-time-asc (edit distance 4 from /v3/customer-relation/list-by-relation-create-time) (the prefix "/api" is fine: the fake matches the path\'s ending)'],
      ['/v2/clue/list-by-create-time', 'no such endpoint; the closest known is /v3/clue/list-by-create-time-asc (edit distance 5 from /v2/clue/list-by-create-time); the version is wrong too (/v2/ for a /v3/ endpoint) (the prefix "/api" is fine: the fake matches the path\'s ending)'],
    ]
    const texts = new Set<string>()
    for (const [path, diagnosis] of cases) {
      const answer = await call(mock, path, body, sent)
      expect(answer.status).toBe(404)
      expect(answer.json.code).toBe(404)
      texts.add(answer.text.replace(path, '<path>'))
      expect(await lastDiagnosis(mock)).toBe(diagnosis)
    }
    expect([...texts]).toEqual(['{"code":404,"message":"接口不存在：POST /api<path>","data":null}'])
  })
})
