/**
 * Who may drive the admin API (mock/admin/guard.ts): anchored routes, JSON bodies only, no
 * cross-site Origin and no foreign Host without the token (CSRF, DNS rebinding), the token compared
 * in constant time, every admin scope protected off loopback, an open liveness route, and an admin
 * body limit large enough for an exported world.
 */
import { request as httpRequest } from 'node:http'
import { getResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasToken } from '../mock/admin/guard.js'
import { createMock, createTenants, startServer, type Mock, type MockOptions, type RunningServer } from '../mock/index.js'

const PATH = '/api/v3/customer-relation/list-by-relation-create-time-asc'
const NOW = 1_750_000_000_000

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: any
}

/** A request with any headers, Host included (fetch will not send a Host of our choosing). */
function send(server: RunningServer, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // agent: false — a connection per request, so none is reused just as the server times it out idle.
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, agent: false, headers: { ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          text,
          get json() {
            try {
              return JSON.parse(text)
            } catch {
              return undefined
            }
          },
        })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

const JSON_TYPE = { 'content-type': 'application/json' }
const ADD = (mock: Mock) => JSON.stringify({ followers: [{ qwUserId: mock.world.members()[0]!.qwUserId }] })

async function serving(options: MockOptions = {}) {
  const mock = await createMock({ seed: 'guard', customers: 30, staff: 3, now: () => NOW, ...options })
  const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
  return { mock, server }
}

describe('admin routes are anchored at /__mock', () => {
  let mock: Mock
  let server: RunningServer
  beforeAll(async () => ({ mock, server } = await serving()))
  afterAll(() => server.close())

  it('POST /anything/__mock/reset does not reset: it is an unknown upstream path', async () => {
    expect((await send(server, 'POST', '/__mock/customers', JSON_TYPE, ADD(mock))).status).toBe(201)
    for (const path of ['/anything/__mock/reset', '/api/__mock/reset', '/__mockery/reset', '//__mock/reset']) {
      const r = await send(server, 'POST', path, JSON_TYPE, '{}')
      expect(r.status, path).toBe(404)
      expect(r.json, path).toMatchObject({ code: 404, data: null })
    }
    expect(mock.world.customerCount).toBe(31)
  })
})

