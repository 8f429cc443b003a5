/**
 * POST …/v3/contract/user-department (查询销售所有部门; docs/upstream.md §7.1, [doc]): the departments
 * a member belongs to, `[{departmentName, departmentId}]`, main one first. The member is named by
 * `qwUserId` (string), `salesId` (number), or both (then both must be the same member's).
 * Documented answer: `{"code":0,"message":"success","data":[{"departmentName":"探马企服","departmentId":3765}]}`
 * (fixtures/documented-departments.json serves it).
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { integerField, stringField } from '../../core/fields.js'
import { UpstreamError } from '../../protocol/errors.js'
import { departmentRefSchema } from '../../protocol/shapes.js'
import type { ResolvedOptions } from '../../options.js'
import { preview } from '../../preview.js'
import { departmentsOf } from '../get-users.js'

function requestSchema(options: ResolvedOptions) {
  return z
    .object({
      qwUserId: stringField('qwUserId').optional(),
      salesId: integerField(options, 'salesId', '应为正整数', (n) => n >= 1).optional(),
    })
    .refine((r) => r.qwUserId !== undefined || r.salesId !== undefined, { message: 'qwUserId 和 salesId 不能都为空' })
}

export const userDepartment = defineEndpoint({
  path: '/v3/contract/user-department',
  title: '查询销售所有部门',
  source: 'doc',
  kind: 'read',
  example: { qwUserId: 'kasey' },
  request: requestSchema,
  data: z.array(departmentRefSchema),
  message: 'success',

  serve({ request, context, log }) {
    const staff = context.world.staff()
    const byId = request.qwUserId === undefined ? undefined : staff.byQwUserId.get(request.qwUserId)
    const bySales = request.salesId === undefined ? undefined : staff.bySalesId.get(request.salesId)
    const member = request.qwUserId === undefined ? bySales : request.salesId === undefined ? byId : byId === bySales ? byId : undefined
    if (!member) {
      const who = [request.qwUserId !== undefined ? `qwUserId ${preview(request.qwUserId)}` : '', request.salesId !== undefined ? `salesId ${request.salesId}` : ''].filter(Boolean).join(' 与 ')
      if (context.options.unknownMember === 'error') throw new UpstreamError('validation', `员工不存在：${who}`)
      log.log('page', `no member with ${who}: empty list`)
      return '[]'
    }
    return JSON.stringify(departmentsOf(staff, member))
  },
})
