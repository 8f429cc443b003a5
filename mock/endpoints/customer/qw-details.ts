/**
 * POST …/v2/customer/qw-details (按企微客户id获取详情, docs/upstream.md §7.1): the WeChat identity of
 * an external contact as each member who has it as a friend sees it (mock/world/wechat.ts): a list
 * of 8-property objects. With `qwUserId`, that member's relation only; without it (our choice),
 * every member's. The eighth property is our choice, `qwDetailsExtra`: `qwRemark` by default, the
 * member's remark (per relation, as the relation list shows it); or `customerId`, `wechatLocation`.
 * The data schema is the default's. An unknown `externalUserId`, or a member who does not have the
 * contact, answers an empty list.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { required, stringField } from '../../core/fields.js'
import { beijingTimeSchema } from '../../protocol/shapes.js'
import { qwIdentity, slotsOfExternalUser } from '../../world/wechat.js'

export const qwDetailSchema = z.object({
  qwUserId: z.string(),
  externalUserId: z.string(),
  unionId: z.string().nullable(),
  qwCustomerTime: beijingTimeSchema.nullable(),
  mobiles: z.array(z.string()).nullable(),
  wechatNickname: z.string().nullable(),
  wechatAvatar: z.string().nullable(),
  qwRemark: z.string().nullable(),
})

export const qwDetails = defineEndpoint({
  path: '/v2/customer/qw-details',
  title: '按企微客户id获取详情',
  source: 'doc',
  kind: 'read',
  dataSource: 'partly choice',
  example: { externalUserId: 'wmRWhHPg7wcddoTKHMcEinGs02XJqW4v', qwUserId: 'elisha' },
  request: () =>
    z.object({
      externalUserId: required('externalUserId', stringField('externalUserId').min(1, { error: 'externalUserId 不能为空' })),
      qwUserId: stringField('qwUserId').optional(),
    }),
  data: z.array(qwDetailSchema),
  message: 'success',
  serve({ context, request }) {
    const world = context.world
    const details = slotsOfExternalUser(world, request.externalUserId)
      .filter((slot) => request.qwUserId === undefined || world.memberList[world.relations.member[slot]!]!.qwUserId === request.qwUserId)
      .map((slot) => qwIdentity(world, slot, context.options.qwDetailsExtra))
      .filter((d) => d !== null)
    return JSON.stringify(details)
  },
})
