/**
 * Fuzzing the admin API (/__mock): random method × route (every real route, ids valid, unknown,
 * huge and garbage) × body (random JSON — deep, wide, unicode, huge numbers —, bodies shaped like
 * the admin schemas with a wrong type in any field, garbage bytes) × content type.
 *
 * Properties, for every request: the answer is plain JSON, a 2xx or a 4xx `{error, issues?}`, never
 * a 5xx; nothing is written to stderr; a refused change changes nothing (the world's export, the
 * counts and clock, the fault rules are as before); and no refused change leaves a trace, ids
 * included: a twin mock that was sent only the accepted requests agrees with it on a fixed good
 * add (same customer id, same bytes) and on the whole world. Afterwards the upstream endpoint still
 * answers. In-process (the handlers, as setupServer runs them) and over HTTP (fewer cases).
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clockSchema, customerPatchSchema, newCustomerSchema, newRelationSchema } from '../../mock/admin/schemas.js'
import { FAULT_KINDS, type Mock } from '../../mock/index.js'
import {
  adminState, anyText, deepText, expectAdminJson, expectUpstreamEnvelope, FUZZ_NOW, FUZZ_TIMEOUT_MS, fuzzMock, fuzzParams, headerText, hugeNumberText,
  httpTarget, inProcessTarget, jsonText, printable, signed, watchStderr, type FuzzRequest, type Target,
} from './support.js'

/** The world's facts the generators draw plausible values from (taken once, from the starting world). */
interface Facts {
  customerIds: number[]
  relationIds: number[]
  qwUserIds: string[]
  tagIds: number[]
  /** Profile fields: key, type, option ids. */
  fields: { key: string; type: number; options: number[] }[]
}

function factsOf(mock: Mock): Facts {
  const world = mock.admin.exportWorld()
  return {
    customerIds: world.customers.slice(0, 10).map((c) => c.customerId),
    relationIds: world.relations.slice(0, 10).map((r) => r.id),
    qwUserIds: world.members.map((m) => m.qwUserId),
    tagIds: world.tags.slice(0, 6).map((t) => t.id),
    fields: world.fieldDefinitions.filter((f) => f.outerField !== null).map((f) => ({ key: f.outerField!, type: f.type, options: f.items.slice(0, 3).map((i) => i.id) })),
  }
}

const SMALL = { customers: 30, staff: 4, adminMaxCustomers: 200 } as const

// Values --------------------------------------------------------------------------------------------

const json = (value: unknown) => JSON.stringify(value)

/** Beijing times: valid ones around the fuzzed mock's now; before the id epoch, past the clock's range, impossible dates, other formats. */
const goodTime = fc.date({ min: new Date('2019-01-01'), max: new Date(FUZZ_NOW), noInvalidDate: true }).map((d) => json(d.toISOString().replace('T', ' ').slice(0, 19)))
const oddTime = fc.oneof(
  fc.constantFrom('1970-01-01 00:00:00', '2000-01-01 00:00:00', '9999-12-31 23:59:59', '10000-01-01 00:00:00', '2025-02-30 00:00:00', '2025-06-01T10:00:00', '2025-06-01', '', ' 2025-06-01 10:00:00'),
  fc.date({ min: new Date('1900-01-01'), max: new Date('2300-01-01'), noInvalidDate: true }).map((d) => d.toISOString().replace('T', ' ').slice(0, 19)),
).map(json)

/** Text values: any Unicode (lone surrogates too), empty, null. */
const text = fc.oneof(anyText(20).map(json), fc.constant('null'), fc.constant('""'))

/** An object as JSON text from [key, value text] entries (duplicate keys possible). */
const objectText = (entries: readonly (readonly [string, string])[]) => `{${entries.map(([k, v]) => `${json(k)}:${v}`).join(',')}}`

interface FieldValues {
  /** Values the schema accepts (the world may still refuse them: an unknown id, a follow that exists). */
  readonly valid: fc.Arbitrary<string>
  /** Borderline values and wrong types. */
  readonly odd: fc.Arbitrary<string>
}

