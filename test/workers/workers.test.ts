/**
 * `--workers 2` as a user runs it (the real CLI, port 0, over HTTP): every request on a new
 * connection, so the cluster spreads them over both workers; TANMA_MOCK_WORKER_HEADER=1 makes each
 * answer name the worker that took it (tests only).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENDPOINTS } from '../../mock/endpoints/index.js'
import { DEMO_CREDENTIALS } from '../../mock/options.js'
import { signHeaders } from '../../mock/protocol/signing.js'
import { createPushReceiver } from '../../mock/push/receiver.js'
import { WORKER_HEADER } from '../../mock/cluster/wire.js'

const CLI = ['--import', new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href, fileURLToPath(new URL('../../mock/cli.ts', import.meta.url))]

interface Fake {
  child: ChildProcess
  origin: string
  pids: number[]
  stderr: () => string
}

function serve(args: string[]): Promise<Fake> {
  const child = spawn(process.execPath, [...CLI, 'serve', '--port', '0', '--workers', '2', ...args], { env: { ...process.env, TANMA_MOCK_WORKER_HEADER: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c))
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c
      const m = /listening\s+(http:\/\/\S+)/.exec(out)
      const pids = /workers\s+2 processes .*\(pids (\d+), (\d+)\)/.exec(out)
      if (m && pids && out.includes('Ctrl-C')) resolve({ child, origin: m[1]!, pids: [Number(pids[1]), Number(pids[2])], stderr: () => err })
    })
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)))
  })
}

interface Answer {
  status: number
  worker: string
  body: string
}

/** One request on a connection of its own. */
function call(origin: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const text = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${origin}${path}`, { method, agent: false, headers: { ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode!, worker: String(res.headers[WORKER_HEADER]), body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(text)
  })
}

/** A live stream (server-sent events) on a connection of its own: the worker that took it, the text so far. */
function openStream(origin: string): Promise<{ worker: string; text: () => string; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${origin}/__mock/stream`, { agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (c: string) => (text += c))
      resolve({ worker: String(res.headers[WORKER_HEADER]), text: () => text, close: () => req.destroy() })
    })
    req.on('error', reject)
    req.end()
  })
}

const signed = (origin: string, path: string, body: unknown) => call(origin, 'POST', `/api${path}`, body, signHeaders(DEMO_CREDENTIALS, JSON.stringify(body), Date.now()))

/** The same request on `n` connections at once: every answer, and which workers gave them. */
async function fanOut(n: number, send: () => Promise<Answer>): Promise<{ answers: Answer[]; workers: Set<string> }> {
  const answers = await Promise.all(Array.from({ length: n }, send))
  return { answers, workers: new Set(answers.map((a) => a.worker)) }
}

/** A JSON body without the properties that show real time (the clock's offset from it, when a report was made). */
const withoutRealTime = (body: string) => JSON.stringify(JSON.parse(body), (key, value: unknown) => (key === 'offsetMs' || key === 'generatedAt' ? undefined : value))

/** Requests until both workers have answered; their answers (status and body) must agree. */
async function sameFromBoth(send: () => Promise<Answer>, comparable: (body: string) => string = (body) => body): Promise<Answer> {
  const seen = new Map<string, Answer>()
  for (let round = 0; round < 10 && seen.size < 2; round++) for (const a of (await fanOut(6, send)).answers) seen.set(a.worker, a)
  expect([...seen.keys()].sort()).toEqual(['1', '2'])
  const [one, two] = [seen.get('1')!, seen.get('2')!]
  expect(two.status).toBe(one.status)
  expect(comparable(two.body)).toBe(comparable(one.body))
  return one
}

let fake: Fake
/** A member of the world, to follow the customers the tests add. */
let member: string
beforeAll(async () => {
  fake = await serve(['--customers', '300', '--seed', 'workers', '--push-retries', 'none'])
  member = (JSON.parse((await call(fake.origin, 'GET', '/__mock/members')).body) as { qwUserId: string }[])[0]!.qwUserId
}, 90_000)
afterAll(() => void fake?.child.kill('SIGTERM'))

