/** World-change events: every admin change emits exactly its events, with the world's real ids; a refused change emits nothing. */
import { getResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { AdminError, createMock, type WorldEvent } from '../../mock/index.js'

const AT = Date.parse('2026-11-20T02:00:00Z')

async function recorded() {
  const mock = await createMock({ seed: 'events', customers: 30, staff: 3 })
  mock.admin.setClock({ set: AT, freeze: true })
  const events: WorldEvent[] = []
  mock.events.onAny((event) => events.push(event))
  const [a, b, c] = mock.world.members().map((m) => m.qwUserId) as [string, string, string]
  return { mock, events, a, b, c }
}

describe('world-change events', () => {
  it('adding a customer emits customer.added and one relation.added per follower, with the ids the listing shows', async () => {
    const { mock, events, a, b } = await recorded()
    const { customerId, relationIds } = mock.admin.addCustomer({ followers: [{ qwUserId: a }, { qwUserId: b }] })
    const relations = mock.world.relationsOf(customerId)
    expect(relations.map((r) => r.relationId).sort((x, y) => x - y)).toEqual([...relationIds].sort((x, y) => x - y))
    expect(events).toEqual([
      { type: 'customer.added', at: AT, customerId, relationIds },
      ...relations.map((r) => ({ type: 'relation.added', at: AT, relationId: r.relationId, customerId, qwUserId: r.qwUserId })),
    ])
  })

  it('a patch emits customer.changed naming the properties given; relation add and delete emit theirs', async () => {
    const { mock, events, a, c } = await recorded()
    const customerId = mock.world.customers().next().value!.customerId
    mock.admin.updateCustomer(customerId, { wechatNickname: 'x', fields: { name: '王小明' } })
    const follows = mock.world.relationsOf(customerId).map((r) => r.qwUserId)
    const newcomer = [a, c, ...mock.world.members().map((m) => m.qwUserId)].find((q) => !follows.includes(q))!
    const { relationId } = mock.admin.addRelation({ customerId, qwUserId: newcomer })
    mock.admin.deleteRelation(relationId)
    expect(events).toEqual([
      { type: 'customer.changed', at: AT, customerId, properties: ['fields', 'wechatNickname'] },
      { type: 'relation.added', at: AT, relationId, customerId, qwUserId: newcomer },
      { type: 'relation.deleted', at: AT, relationId, customerId, qwUserId: newcomer, externalUserId: mock.world.customer(customerId)!.externalUserId },
    ])
  })

  it('a patch giving tagIds names the tags gained and lost; a relation-level edit names the relation', async () => {
    const { mock, events } = await recorded()
    const customer = mock.world.customers().next().value!
    const all = mock.world.tags().map((t) => t.id)
    const kept = customer.tagIds.slice(0, 1)
    const gained = all.filter((id) => !customer.tagIds.includes(id)).slice(0, 2)
    mock.admin.updateCustomer(customer.customerId, { tagIds: [...kept, ...gained] })
    const [relation] = mock.world.relationsOf(customer.customerId)
    const response = await getResponse(mock.handlers, new Request('https://api.tanmarket.cn:20066/api/v3/customer-relation/edit-field', { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(JSON.stringify({ customerId: customer.customerId, qwUserId: relation!.qwUserId, field: 'qwRemark', valueAsText: '老朋友' })) }, body: JSON.stringify({ customerId: customer.customerId, qwUserId: relation!.qwUserId, field: 'qwRemark', valueAsText: '老朋友' }) }))
    expect(response!.status).toBe(200)
    expect(events).toEqual([
      { type: 'customer.changed', at: AT, customerId: customer.customerId, properties: ['tagIds'], tagsAdded: [...gained].sort((a, b) => a - b), tagsRemoved: customer.tagIds.slice(1).sort((a: number, b: number) => a - b) },
      { type: 'customer.changed', at: AT, customerId: customer.customerId, properties: ['qwRemark'], relationId: relation!.relationId, qwUserId: relation!.qwUserId },
    ])
  })

  it('deleting a customer emits relation.deleted for each of its relations, then customer.deleted', async () => {
    const { mock, events } = await recorded()
    const customerId = mock.world.customers().next().value!.customerId
    const relations = mock.world.relationsOf(customerId)
    const externalUserId = mock.world.customer(customerId)!.externalUserId
    mock.admin.deleteCustomer(customerId)
    expect(events).toEqual([
      ...relations.map((r) => ({ type: 'relation.deleted', at: AT, relationId: r.relationId, customerId, qwUserId: r.qwUserId, externalUserId })),
      { type: 'customer.deleted', at: AT, customerId, relationIds: relations.map((r) => r.relationId) },
    ])
  })

  it('a refused change emits nothing', async () => {
    const { mock, events, a } = await recorded()
    const customerId = mock.world.customers().next().value!.customerId
    const refusals = [
      () => mock.admin.addCustomer({ followers: [{ qwUserId: 'nobody' }] }),
      () => mock.admin.addCustomer({ type: 2, tagIds: [1], followers: [{ qwUserId: a }] }), // an unknown tag, after the checks that pass
      () => mock.admin.addCustomer({ followers: [] }),
      () => mock.admin.updateCustomer(customerId, { fields: { nosuchfield: 1 } }),
      () => mock.admin.updateCustomer(1, {}),
      () => mock.admin.addRelation({ customerId, qwUserId: mock.world.relationsOf(customerId)[0]!.qwUserId }),
      () => mock.admin.deleteRelation(1),
      () => mock.admin.deleteCustomer(1),
    ]
    for (const refuse of refusals) expect(refuse).toThrow(AdminError)
    expect(events).toEqual([])
  })

  it('the admin API over HTTP emits the same events', async () => {
    const { mock, events, a } = await recorded()
    const response = await getResponse(mock.handlers, new Request('http://127.0.0.1/__mock/customers', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ followers: [{ qwUserId: a }] }) }))
    const { customerId, relationIds } = (await response!.json()) as { customerId: number; relationIds: number[] }
    expect(events.map((e) => e.type)).toEqual(['customer.added', 'relation.added'])
    expect(events[0]).toMatchObject({ customerId, relationIds })
    expect(events[1]).toMatchObject({ customerId, relationId: relationIds[0], qwUserId: a })
  })

  it('on(type) hears only that type, and the function it answers unsubscribes', async () => {
    const { mock, a } = await recorded()
    const added: number[] = []
    const off = mock.events.on('customer.added', (event) => added.push(event.customerId))
    const first = mock.admin.addCustomer({ followers: [{ qwUserId: a }] }).customerId
    mock.admin.deleteCustomer(first)
    off()
    mock.admin.addCustomer({ followers: [{ qwUserId: a }] })
    expect(added).toEqual([first])
  })

  it('a listener that throws neither undoes the change nor keeps the others from hearing it', async () => {
    const { mock, events, a } = await recorded()
    mock.events.on('customer.added', () => {
      throw new Error('a listener bug')
    })
    const heard: string[] = []
    mock.events.on('customer.added', (event) => heard.push(event.type))
    const { customerId } = mock.admin.addCustomer({ followers: [{ qwUserId: a }] })
    expect(mock.world.customer(customerId)).toBeDefined()
    expect(heard).toEqual(['customer.added'])
    expect(events[0]).toMatchObject({ type: 'customer.added', customerId })
  })

  it('reset and loading a world emit world.replaced with the new counts', async () => {
    const { mock, events } = await recorded()
    await mock.admin.loadWorld({ version: 1, generate: { seed: 'other', customers: 5, staff: 2 } })
    const loaded = mock.admin.health().relations
    await mock.admin.reset()
    expect(events).toEqual([
      { type: 'world.replaced', at: AT, customers: 5, relations: loaded },
      { type: 'world.replaced', at: AT, customers: 30, relations: mock.admin.health().relations },
    ])
  })

  it('lead, follow-up and tag changes emit theirs, with the ids the reads show; refused ones emit nothing', async () => {
    const { mock, events, a } = await recorded()
    const lead = mock.admin.addLead({ fields: { name: '李雷' } })
    const leadId = lead.customerId as number
    const record = mock.admin.addFollowUp(leadId, { content: '电话沟通', type: 1, operator: a })
    mock.admin.updateLead(leadId, { fields: { 描述: '新' }, isClue: false })
    mock.admin.deleteFollowUp(record.id as number)
    const second = mock.admin.addFollowUp(leadId, { content: '再次沟通', type: 1 })
    mock.admin.deleteLead(leadId)
    const tag = mock.admin.addTag({ group: '渠道', name: '抖音' })
    mock.admin.updateTag(tag.id, { name: '快手' })
    mock.admin.deleteTag(tag.id)
    expect(events).toEqual([
      { type: 'lead.added', at: AT, leadId },
      { type: 'follow-up.added', at: AT, followUpId: record.id, leadId },
      { type: 'lead.changed', at: AT, leadId, properties: ['描述'] },
      { type: 'lead.converted', at: AT, leadId, customerId: leadId },
      { type: 'follow-up.deleted', at: AT, followUpId: record.id, leadId },
      { type: 'follow-up.added', at: AT, followUpId: second.id, leadId },
      { type: 'lead.deleted', at: AT, leadId, followUpIds: [second.id] },
      { type: 'tag.added', at: AT, tagId: tag.id, groupId: tag.groupId, groupAdded: true },
      { type: 'tag.changed', at: AT, tagId: tag.id, properties: ['name'] },
      { type: 'tag.deleted', at: AT, tagId: tag.id, name: '快手', qwTagId: tag.qwTagId, groupId: tag.groupId, groupName: '渠道', order: 0 },
    ])
    events.length = 0
    const refusals = [
      () => mock.admin.addLead({ fields: { nosuchfield: 1 } }),
      () => mock.admin.updateLead(leadId, {}),
      () => mock.admin.deleteLead(leadId),
      () => mock.admin.addFollowUp(leadId, { content: 'x', type: 1 }),
      () => mock.admin.deleteFollowUp(record.id as number),
      () => mock.admin.addTag({ group: 1, name: 'x' }),
      () => mock.admin.updateTag(tag.id, { name: 'x' }),
      () => mock.admin.deleteTag(tag.id),
    ]
    for (const refuse of refusals) expect(refuse).toThrow(AdminError)
    expect(events).toEqual([])
  })
})
