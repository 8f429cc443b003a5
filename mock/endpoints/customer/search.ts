/**
 * POST …/v3/customer/search (高级筛选接口(新版); docs/upstream.md §7.1, [doc, clients]): customers by
 * page number, `{totalPage, pageNo, pageSize, total, data: [...]}`, filtered by `searchKey` (a mobile, a
 * name or a customer id, matched exactly), `customerId`, `salesIdList`, `departmentIdList`,
 * `createTime`, `qwCustomerTime` and `conditions`. `role` and `creditCode` are taken and ignored
 * (every follower is an owner here; companies have no credit code): docs/fidelity.md.
 *
 * Leads and customers waiting to be assigned are found too, after the customers (`--search-leads
 * include`, the default; our choice): as customers nobody follows (no follows, no WeCom identity).
 *
 * Cost: a `searchKey` or `customerId` is an index read (World.customersByKey, World.customerIndex,
 * LeadBook.byKey/indexOf: hashes in typed arrays), then the page; without either, the other filters
 * are a pass over the live customers and leads.
 *
 * `conditions`: `conditionOp` 1 all items (and, the default), 2 any item (or); an item's `name` is a
 * field key, a field name or a field id as text, `op` 1 equals one of `values`, 2 equals none of
 * them, 5 contains one of them; any other op: `40000 请求参数验证失败：…op 不支持…` (our codes).
 * Items in customer index order (the order customers were created in the world, then added).
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { beijingTimeField, integerField, stringField } from '../../core/fields.js'
import { pageNumberData, pageNumberFields, servePageNumbers } from '../../core/page-list.js'
import type { ResolvedOptions } from '../../options.js'
import { preview } from '../../preview.js'
import { UpstreamError } from '../../protocol/errors.js'
import { beijingTimeSchema } from '../../protocol/shapes.js'
import { formatBeijing } from '../../protocol/time.js'
import { resolveField } from '../../world/field-aliases.js'
import { leadAsCustomer, mobilesOf } from '../../world/leads.js'
import type { Customer } from '../../world/schema.js'
import { searchExtras } from '../../world/search-extras.js'
import { unionIdOf } from '../../world/wechat.js'
import type { World } from '../../world/world.js'

/** The op codes this fake takes (docs/fidelity.md). */
export const CONDITION_OPS = { equals: 1, notEquals: 2, contains: 5 } as const

function requestSchema(options: ResolvedOptions) {
  const id = (name: string) => integerField(options, name, '应为正整数', (n) => n > 0)
  const range = (name: string) => z.object({ start: beijingTimeField(`${name}.start`).optional(), end: beijingTimeField(`${name}.end`).optional() }, { error: `${name} 应为 {start, end}` })
  return z.object({
    ...pageNumberFields(options),
    customerId: id('customerId').optional(),
    /** A mobile, a name or a customer id (exact). */
    searchKey: stringField('searchKey').optional(),
    role: stringField('role').optional(),
    salesIdList: z.array(id('salesIdList[]'), { error: 'salesIdList 应为整数数组' }).optional(),
    departmentIdList: z.array(id('departmentIdList[]'), { error: 'departmentIdList 应为整数数组' }).optional(),
    createTime: range('createTime').optional(),
    qwCustomerTime: range('qwCustomerTime').optional(),
    conditions: z
      .object(
        {
          conditionOp: integerField(options, 'conditions.conditionOp', '只能是 1（且）或 2（或）', (n) => n === 1 || n === 2).optional(),
          conditionItems: z.array(
            z.object({
              name: stringField('conditions.conditionItems[].name'),
              op: integerField(options, 'conditions.conditionItems[].op', '应为整数', () => true),
              values: z.array(stringField('conditions.conditionItems[].values[]'), { error: 'conditions.conditionItems[].values 应为字符串数组' }).optional(),
            }),
            { error: 'conditions.conditionItems 应为数组' },
          ).optional(),
        },
        { error: 'conditions 应为 {conditionOp, conditionItems}' },
      )
      .optional(),
    creditCode: stringField('creditCode').optional(),
  })
}