describe('a web page cannot drive the admin API (CSRF, DNS rebinding)', () => {
  let mock: Mock
  let server: RunningServer
  beforeAll(async () => ({ mock, server } = await serving({ allowedHosts: ['mock.dev.test', '.svc.test'] })))
  afterAll(() => server.close())

  const unchanged = async (run: () => Promise<Answer>, status: number, error: RegExp) => {
    const before = { customers: mock.world.customerCount, clock: mock.clock.now(), faults: mock.admin.faults().length }
    const r = await run()
    expect(r.status).toBe(status)
    expect(r.json.error).toMatch(error)
    expect({ customers: mock.world.customerCount, clock: mock.clock.now(), faults: mock.admin.faults().length }).toEqual(before)
  }

  it('refuses admin bodies that are not declared JSON (415): a form or text/plain needs no preflight', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      await unchanged(() => send(server, 'POST', '/__mock/customers', { 'content-type': type }, ADD(mock)), 415, /Content-Type: application\/json/)
      await unchanged(() => send(server, 'POST', '/__mock/clock', { 'content-type': type }, '{"advanceMs": 60000}'), 415, /application\/json/)
      await unchanged(() => send(server, 'POST', '/__mock/faults', { 'content-type': type }, '{"rules":[{"kind":"reset","id":"x"}]}'), 415, /application\/json/)
    }
    await unchanged(() => send(server, 'POST', '/__mock/customers', {}, ADD(mock)), 415, /got none/)
    await unchanged(() => send(server, 'POST', '/__mock/reset', { 'content-type': 'text/plain' }), 415, /application\/json/)
    expect((await send(server, 'POST', '/__mock/clock', { 'content-type': 'application/json; charset=utf-8' }, '{}')).status).toBe(200)
    expect((await send(server, 'POST', '/__mock/reset')).status).toBe(200) // no body, no type: curl -X POST
  })

  it('refuses a cross-site Origin or Sec-Fetch-Site (403); the fake\'s own origin stays allowed', async () => {
    for (const origin of ['http://evil.example', 'null', `http://localhost:${server.port + 1}`, 'file://']) {
      await unchanged(() => send(server, 'POST', '/__mock/clock', { ...JSON_TYPE, origin }, '{"advanceMs": 60000}'), 403, /origin/)
    }
    await unchanged(() => send(server, 'POST', '/__mock/reset', { ...JSON_TYPE, 'sec-fetch-site': 'cross-site' }, '{}'), 403, /cross-site/)
    await unchanged(() => send(server, 'GET', '/__mock/world', { origin: 'http://evil.example' }), 403, /origin/)
    for (const [host, origin] of [[`127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port}`], [`localhost:${server.port}`, `http://localhost:${server.port}`]]) {
      const r = await send(server, 'POST', '/__mock/clock', { ...JSON_TYPE, host: host!, origin: origin!, 'sec-fetch-site': 'same-origin' }, '{}')
      expect(r.status, origin).toBe(200)
    }
  })

  it('refuses a Host that is not the bound host, a loopback name or an allowed host (403, saying how to allow it)', async () => {
    const r = await send(server, 'POST', '/__mock/reset', { host: `rebound.evil.example:${server.port}` })
    expect(r.status).toBe(403)
    expect(r.json.error).toMatch(/--allowed-host rebound\.evil\.example/)
    await unchanged(() => send(server, 'POST', '/__mock/customers', { ...JSON_TYPE, host: 'evil.example' }, ADD(mock)), 403, /allowed host/)
    await unchanged(() => send(server, 'GET', '/__mock/health', { host: 'localhost.evil.example' }), 403, /allowed host/)
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, 'localhost', `[::1]:${server.port}`, '127.0.0.2', 'app.localhost', 'mock.dev.test', 'MOCK.dev.test:8080', 'api.svc.test']) {
      expect((await send(server, 'GET', '/__mock/health', { host })).status, host).toBe(200)
    }
  })

  it('upstream paths are not the admin API: a foreign Host or Origin still gets its page', async () => {
    const body = '{"size":1}'
    const r = await send(server, 'POST', PATH, { ...JSON_TYPE, ...mock.sign(body, NOW), host: 'api.tanmarket.cn', origin: 'http://evil.example' }, body)
    expect(r.json).toMatchObject({ code: 0 })
  })

  it('in-process requests (no Host, no browser) keep working, as before', async () => {
    const r = await getResponse(mock.handlers, new Request('http://localhost/__mock/clock', { method: 'POST', body: '{"advanceMs": 0}' }))
    expect(r!.status).toBe(200)
  })
})

describe('the admin token', () => {
  let server: RunningServer
  beforeAll(async () => ({ server } = await serving({ adminToken: 'correct-horse-battery' })))
  afterAll(() => server.close())

  it('is compared in constant time, over equal-length digests, and only as a Bearer token', () => {
    const request = (authorization?: string) => new Request('http://localhost/', { headers: authorization === undefined ? {} : { authorization } })
    expect(hasToken(request('Bearer correct-horse-battery'), 'correct-horse-battery')).toBe(true)
    for (const wrong of [undefined, '', 'Bearer ', 'Bearer correct-horse-batterz', 'Bearer correct-horse-battery2', 'Bearer correct', 'correct-horse-battery', 'Basic correct-horse-battery']) {
      expect(hasToken(request(wrong), 'correct-horse-battery'), String(wrong)).toBe(false)
    }
  })

  it('with a valid token the Host and Origin checks step aside; without it nothing passes', async () => {
    const auth = { authorization: 'Bearer correct-horse-battery' }
    expect((await send(server, 'GET', '/__mock/health', { ...auth, host: 'tanma-mock.internal:20066', origin: 'https://console.internal' })).status).toBe(200)
    expect((await send(server, 'GET', '/__mock/health', { host: 'tanma-mock.internal:20066' })).status).toBe(401)
    expect((await send(server, 'GET', '/__mock/health', { authorization: 'Bearer correct-horse-batterz' })).status).toBe(401)
    // The body type is still checked: it costs nothing and keeps one rule for bodies.
    expect((await send(server, 'POST', '/__mock/clock', { ...auth, 'content-type': 'text/plain' }, '{}')).status).toBe(415)
  })

  it('the liveness route answers without the token, from any Host, and reveals nothing', async () => {
    const r = await send(server, 'GET', '/__mock/live', { host: '10.1.2.3:20066' })
    expect(r.status).toBe(200)
    expect(r.text).toBe('{"status":"ok"}')
    expect((await send(server, 'GET', '/__mock/health')).status).toBe(401)
    expect((await send(server, 'GET', '/__mock/live/../health')).status).toBe(401)
  })
})

