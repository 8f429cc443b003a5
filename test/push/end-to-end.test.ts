/**
 * Pushes end to end with the fake's own message types (no injected drafts): each world change —
 * through the signed upstream writes and the admin API — reaches a real node:http receiver on
 * 127.0.0.1 as the type docs/pushes.md names, signed, decrypted, acknowledged, its ids resolving
 * through the read endpoints.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { PUSH_CONTENT_SCHEMAS, PUSH_TYPES } from '../../mock/push/messages.js'
import { send } from '../endpoints/support.js'
import { startReceiver, type Receiver } from './receiver.js'

const receivers: Receiver[] = []
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()))
})

/** A mock registered for every type, its receiver, and a way to read what arrived since the last read. */
async function subscribed(): Promise<{ mock: Mock; inbox: Receiver; since: () => Promise<{ type: string; content: any; eventId?: string }[]> }> {
  const mock = await createMock({ seed: 'push-e2e', customers: 30, staff: 3 })
  mock.admin.setClock({ freeze: true, set: '2026-03-01 10:00:00' })
  const inbox = await startReceiver(mock.credentials)
  receivers.push(inbox)
  const answer = await send(mock, '/v2/push-register', JSON.stringify({ receiveAddress: inbox.url, subscription: PUSH_TYPES.join(',') }))
  expect(answer.json).toEqual({ code: 0, message: '已收到注册消息,请注意接收确认回调' })
  let seen = 0
  const since = async () => {
    await mock.pushes.settle()
    const fresh = inbox.received.slice(seen)
    seen = inbox.received.length
    for (const push of fresh) {
      expect(push.problem).toBeNull() // signed for this tenant, decrypted with its key
      const schema = PUSH_CONTENT_SCHEMAS[push.message!.type as keyof typeof PUSH_CONTENT_SCHEMAS]
      expect(schema.safeParse(push.message!.content).success, `${push.message!.type} ${JSON.stringify(push.message!.content)}`).toBe(true)
    }
    return fresh.map((p) => ({ type: p.message!.type, content: p.message!.content as any, ...(p.message!.eventId ? { eventId: p.message!.eventId } : {}) }))
  }
  return { mock, inbox, since }
}

