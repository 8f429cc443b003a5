/**
 * Push delivery end to end (issue 12, decisions/0007-push-delivery.md): a real node:http receiver on
 * 127.0.0.1 gets the tenant's pushes signed and encrypted; acknowledgements keep int64 precision;
 * failures are retried on the virtual clock; an address goes offline and comes back; resend,
 * redeliver, the realism switches, tenants, and msw intercepting the push address in-process.
 */
import { getResponse, http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMock, createTenants, type Mock, type MockHooks, type MockOptions } from '../../mock/index.js'
import { decryptPushBody, parsePushMessage, pushHeadersProblem } from '../../mock/push/crypto.js'
import type { PushDraft } from '../../mock/push/messages.js'
import type { WorldEvent } from '../../mock/world/events.js'
import { send } from '../endpoints/support.js'
import { ack, startReceiver, type Behaviour, type Receiver } from './receiver.js'

const START = '2026-03-01 10:00:00'
const START_MS = Date.parse('2026-03-01T10:00:00+08:00')

const receivers: Receiver[] = []
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()))
})

async function receiver(mock: Mock, answer?: (m: ReturnType<Receiver['messages']>[number] | null, k: number) => Behaviour): Promise<Receiver> {
  const started = await startReceiver(mock.credentials, answer)
  receivers.push(started)
  return started
}

/** A mock with its clock frozen at START. */
async function frozenMock(options: MockOptions = {}, hooks: MockHooks = {}): Promise<Mock> {
  const mock = await createMock({ customers: 20, staff: 3, ...options }, hooks)
  mock.admin.setClock({ freeze: true, set: START })
  return mock
}

async function register(mock: Mock, address: string, subscription = 'register'): Promise<void> {
  const answer = await send(mock, '/v2/push-register', JSON.stringify({ receiveAddress: address, subscription }))
  expect(answer.text).toBe('{"code":0,"message":"已收到注册消息,请注意接收确认回调"}')
  await mock.pushes.settle()
}

/** POST /__mock/clock through the handlers (the answer comes after the retries it made due). */
async function advanceOverAdmin(mock: Mock, advanceMs: number): Promise<unknown> {
  const response = await getResponse(mock.handlers, new Request('http://127.0.0.1/__mock/clock', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs }) }))
  expect(response?.status).toBe(200)
  return response!.json()
}

const attemptsOf = (mock: Mock, msgId: number) => mock.pushes.journal().filter((a) => a.msgId === msgId)

