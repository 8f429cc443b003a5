/**
 * Push message types and their contents (docs/upstream.md §8): which world change causes which
 * push, and the content each type carries, generated from the world (so every id in it resolves
 * through the read endpoints). The delivery (mock/push/delivery.ts) gives each draft its msgId,
 * noise and eventId, encrypts and sends it.
 *
 * The content shapes are in mock/push/contents.ts (one zod schema per type); the table of types
 * (PUSH_TYPE_TABLE) says what causes each, and docs/pushes.md lists them. A change is read from its
 * event and from the world as it is after the change; what the change removed comes in the event
 * (relation.deleted's externalUserId, tag.deleted's tag, customer.changed's tagsAdded/tagsRemoved).
 */
import type { MockContext } from '../core/context.js'
import type { WorldEvent } from '../world/events.js'
import { hashString, stream, type Rng } from '../world/generate/rng.js'
import type { SalesMember } from '../world/generate/staff.js'
import type { Tag } from '../world/schema.js'
import type { TagTreeGroup } from '../world/tag-groups.js'
import { qwIdentity } from '../world/wechat.js'
import type { World } from '../world/world.js'
import { PUSH_CONTENT_SCHEMAS, type PushContent, type PushType } from './contents.js'

export { PUSH_CONTENT_SCHEMAS, type PushContent, type PushType } from './contents.js'

/** What a push says before delivery numbers it. */
export interface PushDraft {
  readonly type: string
  readonly content: unknown
  /** Whether the type carries a top-level string `eventId` (customer_contact_edit). */
  readonly withEventId?: boolean
}

/** A trigger or a content the fake cannot make: the message names the type or the field. */
export class PushInputError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'PushInputError'
  }
}

/** Every type the fake can push, documented or chosen. */
export const PUSH_TYPES: readonly string[] = Object.keys(PUSH_CONTENT_SCHEMAS)

/** Types whose message carries a top-level string `eventId` [doc]. */
const WITH_EVENT_ID: ReadonlySet<string> = new Set(['customer_contact_edit'])

/** One row of the table of types: whence the type, what causes it, an example content. */
export interface PushTypeRow {
  readonly type: PushType
  /** `doc`: named and shaped by the docs; `doc-name`: named by the docs, shape ours; `choice`: name and shape ours. */
  readonly source: 'doc' | 'doc-name' | 'choice'
  /** The world changes (events) that cause it; "trigger only" when none does. */
  readonly cause: string
  readonly example: unknown
}

const X = 'wmRWhHPg7wcddoTKHMcEinGs02XJqW4v'
const T = 'etRWhHPg7wcddoTKHMcEinGs02XJqW4v'
const G = 'etgroupPg7wcddoTKHMcEinGs02XJqW4'

