/** POST …/v3/customer/search (高级筛选接口(新版)): customers by page number, searchKey an index read. */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock, type RunningServer } from '../../mock/index.js'
import { customerSearch, importCustomer, updateCustomerById } from '../../mock/endpoints/index.js'
import { searchedCustomerSchema } from '../../contracts/schema.js'
import { mobilesOf } from '../../mock/world/leads.js'
import type { World } from '../../mock/world/world.js'
import type { ProfileValue } from '../../mock/world/schema.js'
import { addClue } from '../../mock/endpoints/index.js'
import { call, callHttp } from './support.js'

interface Page {
  totalPage: number
  pageNo: number
  pageSize: number
  total: number
  data: Record<string, unknown>[]
}

const text = (data: string | readonly Buffer[]) => (typeof data === 'string' ? data : Buffer.concat(data).toString('utf8'))
const handle = (mock: Mock, body: unknown) => JSON.parse(text(customerSearch.handle(mock.context, body))) as Page

/** The oracle: every live customer, then every lead and waiting customer, with the key as its name, a mobile or its id, in index order. */
function scan(world: World, key: string, leads = true): number[] {
  const out: number[] = []
  const has = (c: { customerId: number; fields: ProfileValue[] }) =>
    c.fields.find((f) => f.field === 'name')?.valueAsText === key || mobilesOf(c.fields).includes(key) || String(c.customerId) === key
  for (let i = 0; i < world.customerCount; i++) if (!world.isDeleted(i) && has(world.customer(i))) out.push(world.customerIdAt(i))
  if (leads) for (let j = 0; j < world.leads().count; j++) if (has(world.leads().lead(j))) out.push(world.leads().lead(j).customerId)
  return out
}
/** Customers and leads: what a search without filters finds. */
const everyone = (world: World) => world.liveCustomerCount + world.leads().count
const ids = (page: Page) => page.data.map((c) => c.customerId)
const allIds = (mock: Mock, body: object) => {
  const first = handle(mock, { ...body, pageSize: 7 })
  const out = [...ids(first)]
  for (let pageNo = 2; pageNo <= first.totalPage; pageNo++) {
    const page = handle(mock, { ...body, pageNo, pageSize: 7 })
    expect(page).toMatchObject({ pageNo, totalPage: first.totalPage, total: first.total })
    out.push(...ids(page))
  }
  expect(out).toHaveLength(first.total)
  expect(first.totalPage).toBe(Math.ceil(first.total / 7))
  return out
}

let mock: Mock
beforeAll(async () => {
  mock = await createMock({ seed: 'customer-search', customers: 60, staff: 6 })
})

