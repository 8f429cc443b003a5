/**
 * The one place a tenant's world changes: the admin API uses it today, the write endpoints and
 * fixture loading next. Each change is all or nothing — it checks its input before it changes a
 * record, and the world gives back the ids a refused change minted, so a refused change leaves no
 * trace — and once it is made it emits its typed events (mock/world/events.ts), with the world's
 * real ids. A refused change emits nothing.
 *
 * Inputs here are already shaped (the admin API's zod schemas, mock/admin/schemas.ts, check their
 * form); what only the world can check (members, customers, tags, field values, times) is checked
 * here and refused with a ChangeRefused naming what is wrong.
 */
import type { MockContext } from '../core/context.js'
import { ID_EPOCH_MS, IdRangeError } from '../protocol/ids.js'
import { formatBeijing, parseBeijing } from '../protocol/time.js'
import type { WorldEvent } from './events.js'
import { FieldValueError, fieldValueText } from './field-values.js'
import { fixtureCustomer, type FixtureCustomer } from './fixture.js'
import { companyName, generateCustomer } from './generate/customers.js'
import { hashString, stream } from './generate/rng.js'
import type { SalesMember } from './generate/staff.js'
import type { Customer, CustomerType, Department, FieldDefinition, Member, ProfileValue, Tag, TagGroup } from './schema.js'
import { URL_SAFE } from './generate/pools.js'
import type { World } from './world.js'
import { resolveField } from './field-aliases.js'
import { API_OPERATOR, fieldKey, mobilesOf, type FollowUp, type Lead } from './leads.js'

/**
 * Why a change was refused: `invalid` input, a `missing` record, a `conflict` with the world as it
 * is, or `busy` (a world is being loaded). The admin API answers 400, 404, 409 and 409.
 */
export class ChangeRefused extends Error {
  constructor(
    readonly reason: 'invalid' | 'missing' | 'conflict' | 'busy',
    message: string,
    readonly issues?: string[],
  ) {
    super(message)
  }
}

/** Refused input, naming what is wrong in the message and as issues. */
const invalid = (what: string, ...issues: string[]) => new ChangeRefused('invalid', `invalid ${what}: ${issues.join('; ')}`, issues)

/** A customer's own properties, as a change gives them (all optional). */
export interface CustomerProperties {
  readonly type?: CustomerType
  /** Profile values by field key, checked against each field's type (mock/world/field-values.ts). */
  readonly fields?: Record<string, unknown>
  readonly tagIds?: number[]
  /** For an enterprise customer: its company's name (generated when absent). */
  readonly companyName?: string
  readonly wechatNickname?: string | null
  readonly wechatAvatar?: string | null
  readonly wechatLocation?: string | null
  readonly externalUserId?: string | null
}

/** A new customer with its followers; times are Beijing times within the clock's range. */
export interface NewCustomerChange extends CustomerProperties {
  readonly createTime?: string
  readonly followers: readonly { readonly qwUserId: string; readonly createTime?: string; readonly qwRemark?: string | null }[]
}

export interface NewRelationChange {
  readonly customerId: number
  readonly qwUserId: string
  readonly createTime?: string
  readonly qwRemark?: string | null
}

const NEW_CUSTOMER = hashString('admin.customer')
const NEW_LEAD = hashString('admin.lead')
const NEW_TAG = hashString('admin.tag')

/** A member's staff properties, as a change gives them (all optional). */
export interface MemberProperties {
  readonly name?: string
  /** The main department, by name (it must exist); becomes the first of departmentIds. */
  readonly department?: string
  readonly departmentIds?: readonly number[]
  readonly mobile?: string
  /** 1: the member left (离职). */
  readonly deleted?: 0 | 1
}

export interface NewMemberChange extends MemberProperties {
  readonly qwUserId: string
  readonly name: string
  /** Derived from the qwUserId when absent, as for generated members. */
  readonly salesId?: number
}

export interface NewDepartmentChange {
  readonly name: string
  /** Default: the root (the tenant). */
  readonly parentId?: number
  /** Default: one more than the largest id. */
  readonly id?: number
}

export interface DepartmentPatch {
  readonly name?: string
  readonly parentId?: number
}

/** A member with every staff value, as the member changes answer it (and as it is exported once the staff changed). */
export type StaffMember = Required<Member>

const staffRecord = (m: SalesMember): StaffMember => ({ qwUserId: m.qwUserId, name: m.name, department: m.department, salesId: m.salesId, mobile: m.mobile, deleted: m.deleted, departmentIds: [...m.departmentIds] })

