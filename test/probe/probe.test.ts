/**
 * tanma-mock probe against the fake itself (issue 16): non-default fakes are probed and the
 * calibration recovers each setting; a fake serving the calibration answers the battery the same;
 * only echo and reads are asked; nothing personal leaves; the rate holds; faults are backed off.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createMock, ENDPOINTS, startServer, type MockOptions } from '../../mock/index.js'
import { BUDGET, calibratedOptions, probe, READ_ONLY_PATHS, renderReport, type Calibration } from '../../mock/probe/index.js'
import { MEASURED_SWITCHES } from '../../mock/probe/calibration.js'
import { fakeDefault } from '../../mock/probe/plan.js'
import { DEFAULT_ERRORS, ERROR_KINDS } from '../../mock/protocol/errors.js'
import { probed } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'tanma-probe-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The issue's non-default fake. */
const ISSUE_SETTINGS = { endCursor: 'empty-page', skewMs: 60_000, sizeMax: 50, successMessage: 'success', signCase: 'any', qwUserIdListDrops: 'tagIds' } as const satisfies MockOptions
/** Every other measured switch off its default, and error codes and messages of our own. */
const OTHER_SETTINGS = {
  skewMs: 90_000, sizeDefault: 10, sizeMax: 30, oversize: 'error', invertedWindow: 'error', unknownMember: 'error', nulls: 'error', types: 'lenient', strictBody: true,
  httpStatus: 'always-200', echoData: 'null', qwDetailsExtra: 'customerId', searchLeads: 'exclude', qwUserIdListDrops: 'wechatLocation',
} as const satisfies MockOptions
const OTHER_ERRORS = {
  badSignature: { code: 1099, message: '签名错误' }, missingCredentials: { code: 1001, message: '缺少签名' }, unknownAppId: { code: 1004, message: 'appId 不存在' },
  badTimestamp: { code: 1005, message: '时间戳格式错误' }, staleTimestamp: { code: 1006, message: '时间戳过期' }, validation: { code: 40001, message: '参数错误：' },
  notFound: { code: 4040, message: '没有这个接口：' }, methodNotAllowed: { code: 4050, message: '只支持 POST' },
}

function expectRecovers(calibration: Calibration, settings: Record<string, unknown>) {
  for (const [key, value] of Object.entries(settings)) expect([key, calibration.settings[key as keyof Calibration['settings']]]).toEqual([key, value])
}

describe('probe recovers the settings of the fake it probes', () => {
  it("the issue's non-default fake: every one of its settings", async () => {
    const { calibration } = await probed(ISSUE_SETTINGS)
    expectRecovers(calibration, ISSUE_SETTINGS)
    expect(calibration.clock.behindMs).toBeLessThanOrEqual(60_000)
    expect(calibration.clock.aheadMs).toBeGreaterThan(59_000)
    const report = renderReport(calibration)
    expect(report).toMatch(/end of data .*\| null .*\| \* empty-page .*\| --end-cursor/)
    expect(report).toMatch(/the skew window.*\| 300000 .*\| \* 60000 /)
  })

  it('every other measured switch and every measured error code and message', async () => {
    const { calibration } = await probed({ ...OTHER_SETTINGS, errors: OTHER_ERRORS })
    expectRecovers(calibration, OTHER_SETTINGS)
    expect(calibration.settings.errors).toEqual(OTHER_ERRORS)
  })

  it('a default fake: the defaults', async () => {
    const { calibration, journal } = await probed({})
    for (const key of MEASURED_SWITCHES) expect([key, calibration.settings[key]]).toEqual([key, fakeDefault(key)])
    for (const kind of Object.keys(calibration.settings.errors ?? {})) {
      expect(calibration.settings.errors![kind as keyof typeof OTHER_ERRORS]).toEqual({ code: DEFAULT_ERRORS[kind as keyof typeof OTHER_ERRORS].code, message: DEFAULT_ERRORS[kind as keyof typeof OTHER_ERRORS].message })
    }
    expect(Object.keys(calibration.settings.errors ?? {}).length).toBeGreaterThanOrEqual(8)
    expect(calibration.drift).toEqual([])
    expect(journal.length).toBeLessThanOrEqual(BUDGET)
    expect(calibration.requests).toBe(journal.length)
  })

  it('asks only echo and reads: no write path in the journal', async () => {
    const { journal } = await probed({ ...OTHER_SETTINGS })
    const writes = ENDPOINTS.filter((e) => e.kind === 'write').map((e) => e.path)
    expect(writes.length).toBeGreaterThan(5)
    for (const entry of journal) {
      expect(writes.some((w) => entry.path.endsWith(w))).toBe(false)
      expect(READ_ONLY_PATHS.some((r) => entry.path.endsWith(r)) || entry.path.endsWith('/v3/tanma-probe-no-such-endpoint')).toBe(true)
    }
  })
})

