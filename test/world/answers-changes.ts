/** A fixed set of changes to a world (admin and API writes: customers, relations, members, tags, leads, transfers, remarks). */
import { addClue, customerTransfer, editRelationField, updateCustomerById } from '../../mock/endpoints/index.js'
import type { Mock } from '../../mock/index.js'
import { call } from '../endpoints/support.js'

const ok = async (envelope: Promise<{ code: number; message: string }>) => {
  const answer = await envelope
  if (answer.code !== 0) throw new Error(`change refused: ${answer.message}`)
}

export async function changeWorld(mock: Mock): Promise<void> {
  const { admin } = mock
  const world = mock.context.world
  const members = world.memberList.map((m) => m.qwUserId)
  const customerId = (i: number) => world.customerIdAt(i)
  const added = admin.addCustomer({ type: 2, companyName: '杭州测试有限公司', fields: { name: '王五', mobile: ['13900000001'] }, createTime: '2026-10-20 10:00:00', followers: [{ qwUserId: members[0]! }, { qwUserId: members[3]!, qwRemark: '老客户' }] })
  admin.addCustomer({ fields: { name: '赵六' }, followers: [{ qwUserId: members[1]!, createTime: '2020-05-05 08:00:00' }] })
  admin.updateCustomer(customerId(5), { fields: { name: '改名了' }, type: 2 })
  admin.updateCustomer(added.customerId, { fields: { mobile: ['13900000002'] } })
  admin.deleteCustomer(customerId(7))
  const { relationId } = admin.addRelation({ customerId: customerId(11), qwUserId: members[4]!, qwRemark: null })
  admin.deleteRelation(world.relations.id[world.slotsOf(13)[0]!]!)
  admin.addMember({ qwUserId: 'newbie', name: '新人' })
  admin.addRelation({ customerId: customerId(17), qwUserId: 'newbie' })
  const tag = admin.addTag({ group: '新分组', name: '新标签' })
  admin.updateCustomer(customerId(19), { tagIds: [tag.id] })
  const lead = admin.addLead({ fields: { name: '线索甲', mobile: ['13900000003'] } }) as { customerId: number }
  admin.addFollowUp(lead.customerId, { content: '打过电话', type: 1 })
  await ok(call(mock, addClue, { customerName: '线索乙', mobiles: ['13900000004'] }))
  const first = world.relations.member[world.slotsOf(23)[0]!]!
  await ok(call(mock, customerTransfer, { handoverToUserid: members[(first + 1) % members.length], customers: [{ qwUserId: members[first], customerId: customerId(23) }] }))
  const follower = world.memberList[world.relations.member[world.slotsOf(29)[0]!]!]!.qwUserId
  await ok(call(mock, editRelationField, { customerId: customerId(29), qwUserId: follower, field: '备注', valueAsText: '改过的备注' }))
  await ok(call(mock, updateCustomerById, { customerId: customerId(31), fields: [{ alias: '描述', values: ['老客户'] }] }))
  void relationId
}
