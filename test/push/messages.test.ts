/**
 * Push types and contents: each type after the world change that causes it (through the upstream
 * write endpoints and the admin API), its content parsing with its schema and its ids resolving
 * through the read endpoints; and the trigger (generateDraft) for every type.
 */
import { readFileSync } from 'node:fs'
import { beforeEach, describe, expect, it } from 'vitest'
import { createMock, type Mock, type WorldEvent } from '../../mock/index.js'
import {
  addClue,
  customerSearch,
  customerTransfer,
  editClueField,
  editRelationField,
  getUsers,
  importCustomer,
  listClueFollowUps,
  listTagTree,
  qwDetails,
  updateCustomerById,
} from '../../mock/endpoints/index.js'
import { draftsForEvent, generateDraft, PUSH_CONTENT_SCHEMAS, PUSH_TYPE_TABLE, PUSH_TYPES, PushInputError, type PushDraft } from '../../mock/push/messages.js'
import { call } from '../endpoints/support.js'

const EXTERNAL = 'wmPushPushPushPushPushPushPush01'

let mock: Mock
let drafts: PushDraft[]
let events: WorldEvent[]

beforeEach(async () => {
  mock = await createMock({ seed: 'push-messages', customers: 40, staff: 4 })
  drafts = []
  events = []
  mock.events.onAny((event) => {
    events.push(event)
    drafts.push(...draftsForEvent(mock.context, event))
  })
})

const members = () => mock.world.members().map((m) => m.qwUserId)
const ofType = (type: string) => drafts.filter((d) => d.type === type)
/** The draft's content, after checking it parses with its type's schema. */
function parsed<T = Record<string, any>>(d: PushDraft): T {
  const schema = PUSH_CONTENT_SCHEMAS[d.type as keyof typeof PUSH_CONTENT_SCHEMAS]
  expect(schema, d.type).toBeDefined()
  const result = schema.safeParse(d.content)
  expect(result.success, `${d.type}: ${JSON.stringify(result.error?.issues)}`).toBe(true)
  return d.content as T
}

async function tagTree() {
  return (await call<{ id: number; name: string; qwTagId: string; tags: { id: number; name: string; qwTagId: string }[] }[]>(mock, listTagTree, {})).data
}
async function staff() {
  return (await call<{ result: { salesId: number; qwUserId: string }[] }>(mock, getUsers, { pageNo: 1, pageSize: 100 })).data.result
}
async function searched(customerId: number) {
  return (await call<{ data: { customerId: number; tags: string[]; externalUserId: string | null; contactList: { qwUserId: string }[] }[] }>(mock, customerSearch, { customerId, pageNo: 1, pageSize: 10 })).data.data
}
async function details(externalUserId: string, qwUserId?: string) {
  return (await call<Record<string, unknown>[]>(mock, qwDetails, { externalUserId, ...(qwUserId ? { qwUserId } : {}) })).data
}

/** A WeChat customer followed by two members (the admin API). */
function wechatCustomer() {
  const [a, b] = members() as [string, string]
  const added = mock.admin.addCustomer({ externalUserId: EXTERNAL, wechatNickname: '推送', wechatAvatar: 'https://wework.qpic.cn/wwhead/push/0', followers: [{ qwUserId: a }, { qwUserId: b }] })
  return { ...added, a, b }
}