/** For each field name of the admin schemas (newCustomerSchema, customerPatchSchema, newRelationSchema, clockSchema): valid and odd values, as JSON text. */
function fieldValues(facts: Facts): Record<string, FieldValues> {
  const member = fc.constantFrom(...facts.qwUserIds).map(json)
  const byType = (type: number, options: readonly number[]): fc.Arbitrary<string> =>
    type === 2 && options.length > 0 ? fc.constantFrom(...options).map(json) : type === 8 ? fc.array(fc.stringMatching(/^1[3-9]\d{9}$/), { maxLength: 2 }).map(json) : type === 3 ? fc.constant('"1984-10-18"') : type === 1 ? anyText(12).map(json) : fc.constant('null')
  const profile = fc.subarray(facts.fields, { maxLength: Math.min(3, facts.fields.length) }).chain((defs) => fc.tuple(...defs.map((d) => fc.oneof(byType(d.type, d.options), fc.constant('null')).map((v) => [d.key, v] as const)))).map(objectText)
  const oddProfile = fc
    .tuple(fc.oneof(fc.constantFrom(...facts.fields.map((f) => f.key)), anyText(8)), fc.oneof(jsonText, fc.constantFrom('"not-a-list"', '[1]', '["x"]', '"1984-13-40"', '"no such option"', '{}')))
    .map(([k, v]) => objectText([[k, v]]))
  const follower = fc.record({ qwUserId: member, createTime: goodTime, qwRemark: text }, { requiredKeys: ['qwUserId'] }).map((f) => objectText(Object.entries(f)))
  const oddFollower = fc.record({ qwUserId: fc.oneof(member, fc.constantFrom('""', '"nobody"', '1', 'null')), createTime: fc.oneof(goodTime, oddTime, jsonText), qwRemark: fc.oneof(text, jsonText), extra: jsonText }, { requiredKeys: ['qwUserId'] }).map((f) => objectText(Object.entries(f)))
  const ids = (real: readonly number[]) => fc.oneof(fc.constantFrom(...real).map(json), fc.constantFrom('0', '-1', '1.5', '"1"', '9007199254740993', '1e400', '265490792040512', 'null'), hugeNumberText)
  return {
    type: { valid: fc.constantFrom('1', '2'), odd: fc.constantFrom('3', '0', '"1"', 'null', '1.5') },
    fields: { valid: profile, odd: oddProfile },
    tagIds: { valid: fc.subarray(facts.tagIds, { maxLength: Math.min(3, facts.tagIds.length) }).map(json), odd: fc.oneof(fc.array(fc.integer(), { minLength: 1, maxLength: 3 }).map(json), fc.constantFrom('[1.5]', '["1"]', '{}', '1')) },
    companyName: { valid: anyText(12).filter((t) => t.length > 0).map(json), odd: fc.constantFrom('""', 'null', '1') },
    wechatNickname: { valid: text, odd: fc.constantFrom('1', '[]', '{}') },
    wechatAvatar: { valid: text, odd: fc.constantFrom('1', 'true') },
    wechatLocation: { valid: text, odd: fc.constantFrom('1', '[]') },
    externalUserId: { valid: text, odd: fc.constantFrom('1', '{}') },
    createTime: { valid: goodTime, odd: oddTime },
    followers: { valid: fc.uniqueArray(follower, { minLength: 1, maxLength: 2, selector: (f) => JSON.parse(f).qwUserId }).map((fs) => `[${fs.join(',')}]`), odd: fc.oneof(fc.constant('[]'), fc.array(oddFollower, { minLength: 1, maxLength: 3 }).map((fs) => `[${fs.join(',')}]`), fc.constantFrom('{}', 'null', '"shea"')) },
    customerId: { valid: fc.constantFrom(...facts.customerIds).map(json), odd: ids(facts.customerIds) },
    qwUserId: { valid: member, odd: fc.constantFrom('""', '"nobody"', '1', 'null', '["shea"]') },
    qwRemark: { valid: text, odd: fc.constantFrom('1', '{}') },
    set: { valid: fc.oneof(fc.integer({ min: FUZZ_NOW - 86_400_000 * 400, max: FUZZ_NOW + 86_400_000 * 400 }).map(json), goodTime), odd: fc.oneof(fc.constantFrom(0, -1, 8_640_000_000_000_000, 253_402_300_800_000, 1.5, 1e300).map(json), oddTime, fc.constant('"1"')) },
    advanceMs: { valid: fc.integer({ min: -86_400_000 * 30, max: 86_400_000 * 30 }).map(json), odd: fc.oneof(fc.constantFrom('1e300', '-1e300', '0.5', '9007199254740993', '"1"', '8640000000000000', '-8640000000000000'), fc.integer({ min: -1e15, max: 1e15 }).map(json)) },
    freeze: { valid: fc.constantFrom('true', 'false'), odd: fc.constantFrom('"true"', '1', 'null') },
    reset: { valid: fc.constantFrom('true', 'false'), odd: fc.constantFrom('"true"', '0', 'null') },
  }
}

