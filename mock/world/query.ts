/**
 * The world as a test asserts on it: plain records in the upstream's vocabulary (customerId,
 * qwUserId, Beijing-time text), read from the world being served at the moment of the call (reset
 * and loading a fixture replace it). Nothing is copied ahead: `customers()` draws one record at a
 * time, so it works on a world of millions; lookups by id build the world's own index on first use.
 *
 *   const [first] = mock.world.customers({ qwUserId: 'dowen', limit: 1 })
 *   expect(mock.world.relationsOf(first!.customerId).map((r) => r.qwUserId)).toContain('dowen')
 */
import { formatBeijing } from '../protocol/time.js'
import { FIELD_TYPES, type Company, type Customer, type CustomerType, type Department, type FieldDefinition, type Member, type ProfileValue, type Tag } from './schema.js'
import type { World } from './world.js'
import type { SalesMember } from './generate/staff.js'
import type { Lead } from './leads.js'
import { qwIdentity, slotsOfExternalUser, type QwIdentity } from './wechat.js'

/** A profile value as served in `fields[]`: `{field, type, valueAsText}`. */
export type CustomerFieldValue = ProfileValue

/** A customer as the list endpoint serves it, with its followers and its values by key. */
export interface CustomerRecord {
  customerId: number
  /** 1 personal, 2 enterprise. */
  type: CustomerType
  /** As served, in order. */
  fields: CustomerFieldValue[]
  /**
   * The same values by field key, readable: a select field's option name (`customer_stage: '成交'`),
   * a phone field's numbers as a list, other fields' text. The vocabulary `admin.addCustomer` takes.
   */
  fieldValues: Record<string, string | string[] | null>
  tagIds: number[]
  /** Beijing time `yyyy-MM-dd HH:mm:ss`, as on the wire. */
  createTime: string
  lastUpdateTime: string
  convertCustomerTime: string | null
  /** The company of an enterprise customer (`companyInfo` on the wire). */
  company: Company | null
  wechatNickname: string | null
  wechatAvatar: string | null
  wechatLocation: string | null
  externalUserId: string | null
  /** The qwUserIds of the members following this customer, in relation order. */
  followers: string[]
}

/** A follow relation: one member following one customer (one list item). */
export interface RelationRecord {
  relationId: number
  customerId: number
  qwUserId: string
  /** Beijing time `yyyy-MM-dd HH:mm:ss`; `createNanos` orders relations within the second. */
  createTime: string
  createNanos: number
  /** The member's remark on the customer. */
  qwRemark: string | null
}

export interface CustomerFilter {
  /** Only the customers this member follows, in the order the list endpoint serves them for `{qwUserId}`. */
  readonly qwUserId?: string
  /** Only personal (1) or enterprise (2) customers. */
  readonly type?: CustomerType
  /** At most this many. */
  readonly limit?: number
}

/** A member with its staff values, as get-users, common/user/info and contract/user-department serve them. */
export interface StaffRecord {
  qwUserId: string
  name: string
  /** The main department's name. */
  department: string
  /** The integer id customer/search (`qwSalesId`) and contract/user-department use. */
  salesId: number
  mobile: string
  /** 1: the member left (离职). */
  deleted: 0 | 1
  /** Main department first. */
  departmentIds: number[]
  /** The same departments, resolved (main first). */
  departments: DepartmentRecord[]
}

/** A department (`parentId` null for the root: the tenant). */
export type DepartmentRecord = Department

/** A lead (`isClue` true) or a customer waiting to be assigned (`isClue` false), as clue/list-by-create-time-asc lists it. */
export interface LeadRecord {
  customerId: number
  isClue: boolean
  type: CustomerType
  fields: CustomerFieldValue[]
  /** The same values by field key, readable (as CustomerRecord's). */
  fieldValues: Record<string, string | string[] | null>
  tagIds: number[]
  createTime: string
  lastUpdateTime: string
  /** When the lead became this waiting customer, or null. */
  convertCustomerTime: string | null
  /** An enterprise lead's company (`companyInfo` on the wire). */
  company: Company | null
}

