/**
 * The Docker image, the compose stack and nginx's routing (issue 15, "beyond one machine";
 * decisions/0013-scaling-out.md). No Docker daemon and no nginx run here, so: the facts the files
 * must agree on with the code are checked (port, liveness route, host and token variables, the
 * image's entry point, the two upstreams, which calls are writes), and nginx's routing rule, read
 * from docker/nginx.conf, is run in-process in front of two real replicas: a signed call through it,
 * reads spread over both with the same answers, a cursor sweep hopping between them, a tenant's
 * writes and admin calls all reaching its home replica, and read-your-writes on the pinned port.
 */
import { readFileSync } from 'node:fs'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_ROOT, LIVENESS_ROUTE, isAdminPath } from '../../mock/admin/guard.js'
import { ENDPOINTS } from '../../mock/endpoints/index.js'
import { DEMO_CREDENTIALS, settingByKey } from '../../mock/options.js'
import { readNginxConf, upstreamOf, variable, type NginxConf } from './nginx-rules.js'
import { call, startReplica, type Replica } from './support.js'

const file = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8')
const dockerfile = file('Dockerfile')
const dockerignore = file('.dockerignore')
const compose = file('docker/compose.yaml')
const pkg = JSON.parse(file('package.json')) as { bin: Record<string, string> }
const conf = readNginxConf()
const envOf = (key: string) => settingByKey(key)!.env[0]!
const PORT = settingByKey('port')!.defaultValue as number
const TOKEN = 'scale-out-admin-token'

/** The Dockerfile's stages: the text from each FROM to the next. */
const stages = dockerfile.split(/^(?=FROM )/m).slice(1)
const runtime = stages.at(-1)!

/** A compose service's block: its lines under `services:` down to the next service. */
function service(name: string): string {
  const m = new RegExp(`^  ${name}:(.*(?:\\n(?:    .*|\\s*))*)`, 'm').exec(compose.slice(compose.indexOf('\nservices:')))
  if (!m) throw new Error(`docker/compose.yaml has no service ${name}`)
  return m[1]!
}

describe('the Docker image', () => {
  it('builds in one stage with every dependency and runs in another with dist/, production dependencies and not as root', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    expect(stages[0]).toMatch(/RUN npm ci --ignore-scripts/)
    expect(stages[0]).toMatch(/RUN npm run build/)
    expect(runtime).toMatch(/^COPY --from=build \/src\/dist dist$/m)
    // The standalone server needs msw, a peer dependency the lockfile lists as a dev one: `npm ci --omit=dev`
    // leaves it out (tried); without devDependencies `npm install --omit=dev` installs it as a peer, at the locked version.
    expect(runtime).toMatch(/RUN npm pkg delete devDependencies \\\n \&\& npm install --omit=dev --ignore-scripts/)
    expect(runtime).not.toMatch(/^RUN npm ci --omit=dev/m)
    const user = [...runtime.matchAll(/^USER (\S+)$/gm)].at(-1)?.[1]
    expect(user).toBeDefined()
    expect(['root', '0']).not.toContain(user)
    expect(runtime).toContain(`ENTRYPOINT ["node", "${pkg.bin['tanma-mock']!.replace(/^\.\//, '')}"]`)
  })

  it('listens on every interface of the container, on the port it exposes, and checks its health on the liveness route', () => {
    expect(runtime).toMatch(new RegExp(`^ENV ${envOf('host')}=0\\.0\\.0\\.0$`, 'm'))
    expect(runtime).toMatch(new RegExp(`^EXPOSE ${PORT}$`, 'm'))
    const health = /^HEALTHCHECK [\s\S]*?CMD (\[.*\])$/m.exec(runtime)
    expect(health).not.toBeNull()
    const command = (JSON.parse(health![1]!) as string[]).join(' ')
    expect(command).toContain(`${ADMIN_ROOT}${LIVENESS_ROUTE}`)
    expect(command).toContain(`process.env.${envOf('port')} || process.env.PORT || ${PORT}`)
  })

  it('says how to pass the admin token, which the fake requires off loopback', () => {
    expect(envOf('adminToken')).toBe('TANMA_ADMIN_TOKEN')
    expect(dockerfile).toContain(`-e ${envOf('adminToken')}=`)
  })

  it('copies nothing the build context leaves out', () => {
    const ignored = dockerignore.split('\n').filter((line) => line.trim() && !line.startsWith('#'))
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '))
    expect(copied.length).toBeGreaterThan(4)
    for (const path of copied) expect(ignored.filter((pattern) => path === pattern || path.startsWith(`${pattern}/`)), path).toEqual([])
    for (const path of ['node_modules', 'dist', '.git']) expect(ignored).toContain(path)
  })
})

