/**
 * POST …/v3/clue/edit-field (docs/upstream.md §7.2): `{"customerId": …, "field": "描述", "valueAsText":
 * "…"}` changes one field of a lead or waiting customer. The field is named by alias, name, key or
 * id as text (`resolveField`); `valueAsText` is the value as the lists show it (an option id or
 * name for a select, a JSON list as text — or numbers separated by commas — for phones).
 *
 * Our choices: `data` is null; `lastUpdateTime` moves to the mock clock's time and a type-2
 * follow-up record by the API says what changed (`修改了客户的信息:\n“描述: …”`); an unknown
 * `customerId` (or a followed customer's), an unknown field or a value the field does not take is
 * `40000 请求参数验证失败：…`, and nothing changes.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { integerField, required, stringField } from '../../core/fields.js'
import { UpstreamError } from '../../protocol/errors.js'
import type { ResolvedOptions } from '../../options.js'
import { ChangeRefused, worldChanges } from '../../world/changes.js'

function requestSchema(options: ResolvedOptions) {
  return z.object({
    customerId: required('customerId', integerField(options, 'customerId', '应为客户 id（整数）', (n) => n > 0)),
    field: required('field', stringField('field').min(1, { error: 'field 不能为空' })),
    /** Absent or null clears the value. */
    valueAsText: stringField('valueAsText').nullable().optional(),
  })
}

export const editClueField = defineEndpoint({
  path: '/v3/clue/edit-field',
  // No vendor title is public (clients name only the path): our gloss.
  title: '修改线索字段',
  source: 'clients',
  kind: 'write',
  dataSource: 'choice',
  example: { customerId: 262448559480928, field: '描述', valueAsText: '已电话沟通' },
  request: requestSchema,
  data: z.null(),
  message: 'success',
  serve({ context, request }) {
    try {
      worldChanges(context).editLeadField(request.customerId, request.field, request.valueAsText ?? null)
    } catch (error) {
      if (error instanceof ChangeRefused && error.reason === 'missing') throw new UpstreamError('validation', `customerId 不存在：${request.customerId}`)
      if (error instanceof ChangeRefused && error.reason === 'invalid') throw new UpstreamError('validation', error.message.replace(/^invalid lead: /, ''))
      throw error
    }
    return 'null'
  },
})