export interface LeadFilter {
  /** Only leads (true) or only waiting customers (false). */
  readonly isClue?: boolean
  /** Only personal (1) or enterprise (2) ones (the list's `type`). */
  readonly type?: CustomerType
  readonly limit?: number
}

/** A follow-up record (跟进记录) as clue/list-follow-up lists it. */
export interface FollowUpRecord {
  id: number
  /** 1 free text; 2 a change of the customer's information. */
  type: 1 | 2
  content: string
  createTime: string
  /** A member, or `{qwUserId: "", name: "API"}`. */
  operator: { qwUserId: string; name: string }
}

/** One follow relation's WeChat identity, as customer/qw-details answers it. */
export type WechatIdentityRecord = QwIdentity

/** What `mock.world` answers: the world being served, read-only, in plain records. */
export interface WorldQuery {
  /** Customers (not deleted), one at a time: `[...mock.world.customers({ limit: 10 })]`. */
  customers(filter?: CustomerFilter): IterableIterator<CustomerRecord>
  /** A customer by id, or undefined (unknown or deleted). */
  customer(customerId: number): CustomerRecord | undefined
  /** A customer's follow relations, in list order (empty for an unknown customer). */
  relationsOf(customerId: number): RelationRecord[]
  /** The sales members (qwUserId, name, department). */
  members(): Member[]
  member(qwUserId: string): Member | undefined
  /** Profile field definitions, as `list-fields` serves them. */
  fieldDefinitions(): FieldDefinition[]
  tags(): Tag[]
  /** The members with their staff values (salesId, mobile, deleted, departments), in member order. */
  staff(): StaffRecord[]
  staffMember(qwUserId: string): StaffRecord | undefined
  /** The departments (the root first). */
  departments(): DepartmentRecord[]
  /** Leads and waiting customers in list order (creation), one at a time: `[...mock.world.leads({ isClue: true, limit: 10 })]`. */
  leads(filter?: LeadFilter): IterableIterator<LeadRecord>
  /** A lead or waiting customer by id, or undefined (unknown or deleted). */
  lead(customerId: number): LeadRecord | undefined
  /** A lead's follow-up records, oldest first (as clue/list-follow-up lists them); empty for an unknown one. */
  followUps(customerId: number): FollowUpRecord[]
  /** A customer's WeChat identities, one per follow relation in list order (empty when it has no WeCom identity). */
  wechatIdentities(customerId: number): WechatIdentityRecord[]
  /** What customer/qw-details answers for an externalUserId: each member's view of it (empty for an unknown one). */
  wechatIdentitiesOf(externalUserId: string): WechatIdentityRecord[]
  /** Leads and waiting customers not deleted. */
  readonly leadCount: number
  /** Customers not deleted. */
  readonly customerCount: number
  /** Follow relations: the items a full sweep of the list endpoint returns. */
  readonly relationCount: number
  readonly memberCount: number
}

