/**
 * The admin API's leads, follow-up records and tags: over HTTP, shown at once by the upstream reads
 * (clue/list-by-create-time-asc, clue/list-follow-up, tags/list-tree, the relation list), with their
 * events; a refused change changes nothing, ids included.
 */
import { describe, expect, it } from 'vitest'
import { AdminError, createMock, startServer, type Mock, type WorldEvent } from '../mock/index.js'
import { listByRelationCreateTimeAsc, listClueFollowUps, listCluesByCreateTimeAsc, listTagTree } from '../mock/endpoints/index.js'
import { worldChanges } from '../mock/world/changes.js'
import type { Endpoint } from '../mock/core/endpoint.js'
import { call } from './endpoints/support.js'

const NOW = '2026-11-20 10:00:00'

interface LeadItem {
  customerId: number
  isClue: boolean
  type: number
  fields: { field: string; type: number; valueAsText: string | null }[]
  tagIds: number[]
  createTime: string
  lastUpdateTime: string
  companyInfo?: { id: number; name: string }
  convertCustomerTime: string | null
}
interface FollowUpItem {
  id: number
  type: number
  content: string
  createTime: string
  operator: { qwUserId: string; name: string }
}
interface TagGroupItem {
  id: number
  name: string
  qwTagId: string
  tags: { id: number; name: string; qwTagId: string }[]
}

async function fresh(customers = 60) {
  const mock = await createMock({ seed: 'admin-leads', customers, staff: 4 })
  mock.admin.setClock({ set: NOW, freeze: true })
  const events: WorldEvent[] = []
  mock.events.onAny((e) => events.push(e))
  return { mock, events }
}

type Admin = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>

