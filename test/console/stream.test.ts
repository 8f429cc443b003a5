/**
 * The live stream (GET /__mock/stream, mock/admin/stream.ts) over real HTTP on 127.0.0.1: named
 * server-sent events for requests, pushes, world changes and the clock; resuming after a seq; the
 * admin guard (the token, also as ?token=); a client that leaves is unsubscribed.
 */
import { Agent, createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock, type RunningServer } from '../../mock/index.js'
import { sseEvent, streamResponse } from '../../mock/admin/stream.js'

const PATH = '/api/v3/customer-relation/list-by-relation-create-time-asc'
const NOW = 1_750_000_000_000

interface SseEvent {
  event: string
  id?: string
  data: any
}

/** A raw fetch reader of a server-sent event stream: `next(pred)` waits for the first matching event. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController()
  const response = await fetch(url, { headers, signal: abort.signal })
  const events: SseEvent[] = []
  const waiters = new Set<() => void>()
  let buffer = ''
  let ended = false
  const pump = (async () => {
    if (!response.body) return
    const reader = response.body.getReader()
    const decoder = new TextDecoder()
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += decoder.decode(value, { stream: true })
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          const event: SseEvent = { event: 'message', data: undefined }
          let data: string | undefined
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue
            const [field, ...rest] = line.split(':')
            const value = rest.join(':').replace(/^ /, '')
            if (field === 'event') event.event = value
            else if (field === 'id') event.id = value
            else if (field === 'data') data = value
          }
          if (data === undefined) continue
          event.data = JSON.parse(data)
          events.push(event)
          for (const wake of [...waiters]) wake()
        }
      }
    } catch {
      // aborted
    }
    ended = true
    for (const wake of [...waiters]) wake()
  })()
  const next = (match: (e: SseEvent) => boolean, timeoutMs = 5000) =>
    new Promise<SseEvent>((resolve, reject) => {
      const check = () => {
        const found = events.find(match)
        if (found) return done(() => resolve(found))
        if (ended) return done(() => reject(new Error(`the stream ended first; events: ${events.map((e) => e.event).join(', ')}`)))
      }
      const timer = setTimeout(() => done(() => reject(new Error(`no such event within ${timeoutMs} ms; events: ${events.map((e) => e.event).join(', ')}`))), timeoutMs)
      const done = (then: () => void) => (clearTimeout(timer), waiters.delete(check), then())
      waiters.add(check)
      check()
    })
  return { response, events, next, close: () => (abort.abort(), pump), get ended() { return ended } }
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A request with any headers, Host included (fetch will not send a Host of our choosing); resolves with the status and the first bytes. */
function rawGet(server: RunningServer, path: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'GET', path, agent: false, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
        if (res.statusCode === 200) (res.destroy(), resolve({ status: 200, text }))
      })
      res.on('end', () => resolve({ status: res.statusCode!, text }))
    })
    req.on('error', reject)
    req.end()
  })
}

const signedPost = (mock: Mock, server: RunningServer, body: string, headers?: Record<string, string>) =>
  fetch(server.origin + PATH, { method: 'POST', headers: { 'content-type': 'application/json', ...(headers ?? (mock.sign(body, NOW) as Record<string, string>)) }, body })