describe('customer/search', () => {
  it('answers {totalPage, pageNo, pageSize, total, data}; the items carry the properties clients read', async () => {
    const answer = await call<Page>(mock, customerSearch, { pageNo: 1, pageSize: 10 })
    expect(answer).toMatchObject({ code: 0, message: 'success' })
    expect(Object.keys(answer.data)).toEqual(['totalPage', 'pageNo', 'pageSize', 'total', 'data'])
    const total = everyone(mock.context.world)
    expect(total).toBe(66) // 60 customers, 6 leads and waiting customers
    expect(answer.data).toMatchObject({ totalPage: Math.ceil(total / 10), pageNo: 1, pageSize: 10, total })
    for (const item of answer.data.data) {
      searchedCustomerSchema.parse(item)
      expect(Array.isArray(JSON.parse(item.salesDeptNames as string))).toBe(true)
    }
    const world = mock.context.world
    const name = world.catalog.fields.find((f) => f.outerField === 'name')!
    const first = answer.data.data[0]!
    expect(first[String(name.id)]).toBe(world.customer(0).fields.find((f) => f.field === 'name')!.valueAsText ?? undefined)
  })

  it('finds by a mobile, a name and a customer id exactly', () => {
    const world = mock.context.world
    const c = world.customer(3)
    const keys = [String(c.customerId), ...mobilesOf(c.fields), c.fields.find((f) => f.field === 'name')!.valueAsText].filter((k): k is string => !!k)
    for (const key of keys) {
      expect(ids(handle(mock, { searchKey: key, pageSize: 100 }))).toEqual(scan(world, key))
      expect(ids(handle(mock, { searchKey: key, pageSize: 100 }))).toContain(c.customerId)
    }
    expect(handle(mock, { searchKey: 'nobody-has-this' })).toMatchObject({ total: 0, totalPage: 0, data: [] })
    expect(handle(mock, { customerId: c.customerId }).data.map((d) => d.customerId)).toEqual([c.customerId])
    expect(handle(mock, { customerId: 1 })).toMatchObject({ total: 0, data: [] })
  })

  it('conditions: op 1 equals, 2 not equals, 5 contains; conditionOp 2 any; other ops refused naming the op', () => {
    const world = mock.context.world
    const stage = world.catalog.fields.find((f) => f.outerField === 'customer_stage')!
    const value = world.customer(0).fields.find((f) => f.field === 'customer_stage')!.valueAsText!
    const eq = allIds(mock, { conditions: { conditionItems: [{ name: String(stage.id), op: 1, values: [value] }] } })
    const ne = allIds(mock, { conditions: { conditionItems: [{ name: 'customer_stage', op: 2, values: [value] }] } })
    expect(eq.length + ne.length).toBe(everyone(world))
    expect(eq).toContain(world.customer(0).customerId)
    const name = world.customer(0).fields.find((f) => f.field === 'name')!.valueAsText!
    expect(allIds(mock, { conditions: { conditionOp: 2, conditionItems: [{ name: 'name', op: 5, values: [name.slice(0, 1)] }, { name: 'customer_stage', op: 1, values: [value] }] } })).toContain(world.customer(0).customerId)
    expect(() => handle(mock, { conditions: { conditionItems: [{ name: 'name', op: 9, values: ['x'] }] } })).toThrow(/op 不支持：9/)
    expect(() => handle(mock, { conditions: { conditionItems: [{ name: 'no-such-field', op: 1, values: ['x'] }] } })).toThrow(/不存在/)
  })

  it('filters by salesIdList, createTime and qwCustomerTime', () => {
    const world = mock.context.world
    const member = world.staff().members[0]!
    const followed = allIds(mock, { salesIdList: [member.salesId] })
    const oracle = []
    for (let i = 0; i < world.customerCount; i++) if (world.slotsOf(i).some((s) => world.relations.member[s] === member.index)) oracle.push(world.customerIdAt(i))
    expect(followed).toEqual(oracle)
    expect(allIds(mock, { createTime: { start: '2000-01-01 00:00:00', end: '2000-01-02 00:00:00' } })).toEqual([])
    expect(allIds(mock, { qwCustomerTime: { start: '2000-01-01 00:00:00' } }).length).toBeGreaterThan(0)
  })

  it('refuses wrong types with 40000', async () => {
    for (const [body, field] of [[{ pageNo: 0 }, 'pageNo'], [{ searchKey: 5 }, 'searchKey'], [{ salesIdList: 'x' }, 'salesIdList'], [{ createTime: { start: 'yesterday' } }, 'createTime.start'], [{ customerId: 'abc' }, 'customerId']] as const) {
      const answer = await call(mock, customerSearch, body)
      expect(answer.code).toBe(40000)
      expect(answer.message).toContain(field)
    }
  })

  it('a page after the last is empty', () => {
    const total = everyone(mock.context.world)
    expect(handle(mock, { pageNo: 99, pageSize: 10 })).toMatchObject({ pageNo: 99, total, totalPage: Math.ceil(total / 10), data: [] })
  })

  it('finds leads and waiting customers too, after the customers: by mobile, name and id; an added lead at once', async () => {
    const m = await createMock({ seed: 'search-leads', customers: 60, staff: 4 })
    const world = m.context.world
    const book = world.leads()
    for (let j = 0; j < book.count; j++) {
      const lead = book.lead(j)
      const keys = [String(lead.customerId), ...mobilesOf(lead.fields), lead.fields.find((f) => f.field === 'name')?.valueAsText ?? ''].filter((k) => k !== '')
      for (const key of keys) {
        const found = ids(handle(m, { searchKey: key, pageSize: 100 }))
        expect(found).toEqual(scan(world, key))
        expect(found).toContain(lead.customerId)
      }
      const [item] = handle(m, { customerId: lead.customerId }).data
      expect(item).toMatchObject({ customerId: lead.customerId, mainFollows: [], contactList: [], getCreateTime: null, qwSalesId: null, externalUserId: null, isFriend: false })
      searchedCustomerSchema.parse(item)
    }
    const added = await call<number>(m, addClue, { customerName: '搜索线索', mobiles: ['13512345678'] })
    expect(added.code).toBe(0)
    for (const key of ['搜索线索', '13512345678', String(added.data)]) expect(ids(handle(m, { searchKey: key }))).toEqual([added.data])
    // A deleted lead is found no more, by any key.
    const gone = book.lead(1)
    m.admin.deleteLead(gone.customerId)
    for (const key of [String(gone.customerId), ...mobilesOf(gone.fields)]) expect(ids(handle(m, { searchKey: key, pageSize: 100 }))).not.toContain(gone.customerId)
    expect(handle(m, { customerId: gone.customerId }).total).toBe(0)
    // Without filters, the leads come last, in the order they were added.
    const all = allIds(m, {})
    expect(all.slice(world.liveCustomerCount)).toEqual(Array.from({ length: book.count }, (_, j) => book.lead(j).customerId).filter((id) => id !== gone.customerId))
  })

  it('--search-leads exclude: customers only', async () => {
    const m = await createMock({ seed: 'search-leads', customers: 60, staff: 4, searchLeads: 'exclude' })
    const lead = m.context.world.leads().lead(0)
    expect(handle(m, { customerId: lead.customerId }).total).toBe(0)
    expect(handle(m, { pageSize: 1 }).total).toBe(60)
    for (const key of mobilesOf(lead.fields)) expect(ids(handle(m, { searchKey: key }))).toEqual(scan(m.context.world, key, false))
  })

  describe('over HTTP', () => {
    let server: RunningServer
    beforeAll(async () => {
      server = await startServer(mock, { host: '127.0.0.1', port: 0 })
    })
    afterAll(async () => {
      await server.close()
    })
    it('answers a search', async () => {
      const key = String(mock.context.world.customerIdAt(5))
      const { status, text } = await callHttp(mock, server, customerSearch, { searchKey: key })
      expect(status).toBe(200)
      expect(JSON.parse(text)).toMatchObject({ code: 0, message: 'success', data: { total: 1, data: [{ customerId: Number(key) }] } })
    })
  })
})

