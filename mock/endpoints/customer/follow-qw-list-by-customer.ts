/**
 * POST …/v2/customer/follow/qw-list-by-customer (获取指定企微客户的跟进数据, 将废弃; docs/upstream.md
 * §7.1): the WeCom follow records of an external contact, every member's relation in relation
 * order, each relation's oldest first (mock/world/wechat.ts draws them from the relation id). Our
 * choices: `followType` 1 a note the member wrote, 2 a change the system recorded; the records stay
 * with a transferred relation and show its member now; an unknown `externalUserId` answers `[]`.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { required, stringField } from '../../core/fields.js'
import { beijingTimeSchema } from '../../protocol/shapes.js'
import { followRecords, slotsOfExternalUser } from '../../world/wechat.js'

export const qwFollowRecordSchema = z.object({
  id: z.int().positive(),
  qwUserId: z.string(),
  externalUserId: z.string(),
  content: z.string(),
  followType: z.int(),
  gmtCreateTime: beijingTimeSchema,
})

export const qwListByCustomer = defineEndpoint({
  path: '/v2/customer/follow/qw-list-by-customer',
  title: '获取指定企微客户的跟进数据',
  source: 'doc',
  kind: 'read',
  example: { externalUserId: 'wmRWhHPg7wcddoTKHMcEinGs02XJqW4v' },
  request: () => z.object({ externalUserId: required('externalUserId', stringField('externalUserId').min(1, { error: 'externalUserId 不能为空' })) }),
  data: z.array(qwFollowRecordSchema),
  message: 'success',
  serve({ context, request }) {
    const world = context.world
    const nowSec = Math.floor(context.clock.now() / 1000)
    return JSON.stringify(slotsOfExternalUser(world, request.externalUserId).flatMap((slot) => followRecords(world, slot, nowSec)))
  },
})
