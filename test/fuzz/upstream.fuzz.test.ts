/**
 * Fuzzing the upstream endpoint: signed bodies of random JSON (deep, wide, unicode, huge numbers,
 * wrong types for each field, null, arrays, strings, bytes that are not JSON or not UTF-8), random
 * signature headers (missing, duplicated, garbage appId/timestamp/sign), random paths and methods.
 *
 * Properties, for every request: the answer is the upstream's envelope (JSON with an integer code,
 * a string message and data), never a 5xx; nothing is written to stderr; and afterwards a good
 * request is answered with the same bytes as before (no state lost). In-process (the handlers, as
 * setupServer runs them) and over HTTP (startServer on 127.0.0.1:0, fewer cases).
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Mock, MockOptions } from '../../mock/index.js'
import { encodeCursor } from '../../mock/protocol/cursor.js'
import { computeSign } from '../../mock/protocol/signing.js'
import {
  anyText, baseline, deepText, expectUpstreamEnvelope, FUZZ_NOW, FUZZ_TIMEOUT_MS, fuzzMock, fuzzParams, headerText, hugeNumberText,
  httpTarget, inProcessTarget, jsonText, printable, signed, UPSTREAM_PATH, watchStderr, type FuzzRequest, type Target,
} from './support.js'

const FIELDS = ['since', 'before', 'type', 'qwUserId', 'size', 'cursor'] as const

// Bodies ------------------------------------------------------------------------------------------

/** A value for one of the endpoint's fields: plausible, borderline, or of the wrong type. */
const fieldValue: fc.Arbitrary<string> = fc.oneof(
  jsonText,
  fc.integer({ min: -5, max: 1000 }).map(String),
  fc.constantFrom('"2021-06-09 20:52:58"', '"2021-02-30 00:00:00"', '"2021-06-09T20:52:58"', '"9999-12-31 23:59:59"', '"0000-01-01 00:00:00"', '1', '2', '3', '"1"', '"20"', '20.5'),
  fc.record({ sec: fc.nat(), nanos: fc.nat({ max: 999_999_999 }), id: fc.nat() }).map((key) => JSON.stringify(encodeCursor(key))),
  fc.uint8Array({ minLength: 0, maxLength: 30 }).map((bytes) => JSON.stringify(Buffer.from(bytes).toString('base64'))),
  hugeNumberText,
  deepText,
)

/** A property name: a known field, the famous `nextCursor`, prototype names, or any text. */
const propertyName: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...FIELDS, 'nextCursor', '__proto__', 'constructor', 'prototype', 'toString', ''), anyText(20))

/** An object body written as text (duplicate keys possible). */
const objectBody = (maxKeys: number): fc.Arbitrary<string> =>
  fc.array(fc.tuple(propertyName, fieldValue), { maxLength: maxKeys }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`)

/** Bodies of every kind, as bytes. */
const bodyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 5, arbitrary: objectBody(8).map((t) => Buffer.from(t)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).chain((n) => fc.constant(`{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')},"size":3}`)).map((t) => Buffer.from(t)) },
  { weight: 2, arbitrary: jsonText.map((t) => Buffer.from(t)) },
  { weight: 2, arbitrary: deepText.map((t) => Buffer.from(t)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FIELDS), deepText).map(([f, d]) => Buffer.from(`{"${f}":${d}}`)) },
  { weight: 1, arbitrary: objectBody(4).chain((t) => fc.nat({ max: t.length }).map((cut) => Buffer.from(t.slice(0, cut)))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', '\uFEFF{}', '{"size":3}\u0000', '{"size":3} {"size":4}').map((t) => Buffer.from(t)) },
)

// Headers -----------------------------------------------------------------------------------------

type HeaderChoice = (valid: string) => [string, string][]

/** What happens to one signature header: kept, dropped, doubled, replaced, renamed in case. */
const headerChoice = (name: string, garbage: fc.Arbitrary<string>): fc.Arbitrary<HeaderChoice> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<HeaderChoice>((valid) => [[name, valid]]) },
    { weight: 1, arbitrary: fc.constant<HeaderChoice>(() => []) },
    { weight: 1, arbitrary: garbage.map<HeaderChoice>((g) => (valid) => [[name, valid], [name, g]]) },
    { weight: 1, arbitrary: fc.constant<HeaderChoice>((valid) => [[name, valid], [name, valid]]) },
    { weight: 2, arbitrary: garbage.map<HeaderChoice>((g) => () => [[name, g]]) },
    { weight: 1, arbitrary: fc.constantFrom(name.toUpperCase(), name.toLowerCase()).map<HeaderChoice>((n) => (valid) => [[n, valid]]) },
  )

const timestampGarbage = fc.oneof(headerText(), fc.constantFrom(String(FUZZ_NOW - 300_001), String(FUZZ_NOW + 300_001), '0', '-1', '99999999999999999999', `${FUZZ_NOW}.0`, ` ${FUZZ_NOW}`, '1e12'), fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String))
const signGarbage = (mock: Mock) =>
  fc.oneof(
    headerText(80),
    fc.constantFrom('0'.repeat(64), 'g'.repeat(64), computeSign(mock.credentials.appId, String(FUZZ_NOW), '{}', mock.credentials.appKey).toUpperCase()),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 63, maxLength: 65 }),
  )