/** One customer as customer/search lists it; custom fields besides, keyed by their field id as text. */
export const searchedCustomerSchema = z.looseObject({
  customerId: z.int().positive(),
  wechatNickname: z.string().nullable(),
  qwRemark: z.string().nullable(),
  isFriend: z.boolean(),
  /** 0 none, 1 deleted by the customer, 2 by the member. */
  deleteStatus: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  birthday: z.string().nullable(),
  sendChatCount: z.int().min(0),
  replyChatCount: z.int().min(0),
  shareFollows: z.array(z.object({ salesName: z.string(), followDeptNames: z.array(z.string()) })),
  tags: z.array(z.string()),
  contentTags: z.array(z.string()),
  createTime: beijingTimeSchema,
  /** When the customer was assigned (its first follow relation), or null. */
  getCreateTime: beijingTimeSchema.nullable(),
  mainFollows: z.array(z.object({ salesName: z.string(), followDeptNames: z.array(z.string()) })),
  qwLastFollowTime: beijingTimeSchema.nullable(),
  state: z.string().nullable(),
  contactList: z.array(z.object({ qwUserId: z.string(), qwCustomerTime: beijingTimeSchema })),
  groupList: z.array(z.object({ chatName: z.string() })),
  signNum: z.int().min(0),
  pointCredit: z.int().min(0),
  pointScore: z.int().min(0),
  salesStageName: z.string().nullable(),
  externalUserId: z.string().nullable(),
  unionId: z.string().nullable(),
  qwSalesId: z.int().positive().nullable(),
  /** The main follower's departments: a JSON array as text. */
  salesDeptNames: z.string(),
})

export type SearchedCustomer = z.output<typeof searchedCustomerSchema>

const data = pageNumberData('data', searchedCustomerSchema, ['totalPage', 'pageNo', 'pageSize', 'total'], 'items-last')

const valueOf = (customer: Customer, key: string | null) => (key === null ? undefined : customer.fields.find((f) => f.field === key)?.valueAsText ?? undefined)

/**
 * What a search finds: a customer index (≥ 0), or a lead or waiting customer as `-1 - lead index`
 * (with `--search-leads include`, the default). Customers come first, then leads, each in index order.
 */
export type SearchHit = number

const isLead = (hit: SearchHit) => hit < 0
const leadOf = (hit: SearchHit) => -1 - hit

/** The record a hit is (a lead read as a customer nobody follows), and its follow relations. */
function recordOf(world: World, hit: SearchHit): { customer: Customer; slots: readonly number[] } {
  if (isLead(hit)) return { customer: leadAsCustomer(world.leads().lead(leadOf(hit))), slots: [] }
  return { customer: world.customer(hit), slots: world.slotsOf(hit) }
}