/**
 * An object body shaped like an admin schema (`fields`: its field names, `required` among them):
 * valid values, then none, one or two corruptions — a field of the wrong type or borderline, random
 * or deep JSON in a field, an unknown property, a required one left out.
 */
function shaped(fields: readonly string[], required: readonly string[], values: Record<string, FieldValues>): fc.Arbitrary<string> {
  const optional = fields.filter((f) => !required.includes(f))
  const valid = fc
    .subarray(optional, { maxLength: Math.min(4, optional.length) })
    .chain((names) => fc.tuple(...[...required, ...names].map((name) => values[name]!.valid.map((v) => [name, v] as const))))
  type Entries = (readonly [string, string])[]
  const corruption: fc.Arbitrary<(entries: Entries) => Entries> = fc.oneof(
    fc.tuple(fc.constantFrom(...fields), fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: jsonText }, { weight: 1, arbitrary: deepText })).chain(([name, replacement]) =>
      (replacement === undefined ? values[name]!.odd : fc.constant(replacement)).map((odd) => (entries: Entries) => [...entries.filter(([k]) => k !== name), [name, odd] as const]),
    ),
    fc.tuple(fc.oneof(anyText(10), fc.constantFrom('__proto__', 'constructor', 'id', 'customerId', 'nextCursor')), jsonText).map(([k, v]) => (entries: Entries) => [...entries, [k, v] as const]),
    fc.constantFrom(...(required.length > 0 ? required : fields)).map((name) => (entries: Entries) => entries.filter(([k]) => k !== name)),
  )
  return fc
    .tuple(valid, fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 2, arbitrary: fc.array(corruption, { minLength: 1, maxLength: 2 }) }))
    .map(([entries, corruptions]) => objectText(corruptions.reduce<Entries>((e, corrupt) => corrupt(e), [...entries])))
}

/** Fault rules: valid ones of every kind, or with a corrupted field, or garbage in the rules' place. */
const faultsBody = fc.oneof(
  fc
    .array(
      fc.oneof(
        fc.constantFrom('{"kind":"error","code":-1,"message":"系统繁忙"}', '{"kind":"reset","probability":0.5}', '{"kind":"gateway","status":503}', '{"kind":"latency","ms":10}', '{"kind":"hang","maxMs":50}', '{"kind":"duplicateEdge","calls":{"nth":[2]}}', '{"kind":"shortPage","items":1}', '{"kind":"rateLimit","qps":5}', '{"kind":"truncate","endpoint":"customer-relation/list-by-relation-create-time-asc"}'),
        fc.record(
          { kind: fc.oneof(fc.constantFrom(...FAULT_KINDS).map(json), jsonText), endpoint: fc.constantFrom('"customer-relation/list-by-relation-create-time-asc"', '""', '1'), probability: fc.constantFrom('0.5', '2', '-1', '"x"'), code: fc.constantFrom('500', '1.5'), message: fc.constantFrom('"x"', '""'), status: fc.constantFrom('502', '500'), ms: fc.constantFrom('10', '-1', '700000'), maxMs: fc.constantFrom('1', '0'), calls: fc.constantFrom('{"nth":[1]}', '{"from":3,"to":1}', '{}', '[]') },
          { requiredKeys: ['kind'] },
        ).map((r) => objectText(Object.entries(r))),
      ),
      { maxLength: 3 },
    )
    .chain((rules) => fc.constantFrom(`[${rules.join(',')}]`, `{"rules":[${rules.join(',')}]}`, `{"rules":[${rules.join(',')}],"x":1}`)),
  jsonText,
)