/** Every type, what causes it and an example (each parses with its schema: a test). */
export const PUSH_TYPE_TABLE: readonly PushTypeRow[] = [
  { type: 'register', source: 'doc', cause: 'push-register (sent by the delivery, not by a world change)', example: 'hello' },
  { type: 'new_qw_customer', source: 'doc', cause: 'relation.added of a customer with a WeCom identity (admin customers/relations, import-customer has none)', example: { externalUserId: X, unionId: 'oRWhHPg7wcddoTKHMcEinGs02XJq', qwUserId: 'elisha', mobiles: ['13800000000'], wechatNickname: '小明', wechatAvatar: 'https://wework.qpic.cn/wwhead/x/0' } },
  { type: 'edit_qw_customer', source: 'doc-name', cause: 'customer.changed giving wechatNickname, wechatAvatar, wechatLocation or externalUserId: one per relation with a WeCom identity', example: { externalUserId: X, unionId: null, qwUserId: 'elisha', mobiles: [], wechatNickname: '小明', wechatAvatar: null, changed: ['wechatNickname'] } },
  { type: 'delete_qw_customer', source: 'doc-name', cause: 'relation.deleted of a customer with a WeCom identity (admin relation or customer deletion)', example: { externalUserId: X, qwUserId: 'elisha', customerId: 5678129812129812 } },
  { type: 'change_corp_tag', source: 'doc', cause: 'tag.added (a new group first: tag_group create), tag.changed (update), tag.deleted (delete)', example: { tagId: 56971, qwTagId: T, tagGroupId: 56970, tagGroupName: '渠道', tagGroupQwId: G, tagType: 'tag', currentName: '抖音', changeType: 'create', order: 0 } },
  { type: 'change_customer_tag', source: 'doc', cause: 'trigger only (the world has no per-member tags)', example: { userId: 1203, qwUserId: 'elisha', tagId: 56971, tagType: 'tag', currentName: '抖音', changeType: 'update', order: 0 } },
  { type: 'tag_info', source: 'doc', cause: 'customer.added with tags, customer.changed giving tagIds: one per tag gained (add_qw_tag) or lost (del_qw_tag), by the first follower', example: { customerId: 5678129812129812, salesId: 1203, qwSalesId: 'elisha', tagId: 56971, qwTagId: T, qwTagName: '抖音', msgType: 'tag_info', tagGroupId: 56970, tagGroupName: '渠道', changeType: 'add_qw_tag' } },
  { type: 'customer_contact_edit', source: 'doc', cause: 'customer-relation/edit-field (the contact: the relation edited; contactId its relation id)', example: { customerId: '5678129812129812', contactId: '5678129812130001' } },
  { type: 'change_follow_data', source: 'choice', cause: 'relation.transferred (customer-transfer: transfer), customer-relation/edit-field (edit)', example: { customerId: 5678129812129812, qwUserId: 'dowen', externalUserId: X, changeType: 'transfer', previousQwUserId: 'elisha', changed: ['qwUserId'] } },
  { type: 'new_customer', source: 'doc-name', cause: 'customer.added (admin customers, import-customer)', example: { customerId: 5678129812129812, type: 1, qwUserIds: ['elisha'] } },
  { type: 'edit_customer', source: 'doc-name', cause: 'customer.changed other than a remark alone (admin patch, update-by-id, customer-relation/edit-field of a profile value)', example: { customerId: 5678129812129812, changed: ['fields'] } },
  { type: 'delete_customer', source: 'doc-name', cause: 'customer.deleted (admin)', example: { customerId: 5678129812129812 } },
  { type: 'new_clue', source: 'choice', cause: 'lead.added (add-clue, save-highseas, admin leads)', example: { customerId: 5678129812129812, isClue: true } },
  { type: 'edit_clue', source: 'choice', cause: 'lead.changed (clue/edit-field, admin lead patch), lead.converted (changed ["isClue"])', example: { customerId: 5678129812129812, isClue: true, changed: ['name'] } },
  { type: 'delete_clue', source: 'choice', cause: 'lead.deleted (admin)', example: { customerId: 5678129812129812, followUpIds: [43438] } },
  { type: 'new_follow_up', source: 'doc-name', cause: 'follow-up.added (admin follow-up records)', example: { followUpId: 43438, customerId: 5678129812129812, type: 1, qwUserId: 'elisha' } },
]

// ---------------------------------------------------------------------------------------------
// Reading the world

/** Whether relation slot `slot` is live (not deleted, its customer not deleted). */
const liveSlot = (world: World, slot: number) => world.relationSlot(world.relations.id[slot]!) === slot
const memberAt = (world: World, slot: number) => world.memberList[world.relations.member[slot]!]!.qwUserId

/** A customer's live relation slots, oldest first (the first is its first follower). */
function slotsInOrder(world: World, index: number): number[] {
  const t = world.relations
  return [...world.slotsOf(index)].sort((a, b) => t.sec[a]! - t.sec[b]! || t.nanos[a]! - t.nanos[b]! || t.id[a]! - t.id[b]!)
}

/** The relation's WeChat identity in the documented new_qw_customer order, or null when the customer has none. */
function qwCustomerContent(world: World, slot: number): PushContent<'new_qw_customer'> | null {
  const identity = qwIdentity(world, slot, 'qwRemark') as { externalUserId: string; unionId: string | null; qwUserId: string; mobiles: string[] | null; wechatNickname: string | null; wechatAvatar: string | null } | null
  if (!identity) return null
  const { externalUserId, unionId, qwUserId, mobiles, wechatNickname, wechatAvatar } = identity
  return { externalUserId, unionId, qwUserId, mobiles: mobiles ?? [], wechatNickname, wechatAvatar }
}

/** A tag with its group and its 0-based place in the group. */
interface TagEntry {
  readonly tag: Tag
  readonly group: TagTreeGroup
  readonly order: number
}

const tagEntries = (world: World): TagEntry[] => world.catalog.tagTree().flatMap((group) => group.tags.map((tag, order) => ({ tag, group, order })))
const tagEntry = (world: World, tagId: number) => tagEntries(world).find((e) => e.tag.id === tagId)

