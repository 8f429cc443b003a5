/**
 * The standalone host over raw sockets: random request lines (garbage methods, `//[`, `//%zz`,
 * `//a:b@[::1`, `*`, absolute- and authority-form targets, control characters, very long and
 * unicode targets, admin-looking paths that are not admin paths), random header blocks (no Host,
 * duplicate Content-Length, bad Transfer-Encoding, huge headers), truncated and pipelined requests.
 *
 * Properties: never a 5xx, never HTML or a stack; every body is the upstream envelope (or the admin
 * API's JSON on /__mock paths); nothing on stderr; afterwards a good signed request answers with the
 * same bytes as before and the world is unchanged (nothing but /__mock… reached the admin API).
 *
 * And bounded versions of the other probes of issue 10: 200 concurrent connections, slowloris,
 * oversized bodies, cross-site admin requests.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Mock } from '../../mock/index.js'
import {
  adminState, anyText, baseline, expectAdminJson, FUZZ_NOW, FUZZ_TIMEOUT_MS, fuzzMock, fuzzParams, headerText, httpTarget, parseResponses, rawExchange,
  UPSTREAM_PATH, watchStderr, type RawResponse,
} from './support.js'

type Chunk = string | Uint8Array | number

/** A raw request: the chunks written and the methods of the requests in it (a HEAD answer has no body). */
interface RawRequest {
  readonly chunks: readonly Chunk[]
  readonly methods: readonly string[]
}

const printableRaw = (r: RawRequest): RawRequest =>
  Object.defineProperty({ ...r }, fc.toStringMethod, { value: () => JSON.stringify(r.chunks.map((c) => (typeof c === 'number' ? c : Buffer.from(c).toString('latin1').slice(0, 300)))), enumerable: false })

/** Signed header lines for a body, at the fuzzed mock's time. */
function signedLines(mock: Mock, body: string): string {
  return Object.entries(mock.sign(body, FUZZ_NOW)).map(([k, v]) => `${k}: ${v}\r\n`).join('')
}

/** A good signed request as raw text. */
function goodRaw(mock: Mock, body = '{"size":3}', extra = ''): string {
  return `POST /api${UPSTREAM_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n${signedLines(mock, body)}content-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`
}

/**
 * Every answer a client can get: never a 5xx; never HTML or a stack trace; a body is JSON — the
 * upstream envelope, or the admin API's JSON for admin paths (`admin`: the request was one).
 */
function expectCleanAnswer(response: RawResponse, where: string): void {
  const text = response.body.toString('utf8')
  const at = `${where} → ${response.head.split('\r\n')[0]} ${text.slice(0, 200)}`
  expect(response.status, at).toBeGreaterThanOrEqual(200)
  expect(response.status, at).toBeLessThan(500)
  expect(`${response.head}\n${text}`, `no HTML, no stack trace, no file path: ${at}`).not.toMatch(/<html|<!doctype|\n\s+at |node:internal|\/work\/|[\w-]+\.[tj]s:\d+/i)
  if (response.body.byteLength === 0) return
  expect(response.headers['content-type'], at).toMatch(/^application\/json/)
  const body = JSON.parse(text) as Record<string, unknown>
  if (Object.keys(body).join() === 'code,message,data') {
    expect(Number.isInteger(body.code), at).toBe(true)
    expect(typeof body.message, at).toBe('string')
  } else {
    // The admin API's JSON: a refusal is {error, issues?}.
    expectAdminJson({ status: response.status, headers: new Headers({ 'content-type': response.headers['content-type']! }), body: response.body }, { method: 'GET', path: where, headers: [] })
  }
}

/** TCP sockets open in this process (the server's side of each connection, and the test's). */
const openSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length

/** `measure()` once it is at most `target`, or after a second of trying. */
async function settled(measure: () => number, target: number): Promise<number> {
  for (let i = 0; i < 50 && measure() > target; i++) await new Promise((r) => setTimeout(r, 20))
  return measure()
}

// Arbitraries -------------------------------------------------------------------------------------

const methodArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('POST', 'GET', 'HEAD') },
  { weight: 2, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE', 'PRI', 'post', 'SEARCH', 'PROPFIND') },
  { weight: 1, arbitrary: fc.oneof(fc.stringMatching(/^[A-Za-z]{1,10}$/), headerText(12), fc.constantFrom('', 'G ET', 'GET\x00', '\u5ba2')) },
)