describe('the live stream over HTTP', () => {
  let mock: Mock
  let server: RunningServer
  let receiver: Server
  const opened: { close: () => unknown }[] = []
  const stream = async (query = '', headers: Record<string, string> = {}) => {
    const s = await openStream(`${server.origin}/__mock/stream${query}`, headers)
    opened.push(s)
    return s
  }

  beforeAll(async () => {
    mock = await createMock({ seed: 'stream', customers: 20, staff: 3, now: () => NOW })
    server = await startServer(mock, { port: 0, host: '127.0.0.1' })
    receiver = createServer((req, res) => req.resume().on('end', () => res.end('received')))
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  })
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()))
  })
  afterAll(async () => {
    await server.close()
    await new Promise((r) => receiver.close(r))
  })

  it('answers text/event-stream at once, before any event', async () => {
    const s = await stream()
    expect(s.response.status).toBe(200)
    expect(s.response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(s.response.headers.get('cache-control')).toBe('no-cache')
  })

  it('a signed request shows as a request event with its code, and a badly signed one with its verdict and diagnosis', async () => {
    const s = await stream()
    expect((await signedPost(mock, server, '{"size":2}')).status).toBe(200)
    const ok = await s.next((e) => e.event === 'request' && e.data.signature === 'valid')
    expect(ok.data).toMatchObject({ method: 'POST', path: PATH, code: 0, status: 200, size: 2, items: 2 })
    expect(ok.id).toBe(String(ok.data.seq))

    const headers = { ...(mock.sign('{"size":2}', NOW) as Record<string, string>), sign: '0'.repeat(32) }
    await signedPost(mock, server, '{"size":2}', headers)
    const bad = await s.next((e) => e.event === 'request' && e.data.signature === 'mismatch')
    expect(bad.data.code).toBe(1002)
    expect(typeof bad.data.diagnosis).toBe('string')
  })

  it('an admin change shows as a world event', async () => {
    const s = await stream()
    const added = await fetch(`${server.origin}/__mock/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ followers: [{ qwUserId: mock.world.members()[0]!.qwUserId }] }),
    })
    expect(added.status).toBe(201)
    const { customerId } = (await added.json()) as { customerId: number }
    const world = await s.next((e) => e.event === 'world' && e.data.type === 'customer.added')
    expect(world.data.customerId).toBe(customerId)
    expect(world.data.at).toBe(NOW)
  })

  it('a clock change shows as a clock event', async () => {
    const s = await stream()
    await fetch(`${server.origin}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ freeze: true }) })
    const clock = await s.next((e) => e.event === 'clock')
    expect(clock.data).toMatchObject({ frozen: true, now: NOW })
    await fetch(`${server.origin}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ freeze: false }) })
  })

  it('a push attempt shows as a push event, with its plaintext and verdict', async () => {
    const s = await stream()
    const { port } = receiver.address() as AddressInfo
    mock.context.pushes.register(`http://127.0.0.1:${port}/push`, 'customer_add')
    const push = await s.next((e) => e.event === 'push' && e.data.type === 'register')
    expect(push.data.verdict).toBe('no-noise') // the receiver answers 200 without the noise
    expect(push.data.status).toBe(200)
    expect(JSON.parse(push.data.plaintext)).toMatchObject({ type: 'register', msgId: push.data.msgId })
    expect(push.data.ciphertext).not.toContain('register')
  })

  it('resumes after Last-Event-ID (or ?since=): the journal entries after that seq come first', async () => {
    await signedPost(mock, server, '{"size":1}')
    await signedPost(mock, server, '{"size":3}')
    const entries = mock.context.journal.list()
    const [before, last] = entries.slice(-2)
    for (const [query, headers] of [['', { 'last-event-id': String(before!.seq) }], [`?since=${before!.seq}`, {}]] as const) {
      const s = await stream(query, headers)
      const first = await s.next((e) => e.event === 'request')
      expect(first.id).toBe(String(last!.seq))
      expect(first.data.size).toBe(3)
      expect(s.events.filter((e) => e.event === 'request')).toHaveLength(1)
    }
    // A seq past the journal's last: the client saw an earlier run of the fake; all of this run's entries are new to it.
    const restarted = await stream('', { 'last-event-id': String(last!.seq + 1000) })
    await restarted.next((e) => e.event === 'request' && e.id === String(last!.seq))
    expect(restarted.events[0]!.data.seq).toBe(entries[0]!.seq)

    const bad = await fetch(`${server.origin}/__mock/stream?since=soon`)
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/since/)
  })

  it('a client that disconnects is removed (no listener left behind)', async () => {
    const journal = mock.context.journal
    await until(() => journal.listenerCount === 0) // the streams of the tests before are gone
    const base = 0
    const a = await stream()
    const b = await stream()
    await until(() => journal.listenerCount === base + 2)
    expect(mock.context.pushes.attemptListenerCount).toBeGreaterThanOrEqual(2)
    await a.close()
    await until(() => journal.listenerCount === base + 1)
    await b.close()
    await until(() => journal.listenerCount === base)
    expect(mock.context.pushes.attemptListenerCount).toBe(0)
  })

  it('stopping the server ends open streams (close() does not wait for them)', async () => {
    await until(() => mock.context.journal.listenerCount === 0)
    const own = await startServer(mock, { port: 0, host: '127.0.0.1' })
    const s = await openStream(`${own.origin}/__mock/stream`)
    await until(() => mock.context.journal.listenerCount === 1)
    const closing = own.close(10_000) // the grace period is for requests in flight, not for streams
    await until(() => s.ended, 2000)
    expect(mock.context.journal.listenerCount).toBe(0)
    await closing
  })
})