async function withServer(mock: Mock, run: (admin: Admin) => Promise<void>) {
  const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
  const admin: Admin = async (method, path, body) => {
    const response = await fetch(`${server.origin}/__mock${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) }
  }
  try {
    await run(admin)
  } finally {
    await server.close()
  }
}

/** Every page of a keyset list. */
async function all<T>(mock: Mock, endpoint: Endpoint, body: Record<string, unknown> = {}): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await call<{ list: T[]; nextCursor: string | null }>(mock, endpoint, { size: 100, ...body, ...(cursor ? { cursor } : {}) })
    if (page.code !== 0) throw new Error(page.message)
    items.push(...page.data.list)
    if (!page.data.nextCursor || page.data.list.length === 0) return items
    cursor = page.data.nextCursor
  }
}
const leads = (mock: Mock) => all<LeadItem>(mock, listCluesByCreateTimeAsc)
const followUps = (mock: Mock, customerId: number) => all<FollowUpItem>(mock, listClueFollowUps, { customerId })
const tagTree = async (mock: Mock) => (await call<TagGroupItem[]>(mock, listTagTree, {})).data
const value = (item: LeadItem, field: string) => item.fields.find((f) => f.field === field)?.valueAsText

const attempt = (change: () => unknown) => {
  try {
    change()
  } catch (error) {
    if (!(error instanceof AdminError)) throw error
    return { status: error.status, message: error.message, issues: error.issues }
  }
  throw new Error('the change was accepted')
}

describe('admin: leads and waiting customers', () => {
  it('adds a lead over HTTP (fields by key, name and alias): 201 with the item clue/list-by-create-time-asc lists at once', async () => {
    const { mock, events } = await fresh()
    const nameField = mock.context.world.catalog.fields.find((f) => f.outerField === 'name')!
    worldChanges(mock.context).mapFieldAlias(nameField.id, '客户姓名')
    events.length = 0
    const tag = mock.world.tags()[0]!
    await withServer(mock, async (admin) => {
      const answer = await admin('POST', '/leads', { fields: { 客户姓名: '李雷', 客户来源: '官网', mobile: ['13912345678'] }, tagIds: [tag.id] })
      expect(answer.status).toBe(201)
      const item = answer.json as LeadItem
      expect(item).toMatchObject({ isClue: true, type: 1, tagIds: [tag.id], createTime: NOW, lastUpdateTime: NOW, convertCustomerTime: null })
      expect(value(item, 'name')).toBe('李雷')
      expect(value(item, 'customer_source')).toBe(String(mock.context.world.catalog.optionId('customer_source', '官网')))
      expect(value(item, 'mobile')).toBe('["13912345678"]')
      expect((await leads(mock)).find((l) => l.customerId === item.customerId)).toEqual(item)
      expect(events).toEqual([{ type: 'lead.added', at: expect.any(Number), leadId: item.customerId }])
      // An enterprise waiting customer with its company and conversion time.
      const waiting = await admin('POST', '/leads', { isClue: false, type: 2, companyName: '某某科技', createTime: '2026-01-02 03:04:05', convertCustomerTime: '2026-02-01 00:00:00' })
      expect(waiting.status).toBe(201)
      expect(waiting.json).toMatchObject({ isClue: false, type: 2, companyInfo: { name: '某某科技' }, createTime: '2026-01-02 03:04:05', lastUpdateTime: '2026-02-01 00:00:00', convertCustomerTime: '2026-02-01 00:00:00' })
      expect((await all<LeadItem>(mock, listCluesByCreateTimeAsc, { type: 2 })).map((l) => l.customerId)).toContain(waiting.json.customerId)
    })
  })

  it('refuses a mobile a customer or a lead has (409 naming it) and changes nothing, ids included', async () => {
    const good = (mock: Mock) => mock.admin.addLead({ fields: { name: '韩梅梅' } })
    const clean = (await fresh()).mock
    const expected = good(clean)
    const { mock: tried, events } = await fresh()
    const taken = JSON.parse(value((await leads(tried))[0]!, 'mobile') ?? '[]')[0] as string | undefined
    const customerMobile = JSON.parse(tried.context.world.customer(0).fields.find((f) => f.field === 'mobile')!.valueAsText ?? '[]')[0] as string
    await withServer(tried, async (admin) => {
      for (const mobile of [customerMobile, taken].filter((m): m is string => m !== undefined)) {
        const answer = await admin('POST', '/leads', { type: 2, fields: { mobile: [mobile] } })
        expect(answer.status).toBe(409)
        expect(answer.json).toMatchObject({ error: expect.stringContaining(mobile), issues: ['mobile'] })
      }
      // A number given twice is a value the phones field does not take (as for customers): 400 naming it.
      const twice = await admin('POST', '/leads', { type: 2, fields: { mobile: ['13900000009', '13900000009'] } })
      expect(twice).toMatchObject({ status: 400, json: { error: expect.stringContaining('13900000009'), issues: [expect.stringContaining('mobile')] } })
    })
    const refusals = [
      () => tried.admin.addLead({ type: 2, fields: { shoe_size: '42' } }),
      () => tried.admin.addLead({ type: 2, tagIds: [1] }),
      () => tried.admin.addLead({ type: 2, fields: { birthday: 'yesterday' } }),
      () => tried.admin.addLead({ companyName: '个人没有公司' }),
      () => tried.admin.addLead({ convertCustomerTime: NOW }),
      () => tried.admin.addLead({ isClue: false, createTime: NOW, convertCustomerTime: '2026-01-01 00:00:00' }),
      () => tried.admin.addLead({ isClue: 'yes' } as never),
    ]
    for (const refused of refusals) expect(attempt(refused).status).toBe(400)
    expect(events).toEqual([])
    expect(good(tried)).toEqual(expected)
    expect(JSON.stringify(tried.admin.exportWorld())).toBe(JSON.stringify(clean.admin.exportWorld()))
  })

  it('changes a lead (values merged, tags replaced), converts it (isClue false), and refuses to make a waiting customer a lead again', async () => {
    const { mock, events } = await fresh()
    const lead = (await leads(mock)).find((l) => l.isClue)!
    const tags = mock.world.tags().slice(1, 3).map((t) => t.id)
    mock.admin.setClock({ set: '2026-11-21 08:00:00', freeze: true })
    await withServer(mock, async (admin) => {
      const changed = await admin('PATCH', `/leads/${lead.customerId}`, { fields: { 描述: '新描述' }, tagIds: tags })
      expect(changed.status).toBe(200)
      expect(changed.json).toMatchObject({ customerId: lead.customerId, isClue: true, tagIds: tags, lastUpdateTime: '2026-11-21 08:00:00' })
      expect(value(changed.json, 'description')).toBe('新描述')
      expect(value(changed.json, 'name')).toBe(value(lead, 'name'))
      // Its own mobile is no duplicate of itself.
      const own = JSON.parse(value(lead, 'mobile') ?? '[]') as string[]
      if (own.length > 0) expect((await admin('PATCH', `/leads/${lead.customerId}`, { fields: { mobile: own } })).status).toBe(200)
      const converted = await admin('PATCH', `/leads/${lead.customerId}`, { isClue: false })
      expect(converted.json).toMatchObject({ isClue: false, convertCustomerTime: '2026-11-21 08:00:00' })
      expect((await leads(mock)).find((l) => l.customerId === lead.customerId)).toEqual(converted.json)
      const back = await admin('PATCH', `/leads/${lead.customerId}`, { isClue: true })
      expect(back.status).toBe(409)
      expect((await admin('PATCH', '/leads/12345', { fields: {} })).status).toBe(404)
    })
    expect(events.map((e) => e.type)).toEqual(['lead.changed', ...(JSON.parse(value(lead, 'mobile') ?? '[]').length > 0 ? ['lead.changed'] : []), 'lead.converted'])
    expect(events.at(-1)).toMatchObject({ leadId: lead.customerId, customerId: lead.customerId })
  })

  it('deletes a lead: gone from the lead list, its follow-ups from list-follow-up, its mobile free again', async () => {
    const { mock, events } = await fresh()
    const before = await leads(mock)
    const generated = before.find((l) => JSON.parse(value(l, 'mobile') ?? '[]').length > 0)!
    const mobile = JSON.parse(value(generated, 'mobile')!)[0] as string
    const records = await followUps(mock, generated.customerId)
    await withServer(mock, async (admin) => {
      expect((await admin('DELETE', `/leads/${generated.customerId}`)).json).toEqual({ deleted: generated.customerId })
      expect(await leads(mock)).toEqual(before.filter((l) => l.customerId !== generated.customerId))
      expect(await followUps(mock, generated.customerId)).toEqual([])
      expect((await admin('DELETE', `/leads/${generated.customerId}`)).status).toBe(404)
      expect((await admin('PATCH', `/leads/${generated.customerId}`, { fields: {} })).status).toBe(404)
      expect((await admin('POST', `/leads/${generated.customerId}/follow-ups`, { content: 'x', type: 1 })).status).toBe(404)
      const again = await admin('POST', '/leads', { fields: { mobile: [mobile] } })
      expect(again.status).toBe(201)
      expect(again.json.customerId).not.toBe(generated.customerId)
    })
    expect(events[0]).toEqual({ type: 'lead.deleted', at: expect.any(Number), leadId: generated.customerId, followUpIds: records.map((r) => r.id) })
    // The export carries added leads only, and not a deleted one.
    const added = mock.admin.addLead({ fields: { name: '临时' } })
    mock.admin.deleteLead(added.customerId as number)
    expect(JSON.stringify(mock.admin.exportWorld())).not.toContain(String(added.customerId))
  })
})

describe('admin: follow-up records', () => {
  it('adds a record (a member or the API as operator): 201 as clue/list-follow-up lists it; deletes added and generated ones', async () => {
    const { mock, events } = await fresh()
    const lead = (await leads(mock))[0]!
    const before = await followUps(mock, lead.customerId)
    const member = mock.world.members()[1]!
    await withServer(mock, async (admin) => {
      const byMember = await admin('POST', `/leads/${lead.customerId}/follow-ups`, { content: '电话沟通', type: 1, operator: member.qwUserId })
      expect(byMember.status).toBe(201)
      expect(byMember.json).toMatchObject({ type: 1, content: '电话沟通', createTime: NOW, operator: { qwUserId: member.qwUserId, name: member.name } })
      const byApi = await admin('POST', `/leads/${lead.customerId}/follow-ups`, { content: '修改了客户的信息:\n“描述: 新”', type: 2, createTime: NOW })
      expect(byApi.json.operator).toEqual({ qwUserId: '', name: 'API' })
      expect(await followUps(mock, lead.customerId)).toEqual([...before, byMember.json, byApi.json])
      expect(await followUps(mock, lead.customerId).then((l) => l.filter((r) => r.type === 2).at(-1))).toEqual(byApi.json)

      expect((await admin('POST', `/leads/${lead.customerId}/follow-ups`, { content: 'x', type: 3 })).status).toBe(400)
      expect((await admin('POST', `/leads/${lead.customerId}/follow-ups`, { content: 'x', type: 1, operator: 'ghost' })).status).toBe(400)
      expect((await admin('POST', `/leads/${lead.customerId}/follow-ups`, { content: 'x', type: 1, createTime: '2015-02-01 00:00:00' })).status).toBe(400)

      expect((await admin('DELETE', `/follow-ups/${byMember.json.id}`)).status).toBe(200)
      const generated = before[0]
      if (generated) expect((await admin('DELETE', `/follow-ups/${generated.id}`)).status).toBe(200)
      expect(await followUps(mock, lead.customerId)).toEqual([...before.slice(generated ? 1 : 0), byApi.json])
      expect((await admin('DELETE', `/follow-ups/${byMember.json.id}`)).status).toBe(404)
      if (generated) expect((await admin('DELETE', `/follow-ups/${generated.id}`)).status).toBe(404)
    })
    expect(events.map((e) => e.type)).toEqual(['follow-up.added', 'follow-up.added', 'follow-up.deleted', ...(before[0] ? ['follow-up.deleted'] : [])])
  })
})

describe('admin: tags', () => {
  it('adds a tag to a new group (by name) and to a group by id, renames one: tags/list-tree shows it at once; no generated record moves', async () => {
    const { mock, events } = await fresh()
    const treeBefore = await tagTree(mock)
    const customersBefore = [...mock.world.customers()].map((c) => c.tagIds)
    const leadsBefore = await leads(mock)
    await withServer(mock, async (admin) => {
      const added = await admin('POST', '/tags', { group: '渠道', name: '抖音' })
      expect(added.status).toBe(201)
      expect(added.json).toMatchObject({ name: '抖音', groupName: '渠道', qwTagId: expect.stringMatching(/^et[A-Za-z0-9_-]{30}$/) })
      const second = await admin('POST', '/tags', { group: added.json.groupId, name: '小红书', qwTagId: 'etMyOwnTagId' })
      expect(second.json).toMatchObject({ groupId: added.json.groupId, qwTagId: 'etMyOwnTagId' })
      const existing = await admin('POST', '/tags', { group: treeBefore[0]!.id, name: 'D类客户' })
      expect(existing.json.groupName).toBe(treeBefore[0]!.name)
      const tree = await tagTree(mock)
      // The groups there were keep their ids, qwTagIds and order; the new group comes last.
      expect(tree.slice(0, treeBefore.length).map((g) => [g.id, g.qwTagId])).toEqual(treeBefore.map((g) => [g.id, g.qwTagId]))
      expect(tree.at(-1)).toEqual({ id: added.json.groupId, name: '渠道', qwTagId: expect.any(String), tags: [{ id: added.json.id, name: '抖音', qwTagId: added.json.qwTagId }, { id: second.json.id, name: '小红书', qwTagId: 'etMyOwnTagId' }] })
      expect(tree[0]!.tags.at(-1)).toEqual({ id: existing.json.id, name: 'D类客户', qwTagId: existing.json.qwTagId })

      const renamed = await admin('PATCH', `/tags/${second.json.id}`, { name: '红书' })
      expect(renamed.json).toMatchObject({ id: second.json.id, name: '红书', groupName: '渠道' })
      expect((await tagTree(mock)).at(-1)!.tags[1]!.name).toBe('红书')

      // The tag can be given at once, and generated records kept their tags.
      const lead = await admin('POST', '/leads', { tagIds: [added.json.id] })
      expect(lead.json.tagIds).toEqual([added.json.id])
      expect([...mock.world.customers()].map((c) => c.tagIds)).toEqual(customersBefore)
      expect((await leads(mock)).filter((l) => l.customerId !== lead.json.customerId)).toEqual(leadsBefore)
    })
    expect(events.map((e) => e.type)).toEqual(['tag.added', 'tag.added', 'tag.added', 'tag.changed', 'lead.added'])
    expect(events[0]).toMatchObject({ groupAdded: true })
    expect(events[1]).toMatchObject({ groupAdded: false })
  })

  it('refuses a duplicate name in a group, a taken qwTagId, an unknown group id or tag, and changes nothing', async () => {
    const { mock, events } = await fresh()
    const tree = await tagTree(mock)
    const before = JSON.stringify(mock.admin.exportWorld())
    const first = tree[0]!
    expect(attempt(() => mock.admin.addTag({ group: first.name, name: first.tags[0]!.name }))).toMatchObject({ status: 409, issues: ['name'] })
    expect(attempt(() => mock.admin.addTag({ group: '新组', name: 'x', qwTagId: first.qwTagId }))).toMatchObject({ status: 409, issues: ['qwTagId'] })
    expect(attempt(() => mock.admin.addTag({ group: 123, name: 'x' }))).toMatchObject({ status: 400 })
    expect(attempt(() => mock.admin.addTag({ group: '新组', name: '' }))).toMatchObject({ status: 400 })
    expect(attempt(() => mock.admin.updateTag(first.tags[0]!.id, { name: first.tags[1]!.name }))).toMatchObject({ status: 409 })
    expect(attempt(() => mock.admin.updateTag(123, { name: 'x' }))).toMatchObject({ status: 404 })
    expect(attempt(() => mock.admin.deleteTag(123))).toMatchObject({ status: 404 })
    expect(await tagTree(mock)).toEqual(tree)
    expect(JSON.stringify(mock.admin.exportWorld())).toBe(before)
    expect(events).toEqual([])
  })

  it('deletes a tag: it leaves the tree and every customer\'s and lead\'s tagIds at once (served items too), its id never comes back', async () => {
    const { mock, events } = await fresh(300)
    const relations = await all<{ customerId: number; tagIds: number[] }>(mock, listByRelationCreateTimeAsc) // items are now cached
    const leadsBefore = await leads(mock)
    const counts = new Map<number, number>()
    for (const r of relations) for (const t of r.tagIds) counts.set(t, (counts.get(t) ?? 0) + 1)
    const victim = [...counts].sort((a, b) => b[1] - a[1])[0]![0]
    await withServer(mock, async (admin) => {
      expect((await admin('DELETE', `/tags/${victim}`)).json).toEqual({ deleted: victim })
      expect((await tagTree(mock)).flatMap((g) => g.tags.map((t) => t.id))).not.toContain(victim)
      const after = await all<{ customerId: number; tagIds: number[] }>(mock, listByRelationCreateTimeAsc)
      expect(after.map((r) => r.tagIds)).toEqual(relations.map((r) => r.tagIds.filter((t) => t !== victim)))
      expect((await leads(mock)).map((l) => l.tagIds)).toEqual(leadsBefore.map((l) => l.tagIds.filter((t) => t !== victim)))
      for (const c of mock.world.customers()) expect(c.tagIds).not.toContain(victim)
      expect((await admin('POST', '/leads', { tagIds: [victim] })).status).toBe(400)
      expect((await admin('DELETE', `/tags/${victim}`)).status).toBe(404)
      // A customer added now draws its tags as generated ones do, never the deleted one (the answer included).
      for (let k = 0; k < 20; k++) {
        const added = await admin('POST', '/customers', { followers: [{ qwUserId: mock.world.members()[0]!.qwUserId }] })
        expect(added.json.customer.tagIds).not.toContain(victim)
      }
      // New tags never get the deleted id.
      for (let k = 0; k < 5; k++) expect((await admin('POST', '/tags', { group: '新组', name: `t${k}` })).json.id).not.toBe(victim)
    })
    expect(events[0]).toEqual({ type: 'tag.deleted', at: expect.any(Number), tagId: victim, name: expect.any(String), qwTagId: expect.any(String), groupId: expect.any(Number), groupName: expect.any(String), order: expect.any(Number) })
    // The export has no record with the deleted tag, and loads again.
    const copy = await createMock({ fixtures: mock.admin.exportWorld() })
    expect(copy.world.tags().map((t) => t.id)).not.toContain(victim)
  })
})
