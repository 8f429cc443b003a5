/** The CLI as a user runs it: `serve` prints where it listens and how to sign; `sign` prints working headers. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { signHeaders } from '../mock/protocol/signing.js'
import { DEMO_CREDENTIALS } from '../mock/options.js'
import { fixturePacks } from '../mock/package-files.js'
import { CLI, serveCli } from './cli-support.js'

const PATH = '/v3/customer-relation/list-by-relation-create-time-asc'
const running: ChildProcess[] = []
afterEach(() => running.splice(0).forEach((p) => p.kill()))

/** Starts `serve` and resolves with its banner once it listens (`--port 0` unless `port: false`, for a port from elsewhere). */
function serve(args: string[], env: Record<string, string> = {}, options: { cwd?: string; port?: boolean } = {}): Promise<{ banner: string; origin: string }> {
  const { child, ready } = serveCli(args, env, options)
  running.push(child)
  return ready
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
    expect(banner).toContain(`console    ${origin}/__mock/ui/`)

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
    expect(notJson.stderr).toMatch(/--fault <json>.* not JSON/)
  })
})

/** Runs the CLI to its end (in parallel with others: each start costs ~0.5 s). */
function run(args: string[], { env = {}, cwd }: { env?: Record<string, string>; cwd?: string } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })))
}

/** A directory holding a config file (name → JSON document). */
function configDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tanma-config-'))
  for (const [name, doc] of Object.entries(files)) writeFileSync(join(dir, name), typeof doc === 'string' ? doc : JSON.stringify(doc))
  return dir
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1')
  await new Promise((r) => probe.once('listening', r))
  const port = (probe.address() as { port: number }).port
  await new Promise((r) => probe.close(r))
  return port
}

const NO_STACK = /\n\s+at /
/** Batches of spawned CLIs: about 1 s on an idle machine, far more on a loaded one. */
const SLOW = 120_000

