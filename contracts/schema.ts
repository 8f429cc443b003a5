/**
 * The documented response shape of `POST /api/v3/customer-relation/list-by-relation-create-time-asc`,
 * once, as zod schemas (docs/upstream.md §1 and §3). The Pact matchers (matchers.ts) are derived from
 * these, so the runtime check, the TypeScript types and the contract never disagree.
 *
 * What the vendor documents is pinned; what it leaves open stays open: items may carry properties
 * not listed here (the docs count 15 properties and name 14), and free-text values are any string.
 */
import { z } from 'zod'
import { listByRelationCreateTimeAsc } from '../mock/endpoints/list-by-relation-create-time-asc.js'
import { CURSOR_PATTERN } from '../mock/protocol/cursor.js'
import { DEFAULT_ERRORS } from '../mock/protocol/errors.js'
import { BEIJING_TIME_PATTERN } from '../mock/protocol/time.js'

/** `yyyy-MM-dd HH:mm:ss`, Beijing time, no zone suffix. */
export const beijingTimeSchema = z.string().regex(BEIJING_TIME_PATTERN)
/** A `nextCursor`: 24 bytes of standard base64. */
export const cursorSchema = z.string().regex(CURSOR_PATTERN)
/** Tanma ids are positive integers (15 digits in the docs). */
const idSchema = z.int().positive()

/** One profile field of a customer: `valueAsText` is always text or null, whatever the field's type. */
export const profileFieldValueSchema = z.object({
  field: z.string().min(1),
  /** 1 text, 2 single select, 3 date, 4 number, 5 multi-line text, 6 multi select, 7 date-time, 8 phone numbers. */
  type: z.int().min(1).max(8),
  valueAsText: z.string().nullable(),
})

/** One follow relation as listed: the customer, seen by one follower (`qwUserId`). */
export const followedCustomerSchema = z
  .looseObject({
    customerId: idSchema,
    qwUserId: z.string().min(1),
    /** 1 personal, 2 enterprise. */
    type: z.union([z.literal(1), z.literal(2)]),
    fields: z.array(profileFieldValueSchema),
    tagIds: z.array(idSchema),
    createTime: beijingTimeSchema,
    lastUpdateTime: beijingTimeSchema,
    /** Enterprise customers (type 2) only. */
    companyInfo: z.object({ id: idSchema, name: z.string() }).optional(),
    wechatNickname: z.string().nullable(),
    wechatAvatar: z.string().regex(/^https?:\/\/\S+$/).nullable(),
    wechatLocation: z.string().nullable(),
    convertCustomerTime: beijingTimeSchema.nullable(),
    qwRemark: z.string().nullable(),
    /** WeCom external contact id, `wm` or `wo` and 30 url-safe characters. */
    externalUserId: z.string().regex(/^w[mo][A-Za-z0-9_-]{30}$/).nullable(),
  })
  .refine((c) => c.companyInfo === undefined || c.type === 2, { message: 'companyInfo on a customer that is not an enterprise (type 2)', path: ['companyInfo'] })
  .refine((c) => c.createTime <= c.lastUpdateTime, { message: 'lastUpdateTime before createTime', path: ['lastUpdateTime'] })

/** A successful page: `code` 0, `message` "ok" (or "success"), the items and the cursor (null at the end). */
export const followedCustomerPageSchema = z.object({
  code: z.literal(0),
  message: z.enum(['ok', 'success']),
  data: z.object({
    list: z.array(followedCustomerSchema),
    nextCursor: cursorSchema.nullable(),
  }),
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
} as const
/** Their messages (the validation message is a prefix followed by what is wrong). */
export const ERROR_MESSAGES = {
  badSignature: DEFAULT_ERRORS.badSignature.message,
  staleTimestamp: DEFAULT_ERRORS.staleTimestamp.message,
  validation: DEFAULT_ERRORS.validation.message,
} as const

/** The endpoint's path under the base URL (`…/api`). */
export const LIST_PATH = listByRelationCreateTimeAsc.path
