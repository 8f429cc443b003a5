/**
 * POST …/v3/customer-transfer (转移客户, docs/upstream.md §7.2): `{handoverToUserid, customers:
 * [{qwUserId, customerId}]}` moves each customer's relation from `qwUserId` to the member
 * `handoverToUserid`. Our choices: `data` one `{customerId, qwUserId, moved, reason}` per customer,
 * in request order (`reason` null when it moved; a customer that is unknown, not followed by
 * `qwUserId`, or already followed by the new member does not move, the others do); an unknown
 * `handoverToUserid`: `40000 请求参数验证失败：…`, nothing moves. A moved relation keeps its id
 * and creation time (a sweep of all relations sees it once, in its place, now with the new member;
 * a sweep of the new member's list that has passed its place does not see it: the
 * `relation.transferred` event says so); its qwCustomerTime becomes the transfer's time.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { required, stringField } from '../../core/fields.js'
import { preview } from '../../preview.js'
import { UpstreamError } from '../../protocol/errors.js'
import { idSchema } from '../../protocol/shapes.js'
import { worldChanges } from '../../world/changes.js'
import { asUpstream, customerIdField } from '../field-writes.js'

export const transferOutcomeSchema = z.object({
  customerId: idSchema,
  qwUserId: z.string(),
  moved: z.boolean(),
  reason: z.string().nullable(),
})

export const customerTransfer = defineEndpoint({
  path: '/v3/customer-transfer',
  title: '转移客户',
  source: 'clients',
  kind: 'write',
  dataSource: 'choice',
  example: { handoverToUserid: 'kasey', customers: [{ qwUserId: 'elisha', customerId: 258658439182400 }] },
  request: (options) =>
    z.object({
      handoverToUserid: required('handoverToUserid', stringField('handoverToUserid').min(1, { error: 'handoverToUserid 不能为空' })),
      customers: required(
        'customers',
        z.array(
          z.object({
            qwUserId: required('customers[].qwUserId', stringField('customers[].qwUserId')),
            customerId: customerIdField(options),
          }),
          { error: (issue) => `customers 应为数组（收到 ${preview(issue.input)}）` },
        ).min(1, { error: 'customers 不能为空' }),
      ),
    }),
  data: z.array(transferOutcomeSchema),
  message: 'success',
  serve({ context, request }) {
    if (context.world.memberIndex(request.handoverToUserid) === undefined) throw new UpstreamError('validation', `handoverToUserid 不存在：${preview(request.handoverToUserid)}`)
    return JSON.stringify(asUpstream(() => worldChanges(context).transferRelations(request.handoverToUserid, request.customers)))
  },
})