/** World bodies: recipes (at most 200 customers, the fuzzed mock's cap, or far more: refused with 413), documents of garbage. */
const worldBody = fc.oneof(
  fc
    .record({ version: fc.constantFrom('1', '2', '"1"'), generate: fc.record({ seed: fc.oneof(anyText(6).map(json), fc.integer().map(json)), customers: fc.oneof(fc.integer({ min: 0, max: 200 }).map(json), fc.constantFrom('201', '5000000', '4294967296', '-1', '1.5', '1e400')), staff: fc.constantFrom('1', '3', '0', '1000000') }, { requiredKeys: ['seed'] }).map((g) => objectText(Object.entries(g))) }, { requiredKeys: ['generate'] })
    .map((r) => objectText(Object.entries(r))),
  fc.constantFrom('{"version":1,"customers":[]}', '{"version":1,"customers":5000000}', '{"version":1}', '"default"', '"/etc/passwd"', '{"version":1,"members":[{"qwUserId":1}]}'),
  jsonText,
)

// Requests ------------------------------------------------------------------------------------------

const METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS'] as const

/** A route under /__mock with the body that route would take (or any other). */
function adminRequests(facts: Facts, withHeaders: boolean, token?: string): fc.Arbitrary<FuzzRequest> {
  const values = fieldValues(facts)
  const body = (schema: { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> }) => {
    const fields = Object.keys(schema.shape)
    // Required: the fields that refuse to be left out.
    return shaped(fields, fields.filter((f) => !schema.shape[f]!.safeParse(undefined).success), values)
  }
  const customerBody = body(newCustomerSchema)
  const patchBody = body(customerPatchSchema)
  const relationBody = body(newRelationSchema)
  const clockBody = body(clockSchema)
  const idSegment = (real: readonly number[]) => fc.oneof(fc.constantFrom(...real).map(String), fc.constantFrom('0', '-1', '1.5', 'abc', '1e3', '0x10', '9007199254740993', '9'.repeat(400), '%zz', '%E5%AE%A2', '', ' 1', '1%2F2', 'null'), fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String))
  const anyBody = fc.oneof(jsonText, deepText, customerBody, patchBody, relationBody, clockBody, faultsBody)
  /** [weight, route, usual methods, usual body] */
  const routes: [number, fc.Arbitrary<string>, readonly string[], fc.Arbitrary<string>][] = [
    [1, fc.constant('/health'), ['GET'], anyBody],
    [1, fc.constant('/live'), ['GET'], anyBody],
    [1, fc.constantFrom('/reset', '/reset/', '/RESET'), ['POST'], fc.constantFrom('', '{}')],
    [2, fc.constant('/world'), ['GET', 'POST'], worldBody],
    [8, fc.constant('/customers'), ['POST'], customerBody],
    [5, idSegment(facts.customerIds).map((id) => `/customers/${id}`), ['PATCH', 'DELETE'], patchBody],
    [4, fc.constant('/relations'), ['POST'], relationBody],
    [2, idSegment(facts.relationIds).map((id) => `/relations/${id}`), ['DELETE'], anyBody],
    [1, fc.constant('/requests'), ['GET', 'DELETE'], anyBody],
    [4, fc.constant('/clock'), ['GET', 'POST'], clockBody],
    [3, fc.constant('/faults'), ['GET', 'POST', 'DELETE'], faultsBody],
    [1, fc.constantFrom('/tenants', '/tenants/x/health', '', '/', '/customers/1/2', '/health%00', '/%zz'), ['GET'], anyBody],
  ]
  const bodyBytes = (usual: fc.Arbitrary<string>) =>
    fc.oneof(
      { weight: 6, arbitrary: usual.map((t) => Buffer.from(t)) },
      { weight: 2, arbitrary: anyBody.map((t) => Buffer.from(t)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b)) },
      { weight: 1, arbitrary: usual.chain((t) => fc.nat({ max: t.length }).map((cut) => Buffer.from(t.slice(0, cut)))) },
      { weight: 1, arbitrary: fc.constantFrom('', '\uFEFF{}', '{} {}', 'null', '[]').map((t) => Buffer.from(t)) },
    )
  const contentType: fc.Arbitrary<readonly string[]> = fc.oneof(
    { weight: 8, arbitrary: fc.constant<readonly string[]>(['application/json']) },
    { weight: 1, arbitrary: fc.constantFrom<readonly string[]>([], ['application/json; charset=utf-8'], ['APPLICATION/JSON'], ['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x'], ['application/json', 'text/plain'], ['application/jsonx']) },
    { weight: 1, arbitrary: headerText().map((t): readonly string[] => [t]) },
  )
  return fc.oneof(...routes.map(([weight, route, usual, usualBody]) => ({
    weight,
    arbitrary: fc.record({
      route,
      method: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...usual) }, { weight: 2, arbitrary: fc.constantFrom(...METHODS) }, // Methods Node's parser does not know are the raw-request category's (http.fuzz.test.ts).
        { weight: 1, arbitrary: withHeaders ? fc.constantFrom('PURGE', 'PROPFIND', 'MKCOL', 'SEARCH') : fc.stringMatching(/^[A-Za-z]{1,8}$/).filter((m) => !['CONNECT', 'TRACE', 'TRACK'].includes(m.toUpperCase())) }),
      body: bodyBytes(usualBody),
      contentType: withHeaders ? contentType : fc.constant(['application/json']),
      // With a token configured: mostly the right one, else none, another, or the right one misspelt.
      auth: token === undefined ? fc.constant<readonly string[]>([]) : fc.oneof({ weight: 4, arbitrary: fc.constant([`Bearer ${token}`]) }, { weight: 1, arbitrary: fc.constantFrom<readonly string[]>([], [`bearer ${token}`], [`Bearer ${token}x`], [token], ['Bearer '], [`Bearer ${token}`, 'Bearer x']) }),
      query: fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('?x=1', '?', '?%zz') }),
    }),
  }))).map(({ route, method, body, contentType, query, auth }) => {
    const withBody = !['GET', 'HEAD'].includes(method.toUpperCase())
    return printable({ method, path: `/__mock${route}${query}`, headers: [...contentType.map((t) => ['content-type', t] as const), ...auth.map((a) => ['authorization', a] as const)], body: withBody ? body : undefined })
  })
}

