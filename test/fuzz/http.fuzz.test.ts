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
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { Mock } from '../../mock/index.js'
import {
  adminState, anyText, baseline, expectAdminJson, FUZZ_NOW, FUZZ_TIMEOUT_MS, fuzzMock, fuzzParams, headerText, httpTarget, parseResponses, rawExchange,
  signed, UPSTREAM_PATH, watchStderr, type RawResponse,
} from './support.js'

type Chunk = string | Uint8Array | number

/**
 * A raw request: the chunks written, the methods of the requests in it (a HEAD answer has no body),
 * and how many answers it may get: one per request, one more for a body sent without a length (its
 * bytes are the next request's).
 */
interface RawRequest {
  readonly chunks: readonly Chunk[]
  readonly methods: readonly string[]
  readonly answers: number
}

const printableRaw = (r: RawRequest): RawRequest =>
  Object.defineProperty({ ...r }, fc.toStringMethod, { value: () => JSON.stringify(r.chunks.map((c) => (typeof c === 'number' ? c : Buffer.from(c).toString('latin1').slice(0, 300)))), enumerable: false })

const json = (value: unknown) => JSON.stringify(value)

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

/** Stops a server, or says it could not: every connection should be gone or idle, so stopping takes no grace period. */
async function stopsAtOnce(server: { close(graceMs?: number): Promise<void> }): Promise<string> {
  return Promise.race([server.close(60_000).then(() => 'stopped'), new Promise<string>((r) => setTimeout(() => r('a connection is still open after 20 s'), 20_000).unref())])
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
    const payload = chunked ? `${bytes > 0 ? `${bytes.toString(16)}\r\n${body}\r\n` : ''}0\r\n\r\n` : headers.length === 'bad-chunks' ? `zz\r\n${body}\r\n` : body
    const sig = signed ? signedLines(mock, body) : ''
    const head = `${method} ${target}${version}\r\n${[...headers.host, ...lengthLines[headers.length]!, ...headers.extra].map((l) => `${l}\r\n`).join('')}${sig}\r\n`
    return { bytes: Buffer.concat([Buffer.from(head), Buffer.from(payload)]), method, unframed: headers.length === 'none' && bytes > 0 }
  })

