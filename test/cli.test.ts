/** The CLI as a user runs it: `serve` prints where it listens and how to sign; `sign` prints working headers. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { signHeaders } from '../mock/protocol/signing.js'
import { DEMO_CREDENTIALS } from '../mock/options.js'

const CLI = ['--import', 'tsx', 'mock/cli.ts']
const PATH = '/v3/customer-relation/list-by-relation-create-time-asc'
const running: ChildProcess[] = []
afterEach(() => running.splice(0).forEach((p) => p.kill()))

/** Starts `serve` and resolves with its banner once it listens. */
function serve(args: string[], env: Record<string, string> = {}): Promise<{ banner: string; origin: string }> {
  const child = spawn(process.execPath, [...CLI, 'serve', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  running.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c
      const m = /listening\s+(http:\/\/\S+)/.exec(out)
      if (m && out.includes('Ctrl-C')) resolve({ banner: out, origin: m[1]! })
    })
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c))
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)))
  })
}

function sign(body: string, env: Record<string, string> = {}, extra: string[] = []) {
  const r = spawnSync(process.execPath, [...CLI, 'sign', '--body', body, ...extra], { env: { ...process.env, ...env }, encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  return r.stdout
}

describe('tanma-mock serve', () => {
  it('prints the base URL, the demo credentials and how to sign, and answers a request signed by `tanma-mock sign`', async () => {
    const { banner, origin } = await serve(['--customers', '50', '--seed', 'cli'])
    expect(banner).toContain(`base URL   ${origin}/api`)
    expect(banner).toContain('appId      wwd3a0c0ffee5eed00_Demo01')
    expect(banner).toContain('appKey     tanmaMockDemoKey2026ForLocalTest')
    expect(banner).toContain('sha256(appId + timestamp + rawBody + appKey)')
    expect(banner).toMatch(/50 customers/)

    const body = '{"size": 3}'
    const headers = JSON.parse(sign(body, {}, ['--json'])) as Record<string, string>
    const response = await fetch(`${origin}/api${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    const json = (await response.json()) as { code: number; data: { list: unknown[] } }
    expect(json.code).toBe(0)
    expect(json.data.list).toHaveLength(3)
  })

  it('prints a curl line that works as printed', async () => {
    const { origin } = await serve(['--customers', '20'])
    const out = sign('{"size":2}', {}, ['--url', `${origin}/api`])
    const curl = out.split('\n').find((l) => l.startsWith('curl '))!
    expect(curl).toContain(`'${origin}/api${PATH}'`)
    const r = spawnSync('bash', ['-c', curl], { encoding: 'utf8' })
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 0 })
  })

  it('takes credentials from TANMA_APP_ID / TANMA_APP_KEY, for serve and sign alike', async () => {
    const env = { TANMA_APP_ID: 'ww0123456789abcdef_Env001', TANMA_APP_KEY: 'EnvKey0000000000000000000000000A' }
    const { banner, origin } = await serve(['--customers', '10'], env)
    expect(banner).toContain(env.TANMA_APP_ID)
    const headers = JSON.parse(sign('{}', env, ['--json'])) as Record<string, string>
    expect(headers.appId).toBe(env.TANMA_APP_ID)
    const ok = await fetch(`${origin}/api${PATH}`, { method: 'POST', headers, body: '{}' })
    expect(((await ok.json()) as { code: number }).code).toBe(0)
    const demo = signHeaders(DEMO_CREDENTIALS, '{}')
    const refused = await fetch(`${origin}/api${PATH}`, { method: 'POST', headers: demo, body: '{}' })
    expect(((await refused.json()) as { code: number }).code).toBe(1002)
  })

  it('applies behaviour flags (--end-cursor, --size-default, --error)', async () => {
    const { origin } = await serve(['--customers', '5', '--staff', '1', '--end-cursor', 'empty-page', '--size-default', '2', '--error', 'validation=40001'])
    const call = async (body: string) => {
      const headers = signHeaders(DEMO_CREDENTIALS, body)
      return (await (await fetch(`${origin}/api${PATH}`, { method: 'POST', headers, body })).json()) as { code: number; data: { list: unknown[]; nextCursor: string | null } }
    }
    expect((await call('{}')).data.list).toHaveLength(2)
    const all = await call('{"size":100}')
    expect(all.data.nextCursor).not.toBeNull() // empty-page mode: the last page still has a cursor
    expect((await call('{"size":0}')).code).toBe(40001)
  })

  it('serves the documented example exactly with --fixtures … --end-cursor empty-page', async () => {
    const { banner, origin } = await serve(['--fixtures', 'fixtures/documented-example.json', '--end-cursor', 'empty-page'])
    expect(banner).toContain('fixture fixtures/documented-example.json: 2 customers')
    const body = '{"qwUserId":"dowen","size":100}'
    const response = await fetch(`${origin}/api${PATH}`, { method: 'POST', headers: signHeaders(DEMO_CREDENTIALS, body), body })
    const vendor = JSON.parse(readFileSync(new URL('../fixtures/vendor/list-by-relation-create-time-asc.response.json', import.meta.url), 'utf8'))
    expect(await response.json()).toEqual(vendor)
  })

  it('exports a world as NDJSON that serves the same answers as the seed', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tanma-export-')), 'world.ndjson')
    const exported = spawnSync(process.execPath, [...CLI, 'export', '--seed', 'cli-export', '--customers', '80', '--out', out, '--format', 'ndjson'], { encoding: 'utf8' })
    expect(exported.status, exported.stderr).toBe(0)
    expect(exported.stderr).toMatch(/wrote 80 customers/)
    const [fromSeed, fromFile] = await Promise.all([serve(['--seed', 'cli-export', '--customers', '80']), serve(['--fixtures', out])])
    const body = '{"size":100}'
    const answer = async (origin: string) => (await fetch(`${origin}/api${PATH}`, { method: 'POST', headers: signHeaders(DEMO_CREDENTIALS, body), body })).text()
    expect(await answer(fromFile.origin)).toBe(await answer(fromSeed.origin))
  })

  it('serves several tenants from --config, each with its own credentials and world', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanma-tenants-'))
    const a = { appId: 'ww1111111111111111_TenA01', appKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }
    const b = { appId: 'ww2222222222222222_TenB01', appKey: 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' }
    writeFileSync(join(dir, 'tenants.json'), JSON.stringify({ tenants: [{ ...a, customers: 30 }, { ...b, fixtures: 'documented-example' }] }))
    const { banner, origin } = await serve(['--config', join(dir, 'tenants.json')])
    expect(banner).toMatch(/2 tenants from/)
    expect(banner).toContain(`admin ${origin}/__mock/tenants/${b.appId}`)
    const body = '{"size":100}'
    const ask = async (credentials: typeof a) => ((await (await fetch(`${origin}/api${PATH}`, { method: 'POST', headers: signHeaders(credentials, body), body })).json()) as { data: { list: unknown[] } }).data.list.length
    expect(await ask(b)).toBe(2)
    expect(await ask(a)).toBeGreaterThan(30)
  })

  it('refuses bad flags and a taken port with a one-line message, no stack trace', async () => {
    const bad = spawnSync(process.execPath, [...CLI, 'serve', '--customers', 'many'], { encoding: 'utf8' })
    expect(bad.status).not.toBe(0)
    expect(bad.stderr).toMatch(/customers/)
    expect(bad.stderr).not.toMatch(/\n\s+at /)

    const blocker = createServer().listen(0, '127.0.0.1')
    await new Promise((r) => blocker.once('listening', r))
    const port = (blocker.address() as { port: number }).port
    const taken = spawnSync(process.execPath, [...CLI, 'serve', '--port', String(port), '--customers', '5'], { encoding: 'utf8' })
    blocker.close()
    expect(taken.status).toBe(1)
    expect(taken.stderr).toMatch(new RegExp(`port ${port} .*in use`))
    expect(taken.stderr).not.toMatch(/\n\s+at /)
  })

  it('starts with fault rules from --faults, --fault, --latency, --rate-limit and --realistic, and lists them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanma-faults-'))
    writeFileSync(join(dir, 'faults.json'), JSON.stringify({ rules: [{ kind: 'error', id: 'busy', code: -1, message: '系统繁忙', calls: { nth: [1] } }] }))
    const { banner, origin } = await serve(['--customers', '20', '--faults', join(dir, 'faults.json'), '--fault', '{"kind":"gateway","calls":{"nth":[2]}}', '--latency', '1-3', '--rate-limit', '50:100', '--realistic'])
    expect(banner).toContain('faults     busy, gateway-2, latency, rate-limit, realistic-short-page, realistic-duplicate-edge')
    const body = '{"size":2}'
    const call = () => fetch(`${origin}/api${PATH}`, { method: 'POST', headers: signHeaders(DEMO_CREDENTIALS, body), body })
    expect(((await (await call()).json()) as { code: number }).code).toBe(-1)
    expect((await call()).status).toBe(502)
    expect(((await (await call()).json()) as { code: number }).code).toBe(0)
  })

  it('refuses a bad fault rule naming the field', () => {
    const bad = spawnSync(process.execPath, [...CLI, 'serve', '--customers', '5', '--fault', '{"kind":"latency"}', '--fault', '{"kind":"error","code":-1,"message":"x","calls":{"nth":[0]}}'], { encoding: 'utf8' })
    expect(bad.status).toBe(1)
    expect(bad.stderr.trim()).toBe('tanma-mock: invalid fault rules: rules[0].ms: give ms, distribution or deep; rules[1].calls.nth[0]: Too small: expected number to be >=1')
    const notJson = spawnSync(process.execPath, [...CLI, 'serve', '--fault', '{kind:reset}'], { encoding: 'utf8' })
    expect(notJson.status).not.toBe(0)
    expect(notJson.stderr).toMatch(/--fault is not JSON/)
  })
})