describe('a slow client over HTTP', () => {
  /** Opens a stream, stops reading it, and makes clock events until the stream drops the client. */
  async function stall(mock: Mock, server: RunningServer) {
    // Keep-alive, as a browser's EventSource: the connection would outlive the answer.
    const agent = new Agent({ keepAlive: true })
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
      httpRequest({ host: '127.0.0.1', port: server.port, path: '/__mock/stream', agent }, resolve).on('error', reject).end(),
    )
    res.pause() // a stalled tab: nothing more is read
    await until(() => mock.context.journal.listenerCount === 1)
    let sent = 0
    while (mock.context.journal.listenerCount > 0 && sent < 2_000_000) {
      for (let i = 0; i < 2000; i++) mock.context.clock.set(NOW + ++sent)
      await new Promise((r) => setImmediate(r))
    }
    expect(mock.context.journal.listenerCount).toBe(0)
    expect(mock.context.pushes.attemptListenerCount).toBe(0)
    return res
  }

  it('one that stops reading is dropped: unsubscribed, and sent a last error event when it reads again', async () => {
    const mock = await createMock({ seed: 'stream-stall', customers: 5, staff: 2, now: () => NOW })
    const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
    try {
      const res = await stall(mock, server)
      const text = await new Promise<string>((resolve) => {
        let all = ''
        res.setEncoding('utf8').on('data', (c: string) => (all += c)).on('end', () => resolve(all)).on('close', () => resolve(all))
        res.resume()
      })
      expect(text.trimEnd()).toMatch(/event: error\ndata: \{"error":"the client read too slowly[^\n]*\}$/)
    } finally {
      await server.close()
    }
  }, 30_000)
})

describe('the stream behind the admin guard', () => {
  let mock: Mock
  let server: RunningServer
  beforeAll(async () => {
    mock = await createMock({ seed: 'stream-guard', customers: 5, staff: 2, now: () => NOW, adminToken: 's3cret-token' })
    server = await startServer(mock, { port: 0, host: '127.0.0.1' })
  })
  afterAll(() => server.close())

  it('needs the token: Authorization: Bearer, or ?token= (EventSource cannot set headers)', async () => {
    expect((await rawGet(server, '/__mock/stream', {})).status).toBe(401)
    expect((await rawGet(server, '/__mock/stream?token=wrong', {})).status).toBe(401)
    expect((await rawGet(server, '/__mock/stream', { authorization: 'Bearer s3cret-token' })).status).toBe(200)
    const viaQuery = await rawGet(server, '/__mock/stream?token=s3cret-token', {})
    expect(viaQuery.status).toBe(200)
    expect(viaQuery.text).toMatch(/^: /)
  })

  it('off loopback (a foreign Host) only with the token', async () => {
    const foreign = { host: 'rebound.example.test' }
    expect((await rawGet(server, '/__mock/stream', foreign)).status).toBe(401)
    expect((await rawGet(server, '/__mock/stream?token=s3cret-token', foreign)).status).toBe(200)
    await until(() => mock.context.journal.listenerCount === 0)
  })

  it('?token= is taken on the stream only, not on other admin routes', async () => {
    expect((await rawGet(server, '/__mock/health?token=s3cret-token', {})).status).toBe(401)
  })
})

describe('the stream without a token, behind the DNS-rebinding guard', () => {
  it('refuses a foreign Host', async () => {
    const mock = await createMock({ seed: 'stream-host', customers: 5, staff: 2, now: () => NOW })
    const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
    try {
      expect((await rawGet(server, '/__mock/stream', { host: 'rebound.example.test' })).status).toBe(403)
      expect((await rawGet(server, '/__mock/stream', { host: `127.0.0.1:${server.port}` })).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})

describe('the stream in-process and its bound', () => {
  it('works through the msw handlers in-process (a streaming Response)', async () => {
    const mock = await createMock({ seed: 'stream-msw', customers: 5, staff: 2, now: () => NOW })
    const { getResponse } = await import('msw')
    const { createHandlers } = await import('../../mock/handlers.js')
    const handlers = createHandlers([{ context: mock.context, admin: mock.admin }])
    const response = (await getResponse(handlers, new Request('http://tanma.test/__mock/stream')))!
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    await reader.read() // the opening comment
    mock.context.clock.set(NOW + 60_000)
    const { value } = await reader.read()
    expect(new TextDecoder().decode(value)).toMatch(/^event: clock\ndata: \{.*"now":1750000060000/)
    await reader.cancel()
    expect(mock.context.journal.listenerCount).toBe(0)
  })

  it('streams through msw setupServer to a fetch in-process, and a fetch aborted unsubscribes', async () => {
    const { setupServer } = await import('msw/node')
    const mock = await createMock({ seed: 'stream-setup', customers: 5, staff: 2, now: () => NOW })
    const msw = setupServer(...mock.handlers)
    msw.listen({ onUnhandledRequest: 'bypass' })
    try {
      const s = await openStream('https://open.tanmarket.cn/__mock/stream')
      expect(s.response.headers.get('content-type')).toMatch(/^text\/event-stream/)
      const body = '{"size":2}'
      await fetch('https://open.tanmarket.cn' + PATH, { method: 'POST', headers: { 'content-type': 'application/json', ...(mock.sign(body, NOW) as Record<string, string>) }, body })
      const request = await s.next((e) => e.event === 'request')
      expect(request.data).toMatchObject({ code: 0, signature: 'valid', items: 2 })
      await s.close()
      await until(() => mock.context.journal.listenerCount === 0)
    } finally {
      msw.close()
    }
  })

  it('sends a heartbeat comment at the interval, and stops it when the client leaves', async () => {
    const mock = await createMock({ seed: 'stream-beat', customers: 5, staff: 2, now: () => NOW })
    const response = streamResponse(mock.context, new Request('http://tanma.test/__mock/stream'), {}, { heartbeatMs: 20 })
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    expect(decoder.decode((await reader.read()).value)).toMatch(/^: tanma-mock live stream\nretry: 2000\n\n$/)
    expect(decoder.decode((await reader.read()).value)).toBe(': heartbeat\n\n')
    await reader.cancel()
    expect(mock.context.journal.listenerCount).toBe(0)
  })

  it('a client that reads too slowly is sent a last error event and dropped', async () => {
    const mock = await createMock({ seed: 'stream-slow', customers: 5, staff: 2, now: () => NOW })
    const response = streamResponse(mock.context, new Request('http://tanma.test/__mock/stream'), {}, { queueLimit: 3 })
    for (let i = 1; i <= 5; i++) mock.context.clock.set(NOW + i * 1000)
    expect(mock.context.journal.listenerCount).toBe(0)
    const text = await response.text()
    expect(text.match(/^event: clock$/gm)).toHaveLength(3)
    expect(text).toMatch(/event: error\ndata: \{"error":"the client read too slowly/)
    expect(sseEvent('x', { a: 1 }, 7)).toEqual(new TextEncoder().encode('event: x\nid: 7\ndata: {"a":1}\n\n'))
  })
})