describe('settings from the environment and a config file', () => {
  it('TANMA_PORT, TANMA_HOST and TANMA_SEED set port, host and seed; plain PORT and HOST too, weaker than TANMA_*', async () => {
    const [p1, p2] = [await freePort(), await freePort()]
    const [tanma, plain] = await Promise.all([
      serve(['--customers', '3'], { TANMA_PORT: String(p1), TANMA_HOST: '127.0.0.2', TANMA_SEED: 'from-env', PORT: '1', HOST: '127.0.0.9' }, { port: false }),
      serve(['--customers', '3'], { PORT: String(p2), HOST: '127.0.0.3' }, { port: false }),
    ])
    expect(tanma.origin).toBe(`http://127.0.0.2:${p1}`)
    expect(tanma.banner).toContain('seed "from-env"')
    expect(plain.origin).toBe(`http://127.0.0.3:${p2}`)
  }, SLOW)

  it('a config file in the working directory sets them, and a flag beats the environment, which beats the file', async () => {
    const port = await freePort()
    const file = configDir({ 'tanma-mock.config.json': { $schema: './schema.json', port, host: '127.0.0.4', seed: 'from-file', customers: 4, staff: 1 } })
    const layered = configDir({ '.tanma-mockrc.json': { seed: 'from-file', host: '127.0.0.5', customers: 5, staff: 1, endCursor: 'empty-page' } })
    const pkg = configDir({ 'package.json': { name: 'consumer', 'tanma-mock': { seed: 'from-package-json', customers: 6 } } })
    const [fromFile, fromAll, fromPackage] = await Promise.all([
      serve([], {}, { cwd: file, port: false }),
      serve(['--seed', 'from-flag'], { TANMA_SEED: 'from-env', TANMA_HOST: '127.0.0.6' }, { cwd: layered }),
      serve([], {}, { cwd: pkg }),
    ])
    expect(fromFile.origin).toBe(`http://127.0.0.4:${port}`)
    expect(fromFile.banner).toMatch(/seed "from-file": 4 customers/)
    expect(fromAll.banner).toMatch(/seed "from-flag": 5 customers/) // flag over env; customers from the file
    expect(fromAll.origin).toMatch(/^http:\/\/127\.0\.0\.6:/) // env over file
    expect(fromPackage.banner).toMatch(/seed "from-package-json": 6 customers/)
    // endCursor from the file is in force: the last page still has a cursor
    const body = '{"size":100}'
    const page = (await (await fetch(`${fromAll.origin}/api${PATH}`, { method: 'POST', headers: signHeaders(DEMO_CREDENTIALS, body), body })).json()) as { data: { nextCursor: string | null } }
    expect(page.data.nextCursor).not.toBeNull()
  }, SLOW)

  it('a wrong value names its source (flag, variable or config key and file) and what is allowed, without a stack trace', async () => {
    const wrongFile = configDir({ 'tanma-mock.config.json': { port: 99999 } })
    const unknownKey = configDir({ 'tanma-mock.config.json': { prot: 8080 } })
    const notJson = configDir({ 'tanma-mock.config.json': '{"port": ' })
    const explicit = configDir({ 'other.json': { sizeDefault: 500 } })
    const results = await Promise.all([
      run(['serve', '--port', '99999']),
      run(['serve'], { env: { TANMA_PORT: '99999' } }),
      run(['serve'], { env: { PORT: 'eighty' } }),
      run(['serve'], { cwd: wrongFile }),
      run(['serve'], { cwd: unknownKey }),
      run(['serve'], { cwd: notJson }),
      run(['serve', '--config-file', join(explicit, 'other.json')]),
      run(['serve', '--config-file', join(explicit, 'missing.json')]),
      run(['serve', '--verbose'], { env: { TANMA_REALISTIC: 'maybe' } }),
    ])
    const expected = [
      /^tanma-mock: option '--port <port>' argument '99999' is invalid\. expected a whole number from 0 to 65535$/,
      /^tanma-mock: option '--port <port>' value '99999' from env 'TANMA_PORT' is invalid\. expected a whole number from 0 to 65535$/,
      /^tanma-mock: PORT=eighty: expected a whole number from 0 to 65535$/,
      /^tanma-mock: port in \S+tanma-mock\.config\.json: Too big: expected number to be <=65535$/,
      /^tanma-mock: unknown key "prot" in \S+tanma-mock\.config\.json \(keys: seed, customers, .*port, host.*\)$/,
      /^tanma-mock: config file \S+tanma-mock\.config\.json is not JSON: /,
      /^tanma-mock: sizeDefault in \S+other\.json: 500 exceeds the largest page size, 100 \(see --size-max\)$/,
      /^tanma-mock: --config-file \S+missing\.json: cannot read it \(ENOENT/,
      /^tanma-mock: TANMA_REALISTIC=maybe: expected 1, true, yes or on; or 0, false, no or off$/,
    ]
    results.forEach((r, k) => {
      expect(r.status, r.stderr).toBe(1)
      expect(r.stderr.trim()).toMatch(expected[k]!)
      expect(r.stderr).not.toMatch(NO_STACK)
    })
  }, SLOW)
})

describe('CLI errors a new user meets', () => {
  it('name flags instead of internal options, suggest commands, list fixture packs, and never show a stack', async () => {
    const [size, token, serv, fixtures, out, csv] = await Promise.all([
      run(['serve', '--size-default', '500']),
      run(['serve', '--admin-token', 'x']),
      run(['serv']),
      run(['serve', '--fixtures', 'nope']),
      run(['export', '--customers', '1', '--out', '/nonexistent/dir/x.json']),
      run(['export', '--customers', '1', '--out', join(mkdtempSync(join(tmpdir(), 'tanma-csv-')), 'x.csv')]),
    ])
    expect(size.stderr.trim()).toBe('tanma-mock: --size-default: 500 exceeds the largest page size, 100 (see --size-max)')
    expect(token.stderr.trim()).toBe('tanma-mock: --admin-token: Too small: expected string to have >=8 characters')
    expect(serv.stderr.trim()).toBe('tanma-mock: unknown command "serv" (did you mean serve?); commands: serve, export, sign, verify, push, coverage, probe (tanma-mock --help)')
    expect(fixtures.stderr.trim()).toMatch(/^tanma-mock: --fixtures: no fixture file "nope", .*a pack: (.+)$/)
    expect(fixtures.stderr.trim().split('a pack: ')[1]!.split(', ')).toEqual(fixturePacks())
    expect(fixturePacks()).toEqual(expect.arrayContaining(['demo', 'documented-example', 'edge', 'small']))
    expect(out.stderr.trim()).toBe('tanma-mock: --out /nonexistent/dir/x.json: cannot write there (ENOENT: no such file or directory)')
    expect(csv.stderr.trim()).toMatch(/--out \S+x\.csv: cannot tell the format from "\.csv": name it \.json, \.ndjson, \.jsonl or \.snapshot, or give --format json\|ndjson\|snapshot$/)
    for (const r of [size, token, serv, fixtures, out, csv]) {
      expect(r.status).toBe(1)
      expect(r.stderr).not.toMatch(NO_STACK)
    }
  }, SLOW)

  it('export takes its format from the --out extension, and --format wins when given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanma-format-'))
    const results = await Promise.all([
      run(['export', '--customers', '3', '--out', join(dir, 'w.jsonl')]),
      run(['export', '--customers', '3', '--out', join(dir, 'w.json')]),
      run(['export', '--customers', '3', '--out', join(dir, 'w.txt'), '--format', 'ndjson']),
    ])
    for (const r of results) expect(r.status, r.stderr).toBe(0)
    expect(results.map((r) => /\((\w+)\)$/.exec(r.stderr.trim())![1])).toEqual(['ndjson', 'json', 'ndjson'])
    const lines = (name: string) => readFileSync(join(dir, name), 'utf8').trim().split('\n').length
    expect(lines('w.jsonl')).toBeGreaterThan(3)
    expect(lines('w.json')).toBe(1)
    expect(lines('w.txt')).toBe(lines('w.jsonl'))
  }, SLOW)

  it('sign refuses a body that is not JSON, and signs it as given with --raw', async () => {
    const [refused, raw] = await Promise.all([run(['sign', '--body', '{not json']), run(['sign', '--body', '{not json', '--raw', '--timestamp', '1700000000000', '--json'])])
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/^tanma-mock: --body is not JSON \(.*\): the endpoint takes a JSON body; pass --raw to sign these bytes anyway\n$/)
    expect(raw.status, raw.stderr).toBe(0)
    expect(JSON.parse(raw.stdout)).toEqual(signHeaders(DEMO_CREDENTIALS, '{not json', 1_700_000_000_000))
  }, SLOW)
})

