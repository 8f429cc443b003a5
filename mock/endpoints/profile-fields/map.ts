/**
 * POST …/v3/profile-fields/map (字段映射, docs/upstream.md §7.1): `{"fieldId": "104220", "alias":
 * "姓名"}` gives a field an alias the write endpoints then accept where they name a field
 * (mock/world/field-aliases.ts resolves it). `fieldId` is a string of digits, as the client sends
 * it. Our choices: `data` is null; an unknown field is `40000 请求参数验证失败：fieldId 不存在：…`;
 * an alias another field had moves to this one; mapping again replaces the field's alias.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { required } from '../../core/fields.js'
import { preview } from '../../preview.js'
import { UpstreamError } from '../../protocol/errors.js'
import type { ResolvedOptions } from '../../options.js'
import { ChangeRefused, worldChanges } from '../../world/changes.js'

function requestSchema(options: ResolvedOptions) {
  const fieldId = z.unknown().transform((raw, ctx) => {
    // Lenient types: a number is taken for its digits, as Jackson coerces a scalar to String.
    const value = options.types === 'lenient' && typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw
    if (typeof value !== 'string' || !/^\d{1,16}$/.test(value.trim())) {
      ctx.addIssue({ code: 'custom', message: `fieldId 应为字段 id 的数字字符串（收到 ${preview(raw)}）` })
      return z.NEVER
    }
    return Number(value.trim())
  })
  const alias = z.unknown().transform((value, ctx) => {
    if (typeof value !== 'string' || value.trim() === '') {
      ctx.addIssue({ code: 'custom', message: `alias 应为非空字符串（收到 ${preview(value)}）` })
      return z.NEVER
    }
    return value.trim()
  })
  return z.object({ fieldId: required('fieldId', fieldId), alias: required('alias', alias) })
}

export const mapProfileField = defineEndpoint({
  path: '/v3/profile-fields/map',
  title: '字段映射',
  source: 'clients',
  kind: 'write',
  dataSource: 'choice',
  example: { fieldId: '253211443480640', alias: '姓名' },
  request: requestSchema,
  data: z.null(),
  message: 'success',
  serve({ context, request, body }) {
    try {
      worldChanges(context).mapFieldAlias(request.fieldId, request.alias)
    } catch (error) {
      if (error instanceof ChangeRefused && error.reason === 'missing') throw new UpstreamError('validation', `fieldId 不存在：${preview((body as { fieldId?: unknown }).fieldId)}`)
      throw error
    }
    return 'null'
  },
})