function corpTagContent(e: TagEntry, changeType: 'create' | 'update' | 'delete'): PushContent<'change_corp_tag'> {
  return { tagId: e.tag.id, qwTagId: e.tag.qwTagId, tagGroupId: e.group.id, tagGroupName: e.group.name, tagGroupQwId: e.group.qwTagId, tagType: 'tag', currentName: e.tag.name, changeType, order: e.order }
}

function corpGroupContent(group: TagTreeGroup, order: number, changeType: 'create' | 'update' | 'delete'): PushContent<'change_corp_tag'> {
  return { tagId: group.id, qwTagId: group.qwTagId, tagGroupId: group.id, tagGroupName: group.name, tagGroupQwId: group.qwTagId, tagType: 'tag_group', currentName: group.name, changeType, order }
}

function tagInfoContent(customerId: number, member: SalesMember, e: TagEntry, changeType: 'add_qw_tag' | 'del_qw_tag'): PushContent<'tag_info'> {
  return { customerId, salesId: member.salesId, qwSalesId: member.qwUserId, tagId: e.tag.id, qwTagId: e.tag.qwTagId, qwTagName: e.tag.name, msgType: 'tag_info', tagGroupId: e.group.id, tagGroupName: e.group.name, changeType }
}

const draft = <T extends PushType>(type: T, content: PushContent<T>): PushDraft => (WITH_EVENT_ID.has(type) ? { type, content, withEventId: true } : { type, content })

/** The WeChat properties whose change is an edit_qw_customer. */
const WECHAT_PROPERTIES = ['wechatNickname', 'wechatAvatar', 'wechatLocation', 'externalUserId']

// ---------------------------------------------------------------------------------------------
// From world events

/** The pushes a world change causes (none for most): called after the change, the world current. */
export function draftsForEvent(context: MockContext, event: WorldEvent): PushDraft[] {
  const world = context.world
  switch (event.type) {
    case 'relation.added': {
      const slot = world.relationSlot(event.relationId)
      const content = slot === undefined ? null : qwCustomerContent(world, slot)
      return content ? [draft('new_qw_customer', content)] : []
    }
    case 'relation.deleted':
      return event.externalUserId === null ? [] : [draft('delete_qw_customer', { externalUserId: event.externalUserId, qwUserId: event.qwUserId, customerId: event.customerId })]
    case 'relation.transferred': {
      const index = world.customerIndex(event.customerId)
      const externalUserId = index === undefined ? null : world.customer(index).externalUserId
      return [draft('change_follow_data', { customerId: event.customerId, qwUserId: event.to, externalUserId, changeType: 'transfer', previousQwUserId: event.from, changed: ['qwUserId'] })]
    }
    case 'customer.added': {
      const index = world.customerIndex(event.customerId)
      if (index === undefined) return []
      const customer = world.customer(index)
      const slots = event.relationIds.map((id) => world.relationSlot(id)).filter((s) => s !== undefined)
      const drafts = [draft('new_customer', { customerId: event.customerId, type: customer.type, qwUserIds: slots.map((s) => memberAt(world, s)) })]
      return [...drafts, ...tagInfos(context, event.customerId, customer.tagIds, 'add_qw_tag')]
    }
    case 'customer.changed': {
      const index = world.customerIndex(event.customerId)
      if (index === undefined) return []
      const customer = world.customer(index)
      const drafts: PushDraft[] = []
      if (event.relationId !== undefined && event.qwUserId !== undefined) {
        drafts.push(draft('customer_contact_edit', { customerId: String(event.customerId), contactId: String(event.relationId) }))
        drafts.push(draft('change_follow_data', { customerId: event.customerId, qwUserId: event.qwUserId, externalUserId: customer.externalUserId, changeType: 'edit', previousQwUserId: null, changed: [...event.properties] }))
      }
      if (event.properties.some((p) => p !== 'qwRemark')) drafts.push(draft('edit_customer', { customerId: event.customerId, changed: [...event.properties] }))
      const wechat = event.properties.filter((p) => WECHAT_PROPERTIES.includes(p))
      if (wechat.length > 0) {
        for (const slot of slotsInOrder(world, index)) {
          const content = qwCustomerContent(world, slot)
          if (content) drafts.push(draft('edit_qw_customer', { ...content, changed: wechat }))
        }
      }
      drafts.push(...tagInfos(context, event.customerId, event.tagsAdded ?? [], 'add_qw_tag'), ...tagInfos(context, event.customerId, event.tagsRemoved ?? [], 'del_qw_tag'))
      return drafts
    }
    case 'customer.deleted':
      return [draft('delete_customer', { customerId: event.customerId })]
    case 'lead.added': {
      const lead = liveLead(world, event.leadId)
      return lead ? [draft('new_clue', { customerId: event.leadId, isClue: lead.isClue })] : []
    }
    case 'lead.changed':
    case 'lead.converted': {
      const lead = liveLead(world, event.leadId)
      const changed = event.type === 'lead.changed' ? [...event.properties] : ['isClue']
      return lead ? [draft('edit_clue', { customerId: event.leadId, isClue: lead.isClue, changed })] : []
    }
    case 'lead.deleted':
      return [draft('delete_clue', { customerId: event.leadId, followUpIds: [...event.followUpIds] })]
    case 'follow-up.added': {
      const book = world.leads()
      const index = book.liveIndexOf(event.leadId)
      const record = index === undefined ? undefined : book.followUps(index).find((r) => r.id === event.followUpId)
      return record ? [draft('new_follow_up', { followUpId: record.id, customerId: event.leadId, type: record.type, qwUserId: record.operator.qwUserId })] : []
    }
    case 'tag.added': {
      const e = tagEntry(world, event.tagId)
      if (!e) return []
      const groups = world.catalog.tagTree()
      const group = event.groupAdded ? [draft('change_corp_tag', corpGroupContent(e.group, groups.indexOf(e.group), 'create'))] : []
      return [...group, draft('change_corp_tag', corpTagContent(e, 'create'))]
    }
    case 'tag.changed': {
      const e = tagEntry(world, event.tagId)
      return e ? [draft('change_corp_tag', corpTagContent(e, 'update'))] : []
    }
    case 'tag.deleted': {
      const group = world.catalog.tagTree().find((g) => g.id === event.groupId)
      return [draft('change_corp_tag', { tagId: event.tagId, qwTagId: event.qwTagId, tagGroupId: event.groupId, tagGroupName: event.groupName, tagGroupQwId: group?.qwTagId ?? event.qwTagId, tagType: 'tag', currentName: event.name, changeType: 'delete', order: event.order })]
    }
    default:
      return []
  }
}