export interface WorldChanges {
  /** Whether a world is being built to replace the one served (changes are refused meanwhile). */
  readonly loading: boolean
  /** Builds a world and serves it once it is ready; one build at a time. */
  replaceWorld(make: () => Promise<World>): Promise<void>
  addCustomer(input: NewCustomerChange): { customerId: number; relationIds: number[]; customer: FixtureCustomer }
  updateCustomer(customerId: number, patch: CustomerProperties): FixtureCustomer
  deleteCustomer(customerId: number): void
  addRelation(input: NewRelationChange): { relationId: number }
  deleteRelation(relationId: number): void
  /**
   * Gives a field an alias (profile-fields/map): the write endpoints then accept it for the field
   * (mock/world/field-aliases.ts). An alias another field had moves here. Refused (`missing`) for an
   * unknown field. Emits `field.changed` (and one for the field that lost the alias).
   */
  mapFieldAlias(fieldId: number, alias: string): { fieldId: number; alias: string; movedFrom?: number }
  addMember(input: NewMemberChange): StaffMember
  updateMember(qwUserId: string, patch: MemberProperties): StaffMember
  /** The member leaves (离职): `deleted` 1; it keeps its customers until they are transferred. */
  deleteMember(qwUserId: string): StaffMember
  addDepartment(input: NewDepartmentChange): Department
  updateDepartment(departmentId: number, patch: DepartmentPatch): Department
  /** Refused while the department has sub-departments or members. */
  deleteDepartment(departmentId: number): void
  /**
   * A new lead (add-clue): its name, mobiles and fields named by alias, field name, key or id
   * (resolveField), created now, with a type-2 follow-up record by the API. Refused (`invalid`) for an
   * unknown field or a value its field does not take; (`conflict`, issue `mobile`) for a mobile
   * number a customer or lead already has. Emits `lead.added`.
   */
  addLead(input: NewLeadChange): { customerId: number }
  /**
   * Customers waiting to be assigned (待分配客户, `isClue` false; save-highseas): each with its
   * profile values, created now, no follower. All or none: every value is checked, and every mobile
   * (`conflict`, issue `mobile`: one a customer or lead has, or given twice) before any is added.
   * Emits `lead.added` for each.
   */
  addWaitingCustomers(items: readonly (readonly FieldValueChange[])[]): { customerIds: number[] }
  /**
   * One field of a lead or waiting customer (clue/edit-field), `valueAsText` as the lists show it;
   * lastUpdateTime moves to now and a type-2 follow-up record by the API is written. Refused
   * (`missing`) for an unknown lead, (`invalid`) for an unknown field or a value it does not take.
   * Emits `lead.changed`.
   */
  editLeadField(customerId: number, field: string, valueAsText: string | null): void
  /**
   * Profile values by field definition (the write endpoints resolve the names: world/field-aliases.ts),
   * each checked against its field's type. Emits `customer.changed` with `fields`.
   */
  setCustomerFields(customerId: number, values: readonly FieldValueChange[]): void
  /** A new personal customer the member follows from now on, with these profile values (import-customer). */
  importCustomer(qwUserId: string, values: readonly FieldValueChange[]): { customerId: number; relationId: number }
  /**
   * A relation-level value: the member's remark (`qwRemark`) when `field` is null, else a profile
   * value of the customer (shared by its followers). Refused (`missing`) when the member does not
   * follow the customer. The customer's lastUpdateTime moves.
   */
  editRelationField(customerId: number, qwUserId: string, field: FieldDefinition | null, value: unknown): void
  /**
   * Moves each customer's relation from its member to `to` (customer-transfer). A customer moves
   * when the from-member follows it and `to` does not yet; each answers whether it moved and why
   * not. One change: `relation.transferred` per moved relation.
   */
  transferRelations(to: string, moves: readonly { readonly qwUserId: string; readonly customerId: number }[]): TransferOutcome[]
  /**
   * A lead or waiting customer as the admin API gives it (no follow-up record is written: add them
   * with addFollowUp). Refused (`invalid`) for an unknown field, tag or a value its field does not
   * take, a company name on a personal lead, a convertCustomerTime on a lead or before its creation;
   * (`conflict`, issue `mobile`) for a mobile a customer or lead has. Emits `lead.added`.
   */
  createLead(input: NewLeadRecordChange): { customerId: number; index: number }
  /**
   * Changes a lead's or waiting customer's profile values (merged), tags (replaced) or company
   * name; `isClue: false` converts a lead into a customer waiting to be assigned (convertCustomerTime
   * now; a waiting customer never becomes a lead again: `conflict`). lastUpdateTime moves to now.
   * Emits `lead.changed` (values, tags, company) and `lead.converted`.
   */
  updateLead(customerId: number, patch: LeadPatchChange): { index: number }
  /** Deletes a lead or waiting customer with its follow-up records. Emits `lead.deleted`. */
  deleteLead(customerId: number): void
  /** A follow-up record of a lead (its operator a member, or the API). Emits `follow-up.added`. */
  addFollowUp(customerId: number, input: NewFollowUpChange): FollowUp
  /** Deletes a follow-up record by id (`missing` when no live lead has it). Emits `follow-up.deleted`. */
  deleteFollowUp(followUpId: number): void
  /**
   * A tag in a group (by id, or by name: a group of that name is created when there is none).
   * Refused (`conflict`) for a name the group has, or a qwTagId a tag or group has. Emits `tag.added`.
   */
  addTag(input: NewTagChange): TagRecord
  /** Renames a tag (`conflict` when its group has the name). Emits `tag.changed`. */
  updateTag(tagId: number, patch: { readonly name?: string }): TagRecord
  /**
   * Deletes a tag: it leaves the tag tree at once, and every customer's and lead's tagIds as they
   * are read (catalog.liveTagIds: no pass over the world; served items are built afresh). Its id
   * is never a tag's again. Its group stays (without it). Emits `tag.deleted`.
   */
  deleteTag(tagId: number): void
}

/** A lead or waiting customer, as the admin API gives it. */
export interface NewLeadRecordChange {
  /** Default true (a lead); false: a customer waiting to be assigned. */
  readonly isClue?: boolean
  /** Default 1 (personal). */
  readonly type?: CustomerType
  /** Profile values by field key, name, alias or id; each checked against its field's type. */
  readonly fields?: Record<string, unknown>
  readonly tagIds?: number[]
  /** Beijing time; default now. */
  readonly createTime?: string
  /** Enterprise leads (type 2) only; generated when absent. */
  readonly companyName?: string
  /** Waiting customers (isClue false) only: when the lead became this customer; not before createTime. */
  readonly convertCustomerTime?: string
}

export interface LeadPatchChange {
  readonly fields?: Record<string, unknown>
  readonly tagIds?: number[]
  readonly companyName?: string
  /** false: convert a lead into a customer waiting to be assigned. */
  readonly isClue?: boolean
}

export interface NewFollowUpChange {
  readonly content: string
  readonly type: 1 | 2
  /** A member's qwUserId; absent: the API (`{qwUserId: "", name: "API"}`). */
  readonly operator?: string
  /** Beijing time; default now; not before the lead's creation. */
  readonly createTime?: string
}

export interface NewTagChange {
  /** A group's id, or its name (a new group when no group has it). */
  readonly group: number | string
  readonly name: string
  /** Default: `et` + 30 url-safe characters drawn from the tag's id. */
  readonly qwTagId?: string
}

/** A tag as the tag tree lists it, with its group. */
export interface TagRecord {
  readonly id: number
  readonly name: string
  readonly qwTagId: string
  readonly groupId: number
  readonly groupName: string
}

/** A new lead, as add-clue gives it. */
export interface NewLeadChange {
  readonly customerName?: string
  readonly mobiles?: readonly string[]
  /** `key`: an alias, a field name, a key or a field id as text. */
  readonly fields?: readonly { readonly key: string; readonly value: unknown }[]
}

/** A profile value a write endpoint gives, for a resolved field. */
export interface FieldValueChange {
  readonly field: FieldDefinition
  readonly value: unknown
}

/** One customer of a transfer: whether its relation moved, and why not. */
export interface TransferOutcome {
  readonly customerId: number
  readonly qwUserId: string
  readonly moved: boolean
  /** Why it did not move (null when it did). */
  readonly reason: string | null
}

const changesOf = new WeakMap<MockContext, WorldChanges>()

/** The changes of a context's world (one per context: they share whether a world is loading). */
export function worldChanges(context: MockContext): WorldChanges {
  let changes = changesOf.get(context)
  if (!changes) changesOf.set(context, (changes = createChanges(context)))
  return changes
}

