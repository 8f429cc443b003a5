/**
 * Shared helpers for the fuzz tests (test/fuzz/*.fuzz.test.ts): the run size and seed, targets that
 * send one request in-process (the handlers, as setupServer runs them) or over HTTP (startServer on
 * 127.0.0.1:0), a stderr watch, the envelope check, and arbitraries for garbage of every kind.
 *
 * `npm test` runs a bounded, seeded pass (a few thousand cases). `npm run fuzz` sets FUZZ=1: many
 * more cases (FUZZ_SCALE, default 20×) with FUZZ_SEED or a random seed, printed so a failure can be
 * replayed with `FUZZ_SEED=<seed> npm run fuzz`.
 */
import { createHash } from 'node:crypto'
import { Agent, request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import fc from 'fast-check'
import { getResponse } from 'msw'
import { expect } from 'vitest'
import { createMock, startServer, type Mock, type MockOptions, type RunningServer } from '../../mock/index.js'

const FUZZ = process.env.FUZZ === '1'

/** The seed of every property: fixed in `npm test`, from FUZZ_SEED or random in `npm run fuzz`. */
export const FUZZ_SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : FUZZ ? Math.floor(Math.random() * 2 ** 31) : 20_260_510
if (FUZZ) process.stdout.write(`fuzz seed ${FUZZ_SEED} (replay: FUZZ_SEED=${FUZZ_SEED} npm run fuzz)\n`)

const SCALE = FUZZ ? Number(process.env.FUZZ_SCALE ?? 20) : 1

/** fast-check parameters for a property of `runs` cases in `npm test` (scaled up by `npm run fuzz`). */
export function fuzzParams(runs: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: Math.round(runs * SCALE), endOnFailure: !FUZZ }
}

/** A test's timeout: generous under `npm run fuzz`, whose runs are many times longer. */
export const FUZZ_TIMEOUT_MS = FUZZ ? 60 * 60_000 : 30_000

/** The fixed virtual time of fuzzed mocks: signatures made at it stay valid. */
export const FUZZ_NOW = 1_750_000_000_000

export const UPSTREAM_PATH = '/v3/customer-relation/list-by-relation-create-time-asc'

/** A small world at a fixed time: every answer is reproducible. */
export function fuzzMock(options: MockOptions = {}): Promise<Mock> {
  return createMock({ seed: 'fuzz', customers: 80, staff: 5, now: () => FUZZ_NOW, ...options })
}

/** One request as a fuzzer builds it: headers as pairs (a name may repeat), the body as bytes. */
export interface FuzzRequest {
  readonly method: string
  /** Path and query, starting with `/`. */
  readonly path: string
  readonly headers: readonly (readonly [string, string])[]
  readonly body?: Uint8Array
}

export interface FuzzAnswer {
  readonly status: number
  readonly headers: Headers
  readonly body: Buffer
}

export interface Target {
  readonly name: string
  send(request: FuzzRequest): Promise<FuzzAnswer>
}

/** The handlers in-process, as setupServer runs them (msw's getResponse), on the upstream's host. */
export function inProcessTarget(mock: Mock, origin = 'https://api.tanmarket.cn:20066'): Target {
  return {
    name: 'in-process',
    async send({ method, path, headers, body }) {
      const init = new Headers()
      for (const [name, value] of headers) init.append(name, value)
      const withBody = method !== 'GET' && method !== 'HEAD'
      const request = new Request(origin + path, { method, headers: init, body: withBody && body ? new Uint8Array(body) : undefined })
      const response = await getResponse(mock.handlers, request)
      if (!response) throw new Error(`no handler answered ${method} ${path}`)
      return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) }
    },
  }
}

/** startServer on 127.0.0.1:0; `close` stops it (requests in flight get `graceMs`, as RunningServer.close). */
export async function httpTarget(mock: Mock): Promise<Target & { readonly server: RunningServer; close(graceMs?: number): Promise<void> }> {
  const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })
  return {
    name: 'http',
    server,
    send({ method, path, headers, body }) {
      return new Promise((resolve, reject) => {
        // An object (a repeated name as an array) so that Node adds Host, as every client does.
        const object: Record<string, string | string[]> = {}
        for (const [name, value] of headers) {
          const had = object[name]
          object[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value]
        }
        if (body) object['content-length'] = String(body.byteLength)
        // Characters outside visible ASCII percent-encoded, as a client does (raw bytes there are the raw-request-line category).
        const target = path.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c))
        const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path: target, headers: object, agent }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c)).on('error', reject).on('end', () => {
            const answerHeaders = new Headers()
            for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) answerHeaders.set(name, Array.isArray(value) ? value.join(', ') : value)
            resolve({ status: res.statusCode!, headers: answerHeaders, body: Buffer.concat(chunks) })
          })
        })
        req.on('error', reject)
        req.end(body)
      })
    },
    async close(graceMs?: number) {
      agent.destroy()
      await server.close(graceMs)
    },
  }
}

/**
 * Everything written to stderr (process.stderr and console.error/warn) from now on: `take()` answers
 * what was written since the last take; `stop()` restores stderr and answers the rest.
 */
