/** POST …/v3/common/customer/info (获取客户id): the ids of the customers that have a field value. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock, type RunningServer } from '../../mock/index.js'
import { customerInfo } from '../../mock/endpoints/index.js'
import { customerIdsSchema } from '../../contracts/schema.js'
import { mobilesOf } from '../../mock/world/leads.js'
import { call, callHttp } from './support.js'

let mock: Mock
beforeAll(async () => {
  mock = await createMock({ seed: 'customer-info', customers: 40, staff: 4 })
})
const fieldId = (key: string) => String(mock.context.world.catalog.fields.find((f) => f.outerField === key)!.id)
const oracle = (key: string, value: string) => {
  const world = mock.context.world
  const out: number[] = []
  // Customers first, then leads and waiting customers (--search-leads include, the default).
  const records = [...Array.from({ length: world.customerCount }, (_, i) => world.customer(i)), ...Array.from({ length: world.leads().count }, (_, j) => world.leads().lead(j))]
  for (const c of records) {
    const stored = c.fields.filter((f) => f.field === key)
    if (key === 'mobile' ? mobilesOf(stored).includes(value) : stored.some((f) => f.valueAsText === value)) out.push(c.customerId)
  }
  return out
}

describe('common/customer/info', () => {
  it('answers the clients\' request {field: {fieldId, values}} with the matching customer ids (phones, name, another field)', async () => {
    const c = mock.context.world.customer(2)
    const mobile = mobilesOf(c.fields)[0] ?? mobilesOf(mock.context.world.customer(3).fields)[0]!
    const answer = await call<number[]>(mock, customerInfo, { field: { fieldId: fieldId('mobile'), values: mobile } })
    expect(answer).toMatchObject({ code: 0, message: 'success' })
    customerIdsSchema.parse(answer.data)
    expect(answer.data).toEqual(oracle('mobile', mobile))
    expect(answer.data.length).toBeGreaterThan(0)
    const name = c.fields.find((f) => f.field === 'name')!.valueAsText!
    expect((await call<number[]>(mock, customerInfo, { field: { fieldId: fieldId('name'), values: name } })).data).toEqual(oracle('name', name))
    const source = c.fields.find((f) => f.field === 'customer_source')!.valueAsText!
    expect((await call<number[]>(mock, customerInfo, { field: { fieldId: fieldId('customer_source'), values: [source] } })).data).toEqual(oracle('customer_source', source))
    expect((await call<number[]>(mock, customerInfo, { field: { fieldId: fieldId('name'), values: 'nobody' } })).data).toEqual([])
  })

  it('a name is not found as a mobile, nor a mobile as a name', async () => {
    const c = mock.context.world.customer(2)
    const name = c.fields.find((f) => f.field === 'name')!.valueAsText!
    expect((await call<number[]>(mock, customerInfo, { field: { fieldId: fieldId('mobile'), values: name } })).data).toEqual([])
  })

  it('refuses an unknown field, wrong types and missing fields with 40000', async () => {
    for (const [body, text] of [
      [{ field: { fieldId: '1', values: 'x' } }, 'field.fieldId 不存在'],
      [{}, 'field 不能为空'],
      [{ field: { values: 'x' } }, 'field.fieldId 不能为空'],
      [{ field: { fieldId: fieldId('name') } }, 'field.values 不能为空'],
      [{ field: { fieldId: fieldId('name'), values: 5 } }, 'field.values'],
      [{ field: 'x' }, 'field'],
    ] as const) {
      const answer = await call(mock, customerInfo, body)
      expect(answer.code).toBe(40000)
      expect(answer.message).toContain(text)
    }
  })

  describe('over HTTP', () => {
    let server: RunningServer
    beforeAll(async () => {
      server = await startServer(mock, { host: '127.0.0.1', port: 0 })
    })
    afterAll(async () => {
      await server.close()
    })
    it('answers', async () => {
      const id = mock.context.world.customerIdAt(0)
      const name = mock.context.world.customer(0).fields.find((f) => f.field === 'name')!.valueAsText
      const { status, text } = await callHttp(mock, server, customerInfo, { field: { fieldId: fieldId('name'), values: name ?? 'nobody' } })
      expect(status).toBe(200)
      const body = JSON.parse(text) as { code: number; data: number[] }
      expect(body.code).toBe(0)
      if (name) expect(body.data).toContain(id)
    })
  })
})
