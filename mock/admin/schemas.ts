/** The admin API's input schemas: what a request to /__mock (or an admin function) may say. */
import { z } from 'zod'
import { formatBeijing, parseBeijing } from '../protocol/time.js'
import { customerTypeSchema } from '../world/schema.js'
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
export const clockSchema = z.strictObject({
  /** Jump to this moment: epoch ms or a Beijing time, within the clock's range (CLOCK_RANGE_MS). */
  set: z.union([z.number().int().refine(inClockRange, { message: `outside ${CLOCK_RANGE_MS.first} to ${CLOCK_RANGE_MS.last} (${RANGE_TEXT})` }), beijingTime], { error: (issue) => (issue.code === 'invalid_union' ? 'expected epoch ms or a Beijing time yyyy-MM-dd HH:mm:ss' : undefined) }).optional(),
  advanceMs: z.number().int().optional(),
  /** true: stop the clock; false: let it run again. */
  freeze: z.boolean().optional(),
  /** Back to real time, running. */
  reset: z.boolean().optional(),
})

export type NewCustomer = z.input<typeof newCustomerSchema>
export type CustomerPatch = z.input<typeof customerPatchSchema>
export type NewRelation = z.input<typeof newRelationSchema>
export type ClockChange = z.input<typeof clockSchema>