describe('push delivery', () => {
  it('a registration sends the register push: signed for the tenant, encrypted with its key, timestamped by the virtual clock, acknowledged', async () => {
    const mock = await frozenMock()
    const inbox = await receiver(mock)
    await register(mock, inbox.url)
    expect(inbox.received).toHaveLength(1)
    const [push] = inbox.received
    expect(push!.problem).toBeNull()
    expect(push!.headers['content-type']).toBe('text/plain;charset=UTF-8')
    expect(push!.headers.timestamp).toBe(String(START_MS))
    expect(push!.headers.version).toBe('1')
    expect(push!.message).toMatchObject({ type: 'register', msgId: 1000 })
    const [attempt] = mock.pushes.journal()
    expect(attempt).toMatchObject({ msgId: 1000, type: 'register', attempt: 1, at: START_MS, status: 200, verdict: 'acked', address: inbox.url, cause: 'register' })
    expect(attempt!.noise).toBe(push!.message!.noiseText)
    expect(decryptPushBody(attempt!.ciphertext, mock.credentials)).toBe(attempt!.plaintext)
    expect(attempt!.ciphertext).toBe(push!.body)
  })

  it('world changes push the drafts of the subscribed types: a signed add-clue and an admin change, with the world\'s ids', async () => {
    const drafts = (_: unknown, event: WorldEvent): PushDraft[] => (event.type === 'lead.added' ? [{ type: 'new_qw_customer', content: { customerId: String(event.leadId) } }, { type: 'not_subscribed', content: {} }] : [])
    const mock = await frozenMock({}, { pushDrafts: drafts })
    const inbox = await receiver(mock)
    await register(mock, inbox.url, 'register,new_qw_customer')
    const added = await send(mock, '/v3/add-clue', JSON.stringify({ customerName: '推送', mobiles: ['13900001111'] }))
    expect(added.json.code).toBe(0)
    const lead = mock.admin.addLead({}) as { customerId: number }
    await mock.pushes.settle()
    const pushes = inbox.messages().filter((m) => m.type !== 'register')
    expect(pushes.map((m) => [m.type, m.content])).toEqual([
      ['new_qw_customer', { customerId: String(added.json.data) }],
      ['new_qw_customer', { customerId: String(lead.customerId) }],
    ])
    expect(pushes.map((m) => m.msgId)).toEqual([1001, 1002])
  })

  it('acknowledgements keep int64 precision: the digits acknowledge, a noise read through a JS number does not', async () => {
    const mock = await frozenMock({ pushRetries: 'none' })
    let rounding = false
    const inbox = await receiver(mock, (m) => ({ status: 200, body: m ? (rounding ? String(Number(m.raw.noise)) : `{"noise":${m.noiseText}}`) : '' }))
    await register(mock, inbox.url)
    for (let k = 0; k < 6; k++) await mock.pushes.trigger('register')
    const noises = inbox.messages().map((m) => m.noise)
    expect(noises.some((n) => n < 0n)).toBe(true)
    expect(noises.every((n) => n > 2n ** 53n || n < -(2n ** 53n))).toBe(true)
    expect(mock.pushes.journal().map((a) => a.verdict)).toEqual(Array(7).fill('acked'))
    rounding = true
    const { attempt } = await mock.pushes.trigger('register')
    expect(attempt.verdict).toBe('no-noise')
    expect(attempt.response).not.toContain(attempt.noise)
  })

  it('a 500 is retried when the virtual clock reaches the first delay, not before; the clock change answers after the retry', async () => {
    const mock = await frozenMock({ pushRetries: '10s,1m' })
    const inbox = await receiver(mock, (m, k) => (k === 1 ? { status: 500, body: 'oops' } : ack(m)))
    await register(mock, inbox.url)
    const { message, attempt } = await mock.pushes.trigger('register')
    expect(attempt).toMatchObject({ verdict: 'http-error', status: 500, response: 'oops' })
    expect(mock.pushes.state().pending).toEqual([expect.objectContaining({ msgId: message.msgId, dueAt: START_MS + 10_000, state: 'pending' })])
    await advanceOverAdmin(mock, 9_999)
    expect(attemptsOf(mock, message.msgId)).toHaveLength(1)
    await advanceOverAdmin(mock, 1)
    expect(attemptsOf(mock, message.msgId).map((a) => [a.attempt, a.verdict, a.at, a.cause])).toEqual([
      [1, 'http-error', START_MS, 'trigger'],
      [2, 'acked', START_MS + 10_000, 'retry'],
    ])
    expect(inbox.received[2]!.headers.timestamp).toBe(String(START_MS + 10_000))
    expect(mock.pushes.state().pending).toEqual([])
  })

  it('a 200 without the noise is retried; after the schedule it gives up', async () => {
    const mock = await frozenMock({ pushRetries: '10s,1m' })
    const inbox = await receiver(mock, (m, k) => (k === 0 ? ack(m) : { status: 200, body: 'success' }))
    await register(mock, inbox.url)
    const { message } = await mock.pushes.trigger('register')
    await advanceOverAdmin(mock, 10_000)
    await advanceOverAdmin(mock, 60_000)
    await advanceOverAdmin(mock, 3_600_000)
    expect(attemptsOf(mock, message.msgId).map((a) => [a.attempt, a.verdict, a.at])).toEqual([
      [1, 'no-noise', START_MS],
      [2, 'no-noise', START_MS + 10_000],
      [3, 'no-noise', START_MS + 70_000],
    ])
    expect(mock.pushes.messages().find((m) => m.msgId === message.msgId)?.state).toBe('given-up')
  })

  it('a receiver that does not answer within the timeout is retried', async () => {
    const mock = await frozenMock({ pushRetries: '10s', pushTimeoutMs: 150 })
    const inbox = await receiver(mock, (m, k) => (k === 1 ? 'hang' : ack(m)))
    await register(mock, inbox.url)
    const { attempt } = await mock.pushes.trigger('register')
    expect(attempt).toMatchObject({ verdict: 'timeout', status: 0 })
    expect(attempt.latencyMs).toBeGreaterThanOrEqual(100)
    mock.admin.setClock({ advanceMs: 10_000 })
    await mock.pushes.settle()
    expect(attemptsOf(mock, attempt.msgId).map((a) => a.verdict)).toEqual(['timeout', 'acked'])
  })

  it('a refused connection is retried, and reaches the receiver once it listens', async () => {
    const mock = await frozenMock({ pushRetries: '10s' })
    const closed = await startReceiver(mock.credentials)
    const { port, url } = closed
    await closed.close()
    await register(mock, url)
    const [attempt] = mock.pushes.journal()
    expect(attempt).toMatchObject({ verdict: 'refused', status: 0 })
    expect(attempt!.response).toMatch(/ECONNREFUSED/)
    receivers.push(await startReceiver(mock.credentials, ack, port))
    mock.admin.setClock({ advanceMs: 10_000 })
    await mock.pushes.settle()
    expect(attemptsOf(mock, 1000).map((a) => a.verdict)).toEqual(['refused', 'acked'])
  })

  it('a connection reset is verdict refused, naming the socket error', async () => {
    const mock = await frozenMock({ pushRetries: 'none' })
    const inbox = await receiver(mock, (m, k) => (k === 1 ? 'reset' : ack(m)))
    await register(mock, inbox.url)
    const { attempt } = await mock.pushes.trigger('register')
    expect(attempt).toMatchObject({ verdict: 'refused', status: 0 })
    expect(attempt.response).not.toBe('')
  })

  it('while the clock runs, a due retry goes by itself when real time reaches it', async () => {
    const mock = await createMock({ customers: 5, staff: 2, pushRetries: '300ms' })
    const inbox = await receiver(mock, (m, k) => (k === 1 ? { status: 500 } : ack(m)))
    await register(mock, inbox.url)
    const { message } = await mock.pushes.trigger('register')
    expect(attemptsOf(mock, message.msgId)).toHaveLength(1)
    await vi.waitFor(() => expect(attemptsOf(mock, message.msgId).map((a) => a.verdict)).toEqual(['http-error', 'acked']), { timeout: 3000, interval: 50 })
  })

  it('a clock change fires every due retry at once, in order of due time then msgId', async () => {
    const mock = await frozenMock({ pushRetries: '10s' })
    let failing = true
    const inbox = await receiver(mock, (m, k) => (k === 0 || !failing ? ack(m) : { status: 503 }))
    await register(mock, inbox.url)
    const a = (await mock.pushes.trigger('register')).message.msgId
    const b = (await mock.pushes.trigger('register')).message.msgId
    mock.admin.setClock({ advanceMs: 1_000 })
    const c = (await mock.pushes.trigger('register')).message.msgId
    failing = false
    // c is due at +11 s, a and b at +10 s: nothing at +9 s, then all three at once.
    await advanceOverAdmin(mock, 8_000)
    expect(mock.pushes.journal().filter((x) => x.cause === 'retry')).toEqual([])
    await advanceOverAdmin(mock, 60_000)
    expect(mock.pushes.journal().filter((x) => x.cause === 'retry').map((x) => [x.msgId, x.verdict])).toEqual([
      [a, 'acked'],
      [b, 'acked'],
      [c, 'acked'],
    ])
    expect(inbox.messages().slice(-3).map((m) => m.msgId)).toEqual([a, b, c])
  })

  it('after the threshold of consecutive failures the address is offline; registering again brings it back', async () => {
    const mock = await frozenMock({ pushRetries: 'none', pushOfflineAfter: 2 })
    let down = true
    const inbox = await receiver(mock, (m) => (down ? { status: 502 } : ack(m)))
    await register(mock, inbox.url)
    await mock.pushes.trigger('register')
    expect(mock.pushes.registration()).toMatchObject({ offline: true, consecutiveFailures: 2 })
    const { attempt } = await mock.pushes.trigger('register')
    expect(attempt).toMatchObject({ verdict: 'offline', status: 0, latencyMs: 0 })
    expect(inbox.received).toHaveLength(2)
    down = false
    await register(mock, inbox.url)
    expect(mock.pushes.registration()).toMatchObject({ offline: false, consecutiveFailures: 0 })
    expect((await mock.pushes.trigger('register')).attempt.verdict).toBe('acked')
    expect(inbox.received).toHaveLength(4)
  })

  it('resend sends the same message again (same msgId and noise), over the admin route too', async () => {
    const mock = await frozenMock()
    const inbox = await receiver(mock)
    await register(mock, inbox.url)
    const response = await getResponse(mock.handlers, new Request('http://127.0.0.1/__mock/pushes/1000/resend', { method: 'POST' }))
    expect(response?.status).toBe(200)
    expect(await response!.json()).toMatchObject({ msgId: 1000, attempt: 2, cause: 'resend', verdict: 'acked' })
    const [first, again] = inbox.messages()
    expect(again!.msgId).toBe(first!.msgId)
    expect(again!.noiseText).toBe(first!.noiseText)
    const missing = await getResponse(mock.handlers, new Request('http://127.0.0.1/__mock/pushes/4242/resend', { method: 'POST' }))
    expect(missing?.status).toBe(404)
  })

  it('redeliver sends again every message made since a time (Beijing time or epoch ms), in msgId order', async () => {
    const mock = await frozenMock()
    const inbox = await receiver(mock)
    await register(mock, inbox.url)
    await mock.pushes.trigger('register')
    mock.admin.setClock({ advanceMs: 3_600_000 })
    const late1 = (await mock.pushes.trigger('register')).message.msgId
    const late2 = (await mock.pushes.trigger('register')).message.msgId
    const response = await getResponse(mock.handlers, new Request('http://127.0.0.1/__mock/pushes/redeliver', { method: 'POST', body: JSON.stringify({ since: '2026-03-01 11:00:00' }) }))
    expect(response?.status).toBe(200)
    const { attempts } = (await response!.json()) as { attempts: { msgId: number; cause: string }[] }
    expect(attempts.map((a) => [a.msgId, a.cause])).toEqual([
      [late1, 'redeliver'],
      [late2, 'redeliver'],
    ])
    expect((await mock.pushes.redeliver(START_MS)).map((a) => a.msgId)).toEqual([1000, 1001, late1, late2])
  })

  it('pushDuplicates sends an attempt twice; the duplicate is journalled as such', async () => {
    const mock = await frozenMock({ pushDuplicates: 1 })
    const inbox = await receiver(mock)
    await register(mock, inbox.url)
    expect(inbox.messages().map((m) => m.msgId)).toEqual([1000, 1000])
    expect(mock.pushes.journal().map((a) => [a.msgId, a.attempt, a.duplicate ?? false])).toEqual([
      [1000, 1, false],
      [1000, 1, true],
    ])
  })

  it('pushReorderWindow sends new pushes in a seeded shuffled order, the same every run', async () => {
    const order = async () => {
      const mock = await frozenMock({ pushReorderWindow: 5, seed: 'reorder' })
      const inbox = await receiver(mock)
      await send(mock, '/v2/push-register', JSON.stringify({ receiveAddress: inbox.url, subscription: 'register' }))
      await Promise.all([1, 2, 3, 4].map(() => mock.pushes.trigger('register')))
      await mock.pushes.settle()
      return inbox.messages().map((m) => m.msgId)
    }
    const first = await order()
    expect([...first].sort()).toEqual([1000, 1001, 1002, 1003, 1004])
    expect(first).not.toEqual([1000, 1001, 1002, 1003, 1004])
    expect(await order()).toEqual(first)
  })

  it('pushDelayMs delays each attempt by real milliseconds', async () => {
    const mock = await frozenMock({ pushDelayMs: '120' })
    const inbox = await receiver(mock)
    const started = performance.now()
    await register(mock, inbox.url)
    expect(performance.now() - started).toBeGreaterThanOrEqual(110)
  })

  it("tenants: each tenant's pushes carry its own appId, key and corp id, and its own world's changes", async () => {
    const drafts = (_: unknown, event: WorldEvent): PushDraft[] => (event.type === 'lead.added' ? [{ type: 'new_qw_customer', content: { customerId: String(event.leadId) } }] : [])
    const b = { appId: 'wwbbbbbbbbbbbbbbbb_Tenant', appKey: 'tenantBKey0000000000000000000000B', corpId: 'corp-b' }
    const mock = await createTenants({ tenants: [{ appId: 'wwaaaaaaaaaaaaaaaa_Tenant', appKey: 'tenantAKey0000000000000000000000A', seed: 'a', customers: 10 }, { ...b, seed: 'b', customers: 10 }] }, {}, { pushDrafts: drafts })
    const [tenantA, tenantB] = mock.tenants!
    const inboxA = await startReceiver(tenantA!.credentials)
    const inboxB = await startReceiver(b)
    receivers.push(inboxA, inboxB)
    for (const [tenant, inbox] of [[tenantA!, inboxA], [tenantB!, inboxB]] as const) {
      const body = JSON.stringify({ receiveAddress: inbox.url, subscription: 'register,new_qw_customer' })
      expect((await send(mock, '/v2/push-register', body, tenant.sign(body))).json.code).toBe(0)
      await tenant.pushes.settle()
    }
    const clue = JSON.stringify({ customerName: '乙方', mobiles: ['13700002222'] })
    const added = await send(mock, '/v3/add-clue', clue, tenantB!.sign(clue))
    await tenantB!.pushes.settle()
    await tenantA!.pushes.settle()
    expect(inboxA.messages().map((m) => m.type)).toEqual(['register'])
    expect(inboxB.messages().map((m) => [m.type, m.content])).toEqual([
      ['register', 'hello'],
      ['new_qw_customer', { customerId: String(added.json.data) }],
    ])
    expect(inboxB.received.every((r) => r.problem === null && r.headers.appid === b.appId)).toBe(true)
    expect(pushHeadersProblem(inboxB.received[0]!.headers as Record<string, string>, tenantA!.credentials)).not.toBeNull()
    expect(() => parsePushMessage(decryptPushBody(inboxB.received[0]!.body, tenantA!.credentials))).toThrow()
    expect(tenantA!.pushes.journal().every((a) => a.address === inboxA.url)).toBe(true)
  })

  it('in-process: msw intercepts the push address, and the handler acknowledges', async () => {
    const mock = await frozenMock()
    const seen: number[] = []
    const server = setupServer(
      http.post('https://receiver.example.test/tanma/push', async ({ request }) => {
        const message = parsePushMessage(decryptPushBody(await request.text(), mock.credentials))
        expect(pushHeadersProblem(request.headers, mock.credentials)).toBeNull()
        seen.push(message.msgId)
        return HttpResponse.text(message.noiseText)
      }),
    )
    server.listen({ onUnhandledRequest: 'error' })
    try {
      await register(mock, 'https://receiver.example.test/tanma/push')
      await mock.pushes.trigger('register')
    } finally {
      server.close()
    }
    expect(seen).toEqual([1000, 1001])
    expect(mock.pushes.journal().map((a) => a.verdict)).toEqual(['acked', 'acked'])
  })
})