describe('every admin scope is protected off loopback', () => {
  it('a tenants file where one tenant sets adminToken and another does not does not start off loopback', async () => {
    const A = { appId: 'ww1111111111111111_TenA01', appKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', customers: 5, staff: 2, adminToken: 'tenant-a-secret' }
    const B = { appId: 'ww2222222222222222_TenB01', appKey: 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', customers: 5, staff: 2 }
    // Should it start (the bug), it is closed again at once.
    const offLoopback = async (mock: Mock) => (await startServer(mock, { port: 0, host: '0.0.0.0' })).close()
    await expect(offLoopback(await createTenants({ tenants: [A, B] }))).rejects.toThrow(/tenant ww2222222222222222_TenB01.*adminToken/)
    await expect(offLoopback(await createTenants({ tenants: [B, A] }))).rejects.toThrow(/tenant ww2222222222222222_TenB01/)
  })
})

describe('admin bodies have their own limit', () => {
  it('refuses an admin body over adminBodyLimit with a clear 413 JSON error, and changes nothing', async () => {
    const { mock, server } = await serving({ adminBodyLimit: 4096 })
    try {
      const r = await send(server, 'POST', '/__mock/world', JSON_TYPE, JSON.stringify({ pad: 'x'.repeat(10_000) }))
      expect(r.status).toBe(413)
      expect(r.json.error).toMatch(/admin body limit of 4096 bytes.*--admin-body-limit/)
      expect(mock.world.customerCount).toBe(30)
    } finally {
      await server.close()
    }
  })

  it('a client without the token gets no more than the upstream body limit read, however large its admin body', async () => {
    const { mock, server } = await serving({ adminToken: 'secret-token', bodyLimit: 1024 })
    try {
      const big = JSON.stringify({ pad: 'x'.repeat(200_000) })
      const refused = await send(server, 'POST', '/__mock/world', JSON_TYPE, big)
      expect(refused.status).toBe(401)
      expect(refused.headers.connection).toBe('close') // the upload was cut at the upstream limit, not read whole
      const heard = await send(server, 'POST', '/__mock/clock', { ...JSON_TYPE, authorization: 'Bearer secret-token' }, JSON.stringify({ freeze: true, pad: 'x'.repeat(5_000) }))
      expect(heard.status).toBe(400) // read whole (over bodyLimit, under adminBodyLimit): refused for its content, not its size
      expect(heard.json.issues.join()).toMatch(/pad/)
      expect(mock.clock.state().frozen).toBe(false)
    } finally {
      await server.close()
    }
  })

  it('an exported 100,000-customer world loads back over HTTP, and a page answers byte-identically', async () => {
    const { mock, server } = await serving({ customers: 100_000, staff: 40 })
    try {
      const body = '{"size":100}'
      const page = async () => (await send(server, 'POST', PATH, { ...JSON_TYPE, ...mock.sign(body, NOW) }, body)).text
      const before = await page()
      expect(JSON.parse(before)).toMatchObject({ code: 0 })

      let started = performance.now()
      const exported = await send(server, 'GET', '/__mock/world')
      const exportMs = performance.now() - started
      expect(exported.status).toBe(200)
      const bytes = Buffer.byteLength(exported.text)
      expect(bytes).toBeGreaterThan(1024 * 1024) // far over the upstream body limit

      started = performance.now()
      const loaded = await send(server, 'POST', '/__mock/world', JSON_TYPE, exported.text)
      const loadMs = performance.now() - started
      expect(loaded.status, loaded.text.slice(0, 300)).toBe(200)
      expect(loaded.json).toMatchObject({ customers: 100_000 })
      expect(await page()).toBe(before)
      process.stdout.write(`[admin body limit] 100,000 customers: export ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${Math.round(exportMs)} ms, load over HTTP in ${Math.round(loadMs)} ms\n`)
    } finally {
      await server.close()
    }
  }, 120_000)
})