/** A request with fuzzed signature headers (and now and then a fuzzed body or content type). */
const headerRequest = (mock: Mock): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      body: fc.oneof({ weight: 3, arbitrary: fc.constant(Buffer.from('{"size":3}')) }, { weight: 1, arbitrary: bodyBytes }),
      appId: headerChoice('appId', fc.oneof(headerText(), fc.constant(`${mock.credentials.appId}x`), fc.constant(mock.credentials.appId.toLowerCase()))),
      timestamp: headerChoice('timestamp', timestampGarbage),
      sign: headerChoice('sign', signGarbage(mock)),
      extra: fc.array(fc.tuple(fc.constantFrom('content-type', 'appKey', 'x-request-id', 'authorization', 'accept', 'x-junk'), headerText()), { maxLength: 3 }),
    })
    .map(({ body, appId, timestamp, sign, extra }) => {
      const valid = Object.fromEntries(signed(mock, body).headers) as Record<string, string>
      return printable({ method: 'POST', path: `/api${UPSTREAM_PATH}`, headers: [...appId(valid.appId!), ...timestamp(valid.timestamp!), ...sign(valid.sign!), ...extra], body })
    })

// Paths and methods -------------------------------------------------------------------------------

const segment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('api', 'apiServer', 'v3', 'v2', 'customer-relation', 'list-by-relation-create-time-asc', 'LIST-BY-RELATION-CREATE-TIME-ASC', '..', '.', '', '%zz', '%2F', '%00', '%E5%AE%A2', '%', ';x=1', 'a b'.replace(' ', '%20')),
  fc.string({ unit: fc.oneof(fc.constantFrom(...'abcXYZ019-._~!$&\'()*+,;=:@%'), fc.integer({ min: 0xa1, max: 0xff }).map((c) => String.fromCharCode(c))), maxLength: 12 }),
)

/**
 * A request target starting with `/` and one non-slash character (targets starting `//` are the
 * raw-request-line category), never an admin path (the admin category's).
 */
const path: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('/api', '/apiServer/api', '/x', ''),
    fc.oneof(fc.constant(UPSTREAM_PATH), fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join('/')}`), fc.constantFrom(`${UPSTREAM_PATH}/`, `${UPSTREAM_PATH}?size=3`, `${UPSTREAM_PATH}#frag`, `/v3//customer-relation/list-by-relation-create-time-asc`)),
    fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'a=&?%/#'), maxLength: 10 }).map((q) => `?${q}`) }),
  )
  .map(([prefix, rest, query]) => `${prefix}${rest}${query}`)
  .map((p) => (p.startsWith('/') && !p.startsWith('//') ? p : `/a${p}`))
  .filter((p) => !p.includes('__mock'))

/** Methods a Fetch Request can carry (CONNECT, TRACE and TRACK are the raw-request-line category's). */
const method = fc.oneof(fc.constantFrom('POST', 'GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'post', 'Post'), fc.stringMatching(/^[A-Z]{1,12}$/).filter((m) => !['CONNECT', 'TRACE', 'TRACK'].includes(m)))

const routeRequest = (mock: Mock): fc.Arbitrary<FuzzRequest> =>
  fc.record({ method, path, body: fc.oneof(fc.constant(Buffer.from('{"size":3}')), bodyBytes) }).map(({ method, path, body }) => signed(mock, body, { method, path }))

// Properties --------------------------------------------------------------------------------------

/**
 * Sends `runs` requests from `requests` to `target`: every answer the envelope, never a 5xx;
 * nothing on stderr; a good request answered with the same bytes as before, every 50 cases and at the end.
 */
async function fuzz(target: Target, mock: Mock, requests: fc.Arbitrary<FuzzRequest>, runs: number): Promise<void> {
  const good = await baseline(target, mock)
  const stderr = watchStderr()
  let cases = 0
  try {
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const answer = await target.send(request)
        expect(stderr.take(), 'nothing is written to stderr').toBe('')
        expectUpstreamEnvelope(answer, request)
        if (++cases % 50 === 0) await good.check()
      }),
      fuzzParams(runs),
    )
  } finally {
    stderr.stop()
  }
  await good.check()
}

const CATEGORIES: readonly [string, (mock: Mock) => fc.Arbitrary<FuzzRequest>, number][] = [
  ['signed bodies of random JSON', (mock) => bodyBytes.map((body) => signed(mock, body)), 1500],
  ['random signature headers', headerRequest, 800],
  ['random paths and methods', routeRequest, 700],
]

/** The switches that turn choices into refusals, for a second, smaller pass. */
const STRICT: MockOptions = { strictBody: true, nulls: 'error', types: 'lenient', oversize: 'error', invertedWindow: 'error', unknownMember: 'error', httpStatus: 'always-200', signCase: 'any' }

describe('fuzz: the upstream endpoint in-process (the handlers, as setupServer runs them)', () => {
  let mock: Mock
  let strict: Mock
  beforeAll(async () => {
    mock = await fuzzMock()
    strict = await fuzzMock(STRICT)
  })

  it.each(CATEGORIES)('%s: always the envelope, never a 5xx, nothing on stderr, no state lost', async (_name, requests, runs) => {
    await fuzz(inProcessTarget(mock), mock, requests(mock), runs)
  }, FUZZ_TIMEOUT_MS)

  it('with every strict switch on: the same', async () => {
    await fuzz(inProcessTarget(strict), strict, fc.oneof(...CATEGORIES.map(([, requests]) => requests(strict))), 400)
  }, FUZZ_TIMEOUT_MS)
})

describe('fuzz: the upstream endpoint over HTTP (startServer on 127.0.0.1:0)', () => {
  let mock: Mock
  let target: Awaited<ReturnType<typeof httpTarget>>
  beforeAll(async () => {
    mock = await fuzzMock()
    target = await httpTarget(mock)
  })
  afterAll(() => target.close())

  it.each(CATEGORIES)('%s: always the envelope, never a 5xx, nothing on stderr, no state lost', async (_name, requests, runs) => {
    await fuzz(target, mock, requests(mock), Math.ceil(runs / 6))
  }, FUZZ_TIMEOUT_MS)
})