/** One to three requests on a connection: whole, pipelined, or cut short. */
const rawRequestArb = (mock: Mock): fc.Arbitrary<RawRequest> =>
  fc
    .tuple(fc.array(oneRequest(mock), { minLength: 1, maxLength: 3 }), fc.oneof({ weight: 6, arbitrary: fc.constant<'whole'>('whole') }, { weight: 1, arbitrary: fc.constant<'cut'>('cut') }, { weight: 1, arbitrary: fc.constant<'split'>('split') }), fc.nat())
    .map(([requests, how, at]) => {
      const all = Buffer.concat(requests.map((r) => r.bytes))
      const methods = requests.map((r) => r.method)
      const answers = requests.length + requests.filter((r) => r.unframed).length
      if (how === 'cut') return printableRaw({ chunks: [all.subarray(0, at % all.length)], methods, answers })
      if (how === 'split') return printableRaw({ chunks: [all.subarray(0, at % all.length), 5, all.subarray(at % all.length)], methods, answers })
      return printableRaw({ chunks: [all], methods, answers })
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
    const own = await httpTarget(mock)
    onTestFinished(() => own.close(0))
    const good = await baseline(own, mock)
    const before = adminState(mock)
    const stderr = watchStderr()
    try {
      await fc.assert(
        fc.asyncProperty(rawRequestArb(mock), async (request) => {
          const bytes = await rawExchange(own.server.port, request.chunks, { idleMs: 150, end: true })
          expect(stderr.take(), 'nothing is written to stderr').toBe('')
          const responses = parseResponses(bytes, request.methods.map((m) => m === 'HEAD'))
          expect(responses.length, `at most one answer per request: ${JSON.stringify(bytes.toString('latin1'))}`).toBeLessThanOrEqual(request.answers)
          for (const response of responses) expectCleanAnswer(response, String(request))
        }),
        fuzzParams(700),
      )
    } finally {
      stderr.stop()
    }
    await good.check()
    expect(adminState(mock), 'the world is unchanged: nothing but /__mock… reached the admin API').toBe(before)
    expect(await stopsAtOnce(own), 'no connection is left open once its client is gone').toBe('stopped')
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

  it('Expect: 100-continue behind a pipelined request gets its 100 before its answer, not inside it', async () => {
    const expecting = goodRaw(mock, '{"size":5}', 'Expect: 100-continue\r\n')
    const bytes = await rawExchange(target.server.port, [goodRaw(mock) + expecting], { end: true })
    const text = bytes.toString('latin1')
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 100', 'HTTP/1.1 200'])
    const responses = parseResponses(bytes)
    expect(responses.map((r) => JSON.parse(r.body.toString()).code)).toEqual([0, 0])
    // Alone, it gets the 100 first, then its answer.
    const alone = (await rawExchange(target.server.port, [expecting], { end: true })).toString('latin1')
    expect(alone.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 100', 'HTTP/1.1 200'])
  })

  it('an Expect header other than 100-continue is ignored: the request is served, not answered with Node\'s bare 417', async () => {
    for (const value of ['', 'x-other', '100-continue, x']) {
      const [response, ...more] = parseResponses(await rawExchange(target.server.port, [goodRaw(mock, '{"size":3}', `Expect: ${value}\r\n`)], { end: true }))
      expect(response!.status).toBe(200)
      expect(JSON.parse(response!.body.toString())).toMatchObject({ code: 0 })
      expect(more).toEqual([])
    }
  })

  it('a connection Node stops parsing (CONNECT, malformed HTTP) is closed once answered, even while its client keeps sending: it does not keep the server from stopping', async () => {
    for (const first of ['CONNECT / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'GET /a b HTTP/1.1\r\n\r\n']) {
      const own = await httpTarget(await fuzzMock())
      onTestFinished(() => own.close(0))
      const socket = connect(own.server.port, '127.0.0.1').on('error', () => undefined)
      const answered = new Promise((resolve) => socket.once('data', resolve))
      socket.write(first + `GET /${'a'.repeat(3_000_000)}`)
      socket.end()
      await answered
      const stopped = await stopsAtOnce(own)
      socket.destroy()
      expect(stopped).toBe('stopped')
    }
  }, 60_000)

  it('CONNECT gets a 405 envelope, not a connection dropped unanswered', async () => {
    const [response] = parseResponses(await rawExchange(target.server.port, ['CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n'], { end: true }))
    expect(response!.status).toBe(405)
    expect(JSON.parse(response!.body.toString())).toMatchObject({ code: 405, data: null })
  })
})

// The other probes, bounded -----------------------------------------------------------------------------

/**
 * Writes `head`, then body chunks (`framing` wraps each) until the server answers or closes, or
 * `maxBytes` have been written. Answers what came back and how many body bytes were written.
 */
function uploadUntilAnswered(port: number, head: string, framing: (chunk: Buffer) => Buffer, maxBytes: number): Promise<{ answer: Buffer; sent: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    const chunk = framing(Buffer.alloc(64 * 1024, 'x'))
    let sent = 0
    let stopped = false
    const stop = () => {
      if (stopped) return
      stopped = true
      // Let the rest of the answer arrive, then leave.
      setTimeout(() => (socket.destroy(), resolve({ answer: Buffer.concat(received), sent })), 100)
    }
    socket.on('data', (c: Buffer) => (received.push(c), stop())).on('close', stop).on('error', stop)
    socket.write(head)
    const pump = () => {
      while (!stopped && sent < maxBytes) {
        sent += chunk.byteLength
        if (!socket.write(chunk)) return void socket.once('drain', pump)
      }
      if (sent >= maxBytes) stop()
    }
    pump()
  })
}