describe('the push admin routes', () => {
  const admin = (mock: Mock, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    getResponse(mock.handlers, new Request(`http://127.0.0.1/__mock${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })).then(async (r) => ({ status: r!.status, json: (await r!.json()) as any }))

  it('the trigger answers 201 with the message and its verdict; unknown types and bad bodies 400 naming them; no address 409', async () => {
    const mock = await frozenMock()
    expect(await admin(mock, 'POST', '/pushes', { type: 'register' })).toMatchObject({ status: 409 })
    const inbox = await receiver(mock)
    await register(mock, inbox.url)
    const triggered = await admin(mock, 'POST', '/pushes', { type: 'register' })
    expect(triggered.status).toBe(201)
    expect(triggered.json).toMatchObject({ message: { msgId: 1001, type: 'register' }, verdict: 'acked' })
    expect(typeof triggered.json.message.noise).toBe('string')
    const unknown = await admin(mock, 'POST', '/pushes', { type: 'no_such_type' })
    expect(unknown.status).toBe(400)
    expect(unknown.json.issues).toEqual([{ path: 'type', message: expect.stringContaining('no_such_type') }])
    expect((await admin(mock, 'POST', '/pushes', { type: 'register', content: 'x' })).json.issues[0].path).toBe('content')
    expect((await admin(mock, 'POST', '/pushes', { type: 'register', extra: 1 })).json.issues[0].path).toBe('extra')
    expect((await admin(mock, 'POST', '/pushes/redeliver', { since: 'yesterday' })).json.issues[0].path).toBe('since')
    // Refusals made no message: the next msgId follows on.
    expect((await admin(mock, 'POST', '/pushes', { type: 'register' })).json.message.msgId).toBe(1002)
  })

  it('GET lists the registration, the pending retries and every attempt; DELETE clears the journal', async () => {
    const mock = await frozenMock()
    const inbox = await receiver(mock)
    await register(mock, inbox.url, 'register,new_qw_customer,no_such_type')
    const listed = await admin(mock, 'GET', '/pushes')
    expect(listed.json.registration).toMatchObject({ receiveAddress: inbox.url, subscription: ['register', 'new_qw_customer', 'no_such_type'], offline: false })
    expect(listed.json.registration.unknownTypes).toContain('no_such_type')
    expect(listed.json.attempts).toHaveLength(1)
    expect(Object.keys(listed.json.attempts[0]).sort()).toEqual(['address', 'at', 'attempt', 'cause', 'ciphertext', 'headers', 'latencyMs', 'msgId', 'noise', 'plaintext', 'response', 'seq', 'status', 'type', 'verdict'])
    expect(await admin(mock, 'DELETE', '/pushes')).toEqual({ status: 200, json: { cleared: true } })
    expect((await admin(mock, 'GET', '/pushes')).json.attempts).toEqual([])
  })

  it('the admin token guards the push routes', async () => {
    const mock = await frozenMock({ adminToken: 'secret-token-1' })
    expect((await admin(mock, 'GET', '/pushes')).status).toBe(401)
    expect((await admin(mock, 'GET', '/pushes', undefined, { authorization: 'Bearer secret-token-1' })).status).toBe(200)
  })
})