describe('customer/search index', () => {
  it('agrees with a full scan for every key of every customer, after an admin deletion too', async () => {
    const m = await createMock({ seed: 'index-all', customers: 80, staff: 3 })
    const world = m.context.world
    const keys = new Set<string>()
    for (let i = 0; i < world.customerCount; i++) {
      const c = world.customer(i)
      for (const k of [String(c.customerId), ...mobilesOf(c.fields), c.fields.find((f) => f.field === 'name')?.valueAsText ?? '']) if (k) keys.add(k)
    }
    for (const key of keys) expect(ids(handle(m, { searchKey: key, pageSize: 100 }))).toEqual(scan(world, key))
    const victim = world.customer(4)
    m.admin.deleteCustomer(victim.customerId)
    for (const key of [String(victim.customerId), ...mobilesOf(victim.fields)]) expect(ids(handle(m, { searchKey: key, pageSize: 100 }))).toEqual(scan(world, key))
    expect(ids(handle(m, { searchKey: String(victim.customerId) }))).toEqual([])
  })
})

describe('customer/search coherence over seeds', () => {
  it('search by a mobile, a name or an id agrees with a full scan, before and after writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 6 }), fc.array(fc.record({ kind: fc.constantFrom('admin', 'import', 'update'), pick: fc.nat() }), { maxLength: 5 }), async (seed, writes) => {
        const m = await createMock({ seed, customers: 20, staff: 3 })
        const world = m.context.world
        const keysOf = (i: number) => {
          const c = world.customer(i)
          return [String(c.customerId), ...mobilesOf(c.fields), c.fields.find((f) => f.field === 'name')?.valueAsText ?? ''].filter((k) => k !== '')
        }
        const check = (keys: string[]) => {
          for (const key of keys) {
            const oracle = scan(world, key)
            expect(ids(handle(m, { searchKey: key, pageSize: 100 }))).toEqual(oracle)
            // Page by page (size 1): totalPage and pageNo agree with the data.
            const paged: unknown[] = []
            for (let pageNo = 1; pageNo <= oracle.length + 1; pageNo++) {
              const page = handle(m, { searchKey: key, pageNo, pageSize: 1 })
              expect(page).toMatchObject({ pageNo, pageSize: 1, total: oracle.length, totalPage: oracle.length })
              expect(page.data).toHaveLength(pageNo <= oracle.length ? 1 : 0)
              paged.push(...ids(page))
            }
            expect(paged).toEqual(oracle)
          }
        }
        check(keysOf(0))
        for (const w of writes) {
          const i = w.pick % world.customerCount
          const qwUserId = world.memberList[w.pick % world.memberList.length]!.qwUserId
          const mobile = `137${String(w.pick % 1e8).padStart(8, '0')}`
          if (w.kind === 'admin') {
            const { customerId } = m.admin.addCustomer({ fields: { name: `新客${w.pick % 3}`, mobile: [mobile] }, followers: [{ qwUserId }] })
            check([String(customerId), `新客${w.pick % 3}`, mobile])
          } else if (w.kind === 'import') {
            try {
              importCustomer.handle(m.context, { qwUserId, fields: [{ alias: 'customer_ch_phone', values: [mobile] }, { alias: 'name', values: [`导入${w.pick % 3}`] }] })
            } catch {
              // a duplicate mobile is refused: nothing changes
            }
            check([`导入${w.pick % 3}`, mobile])
          } else {
            const before = keysOf(i)
            updateCustomerById.handle(m.context, { customerId: world.customerIdAt(i), fields: [{ alias: 'name', values: [`改名${w.pick % 3}`] }] })
            check([...before, `改名${w.pick % 3}`])
          }
        }
      }),
      { numRuns: 25 },
    )
  })
})
