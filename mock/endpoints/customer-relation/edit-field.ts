/**
 * POST …/v3/customer-relation/edit-field (docs/upstream.md §7.2): `{customerId, qwUserId, field,
 * valueAsText}` changes a value of a follow relation. Our choices: `field` `备注`, `qwRemark` or
 * `remark` is the relation's own value, the member's remark (`qwRemark` in the relation lists and
 * qw-details); any other name is resolved like every write's (alias, name, key, id:
 * mock/world/field-aliases.ts) to a profile field of the customer, whose values are the customer's
 * (one profile, whichever member edits it: the relation list shows the customer's `fields`).
 * `valueAsText` is the text the lists serve (a select's option id, a phones field's JSON list).
 * `data` is null; the customer's lastUpdateTime moves. An unknown customer, a member who does not
 * follow it, or an unknown field: `40000 请求参数验证失败：…`, nothing changes.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { required, stringField } from '../../core/fields.js'
import { preview } from '../../preview.js'
import { UpstreamError } from '../../protocol/errors.js'
import { worldChanges } from '../../world/changes.js'
import { resolveField } from '../../world/field-aliases.js'
import { FIELD_TYPES } from '../../world/schema.js'
import { asUpstream, customerIdField, requireCustomer, requireMember } from '../field-writes.js'

/** The names of the relation's own value, the member's remark. */
export const RELATION_REMARK_FIELDS = ['备注', 'qwRemark', 'remark'] as const

export const editRelationField = defineEndpoint({
  path: '/v3/customer-relation/edit-field',
  title: '编辑客户跟进关系字段',
  source: 'clients',
  kind: 'write',
  dataSource: 'choice',
  example: { customerId: 258658439182400, qwUserId: 'elisha', field: '备注', valueAsText: '老客户' },
  request: (options) =>
    z.object({
      customerId: customerIdField(options),
      qwUserId: required('qwUserId', stringField('qwUserId').min(1, { error: 'qwUserId 不能为空' })),
      field: required('field', stringField('field').min(1, { error: 'field 不能为空' })),
      valueAsText: stringField('valueAsText').nullable().optional(),
    }),
  data: z.null(),
  message: 'success',
  serve({ context, request }) {
    const text = request.valueAsText ?? null
    requireCustomer(context.world, request.customerId)
    requireMember(context.world, request.qwUserId)
    const world = context.world
    const member = world.memberIndex(request.qwUserId)
    if (!world.slotsOf(world.customerIndex(request.customerId)!).some((slot) => world.relations.member[slot] === member)) {
      throw new UpstreamError('validation', `qwUserId 未跟进该客户：${preview(request.qwUserId)}，customerId ${request.customerId}`)
    }
    const changes = worldChanges(context)
    if ((RELATION_REMARK_FIELDS as readonly string[]).includes(request.field)) {
      asUpstream(() => changes.editRelationField(request.customerId, request.qwUserId, null, text))
      return 'null'
    }
    const field = resolveField(context.world, request.field)
    if (!field) throw new UpstreamError('validation', `field 不存在：${preview(request.field)}`)
    let value: unknown = text
    if (text !== null && (field.type === FIELD_TYPES.phones || field.type === FIELD_TYPES.multiSelect)) {
      try {
        value = JSON.parse(text)
      } catch {
        throw new UpstreamError('validation', `valueAsText 应为 JSON 数组文本（收到 ${preview(text)}）`)
      }
    }
    asUpstream(() => changes.editRelationField(request.customerId, request.qwUserId, field, value))
    return 'null'
  },
})