export function watchStderr(): { take(): string; stop(): string } {
  let written: string[] = []
  const write = process.stderr.write
  const { error, warn } = console
  process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write
  console.error = (...args: unknown[]) => void written.push(args.map(String).join(' '))
  console.warn = (...args: unknown[]) => void written.push(args.map(String).join(' '))
  const take = () => {
    const text = written.join('')
    written = []
    return text
  }
  return {
    take,
    stop() {
      process.stderr.write = write
      console.error = error
      console.warn = warn
      return take()
    },
  }
}

/**
 * The upstream's answer to anything: not a 5xx, the envelope `{code: integer, message: string, data}`
 * as JSON (a HEAD answer has no body over HTTP: its content type says JSON), with a request id.
 */
export function expectUpstreamEnvelope(answer: FuzzAnswer, request: FuzzRequest): void {
  const where = `${request.method} ${request.path.slice(0, 80)} → ${answer.status} ${answer.body.toString('utf8').slice(0, 200)}`
  expect(answer.status, where).toBeLessThan(500)
  expect(answer.headers.get('content-type'), where).toMatch(/^application\/json/)
  expect(answer.headers.get('x-request-id'), where).toMatch(/^[0-9a-f-]{36}$/)
  if (request.method === 'HEAD' && answer.body.byteLength === 0) return
  const envelope = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>
  expect(Object.keys(envelope), where).toEqual(['code', 'message', 'data'])
  expect(Number.isInteger(envelope.code), where).toBe(true)
  expect(typeof envelope.message, where).toBe('string')
}

/** A request that fast-check prints in a few lines (method, path, headers, the body's start and length). */
export function printable(request: FuzzRequest): FuzzRequest {
  const text = (): string => {
    const body = request.body ? `${request.body.byteLength} bytes: ${JSON.stringify(Buffer.from(request.body.subarray(0, 160)).toString('utf8'))}${request.body.byteLength > 160 ? '…' : ''}` : 'none'
    return `${request.method} ${JSON.stringify(request.path)} headers ${JSON.stringify(request.headers)} body ${body}`
  }
  return Object.defineProperty({ ...request }, fc.toStringMethod, { value: text, enumerable: false })
}

/** A signed request for a body (bytes or text) with the mock's credentials at FUZZ_NOW. */
export function signed(mock: Mock, body: string | Uint8Array, { method = 'POST', path = `/api${UPSTREAM_PATH}` } = {}): FuzzRequest {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  const headers = Object.entries(mock.sign(bytes, FUZZ_NOW)) as [string, string][]
  return printable({ method, path, headers: [['content-type', 'application/json'], ...headers], body: bytes })
}

/** A good request and the bytes it is answered with now: `check()` asserts the same bytes come back later. */
export async function baseline(target: Target, mock: Mock): Promise<{ check(): Promise<void> }> {
  const good = signed(mock, '{"size":7,"type":1}')
  const first = await target.send(good)
  expect(JSON.parse(first.body.toString('utf8'))).toMatchObject({ code: 0 })
  return {
    async check() {
      const again = await target.send(good)
      expect(again.status).toBe(first.status)
      expect(again.body.equals(first.body), 'a good request is answered with the same bytes as before').toBe(true)
    },
  }
}

// Arbitraries ------------------------------------------------------------------------------------

/** Header-safe garbage: what an HTTP header value may carry (tab, visible ASCII, Latin-1). */
export const headerText = (maxLength = 40): fc.Arbitrary<string> =>
  fc
    .string({ unit: fc.oneof(fc.constantFrom('\t', ' ', '0', '9', 'a', 'f', 'F', '-', ',', '"', '%'), fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c))), maxLength })
    .map((s) => s.trim())

/** Text of any Unicode, lone surrogates included. */
export const anyText = (maxLength = 30): fc.Arbitrary<string> => fc.oneof(fc.string({ unit: 'binary', maxLength }), fc.string({ unit: 'grapheme', maxLength }), fc.string({ maxLength }))

/** Numbers as JSON text that JavaScript cannot hold exactly: huge, tiny, long, negative zero. */
export const hugeNumberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1e400', '-1e400', '1e-400', '-0', '0.0', '9007199254740993', '123456789012345678901234567890', '1E+2', '2.0', '1.5'),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 20, max: 2000 })).map(([d, n]) => String(d).repeat(n)),
  fc.double().filter(Number.isFinite).map(String),
)

/** Any JSON value, as text: scalars, unicode, huge numbers, nesting, or an ordinary JSON value. */
export const jsonText: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
  anyText().map((s) => JSON.stringify(s)),
  hugeNumberText,
  fc.constantFrom('null', 'true', 'false', '[]', '{}', '""'),
)