function liveLead(world: World, leadId: number) {
  const book = world.leads()
  const index = book.liveIndexOf(leadId)
  return index === undefined ? undefined : book.lead(index)
}

/** tag_info per tag, attributed to the customer's first follower (none without a follower). */
function tagInfos(context: MockContext, customerId: number, tagIds: readonly number[], changeType: 'add_qw_tag' | 'del_qw_tag'): PushDraft[] {
  const world = context.world
  const index = world.customerIndex(customerId)
  const first = index === undefined ? undefined : slotsInOrder(world, index)[0]
  if (first === undefined || tagIds.length === 0) return []
  const member = world.staff().byQwUserId.get(memberAt(world, first))!
  const entries = tagEntries(world)
  return tagIds.flatMap((id) => {
    const e = entries.find((x) => x.tag.id === id)
    return e ? [draft('tag_info', tagInfoContent(customerId, member, e, changeType))] : []
  })
}

// ---------------------------------------------------------------------------------------------
// The trigger

const TRIGGER = hashString('push.trigger')
const triggered = new WeakMap<MockContext, number>()

/** The trigger's own stream: the world's seed and how many triggers this context made (deterministic). */
function triggerRng(context: MockContext, type: string): Rng {
  const n = triggered.get(context) ?? 0
  triggered.set(context, n + 1)
  return stream(context.world.shape.seed, TRIGGER ^ hashString(type), n)
}

const shown = (value: unknown) => JSON.stringify(value)

/**
 * A push of `type` generated from the world now, with `given` content fields applied over the
 * generated ones (the trigger). An unknown type, or a given field of the wrong type: PushInputError.
 * Fields that refer to world things (members, customers, relations, tags, leads) pick what the
 * content is generated from, and must exist and agree with each other.
 */
