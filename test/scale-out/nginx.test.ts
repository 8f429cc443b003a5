/**
 * docker/nginx.conf in a real nginx (Debian's /usr/sbin/nginx; .ci/run installs it) in front of two
 * real replicas, as docker/compose.yaml runs them but without Docker (no engine runs here). The
 * shipped file is used as it is, but for what only compose gives it: the replicas' addresses
 * (`fake-a`, `fake-b`: their host:port on 127.0.0.1), the listen ports (free ports on 127.0.0.1) and
 * nginx's temporary files and access log (in a temporary directory, not /var; the log names the
 * replica nginx chose for each request and the tenant it keyed on, which the routing tests read). `substitute` checks
 * each replacement applies exactly as often as expected, so a change to the file's structure fails
 * here rather than testing something else.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isAdminPath } from '../../mock/admin/guard.js'
import { ENDPOINTS } from '../../mock/endpoints/index.js'
import { DEMO_CREDENTIALS, settingByKey } from '../../mock/options.js'
import { call, startReplica, type Replica } from './support.js'

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx'
const CONF = fileURLToPath(new URL('../../docker/nginx.conf', import.meta.url))
const shipped = readFileSync(CONF, 'utf8')
/** The port each replica listens on inside compose (the fake's default), and nginx's two listeners. */
const PORT = settingByKey('port')!.defaultValue as number
const PINNED = 20068
const FAKES = ['fake-a', 'fake-b'] as const
const TOKEN = 'scale-out-nginx-token'
const RELATIONS = '/v3/customer-relation/list-by-relation-create-time-asc'

/** Replaces `from` by `to`, which must occur exactly `times` times. */
function replace(text: string, from: string, to: string, times: number): string {
  const parts = text.split(from)
  if (parts.length - 1 !== times) throw new Error(`docker/nginx.conf: expected "${from.trim()}" ${times}×, found ${parts.length - 1}×; the nginx test's substitution no longer applies`)
  return parts.join(to)
}

/**
 * The shipped config with what compose provides replaced: each replica's `server <name>:<port>;`
 * (once per upstream), each `listen <port>;`, and, first in the http block, nginx's temporary paths
 * and access log under `dir`.
 */
function substitute(text: string, at: { replicas: Record<(typeof FAKES)[number], string>; spread: number; pinned: number; dir: string }): string {
  const upstreams = [...text.matchAll(/^\s*upstream\s+\S+\s*\{/gm)].length
  let out = text
  for (const name of FAKES) out = replace(out, `server ${name}:${PORT};`, `server ${at.replicas[name]};`, upstreams)
  out = replace(out, `listen ${PORT};`, `listen 127.0.0.1:${at.spread};`, 1)
  out = replace(out, `listen ${PINNED};`, `listen 127.0.0.1:${at.pinned};`, 1)
  const paths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${join(at.dir, kind)};`)
  const log = [`log_format routed '$http_x_route $request_uri $upstream_addr $tenant';`, `access_log ${join(at.dir, 'access.log')} routed;`]
  out = replace(out, '\nhttp {\n', `\nhttp {\n  ${[...log, ...paths].join('\n  ')}\n`, 1)
  // Nothing that only compose resolves is left: every server and listener is on loopback.
  for (const m of out.replace(/#[^\n]*/g, '').matchAll(/(?:^|[{;])\s*(server|listen)\s+([^\s;{]+)/gm)) expect(m[2], m[0]).toMatch(/^127\.0\.0\.1:\d+$/)
  return out
}

/** A port free on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Resolves once 127.0.0.1:`port` accepts a connection; rejects when `child` exits first or after 20 s. */
async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 20_000
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${log()}`)
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true))).on('error', () => resolve(false))
    })
    if (up) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nginx did not listen on ${port}: ${log()}`)
}

/** nginx's arguments for a config in `dir`: foreground, pid and logs there, nothing of /etc, /run or /var. */
const nginxArgs = (dir: string) => ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`]

interface Entry {
  readonly seq: number
  readonly path: string
  readonly endpoint: string | null
  readonly code: number | null
}

const missing = existsSync(NGINX) ? undefined : `${NGINX} is missing (apt-get install -y nginx, or set NGINX_PATH)`
if (missing) console.warn(`skipping docker/nginx.conf in a real nginx: ${missing}`)