describe('the compose stack', () => {
  const fakes = [...conf.upstreams.get('replicas')!.servers]

  it('runs two replicas of one image with the same world, each given the admin token, behind nginx', () => {
    expect(fakes.map((s) => s.replace(/:\d+$/, ''))).toEqual(['fake-a', 'fake-b'])
    for (const server of fakes) {
      expect(server.endsWith(`:${PORT}`)).toBe(true)
      expect(service(server.replace(/:\d+$/, '')).trim()).toBe('*fake')
    }
    const fake = compose.slice(compose.indexOf('x-fake: &fake'), compose.indexOf('\nservices:'))
    expect(fake).toMatch(/context: \.\.\n\s+dockerfile: Dockerfile/)
    expect(fake).toMatch(new RegExp(`${envOf('adminToken')}: \\$\\{${envOf('adminToken')}:\\?`))
    for (const key of ['seed', 'customers']) expect(fake).toContain(`${envOf(key)}: `)
    expect(service('nginx')).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro')
    for (const server of fakes) expect(service('nginx')).toMatch(new RegExp(`${server.replace(/:\d+$/, '')}:\\n\\s+condition: service_healthy`))
  })

  it('publishes the ports nginx listens on', () => {
    const ports = [...conf.servers.keys()]
    expect(ports).toEqual([PORT, 20068])
    for (const port of ports) expect(service('nginx')).toContain(`"127.0.0.1:${port}:${port}"`)
  })
})

describe("nginx's routing rule (docker/nginx.conf)", () => {
  const prefixes = ['/api', '/apiServer/api', '/any/prefix', '']

  it('sends the write endpoints home and the reads to either replica, under any base-URL prefix', () => {
    for (const prefix of prefixes) {
      for (const endpoint of ENDPOINTS) {
        const { upstream } = upstreamOf(conf, PORT, { uri: `${prefix}${endpoint.path}`, headers: { appid: DEMO_CREDENTIALS.appId } })
        expect(upstream, `${prefix}${endpoint.path}`).toBe(endpoint.kind === 'write' ? 'tenant_home' : 'replicas')
      }
    }
  })

  it('sends every admin call home, as the fake tells admin paths apart, and everything home on the pinned port', () => {
    for (const uri of ['/__mock', '/__mock/', '/__mock/health', '/__mock/requests', '/__mock/stream', '/__mock/tenants/ww1_T/clock', '/__mockery', '/api/__mock/x', '/__mock-ui']) {
      expect(upstreamOf(conf, PORT, { uri, headers: {} }).upstream === 'tenant_home', uri).toBe(isAdminPath(uri))
      expect(upstreamOf(conf, 20068, { uri, headers: {} }).upstream).toBe('tenant_home')
    }
    for (const endpoint of ENDPOINTS) expect(upstreamOf(conf, 20068, { uri: `/api${endpoint.path}`, headers: {} }).upstream).toBe('tenant_home')
  })

  it("keys a tenant's home by its appId: its signed calls, its admin scope, and plain /__mock for the first (demo) tenant", () => {
    const own = 'ww1111111111111111_TenA01'
    expect(upstreamOf(conf, PORT, { uri: '/api/v3/add-clue', headers: { appid: own } }).key).toBe(own)
    expect(upstreamOf(conf, PORT, { uri: `/__mock/tenants/${own}/customers`, headers: {} }).key).toBe(own)
    expect(upstreamOf(conf, PORT, { uri: '/__mock/clock', headers: {} }).key).toBe(DEMO_CREDENTIALS.appId)
    expect(upstreamOf(conf, 20068, { uri: '/api/v3/echo', headers: { appid: DEMO_CREDENTIALS.appId } }).key).toBe(DEMO_CREDENTIALS.appId)
    expect(variable(conf, 'tenant', { uri: '/api/v3/echo', headers: {} })).toBe(DEMO_CREDENTIALS.appId)
  })
})

// ---- nginx's rule, run in-process in front of two replicas ----

const RELATIONS = '/v3/customer-relation/list-by-relation-create-time-asc'

interface Balancer {
  readonly origin: string
  /** The replica ("fake-a:20066", …) each call went to, in order. */
  readonly served: { uri: string; server: string }[]
  close(): Promise<void>
}

