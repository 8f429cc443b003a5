/** The reference client against the fake, in-process: paging to either end, typed errors, no retries. */
import { getResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { createMock, type Mock, type MockOptions } from '../mock/index.js'
import { sweep } from '../test/support.js'
import { TanmaApiError, TanmaClient, TanmaProtocolError, TanmaSignatureError, TanmaTimestampError, TanmaValidationError, type TanmaClientOptions } from './client.js'
import { DOCUMENTED_PAGE } from './matchers.js'

const BASE = 'https://api.tanmarket.cn:20066/api'

/** A client whose fetch goes straight to the fake's msw handlers. */
function clientFor(mock: Mock, options: Partial<TanmaClientOptions> = {}) {
  const fetchFake = async (input: string | URL | Request, init?: RequestInit) => (await getResponse(mock.handlers, new Request(input, init))) ?? new Response('no handler', { status: 599 })
  return new TanmaClient({ baseUrl: BASE, ...mock.credentials, fetch: fetchFake as typeof fetch, ...options })
}

/** A client whose server answers `body` (JSON unless a string) to every call. */
function clientAnswering(...bodies: unknown[]) {
  let calls = 0
  const client = new TanmaClient({
    baseUrl: BASE,
    appId: 'a',
    appKey: 'k',
    fetch: (async () => {
      const body = bodies[Math.min(calls++, bodies.length - 1)]
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200 })
    }) as typeof fetch,
  })
  return { client, calls: () => calls }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

const mockOf = (options: MockOptions = {}) => createMock({ seed: 'client', customers: 150, ...options })

describe('paging', () => {
  it.each(['null', 'empty-page'] as const)('yields every relation of the window once, in order, and stops (end: %s)', async (endCursor) => {
    const mock = await mockOf({ endCursor })
    const window = { since: '2024-01-01 00:00:00', size: 7 }
    const customers = await collect(clientFor(mock).followedCustomers(window))
    const expected = sweep(mock, window)
    expect(customers.map((c) => [c.customerId, c.qwUserId])).toEqual(expected.map((c) => [c.customerId, c.qwUserId]))
    expect(expected.length).toBeGreaterThan(20)
    // One request per page, plus the empty page in that mode: no retries, no extra calls.
    expect(mock.admin.requests()).toHaveLength(Math.ceil(expected.length / 7) + (endCursor === 'empty-page' ? 1 : 0))
  })

  it('resumes from a cursor', async () => {
    const mock = await mockOf()
    const client = clientFor(mock)
    const first = await client.listPage({ size: 10 })
    const rest = await collect(client.followedCustomers({ size: 25, cursor: first.nextCursor! }))
    expect([...first.list, ...rest].map((c) => c.customerId)).toEqual(sweep(mock, { size: 100 }).map((c) => c.customerId))
  })

  it('refuses a server that hands back the cursor it was given, instead of paging forever', async () => {
    const page = { code: 0, message: 'ok', data: { list: DOCUMENTED_PAGE.data.list, nextCursor: DOCUMENTED_PAGE.data.nextCursor } }
    const { client, calls } = clientAnswering(page)
    await expect(collect(client.pages({ cursor: DOCUMENTED_PAGE.data.nextCursor! }))).rejects.toThrow(TanmaProtocolError)
    expect(calls()).toBe(1)
  })
})

describe('errors, each thrown once and never retried', () => {
  it('1002 → TanmaSignatureError', async () => {
    const mock = await mockOf()
    const error = await clientFor(mock, { appKey: 'x'.repeat(32) }).listPage().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TanmaSignatureError)
    expect(error).toMatchObject({ code: 1002, message: '1002 签名校验未通过' })
    expect(mock.admin.requests()).toHaveLength(1)
  })

  it('1003 → TanmaTimestampError, when the clocks disagree', async () => {
    const mock = await mockOf()
    mock.admin.setClock({ advanceMs: 10 * 60_000 })
    const error = await clientFor(mock).listPage().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TanmaTimestampError)
    expect((error as TanmaTimestampError).code).toBe(1003)
    expect(mock.admin.requests()).toHaveLength(1)
  })

  it('40000 (and the rest of 40xxx) → TanmaValidationError with what is wrong', async () => {
    const mock = await mockOf()
    await expect(clientFor(mock).listPage({ cursor: 'not-a-cursor' })).rejects.toThrow(/^40000 请求参数验证失败：cursor/)
    await expect(clientFor(mock).listPage({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(TanmaValidationError)
    const renamed = await mockOf({ errors: { validation: { code: 40417 } } })
    await expect(clientFor(renamed).listPage({ size: 0 })).rejects.toMatchObject({ name: 'TanmaValidationError', code: 40417 })
  })

  it('any other code → TanmaApiError with the code and HTTP status', async () => {
    const mock = await mockOf({ errors: { badSignature: { code: 2001, message: '应用已停用' } } })
    const error = await clientFor(mock, { appKey: 'x'.repeat(32) }).listPage().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TanmaApiError)
    expect(error).toMatchObject({ code: 2001, status: 200, message: '2001 应用已停用' })
  })

  it('an answer that is not JSON, not an envelope, or not the documented shape → TanmaProtocolError', async () => {
    await expect(clientAnswering('<html>502 Bad Gateway</html>').client.listPage()).rejects.toThrow(/not JSON: <html>502/)
    await expect(clientAnswering({ ok: true }).client.listPage()).rejects.toThrow(/not an envelope/)
    const page = structuredClone(DOCUMENTED_PAGE) as unknown as { data: { list: { createTime: string }[] } }
    page.data.list[1]!.createTime = '2021/06/09'
    await expect(clientAnswering(page).client.listPage()).rejects.toThrow('a page not in the documented shape: data.list.1.createTime')
  })
})