describe('the table of types', () => {
  it('lists every type once, each example parsing with its schema', () => {
    expect(PUSH_TYPE_TABLE.map((r) => r.type)).toEqual([...PUSH_TYPES])
    expect(Object.keys(PUSH_CONTENT_SCHEMAS)).toEqual([...PUSH_TYPES])
    for (const row of PUSH_TYPE_TABLE) expect(PUSH_CONTENT_SCHEMAS[row.type].safeParse(row.example).success, row.type).toBe(true)
  })

  it('docs/pushes.md documents every type in its "Types" section', () => {
    const text = readFileSync(new URL('../../docs/pushes.md', import.meta.url), 'utf8')
    const section = text.split(/^## /m).find((s) => s.startsWith('Types'))
    expect(section, 'a "## Types" section').toBeDefined()
    for (const type of PUSH_TYPES) expect(section).toContain(`\`${type}\``)
  })

  it('the documented shapes keep the documented property order', () => {
    const keys = (type: keyof typeof PUSH_CONTENT_SCHEMAS) => Object.keys((PUSH_CONTENT_SCHEMAS[type] as unknown as { shape: object }).shape)
    expect(keys('new_qw_customer')).toEqual(['externalUserId', 'unionId', 'qwUserId', 'mobiles', 'wechatNickname', 'wechatAvatar'])
    expect(keys('change_corp_tag')).toEqual(['tagId', 'qwTagId', 'tagGroupId', 'tagGroupName', 'tagGroupQwId', 'tagType', 'currentName', 'changeType', 'order'])
    expect(keys('change_customer_tag')).toEqual(['userId', 'qwUserId', 'tagId', 'tagType', 'currentName', 'changeType', 'order'])
    expect(keys('tag_info')).toEqual(['customerId', 'salesId', 'qwSalesId', 'tagId', 'qwTagId', 'qwTagName', 'msgType', 'tagGroupId', 'tagGroupName', 'changeType'])
    expect(keys('customer_contact_edit')).toEqual(['customerId', 'contactId'])
  })
})

describe('pushes from world changes', () => {
  it('a WeChat customer added: new_customer, then new_qw_customer per follower, as qw-details answers each', async () => {
    const { customerId, a, b } = wechatCustomer()
    expect(drafts.map((d) => d.type).filter((t) => t !== 'tag_info')).toEqual(['new_customer', 'new_qw_customer', 'new_qw_customer'])
    expect(parsed(ofType('new_customer')[0]!)).toEqual({ customerId, type: expect.any(Number), qwUserIds: [a, b] })
    expect((await searched(customerId))[0]!.contactList.map((c) => c.qwUserId).sort()).toEqual([a, b].sort())
    for (const d of ofType('new_qw_customer')) {
      const content = parsed(d)
      const [detail] = await details(content.externalUserId, content.qwUserId)
      expect(detail).toMatchObject({ externalUserId: EXTERNAL, unionId: content.unionId, qwUserId: content.qwUserId, mobiles: content.mobiles.length ? content.mobiles : null, wechatNickname: '推送', wechatAvatar: content.wechatAvatar })
    }
  })

  it('a customer added with tags: tag_info add_qw_tag per tag, by its first follower, resolving through tags/list-tree and get-users', async () => {
    const tree = await tagTree()
    const tags = tree.flatMap((g) => g.tags.map((t) => ({ ...t, group: g }))).slice(0, 2)
    const [a] = members() as [string]
    const { customerId } = mock.admin.addCustomer({ tagIds: tags.map((t) => t.id), followers: [{ qwUserId: a }] })
    const infos = ofType('tag_info').map((d) => parsed(d))
    const salesId = (await staff()).find((m) => m.qwUserId === a)!.salesId
    expect(infos).toEqual(
      [...tags].sort((x, y) => x.id - y.id).map((t) => ({ customerId, salesId, qwSalesId: a, tagId: t.id, qwTagId: t.qwTagId, qwTagName: t.name, msgType: 'tag_info', tagGroupId: t.group.id, tagGroupName: t.group.name, changeType: 'add_qw_tag' })),
    )
    expect((await searched(customerId))[0]!.tags.sort()).toEqual(tags.map((t) => t.name).sort())
  })

  it('tags given to a customer: tag_info per tag gained and lost; edit_customer names tagIds', async () => {
    const customer = mock.world.customers().next().value!
    const all = (await tagTree()).flatMap((g) => g.tags.map((t) => t.id))
    const gained = all.filter((id) => !customer.tagIds.includes(id))[0]!
    mock.admin.updateCustomer(customer.customerId, { tagIds: [gained] })
    const infos = ofType('tag_info').map((d) => parsed(d))
    expect(infos.filter((i) => i.changeType === 'add_qw_tag').map((i) => i.tagId)).toEqual([gained])
    expect(infos.filter((i) => i.changeType === 'del_qw_tag').map((i) => i.tagId).sort()).toEqual(customer.tagIds.filter((id: number) => id !== gained).sort())
    expect(parsed(ofType('edit_customer')[0]!)).toEqual({ customerId: customer.customerId, changed: ['tagIds'] })
  })

  it('WeChat data changed: edit_qw_customer per relation, with what changed, as qw-details answers it now', async () => {
    const { customerId } = wechatCustomer()
    drafts.length = 0
    mock.admin.updateCustomer(customerId, { wechatNickname: '改名了' })
    const edits = ofType('edit_qw_customer').map((d) => parsed(d))
    expect(edits).toHaveLength(2)
    for (const edit of edits) {
      expect(edit.changed).toEqual(['wechatNickname'])
      expect((await details(edit.externalUserId, edit.qwUserId))[0]).toMatchObject({ wechatNickname: '改名了', unionId: edit.unionId })
    }
  })

  it('a relation deleted: delete_qw_customer with the externalUserId it had; qw-details no longer has that member', async () => {
    const { customerId, relationIds, a } = wechatCustomer()
    drafts.length = 0
    const relation = mock.world.relationsOf(customerId).find((r) => r.qwUserId === a)!
    expect(relationIds).toContain(relation.relationId)
    mock.admin.deleteRelation(relation.relationId)
    expect(ofType('delete_qw_customer').map((d) => parsed(d))).toEqual([{ externalUserId: EXTERNAL, qwUserId: a, customerId }])
    expect(await details(EXTERNAL, a)).toEqual([])
  })

  it('a customer deleted: delete_qw_customer per WeChat relation, then delete_customer; customer/search no longer finds it', async () => {
    const { customerId } = wechatCustomer()
    drafts.length = 0
    mock.admin.deleteCustomer(customerId)
    expect(drafts.map((d) => d.type)).toEqual(['delete_qw_customer', 'delete_qw_customer', 'delete_customer'])
    expect(parsed(drafts[2]!)).toEqual({ customerId })
    expect(await searched(customerId)).toEqual([])
  })

  it('customer-relation/edit-field: customer_contact_edit (ids as strings, with eventId) and change_follow_data edit', async () => {
    const { customerId, a } = wechatCustomer()
    drafts.length = 0
    expect((await call(mock, editRelationField, { customerId, qwUserId: a, field: 'qwRemark', valueAsText: '老朋友' })).code).toBe(0)
    const relationId = mock.world.relationsOf(customerId).find((r) => r.qwUserId === a)!.relationId
    expect(drafts.map((d) => d.type)).toEqual(['customer_contact_edit', 'change_follow_data'])
    expect(drafts[0]!.withEventId).toBe(true)
    expect(parsed(drafts[0]!)).toEqual({ customerId: String(customerId), contactId: String(relationId) })
    expect(parsed(drafts[1]!)).toEqual({ customerId, qwUserId: a, externalUserId: EXTERNAL, changeType: 'edit', previousQwUserId: null, changed: ['qwRemark'] })
    expect((await details(EXTERNAL, a))[0]).toMatchObject({ qwRemark: '老朋友' })
    // A profile value through the relation: the customer's data too.
    drafts.length = 0
    expect((await call(mock, editRelationField, { customerId, qwUserId: a, field: '描述', valueAsText: '转介绍' })).code).toBe(0)
    expect(drafts.map((d) => d.type)).toEqual(['customer_contact_edit', 'change_follow_data', 'edit_customer'])
  })

  it('customer-transfer: change_follow_data transfer, the new member following as the reads show', async () => {
    const { customerId, a } = wechatCustomer()
    const c = members().find((q) => !mock.world.relationsOf(customerId).some((r) => r.qwUserId === q))!
    drafts.length = 0
    expect((await call(mock, customerTransfer, { handoverToUserid: c, customers: [{ qwUserId: a, customerId }] })).code).toBe(0)
    expect(drafts.map((d) => parsed(d))).toEqual([{ customerId, qwUserId: c, externalUserId: EXTERNAL, changeType: 'transfer', previousQwUserId: a, changed: ['qwUserId'] }])
    expect((await details(EXTERNAL, c))).toHaveLength(1)
  })

  it('import-customer: new_customer (no WeChat identity, so no new_qw_customer); update-by-id: edit_customer', async () => {
    const [a] = members() as [string]
    const answer = await call<number>(mock, importCustomer, { qwUserId: a, fields: [{ alias: 'name', values: ['王推送'] }] })
    expect(drafts.map((d) => d.type)).toEqual(['new_customer'])
    expect(parsed(drafts[0]!)).toEqual({ customerId: answer.data, type: 1, qwUserIds: [a] })
    expect((await searched(answer.data))[0]!.customerId).toBe(answer.data)
    drafts.length = 0
    expect((await call(mock, updateCustomerById, { customerId: answer.data, fields: [{ alias: '描述', values: ['老客户'] }] })).code).toBe(0)
    expect(drafts.map((d) => parsed(d))).toEqual([{ customerId: answer.data, changed: ['fields'] }])
  })

  it('add-clue, clue/edit-field, a conversion, a follow-up record and a deletion: new_clue, edit_clue, new_follow_up, delete_clue', async () => {
    const answer = await call<number>(mock, addClue, { customerName: '张推送', mobiles: ['18800001111'] })
    expect(answer.code).toBe(0)
    const leadId = answer.data
    expect(drafts.map((d) => parsed(d))).toEqual([{ customerId: leadId, isClue: true }])
    expect((await searched(leadId))[0]!.customerId).toBe(leadId)
    drafts.length = 0
    expect((await call(mock, editClueField, { customerId: leadId, field: '描述', valueAsText: '已电话沟通' })).code).toBe(0)
    expect(drafts.map((d) => d.type)).toEqual(['edit_clue'])
    expect(parsed(drafts[0]!)).toMatchObject({ customerId: leadId, isClue: true })
    drafts.length = 0
    const [a] = members() as [string]
    const record = mock.admin.addFollowUp(leadId, { content: '电话沟通', type: 1, operator: a })
    expect(drafts.map((d) => parsed(d))).toEqual([{ followUpId: record.id, customerId: leadId, type: 1, qwUserId: a }])
    const listed = (await call<{ list: { id: number; operator: { qwUserId: string } }[] }>(mock, listClueFollowUps, { customerId: leadId })).data.list
    expect(listed.find((r) => r.id === record.id)?.operator.qwUserId).toBe(a)
    drafts.length = 0
    mock.admin.updateLead(leadId, { isClue: false })
    expect(drafts.map((d) => parsed(d))).toEqual([{ customerId: leadId, isClue: false, changed: ['isClue'] }])
    drafts.length = 0
    mock.admin.deleteLead(leadId)
    expect(drafts.map((d) => d.type)).toEqual(['delete_clue'])
    expect(parsed<{ followUpIds: number[] }>(drafts[0]!).followUpIds).toContain(record.id)
  })

  it('tag changes: change_corp_tag for a new group (tag_group) and its tag, a rename and a deletion, as tags/list-tree showed them', async () => {
    const tag = mock.admin.addTag({ group: '推送渠道', name: '抖音' })
    const tree = await tagTree()
    const groupAt = tree.findIndex((g) => g.id === tag.groupId)
    const group = tree[groupAt]!
    expect(drafts.map((d) => parsed(d))).toEqual([
      { tagId: group.id, qwTagId: group.qwTagId, tagGroupId: group.id, tagGroupName: '推送渠道', tagGroupQwId: group.qwTagId, tagType: 'tag_group', currentName: '推送渠道', changeType: 'create', order: groupAt },
      { tagId: tag.id, qwTagId: tag.qwTagId, tagGroupId: group.id, tagGroupName: '推送渠道', tagGroupQwId: group.qwTagId, tagType: 'tag', currentName: '抖音', changeType: 'create', order: 0 },
    ])
    expect(group.tags).toEqual([{ id: tag.id, name: '抖音', qwTagId: tag.qwTagId }])
    drafts.length = 0
    mock.admin.updateTag(tag.id, { name: '快手' })
    mock.admin.deleteTag(tag.id)
    expect(drafts.map((d) => parsed(d))).toEqual([
      { tagId: tag.id, qwTagId: tag.qwTagId, tagGroupId: group.id, tagGroupName: '推送渠道', tagGroupQwId: group.qwTagId, tagType: 'tag', currentName: '快手', changeType: 'update', order: 0 },
      { tagId: tag.id, qwTagId: tag.qwTagId, tagGroupId: group.id, tagGroupName: '推送渠道', tagGroupQwId: group.qwTagId, tagType: 'tag', currentName: '快手', changeType: 'delete', order: 0 },
    ])
  })

  it('changes no push type covers (members, departments, field aliases, world replaced) push nothing', async () => {
    mock.admin.addDepartment({ name: '推送部' })
    await mock.admin.reset()
    expect(events.map((e) => e.type)).toEqual(['department.added', 'world.replaced'])
    expect(drafts).toEqual([])
  })
})

describe('the trigger (generateDraft)', () => {
  it('makes every type from the world, its content parsing, deterministically for the same world', async () => {
    const other = await createMock({ seed: 'push-messages', customers: 40, staff: 4 })
    for (const type of PUSH_TYPES) {
      const made = generateDraft(mock.context, type)
      expect(made.type).toBe(type)
      parsed(made)
      expect(generateDraft(other.context, type)).toEqual(made)
    }
    expect(generateDraft(mock.context, 'customer_contact_edit').withEventId).toBe(true)
    expect(generateDraft(mock.context, 'register').content).toBe('hello')
  })

  it('generated ids resolve through the read endpoints', async () => {
    const qw = parsed(generateDraft(mock.context, 'new_qw_customer'))
    expect((await details(qw.externalUserId, qw.qwUserId))[0]).toMatchObject({ unionId: qw.unionId, wechatNickname: qw.wechatNickname })
    const info = parsed(generateDraft(mock.context, 'tag_info'))
    expect((await staff()).find((m) => m.salesId === info.salesId)?.qwUserId).toBe(info.qwSalesId)
    expect((await searched(info.customerId))[0]!.contactList.map((c) => c.qwUserId)).toContain(info.qwSalesId)
    expect((await tagTree()).find((g) => g.id === info.tagGroupId)?.tags.find((t) => t.id === info.tagId)?.qwTagId).toBe(info.qwTagId)
    const contact = parsed(generateDraft(mock.context, 'customer_contact_edit'))
    expect(mock.world.relationsOf(Number(contact.customerId)).map((r) => String(r.relationId))).toContain(contact.contactId)
  })

  it('given fields win, and those naming world things pick what the rest is made from', async () => {
    const [a, b] = members() as [string, string]
    const byMember = parsed(generateDraft(mock.context, 'new_qw_customer', { qwUserId: b, wechatNickname: '给定' }))
    expect(byMember).toMatchObject({ qwUserId: b, wechatNickname: '给定' })
    expect(await details(byMember.externalUserId, b)).toHaveLength(1)
    const { customerId } = wechatCustomer()
    expect(parsed(generateDraft(mock.context, 'new_qw_customer', { externalUserId: EXTERNAL, qwUserId: a }))).toMatchObject({ externalUserId: EXTERNAL, qwUserId: a, wechatNickname: '推送' })
    const tag = mock.admin.addTag({ group: '推送渠道', name: '抖音' })
    expect(parsed(generateDraft(mock.context, 'change_corp_tag', { tagId: tag.id, changeType: 'delete' }))).toMatchObject({ tagId: tag.id, qwTagId: tag.qwTagId, tagGroupId: tag.groupId, currentName: '抖音', changeType: 'delete' })
    expect(parsed(generateDraft(mock.context, 'change_corp_tag', { tagType: 'tag_group', tagGroupId: tag.groupId }))).toMatchObject({ tagId: tag.groupId, tagType: 'tag_group', currentName: '推送渠道' })
    expect(parsed(generateDraft(mock.context, 'tag_info', { customerId, qwSalesId: b, tagId: tag.id, changeType: 'del_qw_tag' }))).toMatchObject({ customerId, qwSalesId: b, tagId: tag.id, qwTagName: '抖音', changeType: 'del_qw_tag' })
    const relationId = mock.world.relationsOf(customerId)[0]!.relationId
    expect(generateDraft(mock.context, 'customer_contact_edit', { contactId: String(relationId) }).content).toEqual({ customerId: String(customerId), contactId: String(relationId) })
    expect(generateDraft(mock.context, 'register', { content: 'hi' }).content).toBe('hi')
  })

  it.each<[string, string, Record<string, unknown>, string]>([
    ['an unknown type', 'no_such_type', {}, 'type'],
    ['a field not in the type', 'new_qw_customer', { nickname: 'x' }, 'nickname'],
    ['a field of the wrong type', 'new_qw_customer', { mobiles: '13800000000' }, 'mobiles'],
    ['a number where the docs say ids are strings', 'customer_contact_edit', { customerId: 5678129812129812 }, 'customerId'],
    ['an unknown member', 'new_qw_customer', { qwUserId: 'nobody' }, 'qwUserId'],
    ['an unknown externalUserId', 'edit_qw_customer', { externalUserId: 'wmNobodyNobodyNobodyNobodyNobody' }, 'externalUserId'],
    ['an unknown tag', 'change_corp_tag', { tagId: 1 }, 'tagId'],
    ['a value outside the enumeration', 'change_corp_tag', { changeType: 'rename' }, 'changeType'],
    ['an unknown salesId', 'tag_info', { salesId: 1 }, 'salesId'],
    ['an unknown customer', 'delete_customer', { customerId: 1 }, 'customerId'],
    ['an unknown lead', 'edit_clue', { customerId: 1 }, 'customerId'],
    ['an unknown contact', 'customer_contact_edit', { contactId: '1' }, 'contactId'],
    ['an unknown follow-up record', 'new_follow_up', { followUpId: 1 }, 'followUpId'],
    ['a register content that is not text', 'register', { content: 1 }, 'content'],
  ])('refuses %s, naming the field', (_what, type, given, field) => {
    let error: unknown
    try {
      generateDraft(mock.context, type, given)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PushInputError)
    expect((error as PushInputError).field).toBe(field)
    expect((error as PushInputError).message).toContain(field === 'type' ? 'known: register, new_qw_customer' : field)
  })

  it('refuses fields that name different things', () => {
    const [a] = members() as [string]
    const { customerId } = wechatCustomer()
    const stranger = members().find((q) => !mock.world.relationsOf(customerId).some((r) => r.qwUserId === q))!
    expect(() => generateDraft(mock.context, 'new_qw_customer', { externalUserId: EXTERNAL, qwUserId: stranger })).toThrow(/qwUserId: member .* does not follow/)
    const other = mock.world.members().find((m) => m.qwUserId !== a)!.qwUserId
    const info = generateDraft(mock.context, 'tag_info', { qwSalesId: other })
    expect(() => generateDraft(mock.context, 'tag_info', { qwSalesId: a, salesId: (info.content as { salesId: number }).salesId })).toThrow(/qwSalesId: "\w+" is not the member the other fields name/)
  })
})
