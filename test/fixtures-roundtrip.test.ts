/**
 * Export → load round trip of a generated world: the export carries every lead, waiting customer and
 * follow-up record (generated ones too) and the other version-2 data, so the loaded world answers
 * every upstream read as the exported one did, and exports to the same document again.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, readFixtureText, type Mock } from '../mock/index.js'
import {
  addClue, customerSearch, customerTransfer, editClueField, getUsers, listClueFollowUps, listCluesByCreateTimeAsc, listFields, listTagTree,
  mapProfileField, profileFields, qwDetails, qwListByCustomer, userDepartment,
} from '../mock/endpoints/index.js'
import type { Endpoint } from '../mock/core/endpoint.js'
import { call, sweep } from './endpoints/support.js'

type Lead = { customerId: number; type: number; fields: { field: string; valueAsText: string | null }[] }

/** Every page of the lead list (of one type or all), as the envelopes answered. */
async function leadPages(mock: Mock, body: Record<string, unknown>): Promise<unknown[]> {
  const pages: unknown[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await call<{ list: Lead[]; nextCursor: string | null }>(mock, listCluesByCreateTimeAsc, { ...body, ...(cursor ? { cursor } : {}) })
    pages.push(page)
    if (page.code !== 0 || !page.data.nextCursor || page.data.list.length === 0) return pages
    cursor = page.data.nextCursor
  }
}

async function allLeads(mock: Mock): Promise<Lead[]> {
  return (await leadPages(mock, { size: 100 })).flatMap((p) => (p as { data: { list: Lead[] } }).data.list)
}

const mobileOf = (lead: Lead) => (JSON.parse(lead.fields.find((f) => f.field === 'mobile')?.valueAsText ?? '[]') as string[])[0]

/** Every read the round trip must keep: [endpoint, body] pairs over what `mock` holds. */
async function reads(mock: Mock): Promise<[Endpoint, unknown][]> {
  const leads = await allLeads(mock)
  const members = mock.world.members().map((m) => m.qwUserId)
  const relations = await sweep(mock)
  const externals = [...new Set(relations.flatMap((r) => (r.externalUserId ? [r.externalUserId] : [])))]
  const list: [Endpoint, unknown][] = [
    [listFields, {}], [profileFields, {}], [listTagTree, {}], [getUsers, { pageNo: 1, pageSize: 100 }],
    ...members.map((qwUserId): [Endpoint, unknown] => [userDepartment, { qwUserId }]),
    ...leads.map((l): [Endpoint, unknown] => [listClueFollowUps, { customerId: l.customerId, size: 100 }]),
    ...leads.slice(0, 5).map((l): [Endpoint, unknown] => [listClueFollowUps, { customerId: l.customerId, size: 1 }]),
    ...externals.slice(0, 40).flatMap((externalUserId): [Endpoint, unknown][] => [[qwDetails, { externalUserId }], [qwListByCustomer, { externalUserId }]]),
    ...relations.slice(0, 20).map((r): [Endpoint, unknown] => [customerSearch, { searchKey: String(r.customerId), pageNo: 1, pageSize: 10 }]),
  ]
  return list
}

describe('a generated world exported and loaded again', () => {
  let original: Mock
  let loaded: Mock
  let exported: ReturnType<Mock['admin']['exportWorld']>

  beforeAll(async () => {
    original = await createMock({ seed: 'roundtrip', customers: 200, staff: 6 })
    original.admin.setClock({ set: '2026-06-01 10:00:00', freeze: true })
    // Changes of every kind version 2 can say: a lead added, a generated lead edited (its record and a
    // follow-up), an alias, a transfer (qwCustomerTime), a department and a member with staff values.
    const [lead] = await allLeads(original)
    expect((await call(original, addClue, { customerName: '往返', mobiles: ['13700001111'] })).code).toBe(0)
    expect((await call(original, editClueField, { customerId: lead!.customerId, field: '描述', valueAsText: '往返测试' })).code).toBe(0)
    const description = original.context.world.catalog.fields.find((f) => f.outerField === 'description')!
    expect((await call(original, mapProfileField, { fieldId: String(description.id), alias: '备注说明' })).code).toBe(0)
    const [relation] = await sweep(original)
    const to = original.world.members().map((m) => m.qwUserId).find((q) => q !== relation!.qwUserId)!
    expect((await call(original, customerTransfer, { handoverToUserid: to, customers: [{ qwUserId: relation!.qwUserId, customerId: relation!.customerId }] })).code).toBe(0)
    const department = original.admin.addDepartment({ name: '往返部' })
    original.admin.addMember({ qwUserId: 'roundtrip', name: '往返', departmentIds: [department.id], mobile: '13900009999' })
    exported = structuredClone(original.admin.exportWorld())
    loaded = await createMock({ customers: 10, staff: 2 })
    await loaded.admin.loadWorld(structuredClone(exported))
    loaded.admin.setClock({ set: '2026-06-01 10:00:00', freeze: true })
  })

  it('serves every page of the lead list the same (all types, and each type)', async () => {
    expect(exported.leads?.length).toBeGreaterThanOrEqual(20)
    for (const body of [{ size: 7 }, { size: 100 }, { size: 3, type: 1 }, { size: 5, type: 2 }, { size: 4, since: '2022-01-01 00:00:00' }]) {
      expect(await leadPages(loaded, body)).toEqual(await leadPages(original, body))
    }
  })

  it('serves every other read the same: follow-ups, catalog, tags, aliases, staff, departments, WeChat identities, search', async () => {
    const list = await reads(original)
    expect(list.length).toBeGreaterThan(60)
    for (const [endpoint, body] of list) expect(await call(loaded, endpoint, body), `${endpoint.path} ${JSON.stringify(body)}`).toEqual(await call(original, endpoint, body))
    expect(await sweep(loaded)).toEqual(await sweep(original))
  })

  it("refuses a generated lead's mobile as a duplicate in both", async () => {
    const mobile = (await allLeads(original)).map(mobileOf).find(Boolean)!
    for (const mock of [original, loaded]) expect((await call(mock, addClue, { customerName: 'x', mobiles: [mobile] })).code).toBe(40417)
  })

  it('exports to the same document again (JSON and NDJSON)', async () => {
    expect(loaded.admin.exportWorld()).toEqual(exported)
    const ndjson = [...original.context.world.records()].map((r) => JSON.stringify(r)).join('\n') + '\n'
    const again = await createMock({ fixtures: readFixtureText(ndjson) })
    expect(again.admin.exportWorld()).toEqual(exported)
  })

  it('gives the same ids to the writes after the load', async () => {
    const [lead] = await allLeads(original)
    for (const mock of [original, loaded]) await call(mock, editClueField, { customerId: lead!.customerId, field: '描述', valueAsText: '之后' })
    const body = { customerId: lead!.customerId, size: 100 }
    expect(await call(loaded, listClueFollowUps, body)).toEqual(await call(original, listClueFollowUps, body))
    const added = await Promise.all([original, loaded].map(async (mock) => (await call(mock, addClue, { customerName: '之后', mobiles: ['13700002222'] })).data))
    expect(added[1]).toBe(added[0])
  })
})