describe('probes: load, slowloris, oversized bodies, cross-site admin requests (bounded)', () => {
  let mock: Mock
  let target: Awaited<ReturnType<typeof httpTarget>>
  beforeAll(async () => {
    mock = await fuzzMock()
    target = await httpTarget(mock)
  })
  afterAll(() => target.close())

  it('200 concurrent connections, three pipelined signed requests each: every one answered 200 with code 0, the same bytes for the same request', async () => {
    const bodies = ['{"size":3}', '{"size":5,"type":1}', '{"size":7}']
    const exchanges = await Promise.all(Array.from({ length: 200 }, () => rawExchange(target.server.port, [bodies.map((b) => goodRaw(mock, b)).join('')], { end: true, idleMs: 5000 })))
    const reference = parseResponses(exchanges[0]!)
    expect(reference.map((r) => JSON.parse(r.body.toString()).code)).toEqual([0, 0, 0])
    for (const bytes of exchanges) {
      const responses = parseResponses(bytes)
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200])
      responses.forEach((r, i) => expect(r.body.equals(reference[i]!.body), 'identical bytes for identical requests').toBe(true))
    }
  }, FUZZ_TIMEOUT_MS)

  it('slowloris: 20 connections sending a request a byte every 100-200 ms for 3 s do not slow a normal client (p50 at most 5× its own baseline + 50 ms), nothing crashes', async () => {
    const request = signed(mock, '{"size":3}')
    const p50 = async (n: number) => {
      const times: number[] = []
      for (let i = 0; i < n; i++) {
        const start = performance.now()
        const answer = await target.send(request)
        times.push(performance.now() - start)
        expect(answer.status).toBe(200)
      }
      return times.sort((a, b) => a - b)[Math.floor(n / 2)]!
    }
    const stderr = watchStderr()
    const sockets: Socket[] = []
    const timers: NodeJS.Timeout[] = []
    try {
      const baseline = await p50(30)
      const slow = Buffer.from(goodRaw(mock))
      for (let s = 0; s < 20; s++) {
        const socket = connect(target.server.port, '127.0.0.1').on('error', () => undefined)
        sockets.push(socket)
        let at = 0
        const drip = () => {
          if (socket.destroyed || at >= slow.length) return
          socket.write(slow.subarray(at, ++at))
          timers.push(setTimeout(drip, 100 + ((s * 37 + at * 13) % 101)))
        }
        drip()
      }
      const started = performance.now()
      await new Promise((r) => setTimeout(r, 300))
      const underAttack = await p50(30)
      expect(underAttack, `p50 ${underAttack.toFixed(1)} ms under slowloris, baseline ${baseline.toFixed(1)} ms`).toBeLessThanOrEqual(5 * baseline + 50)
      await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (performance.now() - started))))
      expect(sockets.filter((s) => s.destroyed), 'the slow connections are still open: the attack lasted').toEqual([])
    } finally {
      timers.forEach(clearTimeout)
      sockets.forEach((s) => s.destroy())
      expect(stderr.stop()).toBe('')
    }
    expect((await target.send(request)).status).toBe(200)
  }, FUZZ_TIMEOUT_MS)

  it('oversized bodies, declared or chunked, get the 413 envelope before they are read whole (upstream)', async () => {
    const declared = 256 * 1024 * 1024
    const path = `/api${UPSTREAM_PATH}`
    const cases = [
      { head: `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${declared}\r\n\r\n`, framing: (c: Buffer) => c },
      { head: `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`, framing: (c: Buffer) => Buffer.concat([Buffer.from(`${c.byteLength.toString(16)}\r\n`), c, Buffer.from('\r\n')]) },
    ]
    for (const { head, framing } of cases) {
      const { answer, sent } = await uploadUntilAnswered(target.server.port, head, framing, 32 * 1024 * 1024)
      expect(sent, 'answered before 32 MiB were sent').toBeLessThan(32 * 1024 * 1024)
      const [response] = parseResponses(answer)
      expect(response!.status).toBe(413)
      expect(JSON.parse(response!.body.toString())).toEqual({ code: 413, message: '请求体过大', data: null })
    }
  }, FUZZ_TIMEOUT_MS)

  it('an oversized upload to the admin API without the token (one configured) is refused (401) before it is read whole, and changes nothing', async () => {
    const guarded = await fuzzMock({ adminToken: 'fuzz-secret-token' })
    const server = await httpTarget(guarded)
    try {
      const before = adminState(guarded)
      for (const route of ['/__mock/world', '/__mock/customers']) {
        const head = `POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${256 * 1024 * 1024}\r\n\r\n`
        const { answer, sent } = await uploadUntilAnswered(server.server.port, head, (c) => c, 32 * 1024 * 1024)
        expect(sent, 'answered before 32 MiB were sent').toBeLessThan(32 * 1024 * 1024)
        const [response] = parseResponses(answer)
        // The token is asked for first: the body is never looked at.
        expect(response!.status).toBe(401)
        expect(Object.keys(JSON.parse(response!.body.toString()))).toEqual(['error'])
      }
      expect(adminState(guarded)).toBe(before)
    } finally {
      await server.close()
    }
  }, FUZZ_TIMEOUT_MS)

  it('cross-site admin requests (random Origin, Host, Sec-Fetch-Site, Content-Type): refused (403/415) unless same-origin JSON from a local Host; a refused one changes nothing', async () => {
    const port = target.server.port
    // A world load (a route below) changes the members: the one to follow is asked for at send time.
    const member = () => mock.admin.exportWorld().members[0]!.qwUserId
    const routes: [string, string, string | (() => string)][] = [
      ['POST', '/__mock/customers', () => json({ followers: [{ qwUserId: member() }] })],
      ['POST', '/__mock/clock', '{"advanceMs":1000}'],
      ['POST', '/__mock/faults', '[]'],
      ['DELETE', '/__mock/requests', ''],
      ['POST', '/__mock/reset', ''],
      ['POST', '/__mock/world', '{"version":1,"generate":{"seed":"x","customers":5,"staff":2}}'],
    ]
    /** Mostly the values a local client sends, so that about a quarter of the combinations are same-origin JSON. */
    const mostly = <T,>(good: readonly T[], bad: readonly T[]) => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) })
    const hosts = mostly([`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`, `app.localhost:${port}`, undefined], ['evil.example', `evil.example:${port}`, `127.0.0.1.nip.io:${port}`, 'a b'])
    const origins = mostly([undefined, undefined, `http://127.0.0.1:${port}`], [`http://localhost:${port}`, `https://127.0.0.1:${port}`, 'http://127.0.0.1:1', 'http://evil.example', 'null', 'garbage'])
    const fetchSites = mostly([undefined, 'same-origin', 'same-site', 'none'], ['cross-site', 'CROSS-SITE'])
    const types = mostly(['application/json', 'application/json; charset=utf-8'], ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined])
    const loopback = (name: string) => name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name)
    let state = adminState(mock)
    const stderr = watchStderr()
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), hosts, origins, fetchSites, types, async ([method, route, makeBody], host, origin, site, type) => {
          const body = typeof makeBody === 'string' ? makeBody : makeBody()
          const lines = [host && `Host: ${host}`, origin && `Origin: ${origin}`, site && `Sec-Fetch-Site: ${site}`, type && `Content-Type: ${type}`, `Content-Length: ${Buffer.byteLength(body)}`].filter(Boolean)
          const [response] = parseResponses(await rawExchange(port, [`${method} ${route} HTTP/1.1\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n${body}`], { end: true, idleMs: 2000 }))
          expect(stderr.take()).toBe('')
          const where = `${method} ${route} host ${host} origin ${origin} site ${site} type ${type} → ${response!.status} ${response!.body.toString().slice(0, 200)}`
          expectCleanAnswer(response!, where)
          let hostname: string | undefined
          try {
            hostname = host === undefined ? '127.0.0.1' : new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, '$1')
          } catch {
            hostname = undefined
          }
          const localHost = hostname !== undefined && (hostname === '127.0.0.1' || loopback(hostname))
          const ownOrigin = origin === undefined || (() => {
            try {
              const url = new URL(origin)
              return ['http:', 'https:'].includes(url.protocol) && url.host === new URL(`http://${host ?? `127.0.0.1:${port}`}`).host
            } catch {
              return false
            }
          })()
          const json = (type === undefined && body === '') || (type !== undefined && type.split(';')[0]!.trim() === 'application/json')
          const sameOrigin = site?.toLowerCase() !== 'cross-site'
          if (localHost && ownOrigin && json && sameOrigin) {
            expect(response!.status, where).toBeLessThan(300)
            state = adminState(mock)
          } else {
            expect([403, 415], where).toContain(response!.status)
            expect(adminState(mock), `a refused change changes nothing: ${where}`).toBe(state)
          }
        }),
        fuzzParams(150),
      )
    } finally {
      stderr.stop()
    }
  }, FUZZ_TIMEOUT_MS)
})
