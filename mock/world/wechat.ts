/**
 * WeChat (WeCom) identities of follow relations and the WeCom follow data on them
 * (docs/upstream.md §7.1: customer/qw-details, customer/follow/qw-list-by-customer).
 *
 * One external contact has one `externalUserId` per corp, whichever member sees it, so the
 * identity's `externalUserId`, `unionId`, nickname and avatar are the customer's; what differs per
 * relation is when that member added the friend (`qwCustomerTime`: the relation's creation, or its
 * transfer), the member's remark and the mobiles the member noted (`mobiles`, WeCom's remark
 * mobiles). Everything new is drawn lazily from streams of its own (nothing existing moves): the
 * unionId per customer id, the mobiles per (customer id, member), the follow records per relation
 * id — so an exported and reloaded world (same seed) answers the same.
 */
import { formatBeijing } from '../protocol/time.js'
import { hashString, stream } from './generate/rng.js'
import { URL_SAFE } from './generate/pools.js'
import type { Customer } from './schema.js'
import type { World } from './world.js'

const S = {
  unionId: hashString('customer.union_id'),
  mobiles: hashString('relation.mobiles'),
  follow: hashString('relation.follow'),
}

/** One relation's WeChat identity, as qw-details answers it (property order is the answer's). */
export interface QwIdentity {
  qwUserId: string
  externalUserId: string
  unionId: string | null
  qwCustomerTime: string | null
  mobiles: string[] | null
  wechatNickname: string | null
  wechatAvatar: string | null
  /** The eighth property (our choice): the member's remark on the customer, as the relation list shows it. */
  qwRemark: string | null
}

/** Streams keyed by the customer id (not its index, which an export and reload of a world with deletions moves). */
const idKeys = (customerId: number): [number, number] => [customerId % 0x1_0000_0000, Math.floor(customerId / 0x1_0000_0000)]

/** A customer's WeChat unionId: `o` + 27 url-safe characters for most WeChat users, null for some (no open-platform binding). */
export function unionIdOf(seed: number, customer: Customer): string | null {
  if (customer.externalUserId === null) return null
  const rng = stream(seed, S.unionId, ...idKeys(customer.customerId))
  return rng.chance(0.75) ? 'o' + rng.chars(URL_SAFE, 27) : null
}

/** The mobiles a member noted on the friend (WeCom remark mobiles): usually the customer's phones, sometimes none (null). */
export function relationMobiles(seed: number, qwUserId: string, customer: Customer): string[] | null {
  const [low, high] = idKeys(customer.customerId)
  const rng = stream(seed, S.mobiles, low, high ^ hashString(qwUserId))
  const phones = customer.fields.find((f) => f.field === 'mobile' || f.type === 8)?.valueAsText
  let list: string[] = []
  try {
    const parsed: unknown = phones ? JSON.parse(phones) : []
    if (Array.isArray(parsed)) list = parsed.filter((p): p is string => typeof p === 'string')
  } catch {
    list = []
  }
  if (list.length === 0 || rng.chance(0.3)) return null
  return rng.chance(0.8) ? list : list.slice(0, 1)
}

/** The relation in `slot` as qw-details answers it, or null when its customer has no WeCom identity. */
export function qwIdentity(world: World, slot: number, extra: 'qwRemark' | 'customerId' | 'wechatLocation' = 'qwRemark'): Record<string, unknown> | null {
  const index = world.relations.customer[slot]!
  const customer = world.customer(index)
  if (customer.externalUserId === null) return null
  const relation = world.relation(slot, customer)
  const identity: QwIdentity = {
    qwUserId: relation.qwUserId,
    externalUserId: customer.externalUserId,
    unionId: unionIdOf(world.shape.seed, customer),
    qwCustomerTime: formatBeijing(world.qwCustomerSec(slot)),
    mobiles: relationMobiles(world.shape.seed, relation.qwUserId, customer),
    wechatNickname: customer.wechatNickname,
    wechatAvatar: customer.wechatAvatar,
    qwRemark: relation.qwRemark,
  }
  if (extra === 'qwRemark') return { ...identity }
  const { qwRemark: _remark, ...seven } = identity
  return { ...seven, [extra]: extra === 'customerId' ? customer.customerId : customer.wechatLocation }
}

/** The live relation slots of the customer with this externalUserId, in key order (none for an unknown one). */
export function slotsOfExternalUser(world: World, externalUserId: string): number[] {
  const index = world.customerByExternalUserId(externalUserId)
  if (index === undefined) return []
  const t = world.relations
  return [...world.slotsOf(index)].sort((a, b) => t.sec[a]! - t.sec[b]! || t.nanos[a]! - t.nanos[b]! || t.id[a]! - t.id[b]!)
}

/** One WeCom follow record (qw-list-by-customer's item). */
export interface QwFollowRecord {
  id: number
  qwUserId: string
  externalUserId: string
  content: string
  followType: number
  gmtCreateTime: string
}

const NOTES = [
  '电话沟通，客户对产品有兴趣，约下周演示',
  '已发送报价单，等待客户反馈',
  '客户表示预算有限，下季度再议',
  '微信回访，客户在比较其他方案',
  '上门拜访，见到了决策人',
  '客户要求试用账号，已开通',
  '节日问候',
  '客户咨询售后服务条款',
]
const CHANGES = ['客户阶段: 需求确认', '客户阶段: 方案报价', '购买意向: 强烈', '客户来源: 转介绍', '地址: 已更新']

/**
 * The WeCom follow records of the relation in `slot`: 0 to 4, drawn from the relation id (they
 * stay with a transferred relation), after the member added the friend and before the world's end,
 * oldest first. `followType` 1 is a note the member wrote; 2 a change the system recorded
 * (`修改了客户的信息:\n“…”`, like clue/list-follow-up's type 2).
 */
export function followRecords(world: World, slot: number, nowSec: number): QwFollowRecord[] {
  const customer = world.customer(world.relations.customer[slot]!)
  if (customer.externalUserId === null) return []
  const relationId = world.relations.id[slot]!
  const rng = stream(world.shape.seed, S.follow, relationId % 0x1_0000_0000, Math.floor(relationId / 0x1_0000_0000))
  const count = rng.weighted([3, 5, 7, 8, 9])
  const from = world.relations.sec[slot]!
  const until = Math.max(from, Math.min(world.shape.untilSec, nowSec))
  const qwUserId = world.memberList[world.relations.member[slot]!]!.qwUserId
  const records: QwFollowRecord[] = []
  const times = Array.from({ length: count }, () => from + rng.int(until - from + 1)).sort((a, b) => a - b)
  for (let k = 0; k < count; k++) {
    const system = rng.chance(0.25)
    records.push({
      id: relationId * 8 + k,
      qwUserId,
      externalUserId: customer.externalUserId,
      content: system ? `修改了客户的信息:\n“${rng.pick(CHANGES)}”` : rng.pick(NOTES),
      followType: system ? 2 : 1,
      gmtCreateTime: formatBeijing(times[k]!),
    })
  }
  return records
}