describe('--workers 2', () => {
  it('answers every read alike whichever worker takes it', async () => {
    // A stopped clock: the answers that show the time (the clock, list windows) are then the same bytes too.
    expect((await call(fake.origin, 'POST', '/__mock/clock', { freeze: true })).status).toBe(200)
    for (const endpoint of ENDPOINTS.filter((e) => e.kind === 'read')) {
      const answer = await sameFromBoth(() => signed(fake.origin, endpoint.path, endpoint.example))
      expect(JSON.parse(answer.body).code, endpoint.path).toBe(0)
    }
    await sameFromBoth(() => call(fake.origin, 'GET', '/__mock/health'), withoutRealTime)
    await sameFromBoth(() => call(fake.origin, 'GET', '/__mock/customers?query=1&limit=5'))
  }, 120_000)

  it('has every worker see a write before its answer goes out (admin, clock, API writes)', async () => {
    for (let k = 0; k < 5; k++) {
      const added = await call(fake.origin, 'POST', '/__mock/customers', { followers: [{ qwUserId: member }], wechatNickname: `worker test ${k}` })
      expect(added.status, added.body).toBe(201)
      const { customerId } = JSON.parse(added.body) as { customerId: number }
      const { answers, workers } = await fanOut(8, () => call(fake.origin, 'GET', `/__mock/customers/${customerId}`))
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200))
      expect(new Set(answers.map((a) => a.body)).size).toBe(1)
      expect(workers.size).toBe(2)
    }
    const at = Date.UTC(2030, 0, 1)
    expect((await call(fake.origin, 'POST', '/__mock/clock', { set: at, freeze: true })).status).toBe(200)
    const clocks = await fanOut(8, () => call(fake.origin, 'GET', '/__mock/clock'))
    expect(clocks.answers.map((a) => (JSON.parse(a.body) as { now: number }).now)).toEqual(Array(8).fill(at))
    // An API write (add-clue): the new lead's id is the same on both, and both find it.
    await call(fake.origin, 'POST', '/__mock/clock', { reset: true, freeze: true })
    const clue = JSON.parse((await signed(fake.origin, '/v3/add-clue', { customerName: '多进程线索', mobiles: ['13912345678'] })).body) as { code: number; data: unknown }
    expect(clue.code).toBe(0)
    const found = await sameFromBoth(() => signed(fake.origin, '/v3/customer/search', { searchKey: '13912345678', pageNo: 1, pageSize: 10 }))
    expect(found.body).toContain(String(clue.data))
  }, 120_000)

  it('keeps one journal and one coverage report, whichever worker answers', async () => {
    await call(fake.origin, 'DELETE', '/__mock/requests')
    const reads = await fanOut(12, () => signed(fake.origin, '/v3/echo', { hello: 'journal' }))
    expect(reads.workers.size).toBe(2)
    const journal = await sameFromBoth(() => call(fake.origin, 'GET', '/__mock/requests'))
    const entries = JSON.parse(journal.body) as { entries?: { path: string }[] } | { path: string }[]
    const list = Array.isArray(entries) ? entries : (entries.entries ?? [])
    expect(list.filter((e) => e.path.endsWith('/v3/echo'))).toHaveLength(12)
    await sameFromBoth(() => call(fake.origin, 'GET', '/__mock/coverage'), withoutRealTime)
  }, 60_000)

  it('streams every request to /__mock/stream, whichever worker holds the stream and whichever served the request', async () => {
    const streams = await Promise.all([0, 1].map(() => openStream(fake.origin)))
    try {
      expect(new Set(streams.map((s) => s.worker)).size).toBe(2)
      const echoes = (text: string) => (text.match(/"path":"\/api\/v3\/echo"/g) ?? []).length
      // A new stream first replays the journal: what comes after it is counted.
      await new Promise((resolve) => setTimeout(resolve, 500))
      const before = streams.map((s) => echoes(s.text()))
      const served = await fanOut(6, () => signed(fake.origin, '/v3/echo', { hello: 'stream' }))
      expect(served.workers.size).toBe(2)
      for (const [k, stream] of streams.entries()) await expect.poll(() => echoes(stream.text()), { timeout: 10_000 }).toBe(before[k]! + 6)
    } finally {
      for (const stream of streams) stream.close()
    }
  }, 60_000)

  it('counts calls for fault rules once per tenant, not once per worker', async () => {
    const rules = [{ kind: 'error', id: 'every-third', code: -1, message: '系统繁忙', calls: { every: 3 } }]
    expect((await call(fake.origin, 'POST', '/__mock/faults', rules)).status).toBe(200)
    try {
      const answers: Answer[] = []
      for (let k = 0; k < 9; k++) answers.push(await signed(fake.origin, '/v3/echo', { call: k }))
      expect(new Set(answers.map((a) => a.worker)).size).toBe(2)
      expect(answers.map((a) => (JSON.parse(a.body) as { code: number }).code)).toEqual([0, 0, -1, 0, 0, -1, 0, 0, -1])
      // A write the rule refuses changes nothing on any worker; one it lets through reaches both.
      const writes = []
      for (const k of [1, 2, 3]) writes.push(JSON.parse((await signed(fake.origin, '/v3/add-clue', { customerName: `故障线索${k}`, mobiles: [`1370000000${k}`] })).body) as { code: number })
      expect(writes.map((w) => w.code)).toEqual([0, 0, -1])
      expect((await call(fake.origin, 'DELETE', '/__mock/faults')).status).toBe(200)
      const search = (mobile: string) => sameFromBoth(() => signed(fake.origin, '/v3/customer/search', { searchKey: mobile, pageNo: 1, pageSize: 10 }))
      expect((await search('13700000002')).body).toContain('13700000002')
      expect((await search('13700000003')).body).not.toContain('13700000003')
    } finally {
      await call(fake.origin, 'DELETE', '/__mock/faults')
    }
  }, 60_000)

  it('sends each push once, however many workers apply the change', async () => {
    const received: number[] = []
    const receiver: Server = createServer(createPushReceiver({ credentials: DEMO_CREDENTIALS, onMessage: (message) => void received.push(message.msgId) }))
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/push`
    try {
      const registered = await signed(fake.origin, '/v2/push-register', { receiveAddress: address, subscription: 'new_customer,new_qw_customer,edit_customer' })
      expect(JSON.parse(registered.body).code, registered.body).toBe(0)
      for (let k = 0; k < 4; k++) expect((await call(fake.origin, 'POST', '/__mock/customers', { followers: [{ qwUserId: member }], externalUserId: `wmPushTest${k}` })).status).toBe(201)
      expect((await call(fake.origin, 'POST', '/__mock/pushes', { type: 'edit_customer' })).status).toBe(201)
      // register + per customer new_customer and new_qw_customer + the trigger
      await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(10)
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(received.length).toBe(new Set(received).size)
      const pushes = JSON.parse((await sameFromBoth(() => call(fake.origin, 'GET', '/__mock/pushes'))).body) as { attempts: { msgId: number; verdict: string }[] }
      expect(pushes.attempts.map((a) => a.msgId).sort()).toEqual([...received].sort())
      expect(pushes.attempts.every((a) => a.verdict === 'acked')).toBe(true)
    } finally {
      receiver.close()
    }
  }, 60_000)

  it('restarts a killed worker, which comes back with the writes', async () => {
    const added = await call(fake.origin, 'POST', '/__mock/customers', { followers: [{ qwUserId: member }], wechatNickname: 'before the kill' })
    const { customerId } = JSON.parse(added.body) as { customerId: number }
    process.kill(fake.pids[1]!, 'SIGKILL')
    await expect.poll(() => fake.stderr(), { timeout: 60_000, interval: 200 }).toMatch(/worker 2 is back/)
    const customer = await sameFromBoth(() => call(fake.origin, 'GET', `/__mock/customers/${customerId}`))
    expect(customer.status).toBe(200)
    // A write after the restart reaches it too, with the same id on both.
    const next = await call(fake.origin, 'POST', '/__mock/customers', { followers: [{ qwUserId: member }] })
    await sameFromBoth(() => call(fake.origin, 'GET', `/__mock/customers/${(JSON.parse(next.body) as { customerId: number }).customerId}`))
    // The lead too: writes go on meanwhile, and it comes back with them.
    process.kill(fake.pids[0]!, 'SIGKILL')
    await expect.poll(() => fake.stderr(), { timeout: 10_000, interval: 100 }).toMatch(/worker 1 \(pid \d+\) exited/)
    const during = await call(fake.origin, 'POST', '/__mock/customers', { followers: [{ qwUserId: member }], wechatNickname: 'while the lead was down' })
    expect(during.status, during.body).toBe(201)
    await expect.poll(() => fake.stderr(), { timeout: 60_000, interval: 200 }).toMatch(/worker 1 is back/)
    await sameFromBoth(() => call(fake.origin, 'GET', `/__mock/customers/${(JSON.parse(during.body) as { customerId: number }).customerId}`))
    expect((await call(fake.origin, 'GET', '/__mock/requests')).status).toBe(200)
  }, 120_000)
})
