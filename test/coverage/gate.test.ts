/** The CI gate (`--require '<spec>'`), the baseline diff, and `tanma-mock coverage` as CI runs it: exit codes and messages. */
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { checkRequirements, diffBaseline, parseSpec, SpecError, variantMatches } from '../../mock/coverage/gate.js'
import { coverageReportSchema, type CoverageReport } from '../../mock/coverage/schema.js'

import { complete, LIST, partial } from './fixtures.js'
const SPEC = 'used-endpoints:success,1002; cursor-lists:end; push:acknowledged; /v3/add-clue:error:40417'

describe('the --require spec language', () => {
  it('reads targets (kinds of groups, with or without all-, and group keys) and their variants', () => {
    expect(parseSpec(SPEC)).toEqual([
      { clause: 'used-endpoints:success,1002', target: { selector: 'endpoints', all: false }, variants: ['success', '1002'] },
      { clause: 'cursor-lists:end', target: { selector: 'cursor-lists', all: false }, variants: ['end'] },
      { clause: 'push:acknowledged', target: { selector: 'pushes', all: false }, variants: ['acknowledged'] },
      { clause: '/v3/add-clue:error:40417', target: { key: '/v3/add-clue' }, variants: ['error:40417'] },
    ])
    expect(parseSpec('push:new_qw_customer:retried, offline\nall-faults:recovered')).toEqual([
      { clause: 'push:new_qw_customer:retried, offline', target: { key: 'push:new_qw_customer' }, variants: ['retried', 'offline'] },
      { clause: 'all-faults:recovered', target: { selector: 'faults', all: true }, variants: ['recovered'] },
    ])
  })

  it('refuses a spec it cannot read, naming the clause and what a target is', () => {
    expect(() => parseSpec('')).toThrow(SpecError)
    expect(() => parseSpec('endpoint:success')).toThrow(/"endpoint:success": "endpoint" is not a target: .*used-endpoints/)
    expect(() => parseSpec('cursor-lists')).toThrow(/no variant after the target/)
    expect(() => parseSpec('cursor-lists:end reached')).toThrow(/"end reached" is not a variant/)
  })

  it('matches a variant by whole segments of the item id: 1002 is error:1002, end is paging:end, but 100 is nothing', () => {
    expect(variantMatches('1002', `${LIST}#error:1002`)).toBe(true)
    expect(variantMatches('end', `${LIST}#paging:end`)).toBe(true)
    expect(variantMatches('error:1002', `${LIST}#error:1002`)).toBe(true)
    expect(variantMatches('100', `${LIST}#error:1002`)).toBe(false)
    expect(variantMatches('end', `${LIST}#paging:endless`)).toBe(false)
    expect(variantMatches('*', `${LIST}#success`)).toBe(true)
  })
})

describe('unmet requirements', () => {
  it('names each group and what it never reached, in the vendor’s terms', () => {
    const unmet = checkRequirements(partial, SPEC)
    expect(unmet.map((u) => [u.group, u.variant])).toEqual([
      ['/v3/add-clue', '1002'],
      [LIST, 'end'],
      ['/v3/add-clue', 'error:40417'],
    ])
    expect(unmet[0]!.message).toBe('/v3/add-clue (个人线索导入): not covered: 1002 签名错误 (used-endpoints:success,1002)')
    expect(unmet[1]!.message).toContain('end reached (nextCursor null)')
  })

  it('passes a report that covers it all, and counts an item covered in any tenant', () => {
    expect(checkRequirements(complete, SPEC)).toEqual([])
    // The list's 1002 is covered in the first tenant only: the consumer's tests as a whole cover it.
    expect(checkRequirements(partial, `${LIST}:1002`)).toEqual([])
  })

  it('asks the all- targets of groups never used too, and * for every item of a group', () => {
    const unmet = checkRequirements(partial, 'all-endpoints:success')
    expect(unmet.map((u) => u.group)).toEqual(['/v3/clue/list-by-create-time-asc', '/v3/echo'])
    expect(unmet[1]!.message).toBe('/v3/echo (对接测试) never used: not covered: success (all-endpoints:success)')
    expect(checkRequirements(partial, 'fault:slow-1:*').map((u) => u.message)).toEqual(['fault:slow-1 (latency 2000 ms on <script>alert(1)</script> /v3/*): not covered: recovered (fault:slow-1:*)'])
  })

  it('skips groups that cannot give a variant, but calls a variant no group has a mistake in the spec', () => {
    // Only the followed-customer list has a validation:size item; the other used endpoint is not asked for it.
    expect(checkRequirements(partial, 'used-endpoints:validation:size').map((u) => u.group)).toEqual([LIST])
    expect(() => checkRequirements(partial, 'cursor-lists:edn')).toThrow(/no cursor list's item matches "edn" \(variants: success, empty, error:1002/)
    expect(() => checkRequirements(partial, '/v3/add-cleu:success')).toThrow(/the report has no group \/v3\/add-cleu/)
    expect(() => checkRequirements(partial, '/v2/add-clue:success')).toThrow(/did you mean \/v3\/add-clue\?/)
  })

  it('a target of used groups that selects none is missing too', () => {
    const none: CoverageReport = { ...partial, tenants: partial.tenants.map((t) => ({ ...t, groups: t.groups.map((g) => (g.kind === 'push' ? { ...g, used: false } : g)) })) }
    expect(checkRequirements(none, 'push:acknowledged').map((u) => u.message)).toEqual(['the consumer used no push type (push:acknowledged)'])
  })
})

describe('the baseline diff', () => {
  it('lists the item ids gained and lost between two reports', () => {
    const diff = diffBaseline(partial, complete)
    expect(diff.lost).toEqual([])
    expect(diff.gained).toHaveLength(19)
    expect(diff.gained).toContain(`${LIST}#paging:end`)
    expect(diff.labels[`${LIST}#paging:end`]).toBe('end reached (nextCursor null)')
    const back = diffBaseline(complete, partial)
    expect(back.gained).toEqual([])
    expect(back.lost).toEqual(diff.gained)
    expect(diffBaseline(partial, partial)).toEqual({ gained: [], lost: [], labels: {} })
  })
})

// ── the CLI, against a stand-in for a running fake's GET /__mock/coverage ──

const CLI = ['--import', new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href, fileURLToPath(new URL('../../mock/cli.ts', import.meta.url))]
const servers: Server[] = []
afterEach(() => servers.splice(0).forEach((s) => s.close()))

/** A server that answers GET /__mock/coverage with a report, behind a bearer token as the fake's admin routes are. */
async function fakeCoverage(report: unknown, token = 'sekret'): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url !== '/__mock/coverage') return void res.writeHead(404).end('{"error":"not found"}')
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"admin token required"}')
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(report))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