// The property ----------------------------------------------------------------------------------------

/** A fixed good addition, sent to the fuzzed mock and its twin: the same id means no refused change used one. */
function goodAdd(mock: Mock): FuzzRequest {
  const member = mock.admin.exportWorld().members[0]?.qwUserId ?? 'nobody'
  const token = mock.options.adminToken
  return printable({ method: 'POST', path: '/__mock/customers', headers: [['content-type', 'application/json'], ...(token === undefined ? [] : [['authorization', `Bearer ${token}`] as const])], body: Buffer.from(json({ followers: [{ qwUserId: member }], fields: { name: '对照' } })) })
}

async function fuzzAdmin(target: Target, mock: Mock, twin: Mock, runs: number, withHeaders: boolean, token?: string): Promise<void> {
  const twinTarget = inProcessTarget(twin)
  const requests = adminRequests(factsOf(mock), withHeaders, token)
  const stderr = watchStderr()
  let state = adminState(mock)
  let cases = 0
  try {
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const answer = await target.send(request)
        expect(stderr.take(), 'nothing is written to stderr').toBe('')
        expectAdminJson(answer, request)
        if (answer.status >= 400) {
          expect(adminState(mock), `a refused change changes nothing: ${request.method} ${request.path} → ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`).toBe(state)
        } else {
          const replayed = await twinTarget.send(request)
          expect(replayed.status, 'the twin accepts what the fuzzed mock accepted').toBe(answer.status)
          state = adminState(mock)
        }
        if (++cases % 40 === 0) {
          const add = goodAdd(mock)
          const [mine, theirs] = [await target.send(add), await twinTarget.send(add)]
          expect(mine.status).toBe(theirs.status)
          expect(mine.body.toString('utf8'), 'a good add after refused ones gets the id it would have got without them').toBe(theirs.body.toString('utf8'))
          state = adminState(mock)
          expect(state, 'the world is the one the accepted requests alone make').toBe(adminState(twin))
        }
      }),
      fuzzParams(runs),
    )
  } finally {
    stderr.stop()
  }
  // The server keeps serving: with the faults cleared and the clock back, the upstream endpoint answers.
  mock.admin.clearFaults()
  mock.admin.setClock({ reset: true })
  const request = signed(mock, '{"size":5}')
  const answer = await target.send(request)
  expectUpstreamEnvelope(answer, request)
  expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ code: 0 })
}