/** The item of a hit. */
export function searchedCustomer(world: World, hit: SearchHit): SearchedCustomer {
  const { customer, slots } = recordOf(world, hit)
  const staff = world.staff()
  const relations = slots.map((slot) => world.relation(slot, customer))
  const follows = relations.map((r) => {
    const member = staff.byQwUserId.get(r.qwUserId)
    const followDeptNames = member ? member.departmentIds.map((d) => staff.departmentById.get(d)?.name ?? '').filter((n) => n !== '') : []
    return { salesName: member?.name ?? r.qwUserId, followDeptNames }
  })
  const friendTimes = slots.map((slot) => world.qwCustomerSec(slot))
  const extras = searchExtras(world.shape.seed, customer, slots.length)
  const stageField = world.catalog.fields.find((f) => f.outerField === 'customer_stage')
  const stage = valueOf(customer, 'customer_stage')
  const tagNames = new Map(world.catalog.tags.map((t) => [t.id, t.name]))
  const main = relations[0] ? staff.byQwUserId.get(relations[0].qwUserId) : undefined
  const item: SearchedCustomer = {
    customerId: customer.customerId,
    wechatNickname: customer.wechatNickname,
    qwRemark: relations[0]?.qwRemark ?? null,
    isFriend: extras.isFriend,
    deleteStatus: extras.deleteStatus,
    birthday: valueOf(customer, 'birthday') ?? null,
    sendChatCount: extras.sendChatCount,
    replyChatCount: extras.replyChatCount,
    shareFollows: [],
    tags: customer.tagIds.flatMap((id) => (tagNames.has(id) ? [tagNames.get(id)!] : [])),
    contentTags: [],
    createTime: formatBeijing(customer.createTime),
    getCreateTime: friendTimes.length > 0 ? formatBeijing(Math.min(...slots.map((s) => world.relations.sec[s]!))) : null,
    mainFollows: follows,
    qwLastFollowTime: friendTimes.length > 0 ? formatBeijing(Math.max(...friendTimes)) : null,
    state: extras.state,
    contactList: relations.map((r, k) => ({ qwUserId: r.qwUserId, qwCustomerTime: formatBeijing(friendTimes[k]!) })),
    groupList: extras.groupList,
    signNum: extras.signNum,
    pointCredit: extras.pointCredit,
    pointScore: extras.pointScore,
    salesStageName: stage !== undefined ? (stageField?.items.find((o) => String(o.id) === stage)?.name ?? null) : null,
    externalUserId: customer.externalUserId,
    unionId: unionIdOf(world.shape.seed, customer),
    qwSalesId: main?.salesId ?? null,
    salesDeptNames: JSON.stringify(follows[0]?.followDeptNames ?? []),
  }
  for (const f of customer.fields) {
    if (f.valueAsText === null) continue
    const definition = world.catalog.fields.find((d) => d.outerField === f.field)
    if (definition) item[String(definition.id)] = f.valueAsText
  }
  return item
}

type Request = z.output<ReturnType<typeof requestSchema>>
type Condition = NonNullable<NonNullable<Request['conditions']>['conditionItems']>[number]

/** A test of one condition item on a customer; an op this fake does not take is refused. */
function conditionTest(world: World, item: Condition, k: number): (c: Customer) => boolean {
  const definition = resolveField(world, item.name)
  if (!definition) throw new UpstreamError('validation', `conditions.conditionItems[${k}].name 不存在：${preview(item.name)}`)
  const values = item.values ?? []
  const textsOf = (c: Customer): string[] => {
    const text = valueOf(c, definition.outerField)
    if (text === undefined || text === null) return []
    return definition.type === 8 ? mobilesOf(c.fields.filter((f) => f.field === definition.outerField)) : [text]
  }
  switch (item.op) {
    case CONDITION_OPS.equals:
      return (c) => textsOf(c).some((t) => values.includes(t))
    case CONDITION_OPS.notEquals:
      return (c) => !textsOf(c).some((t) => values.includes(t))
    case CONDITION_OPS.contains:
      return (c) => textsOf(c).some((t) => values.some((v) => t.includes(v)))
    default:
      throw new UpstreamError('validation', `conditions.conditionItems[${k}].op 不支持：${item.op}（支持 1 等于、2 不等于、5 包含）`)
  }
}