describe('pushes from world changes, end to end', () => {
  it('register, then each signed write: add-clue → new_clue, relation edit-field → customer_contact_edit (eventId) and change_follow_data, customer-transfer → change_follow_data', async () => {
    const { mock, since } = await subscribed()
    expect((await since()).map((p) => p.type)).toEqual(['register'])

    const added = await send(mock, '/v3/add-clue', JSON.stringify({ customerName: '推送线索', mobiles: ['13911112222'] }))
    const clue = (await since()).find((p) => p.type === 'new_clue')!
    expect(clue.content).toMatchObject({ customerId: added.json.data, isClue: true })
    // The id resolves: the lead is in the lead list and found by search.
    expect((await send(mock, '/v3/customer/search', JSON.stringify({ customerId: clue.content.customerId }))).json.data.total).toBe(1)

    const customer = mock.world.customers().next().value!
    const relation = mock.world.relationsOf(customer.customerId)[0]!
    await send(mock, '/v3/customer-relation/edit-field', JSON.stringify({ customerId: relation.customerId, qwUserId: relation.qwUserId, field: '备注', valueAsText: '推送备注' }))
    const edits = await since()
    const contact = edits.find((p) => p.type === 'customer_contact_edit')!
    expect(contact.content).toEqual({ customerId: String(relation.customerId), contactId: String(relation.relationId) })
    expect(contact.eventId).toMatch(/^[0-9a-f]{32}$/)
    expect(edits.find((p) => p.type === 'change_follow_data')!.content).toMatchObject({ customerId: relation.customerId, qwUserId: relation.qwUserId, changeType: 'edit' })

    const to = mock.world.members().find((m) => m.qwUserId !== relation.qwUserId && !mock.world.relationsOf(relation.customerId).some((r) => r.qwUserId === m.qwUserId))!
    await send(mock, '/v3/customer-transfer', JSON.stringify({ handoverToUserid: to.qwUserId, customers: [{ qwUserId: relation.qwUserId, customerId: relation.customerId }] }))
    expect((await since()).find((p) => p.type === 'change_follow_data')!.content).toMatchObject({ customerId: relation.customerId, qwUserId: to.qwUserId, previousQwUserId: relation.qwUserId, changeType: 'transfer' })
  })

  it('admin changes: a WeChat customer → new_qw_customer and new_customer (qw-details answers its identity); tags → change_corp_tag and tag_info; deletes → delete_qw_customer and delete_customer', async () => {
    const { mock, since } = await subscribed()
    await since()
    const member = mock.world.members()[0]!
    const group = (await send(mock, '/v3/tags/list-tree', '')).json.data[0]
    const tag = mock.admin.addTag({ group: group.id, name: '推送标签' })
    const corp = (await since()).find((p) => p.type === 'change_corp_tag')!
    expect(corp.content).toMatchObject({ tagId: tag.id, currentName: '推送标签', changeType: 'create', tagType: 'tag', tagGroupId: group.id })

    const { customerId } = mock.admin.addCustomer({ fields: { name: '推送客户', mobile: ['13922223333'] }, tagIds: [tag.id], externalUserId: 'wmPUSHPUSHPUSHPUSHPUSHPUSHPUSH01', wechatNickname: '推送', followers: [{ qwUserId: member.qwUserId }] })
    const pushes = await since()
    const qw = pushes.find((p) => p.type === 'new_qw_customer')!
    expect(qw.content).toMatchObject({ externalUserId: 'wmPUSHPUSHPUSHPUSHPUSHPUSHPUSH01', qwUserId: member.qwUserId, wechatNickname: '推送' })
    const details = await send(mock, '/v2/customer/qw-details', JSON.stringify({ externalUserId: qw.content.externalUserId, qwUserId: member.qwUserId }))
    expect(details.json.data[0]).toMatchObject({ externalUserId: qw.content.externalUserId, unionId: qw.content.unionId, mobiles: qw.content.mobiles })
    expect(pushes.find((p) => p.type === 'new_customer')!.content).toMatchObject({ customerId })
    expect(pushes.find((p) => p.type === 'tag_info')!.content).toMatchObject({ customerId, tagId: tag.id, qwSalesId: member.qwUserId, changeType: 'add_qw_tag' })

    mock.admin.deleteCustomer(customerId)
    const gone = await since()
    expect(gone.find((p) => p.type === 'delete_qw_customer')!.content).toMatchObject({ externalUserId: 'wmPUSHPUSHPUSHPUSHPUSHPUSHPUSH01', qwUserId: member.qwUserId, customerId })
    expect(gone.find((p) => p.type === 'delete_customer')!.content).toEqual({ customerId })
  })

  it('the rest: edit_qw_customer and edit_customer, edit_clue, new_follow_up, delete_clue (admin and signed writes), change_customer_tag (the trigger: no world change makes it)', async () => {
    const { mock, since } = await subscribed()
    await since()
    const member = mock.world.members()[0]!
    const { customerId } = mock.admin.addCustomer({ fields: { name: '改名前' }, externalUserId: 'wmEDITEDITEDITEDITEDITEDITEDIT01', followers: [{ qwUserId: member.qwUserId }] })
    await since()
    mock.admin.updateCustomer(customerId, { wechatNickname: '新昵称', fields: { name: '改名后' } })
    const edits = await since()
    expect(edits.find((p) => p.type === 'edit_qw_customer')!.content).toMatchObject({ externalUserId: 'wmEDITEDITEDITEDITEDITEDITEDIT01', qwUserId: member.qwUserId, wechatNickname: '新昵称', changed: expect.arrayContaining(['wechatNickname']) })
    expect(edits.find((p) => p.type === 'edit_customer')!.content).toMatchObject({ customerId })

    const lead = (await send(mock, '/v3/add-clue', JSON.stringify({ customerName: '线索', mobiles: ['13944445555'] }))).json.data as number
    await since()
    await send(mock, '/v3/clue/edit-field', JSON.stringify({ customerId: lead, field: '描述', valueAsText: '已沟通' }))
    expect((await since()).find((p) => p.type === 'edit_clue')!.content).toMatchObject({ customerId: lead, isClue: true })
    const record = mock.admin.addFollowUp(lead, { content: '电话沟通', type: 1, operator: member.qwUserId })
    expect((await since()).find((p) => p.type === 'new_follow_up')!.content).toMatchObject({ followUpId: record.id, customerId: lead, qwUserId: member.qwUserId })
    mock.admin.deleteLead(lead)
    expect((await since()).find((p) => p.type === 'delete_clue')!.content).toMatchObject({ customerId: lead })

    const { message, attempt } = await mock.pushes.trigger('change_customer_tag', { qwUserId: member.qwUserId })
    expect(attempt.verdict).toBe('acked')
    expect((await since()).map((p) => p.type)).toEqual(['change_customer_tag'])
    expect(message.content).toMatchObject({ qwUserId: member.qwUserId, tagType: 'tag' })
  })

  it('only the subscribed types are sent', async () => {
    const mock = await createMock({ seed: 'push-e2e', customers: 10, staff: 2 })
    const inbox = await startReceiver(mock.credentials)
    receivers.push(inbox)
    await send(mock, '/v2/push-register', JSON.stringify({ receiveAddress: inbox.url, subscription: 'register,new_customer' }))
    await send(mock, '/v3/add-clue', JSON.stringify({ customerName: '不订阅', mobiles: ['13933334444'] }))
    mock.admin.addCustomer({ fields: { name: '订阅' }, followers: [{ qwUserId: mock.world.members()[0]!.qwUserId }] })
    await mock.pushes.settle()
    expect(inbox.received.map((p) => p.message!.type)).toEqual(['register', 'new_customer'])
  })
})
