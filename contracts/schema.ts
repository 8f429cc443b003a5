/**
 * The documented response shape of `POST /api/v3/customer-relation/list-by-relation-create-time-asc`
 * as zod schemas (docs/upstream.md §1 and §3): the item and `data` shapes are the endpoint module's
 * own, the envelope is added here. The Pact matchers (matchers.ts) are derived from
 * these, so the runtime check, the TypeScript types and the contract never disagree.
 *
 * What the vendor documents is pinned; what it leaves open stays open: items may carry properties
 * not listed here (the docs count 15 properties and name 14), and free-text values are any string.
 */
import { z } from 'zod'
import { followedCustomerSchema, getUsers, listByRelationCreateTimeAsc, memberIdsSchema, salesMemberSchema, userDepartment, userInfo } from '../mock/endpoints/index.js'
import { DEFAULT_ERRORS } from '../mock/protocol/errors.js'
import { addClue, editClueField, followUpItemSchema, leadItemSchema, listClueFollowUps, listCluesByCreateTimeAsc } from '../mock/endpoints/index.js'

import { departmentRefSchema, profileFieldValueSchema } from '../mock/protocol/shapes.js'

/** The shapes are written once, by the endpoint modules (mock/endpoints/) and mock/protocol/shapes.ts; this re-exports them. */
export { beijingTimeSchema, cursorSchema, profileFieldValueSchema } from '../mock/protocol/shapes.js'
export { followedCustomerSchema }

/** A successful page: `code` 0, `message` "ok" (or "success"), the items and the cursor (null at the end). */
export const followedCustomerPageSchema = z.object({
  code: z.literal(0),
  message: z.enum(['ok', 'success']),
  data: listByRelationCreateTimeAsc.data,
})

/** Any error: a non-zero `code`, a message, `data` null. */
export const errorEnvelopeSchema = z.object({
  code: z.int().refine((code) => code !== 0, { message: 'an error has a non-zero code' }),
  message: z.string().min(1),
  data: z.null(),
})

export type ProfileFieldValue = z.infer<typeof profileFieldValueSchema>
export type FollowedCustomer = z.infer<typeof followedCustomerSchema>
export type FollowedCustomerPage = z.infer<typeof followedCustomerPageSchema>
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>

/** The list request's body (all optional; docs/upstream.md §3). */
export interface ListRequest {
  /** Window start, inclusive, `yyyy-MM-dd HH:mm:ss`. */
  since?: string
  /** Window end, exclusive. */
  before?: string
  /** 1 personal, 2 enterprise. */
  type?: 1 | 2
  /** Only this sales member's relations. */
  qwUserId?: string
  /** Page size (default 20, at most 100). */
  size?: number
  /** `nextCursor` of the previous page. */
  cursor?: string
}

/** The documented and client-observed error codes a consumer must handle. */
export const ERROR_CODES = {
  badSignature: DEFAULT_ERRORS.badSignature.code,
  staleTimestamp: DEFAULT_ERRORS.staleTimestamp.code,
  validation: DEFAULT_ERRORS.validation.code,
  /** add-clue: a mobile number a customer or lead already has. */
  duplicateMobile: DEFAULT_ERRORS.duplicateMobile.code,
} as const
/** Their messages (the validation message is a prefix followed by what is wrong). */
export const ERROR_MESSAGES = {
  badSignature: DEFAULT_ERRORS.badSignature.message,
  staleTimestamp: DEFAULT_ERRORS.staleTimestamp.message,
  validation: DEFAULT_ERRORS.validation.message,
  duplicateMobile: DEFAULT_ERRORS.duplicateMobile.message,
} as const

/** The endpoint's path under the base URL (`…/api`). */
export const LIST_PATH = listByRelationCreateTimeAsc.path

// The catalog endpoints and the deprecated per-member list (issue 11): their `data` shapes, re-exported.
export {
  fieldDefinitionItemSchema,
  listFieldsDataSchema,
  profileFieldSchema,
  tagGroupItemSchema,
  tagItemSchema,
  qwUserFollowedCustomerSchema,
} from '../mock/endpoints/index.js'
export { echo as echoEndpoint, listFields as listFieldsEndpoint, profileFields as profileFieldsEndpoint, mapProfileField as mapProfileFieldEndpoint, listTagTree as listTagTreeEndpoint, listByQwUserId as listByQwUserIdEndpoint } from '../mock/endpoints/index.js'

/** The staff endpoints (docs/upstream.md §7.1): get-users, common/user/info, contract/user-department. */
export { salesMemberSchema, memberIdsSchema } from '../mock/endpoints/index.js'
export { departmentRefSchema } from '../mock/protocol/shapes.js'
/** get-users' `data`: `{result, pageNo, pageSize, total, totalPage}`. */
export const salesMemberPageSchema = getUsers.data
/** contract/user-department's `data`: the member's departments. */
export const userDepartmentsSchema = userDepartment.data
/** common/user/info's `data`: the member's ids, or null for an unknown mobile. */
export const userInfoSchema = userInfo.data
export type SalesMember = z.infer<typeof salesMemberSchema>
export type SalesMemberPage = z.infer<typeof salesMemberPageSchema>
export type DepartmentRef = z.infer<typeof departmentRefSchema>
export type MemberIds = z.infer<typeof memberIdsSchema>