export function generateDraft(context: MockContext, type: string, given: Record<string, unknown> = {}): PushDraft {
  if (!Object.hasOwn(PUSH_CONTENT_SCHEMAS, type)) throw new PushInputError(`unknown push type ${type}; known: ${PUSH_TYPES.join(', ')}`, 'type')
  const pushType = type as PushType
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new PushInputError('content: expected an object of content fields', 'content')
  if (pushType === 'register') {
    for (const key of Object.keys(given)) if (key !== 'content') throw new PushInputError(`register has no content field ${key}; its content is a string: give {"content": "…"}`, key)
    if (given.content !== undefined && typeof given.content !== 'string') throw new PushInputError('content: register takes a string', 'content')
    return { type, content: typeof given.content === 'string' ? given.content : 'hello' }
  }
  const schema = PUSH_CONTENT_SCHEMAS[pushType]
  const shape = schema.shape as Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }>
  for (const [key, value] of Object.entries(given)) {
    const field = shape[key]
    if (!field) throw new PushInputError(`${type} has no content field ${key}; its fields: ${Object.keys(shape).join(', ')}`, key)
    const parsed = field.safeParse(value)
    if (!parsed.success) throw new PushInputError(`${key}: ${parsed.error!.issues.map((i) => i.message).join('; ')} (got ${shown(value)})`, key)
  }
  const generated = GENERATORS[pushType](context, triggerRng(context, type), given) as Record<string, unknown>
  const content: Record<string, unknown> = {}
  for (const key of Object.keys(shape)) content[key] = Object.hasOwn(given, key) ? given[key] : generated[key]
  const checked = schema.safeParse(content)
  if (!checked.success) {
    const issue = checked.error.issues[0]!
    throw new PushInputError(`${issue.path.join('.')}: ${issue.message}`, String(issue.path[0] ?? 'content'))
  }
  return draft(pushType, checked.data as never)
}

type Given = Record<string, unknown>
type Generator = (context: MockContext, rng: Rng, given: Given) => unknown

const has = (given: Given, key: string) => Object.hasOwn(given, key)

/** The member a given qwUserId (or salesId) names; PushInputError naming the field when nobody. */
function givenMember(world: World, given: Given, field: string, by: 'qwUserId' | 'salesId'): SalesMember | undefined {
  if (!has(given, field)) return undefined
  const staff = world.staff()
  const member = by === 'qwUserId' ? staff.byQwUserId.get(given[field] as string) : staff.bySalesId.get(given[field] as number)
  if (!member) throw new PushInputError(`${field}: no member with ${by} ${shown(given[field])}`, field)
  return member
}

function givenCustomerIndex(world: World, given: Given, field: string): number | undefined {
  if (!has(given, field)) return undefined
  const id = Number(given[field])
  const index = world.customerIndex(id)
  if (index === undefined || world.isDeleted(index)) throw new PushInputError(`${field}: no customer ${shown(given[field])}`, field)
  return index
}

/** Agreeing members named by several fields (tag_info's salesId and qwSalesId; change_customer_tag's userId and qwUserId). */
function oneMember(world: World, given: Given, fields: readonly [string, 'qwUserId' | 'salesId'][]): SalesMember | undefined {
  let member: SalesMember | undefined
  for (const [field, by] of fields) {
    const m = givenMember(world, given, field, by)
    if (m && member && m !== member) throw new PushInputError(`${field}: ${shown(given[field])} is not the member the other fields name (${member.qwUserId}, salesId ${member.salesId})`, field)
    member ??= m
  }
  return member
}

/**
 * A live relation slot: of the given customer (by customerId or externalUserId) and member, with a
 * WeCom identity when `wecom`; else random (the trigger's stream). Refused naming the field that
 * cannot apply.
 */
function pickRelation(world: World, rng: Rng, opts: { member?: SalesMember; memberField?: string; index?: number; indexField?: string; wecom: boolean }): number {
  const memberIndex = opts.member?.index
  const fits = (slot: number) => (memberIndex === undefined || world.relations.member[slot] === memberIndex) && (!opts.wecom || world.customer(world.relations.customer[slot]!).externalUserId !== null)
  if (opts.index !== undefined) {
    const slots = slotsInOrder(world, opts.index)
    const found = slots.filter(fits)
    if (found.length > 0) return found[rng.int(found.length)]!
    if (opts.wecom && world.customer(opts.index).externalUserId === null) throw new PushInputError(`${opts.indexField}: customer ${world.customerIdAt(opts.index)} has no WeCom identity (externalUserId)`, opts.indexField)
    throw new PushInputError(`${opts.memberField ?? opts.indexField}: ${opts.member ? `member ${opts.member.qwUserId} does not follow customer ${world.customerIdAt(opts.index)}` : `customer ${world.customerIdAt(opts.index)} has no follower`}`, opts.memberField ?? opts.indexField)
  }
  const n = world.relations.length
  const start = n === 0 ? 0 : rng.int(n)
  for (let k = 0; k < n; k++) {
    const slot = (start + k) % n
    if (liveSlot(world, slot) && fits(slot)) return slot
  }
  if (opts.member) throw new PushInputError(`${opts.memberField}: member ${opts.member.qwUserId} follows no customer${opts.wecom ? ' with a WeCom identity' : ''}`, opts.memberField)
  throw new PushInputError(`the world has no follow relation${opts.wecom ? ' of a customer with a WeCom identity' : ''} to make this push from`, 'type')
}