describe('the substitution', () => {
  it('fails when the shipped file no longer has what it replaces', () => {
    const at = { replicas: { 'fake-a': '127.0.0.1:1', 'fake-b': '127.0.0.1:2' }, spread: 3, pinned: 4, dir: '/tmp/x' }
    expect(() => substitute(shipped, at)).not.toThrow()
    expect(() => substitute(shipped.replace('server fake-b:20066;', 'server fake-c:20066;'), at)).toThrow(/server fake-b:20066.*2×, found 1×/)
    expect(() => substitute(shipped.replace(`listen ${PINNED};`, `listen 0.0.0.0:${PINNED};`), at)).toThrow(/listen 20068/)
    expect(() => substitute(`${shipped}\nstream { server { listen 9000; } }\n`, at)).toThrow()
  })
})

describe.skipIf(missing !== undefined)('docker/nginx.conf in a real nginx, in front of two real replicas', () => {
  let a: Replica
  let b: Replica
  let dir: string
  let nginx: ChildProcess | undefined
  let log = ''
  let spread: string
  let pinned: string

  /** A replica's journal, asked of it directly. */
  const journal = async (replica: Replica): Promise<Entry[]> => {
    const answer = await fetch(`${replica.origin}/__mock/requests`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(answer.status).toBe(200)
    return (await answer.json()) as Entry[]
  }
  /**
   * The requests `send` made, each with the header `x-route` it is given (`tag`, or `tag.<more>` to tell
   * calls apart): each one's tag, URI and the replica (host:port) nginx chose, from the access log, whose
   * lines come in the order answers ended.
   */
  let routes = 0
  const routed = async (send: (tag: string) => Promise<number>): Promise<{ tag: string; uri: string; server: string; tenant: string }[]> => {
    const tag = `r${++routes}`
    const lines = () => readFileSync(join(dir, 'access.log'), 'utf8').split('\n').map((line) => line.split(' ')).filter(([t]) => t === tag || t!.startsWith(`${tag}.`))
    const sent = await send(tag)
    for (let wait = 0; lines().length < sent && wait < 100; wait++) await new Promise((r) => setTimeout(r, 50)) // logged once the answer is out
    const out = lines().map(([t, uri, server, tenant]) => ({ tag: t!, uri: uri!, server: server!, tenant: tenant! }))
    expect(out).toHaveLength(sent)
    return out
  }
  const hostOf = (replica: Replica) => new URL(replica.origin).host
  const count = (entries: Entry[], endpoint: string) => entries.filter((e) => e.endpoint === endpoint && e.code === 0).length

  beforeAll(async () => {
    const args = ['--seed', 'nginx', '--customers', '300', '--admin-token', TOKEN]
    ;[a, b] = await Promise.all([startReplica(args), startReplica(args)])
    dir = mkdtempSync(join(tmpdir(), 'tanma-nginx-'))
    chmodSync(dir, 0o755) // run as root, nginx's workers are an unprivileged user: they write its temporary files
    const [spreadPort, pinnedPort] = [await freePort(), await freePort()]
    writeFileSync(join(dir, 'nginx.conf'), substitute(shipped, { replicas: { 'fake-a': hostOf(a), 'fake-b': hostOf(b) }, spread: spreadPort, pinned: pinnedPort, dir }))
    nginx = spawn(NGINX, nginxArgs(dir), { stdio: ['ignore', 'pipe', 'pipe'] })
    nginx.stdout!.setEncoding('utf8').on('data', (c: string) => (log += c))
    nginx.stderr!.setEncoding('utf8').on('data', (c: string) => (log += c))
    await Promise.all([listening(spreadPort, nginx, () => log), listening(pinnedPort, nginx, () => log)])
    spread = `http://127.0.0.1:${spreadPort}`
    pinned = `http://127.0.0.1:${pinnedPort}`
  }, 120_000)
  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once('exit', resolve))
      nginx.kill('SIGTERM') // fast shutdown: the master stops its workers
      await exited
    }
    a?.stop()
    b?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('passes `nginx -t`', () => {
    const test = spawnSync(NGINX, ['-t', ...nginxArgs(dir)], { encoding: 'utf8' })
    expect(test.status, test.stderr).toBe(0)
    expect(test.stderr).toContain('test is successful')
  })

  it('answers a signed request', async () => {
    const answer = await call(spread, RELATIONS, { size: 2 })
    expect(answer.status).toBe(200)
    expect(answer.json.code, answer.text).toBe(0)
    expect((answer.json.data as { list: unknown[] }).list).toHaveLength(2)
  })

  it('spreads reads over both replicas, with the same bytes from each', async () => {
    const body = { size: 20, type: 1 }
    const [beforeA, beforeB] = [count(await journal(a), RELATIONS), count(await journal(b), RELATIONS)]
    const answers: string[] = []
    for (let k = 0; k < 8; k++) answers.push((await call(spread, RELATIONS, body)).text)
    const [onA, onB] = [count(await journal(a), RELATIONS) - beforeA, count(await journal(b), RELATIONS) - beforeB]
    expect(onA + onB).toBe(8)
    expect(onA).toBeGreaterThan(0)
    expect(onB).toBeGreaterThan(0)
    expect(new Set(answers)).toEqual(new Set([(await call(a.origin, RELATIONS, body)).text]))
  })

  it('pages a whole window through nginx, hopping between replicas, as one replica pages it', async () => {
    const sweep = async (origin: string) => {
      const pages: string[] = []
      let cursor: string | undefined
      do {
        const answer = await call(origin, RELATIONS, cursor ? { size: 40, cursor } : { size: 40 })
        expect(answer.json.code, answer.text).toBe(0)
        pages.push(answer.text)
        cursor = (answer.json.data as { nextCursor: string | null }).nextCursor ?? undefined
      } while (cursor)
      return pages
    }
    const [beforeA, beforeB] = [count(await journal(a), RELATIONS), count(await journal(b), RELATIONS)]
    const through = await sweep(spread)
    expect(through.length).toBeGreaterThan(2)
    expect(count(await journal(a), RELATIONS)).toBeGreaterThan(beforeA)
    expect(count(await journal(b), RELATIONS)).toBeGreaterThan(beforeB)
    expect(through).toEqual(await sweep(b.origin))
  })

  it("sends a tenant's writes to its home replica, whose journal has them all, and reads them back on the pinned port", async () => {
    const [beforeA, beforeB] = [count(await journal(a), '/v3/add-clue'), count(await journal(b), '/v3/add-clue')]
    const mobiles = ['18800000201', '18800000202', '18800000203', '18800000204']
    for (const mobile of mobiles) {
      const added = await call(spread, '/v3/add-clue', { customerName: '真实负载均衡', mobiles: [mobile] })
      expect(added.json.code, added.text).toBe(0)
    }
    const [onA, onB] = [count(await journal(a), '/v3/add-clue') - beforeA, count(await journal(b), '/v3/add-clue') - beforeB]
    expect([onA, onB].sort()).toEqual([0, mobiles.length])
    const [home, away] = onA ? [a, b] : [b, a]
    // Read-your-writes: every search on the pinned port, however many, reaches home.
    for (const mobile of mobiles) {
      const found = await call(pinned, '/v3/customer/search', { searchKey: mobile, pageNo: 1, pageSize: 10 })
      expect(found.text, mobile).toContain('真实负载均衡')
    }
    expect(count(await journal(home), '/v3/customer/search')).toBeGreaterThanOrEqual(mobiles.length)
    expect(count(await journal(away), '/v3/customer/search')).toBe(0)
  })

  it('passes the admin token through and sends admin calls to the home replica', async () => {
    const refused = await fetch(`${spread}/__mock/requests`)
    expect(refused.status).toBe(401)
    for (const origin of [spread, pinned]) {
      const answer = await fetch(`${origin}/__mock/requests`, { headers: { authorization: `Bearer ${TOKEN}` } })
      expect(answer.status, origin).toBe(200)
      // The demo tenant's home is where its writes are: the journal through nginx has them.
      expect(count((await answer.json()) as Entry[], '/v3/add-clue'), origin).toBeGreaterThan(0)
    }
  })

  it("routes by nginx's own maps: every write endpoint to one home replica, reads to either, under any base-URL prefix", async () => {
    const last = async (replica: Replica) => Math.max(0, ...(await journal(replica)).map((e) => e.seq))
    const [seqA, seqB] = [await last(a), await last(b)]
    const prefixes = ['/api', '/apiServer/api', '/any/prefix/api']
    const repeat = 4
    // An empty body: a write is refused by validation (nothing changes) but still journaled where it landed.
    for (const prefix of prefixes) for (const endpoint of ENDPOINTS) for (let k = 0; k < repeat; k++) await call(`${spread}${prefix.replace(/\/api$/, '')}`, endpoint.path, {})
    const [onA, onB] = [(await journal(a)).filter((e) => e.seq > seqA), (await journal(b)).filter((e) => e.seq > seqB)]
    expect(onA.length + onB.length).toBe(prefixes.length * ENDPOINTS.length * repeat)
    for (const prefix of prefixes) expect(onA.concat(onB).filter((e) => e.path.startsWith(`${prefix}/v`)).length, prefix).toBe(ENDPOINTS.length * repeat)
    const tally = (entries: Entry[], kind: 'write' | 'read') => entries.filter((e) => ENDPOINTS.some((x) => (x.kind === 'write') === (kind === 'write') && x.path === e.endpoint)).length
    const writes = ENDPOINTS.filter((e) => e.kind === 'write').length * prefixes.length * repeat
    expect(writes).toBeGreaterThan(0)
    expect([tally(onA, 'write'), tally(onB, 'write')].sort((x, y) => x - y)).toEqual([0, writes])
    expect(tally(onA, 'read')).toBeGreaterThan(0)
    expect(tally(onB, 'read')).toBeGreaterThan(0)
  })

  it("keys a tenant's home by its appId: its API calls on either port and its admin scope reach one replica; plain /__mock is the first (demo) tenant's", async () => {
    const appIds = Array.from({ length: 16 }, (_, k) => `ww${String(k).padStart(16, '0')}_Rt${k}`)
    const log = await routed(async (tag) => {
      const post = { method: 'POST', body: '{}' }
      for (const [k, appId] of appIds.entries()) {
        const json = { 'content-type': 'application/json', appId, 'x-route': `${tag}.${k}` }
        await (await fetch(`${spread}/api/v3/add-clue`, { ...post, headers: json })).text()
        await (await fetch(`${spread}/__mock/tenants/${appId}/clock`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-route': `${tag}.${k}` } })).text()
        await (await fetch(`${pinned}/api/v3/echo`, { ...post, headers: json })).text()
      }
      await call(spread, '/v3/add-clue', {}, { 'x-route': `${tag}.demo` })
      await (await fetch(`${spread}/__mock/clock`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-route': `${tag}.demo` } })).text()
      return appIds.length * 3 + 2
    })
    const homes = appIds.map((appId, k) => {
      const calls = log.filter((c) => c.tag.endsWith(`.${k}`))
      expect(calls.map((c) => c.uri).sort()).toEqual([`/__mock/tenants/${appId}/clock`, '/api/v3/add-clue', '/api/v3/echo'])
      expect(new Set(calls.map((c) => c.server)).size, appId).toBe(1)
      expect(new Set(calls.map((c) => c.tenant)), appId).toEqual(new Set([appId]))
      return calls[0]!.server
    })
    expect(new Set(homes)).toEqual(new Set([hostOf(a), hostOf(b)]))
    const demo = log.filter((c) => c.tag.endsWith('.demo'))
    expect(demo.map((c) => c.uri).sort()).toEqual(['/__mock/clock', '/api/v3/add-clue'])
    expect(new Set(demo.map((c) => c.server)).size).toBe(1)
    expect(new Set(demo.map((c) => c.tenant))).toEqual(new Set([DEMO_CREDENTIALS.appId]))
  })

  it('sends every admin path home, as the fake tells admin paths apart, and every call home on the pinned port', async () => {
    const home = (await routed(async (tag) => (await call(spread, '/v3/add-clue', {}, { 'x-route': tag }), 1)))[0]!.server
    const uris = ['/__mock', '/__mock/', '/__mock/health', '/__mock/requests', '/__mock/stream', '/__mock/coverage', '/__mockery', '/api/__mock/x', '/__mock-ui', '/api/v3/echo']
    for (const port of [spread, pinned]) {
      const asked = port === pinned ? [...uris, ...ENDPOINTS.map((e) => `/api${e.path}`)] : uris
      // Without the token: every admin call is refused at once, wherever it lands.
      const log = await routed(async (tag) => {
        for (const uri of asked) for (let k = 0; k < 3; k++) await (await fetch(`${port}${uri}`, { headers: { 'x-route': tag } })).text()
        return asked.length * 3
      })
      for (const uri of asked) {
        const servers = new Set(log.filter((c) => c.uri === uri).map((c) => c.server))
        if (port === pinned || isAdminPath(uri)) expect([...servers], `${port}${uri}`).toEqual([home])
      }
      if (port === spread) expect(new Set(log.filter((c) => !isAdminPath(c.uri)).map((c) => c.server))).toEqual(new Set([hostOf(a), hostOf(b)]))
    }
  })
})