/** get-users' request: all optional (page 1 of 20, every member). */
export interface GetUsersRequest {
  pageNo?: number
  pageSize?: number
  /** 0 active, 1 left (离职). */
  deleted?: 0 | 1
  /** A part of the member's name. */
  name?: string
}
/** contract/user-department's request: a member by qwUserId, salesId, or both. */
export interface UserDepartmentRequest {
  qwUserId?: string
  salesId?: number
}

export const GET_USERS_PATH = getUsers.path
export const USER_INFO_PATH = userInfo.path
export const USER_DEPARTMENT_PATH = userDepartment.path

/** clue/list-by-create-time-asc's item (a lead or a customer waiting to be assigned) and `data`. */
export { leadItemSchema, followUpItemSchema } from '../mock/endpoints/index.js'
export const leadPageSchema = listCluesByCreateTimeAsc.data
/** clue/list-follow-up's `data`: a lead's follow-up records. */
export const followUpPageSchema = listClueFollowUps.data
/** add-clue's `data`: the new lead's customer id, a bare integer. */
export const addClueDataSchema = addClue.data
/** clue/edit-field's `data`: null. */
export const editClueFieldDataSchema = editClueField.data
export type LeadItem = z.infer<typeof leadItemSchema>
export type LeadPage = z.infer<typeof leadPageSchema>
export type FollowUpItem = z.infer<typeof followUpItemSchema>
export type FollowUpPage = z.infer<typeof followUpPageSchema>
/** add-clue's request: fields named by alias (profile-fields/map), a field's name, key or id as text. */
export interface AddClueRequest {
  customerName?: string
  mobiles?: string[]
  fields?: { alias: string; fieldValue: unknown }[]
}
export const CLUE_LIST_PATH = listCluesByCreateTimeAsc.path
export const CLUE_FOLLOW_UP_PATH = listClueFollowUps.path
export const ADD_CLUE_PATH = addClue.path
export const CLUE_EDIT_FIELD_PATH = editClueField.path

/**
 * The WeChat reads and the writes on followed customers (issue 11): qw-details, qw-list-by-customer,
 * customer-relation/edit-field, customer-transfer, import-customer, customer/update-by-id.
 */
export { qwDetailSchema, qwFollowRecordSchema, transferOutcomeSchema } from '../mock/endpoints/index.js'
export {
  qwDetails as qwDetailsEndpoint, qwListByCustomer as qwListByCustomerEndpoint, editRelationField as editRelationFieldEndpoint,
  customerTransfer as customerTransferEndpoint, importCustomer as importCustomerEndpoint, updateCustomerById as updateCustomerByIdEndpoint,
} from '../mock/endpoints/index.js'
/** One `{alias, values}` of import-customer and customer/update-by-id (`alias`: from profile-fields/map, a field's name, key or id). */
export interface AliasValues {
  alias: string
  values: (string | number)[]
}

/** customer/search (高级筛选接口(新版)): an item, and `data` `{totalPage, pageNo, pageSize, total, data}`. */
export { searchedCustomerSchema } from '../mock/endpoints/index.js'
import { customerSearch as customerSearchEndpoint, searchedCustomerSchema } from '../mock/endpoints/index.js'
export const customerSearchPageSchema = customerSearchEndpoint.data
export type SearchedCustomer = z.infer<typeof searchedCustomerSchema>
export type CustomerSearchPage = z.infer<typeof customerSearchPageSchema>
export const CUSTOMER_SEARCH_PATH = customerSearchEndpoint.path
/** customer/search's request (docs/upstream.md §7.1): all optional. */
export interface CustomerSearchRequest {
  customerId?: number
  /** A mobile, a name or a customer id (exact). */
  searchKey?: string
  role?: string
  salesIdList?: number[]
  departmentIdList?: number[]
  createTime?: { start?: string; end?: string }
  qwCustomerTime?: { start?: string; end?: string }
  conditions?: { conditionOp?: 1 | 2; conditionItems?: { name: string; op: number; values?: string[] }[] }
  pageNo?: number
  pageSize?: number
  creditCode?: string
}

/** common/customer/info (获取客户id): the matching customer ids. */
export { customerIdsSchema } from '../mock/endpoints/index.js'
import { customerInfo as customerInfoEndpoint } from '../mock/endpoints/index.js'
export const CUSTOMER_INFO_PATH = customerInfoEndpoint.path

/** save-highseas (公海): the new customers' ids. */
export { newCustomerIdsSchema } from '../mock/endpoints/index.js'
import { saveHighseas as saveHighseasEndpoint } from '../mock/endpoints/index.js'
export const SAVE_HIGHSEAS_PATH = saveHighseasEndpoint.path
/** save-highseas' request: new customers, each field by its id with its values as a list. */
export type SaveHighseasRequest = { fields: { id: number; value: string[] | null }[] }[]
