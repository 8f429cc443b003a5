/** Fault rules against a raw HTTP client (fetch over a real socket): each kind, determinism, the journal, bad definitions. */
import { getResponse } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock, type MockOptions, type RunningServer } from '../mock/index.js'
import { sweep } from './support.js'

const PATH = '/v3/customer-relation/list-by-relation-create-time-asc'
const servers: RunningServer[] = []
afterEach(async () => void (await Promise.all(servers.splice(0).map((s) => s.close()))))

async function serve(options: MockOptions): Promise<{ mock: Mock; call: (body?: object, init?: RequestInit) => Promise<Response> }> {
  const mock = await createMock({ seed: 'faults', customers: 120, ...options })
  const server = await startServer(mock, { port: 0 })
  servers.push(server)
  const call = (body: object = { size: 10 }, init: RequestInit = {}) => {
    const text = JSON.stringify(body)
    return fetch(`${server.baseUrl}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(text) }, body: text, ...init })
  }
  return { mock, call }
}

const json = async (response: Response) => (await response.json()) as { code: number; message: string; data: { list: { customerId: number; qwUserId: string }[]; nextCursor: string | null } | null }

describe('error responses', () => {
  it('answers the given code and message in the envelope on exact calls and every n-th', async () => {
    const { mock, call } = await serve({ faults: [{ kind: 'error', id: 'busy', code: -1, message: '系统繁忙，请稍后再试', calls: { nth: [3] } }, { kind: 'error', code: 500, message: '服务异常', httpStatus: 500, calls: { every: 4 } }] })
    const answers = []
    for (let k = 1; k <= 8; k++) {
      const r = await call()
      answers.push([r.status, (await json(r)).code])
    }
    expect(answers).toEqual([[200, 0], [200, 0], [200, -1], [500, 500], [200, 0], [200, 0], [200, 0], [500, 500]])
    expect(mock.admin.requests().map((e) => e.faults ?? [])).toEqual([[], [], ['busy'], ['error-2'], [], [], [], ['error-2']])
  })

  it('fails the same calls on every run with the same seeds, and other calls with another rule seed', async () => {
    const failing = async (seed: string, ruleSeed: string) => {
      const mock = await createMock({ seed, customers: 20, faults: [{ kind: 'error', code: -1, message: '系统繁忙', probability: 0.3, seed: ruleSeed }] })
      const failed: number[] = []
      for (let k = 1; k <= 40; k++) {
        const text = '{"size":1}'
        const response = await getResponse(mock.handlers, new Request(`https://api.tanmarket.cn/api${PATH}`, { method: 'POST', headers: mock.sign(text), body: text }))
        if (((await response!.json()) as { code: number }).code === -1) failed.push(k)
      }
      return failed
    }
    const first = await failing('w', 'a')
    expect(first.length).toBeGreaterThan(4)
    expect(first.length).toBeLessThan(25)
    expect(await failing('w', 'a')).toEqual(first)
    expect(await failing('w', 'b')).not.toEqual(first)
    expect(await failing('other world', 'a')).not.toEqual(first)
  })
})

