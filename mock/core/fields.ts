/**
 * Builders of request-schema fields shared by endpoints: each refuses a wrong value with the
 * upstream's validation message naming the property and echoing (a preview of) what was sent.
 */
import { z } from 'zod'
import type { ResolvedOptions } from '../options.js'
import { preview } from '../preview.js'
import { parseBeijing } from '../protocol/time.js'

const TIME_FORMAT = 'yyyy-MM-dd HH:mm:ss'

/** A Beijing time `yyyy-MM-dd HH:mm:ss`, as epoch seconds. */
export const beijingTimeField = (name: string) =>
  z.unknown().transform((value, ctx) => {
    const sec = typeof value === 'string' ? parseBeijing(value) : undefined
    if (sec === undefined) {
      ctx.addIssue({ code: 'custom', message: `${name} 应为 ${TIME_FORMAT} 格式的北京时间（收到 ${preview(value)}）` })
      return z.NEVER
    }
    return sec
  })

/** Jackson's default coercions, for `types: lenient`: "20" → 20, 20.7 → 20. */
function coerceInteger(value: unknown): unknown {
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim())
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value)
  return value
}

/** A safe integer that passes `ok`; `rule` says which in the message. Lenient types coerce first. */
export const integerField = (options: ResolvedOptions, name: string, rule: string, ok: (n: number) => boolean) =>
  z.unknown().transform((raw, ctx) => {
    const value = options.types === 'lenient' ? coerceInteger(raw) : raw
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || !ok(value)) {
      ctx.addIssue({ code: 'custom', message: `${name} ${rule}（收到 ${preview(raw)}）` })
      return z.NEVER
    }
    return value
  })

/** A string. */
export const stringField = (name: string) => z.string({ error: (issue) => `${name} 应为字符串（收到 ${preview(issue.input)}）` })

/** A required field: absent, the upstream's message says it is missing (`<name> 不能为空`); present, `field` checks it. */
export const requiredField = <T extends z.ZodType>(name: string, field: T) =>
  z.unknown().transform((value, ctx) => {
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `${name} 不能为空` })
      return z.NEVER
    }
    const result = field.safeParse(value)
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message })
      return z.NEVER
    }
    return result.data as z.output<T>
  })
