/**
 * Documented response shapes shared by several endpoints, as zod (docs/upstream.md §1, §4). The
 * endpoint modules compose their `data` schemas from these; contracts/schema.ts re-exports them.
 */
import { z } from 'zod'
import { CURSOR_PATTERN } from './cursor.js'
import { BEIJING_TIME_PATTERN } from './time.js'

/** `yyyy-MM-dd HH:mm:ss`, Beijing time, no zone suffix. */
export const beijingTimeSchema = z.string().regex(BEIJING_TIME_PATTERN)
/** A `nextCursor`: 24 bytes of standard base64. */
export const cursorSchema = z.string().regex(CURSOR_PATTERN)
/** Tanma ids are positive integers (15 digits in the docs). */
export const idSchema = z.int().positive()

/** One profile field of a customer: `valueAsText` is always text or null, whatever the field's type. */
export const profileFieldValueSchema = z.object({
  field: z.string().min(1),
  /** 1 text, 2 single select, 3 date, 4 number, 5 multi-line text, 6 multi select, 7 date-time, 8 phone numbers. */
  type: z.int().min(1).max(8),
  valueAsText: z.string().nullable(),
})

/** A department as the staff endpoints name it (contract/user-department's item; get-users' `departments`). */
export const departmentRefSchema = z.object({
  departmentName: z.string(),
  /** A small integer (the docs show 3765). */
  departmentId: z.int().positive(),
})