/** A query over whichever world `current` answers when it is called. */
export function worldQuery(current: () => World): WorldQuery {
  const recordAt = (world: World, index: number): CustomerRecord => customerRecord(world, index, world.customer(index))
  return {
    *customers(filter: CustomerFilter = {}) {
      const world = current()
      let left = filter.limit ?? Infinity
      if (left <= 0) return
      if (filter.qwUserId !== undefined) {
        const member = world.memberIndex(filter.qwUserId)
        if (member === undefined) return
        // The member's relations in key order, a chunk at a time (each customer once: one relation per pair).
        let after: ReturnType<World['relationKey']> | undefined
        for (;;) {
          const { slots, more } = world.page({ member, type: filter.type }, { size: 1000, ...(after ? { after } : {}) })
          for (const slot of slots) {
            yield recordAt(world, world.relations.customer[slot]!)
            if (--left <= 0) return
          }
          if (!more || slots.length === 0) return
          after = world.relationKey(slots[slots.length - 1]!)
        }
      }
      for (let i = 0; i < world.customerCount; i++) {
        if (world.isDeleted(i)) continue
        const customer = world.customer(i)
        if (filter.type !== undefined && customer.type !== filter.type) continue
        yield customerRecord(world, i, customer)
        if (--left <= 0) return
      }
    },
    customer(customerId) {
      const world = current()
      const index = world.customerIndex(customerId)
      return index === undefined ? undefined : recordAt(world, index)
    },
    relationsOf(customerId) {
      const world = current()
      const index = world.customerIndex(customerId)
      if (index === undefined) return []
      const customer = world.customer(index)
      return followsOf(world, index).map((slot) => {
        const r = world.relation(slot, customer)
        return { relationId: r.id, customerId: r.customerId, qwUserId: r.qwUserId, createTime: formatBeijing(r.createdSec), createNanos: r.createdNanos, qwRemark: r.qwRemark }
      })
    },
    members: () => current().memberList.map((m) => ({ qwUserId: m.qwUserId, name: m.name, department: m.department })),
    member(qwUserId) {
      const world = current()
      const index = world.memberIndex(qwUserId)
      const m = index === undefined ? undefined : world.memberList[index]
      return m && { qwUserId: m.qwUserId, name: m.name, department: m.department }
    },
    fieldDefinitions: () => structuredClone([...current().catalog.fields]),
    tags: () => structuredClone([...current().catalog.tags]),
    staff() {
      const world = current()
      const staff = world.staff()
      return staff.members.map((m) => staffRecord(m, staff.departmentById))
    },
    staffMember(qwUserId) {
      const staff = current().staff()
      const m = staff.byQwUserId.get(qwUserId)
      return m && staffRecord(m, staff.departmentById)
    },
    departments: () => current().staff().departments.map((d) => ({ ...d })),
    *leads(filter: LeadFilter = {}) {
      const world = current()
      const book = world.leads()
      let left = filter.limit ?? Infinity
      if (left <= 0) return
      let after: ReturnType<typeof book.table.key> | undefined
      for (;;) {
        const { slots, more } = book.page(filter.type, { size: 1000, ...(after ? { after } : {}) })
        for (const slot of slots) {
          const lead = book.lead(slot)
          if (filter.isClue !== undefined && lead.isClue !== filter.isClue) continue
          yield leadRecord(world, lead)
          if (--left <= 0) return
        }
        if (!more || slots.length === 0) return
        after = book.table.key(slots[slots.length - 1]!)
      }
    },
    lead(customerId) {
      const world = current()
      const book = world.leads()
      const index = book.liveIndexOf(customerId)
      return index === undefined ? undefined : leadRecord(world, book.lead(index))
    },
    followUps(customerId) {
      const book = current().leads()
      const index = book.liveIndexOf(customerId)
      if (index === undefined) return []
      return book.followUps(index).map((r) => ({ id: r.id, type: r.type, content: r.content, createTime: formatBeijing(r.createTime), operator: { qwUserId: r.operator.qwUserId, name: r.operator.name } }))
    },
    wechatIdentities(customerId) {
      const world = current()
      const index = world.customerIndex(customerId)
      if (index === undefined) return []
      return followsOf(world, index).flatMap((slot) => {
        const identity = qwIdentity(world, slot)
        return identity ? [identity as unknown as QwIdentity] : []
      })
    },
    wechatIdentitiesOf(externalUserId) {
      const world = current()
      return slotsOfExternalUser(world, externalUserId).flatMap((slot) => {
        const identity = qwIdentity(world, slot)
        return identity ? [identity as unknown as QwIdentity] : []
      })
    },
    get leadCount() {
      return current().leads().liveCount
    },
    get customerCount() {
      return current().liveCustomerCount
    },
    get relationCount() {
      return current().relationCount
    },
    get memberCount() {
      return current().memberList.length
    },
  }
}

/**
 * Live relation slots grouped by customer index, each group in key order: `slots[offsets[i] ..
 * offsets[i + 1])` are customer i's. Two typed arrays (about 10 MB for a million customers), built
 * in one pass over the relations in key order, and built again when the world's relations or
 * customers have changed since (every change adds a slot, adds a customer, or removes a relation).
 */
