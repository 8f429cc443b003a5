/**
 * The world's records, one zod schema each: the type, the runtime check and the documentation of a
 * record in one place. Times inside the world are epoch seconds; the wire format (Beijing-time
 * strings) is the endpoint's business.
 */
import { z } from 'zod'

/** Profile field value types (docs/upstream.md §4, documented). */
export const FIELD_TYPES = {
  text: 1,
  select: 2,
  date: 3,
  number: 4,
  textarea: 5,
  multiSelect: 6,
  dateTime: 7,
  phones: 8,
} as const
export const fieldTypeSchema = z.union(Object.values(FIELD_TYPES).map((t) => z.literal(t)) as [z.ZodLiteral<1>, ...z.ZodLiteral<number>[]])
export type FieldType = (typeof FIELD_TYPES)[keyof typeof FIELD_TYPES]

const id = z.number().int().positive()
const epochSec = z.number().int().nonnegative()

/** Customer types: 1 personal (个人客户), 2 enterprise (企业客户, carries companyInfo). */
export const customerTypeSchema = z.union([z.literal(1), z.literal(2)])
export type CustomerType = z.infer<typeof customerTypeSchema>


/** A mainland mobile number, 11 digits starting 1 (get-users, common/user/info). */
export const mobileSchema = z.string().regex(/^1[3-9]\d{9}$/, { message: 'expected a mobile number: 11 digits starting 13–19' })

/**
 * A sales member (WeCom account) who follows customers. `department` names the member's main
 * department; the rest is optional in a fixture and, when absent, derived from the member's own
 * `qwUserId` (mock/world/generate/staff.ts), so an exported world and the world it came from agree.
 */
export const memberSchema = z.object({
  qwUserId: z.string().min(1),
  name: z.string(),
  department: z.string(),
  /** The Tanma member id (get-users' `salesId`): a small positive integer, unique in the world. */
  salesId: id.optional(),
  mobile: mobileSchema.optional(),
  /** 1: the member has left (离职), 0: active. */
  deleted: z.union([z.literal(0), z.literal(1)]).optional(),
  /** The departments the member belongs to (ids from `departments`), main one first. */
  departmentIds: z.array(id).min(1).optional(),
})
export type Member = z.infer<typeof memberSchema>

/** A department of the tenant's tree (contract/user-department): `parentId` null at the root. */
export const departmentSchema = z.object({
  id,
  name: z.string().min(1),
  parentId: id.nullable(),
})
export type Department = z.infer<typeof departmentSchema>

/** A profile field definition, as served by `list-fields`. */
export const fieldDefinitionSchema = z.object({
  id,
  name: z.string(),
  type: fieldTypeSchema,
  /** The key used in `fields[].field`; null for a field without one (the documented list-fields example's fields). */
  outerField: z.string().nullable(),
  items: z.array(z.object({ id: z.number().int().nonnegative(), name: z.string() })),
  stable: z.boolean(),
  customerImportRequired: z.boolean(),
})
export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>

export const tagSchema = z.object({
  id,
  name: z.string(),
  groupName: z.string(),
  qwTagId: z.string().regex(/^et[A-Za-z0-9_-]+$/),
})
export type Tag = z.infer<typeof tagSchema>

/**
 * A tag group (标签组) of the tag tree (`tags/list-tree`): its tags are the tags with its name as
 * `groupName`. Groups a fixture does not list are derived from their tags (mock/world/tag-groups.ts).
 */
export const tagGroupSchema = z.object({
  id,
  name: z.string(),
  qwTagId: z.string().regex(/^et[A-Za-z0-9_-]+$/),
})
export type TagGroup = z.infer<typeof tagGroupSchema>

/** A field alias (字段映射, `profile-fields/map`): a name the write endpoints accept for the field. */
export const fieldAliasSchema = z.object({
  fieldId: id,
  alias: z.string().min(1),
})
export type FieldAlias = z.infer<typeof fieldAliasSchema>

export const companySchema = z.object({ id, name: z.string() })
export type Company = z.infer<typeof companySchema>

export const profileValueSchema = z.object({
  field: z.string(),
  type: fieldTypeSchema,
  valueAsText: z.string().nullable(),
})
export type ProfileValue = z.infer<typeof profileValueSchema>

export const customerSchema = z.object({
  customerId: id,
  type: customerTypeSchema,
  fields: z.array(profileValueSchema),
  tagIds: z.array(id),
  createTime: epochSec,
  lastUpdateTime: epochSec,
  company: companySchema.nullable(),
  wechatNickname: z.string().nullable(),
  wechatAvatar: z.string().nullable(),
  wechatLocation: z.string().nullable(),
  convertCustomerTime: epochSec.nullable(),
  externalUserId: z.string().nullable(),
})
export type Customer = z.infer<typeof customerSchema>

/** A follow relation (跟进关系): one member following one customer since a moment (to the nanosecond). */
export const relationSchema = z.object({
  id,
  customerId: id,
  qwUserId: z.string(),
  createdSec: epochSec,
  createdNanos: z.number().int().min(0).max(999_999_999),
  qwRemark: z.string().nullable(),
})
export type Relation = z.infer<typeof relationSchema>
