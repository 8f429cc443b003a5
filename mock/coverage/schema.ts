/**
 * The coverage report's shape (issue 13), one zod definition: the type, the validation, and the
 * published JSON Schema (`npm run schema` writes schema/coverage-report.schema.json). Every renderer
 * (terminal table, JSON, JUnit XML, HTML), the CI gate and the baseline diff read this shape only.
 *
 * Items are named in the vendor's terms: an endpoint's response variants ("success", "empty result",
 * "1002 签名错误", "40000 请求参数验证失败：size"), a cursor list's paging paths ("first page", "a cursor
 * page", "end reached (nextCursor null)", "resumed after a failure", "swept during writes"), a push
 * type's delivery ("delivered", "acknowledged", "retried", "gone offline"), a fault rule's
 * ("hit", "recovered": the next call repeated the failed request and went on).
 */
import { z } from 'zod'

export const COVERAGE_REPORT_VERSION = 1

export const coverageItemSchema = z.object({
  /** Stable across runs and versions of the consumer's tests: `<group key>#<variant>` (the baseline diff and the gate match on it). */
  id: z.string(),
  kind: z.enum(['response', 'validation', 'paging', 'push', 'fault']),
  /** What it is, in the vendor's terms. */
  label: z.string(),
  covered: z.boolean(),
  /** How many journal entries cover it. */
  count: z.int().min(0),
  /** The journal entries that cover it (request `seq`s, or push attempt `seq`s for push items), the first 20. */
  entries: z.array(z.int()),
})

export const coverageGroupSchema = z.object({
  /** An endpoint path (`/v3/clue/list-by-create-time-asc`), `push:<type>` or `fault:<rule id>`. */
  key: z.string(),
  kind: z.enum(['endpoint', 'push', 'fault']),
  /** The endpoint's 中文 title, the push type, or the fault rule's description. */
  title: z.string(),
  /** Whether the consumer used it at all (any request to the endpoint, any push of the type, any hit of the rule). */
  used: z.boolean(),
  items: z.array(coverageItemSchema),
})

export const diagnosisSchema = z.object({
  /** The request's journal `seq`. */
  seq: z.int(),
  path: z.string(),
  code: z.int(),
  /** Why the call failed, in the vendor's terms (e.g. "the body was re-serialised after signing: …"). */
  diagnosis: z.string(),
})

export const totalsSchema = z.object({ items: z.int().min(0), covered: z.int().min(0), groupsUsed: z.int().min(0), groups: z.int().min(0) })

export const tenantCoverageSchema = z.object({
  appId: z.string(),
  groups: z.array(coverageGroupSchema),
  diagnoses: z.array(diagnosisSchema),
  totals: totalsSchema,
  /**
   * Entries the journals' bounds dropped before the report was made (`journalSize`, `pushJournalSize`):
   * when either is above 0, items the dropped entries covered may show as not covered. Absent: none dropped.
   */
  dropped: z.object({ requests: z.int().min(0), pushes: z.int().min(0) }).optional(),
})

export const coverageReportSchema = z.object({
  version: z.literal(COVERAGE_REPORT_VERSION),
  /** Epoch ms (real time) the report was made. */
  generatedAt: z.int(),
  /** Where the journal came from: `live` (a running fake, in-process) or the exported journal file's path. */
  source: z.string(),
  tenants: z.array(tenantCoverageSchema),
  totals: totalsSchema,
})

export type CoverageItem = z.infer<typeof coverageItemSchema>
export type CoverageGroup = z.infer<typeof coverageGroupSchema>
export type Diagnosis = z.infer<typeof diagnosisSchema>
export type TenantCoverage = z.infer<typeof tenantCoverageSchema>
export type CoverageReport = z.infer<typeof coverageReportSchema>