/** Targets that are not admin paths (the admin API is the other file's), except harmless admin GETs. */
const targetArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(`/api${UPSTREAM_PATH}`, `/apiServer/api${UPSTREAM_PATH}`, '/', '/api', `/api${UPSTREAM_PATH}?size=3`) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '//[', '//%zz', '//a:b@[::1', '//a:b@[::1]/x', '*', 'a:1', '127.0.0.1:80', 'http://evil.example/api' + UPSTREAM_PATH, 'http://[', 'https://a:b@evil/x?y#z', 'HTTP://X/', 'ftp://x/y',
      '//evil/__mock/reset', '/x/__mock/reset', '/api/__mock/customers', '/__mockx/reset', '/%5F_mock/reset', '/__mock/health', 'http://evil.example/__mock/health', '/__mock/world',
      '/%00', '/%', '/%zz/..', '/../../etc/passwd', '/\u5ba2\u6237', '/\x7f', '/a\tb', '/\x01', '/ /', '?x', '#x', '',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 }).map((s) => `/${s}`) },
  { weight: 1, arbitrary: fc.integer({ min: 2000, max: 40_000 }).map((n) => `/${'a'.repeat(n)}`) },
  { weight: 1, arbitrary: anyText(20).map((s) => `/${s}`) },
).filter((t) => !/^\/__mock\/(reset|customers|relations|clock|faults|requests|tenants)/.test(t))

const versionArb = fc.oneof({ weight: 8, arbitrary: fc.constant(' HTTP/1.1') }, { weight: 1, arbitrary: fc.constantFrom(' HTTP/1.0', ' HTTP/2.0', ' HTTP/9.9', ' HTTP/1.1 x', '', ' http/1.1', ' HTTP/1.1\u0000') })

/** A header block's lines (each without CRLF) for a request whose body is `length` bytes. */
const headersArb = fc.record({
  host: fc.oneof({ weight: 5, arbitrary: fc.constant(['Host: 127.0.0.1']) }, { weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.constantFrom(['Host: evil.example'], ['Host: a', 'Host: b'], ['Host: [::1'], ['Host:'], ['Host: 127.0.0.1:99999']) }),
  length: fc.oneof(
    { weight: 5, arbitrary: fc.constant('exact') },
    { weight: 1, arbitrary: fc.constantFrom('none', 'duplicate-same', 'duplicate-different', 'negative', 'huge', 'garbage', 'chunked', 'chunked+length', 'bad-te', 'te-twice', 'bad-chunks', 'short') },
  ),
  extra: fc.array(
    fc.oneof(
      fc.tuple(fc.constantFrom('content-type', 'x-junk', 'appId', 'sign', 'timestamp', 'origin', 'connection', 'expect', 'upgrade', 'authorization', 'cookie'), headerText(40)).map(([k, v]) => `${k}: ${v}`),
      fc.constantFrom('no-colon', ': empty-name', 'bad name: x', ' folded: continuation', 'x-ctl: a\u0001b', 'x-nul: a\u0000b', 'Expect: 100-continue', 'Connection: upgrade', 'Upgrade: websocket', 'x-big: ' + 'x'.repeat(20_000), 'x-unicode: \u5ba2'),
    ),
    { maxLength: 3 },
  ),
})

/** One request's bytes (and its method, for the answer's body). */
const oneRequest = (mock: Mock) =>
  fc.record({ method: methodArb, target: targetArb, version: versionArb, headers: headersArb, body: fc.oneof(fc.constant('{"size":3}'), fc.constant(''), anyText(30)), signed: fc.boolean() }).map(({ method, target, version, headers, body, signed }) => {
    const bytes = Buffer.byteLength(body)
    const lengthLines: Record<string, string[]> = {
      exact: [`Content-Length: ${bytes}`],
      none: [],
      'duplicate-same': [`Content-Length: ${bytes}`, `Content-Length: ${bytes}`],
      'duplicate-different': [`Content-Length: ${bytes}`, `Content-Length: ${bytes + 1}`],
      negative: ['Content-Length: -1'],
      huge: ['Content-Length: 99999999999999999999'],
      garbage: ['Content-Length: 1e3'],
      chunked: ['Transfer-Encoding: chunked'],
      'chunked+length': ['Transfer-Encoding: chunked', `Content-Length: ${bytes}`],
      'bad-te': ['Transfer-Encoding: gzip'],
      'te-twice': ['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'],
      'bad-chunks': ['Transfer-Encoding: chunked'],
      short: [`Content-Length: ${bytes + 5}`],
    }
    const chunked = ['chunked', 'chunked+length', 'te-twice'].includes(headers.length)
    const payload = chunked ? `${bytes.toString(16)}\r\n${body}\r\n0\r\n\r\n` : headers.length === 'bad-chunks' ? `zz\r\n${body}\r\n` : body
    const sig = signed ? signedLines(mock, body) : ''
    const head = `${method} ${target}${version}\r\n${[...headers.host, ...lengthLines[headers.length]!, ...headers.extra].map((l) => `${l}\r\n`).join('')}${sig}\r\n`
    return { bytes: Buffer.concat([Buffer.from(head), Buffer.from(payload)]), method }
  })

/** One to three requests on a connection: whole, pipelined, or cut short. */
const rawRequestArb = (mock: Mock): fc.Arbitrary<RawRequest> =>
  fc
    .tuple(fc.array(oneRequest(mock), { minLength: 1, maxLength: 3 }), fc.oneof({ weight: 6, arbitrary: fc.constant<'whole'>('whole') }, { weight: 1, arbitrary: fc.constant<'cut'>('cut') }, { weight: 1, arbitrary: fc.constant<'split'>('split') }), fc.nat())
    .map(([requests, how, at]) => {
      const all = Buffer.concat(requests.map((r) => r.bytes))
      const methods = requests.map((r) => r.method)
      if (how === 'cut') return printableRaw({ chunks: [all.subarray(0, at % all.length)], methods })
      if (how === 'split') return printableRaw({ chunks: [all.subarray(0, at % all.length), 5, all.subarray(at % all.length)], methods })
      return printableRaw({ chunks: [all], methods })
    })

