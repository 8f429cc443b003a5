/**
 * The standalone host's direct path (decisions/0011-standalone-host-fast-path.md) against msw's:
 * two mocks of the same seed and clock get the same requests, one over HTTP (startServer: upstream
 * calls straight to the pipeline) and one through msw's getResponse over its handlers (as
 * setupServer runs them). Every answer must be the same: status, headers (but the transport's own
 * and the random request id) and bytes, and so must the journals the two mocks keep.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock, type MockOptions } from '../../mock/index.js'
import { computeSign } from '../../mock/protocol/signing.js'
import { FUZZ_NOW, httpTarget, inProcessTarget, type FuzzAnswer, type FuzzRequest, type Target } from '../fuzz/support.js'

const LIST = '/api/v3/customer-relation/list-by-relation-create-time-asc'
/** Headers only a transport adds (Node's HTTP server), or that differ per request by design. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'x-request-id'])
const options: MockOptions = { seed: 'fast-path', customers: 120, staff: 5, now: () => FUZZ_NOW }

let viaHttp: Mock
let viaMsw: Mock
let http: Awaited<ReturnType<typeof httpTarget>>
let msw: Target

beforeAll(async () => {
  viaHttp = await createMock(options)
  viaMsw = await createMock(options)
  http = await httpTarget(viaHttp)
  msw = inProcessTarget(viaMsw)
})
afterAll(() => http.close())

const comparable = (answer: FuzzAnswer, head: boolean) => ({
  status: answer.status,
  headers: headerList(answer.headers).filter(([name]) => !TRANSPORT.has(name)),
  requestId: /^[0-9a-f-]{36}$/.test(answer.headers.get('x-request-id') ?? ''),
  // A HEAD answer has no body over HTTP.
  body: head ? '' : answer.body.toString('latin1'),
})

const headerList = (headers: Headers) => {
  const list: [string, string][] = []
  headers.forEach((value, name) => list.push([name, value]))
  return list
}

/** Sends the request to both and expects the same answer. */
async function same(request: FuzzRequest): Promise<FuzzAnswer> {
  const [overHttp, throughMsw] = [await http.send(request), await msw.send(request)]
  const head = request.method === 'HEAD'
  expect(comparable(overHttp, head), `${request.method} ${request.path}`).toEqual(comparable(throughMsw, head))
  return overHttp
}

const signedHeaders = (mock: Mock, body: string | Uint8Array, extra: [string, string][] = []): [string, string][] => [
  ['content-type', 'application/json'],
  ...(Object.entries(mock.sign(body, FUZZ_NOW)) as [string, string][]),
  ...extra,
]
const post = (body: string, path = LIST, extra: [string, string][] = []): FuzzRequest => ({ method: 'POST', path, headers: signedHeaders(viaHttp, body, extra), body: Buffer.from(body) })

/** The journals of both mocks, without the request ids (random per request). */
const journals = () => [viaHttp, viaMsw].map((mock) => mock.admin.requests().map(({ requestId: _, ...entry }) => entry))

