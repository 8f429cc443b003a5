/** Several tenants in one fake: each appId/appKey with its own world and admin scope, never mixed. */
import { getResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { createMock, createTenants, startServer, type Mock } from '../mock/index.js'
import { signHeaders } from '../mock/protocol/signing.js'

const A = { appId: 'ww1111111111111111_TenA01', appKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }
const B = { appId: 'ww2222222222222222_TenB01', appKey: 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' }
const LIST = 'https://api.tanmarket.cn:20066/api/v3/customer-relation/list-by-relation-create-time-asc'

const config = { shared: { endCursor: 'empty-page' }, tenants: [{ ...A, seed: 'tenant-a', customers: 80, staff: 4 }, { ...B, fixtures: 'documented-example' }] }

async function list(mock: Mock, credentials: { appId: string; appKey: string }, body = '{"size":100}') {
  const response = await getResponse(mock.handlers, new Request(LIST, { method: 'POST', body, headers: signHeaders(credentials, body) }))
  return (await response!.json()) as { code: number; data: { list: { customerId: number; qwUserId: string }[] } | null }
}

async function admin(mock: Mock, method: string, path: string, body?: unknown) {
  const response = await getResponse(mock.handlers, new Request(`https://api.tanmarket.cn:20066/__mock${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }))
  return { status: response!.status, json: (await response!.json()) as any }
}

describe('tenants', () => {
  it('answers each tenant from its own world', async () => {
    const mock = await createTenants(config)
    const alone = await createMock({ appId: A.appId, appKey: A.appKey, seed: 'tenant-a', customers: 80, staff: 4, endCursor: 'empty-page' })
    expect(await list(mock, A)).toEqual(await list(alone, A))
    const b = await list(mock, B)
    expect(b.data!.list.map((i) => i.qwUserId)).toEqual(['dowen', 'dowen'])
    expect(b.data!.list.map((i) => i.customerId)).toEqual([414912243411008, 416156789723200])
  })

  it('refuses a request signed with another tenant\'s key, and unknown appIds', async () => {
    const mock = await createTenants(config)
    expect((await list(mock, { appId: A.appId, appKey: B.appKey })).code).toBe(1002)
    expect((await list(mock, { appId: 'ww3333333333333333_Nobody', appKey: A.appKey })).code).toBe(1002)
  })

  it('scopes the admin API per tenant: changes to one are invisible to the other', async () => {
    const mock = await createTenants(config)
    const before = await list(mock, B)
    const added = await admin(mock, 'POST', `/tenants/${B.appId}/customers`, { fields: { name: '新客户' }, followers: [{ qwUserId: 'dowen' }] })
    expect(added.status).toBe(201)
    expect((await list(mock, B)).data!.list.map((i) => i.customerId)).toContain(added.json.customerId)
    expect((await list(mock, A)).data!.list.map((i) => i.customerId)).not.toContain(added.json.customerId)
    expect((await admin(mock, 'GET', `/tenants/${A.appId}/health`)).json.customers).toBe(80)
    expect((await admin(mock, 'GET', '/health')).json.customers).toBe(80) // plain /__mock is the first tenant
    expect((await admin(mock, 'GET', `/tenants/${B.appId}/health`)).json.customers).toBe(3)
    expect((await admin(mock, 'GET', '/tenants')).json.map((t: { appId: string }) => t.appId)).toEqual([A.appId, B.appId])
    expect(before.data!.list).toHaveLength(2)
  })

  it('keeps a journal per tenant', async () => {
    const mock = await createTenants(config)
    await list(mock, A)
    await list(mock, B)
    await list(mock, B)
    expect((await admin(mock, 'GET', `/tenants/${A.appId}/requests`)).json).toHaveLength(1)
    expect((await admin(mock, 'GET', `/tenants/${B.appId}/requests`)).json.map((e: { appId: string }) => e.appId)).toEqual([B.appId, B.appId])
  })

  it('serves tenants over HTTP too', async () => {
    const mock = await createTenants(config)
    const server = await startServer(mock, { port: 0 })
    try {
      const body = '{"size":1}'
      const response = await fetch(`${server.baseUrl}/v3/customer-relation/list-by-relation-create-time-asc`, { method: 'POST', body, headers: signHeaders(B, body) })
      expect(((await response.json()) as { data: { list: { customerId: number }[] } }).data.list[0]!.customerId).toBe(414912243411008)
    } finally {
      await server.close()
    }
  })

  it('refuses bad configs, naming the tenant', async () => {
    await expect(createTenants({ tenants: [A, A] })).rejects.toThrow(/same appId/)
    await expect(createTenants({ tenants: [] })).rejects.toThrow(/tenants/)
    await expect(createTenants({ tenants: [A, { ...B, customers: -1 }] })).rejects.toThrow(/tenant 1 \(ww2222222222222222_TenB01\): invalid options: customers/)
  })
})