/** Arrays/objects nested `depth` levels around `inner`. */
export const nestedText = (depth: number, inner = ''): string => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`

/** Deeply nested JSON text, around the body depth limit and far past it. */
export const deepText: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 1100 }), fc.constantFrom('', '1', '"x"', '{}', 'null')).map(([d, inner]) => nestedText(d, inner)),
  fc.integer({ min: 990, max: 5000 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
  fc.integer({ min: 4000, max: 60_000 }).map((d) => nestedText(d)),
)

// The admin API --------------------------------------------------------------------------------------

/**
 * The admin API's answer to anything: not a 5xx, JSON; a refusal (4xx) is `{error: string, issues?: string[]}`.
 * A HEAD answer over HTTP has no body.
 */
export function expectAdminJson(answer: FuzzAnswer, request: FuzzRequest): void {
  const where = `${request.method} ${request.path.slice(0, 80)} → ${answer.status} ${answer.body.toString('utf8').slice(0, 200)}`
  expect(answer.status, where).toBeLessThan(500)
  expect(answer.status, where).toBeGreaterThanOrEqual(200)
  expect(answer.headers.get('content-type'), where).toMatch(/^application\/json/)
  if (request.method === 'HEAD' && answer.body.byteLength === 0) return
  const body = JSON.parse(answer.body.toString('utf8')) as unknown
  if (answer.status < 400) return
  expect(body, where).toBeTypeOf('object')
  const { error, issues, ...rest } = body as { error?: unknown; issues?: unknown }
  expect(rest, where).toEqual({})
  expect(typeof error, where).toBe('string')
  if (issues !== undefined) {
    expect(Array.isArray(issues), where).toBe(true)
    for (const issue of issues as unknown[]) expect(typeof issue, where).toBe('string')
  }
}

/** A fingerprint of everything an admin change may change: the world (hashed export), the ids issued, counts and clock, fault rules. */
export function adminState(mock: Mock): string {
  const world = createHash('sha256').update(JSON.stringify(mock.admin.exportWorld())).digest('hex')
  return `${world} ${JSON.stringify(mock.context.world.idsIssued)} ${JSON.stringify(mock.admin.health())} ${JSON.stringify(mock.admin.faults())}`
}

// Raw sockets ----------------------------------------------------------------------------------------

/**
 * Writes `chunks` (a `number` is a pause of that many ms; a string is written as Latin-1 bytes) to a
 * fresh connection and answers every byte the server sent until it closed the connection or `idleMs`
 * passed without a byte. `end`: half-close once written (the server answers what it has, then closes).
 */
export function rawExchange(port: number, chunks: readonly (string | Uint8Array | number)[], { idleMs = 400, end = false } = {}): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    let timer: NodeJS.Timeout | undefined
    const done = () => (clearTimeout(timer), socket.destroy(), resolve(Buffer.concat(received)))
    const idle = () => (clearTimeout(timer), (timer = setTimeout(done, idleMs)))
    socket.on('data', (chunk: Buffer) => (received.push(chunk), idle())).on('close', done).on('error', done)
    void (async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return
        if (typeof chunk === 'number') await new Promise((r) => setTimeout(r, chunk))
        else socket.write(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk)
      }
      if (end && !socket.destroyed) socket.end()
      idle()
    })()
  })
}

export interface RawResponse {
  readonly status: number
  /** Header names lower-cased; a repeated one joined with `, `. */
  readonly headers: Record<string, string>
  readonly body: Buffer
  /** The status line and headers as sent. */
  readonly head: string
}

/**
 * The final responses in bytes a server wrote to one connection (Content-Length or chunked bodies;
 * none after a HEAD when `heads` says so; interim 1xx answers skipped). Throws on bytes that are not
 * HTTP responses.
 */
export function parseResponses(bytes: Buffer, heads: readonly boolean[] = []): RawResponse[] {
  const responses: RawResponse[] = []
  let at = 0
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at)
    if (end < 0) throw new Error(`not an HTTP response: ${JSON.stringify(bytes.subarray(at, at + 200).toString('latin1'))}`)
    const head = bytes.subarray(at, end).toString('latin1')
    const [statusLine, ...lines] = head.split('\r\n')
    const match = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine!)
    if (!match) throw new Error(`not a status line: ${JSON.stringify(statusLine)}`)
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
    }
    at = end + 4
    let body: Buffer = Buffer.alloc(0)
    const status = Number(match[1])
    if (status < 200) continue // an interim answer (100 Continue): the final one follows
    const rest = bytes.subarray(at)
    // A HEAD request Node could not parse, pipelined behind others, may get the error's body: the host
    // knows the method only when the request starts the packet (see clientError in mock/server.ts).
    const bodyAfterHead = heads[responses.length] && status === 400 && rest.byteLength > 0 && rest.byteLength === Number(headers['content-length']) && !rest.toString('latin1').startsWith('HTTP/1.')
    if ((heads[responses.length] && !bodyAfterHead) || status === 204 || status === 304) {
      // no body
    } else if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = []
      for (;;) {
        const lineEnd = bytes.indexOf('\r\n', at)
        const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16)
        at = lineEnd + 2
        if (!(size > 0)) {
          at += 2
          break
        }
        parts.push(bytes.subarray(at, at + size))
        at += size + 2
      }
      body = Buffer.concat(parts)
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length'])
      body = bytes.subarray(at, at + length)
      at += length
    } else if (headers.connection?.toLowerCase() === 'close') {
      body = bytes.subarray(at)
      at = bytes.length
    }
    responses.push({ status, headers, body, head })
  }
  return responses
}