function coverage(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, 'coverage', ...args], { env: { ...process.env, NO_COLOR: '1', TANMA_ADMIN_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })))
}

// Each case starts the CLI (a couple of seconds each on a busy machine).
describe('tanma-mock coverage', { timeout: 120_000 }, () => {
  it('exits 1 naming what is missing, and 0 once the tests cover it', async () => {
    const failing = await coverage(['--url', await fakeCoverage(partial), '--token', 'sekret', '--require', SPEC])
    expect(failing.status).toBe(1)
    expect(failing.stdout).toContain('coverage: 13 of 54 items covered')
    expect(failing.stderr).toContain('✘ coverage requirements not met (3):')
    expect(failing.stderr).toContain('/v3/add-clue (个人线索导入): not covered: 40417 请求参数验证失败：电话号码重复 (/v3/add-clue:error:40417)')
    expect(failing.stderr).not.toMatch(/\n\s+at /) // no stack trace

    const passing = await coverage(['--url', await fakeCoverage(complete), '--token', 'sekret', '--require', SPEC])
    expect(passing.stderr).toBe('')
    expect(passing.status).toBe(0)
    expect(passing.stdout).toContain(`✔ coverage requirements met: ${SPEC}`)
  })

  it('writes each format to --out, and prints the baseline diff without failing on a loss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanma-coverage-'))
    const url = await fakeCoverage(partial)
    const baseline = join(dir, 'old.json')
    writeFileSync(baseline, JSON.stringify(complete))
    const json = await coverage(['--url', url, '--token', 'sekret', '--format', 'json', '--out', join(dir, 'report.json'), '--baseline', baseline])
    expect(json.status).toBe(0)
    expect(coverageReportSchema.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')))).toEqual(partial)
    expect(json.stdout).toContain('against the baseline: 0 gained, 19 lost')
    expect(json.stdout).toContain(`  - ${LIST}#paging:end  end reached (nextCursor null)`)
    for (const [format, start] of [['junit', '<?xml'], ['html', '<!doctype html>']] as const) {
      const r = await coverage(['--url', url, '--token', 'sekret', '--format', format, '--out', join(dir, `report.${format}`)])
      expect(r.status, r.stderr).toBe(0)
      expect(readFileSync(join(dir, `report.${format}`), 'utf8').startsWith(start)).toBe(true)
    }
    // A machine format on stdout stays clean: the verdicts go to stderr.
    const piped = await coverage(['--url', url, '--token', 'sekret', '--format', 'json', '--baseline', baseline, '--require', 'push:delivered'])
    expect(piped.status).toBe(0)
    expect(JSON.parse(piped.stdout)).toEqual(partial)
    expect(piped.stderr).toContain('19 lost')
  })

  it('says in one line what is wrong: a bad spec, the wrong token, a fake not running, an answer that is no report, a bad baseline', async () => {
    const url = await fakeCoverage(partial)
    const cases: [string[], RegExp][] = [
      [['--url', url, '--token', 'sekret', '--require', 'cursor-lists:edn'], /^tanma-mock: --require: "cursor-lists:edn": no cursor list's item matches "edn"/],
      [['--url', url, '--require', 'endpoint:success'], /^tanma-mock: --require: "endpoint:success": "endpoint" is not a target/],
      [['--url', url], /^tanma-mock: GET http:\/\/127\.0\.0\.1:\d+\/__mock\/coverage: 401 admin token required \(--token gives the admin token\)/],
      [['--url', await fakeCoverage({ version: 2 }, 't'), '--token', 't'], /^tanma-mock: the answer of GET .* is not a coverage report: version: /],
      [['--url', url, '--token', 'sekret', '--baseline', '/nonexistent/old.json'], /^tanma-mock: --baseline \/nonexistent\/old\.json: ENOENT/],
      [['--url', url, '--token', 'sekret', '--format', 'pdf'], /argument 'pdf' is invalid. Allowed choices are table, json, junit, html/],
      // Before and after the report engine (mock/coverage/report.ts) is in the build: one line either way.
      [['--journal', '/nonexistent/journal.json'], /^tanma-mock: --journal[: ]/],
    ]
    for (const [args, message] of cases) {
      const r = await coverage(args)
      expect(r.status, args.join(' ')).toBe(1)
      expect(r.stderr, args.join(' ')).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    const gone = createServer()
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve))
    const port = (gone.address() as { port: number }).port
    await new Promise((resolve) => gone.close(resolve))
    const closed = await coverage(['--url', `http://127.0.0.1:${port}`])
    expect(closed.status).toBe(1)
    expect(closed.stderr).toBe(`tanma-mock: cannot reach http://127.0.0.1:${port}/__mock/coverage: ECONNREFUSED (is \`tanma-mock serve\` running there? --url sets where)\n`)
  })
})