describe('the standalone host answers as msw does', () => {
  it('pages, filters and cursors, on every prefix, and the other endpoints', async () => {
    const first = JSON.parse((await same(post('{"size":100}'))).body.toString('utf8')) as { code: number; data: { nextCursor: string } }
    expect(first.code).toBe(0)
    await same(post(JSON.stringify({ size: 100, cursor: first.data.nextCursor })))
    await same(post('{"type":2,"size":50}'))
    await same(post('{"size":5}', '/apiServer/api/v3/customer-relation/list-by-relation-create-time-asc'))
    await same(post('{"size":5}', '/v3/customer-relation/list-by-relation-create-time-asc'))
    await same(post('{}', '/api/v3/echo'))
    await same(post('{}', '/api/v3/profile-fields'))
    await same(post('{}', '/api/v3/tags/list-tree'))
    await same(post('{"searchKey":"1","pageNo":1,"pageSize":5}', '/api/v3/customer/search'))
    await same(post('{"since":"2025-01-01 00:00:00","size":20}', '/api/v3/clue/list-by-create-time-asc'))
    // A write: both worlds change alike, and the reads after it agree.
    await same(post('{"customerName":"张三","mobiles":["18803561678"],"fields":[{"alias":"性别","fieldValue":1}]}', '/api/v3/add-clue'))
    await same(post('[{"fields":[{"id":253211443480640,"value":["王小明"]}]}]', '/api/v3/save-highseas'))
    await same(post('{"size":100}'))
    expect(journals()[0]).toEqual(journals()[1])
  })

  it('bad signatures, timestamps, appIds, bodies, methods and paths', async () => {
    const body = '{"size":3}'
    const signed = viaHttp.sign(body, FUZZ_NOW)
    const withHeaders = (headers: [string, string][], method = 'POST', path = LIST): FuzzRequest => ({ method, path, headers, body: Buffer.from(body) })
    await same(withHeaders([['appId', signed.appId], ['timestamp', signed.timestamp], ['sign', signed.sign.replace(/.$/, '0')]]))
    await same(withHeaders([['appId', signed.appId], ['timestamp', signed.timestamp], ['sign', signed.sign.toUpperCase()]]))
    await same(withHeaders([['appId', signed.appId], ['timestamp', String(FUZZ_NOW - 3_600_000)], ['sign', computeSign(signed.appId, String(FUZZ_NOW - 3_600_000), body, viaHttp.credentials.appKey)]]))
    await same(withHeaders([['appId', signed.appId], ['timestamp', 'yesterday'], ['sign', signed.sign]]))
    await same(withHeaders([['appId', 'ww0123456789abcdef_Other1'], ['timestamp', signed.timestamp], ['sign', signed.sign]]))
    await same(withHeaders([['timestamp', signed.timestamp]]))
    // A repeated appId is joined with ", " on both hosts (and is then no known appId).
    await same(withHeaders([['appId', signed.appId], ['appId', signed.appId], ['timestamp', signed.timestamp], ['sign', signed.sign]]))
    for (const bad of ['{"size": 2', '[1]', '"x"', '{"size":"many"}', '{"cursor":"nope"}', '', '{"qwUserId":"nobody"}']) await same(post(bad))
    await same({ ...post('', '/api/v3/save-highseas') })
    await same({ method: 'GET', path: LIST, headers: signedHeaders(viaHttp, '') })
    await same({ method: 'HEAD', path: LIST, headers: signedHeaders(viaHttp, '') })
    await same({ method: 'DELETE', path: LIST, headers: signedHeaders(viaHttp, '') })
    await same(post('{}', '/api/v3/no-such-endpoint'))
    await same({ method: 'GET', path: '/', headers: [] })
    await same({ method: 'HEAD', path: '/api/v9/x?y=1', headers: [] })
    await same({ method: 'POST', path: '/api/v3/echo?x=%zz', headers: signedHeaders(viaHttp, '{}'), body: Buffer.from('{}') })
    expect(journals()[0]).toEqual(journals()[1])
  })

  it('the admin API, and faults that answer in place of the endpoint', async () => {
    await same({ method: 'GET', path: '/__mock/health', headers: [] })
    await same({ method: 'GET', path: '/__mock/world', headers: [] })
    const rules = JSON.stringify([
      { kind: 'error', code: -1, message: '系统繁忙', calls: { nth: [1] } },
      { kind: 'gateway', status: 503, calls: { nth: [2] } },
      { kind: 'rateLimit', qps: 1, burst: 1, endpoint: '/v3/echo' },
      { kind: 'shortPage', items: 3, calls: { nth: [3] } },
    ])
    await same({ method: 'POST', path: '/__mock/faults', headers: [['content-type', 'application/json']], body: Buffer.from(rules) })
    for (let i = 0; i < 4; i++) await same(post('{"size":10}'))
    for (let i = 0; i < 3; i++) await same(post('{}', '/api/v3/echo'))
    await same({ method: 'DELETE', path: '/__mock/faults', headers: [] })
    expect(journals()[0]).toEqual(journals()[1])
  })

  it('random headers around a signed request: the same answer (a property)', async () => {
    const body = '{"size":2}'
    const signed = viaHttp.sign(body, FUZZ_NOW)
    const value = fc.constantFrom(signed.appId, signed.timestamp, signed.sign, ` ${signed.sign} `, `\t${signed.appId}`, '', 'x', signed.sign.toUpperCase())
    // Names as the signed ones are spelt: Node's client folds names that differ in case into one header.
    const header = fc.tuple(fc.constantFrom('appId', 'timestamp', 'sign', 'appKey', 'x-other'), value)
    await fc.assert(
      fc.asyncProperty(fc.array(header, { maxLength: 5 }), fc.boolean(), async (extra, withSigned) => {
        const headers: [string, string][] = [['content-type', 'application/json'], ...(withSigned ? (Object.entries(signed) as [string, string][]) : []), ...extra]
        await same({ method: 'POST', path: LIST, headers, body: Buffer.from(body) })
      }),
      { seed: 20_261_125, numRuns: 60 },
    )
    expect(journals()[0]).toEqual(journals()[1])
  })
})