/** FNV-1a: any hash does, as long as one key always picks one server. */
const hashOf = (key: string) => [...Buffer.from(key)].reduce((h, byte) => Math.imul(h ^ byte, 16777619) >>> 0, 2166136261)

/** A proxy on 127.0.0.1 that routes as nginx's server on `port` would, to the replicas standing in for its upstream servers. */
async function startBalancer(nginx: NginxConf, port: number, replicas: Record<string, Replica>): Promise<Balancer> {
  const served: { uri: string; server: string }[] = []
  const turns = new Map<string, number>()
  const server: Server = createServer((req, res) => {
    const uri = new URL(req.url!, 'http://balancer').pathname
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]))
    let route: ReturnType<typeof upstreamOf>
    try {
      route = upstreamOf(nginx, port, { uri, headers })
    } catch (error) {
      res.writeHead(502).end(String(error))
      return
    }
    const { upstream, key } = route
    const servers = nginx.upstreams.get(upstream)!.servers
    const turn = turns.get(upstream) ?? 0
    turns.set(upstream, turn + 1)
    const chosen = servers[(key === undefined ? turn : hashOf(key)) % servers.length]!
    served.push({ uri, server: chosen })
    const target = new URL(req.url!, replicas[chosen]!.origin)
    const forward = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

describe('two replicas behind the routing rule', () => {
  let a: Replica
  let b: Replica
  let spread: Balancer
  let pinned: Balancer

  beforeAll(async () => {
    ;[a, b] = await Promise.all([startReplica(['--seed', 'scale-out', '--customers', '300', '--admin-token', TOKEN]), startReplica(['--seed', 'scale-out', '--customers', '300', '--admin-token', TOKEN])])
    const [first, second] = conf.upstreams.get('replicas')!.servers
    const replicas = { [first!]: a, [second!]: b }
    ;[spread, pinned] = await Promise.all([startBalancer(conf, PORT, replicas), startBalancer(conf, 20068, replicas)])
  }, 120_000)
  afterAll(async () => {
    a?.stop()
    b?.stop()
    await Promise.all([spread?.close(), pinned?.close()])
  })

  it('answers a signed request through the balancer', async () => {
    const answer = await call(spread.origin, RELATIONS, { size: 2 })
    expect(answer.status).toBe(200)
    expect(answer.json.code).toBe(0)
    expect((answer.json.data as { list: unknown[] }).list).toHaveLength(2)
  })

  it('spreads reads over both replicas, with the same bytes from each', async () => {
    const from = spread.served.length
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(spread.origin, RELATIONS, { size: 20, type: 1 })))
    expect(new Set(spread.served.slice(from).map((s) => s.server)).size).toBe(2)
    expect(new Set(answers.map((x) => x.text)).size).toBe(1)
  })

  it('pages a whole window through the balancer, hopping between replicas, as one replica pages it', async () => {
    const sweep = async (origin: string) => {
      const items: unknown[] = []
      let cursor: string | undefined
      do {
        const page = (await call(origin, RELATIONS, cursor ? { size: 60, cursor } : { size: 60 })).json.data as { list: unknown[]; nextCursor: string | null }
        items.push(...page.list)
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      return items
    }
    const from = spread.served.length
    const through = await sweep(spread.origin)
    expect(new Set(spread.served.slice(from).map((s) => s.server)).size).toBe(2)
    expect(through).toEqual(await sweep(a.origin))
  })

  it("sends a tenant's writes and admin calls to one replica, where the pinned port reads them", async () => {
    const from = spread.served.length
    const mobiles = ['18800000101', '18800000102', '18800000103']
    for (const mobile of mobiles) expect((await call(spread.origin, '/v3/add-clue', { customerName: '负载均衡', mobiles: [mobile] })).json.code).toBe(0)
    const journal = await fetch(`${spread.origin}/__mock/requests`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(journal.status).toBe(200)
    const writes = spread.served.slice(from)
    expect(new Set(writes.map((s) => s.server)).size).toBe(1)
    // The home replica's journal has all three writes.
    const entries = (await journal.json()) as { endpoint: string | null; code: number | null }[]
    expect(entries.filter((e) => e.endpoint === '/v3/add-clue' && e.code === 0)).toHaveLength(3)
    for (const mobile of mobiles) {
      const found = await call(pinned.origin, '/v3/customer/search', { searchKey: mobile, pageNo: 1, pageSize: 10 })
      expect(found.text, mobile).toContain('负载均衡')
    }
    expect(new Set(pinned.served.map((s) => s.server))).toEqual(new Set([writes[0]!.server]))
  })
})