interface FollowIndex {
  readonly tableLength: number
  readonly relationCount: number
  readonly customerCount: number
  readonly offsets: Int32Array
  readonly slots: Int32Array
}

const followIndexes = new WeakMap<World, FollowIndex>()

function followIndex(world: World): FollowIndex {
  const t = world.relations
  const known = followIndexes.get(world)
  if (known && known.tableLength === t.length && known.relationCount === world.relationCount && known.customerCount === world.customerCount) return known
  const live = world.page({}, { size: Number.MAX_SAFE_INTEGER }).slots
  const n = world.customerCount
  const offsets = new Int32Array(n + 1)
  for (const slot of live) offsets[t.customer[slot]! + 1]!++
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!
  const next = offsets.slice(0, n)
  const slots = new Int32Array(live.length)
  for (const slot of live) slots[next[t.customer[slot]!]!++] = slot
  const index = { tableLength: t.length, relationCount: world.relationCount, customerCount: n, offsets, slots }
  followIndexes.set(world, index)
  return index
}

/** A customer's live relation slots in list (key) order. */
function followsOf(world: World, index: number): number[] {
  const { offsets, slots } = followIndex(world)
  return Array.from(slots.subarray(offsets[index]!, offsets[index + 1]!))
}

function customerRecord(world: World, index: number, c: Customer): CustomerRecord {
  return {
    customerId: c.customerId,
    type: c.type,
    fields: c.fields.map((f) => ({ field: f.field, type: f.type, valueAsText: f.valueAsText })),
    fieldValues: Object.fromEntries(c.fields.map((f) => [f.field, readable(world, f)])),
    tagIds: [...c.tagIds],
    createTime: formatBeijing(c.createTime),
    lastUpdateTime: formatBeijing(c.lastUpdateTime),
    convertCustomerTime: c.convertCustomerTime === null ? null : formatBeijing(c.convertCustomerTime),
    company: c.company && { id: c.company.id, name: c.company.name },
    wechatNickname: c.wechatNickname,
    wechatAvatar: c.wechatAvatar,
    wechatLocation: c.wechatLocation,
    externalUserId: c.externalUserId,
    followers: followsOf(world, index).map((slot) => world.memberList[world.relations.member[slot]!]!.qwUserId),
  }
}

function staffRecord(m: SalesMember, departments: ReadonlyMap<number, Department>): StaffRecord {
  return {
    qwUserId: m.qwUserId,
    name: m.name,
    department: m.department,
    salesId: m.salesId,
    mobile: m.mobile,
    deleted: m.deleted,
    departmentIds: [...m.departmentIds],
    departments: m.departmentIds.flatMap((id) => {
      const d = departments.get(id)
      return d ? [{ ...d }] : []
    }),
  }
}

function leadRecord(world: World, lead: Lead): LeadRecord {
  return {
    customerId: lead.customerId,
    isClue: lead.isClue,
    type: lead.type,
    fields: lead.fields.map((f) => ({ field: f.field, type: f.type, valueAsText: f.valueAsText })),
    fieldValues: Object.fromEntries(lead.fields.map((f) => [f.field, readable(world, f)])),
    tagIds: [...lead.tagIds],
    createTime: formatBeijing(lead.createTime),
    lastUpdateTime: formatBeijing(lead.lastUpdateTime),
    convertCustomerTime: lead.convertCustomerTime === null ? null : formatBeijing(lead.convertCustomerTime),
    company: lead.company && { id: lead.company.id, name: lead.company.name },
  }
}

/** A served value as a person reads it: select options by name, phones as a list. */
function readable(world: World, value: CustomerFieldValue): string | string[] | null {
  const text = value.valueAsText
  if (text === null) return null
  if (value.type === FIELD_TYPES.select) {
    const definition = world.catalog.fields.find((f) => f.outerField === value.field)
    return definition?.items.find((o) => String(o.id) === text)?.name ?? text
  }
  if (value.type === FIELD_TYPES.phones) {
    try {
      const list: unknown = JSON.parse(text)
      if (Array.isArray(list)) return list.map(String)
    } catch {
      // not a list: served as it is
    }
  }
  return text
}
