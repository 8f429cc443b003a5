/** The admin API's input schemas: what a request to /__mock (or an admin function) may say. */
import { z } from 'zod'
import { formatBeijing, parseBeijing } from '../protocol/time.js'
import { customerTypeSchema, mobileSchema } from '../world/schema.js'
import { CLOCK_RANGE_MS, inClockRange } from '../clock.js'

const RANGE_TEXT = `${formatBeijing(CLOCK_RANGE_MS.first / 1000)} to ${formatBeijing(Math.floor(CLOCK_RANGE_MS.last / 1000))} Beijing time, the moments ids can be minted at`
/** A time given to the admin API: the wire format, and a moment an id can be minted at (the clock's range). */
const beijingTime = z
  .string()
  .refine((s) => parseBeijing(s) !== undefined, { message: 'expected a Beijing time yyyy-MM-dd HH:mm:ss', abort: true })
  .refine((s) => inClockRange(parseBeijing(s)! * 1000), { message: `outside ${RANGE_TEXT}` })
/** Profile values by field key; each field's type says what it takes (mock/world/field-values.ts). */
const fieldValues = z.record(z.string(), z.unknown())

export const newCustomerSchema = z.strictObject({
  type: customerTypeSchema.optional(),
  /** Profile values by field key, checked against each field's type: select fields take an option id or name, `mobile` a list of numbers, null clears. */
  fields: fieldValues.optional(),
  tagIds: z.array(z.number().int()).optional(),
  /** For an enterprise customer: its company's name (generated when absent). */
  companyName: z.string().min(1).optional(),
  wechatNickname: z.string().nullable().optional(),
  wechatAvatar: z.string().nullable().optional(),
  wechatLocation: z.string().nullable().optional(),
  externalUserId: z.string().nullable().optional(),
  createTime: beijingTime.optional(),
  followers: z.array(z.strictObject({ qwUserId: z.string().min(1), createTime: beijingTime.optional(), qwRemark: z.string().nullable().optional() })).min(1),
})
/** A change to a customer: the same properties as a new one, all optional, without followers and creation time. */
export const customerPatchSchema = newCustomerSchema.omit({ followers: true, createTime: true })
export const newRelationSchema = z.strictObject({
  customerId: z.number().int().positive(),
  qwUserId: z.string().min(1),
  createTime: beijingTime.optional(),
  qwRemark: z.string().nullable().optional(),
})
/** A change to a follow relation: the member's remark (备注) on the customer, null clears it. */
export const relationPatchSchema = z.strictObject({ qwRemark: z.string().nullable() })
export const clockSchema = z.strictObject({
  /** Jump to this moment: epoch ms or a Beijing time, within the clock's range (CLOCK_RANGE_MS). */
  set: z.union([z.number().int().refine(inClockRange, { message: `outside ${CLOCK_RANGE_MS.first} to ${CLOCK_RANGE_MS.last} (${RANGE_TEXT})` }), beijingTime], { error: (issue) => (issue.code === 'invalid_union' ? 'expected epoch ms or a Beijing time yyyy-MM-dd HH:mm:ss' : undefined) }).optional(),
  advanceMs: z.number().int().optional(),
  /** true: stop the clock; false: let it run again. */
  freeze: z.boolean().optional(),
  /** Back to real time, running. */
  reset: z.boolean().optional(),
})

const positiveId = z.number().int().positive()
/** A member's staff properties (get-users, common/user/info, contract/user-department). */
export const memberPatchSchema = z.strictObject({
  name: z.string().min(1).optional(),
  /** The main department, by name (it must exist). */
  department: z.string().min(1).optional(),
  /** Departments by id, main one first. */
  departmentIds: z.array(positiveId).min(1).optional(),
  mobile: mobileSchema.optional(),
  /** 1: the member left (离职). */
  deleted: z.union([z.literal(0), z.literal(1)]).optional(),
})
export const newMemberSchema = memberPatchSchema.extend({
  qwUserId: z.string().min(1),
  name: z.string().min(1),
  /** Derived from the qwUserId when absent. */
  salesId: positiveId.optional(),
})
export const newDepartmentSchema = z.strictObject({
  name: z.string().min(1),
  /** Default: the root department (the tenant). */
  parentId: positiveId.optional(),
  id: positiveId.optional(),
})
export const departmentPatchSchema = newDepartmentSchema.omit({ id: true }).partial()

/** A lead (isClue true, the default) or a customer waiting to be assigned (isClue false), as clue/list-by-create-time-asc lists it. */
export const newLeadSchema = z.strictObject({
  isClue: z.boolean().optional(),
  type: customerTypeSchema.optional(),
  /** Profile values by field key, name, alias or id (as add-clue takes them), checked against each field's type. */
  fields: fieldValues.optional(),
  tagIds: z.array(z.number().int()).optional(),
  createTime: beijingTime.optional(),
  /** Enterprise leads (type 2) only; generated when absent. */
  companyName: z.string().min(1).optional(),
  /** Waiting customers (isClue false) only. */
  convertCustomerTime: beijingTime.optional(),
})
/** A change to a lead: values (merged), tags (replaced), company name; `isClue: false` converts a lead into a waiting customer. */
export const leadPatchSchema = z.strictObject({
  fields: fieldValues.optional(),
  tagIds: z.array(z.number().int()).optional(),
  companyName: z.string().min(1).optional(),
  isClue: z.boolean().optional(),
})
/** A follow-up record (跟进记录) of a lead: operator a member's qwUserId, or omitted for the API. */
export const newFollowUpSchema = z.strictObject({
  content: z.string().min(1),
  type: z.union([z.literal(1), z.literal(2)], { error: 'expected 1 (free text) or 2 (a change of the customer\'s information)' }),
  operator: z.string().min(1).optional(),
  createTime: beijingTime.optional(),
})
const qwTagIdSchema = z.string().regex(/^et[A-Za-z0-9_-]+$/, { message: 'expected et followed by url-safe characters' })
/** A tag: its group by id or by name (a new group when no group has the name). */
export const newTagSchema = z.strictObject({
  group: z.union([positiveId, z.string().min(1)], { error: 'expected a tag group id or name' }),
  name: z.string().min(1),
  qwTagId: qwTagIdSchema.optional(),
})
export const tagPatchSchema = z.strictObject({ name: z.string().min(1).optional() })

export type NewLead = z.input<typeof newLeadSchema>
export type LeadPatch = z.input<typeof leadPatchSchema>
export type NewFollowUp = z.input<typeof newFollowUpSchema>
export type NewTag = z.input<typeof newTagSchema>
export type TagPatch = z.input<typeof tagPatchSchema>
export type NewMember = z.input<typeof newMemberSchema>
export type MemberPatch = z.input<typeof memberPatchSchema>
export type NewDepartment = z.input<typeof newDepartmentSchema>
export type DepartmentChange = z.input<typeof departmentPatchSchema>
export type NewCustomer = z.input<typeof newCustomerSchema>
export type CustomerPatch = z.input<typeof customerPatchSchema>
export type NewRelation = z.input<typeof newRelationSchema>
export type RelationPatch = z.input<typeof relationPatchSchema>
export type ClockChange = z.input<typeof clockSchema>

/** A common fault (mock/console/fault-presets.ts) turned on or off. */
export const faultPresetChangeSchema = z.strictObject({ on: z.boolean() })
