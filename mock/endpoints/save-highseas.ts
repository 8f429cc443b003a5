/**
 * POST …/v3/save-highseas (公海; docs/upstream.md §7.2, [clients]): a JSON **array** of new customers,
 * `[{"fields": [{"id": 104220, "value": ["…"]}]}]`, each field named by its id (not an alias) with its
 * value as a list. Our choices: the new customers are waiting to be assigned (待分配客户: no follower,
 * `isClue` false), listed at once by clue/list-by-create-time-asc; `data` their ids, in the order
 * given. A value list holds the values of a phones or multi-select field, one value otherwise (`[]`
 * clears). An unknown field id, a value its field does not take, or more than one value for a
 * single-valued field: `40000 请求参数验证失败：…`; a mobile a customer or lead has (or given twice):
 * `40417 请求参数验证失败：电话号码重复`, as add-clue's. All or none: a refusal adds nothing.
 * `lead.added` per new customer.
 */
import { z } from 'zod'
import { defineEndpoint } from '../core/endpoint.js'
import { preview } from '../preview.js'
import { UpstreamError } from '../protocol/errors.js'
import { idSchema } from '../protocol/shapes.js'
import { ChangeRefused, worldChanges, type FieldValueChange } from '../world/changes.js'

const MULTI_VALUED = new Set([6, 8])

const fieldItem = z.object(
  {
    id: z.unknown().transform((value, ctx) => {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
        ctx.addIssue({ code: 'custom', message: value === undefined || value === null ? '[].fields[].id 不能为空' : `[].fields[].id 应为字段id（整数，收到 ${preview(value)}）` })
        return z.NEVER
      }
      return value
    }),
    value: z.array(z.string(), { error: (issue) => `[].fields[].value 应为字符串数组（收到 ${preview(issue.input)}）` }).nullish(),
  },
  { error: (issue) => `[].fields[] 应为 {id, value}（收到 ${preview(issue.input)}）` },
)

const requestSchema = () =>
  z.array(
    z.object({ fields: z.array(fieldItem, { error: (issue) => `[].fields 应为数组（收到 ${preview(issue.input)}）` }) }, { error: (issue) => `[] 应为 {fields}（收到 ${preview(issue.input)}）` }),
    { error: (issue) => `请求体应为数组（收到 ${preview(issue.input)}）` },
  )

export const newCustomerIdsSchema = z.array(idSchema)

export const saveHighseas = defineEndpoint({
  path: '/v3/save-highseas',
  title: '公海',
  source: 'clients',
  kind: 'write',
  dataSource: 'choice',
  example: [{ fields: [{ id: 253211443480640, value: ['王小明'] }] }],
  request: requestSchema,
  data: newCustomerIdsSchema,
  message: 'success',
  errors: ['duplicateMobile'],
  serve({ context, request }) {
    const world = context.world
    const items = request.map((item, k) =>
      item.fields.map(({ id, value }, j): FieldValueChange => {
        const field = world.catalog.fields.find((f) => f.id === id)
        if (!field) throw new UpstreamError('validation', `[${k}].fields[${j}].id 不存在：${id}`)
        const values = value ?? []
        if (MULTI_VALUED.has(field.type)) return { field, value: values }
        if (values.length > 1) throw new UpstreamError('validation', `[${k}].fields[${j}].value：字段 ${id} 只取一个值（收到 ${values.length} 个）`)
        return { field, value: values[0] ?? null }
      }),
    )
    try {
      return JSON.stringify(worldChanges(context).addWaitingCustomers(items).customerIds)
    } catch (error) {
      if (error instanceof ChangeRefused && error.reason === 'conflict' && error.issues?.includes('mobile')) throw new UpstreamError('duplicateMobile', error.message)
      if (error instanceof ChangeRefused && error.reason === 'invalid') throw new UpstreamError('validation', error.message.replace(/^invalid [^:]*: /, ''))
      throw error
    }
  },
})