/** A relation for the WeChat types: given externalUserId / customerId and qwUserId pick it. */
function wechatRelation(context: MockContext, rng: Rng, given: Given, wecom: boolean): number {
  const world = context.world
  const member = givenMember(world, given, 'qwUserId', 'qwUserId')
  let index = givenCustomerIndex(world, given, 'customerId')
  let indexField = 'customerId'
  if (has(given, 'externalUserId') && given.externalUserId !== null) {
    const byExternal = world.customerByExternalUserId(given.externalUserId as string)
    if (byExternal === undefined) throw new PushInputError(`externalUserId: no customer with externalUserId ${shown(given.externalUserId)}`, 'externalUserId')
    if (index !== undefined && index !== byExternal) throw new PushInputError(`externalUserId: ${shown(given.externalUserId)} is not customer ${shown(given.customerId)}'s`, 'externalUserId')
    index = byExternal
    indexField = 'externalUserId'
  }
  return pickRelation(world, rng, { member, memberField: 'qwUserId', index, indexField, wecom })
}

/** A tag: by tagId, qwTagId, tagGroupId (its tags), each must exist and agree. */
function pickTag(world: World, rng: Rng, given: Given, fields: { tagId?: string; qwTagId?: string; groupId?: string; groupQwId?: string }): TagEntry {
  let entries = tagEntries(world)
  if (entries.length === 0) throw new PushInputError('the world has no tag to make this push from', 'type')
  const narrow = (field: string | undefined, test: (e: TagEntry, v: unknown) => boolean, what: string) => {
    if (field === undefined || !has(given, field)) return
    const value = given[field]
    const all = tagEntries(world).filter((e) => test(e, value))
    if (all.length === 0) throw new PushInputError(`${field}: no ${what} ${shown(value)} (tags/list-tree lists them)`, field)
    entries = entries.filter((e) => test(e, value))
    if (entries.length === 0) throw new PushInputError(`${field}: ${shown(value)} does not name the tag the other fields name`, field)
  }
  narrow(fields.tagId, (e, v) => e.tag.id === v, 'tag with id')
  narrow(fields.qwTagId, (e, v) => e.tag.qwTagId === v, 'tag with qwTagId')
  narrow(fields.groupId, (e, v) => e.group.id === v, 'tag group with tags and id')
  narrow(fields.groupQwId, (e, v) => e.group.qwTagId === v, 'tag group with tags and qwTagId')
  return entries[rng.int(entries.length)]!
}

/** A live lead (by customerId, or random). */
function pickLead(world: World, rng: Rng, given: Given): { index: number; customerId: number; isClue: boolean } {
  const book = world.leads()
  if (has(given, 'customerId')) {
    const index = book.liveIndexOf(given.customerId as number)
    if (index === undefined) throw new PushInputError(`customerId: no lead or waiting customer ${shown(given.customerId)}`, 'customerId')
    return { index, customerId: given.customerId as number, isClue: book.lead(index).isClue }
  }
  const n = book.count
  const start = n === 0 ? 0 : rng.int(n)
  for (let k = 0; k < n; k++) {
    const index = (start + k) % n
    if (!book.isRemoved(index)) {
      const lead = book.lead(index)
      return { index, customerId: lead.customerId, isClue: lead.isClue }
    }
  }
  throw new PushInputError('the world has no lead to make this push from', 'type')
}

/** A live customer (by customerId, or random). */
function pickCustomer(world: World, rng: Rng, given: Given): number {
  const index = givenCustomerIndex(world, given, 'customerId')
  if (index !== undefined) return index
  const n = world.customerCount
  const start = n === 0 ? 0 : rng.int(n)
  for (let k = 0; k < n; k++) if (!world.isDeleted((start + k) % n)) return (start + k) % n
  throw new PushInputError('the world has no customer to make this push from', 'type')
}

const qwCustomerOf = (context: MockContext, rng: Rng, given: Given) => qwCustomerContent(context.world, wechatRelation(context, rng, given, true))!

