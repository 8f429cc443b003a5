/**
 * The admin routes the console's live and control pages read, over real HTTP on 127.0.0.1: a
 * request's detail (headers, body, answer, verdict, diagnosis), the common faults toggled by id
 * beside the rules in force, coverage restarted, the packs loaded by name, the clock frozen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock, type RunningServer } from '../../mock/index.js'
import { DETAIL_BYTES, DETAIL_CAPACITY, Journal, requestDetail } from '../../mock/journal.js'
import { FAULT_PRESETS } from '../../mock/console/fault-presets.js'

const PATH = '/api/v3/customer-relation/list-by-relation-create-time-asc'
const NOW = 1_750_000_000_000

describe('the live and control admin routes', () => {
  let mock: Mock
  let server: RunningServer
  const admin = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${server.origin}/__mock${route}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    return { status: response.status, body: (await response.json()) as any }
  }
  const signedPost = (body: string, headers?: Record<string, string>) =>
    fetch(server.origin + PATH, { method: 'POST', headers: { 'content-type': 'application/json', ...(headers ?? (mock.sign(body, NOW) as Record<string, string>)) }, body })
  const lastSeq = () => mock.context.journal.lastSeq

  beforeAll(async () => {
    mock = await createMock({ seed: 'live-admin', customers: 20, staff: 3, now: () => NOW })
    server = await startServer(mock, { port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => {
    await server.close()
  })

  it('GET /requests/<seq>: the headers and body sent, the answer, the verdict', async () => {
    const answer = await (await signedPost('{"size":2}')).text()
    const { status, body } = await admin('GET', `/requests/${lastSeq()}`)
    expect(status).toBe(200)
    expect(body.entry).toMatchObject({ seq: lastSeq(), path: PATH, signature: 'valid', code: 0, items: 2 })
    expect(body.request.body).toBe('{"size":2}')
    expect(body.request.headers.appid).toBe(mock.credentials.appId)
    expect(body.request.headers.sign).toMatch(/^[0-9a-f]{32,64}$/i)
    expect(body.answer).toEqual({ body: answer, bytes: Buffer.byteLength(answer), truncated: false })
  })

  it('a badly signed request: its verdict, diagnosis and error envelope', async () => {
    const headers = { ...(mock.sign('{"size":2}', NOW) as Record<string, string>), sign: '0'.repeat(32) }
    const sent = await (await signedPost('{"size":2}', headers)).text()
    const { body } = await admin('GET', `/requests/${lastSeq()}`)
    expect(body.entry.signature).toBe('mismatch')
    expect(typeof body.entry.diagnosis).toBe('string')
    expect(body.answer.body).toBe(sent)
    expect(JSON.parse(body.answer.body).code).toBe(1002)
  })

  it('an unknown path: the 404 envelope and the closest endpoint', async () => {
    const sent = await (await fetch(`${server.origin}/api/v3/customer-relation/list-by-relation-create-time`, { method: 'POST', body: '{}' })).text()
    const { body } = await admin('GET', `/requests/${lastSeq()}`)
    expect(body.entry.diagnosis).toContain('list-by-relation-create-time-asc')
    expect(body.answer.body).toBe(sent)
  })

  it('a seq not in the journal (or cleared) is a 404 naming why; a wrong one a 400', async () => {
    expect((await admin('GET', `/requests/${lastSeq() + 5}`)).status).toBe(404)
    expect((await admin('GET', '/requests/abc')).status).toBe(400)
    await signedPost('{"size":1}')
    const seq = lastSeq()
    await admin('DELETE', '/requests')
    const gone = await admin('GET', `/requests/${seq}`)
    expect(gone.status).toBe(404)
    expect(gone.body.error).toContain('not in the journal')
  })

  it('keeps the detail of the latest DETAIL_CAPACITY requests, and the first DETAIL_BYTES of a body', () => {
    const journal = new Journal(10_000)
    const entry = { requestId: 'r', time: 0, method: 'POST', path: '/p', endpoint: null, appId: null, signature: 'valid', code: 0, status: 200 } as const
    const big = Buffer.from('中'.repeat(DETAIL_BYTES)) // 3 bytes a character
    for (let k = 0; k < DETAIL_CAPACITY + 5; k++) journal.record(entry, requestDetail(new Headers({ a: String(k) }), big, undefined))
    expect(journal.detail(5)).toBeUndefined()
    const kept = journal.detail(6)!
    expect(kept.request.headers).toEqual({ a: '5' })
    expect(kept.request).toMatchObject({ bytes: big.byteLength, truncated: true })
    expect(Buffer.byteLength(kept.request.body)).toBeLessThanOrEqual(DETAIL_BYTES + 3)
    expect(kept.answer).toBeNull()
    // A journal that keeps nothing keeps no detail either.
    const none = new Journal(0)
    none.record(entry, requestDetail(new Headers(), big, big))
    expect(none.detail(1)).toBeUndefined()
  })

  it('toggles a common fault by id beside the rules in force, which keep their counts; the next request fails', async () => {
    await admin('POST', '/faults', { rules: [{ id: 'mine', kind: 'latency', ms: 0 }] })
    await signedPost('{"size":1}')
    const presets = await admin('GET', '/faults/presets')
    expect(presets.body.presets.map((p: any) => p.id)).toEqual(FAULT_PRESETS.map((p) => p.id))
    expect(presets.body.presets.every((p: any) => p.on === false)).toBe(true)

    const on = await admin('PUT', '/faults/presets/preset:busy', { on: true })
    expect(on.status).toBe(200)
    expect(on.body.rules.map((r: any) => r.id)).toEqual(['mine', 'preset:busy'])
    expect(on.body.rules[0].calls).toBe(1) // kept
    expect((await admin('GET', '/faults/presets')).body.presets.find((p: any) => p.id === 'preset:busy').on).toBe(true)

    const failed = (await (await signedPost('{"size":1}')).json()) as { code: number; message: string }
    expect(failed).toMatchObject({ code: -1, message: '系统繁忙' })
    expect(mock.context.journal.list().at(-1)).toMatchObject({ code: -1, faults: expect.arrayContaining(['preset:busy']) })

    const off = await admin('PUT', '/faults/presets/preset:busy', { on: false })
    expect(off.body.rules.map((r: any) => r.id)).toEqual(['mine'])
    expect(off.body.rules[0].calls).toBe(2)
    expect(((await (await signedPost('{"size":1}')).json()) as { code: number }).code).toBe(0)
    await admin('DELETE', '/faults')
  })

  it('a wrong preset change is refused with its issues; an unknown preset is a 404; nothing changes', async () => {
    const wrong = await admin('PUT', '/faults/presets/preset:slow', { on: 'yes' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.issues[0]).toMatch(/^on: /)
    expect((await admin('PUT', '/faults/presets/nope', { on: true })).status).toBe(404)
    expect((await admin('GET', '/faults')).body.rules).toEqual([])
  })

  it('a wrong fault rule is refused with issues by path (the console shows them by field)', async () => {
    const wrong = await admin('POST', '/faults', { rules: [{ kind: 'error', code: -1, message: 'x' }, { kind: 'latency', ms: -5 }] })
    expect(wrong.status).toBe(400)
    expect(wrong.body.issues).toEqual([expect.stringMatching(/^rules\[1\]\.ms: /)])
    const twice = await admin('POST', '/faults', [{ id: 'a', kind: 'reset' }, { id: 'a', kind: 'reset' }])
    expect(twice.body.issues).toEqual([expect.stringMatching(/^rules\[1\]\.id: /)])
  })

  it('DELETE /coverage restarts coverage: what was covered before is no longer', async () => {
    await signedPost('{"size":1}')
    const before = await admin('GET', '/coverage')
    const after = await admin('DELETE', '/coverage')
    expect(after.status).toBe(200)
    expect(mock.context.journal.list()).toHaveLength(0)
    expect(before.body.totals.covered).toBeGreaterThan(0)
    expect(after.body.totals.covered).toBe(0)
  })

  it('lists the packs and loads one by name; a path or unknown name is refused, the world unchanged', async () => {
    const { body } = await admin('GET', '/packs')
    expect(body.packs).toContain('small')
    const customers = mock.context.world.liveCustomerCount
    expect((await admin('POST', '/packs/..%2Fpackage')).status).toBe(404)
    expect((await admin('POST', '/packs/nope')).status).toBe(404)
    expect(mock.context.world.liveCustomerCount).toBe(customers)
    const loaded = await admin('POST', '/packs/small')
    expect(loaded.status).toBe(200)
    expect(loaded.body.customers).toBe(mock.context.world.liveCustomerCount)
    expect(mock.context.world.liveCustomerCount).not.toBe(customers)
  })

  it('reading the clock (GET /clock) changes nothing and tells no listener (the console reloads on clock events)', async () => {
    const heard: unknown[] = []
    const off = mock.context.clock.onChange((state) => heard.push(state))
    try {
      await admin('GET', '/clock')
      await admin('POST', '/clock', {})
      expect(heard).toEqual([])
      await admin('POST', '/clock', { advanceMs: 1000 })
      expect(heard).toHaveLength(1)
    } finally {
      off()
      await admin('POST', '/clock', { reset: true })
    }
  })

  it('the clock: freeze, set, advance', async () => {
    const frozen = await admin('POST', '/clock', { freeze: true, set: '2026-01-01 09:00:00' })
    expect(frozen.body).toMatchObject({ frozen: true, beijing: '2026-01-01 09:00:00' })
    const later = await admin('POST', '/clock', { advanceMs: 3_600_000 })
    expect(later.body).toMatchObject({ frozen: true, beijing: '2026-01-01 10:00:00' })
    await admin('POST', '/clock', { reset: true })
  })
})
