/** mock.world, the query a test asserts with: it agrees with what the list endpoint serves, and follows every change at once. */
import { describe, expect, it, vi } from 'vitest'
import { createMock } from '../../mock/index.js'
import { sweep } from '../support.js'

describe('mock.world (the query API)', () => {
  it('agrees with a sweep of the list endpoint: every relation is in relationsOf its customer, and nothing else is', async () => {
    const mock = await createMock({ seed: 'query', customers: 300, staff: 8 })
    const items = sweep(mock, { size: 100 })
    expect(items.length).toBe(mock.world.relationCount)
    const served = new Set(items.map((i) => `${i.customerId}/${i.qwUserId}/${String(i.qwRemark)}`))
    let relations = 0
    for (const customer of mock.world.customers()) {
      const of = mock.world.relationsOf(customer.customerId)
      relations += of.length
      expect(of.map((r) => r.qwUserId)).toEqual(customer.followers)
      for (const r of of) expect(served.has(`${r.customerId}/${r.qwUserId}/${String(r.qwRemark)}`)).toBe(true)
    }
    expect(relations).toBe(items.length)
    expect(new Set(items.map((i) => i.customerId)).size).toBe(mock.world.customerCount)
  })

  it('gives each customer as the endpoint serves it, times as Beijing text', async () => {
    const mock = await createMock({ seed: 'query', customers: 120 })
    for (const item of sweep(mock, { size: 100 }).slice(0, 60)) {
      const c = mock.world.customer(item.customerId)!
      expect(c).toMatchObject({
        customerId: item.customerId,
        type: item.type,
        fields: item.fields,
        tagIds: item.tagIds,
        createTime: item.createTime,
        lastUpdateTime: item.lastUpdateTime,
        company: item.companyInfo ?? null,
        wechatNickname: item.wechatNickname,
        externalUserId: item.externalUserId,
      })
      expect(c.followers).toContain(item.qwUserId)
    }
    expect(mock.world.customer(1)).toBeUndefined()
    expect(mock.world.relationsOf(1)).toEqual([])
  })

  it('members() resolves every qwUserId the endpoint serves', async () => {
    const mock = await createMock({ seed: 'query', customers: 200, staff: 12 })
    const members = new Map(mock.world.members().map((m) => [m.qwUserId, m]))
    expect(members.size).toBe(mock.world.memberCount)
    for (const item of sweep(mock, { size: 100 })) expect(members.has(item.qwUserId), item.qwUserId).toBe(true)
    const [first] = mock.world.members()
    expect(mock.world.member(first!.qwUserId)).toEqual(first)
    expect(mock.world.member('nobody')).toBeUndefined()
  })

  it('customers({ qwUserId, type, limit }) are the customers a filtered sweep serves, in its order', async () => {
    const mock = await createMock({ seed: 'query', customers: 400, staff: 6 })
    const qwUserId = mock.world.members()[2]!.qwUserId
    for (const type of [undefined, 1, 2] as const) {
      const served = sweep(mock, { size: 100, qwUserId, ...(type ? { type } : {}) }).map((i) => i.customerId)
      expect([...mock.world.customers({ qwUserId, ...(type ? { type } : {}) })].map((c) => c.customerId)).toEqual(served)
    }
    const enterprises = [...mock.world.customers({ type: 2, limit: 5 })]
    expect(enterprises).toHaveLength(5)
    for (const c of enterprises) expect(c).toMatchObject({ type: 2, company: { id: expect.any(Number), name: expect.any(String) } })
    expect([...mock.world.customers({ qwUserId: 'nobody' })]).toEqual([])
    expect([...mock.world.customers({ limit: 0 })]).toEqual([])
  })

  it('a customer added through admin shows at once, with option names resolved; a deleted one is gone', async () => {
    const mock = await createMock({ seed: 'query', customers: 50 })
    const qwUserId = mock.world.members()[0]!.qwUserId
    const before = mock.world.customerCount
    const { customerId, relationIds } = mock.admin.addCustomer({
      type: 1,
      createTime: '2024-05-01 10:00:00',
      fields: { name: '王小明', customer_stage: '成交', mobile: ['13800138000'] },
      followers: [{ qwUserId, createTime: '2024-05-01 10:00:00', qwRemark: 'VIP' }],
    })
    expect(mock.world.customerCount).toBe(before + 1)
    const added = mock.world.customer(customerId)!
    expect(added).toMatchObject({ customerId, type: 1, createTime: '2024-05-01 10:00:00', followers: [qwUserId] })
    expect(added.fieldValues).toMatchObject({ name: '王小明', customer_stage: '成交', mobile: ['13800138000'] })
    expect(added.fields.find((f) => f.field === 'customer_stage')!.valueAsText).toMatch(/^\d+$/) // served as the option id
    expect(mock.world.relationsOf(customerId)).toEqual([{ relationId: relationIds[0], customerId, qwUserId, createTime: '2024-05-01 10:00:00', createNanos: 0, qwRemark: 'VIP' }])
    expect([...mock.world.customers({ qwUserId })].some((c) => c.customerId === customerId)).toBe(true)

    mock.admin.deleteCustomer(customerId)
    expect(mock.world.customer(customerId)).toBeUndefined()
    expect(mock.world.customerCount).toBe(before)
    expect([...mock.world.customers()].some((c) => c.customerId === customerId)).toBe(false)
  })

  it('follows relations added and deleted through admin at once, in list order', async () => {
    const mock = await createMock({ seed: 'query', customers: 40, staff: 10 })
    const [customer] = mock.world.customers({ limit: 1 })
    const newcomer = mock.world.members().map((m) => m.qwUserId).find((q) => !customer!.followers.includes(q))!
    const { relationId } = mock.admin.addRelation({ customerId: customer!.customerId, qwUserId: newcomer, createTime: '2026-10-01 00:00:00' })
    expect(mock.world.customer(customer!.customerId)!.followers).toEqual([...customer!.followers, newcomer])
    expect(mock.world.relationsOf(customer!.customerId).at(-1)).toMatchObject({ relationId, qwUserId: newcomer, createTime: '2026-10-01 00:00:00' })
    const first = mock.world.relationsOf(customer!.customerId)[0]!
    mock.admin.deleteRelation(first.relationId)
    expect(mock.world.relationsOf(customer!.customerId).map((r) => r.relationId)).not.toContain(first.relationId)
    expect(mock.world.customer(customer!.customerId)!.followers).toEqual([...customer!.followers.slice(1), newcomer])
    expect(mock.world.relationCount).toBe(sweep(mock, { size: 100 }).length)
  })

  it('reads the world being served: after loading a fixture, the fixture', async () => {
    const mock = await createMock({ seed: 'query', customers: 50 })
    await mock.admin.loadWorld('documented-example')
    expect(mock.world.members().map((m) => m.qwUserId)).toContain('dowen')
    expect([...mock.world.customers({ qwUserId: 'dowen' })].map((c) => c.customerId)).toEqual(sweep(mock, { qwUserId: 'dowen' }).map((i) => i.customerId))
  })

  it('draws customers one at a time: taking a few does not generate the world', async () => {
    const mock = await createMock({ seed: 'query', customers: 5000 })
    const draw = vi.spyOn(mock.context.world, 'customer')
    const iterator = mock.world.customers()
    const first = iterator.next()
    expect(first.done).toBe(false)
    expect(draw.mock.calls.length).toBe(1)
    expect([...mock.world.customers({ limit: 3 })]).toHaveLength(3)
    expect(draw.mock.calls.length).toBe(4)
  })

  it('answers copies: changing a record changes nothing served', async () => {
    const mock = await createMock({ seed: 'query', customers: 20 })
    const [c] = mock.world.customers({ limit: 1 })
    c!.fields[0]!.valueAsText = 'changed'
    c!.tagIds.push(1)
    mock.world.fieldDefinitions()[0]!.items.push({ id: 1, name: 'x' })
    expect(mock.world.customer(c!.customerId)!.fields[0]!.valueAsText).not.toBe('changed')
    expect(mock.world.customer(c!.customerId)!.tagIds).not.toContain(1)
    expect(mock.world.fieldDefinitions()[0]!.items.some((o) => o.name === 'x')).toBe(false)
  })
})
