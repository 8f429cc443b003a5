/**
 * The reference client against every fault kind: with retries it recovers (and the journal shows it
 * retried exactly the failed call and resumed from the right cursor); without, or when a retry
 * cannot help, it fails with a typed error.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { getResponse } from 'msw'
import { createMock, startServer, type Mock, type MockOptions, type RunningServer } from '../mock/index.js'
import { sweep } from '../test/support.js'
import { TanmaApiError, TanmaClient, TanmaHttpError, TanmaSignatureError, TanmaTimeoutError, TanmaTransportError, type RetryOptions } from './client.js'

const servers: RunningServer[] = []
afterEach(async () => void (await Promise.all(servers.splice(0).map((s) => s.close()))))

const mockOf = (faults: unknown[], options: MockOptions = {}) => createMock({ seed: 'client-faults', customers: 80, faults, ...options })

/** In-process: fetch goes to the handlers, and a network error is thrown as fetch would throw it. */
function inProcess(mock: Mock, options: { retry?: RetryOptions; timeoutMs?: number } = {}) {
  const fetchFake = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await getResponse(mock.handlers, new Request(input, init))
    if (!response || response.type === 'error') throw new TypeError('fetch failed')
    return response
  }
  return new TanmaClient({ baseUrl: 'https://api.tanmarket.cn:20066/api', ...mock.credentials, fetch: fetchFake as typeof fetch, ...options })
}

/** Over a real socket, with the global fetch. */
async function overHttp(mock: Mock, options: { retry?: RetryOptions; timeoutMs?: number } = {}) {
  const server = await startServer(mock, { port: 0 })
  servers.push(server)
  return new TanmaClient({ baseUrl: server.baseUrl, ...mock.credentials, ...options })
}