// The raw-request fuzz --------------------------------------------------------------------------------

describe('fuzz: raw requests to the standalone host (net.connect to 127.0.0.1:0)', () => {
  let mock: Mock
  let target: Awaited<ReturnType<typeof httpTarget>>
  beforeAll(async () => {
    mock = await fuzzMock()
    target = await httpTarget(mock)
  })
  afterAll(() => target.close())

  it('random request lines, header blocks, truncated and pipelined requests: never a 5xx, HTML or a stack; the envelope or admin JSON; nothing on stderr; state kept', async () => {
    const good = await baseline(target, mock)
    const before = adminState(mock)
    const socketsBefore = openSockets()
    const stderr = watchStderr()
    try {
      await fc.assert(
        fc.asyncProperty(rawRequestArb(mock), async (request) => {
          const bytes = await rawExchange(target.server.port, request.chunks, { idleMs: 150, end: true })
          expect(stderr.take(), 'nothing is written to stderr').toBe('')
          const responses = parseResponses(bytes, request.methods.map((m) => m === 'HEAD'))
          expect(responses.length, `at most one answer per request: ${JSON.stringify(bytes.toString('latin1'))} for ${JSON.stringify(request.chunks.map((c) => (typeof c === 'number' ? c : Buffer.from(c).toString('latin1'))))}`).toBeLessThanOrEqual(request.methods.length)
          for (const response of responses) expectCleanAnswer(response, String(request))
        }),
        fuzzParams(700),
      )
    } finally {
      stderr.stop()
    }
    await good.check()
    expect(adminState(mock), 'the world is unchanged: nothing but /__mock… reached the admin API').toBe(before)
    expect(await settled(openSockets, socketsBefore), 'no connection is left open on the server once its client is gone').toBeLessThanOrEqual(socketsBefore)
  }, FUZZ_TIMEOUT_MS)

  it('a request without a Host header gets the envelope (upstream) or is served (admin), not Node\'s bare 400', async () => {
    const [upstream] = parseResponses(await rawExchange(target.server.port, ['GET /x HTTP/1.1\r\n\r\n'], { end: true }))
    expect(upstream!.status).toBe(404)
    expect(JSON.parse(upstream!.body.toString())).toEqual({ code: 404, message: '接口不存在：GET /x', data: null })
    const body = '{"size":3}'
    const [signed] = parseResponses(await rawExchange(target.server.port, [goodRaw(mock, body).replace('Host: 127.0.0.1\r\n', '')], { end: true }))
    expect(JSON.parse(signed!.body.toString())).toMatchObject({ code: 0 })
    const [health] = parseResponses(await rawExchange(target.server.port, ['GET /__mock/health HTTP/1.0\r\n\r\n'], { end: true }))
    expect(health!.status).toBe(200)
    expect(JSON.parse(health!.body.toString())).toMatchObject({ status: 'ok' })
  })

  it('a HEAD request Node cannot parse gets the envelope\'s head without a body (a body would be read as the next answer)', async () => {
    const bytes = await rawExchange(target.server.port, ['HEAD /a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'], { end: true })
    const [response, ...more] = parseResponses(bytes, [true])
    expect(response!.status).toBe(400)
    expect(response!.headers['content-type']).toMatch(/^application\/json/)
    expect(response!.body.byteLength).toBe(0)
    expect(more).toEqual([])
    // The same request as GET gets the body.
    const [get] = parseResponses(await rawExchange(target.server.port, ['GET /a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'], { end: true }))
    expect(JSON.parse(get!.body.toString())).toEqual({ code: 400, message: 'HTTP 请求格式错误', data: null })
  })

  it('a good request pipelined before a malformed one gets its own answer first, not the 400 in its place', async () => {
    for (const bad of ['GET /a b HTTP/1.1\r\n\r\n', 'CONNECT a:1 HTTP/1.1\r\n\r\n']) {
      const bytes = await rawExchange(target.server.port, [goodRaw(mock) + bad], { end: true })
      const responses = parseResponses(bytes)
      expect(responses.map((r) => r.status)).toEqual([200, bad.startsWith('CONNECT') ? 405 : 400])
      expect(JSON.parse(responses[0]!.body.toString())).toMatchObject({ code: 0 })
    }
  })

  it('CONNECT gets a 405 envelope, not a connection dropped unanswered', async () => {
    const [response] = parseResponses(await rawExchange(target.server.port, ['CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n'], { end: true }))
    expect(response!.status).toBe(405)
    expect(JSON.parse(response!.body.toString())).toMatchObject({ code: 405, data: null })
  })
})
