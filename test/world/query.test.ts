/** mock.world, the query a test asserts with: it agrees with what the list endpoint serves, and follows every change at once. */
import { describe, expect, it, vi } from 'vitest'
import { createMock } from '../../mock/index.js'
import { sweep } from '../support.js'
import { call } from '../endpoints/support.js'
import type { Endpoint } from '../../mock/core/endpoint.js'
import { getUsers, listClueFollowUps, listCluesByCreateTimeAsc, qwDetails } from '../../mock/endpoints/index.js'

const callSync = (mock: Awaited<ReturnType<typeof createMock>>, endpoint: Endpoint, body: unknown) => {
  const answer = endpoint.handle(mock.context, body)
  return JSON.parse(typeof answer === 'string' ? answer : Buffer.concat(answer as readonly Buffer[]).toString('utf8'))
}

/** Every page of a keyset list (leads, follow-ups). */
async function pages<T>(mock: Awaited<ReturnType<typeof createMock>>, endpoint: Endpoint, body: Record<string, unknown> = {}): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await call<{ list: T[]; nextCursor: string | null }>(mock, endpoint, { size: 100, ...body, ...(cursor ? { cursor } : {}) })
    items.push(...page.data.list)
    if (!page.data.nextCursor || page.data.list.length === 0) return items
    cursor = page.data.nextCursor
  }
}

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

  it('staff() and departments() are what get-users serves: salesId, mobile, deleted and departments for every member', async () => {
    const mock = await createMock({ seed: 'query', customers: 50, staff: 12 })
    const served = [0, 1].flatMap((deleted) => (callSync(mock, getUsers, { pageSize: 100, deleted }) as { result: { qwUserId: string; salesId: number; mobile: string; deleted: number; departments: { departmentName: string; departmentId: number }[] }[] }).result)
    const staff = mock.world.staff()
    expect(staff).toHaveLength(mock.world.memberCount)
    expect(new Set(served.map((u) => u.qwUserId))).toEqual(new Set(staff.map((m) => m.qwUserId)))
    const departments = new Map(mock.world.departments().map((d) => [d.id, d]))
    for (const u of served) {
      const m = mock.world.staffMember(u.qwUserId)!
      expect(m).toMatchObject({ salesId: u.salesId, mobile: u.mobile, deleted: u.deleted })
      expect(m.departments.map((d) => ({ departmentName: d.name, departmentId: d.id }))).toEqual(u.departments)
      expect(m.department).toBe(m.departments[0]!.name)
      for (const id of m.departmentIds) expect(departments.has(id)).toBe(true)
      expect(m).toMatchObject(mock.world.member(u.qwUserId)!)
    }
    expect(mock.world.staffMember('nobody')).toBeUndefined()
    // A change shows at once.
    mock.admin.addMember({ qwUserId: 'newbie', name: '新人', salesId: 99 })
    expect(mock.world.staffMember('newbie')).toMatchObject({ salesId: 99, deleted: 0, departmentIds: [mock.world.departments()[0]!.id] })
  })

  it('leads(), lead(id) and followUps(id) agree with clue/list-by-create-time-asc and clue/list-follow-up, and follow changes', async () => {
    const mock = await createMock({ seed: 'query', customers: 400, staff: 4 })
    const served = await pages<{ customerId: number; isClue: boolean; type: number; fields: unknown[]; tagIds: number[]; createTime: string; lastUpdateTime: string; companyInfo?: unknown; convertCustomerTime: string | null }>(mock, listCluesByCreateTimeAsc)
    const records = [...mock.world.leads()]
    expect(records.map((l) => l.customerId)).toEqual(served.map((l) => l.customerId))
    expect(mock.world.leadCount).toBe(served.length)
    for (const [k, item] of served.entries()) {
      expect(records[k]).toMatchObject({ isClue: item.isClue, type: item.type, fields: item.fields, tagIds: item.tagIds, createTime: item.createTime, lastUpdateTime: item.lastUpdateTime, company: item.companyInfo ?? null, convertCustomerTime: item.convertCustomerTime })
      expect(mock.world.lead(item.customerId)).toEqual(records[k])
    }
    expect([...mock.world.leads({ isClue: false, type: 2 })].map((l) => l.customerId)).toEqual(served.filter((l) => !l.isClue && l.type === 2).map((l) => l.customerId))
    expect([...mock.world.leads({ limit: 3 })]).toEqual(records.slice(0, 3))
    const withRecords = served.slice(0, 10)
    for (const lead of withRecords) expect(mock.world.followUps(lead.customerId)).toEqual(await pages(mock, listClueFollowUps, { customerId: lead.customerId }))
    expect(mock.world.lead(1)).toBeUndefined()
    expect(mock.world.followUps(1)).toEqual([])
    // Changes show at once: a deleted lead is gone, an added one is there with its records.
    mock.admin.deleteLead(served[0]!.customerId)
    expect(mock.world.lead(served[0]!.customerId)).toBeUndefined()
    expect(mock.world.followUps(served[0]!.customerId)).toEqual([])
    const added = mock.admin.addLead({ fields: { name: '李雷' } }).customerId as number
    mock.admin.addFollowUp(added, { content: '电话沟通', type: 1 })
    expect(mock.world.lead(added)!.fieldValues.name).toBe('李雷')
    expect(mock.world.followUps(added)).toEqual([expect.objectContaining({ content: '电话沟通', operator: { qwUserId: '', name: 'API' } })])
    expect(mock.world.leadCount).toBe(served.length)
  })

  it('wechatIdentities(customerId) and wechatIdentitiesOf(externalUserId) answer what customer/qw-details answers', async () => {
    const mock = await createMock({ seed: 'query', customers: 150, staff: 5 })
    let checked = 0
    for (const customer of mock.world.customers({ limit: 60 })) {
      const identities = mock.world.wechatIdentities(customer.customerId)
      if (customer.externalUserId === null) {
        expect(identities).toEqual([])
        continue
      }
      const served = (await call(mock, qwDetails, { externalUserId: customer.externalUserId })).data
      expect(mock.world.wechatIdentitiesOf(customer.externalUserId)).toEqual(served)
      expect(identities.map((i) => i.qwUserId)).toEqual(customer.followers)
      expect(identities.every((i) => i.externalUserId === customer.externalUserId)).toBe(true)
      checked++
    }
    expect(checked).toBeGreaterThan(10)
    expect(mock.world.wechatIdentitiesOf('wm-nobody')).toEqual([])
    expect(mock.world.wechatIdentities(1)).toEqual([])
  })
})