describe('latency', () => {
  it('delays answers by a fixed or seeded amount, recorded in the journal', async () => {
    const { mock, call } = await serve({ faults: [{ kind: 'latency', ms: 40, calls: { nth: [1] } }, { kind: 'latency', id: 'jitter', distribution: { type: 'normal', mean: 30, sd: 10, min: 5, max: 60 }, calls: { from: 2 } }] })
    const started = performance.now()
    expect((await json(await call())).code).toBe(0)
    expect(performance.now() - started).toBeGreaterThanOrEqual(38)
    for (let k = 0; k < 4; k++) await call()
    const delays = mock.admin.requests().map((e) => e.delayMs)
    expect(delays[0]).toBe(40)
    expect(delays.slice(1).every((d) => d !== undefined && d >= 5 && d <= 60)).toBe(true)
    // The same rules on a fresh fake draw the same delays.
    const again = await serve({ faults: [{ kind: 'latency', ms: 40, calls: { nth: [1] } }, { kind: 'latency', id: 'jitter', distribution: { type: 'normal', mean: 30, sd: 10, min: 5, max: 60 }, calls: { from: 2 } }] })
    for (let k = 0; k < 5; k++) await again.call()
    expect(again.mock.admin.requests().map((e) => e.delayMs)).toEqual(delays)
  })

  it('slows only the pages deep in a sweep', async () => {
    const { mock, call } = await serve({ faults: [{ kind: 'latency', id: 'deep', deep: { afterItems: 30, ms: 25 } }] })
    let cursor: string | undefined
    do {
      const page = (await json(await call({ size: 10, ...(cursor ? { cursor } : {}) }))).data!
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    const entries = mock.admin.requests()
    expect(entries.length).toBeGreaterThan(5)
    for (const e of entries) expect(e.delayMs).toBe(e.offset! >= 30 ? 25 : undefined)
  })
})

describe('rate limiting', () => {
  it('limits each appId with a token bucket on the virtual clock', async () => {
    const { mock, call } = await serve({ faults: [{ kind: 'rateLimit', qps: 1, burst: 2 }] })
    mock.admin.setClock({ freeze: true })
    const codes = async (n: number) => {
      const out = []
      for (let k = 0; k < n; k++) out.push((await json(await call())).code)
      return out
    }
    expect(await codes(3)).toEqual([0, 0, 429])
    const limited = (await json(await call())) as { message: string }
    expect(limited.message).toBe('请求过于频繁，请稍后再试')
    mock.admin.setClock({ advanceMs: 1000 })
    expect(await codes(2)).toEqual([0, 429])
    mock.admin.setClock({ advanceMs: 5000 })
    expect(await codes(3)).toEqual([0, 0, 429])
  })
})

describe('transport faults', () => {
  it('resets the connection before answering', async () => {
    const { mock, call } = await serve({ faults: [{ kind: 'reset', calls: { nth: [2] } }] })
    expect((await call()).status).toBe(200)
    await expect(call()).rejects.toThrow(TypeError)
    expect((await call()).status).toBe(200)
    expect(mock.admin.requests().map((e) => [e.status, e.code, e.faults])).toEqual([[200, 0, undefined], [0, null, ['reset-1']], [200, 0, undefined]])
  })

  it('cuts a response mid-body: the headers announce all of it, the connection drops', async () => {
    const { call } = await serve({ faults: [{ kind: 'truncate', atByte: 100 }] })
    const response = await call()
    expect(response.status).toBe(200)
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(100)
    await expect(response.text()).rejects.toThrow(/terminated/)
  })

  it('hangs until the client gives up, and keeps serving others', async () => {
    const { mock, call } = await serve({ faults: [{ kind: 'hang', calls: { nth: [1] } }] })
    await expect(call({ size: 1 }, { signal: AbortSignal.timeout(150) })).rejects.toThrow(/aborted|timeout/i)
    expect((await call()).status).toBe(200)
    expect(mock.admin.requests()[0]).toMatchObject({ status: 0, code: null, faults: ['hang-1'] })
  })

  it('answers 502/503 from a "gateway" with an HTML page', async () => {
    const { call } = await serve({ faults: [{ kind: 'gateway', calls: { nth: [1] } }, { kind: 'gateway', status: 503, calls: { nth: [2] } }] })
    const first = await call()
    expect(first.status).toBe(502)
    expect(first.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await first.text()).toContain('<center><h1>502 Bad Gateway</h1></center>')
    const second = await call()
    expect([second.status, await second.text()]).toEqual([503, expect.stringContaining('503 Service Temporarily Unavailable')])
  })
})

describe('data anomalies', () => {
  it('serves a short page that is not the last; following nextCursor still yields everything once', async () => {
    const { mock, call } = await serve({ faults: [{ kind: 'shortPage', items: 3, calls: { nth: [1, 4] } }] })
    const seen: string[] = []
    let cursor: string | undefined
    let first: number | undefined
    do {
      const page = (await json(await call({ size: 10, ...(cursor ? { cursor } : {}) }))).data!
      first ??= page.list.length
      seen.push(...page.list.map((c) => `${c.customerId}/${c.qwUserId}`))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(first).toBe(3)
    expect(seen).toEqual(sweep(mock, { size: 100 }).map((c) => `${c.customerId}/${c.qwUserId}`))
  })

  it('starts a page with the previous page\'s last item again', async () => {
    const { call } = await serve({ faults: [{ kind: 'duplicateEdge', calls: { nth: [2] } }] })
    const one = (await json(await call({ size: 5 }))).data!
    const two = (await json(await call({ size: 5, cursor: one.nextCursor }))).data!
    expect(two.list[0]).toEqual(one.list[4])
    expect(two.list).toHaveLength(5)
  })
})

describe('rules at run time', () => {
  it('are replaced, listed with their counts and cleared over /__mock/faults; bad ones are refused naming the field', async () => {
    const mock = await createMock({ customers: 10 })
    const server = await startServer(mock, { port: 0 })
    servers.push(server)
    const admin = (method: string, body?: unknown) =>
      fetch(`${server.origin}/__mock/faults`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) }).then(async (r) => [r.status, await r.json()] as const)
    expect(await admin('POST', { rules: [{ kind: 'error', code: -1, message: '系统繁忙' }] })).toEqual([200, { rules: [expect.objectContaining({ id: 'error-1', httpStatus: 200 })] }])
    const text = '{}'
    await fetch(`${server.baseUrl}${PATH}`, { method: 'POST', headers: mock.sign(text), body: text })
    expect((await admin('GET'))[1]).toEqual({ rules: [expect.objectContaining({ id: 'error-1', calls: 1, hits: 1 })] })
    const [status, error] = await admin('POST', [{ kind: 'latency', ms: 10, calls: { every: 0 } }, { kind: 'error', code: '500', message: 'x' }, { kind: 'teapot' }])
    expect(status).toBe(400)
    expect(error.error).toBe(
      'invalid fault rules: rules[0].calls.every: Too small: expected number to be >=1; rules[1].code: Invalid input: expected number, received string; rules[2].kind: kind must be one of latency, error, rateLimit, reset, truncate, hang, gateway, shortPage, duplicateEdge',
    )
    expect((await admin('GET'))[1].rules).toHaveLength(1) // a refused change changes nothing
    expect(await admin('DELETE')).toEqual([200, { rules: [] }])
  })

  it('refuses unknown fields and a wrong shape at start', async () => {
    await expect(createMock({ faults: [{ kind: 'reset', probabilty: 0.5 }] })).rejects.toThrow('rules[0]: Unrecognized key: "probabilty"')
    await expect(createMock({ faults: { kind: 'reset' } })).rejects.toThrow('faults: expected a list of rules, or {"rules": [...]}')
    await expect(createMock({ faults: [{ kind: 'latency', distribution: { type: 'uniform', min: 50, max: 10 } }] })).rejects.toThrow('rules[0].distribution.max: min must not exceed max')
  })
})
