/**
 * POST …/v3/add-clue (个人线索导入, docs/upstream.md §7.2): a new lead (`isClue` true, a personal
 * customer) with its name, mobile numbers and fields named by alias (profile-fields/map), a field's
 * name, its key or its id as text (mock/world/field-aliases.ts `resolveField`), each value checked
 * against its field's type (mock/world/field-values.ts). `data` is the new customer id, a bare
 * integer, as clients saw it.
 *
 * A mobile number a customer or lead already has (or one given twice) is
 * `40417 请求参数验证失败：电话号码重复`, as clients saw it; an unknown alias or a value its field does
 * not take is refused with `40000 请求参数验证失败：…` (our choice), and nothing changes. The lead
 * shows at once in clue/list-by-create-time-asc, created at the mock clock's time, with a type-2
 * follow-up record by the API listing what was given (our choice).
 */
import { z } from 'zod'
import { defineEndpoint } from '../core/endpoint.js'
import { stringField } from '../core/fields.js'
import { preview } from '../preview.js'
import { UpstreamError } from '../protocol/errors.js'
import { idSchema } from '../protocol/shapes.js'
import { ChangeRefused, worldChanges } from '../world/changes.js'

const mobiles = z.unknown().transform((value, ctx) => {
  if (!Array.isArray(value) || value.some((m) => typeof m !== 'string' || !/^\d+$/.test(m))) {
    ctx.addIssue({ code: 'custom', message: `mobiles 应为电话号码（数字字符串）的数组（收到 ${preview(value)}）` })
    return z.NEVER
  }
  return value as string[]
})

const fields = z.unknown().transform((value, ctx) => {
  if (!Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: `fields 应为 {alias, fieldValue} 的数组（收到 ${preview(value)}）` })
    return z.NEVER
  }
  const out: { key: string; value: unknown }[] = []
  for (const [k, item] of value.entries()) {
    const alias = typeof item === 'object' && item !== null ? (item as { alias?: unknown }).alias : undefined
    if (typeof alias !== 'string' || alias.trim() === '') {
      ctx.addIssue({ code: 'custom', message: alias === undefined || alias === null ? `fields[${k}].alias 不能为空` : `fields[${k}].alias 应为非空字符串（收到 ${preview(alias)}）` })
      return z.NEVER
    }
    const fieldValue = (item as { fieldValue?: unknown }).fieldValue
    out.push({ key: alias.trim(), value: fieldValue === undefined ? null : fieldValue })
  }
  return out
})

export const addClue = defineEndpoint({
  path: '/v3/add-clue',
  title: '个人线索导入',
  source: 'clients',
  kind: 'write',
  example: { customerName: '张三', mobiles: ['18803561678'], fields: [{ alias: '性别', fieldValue: 1 }] },
  request: () => z.object({ customerName: stringField('customerName').optional(), mobiles: mobiles.optional(), fields: fields.optional() }),
  /** The new lead's customer id. */
  data: idSchema,
  message: 'success',
  errors: ['duplicateMobile'],
  serve({ context, request }) {
    try {
      const { customerId } = worldChanges(context).addLead({ customerName: request.customerName, mobiles: request.mobiles, fields: request.fields })
      return String(customerId)
    } catch (error) {
      if (error instanceof ChangeRefused && error.reason === 'conflict' && error.issues?.includes('mobile')) throw new UpstreamError('duplicateMobile', error.message)
      if (error instanceof ChangeRefused && error.reason === 'invalid') throw new UpstreamError('validation', error.message.replace(/^invalid lead: /, ''))
      throw error
    }
  },
})