/** Retries without waiting, noting each back-off asked for. */
function quickRetry(retries = 3): RetryOptions & { delays: number[] } {
  const delays: number[] = []
  return { retries, baseDelayMs: 100, delays, sleep: async (ms) => void delays.push(ms) }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

const keys = (items: { customerId: number; qwUserId: string }[]) => items.map((c) => `${c.customerId}/${c.qwUserId}`)

/** A sweep of pages of 10 through faults; answers the items, the journal and the back-offs. */
async function sweepThrough(faults: unknown[], how: 'in-process' | 'http', retry = quickRetry(), timeoutMs?: number) {
  const mock = await mockOf(faults)
  const options = { retry, ...(timeoutMs === undefined ? {} : { timeoutMs }) }
  const client = how === 'http' ? await overHttp(mock, options) : inProcess(mock, options)
  const items = await collect(client.followedCustomers({ size: 10 }))
  return { mock, items, journal: mock.admin.requests(), delays: retry.delays }
}

describe.each(['in-process', 'http'] as const)('recovering with retries (%s)', (how) => {
  it.each([
    ['an error envelope (system busy)', { kind: 'error', code: -1, message: '系统繁忙' }],
    ['a reset connection', { kind: 'reset' }],
    ['a body cut mid-way', { kind: 'truncate' }],
    ['a gateway 502 page', { kind: 'gateway' }],
  ])('%s on the 3rd call: retries exactly that call and resumes from the right cursor', async (_name, rule) => {
    const faults = [{ ...rule, calls: { nth: [3] } }]
    const mock = await mockOf(faults)
    const retry = quickRetry()
    const client = how === 'http' ? await overHttp(mock, { retry }) : inProcess(mock, { retry })
    const items = await collect(client.followedCustomers({ size: 10 }))
    expect(keys(items)).toEqual(keys(sweep(mock, { size: 100 })))
    const journal = mock.admin.requests()
    const third = journal[2]!
    const retried = journal[3]!
    expect(third.faults).toEqual([`${rule.kind}-1`])
    // The retry asked for the very page that failed: same cursor; then paging went on from its nextCursor.
    expect(retried.cursor).toBe(third.cursor)
    expect(retried.faults).toBeUndefined()
    expect(journal[4]!.cursor).toBe(retried.nextCursor)
    expect(retry.delays).toEqual([100])
  })

  it('rate limiting: backs off until the bucket refills, then goes on where it was', async () => {
    const mock = await mockOf([{ kind: 'rateLimit', qps: 10, burst: 2 }])
    mock.admin.setClock({ freeze: true })
    // The back-off passes on the fake's (frozen) clock: 100 ms refill one token at 10 requests/s.
    const retry = { ...quickRetry(), sleep: async (ms: number) => void mock.admin.setClock({ advanceMs: ms }) }
    const client = how === 'http' ? await overHttp(mock, { retry }) : inProcess(mock, { retry })
    expect(keys(await collect(client.followedCustomers({ size: 10 })))).toEqual(keys(sweep(mock, { size: 100 })))
    const journal = mock.admin.requests()
    const limited = journal.filter((e) => e.code === 429)
    expect(limited.length).toBeGreaterThan(3)
    for (const e of limited) expect(journal[journal.indexOf(e) + 1]!.cursor).toBe(e.cursor)
  })

  it('a hang, given a timeout', async () => {
    const { items, journal, mock, delays } = await sweepThrough([{ kind: 'hang', calls: { nth: [2] }, maxMs: 5000 }], how, quickRetry(), 1000)
    expect(keys(items)).toEqual(keys(sweep(mock, { size: 100 })))
    expect(journal[1]!.faults).toEqual(['hang-1'])
    expect(journal[2]!.cursor).toBe(journal[1]!.cursor)
    expect(delays).toEqual([100])
  })

  it('latency, deep pages included: slower, nothing lost', async () => {
    const { items, mock, journal } = await sweepThrough([{ kind: 'latency', distribution: { type: 'uniform', min: 1, max: 5 } }, { kind: 'latency', id: 'deep', deep: { afterItems: 50, ms: 10 } }], how)
    expect(keys(items)).toEqual(keys(sweep(mock, { size: 100 })))
    expect(journal.filter((e) => e.faults?.includes('deep')).length).toBeGreaterThan(0)
  })

  it('short pages that are not the last, and pages repeating the last item: every relation exactly once', async () => {
    const { items, mock, journal } = await sweepThrough([{ kind: 'shortPage', calls: { every: 2 } }, { kind: 'duplicateEdge', calls: { every: 3 } }], how)
    expect(keys(items)).toEqual(keys(sweep(mock, { size: 100 })))
    expect(journal.some((e) => e.faults?.includes('duplicateEdge-2'))).toBe(true)
    expect(journal.some((e) => e.faults?.includes('shortPage-1') && e.nextCursor !== null)).toBe(true)
  })

  it('the --realistic anomalies, through a whole sweep', async () => {
    const { REALISTIC_FAULTS } = await import('../mock/index.js')
    const { items, mock } = await sweepThrough([...REALISTIC_FAULTS], how)
    expect(keys(items)).toEqual(keys(sweep(mock, { size: 100 })))
  })
})

describe('failing with a typed error', () => {
  it.each([
    ['system busy', { kind: 'error', code: -1, message: '系统繁忙' }, TanmaApiError],
    ['a reset connection', { kind: 'reset' }, TanmaTransportError],
    ['a body cut mid-way', { kind: 'truncate', atByte: 10 }, TanmaTransportError],
    ['a gateway 503', { kind: 'gateway', status: 503 }, TanmaHttpError],
  ])('%s, without retries: once, no retry', async (_name, rule, Kind) => {
    const mock = await mockOf([rule])
    const client = await overHttp(mock)
    await expect(client.listPage({ size: 5 })).rejects.toBeInstanceOf(Kind)
    expect(mock.admin.requests()).toHaveLength(1)
  })

  it('a hang, as TanmaTimeoutError', async () => {
    const mock = await mockOf([{ kind: 'hang' }])
    await expect((await overHttp(mock, { timeoutMs: 150 })).listPage()).rejects.toBeInstanceOf(TanmaTimeoutError)
  })

  it('a fault that never clears: after the retries, with exponential back-off', async () => {
    const mock = await mockOf([{ kind: 'gateway', status: 502 }])
    const retry = quickRetry(4)
    const error = await inProcess(mock, { retry }).listPage().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TanmaHttpError)
    expect((error as TanmaHttpError).status).toBe(502)
    expect(retry.delays).toEqual([100, 200, 400, 800])
    expect(mock.admin.requests()).toHaveLength(5)
  })

  it('an error a retry cannot fix is not retried (bad signature, unknown codes)', async () => {
    const mock = await mockOf([{ kind: 'error', code: 2001, message: '应用已停用' }])
    const retry = quickRetry()
    await expect(inProcess(mock, { retry }).listPage()).rejects.toMatchObject({ code: 2001 })
    const clean = await mockOf([])
    await expect(new TanmaClient({ baseUrl: 'https://api.tanmarket.cn/api', appId: clean.credentials.appId, appKey: 'x'.repeat(32), retry, fetch: (async (i: string, init: RequestInit) => (await getResponse(clean.handlers, new Request(i, init)))!) as typeof fetch }).listPage()).rejects.toBeInstanceOf(TanmaSignatureError)
    expect(retry.delays).toEqual([])
    expect(mock.admin.requests()).toHaveLength(1)
  })
})