describe('a fake serving the calibration', () => {
  it('answers the battery as the probed fake did', async () => {
    const first = await probed({ ...ISSUE_SETTINGS, errors: { badSignature: { code: 1099, message: '签名错误' } } })
    const second = await probed(calibratedOptions(first.calibration) as MockOptions)
    expect(second.calibration.settings).toEqual(first.calibration.settings)
    // The skew bisection's last steps fall within a request's latency of the edge: its outcome is compared, not each step.
    const outcome = (c: Calibration) => c.findings.map((f) => ({ id: f.id, measured: f.measured, evidence: f.id === 'skew' ? [] : f.evidence.map((e) => [e.step, e.status, e.code, e.message]) }))
    expect(outcome(second.calibration)).toEqual(outcome(first.calibration))
    expect(second.calibration.drift).toEqual(first.calibration.drift)
  })

  it('flags and config keys given win over it', () => {
    const calibration = { settings: { skewMs: 60_000, errors: { validation: { code: 1, message: 'x' }, notFound: { code: 2, message: 'y' } } }, tenant: {} } as unknown as Calibration
    expect(calibratedOptions(calibration, { skewMs: 1000, errors: { notFound: { code: 3 } } })).toEqual({ skewMs: 1000, errors: { validation: { code: 1, message: 'x' }, notFound: { code: 3 } } })
    // The tenant's field definitions and tags go to the world, unless the options give their own.
    const tenant = { fields: [{ id: 1, name: '姓名', type: 1, outerField: 'name' }], tagGroups: [], members: 3 }
    expect(calibratedOptions({ ...calibration, tenant })).toMatchObject({ skewMs: 60_000, tenant })
    expect(calibratedOptions({ ...calibration, tenant }, { tenant: { tagGroups: [] } })).toMatchObject({ tenant: { tagGroups: [] } })
  })
})

describe('what leaves the tenant', () => {
  it('no customer or member name, mobile or WeChat id in the calibration, the report or the state file', async () => {
    const generated = await createMock({ seed: 'probe-redaction', customers: 80 })
    const fixture = generated.context.world.toFixture()
    const secrets = new Set<string>()
    for (const c of [...fixture.customers, ...(fixture.leads ?? [])]) {
      for (const f of c.fields) {
        if (f.valueAsText === null) continue
        if (f.field === 'name' || f.field === 'address' || f.field === 'description') secrets.add(f.valueAsText)
        if (f.field === 'mobile') for (const m of JSON.parse(f.valueAsText) as string[]) secrets.add(m)
      }
      if ('externalUserId' in c && c.externalUserId) secrets.add(c.externalUserId)
      if ('wechatNickname' in c && c.wechatNickname) secrets.add(c.wechatNickname)
    }
    for (const m of fixture.members) {
      secrets.add(m.name)
      secrets.add(m.qwUserId)
      if (m.mobile) secrets.add(String(m.mobile))
    }
    const stateFile = join(dir, 'redaction.state.json')
    const { calibration } = await probed({ fixtures: fixture }, { stateFile })
    const outputs = { calibration: JSON.stringify(calibration), report: renderReport(calibration), state: readFileSync(stateFile, 'utf8') }
    expect(secrets.size).toBeGreaterThan(150)
    for (const [where, text] of Object.entries(outputs)) {
      // Latin secrets (member ids like `pat`) as whole words: `path` is no leak.
      const found = [...secrets].filter((s) => s.length >= 2 && (/^[\x20-\x7e]+$/.test(s) ? new RegExp(`(^|[^A-Za-z0-9_])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`).test(text) : text.includes(s)))
      expect([where, found]).toEqual([where, []])
    }
    // What it keeps: the configuration.
    expect(calibration.tenant.fields?.map((f) => f.name)).toContain('客户阶段')
    expect(calibration.tenant.members).toBe(fixture.members.length)
    expect(calibration.kept.join('\n')).toMatch(/not kept: customer or member names, mobiles/)
  })
})