const GENERATORS: Record<PushType, Generator> = {
  register: () => 'hello',
  new_qw_customer: qwCustomerOf,
  edit_qw_customer: (context, rng, given) => ({ ...qwCustomerOf(context, rng, given), changed: ['wechatNickname'] }),
  delete_qw_customer: (context, rng, given) => {
    const world = context.world
    const slot = wechatRelation(context, rng, given, true)
    return { externalUserId: world.customer(world.relations.customer[slot]!).externalUserId, qwUserId: memberAt(world, slot), customerId: world.customerIdAt(world.relations.customer[slot]!) }
  },
  change_corp_tag: (context, rng, given) => {
    const world = context.world
    const changeType = (given.changeType as 'create' | 'update' | 'delete' | undefined) ?? 'update'
    if (given.tagType === 'tag_group') {
      const groups = world.catalog.tagTree()
      let candidates = groups.map((group, order) => ({ group, order }))
      for (const [field, test] of [['tagId', (g: TagTreeGroup, v: unknown) => g.id === v], ['tagGroupId', (g: TagTreeGroup, v: unknown) => g.id === v], ['qwTagId', (g: TagTreeGroup, v: unknown) => g.qwTagId === v], ['tagGroupQwId', (g: TagTreeGroup, v: unknown) => g.qwTagId === v]] as const) {
        if (!has(given, field)) continue
        if (!groups.some((g) => test(g, given[field]))) throw new PushInputError(`${field}: no tag group ${shown(given[field])} (tags/list-tree lists them)`, field)
        candidates = candidates.filter((c) => test(c.group, given[field]))
        if (candidates.length === 0) throw new PushInputError(`${field}: ${shown(given[field])} does not name the group the other fields name`, field)
      }
      if (candidates.length === 0) throw new PushInputError('the world has no tag group to make this push from', 'type')
      const { group, order } = candidates[rng.int(candidates.length)]!
      return corpGroupContent(group, order, changeType)
    }
    return corpTagContent(pickTag(world, rng, given, { tagId: 'tagId', qwTagId: 'qwTagId', groupId: 'tagGroupId', groupQwId: 'tagGroupQwId' }), changeType)
  },
  change_customer_tag: (context, rng, given) => {
    const world = context.world
    const member = oneMember(world, given, [['userId', 'salesId'], ['qwUserId', 'qwUserId']]) ?? pickMember(world, rng)
    const e = pickTag(world, rng, given, { tagId: 'tagId' })
    return { userId: member.salesId, qwUserId: member.qwUserId, tagId: e.tag.id, tagType: 'tag', currentName: e.tag.name, changeType: 'update', order: e.order }
  },
  tag_info: (context, rng, given) => {
    const world = context.world
    const member = oneMember(world, given, [['salesId', 'salesId'], ['qwSalesId', 'qwUserId']])
    const slot = pickRelation(world, rng, { member, memberField: has(given, 'qwSalesId') ? 'qwSalesId' : 'salesId', index: givenCustomerIndex(world, given, 'customerId'), indexField: 'customerId', wecom: false })
    const customer = world.customer(world.relations.customer[slot]!)
    const changeType = (given.changeType as 'add_qw_tag' | 'del_qw_tag' | undefined) ?? 'add_qw_tag'
    // Without a given tag: one the customer has, when it has one.
    const own = customer.tagIds.length > 0 && !['tagId', 'qwTagId', 'tagGroupId'].some((f) => has(given, f)) ? { tagId: customer.tagIds[rng.int(customer.tagIds.length)] } : {}
    const e = pickTag(world, rng, { ...given, ...own }, { tagId: 'tagId', qwTagId: 'qwTagId', groupId: 'tagGroupId' })
    return tagInfoContent(customer.customerId, world.staff().byQwUserId.get(memberAt(world, slot))!, e, changeType)
  },
  customer_contact_edit: (context, rng, given) => {
    const world = context.world
    if (has(given, 'contactId')) {
      const slot = world.relationSlot(Number(given.contactId))
      if (slot === undefined) throw new PushInputError(`contactId: no contact (follow relation) ${shown(given.contactId)}`, 'contactId')
      const customerId = world.customerIdAt(world.relations.customer[slot]!)
      if (has(given, 'customerId') && String(customerId) !== given.customerId) throw new PushInputError(`contactId: ${shown(given.contactId)} is not a contact of customer ${shown(given.customerId)}`, 'contactId')
      return { customerId: String(customerId), contactId: String(given.contactId) }
    }
    const slot = pickRelation(world, rng, { index: givenCustomerIndex(world, given, 'customerId'), indexField: 'customerId', wecom: false })
    return { customerId: String(world.customerIdAt(world.relations.customer[slot]!)), contactId: String(world.relations.id[slot]!) }
  },
  change_follow_data: (context, rng, given) => {
    const world = context.world
    if (has(given, 'previousQwUserId') && given.previousQwUserId !== null) givenMember(world, given, 'previousQwUserId', 'qwUserId')
    const slot = wechatRelation(context, rng, given, false)
    const customer = world.customer(world.relations.customer[slot]!)
    const changeType = (given.changeType as 'transfer' | 'edit' | undefined) ?? 'transfer'
    const qwUserId = memberAt(world, slot)
    const previous = changeType === 'edit' ? null : (world.staff().members.find((m) => m.qwUserId !== qwUserId)?.qwUserId ?? null)
    return { customerId: customer.customerId, qwUserId, externalUserId: customer.externalUserId, changeType, previousQwUserId: previous, changed: changeType === 'edit' ? ['qwRemark'] : ['qwUserId'] }
  },
  new_customer: (context, rng, given) => {
    const world = context.world
    const index = pickCustomer(world, rng, given)
    for (const [k, q] of ((given.qwUserIds as string[] | undefined) ?? []).entries()) if (!world.staff().byQwUserId.has(q)) throw new PushInputError(`qwUserIds.${k}: no member with qwUserId ${shown(q)}`, 'qwUserIds')
    const customer = world.customer(index)
    return { customerId: customer.customerId, type: customer.type, qwUserIds: slotsInOrder(world, index).map((s) => memberAt(world, s)) }
  },
  edit_customer: (context, rng, given) => ({ customerId: context.world.customerIdAt(pickCustomer(context.world, rng, given)), changed: ['fields'] }),
  delete_customer: (context, rng, given) => ({ customerId: context.world.customerIdAt(pickCustomer(context.world, rng, given)) }),
  new_clue: (context, rng, given) => {
    const lead = pickLead(context.world, rng, given)
    return { customerId: lead.customerId, isClue: lead.isClue }
  },
  edit_clue: (context, rng, given) => {
    const lead = pickLead(context.world, rng, given)
    return { customerId: lead.customerId, isClue: lead.isClue, changed: ['name'] }
  },
  delete_clue: (context, rng, given) => {
    const book = context.world.leads()
    const lead = pickLead(context.world, rng, given)
    const ids = book.followUps(lead.index).map((r) => r.id)
    for (const [k, id] of ((given.followUpIds as number[] | undefined) ?? []).entries()) if (!ids.includes(id)) throw new PushInputError(`followUpIds.${k}: ${id} is not a follow-up record of ${lead.customerId}`, 'followUpIds')
    return { customerId: lead.customerId, followUpIds: ids }
  },
  new_follow_up: (context, rng, given) => {
    const world = context.world
    const book = world.leads()
    if (has(given, 'qwUserId') && given.qwUserId !== '') givenMember(world, given, 'qwUserId', 'qwUserId')
    if (has(given, 'followUpId')) {
      const owner = book.findFollowUp(given.followUpId as number)
      if (owner === undefined) throw new PushInputError(`followUpId: no follow-up record ${shown(given.followUpId)}`, 'followUpId')
      const lead = book.lead(owner.index)
      if (has(given, 'customerId') && lead.customerId !== given.customerId) throw new PushInputError(`followUpId: ${shown(given.followUpId)} is not a record of ${shown(given.customerId)}`, 'followUpId')
      return { followUpId: owner.record.id, customerId: lead.customerId, type: owner.record.type, qwUserId: owner.record.operator.qwUserId }
    }
    // A lead with a record (from the trigger's start, the given one if any).
    const first = pickLead(world, rng, given)
    for (let k = 0; k < book.count; k++) {
      const index = has(given, 'customerId') ? first.index : (first.index + k) % book.count
      if (book.isRemoved(index)) continue
      const records = book.followUps(index)
      if (records.length > 0) {
        const record = records[rng.int(records.length)]!
        return { followUpId: record.id, customerId: book.lead(index).customerId, type: record.type, qwUserId: record.operator.qwUserId }
      }
      if (has(given, 'customerId')) break
    }
    throw new PushInputError(has(given, 'customerId') ? `customerId: ${shown(given.customerId)} has no follow-up record` : 'the world has no follow-up record to make this push from', has(given, 'customerId') ? 'customerId' : 'type')
  },
}

function pickMember(world: World, rng: Rng): SalesMember {
  const members = world.staff().members
  if (members.length === 0) throw new PushInputError('the world has no member to make this push from', 'type')
  return members[rng.int(members.length)]!
}