/** The customers (then leads, unless `--search-leads exclude`) a request matches, in order. */
export function searchMatches(world: World, request: Request, leads: boolean): SearchHit[] {
  const tests: ((hit: SearchHit) => boolean)[] = []
  const staff = world.staff()
  const customerOf = (hit: SearchHit) => (isLead(hit) ? leadAsCustomer(world.leads().lead(leadOf(hit))) : world.customer(hit))
  const slotsOf = (hit: SearchHit) => (isLead(hit) ? [] : world.slotsOf(hit))
  // Conditions first: an op refused is refused whatever else matches.
  const items = request.conditions?.conditionItems ?? []
  if (items.length > 0) {
    const conditions = items.map((item, k) => conditionTest(world, item, k))
    const any = request.conditions?.conditionOp === 2
    tests.push((hit) => {
      const c = customerOf(hit)
      return any ? conditions.some((t) => t(c)) : conditions.every((t) => t(c))
    })
  }
  // A customer id or a lead's id, as a hit.
  const byId = (id: number): SearchHit | undefined => {
    const i = world.customerIndex(id)
    if (i !== undefined || !leads) return i
    const j = world.leads().liveIndexOf(id)
    return j === undefined ? undefined : -1 - j
  }
  let candidates: readonly SearchHit[] | undefined
  if (request.searchKey !== undefined && request.searchKey !== '') {
    const key = request.searchKey
    const found = new Set<SearchHit>(world.customersByKey(key))
    if (leads) for (const j of world.leads().byKey(key)) found.add(-1 - j)
    const hit = /^[1-9]\d{0,15}$/.test(key) ? byId(Number(key)) : undefined
    if (hit !== undefined) found.add(hit)
    candidates = inOrder([...found])
  }
  if (request.customerId !== undefined) {
    const hit = byId(request.customerId)
    candidates = hit === undefined || (candidates && !candidates.includes(hit)) ? [] : [hit]
  }
  if (request.createTime) {
    const { start, end } = request.createTime
    tests.push((hit) => {
      const sec = customerOf(hit).createTime
      return (start === undefined || sec >= start) && (end === undefined || sec <= end)
    })
  }
  const followedBy = (ok: (member: number) => boolean) => (hit: SearchHit) => slotsOf(hit).some((slot) => ok(world.relations.member[slot]!))
  if (request.salesIdList && request.salesIdList.length > 0) {
    const members = new Set(request.salesIdList.map((id) => staff.bySalesId.get(id)?.index))
    tests.push(followedBy((m) => members.has(m)))
  }
  if (request.departmentIdList && request.departmentIdList.length > 0) {
    const departments = new Set(request.departmentIdList)
    tests.push(followedBy((m) => staff.members[m]!.departmentIds.some((d) => departments.has(d))))
  }
  if (request.qwCustomerTime) {
    const { start, end } = request.qwCustomerTime
    tests.push((hit) => slotsOf(hit).some((slot) => {
      const sec = world.qwCustomerSec(slot)
      return (start === undefined || sec >= start) && (end === undefined || sec <= end)
    }))
  }
  const pass = (hit: SearchHit) => tests.every((t) => t(hit))
  if (candidates) return candidates.filter(pass)
  const out: SearchHit[] = []
  for (let i = 0; i < world.customerCount; i++) if (!world.isDeleted(i) && pass(i)) out.push(i)
  if (leads) for (let j = 0, n = world.leads().count; j < n; j++) if (!world.leads().isRemoved(j) && pass(-1 - j)) out.push(-1 - j)
  return out
}

/** Hits in search order: customers by index, then leads by index. */
function inOrder(hits: SearchHit[]): SearchHit[] {
  return hits.sort((a, b) => (isLead(a) === isLead(b) ? (isLead(a) ? b - a : a - b) : isLead(a) ? 1 : -1))
}

export const customerSearch = defineEndpoint({
  path: '/v3/customer/search',
  title: '高级筛选接口(新版)',
  source: 'doc',
  kind: 'read',
  dataSource: 'partly choice',
  example: { searchKey: '13489424519', pageNo: 1, pageSize: 10 },
  request: requestSchema,
  data,
  message: 'success',

  serve(call) {
    const world = call.context.world
    const matches = searchMatches(world, call.request, call.context.options.searchLeads === 'include')
    return servePageNumbers(call, data, {
      total: matches.length,
      items: (offset, count) => matches.slice(offset, offset + count).map((i) => searchedCustomer(world, i)),
    })
  },
})