describe('pace and faults', () => {
  it('keeps to --qps: no two requests closer than 1/qps (journal times, and when each was sent)', async () => {
    const mock = await createMock({})
    const server = await startServer(mock, { port: 0 })
    const sent: number[] = []
    const timed: typeof fetch = (input, init) => (sent.push(performance.now()), fetch(input, init))
    try {
      await probe({ baseUrl: server.baseUrl, appId: mock.credentials.appId, appKey: mock.credentials.appKey, qps: 20, fetch: timed })
    } finally {
      await server.close(0)
    }
    const gap = 1000 / 20
    const sentGaps = sent.slice(1).map((t, k) => t - sent[k]!)
    expect(sentGaps.length).toBeGreaterThan(50)
    expect(Math.min(...sentGaps)).toBeGreaterThanOrEqual(gap - 1)
    // The journal stamps a request when the fake takes it up; a busy event loop can take one up late and the next on time, so one gap shrinks: runs of ten hold.
    const times = mock.admin.requests().map((e) => e.time)
    expect(times.length).toBe(sent.length)
    const tolerance = 60
    for (let k = 10; k < times.length; k++) expect(times[k]! - times[k - 10]!).toBeGreaterThanOrEqual(10 * gap - tolerance)
    expect(times[times.length - 1]! - times[0]!).toBeGreaterThanOrEqual((times.length - 1) * gap - tolerance)
  })

  it('backs off rate limits and gateway errors, and still measures the settings', async () => {
    const faults = [{ kind: 'rateLimit', qps: 40, burst: 3 }, { kind: 'gateway', status: 503, probability: 0.15, seed: 'probe' }]
    const mock = await createMock({ ...ISSUE_SETTINGS, faults })
    const server = await startServer(mock, { port: 0 })
    const retries: string[] = []
    try {
      const calibration = await probe({ baseUrl: server.baseUrl, appId: mock.credentials.appId, appKey: mock.credentials.appKey, qps: 500, backoffMs: 30, onRetry: (r) => retries.push(r.reason) })
      expectRecovers(calibration, ISSUE_SETTINGS)
      expect(calibration.settings.errors?.validation).toEqual({ code: 40000, message: '请求参数验证失败：' })
    } finally {
      await server.close(0)
    }
    expect(retries).toContain('code 429')
    expect(retries).toContain('HTTP 503')
  })

  it('resumes: a second run asks only what the first did not get answered', async () => {
    const mock = await createMock({ ...ISSUE_SETTINGS })
    const server = await startServer(mock, { port: 0 })
    const stateFile = join(dir, 'resume.state.json')
    const options = { baseUrl: server.baseUrl, appId: mock.credentials.appId, appKey: mock.credentials.appKey, qps: 500, stateFile }
    try {
      let sent = 0
      const failing: typeof fetch = (input, init) => (++sent > 30 ? Promise.reject(new Error('cut')) : fetch(input, init))
      await expect(probe({ ...options, fetch: failing, retries: 1, backoffMs: 1 })).rejects.toThrow(/still HTTP connection failed after 1 retries/)
      mock.admin.clearRequests()
      const before = mock.admin.requests().length
      const resumed = await probe({ ...options, resume: true })
      expectRecovers(resumed, ISSUE_SETTINGS)
      expect(resumed.requests).toBe(mock.admin.requests().length - before)
      const fresh = await probe({ ...options, stateFile: undefined })
      expect(resumed.requests).toBeLessThanOrEqual(fresh.requests - 25)
      await expect(probe({ ...options, resume: true, appId: 'someone_else' })).rejects.toThrow(/not of .* \(appId someone_else\)/)
    } finally {
      await server.close(0)
    }
  })
})

it('the error kinds it measures are the catalog\'s', () => {
  expect(Object.keys(OTHER_ERRORS).every((k) => ERROR_KINDS.includes(k as never))).toBe(true)
})

it('schema/calibration.schema.json is what `npm run schema` generates from the calibration schema', async () => {
  const { CALIBRATION_SCHEMA_FILE, calibrationSchemaText } = await import('../../schema/generate.js')
  expect(readFileSync(CALIBRATION_SCHEMA_FILE, 'utf8')).toBe(calibrationSchemaText())
})

it("docs/probe.md and docs/cli.md state the battery's budget", () => {
  for (const page of ['docs/probe.md', 'docs/cli.md']) expect(readFileSync(new URL(`../../${page}`, import.meta.url), 'utf8').replace(/\s+/g, ' ')).toContain(`at most ${BUDGET} `)
})

it('a tenant too small to show a setting: not measured, with the reason, and the rest still measured', async () => {
  const { calibration } = await probed({ customers: 3, staff: 2, sizeMax: 50 })
  const size = calibration.findings.find((f) => f.id === 'size-max')!
  expect(size.measured).toBeUndefined()
  expect(size.note).toMatch(/the tenant has \d+ follow relations, fewer than the largest page/)
  expect(calibration.settings.sizeMax).toBeUndefined()
  expect(calibration.settings).toMatchObject({ skewMs: 300_000, signCase: 'lower', endCursor: 'null' })
  expect(renderReport(calibration)).toMatch(/largest page size.*\| not measured \(the tenant has/)
})
