/** In-process use: msw's setupServer with the package's handlers intercepts calls to the real base URLs. */
import { getResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../mock/index.js'

const PATH = '/v3/customer-relation/list-by-relation-create-time-asc'
let mock: Mock
let server: ReturnType<typeof setupServer>

beforeAll(async () => {
  mock = await createMock({ seed: 'in-process', customers: 120 })
  server = setupServer(...mock.handlers)
  server.listen({ onUnhandledRequest: 'error' })
})
afterAll(() => server.close())

async function call(url: string, body: string) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(body) }, body })
  return { status: response.status, json: (await response.json()) as { code: number; data: { list: unknown[]; nextCursor: string | null } | null } }
}

describe('in-process with msw', () => {
  it.each(['https://api.tanmarket.cn:20066/api', 'https://account.tanmarket.cn/apiServer/api'])('answers the real base URL %s', async (base) => {
    const r = await call(base + PATH, '{"size":4}')
    expect(r.status).toBe(200)
    expect(r.json.code).toBe(0)
    expect(r.json.data!.list).toHaveLength(4)
  })

  it('answers the same bytes as the standalone server would (same handlers)', async () => {
    const a = await call(`https://api.tanmarket.cn:20066/api${PATH}`, '{"size":4}')
    const b = await call(`https://account.tanmarket.cn/apiServer/api${PATH}`, '{"size":4}')
    expect(a.json).toEqual(b.json)
  })

  it('checks signatures in-process too', async () => {
    const response = await fetch(`https://api.tanmarket.cn:20066/api${PATH}`, { method: 'POST', body: '{}', headers: { ...mock.sign('{"other":1}') } })
    expect(await response.json()).toEqual({ code: 1002, message: '签名校验未通过', data: null })
  })

  it('answers unknown paths on the upstream hosts with the 404 envelope', async () => {
    const response = await fetch('https://api.tanmarket.cn:20066/api/v3/unknown', { method: 'POST' })
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ code: 404 })
  })

  it('leaves requests to other hosts alone', async () => {
    expect(await getResponse(mock.handlers, new Request('https://example.test/api/v3/unknown', { method: 'POST' }))).toBeUndefined()
  })
})

describe('transport faults in-process (setupServer)', () => {
  it('a reset is a network error, a cut body fails while reading, a hang ends with the abort', async () => {
    mock.admin.setFaults([
      { kind: 'reset', calls: { nth: [1] } },
      { kind: 'truncate', atByte: 20, calls: { nth: [2] } },
      { kind: 'hang', calls: { nth: [3] } },
    ])
    try {
      const url = `https://api.tanmarket.cn:20066/api${PATH}`
      const send = (init: RequestInit = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign('{}') }, body: '{}', ...init })
      await expect(send()).rejects.toThrow(TypeError)
      const cut = await send()
      expect(cut.status).toBe(200)
      await expect(cut.text()).rejects.toThrow(/terminated/)
      await expect(send({ signal: AbortSignal.timeout(100) })).rejects.toThrow(/abort|timeout/i)
      expect((await send()).status).toBe(200)
    } finally {
      mock.admin.clearFaults()
    }
  })
})
