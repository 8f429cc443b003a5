/**
 * POST …/v3/common/user/info (获取员工id; docs/upstream.md §7.1, [clients]): a member's ids by mobile
 * number. Clients send the mobile as a JSON number (`{"mobile": 18803561683}`). The answer's shape
 * is a choice: `{salesId, qwUserId}`; an unknown mobile answers `data: null` (or, with
 * `unknownMember: error`, a validation error). A member who has left is still found.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { integerField, required } from '../../core/fields.js'
import { UpstreamError } from '../../protocol/errors.js'
import type { ResolvedOptions } from '../../options.js'

function requestSchema(options: ResolvedOptions) {
  return z.object({
    mobile: required('mobile', integerField(options, 'mobile', '应为 11 位手机号（数字）', (n) => n >= 10_000_000_000 && n <= 19_999_999_999)),
  })
}

/** A member's ids. */
export const memberIdsSchema = z.looseObject({
  /** The Tanma member id (get-users' `salesId`). */
  salesId: z.int().positive(),
  qwUserId: z.string().min(1),
})

export const userInfo = defineEndpoint({
  path: '/v3/common/user/info',
  title: '获取员工id',
  source: 'clients',
  kind: 'read',
  dataSource: 'choice',
  example: { mobile: 15876449146 },
  emptyBody: false,
  request: requestSchema,
  data: memberIdsSchema.nullable(),
  message: 'success',

  serve({ request, context, log }) {
    const member = context.world.staff().byMobile.get(String(request.mobile))
    if (!member) {
      if (context.options.unknownMember === 'error') throw new UpstreamError('validation', `员工不存在：mobile ${request.mobile}`)
      log.log('page', `no member with mobile ${request.mobile}: data null`)
      return 'null'
    }
    return JSON.stringify({ salesId: member.salesId, qwUserId: member.qwUserId })
  },
})