describe('fuzz: the admin API in-process (the handlers, as setupServer runs them)', () => {
  it('random routes, methods and bodies: JSON, never a 5xx, nothing on stderr, a refused change changes nothing (ids included)', async () => {
    const [mock, twin] = await Promise.all([fuzzMock(SMALL), fuzzMock(SMALL)])
    await fuzzAdmin(inProcessTarget(mock), mock, twin, 1200, false)
  }, FUZZ_TIMEOUT_MS)
})

describe('fuzz: the admin API over HTTP (startServer on 127.0.0.1:0)', () => {
  let mock: Mock
  let twin: Mock
  let target: Awaited<ReturnType<typeof httpTarget>>
  beforeAll(async () => {
    ;[mock, twin] = await Promise.all([fuzzMock(SMALL), fuzzMock(SMALL)])
    target = await httpTarget(mock)
  })
  afterAll(() => target.close())

  it('random routes, methods, bodies and content types: the same', async () => {
    await fuzzAdmin(target, mock, twin, 250, true)
  }, FUZZ_TIMEOUT_MS)
})

describe('fuzz: the admin API over HTTP with an admin token configured', () => {
  const TOKEN = 'fuzz-admin-token'
  let mock: Mock
  let twin: Mock
  let target: Awaited<ReturnType<typeof httpTarget>>
  beforeAll(async () => {
    ;[mock, twin] = await Promise.all([fuzzMock({ ...SMALL, adminToken: TOKEN }), fuzzMock({ ...SMALL, adminToken: TOKEN })])
    target = await httpTarget(mock)
  })
  afterAll(() => target.close())

  it('two Authorization headers are refused over HTTP as in-process (Node kept the first, so a valid one followed by any other passed)', async () => {
    const request = printable({ method: 'GET', path: '/__mock/health', headers: [['authorization', `Bearer ${TOKEN}`], ['authorization', 'Bearer x']] })
    expect((await target.send(request)).status).toBe(401)
    expect((await inProcessTarget(mock).send(request)).status).toBe(401)
    expect((await target.send({ ...request, headers: [['authorization', `Bearer ${TOKEN}`]] })).status).toBe(200)
  })

  it('random requests with the token, without it, or a wrong one: the same (a 401 changes nothing)', async () => {
    await fuzzAdmin(target, mock, twin, 150, true, TOKEN)
  }, FUZZ_TIMEOUT_MS)
})