function createChanges(context: MockContext): WorldChanges {
  const nowSec = () => Math.floor(context.clock.now() / 1000)
  const nowNanos = () => (context.clock.now() % 1000) * 1_000_000
  let building = false
  const memberOf = (qwUserId: string) => {
    const member = context.world.memberIndex(qwUserId)
    if (member === undefined) throw new ChangeRefused('invalid', `no member with qwUserId ${qwUserId}`)
    return member
  }
  const indexOf = (customerId: number) => {
    const index = context.world.customerIndex(customerId)
    if (index === undefined) throw new ChangeRefused('missing', `no customer ${customerId}`)
    return index
  }
  /** The event of a relation slot (before it goes). */
  const relationEvent = (type: 'relation.added' | 'relation.deleted', slot: number): WorldEvent => {
    const world = context.world
    const index = world.relations.customer[slot]!
    const base = { at: context.clock.now(), relationId: world.relations.id[slot]!, customerId: world.customerIdAt(index), qwUserId: world.memberList[world.relations.member[slot]!]!.qwUserId }
    return type === 'relation.added' ? { type, ...base } : { type, ...base, externalUserId: world.customer(index).externalUserId }
  }

  /**
   * Every change goes through here: all or nothing, refused while a world is being built (it would
   * be lost). `apply` answers its result and the events it caused; they are emitted once it is made.
   */
  const change = <T>(what: string, apply: (events: WorldEvent[]) => T): T => {
    if (building) throw new ChangeRefused('busy', `a world is being loaded; ${what} once it is served (GET /__mock/health answers meanwhile)`)
    const events: WorldEvent[] = []
    let result: T
    try {
      result = context.world.atomically(() => apply(events))
    } catch (error) {
      if (error instanceof FieldValueError) throw invalid(what, error.message)
      if (error instanceof IdRangeError) throw invalid(what, error.message)
      throw error
    }
    for (const event of events) context.events.emit(event)
    return result
  }

  /** Profile values by key applied to a record's fields, each checked against its field's type (world/field-values.ts). */
  const applyFields = (fields: Customer['fields'], values: Record<string, unknown> | undefined) => {
    if (!values) return fields
    const next = fields.map((f) => ({ ...f }))
    for (const [key, raw] of Object.entries(values)) {
      const definition = context.world.catalog.fields.find((f) => f.outerField === key)
      if (!definition) throw new ChangeRefused('invalid', `no profile field ${key} (known: ${context.world.catalog.fields.map((f) => f.outerField).join(', ')})`)
      const value = fieldValueText(definition, raw)
      const at = next.findIndex((f) => f.field === key)
      if (at >= 0) next[at]!.valueAsText = value
      else next.push({ field: key, type: definition.type, valueAsText: value })
    }
    return next
  }

  /** Profile values by field definition applied to a record's fields (the key is the field's outerField, or its name when it has none). */
  const valuesApplied = (fields: Customer['fields'], values: readonly FieldValueChange[]) => {
    const next = fields.map((f) => ({ ...f }))
    for (const { field: definition, value } of values) {
      const key = definition.outerField ?? definition.name
      const text = fieldValueText(definition, value)
      const at = next.findIndex((f) => f.field === key)
      if (at >= 0) next[at]!.valueAsText = text
      else next.push({ field: key, type: definition.type, valueAsText: text })
    }
    return next
  }

  const checkTags = (tagIds: number[] | undefined) => {
    const known = new Set(context.world.catalog.tags.map((t) => t.id))
    for (const id of tagIds ?? []) if (!known.has(id)) throw new ChangeRefused('invalid', `no tag ${id}`)
    return tagIds && [...new Set(tagIds)].sort((a, b) => a - b)
  }

  /** The record after a change: profile, tags, type and company, WeChat data; lastUpdateTime moves to now. Checks come before the company id is minted. */
  const changed = (current: Customer, patch: CustomerProperties, index: number): Customer => {
    const fields = applyFields(current.fields, patch.fields)
    const tagIds = checkTags(patch.tagIds) ?? context.world.catalog.liveTagIds(current.tagIds)
    const type = patch.type ?? current.type
    let company = type === 1 ? null : current.company
    if (type === 2 && (!company || patch.companyName)) {
      company = { id: company?.id ?? context.world.mintId(context.clock.now()), name: patch.companyName ?? company?.name ?? companyName(stream(context.world.shape.seed, NEW_CUSTOMER, index, 1)) }
    }
    return {
      ...current,
      type,
      company,
      fields,
      tagIds,
      wechatNickname: patch.wechatNickname !== undefined ? patch.wechatNickname : current.wechatNickname,
      wechatAvatar: patch.wechatAvatar !== undefined ? patch.wechatAvatar : current.wechatAvatar,
      wechatLocation: patch.wechatLocation !== undefined ? patch.wechatLocation : current.wechatLocation,
      externalUserId: patch.externalUserId !== undefined ? patch.externalUserId : current.externalUserId,
      lastUpdateTime: Math.max(current.createTime, nowSec()),
    }
  }

  /** Follower changes change the customer too: its lastUpdateTime moves. */
  const touch = (index: number) => {
    const current = context.world.customer(index)
    context.world.replaceCustomer(index, { ...current, lastUpdateTime: Math.max(current.createTime, nowSec()) })
  }

  /** The staff member with this qwUserId (404 when nobody has it). */
  const staffMember = (qwUserId: string): SalesMember => {
    const member = context.world.staff().byQwUserId.get(qwUserId)
    if (!member) throw new ChangeRefused('missing', `no member with qwUserId ${qwUserId}`)
    return member
  }
  const departmentOf = (id: number, what = 'department'): Department => {
    const department = context.world.staff().departmentById.get(id)
    if (!department) throw new ChangeRefused(what === 'department' ? 'missing' : 'invalid', `no department ${id}`)
    return department
  }
  /**
   * Staff values are derived from the members until the staff changes; then every value is
   * written down (departments and each member's), so that the change moves nothing else. Called
   * after the checks, so a refused change leaves the world as it was.
   */
  const materialize = () => {
    const world = context.world
    const staff = world.staff()
    if (!world.departmentsGiven) world.setDepartments(staff.departments.map((d) => ({ ...d })))
    staff.members.forEach((m) => world.replaceMember(m.index, staffRecord(m)))
  }
  /** A member's department properties after a change: the main department by name or the ids given, checked. */
  const memberDepartments = (patch: MemberProperties, current?: SalesMember): { department: string; departmentIds: number[] } | undefined => {
    const staff = context.world.staff()
    if (patch.departmentIds !== undefined) {
      if (patch.departmentIds.length === 0) throw invalid('member', 'departmentIds: at least one department')
      patch.departmentIds.forEach((id) => departmentOf(id, 'member'))
      const department = patch.department ?? staff.departmentById.get(patch.departmentIds[0]!)!.name
      return { department, departmentIds: [...new Set(patch.departmentIds)] }
    }
    if (patch.department !== undefined) {
      const main = staff.departments.find((d) => d.name === patch.department)
      if (!main) throw invalid('member', `department: no department named ${patch.department} (add it first, or give departmentIds)`)
      return { department: main.name, departmentIds: [main.id, ...(current?.departmentIds ?? []).filter((id) => id !== main.id)] }
    }
    return undefined
  }
  const checkMobile = (mobile: string | undefined, self?: string) => {
    const holder = mobile === undefined ? undefined : context.world.staff().byMobile.get(mobile)
    if (holder && holder.qwUserId !== self) throw new ChangeRefused('conflict', `mobile ${mobile} is member ${holder.qwUserId}'s`)
  }

  return {
    get loading() {
      return building
    },

    async replaceWorld(make) {
      if (building) throw new ChangeRefused('busy', 'a world is already being loaded; try again once it is served (GET /__mock/health shows the counts)')
      building = true
      try {
        context.world = await make()
      } finally {
        building = false
      }
      context.events.emit({ type: 'world.replaced', at: context.clock.now(), customers: context.world.liveCustomerCount, relations: context.world.relationCount })
    },

    addCustomer(input) {
      return change('customer', (events) => {
        const world = context.world
        const now = nowSec()
        const follows = input.followers.map((f) => ({
          member: memberOf(f.qwUserId),
          sec: f.createTime ? parseBeijing(f.createTime)! : now,
          nanos: f.createTime ? 0 : nowNanos(),
          given: f.createTime !== undefined,
          qwRemark: f.qwRemark,
        }))
        if (new Set(follows.map((f) => f.member)).size !== follows.length) throw new ChangeRefused('invalid', 'a member can follow a customer only once')
        // What is not given is generated consistent with what is: the customer was created by its
        // first follow (and not after now), and a follow without a time starts now, or when the
        // customer was created if that is later.
        const createSec = input.createTime ? parseBeijing(input.createTime)! : Math.min(now, ...follows.filter((f) => f.given).map((f) => f.sec))
        for (const f of follows) if (!f.given && f.sec < createSec) Object.assign(f, { sec: createSec, nanos: 0 })
        const older = follows.findIndex((f) => f.sec < createSec)
        if (older >= 0) {
          throw invalid('customer', `followers.${older}.createTime: ${formatBeijing(follows[older]!.sec)} is before the customer's createTime ${formatBeijing(createSec)} (a follow relation cannot be older than its customer)`)
        }
        const index = world.customerCount
        const rng = stream(world.shape.seed, NEW_CUSTOMER, index)
        const type = input.type ?? (rng.chance(0.3) ? 2 : 1)
        // Ids are minted shortly before the creation time, never before the id epoch.
        const customerMs = Math.max(ID_EPOCH_MS, createSec * 1000 - rng.between(1_000, 30_000))
        const companyMs = Math.max(ID_EPOCH_MS, createSec * 1000 - rng.between(31_000, 38_000))
        applyFields([], input.fields) // checked before any id is minted
        checkTags(input.tagIds)
        const customerId = world.mintId(customerMs)
        const companyId = type === 2 ? world.mintId(companyMs) : 0
        const skeleton = { createSec, type, follows: follows.map((f) => ({ member: f.member, sec: f.sec, micros: Math.floor(f.nanos / 1000) })) } as const
        const generated = generateCustomer(world.shape, world.catalog, index, skeleton, customerId, companyId)
        const customer = changed(generated, input, index)
        customer.lastUpdateTime = Math.max(createSec, ...follows.map((f) => f.sec))
        const added = world.addCustomer(customer, follows)
        const slots = world.slotsOf(added)
        const relationIds = slots.map((slot) => world.relations.id[slot]!)
        events.push({ type: 'customer.added', at: context.clock.now(), customerId, relationIds }, ...slots.map((slot) => relationEvent('relation.added', slot)))
        context.logger.log('admin', `added customer ${customerId} followed by ${input.followers.map((f) => f.qwUserId).join(', ')}`)
        return { customerId, relationIds, customer: fixtureCustomer(customer) }
      })
    },

    updateCustomer(customerId, patch) {
      return change('customer patch', (events) => {
        const index = indexOf(customerId)
        const current = context.world.customer(index)
        const next = changed(current, patch, index)
        context.world.replaceCustomer(index, next)
        const tags = patch.tagIds === undefined ? {} : { tagsAdded: next.tagIds.filter((id) => !current.tagIds.includes(id)), tagsRemoved: current.tagIds.filter((id) => !next.tagIds.includes(id)).sort((a, b) => a - b) }
        events.push({ type: 'customer.changed', at: context.clock.now(), customerId, properties: Object.keys(patch), ...tags })
        return fixtureCustomer(next)
      })
    },

    deleteCustomer(customerId) {
      change('deletion', (events) => {
        const world = context.world
        const index = indexOf(customerId)
        const slots = [...world.slotsOf(index)]
        events.push(...slots.map((slot) => relationEvent('relation.deleted', slot)), { type: 'customer.deleted', at: context.clock.now(), customerId, relationIds: slots.map((slot) => world.relations.id[slot]!) })
        world.deleteCustomer(index)
      })
    },

    addRelation(input) {
      return change('relation', (events) => {
        const world = context.world
        const index = indexOf(input.customerId)
        const member = memberOf(input.qwUserId)
        if (world.slotsOf(index).some((slot) => world.relations.member[slot] === member)) throw new ChangeRefused('conflict', `${input.qwUserId} already follows customer ${input.customerId}`)
        const customerSec = world.customer(index).createTime
        // Without a time the follow starts now, or when the customer was created if that is later.
        const sec = input.createTime ? parseBeijing(input.createTime)! : Math.max(nowSec(), customerSec)
        const nanos = input.createTime || sec > nowSec() ? 0 : nowNanos()
        if (sec < customerSec) throw invalid('relation', `createTime: ${formatBeijing(sec)} is before the customer's createTime ${formatBeijing(customerSec)} (a follow relation cannot be older than its customer)`)
        const slot = world.addRelation(index, member, sec, nanos, input.qwRemark)
        touch(index)
        events.push(relationEvent('relation.added', slot))
        return { relationId: world.relations.id[slot]! }
      })
    },

    mapFieldAlias(fieldId, alias) {
      return change('field alias', (events) => {
        const world = context.world
        const field = world.catalog.fields.find((f) => f.id === fieldId)
        if (!field) throw new ChangeRefused('missing', `no field ${fieldId}`)
        if (alias.trim() === '') throw new ChangeRefused('invalid', 'an alias cannot be blank')
        const movedFrom = world.aliases.set(fieldId, alias)
        const keyOf = (id: number) => {
          const f = world.catalog.fields.find((d) => d.id === id)!
          return f.outerField ?? f.name
        }
        if (movedFrom !== undefined) events.push({ type: 'field.changed', at: context.clock.now(), field: keyOf(movedFrom), fieldId: movedFrom, alias: null })
        events.push({ type: 'field.changed', at: context.clock.now(), field: keyOf(fieldId), fieldId, alias })
        context.logger.log('world', `field ${fieldId} (${field.name}) has alias ${alias}`)
        return { fieldId, alias, ...(movedFrom !== undefined ? { movedFrom } : {}) }
      })
    },

    deleteRelation(relationId) {
      change('deletion', (events) => {
        const world = context.world
        const slot = world.relationSlot(relationId)
        if (slot === undefined) throw new ChangeRefused('missing', `no relation ${relationId}`)
        events.push(relationEvent('relation.deleted', slot))
        world.removeRelation(slot)
        touch(world.relations.customer[slot]!)
      })
    },

    addMember(input) {
      return change('member', (events) => {
        const world = context.world
        const staff = world.staff()
        if (world.memberIndex(input.qwUserId) !== undefined) throw new ChangeRefused('conflict', `a member with qwUserId ${input.qwUserId} exists`)
        if (input.salesId !== undefined && staff.bySalesId.has(input.salesId)) throw new ChangeRefused('conflict', `salesId ${input.salesId} is member ${staff.bySalesId.get(input.salesId)!.qwUserId}'s`)
        checkMobile(input.mobile)
        const root = staff.departments.find((d) => d.parentId === null) ?? staff.departments[0]
        const departments = memberDepartments(input) ?? (root ? { department: root.name, departmentIds: [root.id] } : undefined)
        if (!departments) throw invalid('member', 'the world has no department: add one first')
        materialize()
        const index = world.addMember({
          qwUserId: input.qwUserId,
          name: input.name,
          ...departments,
          ...(input.salesId !== undefined ? { salesId: input.salesId } : {}),
          ...(input.mobile !== undefined ? { mobile: input.mobile } : {}),
          deleted: input.deleted ?? 0,
        })
        const added = staffRecord(world.staff().members[index]!)
        world.replaceMember(index, added)
        events.push({ type: 'member.added', at: context.clock.now(), qwUserId: added.qwUserId, salesId: added.salesId })
        return added
      })
    },

    updateMember(qwUserId, patch) {
      return change('member patch', (events) => {
        const current = staffMember(qwUserId)
        checkMobile(patch.mobile, qwUserId)
        const departments = memberDepartments(patch, current)
        materialize()
        const next: StaffMember = {
          ...staffRecord(current),
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.mobile !== undefined ? { mobile: patch.mobile } : {}),
          ...(patch.deleted !== undefined ? { deleted: patch.deleted } : {}),
          ...departments,
        }
        context.world.replaceMember(current.index, next)
        events.push({ type: 'member.changed', at: context.clock.now(), qwUserId, properties: Object.keys(patch) })
        return next
      })
    },

    deleteMember(qwUserId) {
      return change('member deletion', (events) => {
        const current = staffMember(qwUserId)
        if (current.deleted === 1) return staffRecord(current)
        materialize()
        const next: StaffMember = { ...staffRecord(current), deleted: 1 }
        context.world.replaceMember(current.index, next)
        events.push({ type: 'member.deleted', at: context.clock.now(), qwUserId })
        return next
      })
    },

    addDepartment(input) {
      return change('department', (events) => {
        const departments = context.world.staff().departments
        if (departments.some((d) => d.name === input.name)) throw new ChangeRefused('conflict', `a department named ${input.name} exists`)
        if (input.id !== undefined && departments.some((d) => d.id === input.id)) throw new ChangeRefused('conflict', `department ${input.id} exists`)
        const root = departments.find((d) => d.parentId === null)
        const parentId = input.parentId ?? root?.id ?? null
        if (parentId !== null) departmentOf(parentId, 'parent')
        const department: Department = { id: input.id ?? Math.max(999, ...departments.map((d) => d.id)) + 1, name: input.name, parentId }
        materialize()
        context.world.setDepartments([...context.world.staff().departments, department])
        events.push({ type: 'department.added', at: context.clock.now(), departmentId: department.id })
        return department
      })
    },

    updateDepartment(departmentId, patch) {
      return change('department patch', (events) => {
        const current = departmentOf(departmentId)
        const departments = context.world.staff().departments
        if (patch.name !== undefined && departments.some((d) => d.name === patch.name && d.id !== departmentId)) throw new ChangeRefused('conflict', `a department named ${patch.name} exists`)
        if (patch.parentId !== undefined) {
          // The new parent must exist and not be the department or one of its own sub-departments.
          for (let at: Department | undefined = departmentOf(patch.parentId, 'parent'); at; at = at.parentId === null ? undefined : departments.find((d) => d.id === at!.parentId)) {
            if (at.id === departmentId) throw invalid('department patch', `parentId: ${patch.parentId} is ${current.name} or under it`)
          }
        }
        materialize()
        const next: Department = { ...current, ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.parentId !== undefined ? { parentId: patch.parentId } : {}) }
        const world = context.world
        world.setDepartments(world.staff().departments.map((d) => (d.id === departmentId ? next : d)))
        // Members who name it as their main department follow the new name.
        if (next.name !== current.name) world.memberList.forEach((m, index) => m.department === current.name && world.replaceMember(index, { ...m, department: next.name }))
        events.push({ type: 'department.changed', at: context.clock.now(), departmentId, properties: Object.keys(patch) })
        return next
      })
    },

    deleteDepartment(departmentId) {
      change('department deletion', (events) => {
        const current = departmentOf(departmentId)
        const staff = context.world.staff()
        if (staff.departments.some((d) => d.parentId === departmentId)) throw new ChangeRefused('conflict', `department ${departmentId} (${current.name}) has sub-departments`)
        const members = staff.members.filter((m) => m.departmentIds.includes(departmentId))
        if (members.length > 0) throw new ChangeRefused('conflict', `department ${departmentId} (${current.name}) has members: ${members.slice(0, 5).map((m) => m.qwUserId).join(', ')}${members.length > 5 ? ', …' : ''}`)
        materialize()
        context.world.setDepartments(context.world.staff().departments.filter((d) => d.id !== departmentId))
        events.push({ type: 'department.deleted', at: context.clock.now(), departmentId })
      })
    },

    addLead(input) {
      return change('lead', (events) => {
        const world = context.world
        const book = world.leads()
        const catalog = world.catalog.fields
        const values = new Map<FieldDefinition, string | null>()
        const nameField = catalog.find((f) => f.outerField === 'name') ?? resolveField(world, '姓名')
        if (input.customerName !== undefined && nameField) values.set(nameField, fieldValueText(nameField, input.customerName))
        const mobiles = input.mobiles ?? []
        const phoneField = catalog.find((f) => f.outerField === 'mobile') ?? catalog.find((f) => f.type === 8)
        ;(input.fields ?? []).forEach(({ key, value }, k) => {
          const definition = resolveField(world, key)
          if (!definition) throw new ChangeRefused('invalid', `fields[${k}].alias 不存在：${key}`, [`fields[${k}].alias`])
          values.set(definition, fieldValueText(definition, value))
        })
        const phones = [...mobiles, ...(phoneField && values.has(phoneField) && input.fields?.some((f) => resolveField(world, f.key) === phoneField) ? JSON.parse(values.get(phoneField) ?? '[]') as string[] : [])]
        for (const [k, phone] of phones.entries()) {
          if (phones.indexOf(phone) !== k || world.mobileTaken(phone)) throw new ChangeRefused('conflict', `mobile ${phone}: 电话号码重复`, ['mobile'])
        }
        if (phoneField && phones.length > 0) values.set(phoneField, fieldValueText(phoneField, [...new Set(phones)]))
        const fields: ProfileValue[] = catalog.map((f) => ({ field: fieldKey(f), type: f.type, valueAsText: values.has(f) ? values.get(f)! : f.type === 8 ? '[]' : null }))
        const now = nowSec()
        const customerId = world.mintId(context.clock.now())
        const lead: Lead = { customerId, isClue: true, type: 1, fields, tagIds: [], createTime: now, createNanos: nowNanos(), lastUpdateTime: now, company: null, convertCustomerTime: null }
        const index = book.add(lead)
        const given = [...values].filter(([, v]) => v !== null && v !== '[]')
        if (given.length > 0 && context.options.leadWriteRecords === 'api') book.addFollowUp(index, { type: 2, content: `添加了客户的信息:\n${given.map(([f, v]) => `“${f.name}: ${shownValue(f, v!)}”`).join('\n')}`, createTime: now, operator: API_OPERATOR })
        events.push({ type: 'lead.added', at: context.clock.now(), leadId: customerId })
        context.logger.log('world', `added lead ${customerId}`)
        return { customerId }
      })
    },

    addWaitingCustomers(items) {
      return change('waiting customers', (events) => {
        const world = context.world
        const book = world.leads()
        const catalog = world.catalog.fields
        const prepared = items.map((values) => {
          const texts = new Map<FieldDefinition, string | null>()
          for (const { field, value } of values) texts.set(field, fieldValueText(field, value))
          return texts
        })
        const seen = new Set<string>()
        for (const texts of prepared) {
          for (const [field, text] of texts) {
            if (field.type !== 8 || text === null) continue
            for (const phone of JSON.parse(text) as string[]) {
              if (seen.has(phone) || world.mobileTaken(phone)) throw new ChangeRefused('conflict', `mobile ${phone}: 电话号码重复`, ['mobile'])
              seen.add(phone)
            }
          }
        }
        const customerIds: number[] = []
        for (const texts of prepared) {
          const fields: ProfileValue[] = catalog.map((f) => ({ field: fieldKey(f), type: f.type, valueAsText: texts.has(f) ? texts.get(f)! : f.type === 8 ? '[]' : null }))
          const now = nowSec()
          const customerId = world.mintId(context.clock.now())
          book.add({ customerId, isClue: false, type: 1, fields, tagIds: [], createTime: now, createNanos: nowNanos(), lastUpdateTime: now, company: null, convertCustomerTime: null })
          events.push({ type: 'lead.added', at: context.clock.now(), leadId: customerId })
          customerIds.push(customerId)
        }
        context.logger.log('world', `added ${customerIds.length} waiting customer(s)`)
        return { customerIds }
      })
    },

    editLeadField(customerId, field, valueAsText) {
      change('lead', (events) => {
        const world = context.world
        const book = world.leads()
        const index = book.liveIndexOf(customerId)
        if (index === undefined) throw new ChangeRefused('missing', `no lead or waiting customer ${customerId}`)
        const definition = resolveField(world, field)
        if (!definition) throw new ChangeRefused('invalid', `field 不存在：${field}`, ['field'])
        let value: unknown = valueAsText
        if (valueAsText !== null && (definition.type === 8 || definition.type === 6)) {
          try {
            value = JSON.parse(valueAsText)
          } catch {
            value = valueAsText.split(/[,，]/).map((v) => v.trim()).filter((v) => v !== '')
          }
        }
        const text = fieldValueText(definition, value)
        const current = book.lead(index)
        const key = fieldKey(definition)
        const fields = current.fields.map((f) => (f.field === key ? { ...f, valueAsText: text } : f))
        if (!fields.some((f) => f.field === key)) fields.push({ field: key, type: definition.type, valueAsText: text })
        const now = nowSec()
        book.replace(index, { ...current, fields, lastUpdateTime: Math.max(current.createTime, now) })
        if (context.options.leadWriteRecords === 'api') book.addFollowUp(index, { type: 2, content: `修改了客户的信息:\n“${definition.name}: ${text === null ? '' : shownValue(definition, text)}”`, createTime: Math.max(current.createTime, now), operator: API_OPERATOR })
        events.push({ type: 'lead.changed', at: context.clock.now(), leadId: customerId, properties: [key] })
        context.logger.log('world', `lead ${customerId}: ${key} changed`)
      })
    },

    setCustomerFields(customerId, values) {
      change('customer patch', (events) => {
        const index = indexOf(customerId)
        const current = context.world.customer(index)
        const next = { ...current, fields: valuesApplied(current.fields, values), lastUpdateTime: Math.max(current.createTime, nowSec()) }
        context.world.replaceCustomer(index, next)
        events.push({ type: 'customer.changed', at: context.clock.now(), customerId, properties: ['fields'] })
      })
    },

    importCustomer(qwUserId, values) {
      return change('customer', (events) => {
        const world = context.world
        const member = memberOf(qwUserId)
        const fields = valuesApplied([], values)
        const now = nowSec()
        const customerId = world.mintId(context.clock.now())
        const customer: Customer = {
          customerId, type: 1, fields, tagIds: [], createTime: now, lastUpdateTime: now, company: null,
          wechatNickname: null, wechatAvatar: null, wechatLocation: null, convertCustomerTime: null, externalUserId: null,
        }
        const index = world.addCustomer(customer, [{ member, sec: now, nanos: nowNanos(), qwRemark: null }])
        const slot = world.slotsOf(index)[0]!
        const relationId = world.relations.id[slot]!
        events.push({ type: 'customer.added', at: context.clock.now(), customerId, relationIds: [relationId] }, relationEvent('relation.added', slot))
        return { customerId, relationId }
      })
    },

    editRelationField(customerId, qwUserId, field, value) {
      change('relation field', (events) => {
        const world = context.world
        const index = indexOf(customerId)
        const member = memberOf(qwUserId)
        const slot = world.slotsOf(index).find((s) => world.relations.member[s] === member)
        if (slot === undefined) throw new ChangeRefused('missing', `${qwUserId} does not follow customer ${customerId}`)
        const current = world.customer(index)
        if (field === null) {
          if (value !== null && typeof value !== 'string') throw invalid('relation field', 'qwRemark takes text, or null to clear')
          world.setRemark(slot, value)
          touch(index)
        } else {
          world.replaceCustomer(index, { ...current, fields: valuesApplied(current.fields, [{ field, value }]), lastUpdateTime: Math.max(current.createTime, nowSec()) })
        }
        events.push({ type: 'customer.changed', at: context.clock.now(), customerId, properties: [field === null ? 'qwRemark' : 'fields'], relationId: world.relations.id[slot]!, qwUserId })
      })
    },

    transferRelations(to, moves) {
      return change('transfer', (events) => {
        const world = context.world
        const target = memberOf(to)
        const outcomes: TransferOutcome[] = []
        const touched = new Set<number>()
        for (const move of moves) {
          const index = world.customerIndex(move.customerId)
          const from = world.memberIndex(move.qwUserId)
          const slots = index === undefined ? [] : world.slotsOf(index)
          const slot = from === undefined ? undefined : slots.find((s) => world.relations.member[s] === from)
          const reason =
            index === undefined ? `no customer ${move.customerId}`
              : from === undefined ? `no member with qwUserId ${move.qwUserId}`
                : slot === undefined ? `${move.qwUserId} does not follow customer ${move.customerId}`
                  : from === target ? `${to} follows customer ${move.customerId} already`
                    : slots.some((s) => world.relations.member[s] === target) ? `${to} follows customer ${move.customerId} already`
                      : null
          if (reason !== null || slot === undefined || index === undefined) {
            outcomes.push({ customerId: move.customerId, qwUserId: move.qwUserId, moved: false, reason })
            continue
          }
          world.moveRelation(slot, target, nowSec())
          touched.add(index)
          events.push({ type: 'relation.transferred', at: context.clock.now(), relationId: world.relations.id[slot]!, customerId: move.customerId, from: move.qwUserId, to })
          outcomes.push({ customerId: move.customerId, qwUserId: move.qwUserId, moved: true, reason: null })
        }
        for (const index of touched) touch(index)
        return outcomes
      })
    },

    createLead(input) {
      return change('lead', (events) => {
        const world = context.world
        const book = world.leads()
        const isClue = input.isClue ?? true
        const type = input.type ?? 1
        const now = nowSec()
        const createTime = input.createTime === undefined ? now : parseBeijing(input.createTime)!
        if (type === 1 && input.companyName !== undefined) throw invalid('lead', 'companyName: only an enterprise lead (type 2) has a company')
        let convertCustomerTime: number | null = null
        if (input.convertCustomerTime !== undefined) {
          if (isClue) throw invalid('lead', 'convertCustomerTime: only a waiting customer (isClue false) was converted from a lead')
          convertCustomerTime = parseBeijing(input.convertCustomerTime)!
          if (convertCustomerTime < createTime) throw invalid('lead', `convertCustomerTime: ${input.convertCustomerTime} is before its createTime ${formatBeijing(createTime)}`)
        }
        const base: ProfileValue[] = world.catalog.fields.map((f) => ({ field: fieldKey(f), type: f.type, valueAsText: f.type === 8 ? '[]' : null }))
        const fields = leadValues(base, input.fields, [])
        const tagIds = checkTags(input.tagIds) ?? []
        const customerId = world.mintId(Math.max(ID_EPOCH_MS, createTime * 1000))
        const company = type === 2 ? { id: world.mintId(Math.max(ID_EPOCH_MS, createTime * 1000 - 5_000)), name: input.companyName ?? companyName(stream(world.shape.seed, NEW_LEAD, book.count, 1)) } : null
        const lead: Lead = { customerId, isClue, type, fields, tagIds, createTime, createNanos: input.createTime === undefined ? nowNanos() : 0, lastUpdateTime: Math.max(createTime, convertCustomerTime ?? createTime), company, convertCustomerTime }
        const index = book.add(lead)
        events.push({ type: 'lead.added', at: context.clock.now(), leadId: customerId })
        context.logger.log('admin', `added ${isClue ? 'lead' : 'waiting customer'} ${customerId}`)
        return { customerId, index }
      })
    },

    updateLead(customerId, patch) {
      return change('lead patch', (events) => {
        const book = context.world.leads()
        const index = leadIndexOf(customerId)
        const current = book.lead(index)
        if (patch.companyName !== undefined && current.type !== 2) throw invalid('lead patch', 'companyName: only an enterprise lead (type 2) has a company')
        if (patch.isClue === true && !current.isClue) throw new ChangeRefused('conflict', `${customerId} is a waiting customer (converted or created as one); it does not become a lead again`)
        const fields = leadValues(current.fields, patch.fields, mobilesOf(current.fields))
        const tagIds = checkTags(patch.tagIds) ?? current.tagIds
        const now = Math.max(current.createTime, nowSec())
        const converts = patch.isClue === false && current.isClue
        const company = patch.companyName !== undefined && current.company ? { id: current.company.id, name: patch.companyName } : current.company
        book.replace(index, { ...current, fields, tagIds, company, lastUpdateTime: now, isClue: converts ? false : current.isClue, convertCustomerTime: converts ? now : current.convertCustomerTime })
        const properties = [...Object.keys(patch.fields ?? {}), ...(patch.tagIds ? ['tagIds'] : []), ...(patch.companyName !== undefined ? ['companyName'] : [])]
        if (properties.length > 0) events.push({ type: 'lead.changed', at: context.clock.now(), leadId: customerId, properties })
        if (converts) events.push({ type: 'lead.converted', at: context.clock.now(), leadId: customerId, customerId })
        return { index }
      })
    },

    deleteLead(customerId) {
      change('lead deletion', (events) => {
        const book = context.world.leads()
        const index = leadIndexOf(customerId)
        const followUpIds = book.followUps(index).map((r) => r.id)
        book.remove(index)
        events.push({ type: 'lead.deleted', at: context.clock.now(), leadId: customerId, followUpIds })
        context.logger.log('admin', `deleted lead ${customerId}`)
      })
    },

    addFollowUp(customerId, input) {
      return change('follow-up', (events) => {
        const world = context.world
        const book = world.leads()
        const index = leadIndexOf(customerId)
        const lead = book.lead(index)
        const member = input.operator === undefined ? undefined : world.memberList[memberOf(input.operator)]!
        const createTime = input.createTime === undefined ? Math.max(nowSec(), lead.createTime) : parseBeijing(input.createTime)!
        if (createTime < lead.createTime) throw invalid('follow-up', `createTime: ${input.createTime} is before the lead's createTime ${formatBeijing(lead.createTime)}`)
        const record = book.addFollowUp(index, { type: input.type, content: input.content, createTime, operator: member ? { qwUserId: member.qwUserId, name: member.name } : API_OPERATOR })
        events.push({ type: 'follow-up.added', at: context.clock.now(), followUpId: record.id, leadId: customerId })
        return record
      })
    },

    deleteFollowUp(followUpId) {
      change('follow-up deletion', (events) => {
        const book = context.world.leads()
        const removed = book.removeFollowUp(followUpId)
        if (!removed) throw new ChangeRefused('missing', `no follow-up record ${followUpId}`)
        events.push({ type: 'follow-up.deleted', at: context.clock.now(), followUpId, leadId: book.lead(removed.index).customerId })
      })
    },

    addTag(input) {
      return change('tag', (events) => {
        const world = context.world
        const catalog = world.catalog
        const groups = tagGroupsNow()
        let group = typeof input.group === 'number' ? groups.find((g) => g.id === input.group) : groups.find((g) => g.name === input.group)
        if (!group && typeof input.group === 'number') throw invalid('tag', `group: no tag group ${input.group} (give a name to add a group)`)
        if (group && catalog.tags.some((t) => t.groupName === group!.name && t.name === input.name)) throw new ChangeRefused('conflict', `group ${group.name} has a tag named ${input.name} already`, ['name'])
        const qwTagIds = new Set([...catalog.tags.map((t) => t.qwTagId), ...groups.map((g) => g.qwTagId)])
        if (input.qwTagId !== undefined && qwTagIds.has(input.qwTagId)) throw new ChangeRefused('conflict', `qwTagId ${input.qwTagId} is another tag's or group's`, ['qwTagId'])
        const groupAdded = !group
        if (!group) group = { id: freshTagId(), name: input.group as string, qwTagId: freshQwTagId(qwTagIds) }
        const id = freshTagId()
        const tag: Tag = { id, name: input.name, groupName: group.name, qwTagId: input.qwTagId ?? freshQwTagId(qwTagIds) }
        catalog.setTags([...catalog.tags, tag], groupAdded ? [...groups, group] : groups)
        events.push({ type: 'tag.added', at: context.clock.now(), tagId: id, groupId: group.id, groupAdded })
        context.logger.log('admin', `added tag ${id} (${group.name} / ${tag.name})`)
        return { id, name: tag.name, qwTagId: tag.qwTagId, groupId: group.id, groupName: group.name }
      })
    },

    updateTag(tagId, patch) {
      return change('tag patch', (events) => {
        const catalog = context.world.catalog
        const current = tagOf(tagId)
        const name = patch.name ?? current.name
        if (name !== current.name && catalog.tags.some((t) => t.groupName === current.groupName && t.name === name)) throw new ChangeRefused('conflict', `group ${current.groupName} has a tag named ${name} already`, ['name'])
        const groups = tagGroupsNow()
        catalog.setTags(catalog.tags.map((t) => (t.id === tagId ? { ...t, name } : t)), groups)
        events.push({ type: 'tag.changed', at: context.clock.now(), tagId, properties: Object.keys(patch) })
        return { id: tagId, name, qwTagId: current.qwTagId, groupId: groups.find((g) => g.name === current.groupName)!.id, groupName: current.groupName }
      })
    },

    deleteTag(tagId) {
      change('tag deletion', (events) => {
        const world = context.world
        const tag = tagOf(tagId)
        const groups = tagGroupsNow()
        const group = world.catalog.tagTree().find((g) => g.name === tag.groupName)!
        const was = { name: tag.name, qwTagId: tag.qwTagId, groupId: group.id, groupName: group.name, order: group.tags.findIndex((t) => t.id === tagId) }
        world.catalog.setTags(world.catalog.tags.filter((t) => t.id !== tagId), groups)
        world.forgetItems()
        events.push({ type: 'tag.deleted', at: context.clock.now(), tagId, ...was })
        context.logger.log('admin', `deleted tag ${tagId}`)
      })
    },
  }

  /** A live lead's index, or `missing`. */
  function leadIndexOf(customerId: number): number {
    const index = context.world.leads().liveIndexOf(customerId)
    if (index === undefined) throw new ChangeRefused('missing', `no lead or waiting customer ${customerId}`)
    return index
  }

  /**
   * A lead's values after a change: each key resolved (alias, name, key or id: resolveField), each
   * value checked against its field; new mobile numbers (not among `own`) must be nobody's.
   */
  function leadValues(current: readonly ProfileValue[], values: Record<string, unknown> | undefined, own: readonly string[]): ProfileValue[] {
    const world = context.world
    const next = current.map((f) => ({ ...f }))
    const seen = new Set<string>()
    for (const [key, raw] of Object.entries(values ?? {})) {
      const definition = resolveField(world, key)
      if (!definition) throw invalid('lead', `fields.${key}: no profile field ${key} (a field's key, name, alias or id)`)
      const text = fieldValueText(definition, raw)
      if (definition.type === 8 && text !== null) {
        for (const phone of JSON.parse(text) as string[]) {
          if (seen.has(phone) || (!own.includes(phone) && world.mobileTaken(phone))) throw new ChangeRefused('conflict', `mobile ${phone}: 电话号码重复 (a customer or lead has it)`, ['mobile'])
          seen.add(phone)
        }
      }
      const k = fieldKey(definition)
      const at = next.findIndex((f) => f.field === k)
      if (at >= 0) next[at]!.valueAsText = text
      else next.push({ field: k, type: definition.type, valueAsText: text })
    }
    return next
  }

  /** The tag groups with their ids and qwTagIds as the tree has them now (derived ones written down, so a change moves none). */
  function tagGroupsNow(): TagGroup[] {
    return context.world.catalog.tagTree().map(({ id, name, qwTagId }) => ({ id, name, qwTagId }))
  }

  function tagOf(tagId: number): Tag {
    const tag = context.world.catalog.tags.find((t) => t.id === tagId)
    if (!tag) throw new ChangeRefused('missing', `no tag ${tagId}`)
    return tag
  }

  /** A new tag or group id: minted now, never a tag's, a group's, a field's or a deleted tag's id. */
  function freshTagId(): number {
    const catalog = context.world.catalog
    const used = new Set<number>([...catalog.tags.map((t) => t.id), ...tagGroupsNow().map((g) => g.id), ...catalog.fields.map((f) => f.id), ...catalog.retiredTagIds])
    for (;;) {
      const id = context.world.mintId(context.clock.now())
      if (!used.has(id)) return id
    }
  }

  /** A qwTagId nobody has: `et` + 30 url-safe characters from the world's seed and the ids minted so far. */
  function freshQwTagId(taken: Set<string>): string {
    const rng = stream(context.world.shape.seed, NEW_TAG, context.world.catalog.tags.length, taken.size)
    for (;;) {
      const id = `et${rng.chars(URL_SAFE, 30)}`
      if (!taken.has(id)) return taken.add(id), id
    }
  }
}

/** A valueAsText as a follow-up record shows it: an option's name, phone numbers joined by commas. */
function shownValue(definition: FieldDefinition, text: string): string {
  if (definition.type === 2) return definition.items.find((o) => String(o.id) === text)?.name ?? text
  if (definition.type === 8 || definition.type === 6) {
    try {
      const list = JSON.parse(text) as string[]
      return list.map((v) => (definition.type === 6 ? (definition.items.find((o) => String(o.id) === v)?.name ?? v) : v)).join(',')
    } catch {
      return text
    }
  }
  return text
}