describe("the banner's try line", () => {
  /** Runs the printed `npx tanma-mock sign …` line as a shell would (with --json), and sends the request it signs. */
  async function tryLine(banner: string): Promise<number> {
    const line = /try\s+(npx tanma-mock sign .*?)\s{3}\(/.exec(banner)![1]!
    const command = line.replace(/^npx tanma-mock/, CLI.map((w) => `'${w}'`).join(' ').replace(/^/, `'${process.execPath}' `)) + ' --json'
    const printed = spawnSync('bash', ['-c', command], { encoding: 'utf8' })
    expect(printed.status, printed.stderr).toBe(0)
    const url = /--url (\S+)/.exec(line)![1]!
    const body = '{"size":2}'
    const response = await fetch(`${url}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(JSON.parse(printed.stdout) as Record<string, string>) }, body })
    return ((await response.json()) as { code: number }).code
  }

  it('signs with the credentials in force: --app-id/--app-key, or the first tenant of --config', async () => {
    const a = { appId: 'ww1111111111111111_TenA01', appKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }
    const dir = configDir({ 'tenants.json': { tenants: [{ ...a, customers: 5 }, { appId: 'ww2222222222222222_TenB01', appKey: 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' }] } })
    const [own, tenants, demo] = await Promise.all([
      serve(['--customers', '5', '--app-id', 'ww0123456789abcdef_Own001', '--app-key', 'OwnKey00000000000000000000000000']),
      serve(['--config', join(dir, 'tenants.json')]),
      serve(['--customers', '5']),
    ])
    expect(own.banner).toContain("sign --app-id ww0123456789abcdef_Own001 --app-key OwnKey00000000000000000000000000 --body '{\"size\":2}'")
    expect(demo.banner).toContain(`try        npx tanma-mock sign --body '{"size":2}' --url ${demo.origin}/api`)
    expect(await Promise.all([tryLine(own.banner), tryLine(tenants.banner), tryLine(demo.banner)])).toEqual([0, 0, 0])
  }, SLOW)
})
