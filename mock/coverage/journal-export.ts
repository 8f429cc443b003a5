/**
 * The exported journal (`GET /__mock/journal`, `mock.journalExport()`): one JSON document per fake
 * with, per tenant, the request journal, the outgoing push journal, the fault rules in force, what
 * the journals' bounds dropped, and the options the coverage model reads. `tanma-mock coverage
 * --journal file` and `coverageFromJournal(file)` read it offline and give the report a running
 * fake would (mock/coverage/report.ts).
 */
import { z } from 'zod'
import type { MockContext } from '../core/context.js'
import { ERROR_KINDS, type ErrorKind } from '../protocol/errors.js'

export const JOURNAL_EXPORT_FORMAT = 'tanma-mock-journal'
export const JOURNAL_EXPORT_VERSION = 1

/** A request journal entry (mock/journal.ts); properties the report does not read pass through. */
export const exportedRequestSchema = z.looseObject({
  seq: z.int(),
  time: z.number(),
  method: z.string(),
  path: z.string(),
  endpoint: z.string().nullable(),
  appId: z.string().nullable(),
  signature: z.string(),
  code: z.int().nullable(),
  status: z.int(),
  faults: z.array(z.string()).optional(),
  size: z.int().optional(),
  items: z.int().optional(),
  nextCursor: z.string().nullable().optional(),
  cursor: z.string().nullable().optional(),
  offset: z.int().optional(),
  field: z.string().optional(),
  emptyData: z.boolean().optional(),
  bodyHash: z.string().optional(),
  worldChanges: z.int().optional(),
})

/** A push attempt (mock/push/delivery.ts PushAttempt); the export keeps what coverage reads and drops the bodies. */
export const exportedPushSchema = z.looseObject({
  seq: z.int(),
  msgId: z.int(),
  type: z.string(),
  attempt: z.int(),
  duplicate: z.boolean().optional(),
  cause: z.string(),
  at: z.number(),
  status: z.int(),
  verdict: z.string(),
})

/** A fault rule in force (GET /__mock/faults), with its counters. */
export const exportedFaultSchema = z.looseObject({ id: z.string(), kind: z.string(), endpoint: z.string().optional() })

const errorOverride = z.object({ code: z.int().optional(), message: z.string().optional() })

export const exportedTenantSchema = z.object({
  appId: z.string(),
  /** The options the coverage model depends on. */
  options: z.object({
    endCursor: z.enum(['null', 'empty-page']),
    errors: z.partialRecord(z.enum(ERROR_KINDS as [ErrorKind, ...ErrorKind[]]), errorOverride).default({}),
  }),
  requests: z.array(exportedRequestSchema),
  pushes: z.array(exportedPushSchema),
  faults: z.array(exportedFaultSchema),
  /** Entries the journals' bounds (`journalSize`, `pushJournalSize`) dropped: the report says so. */
  dropped: z.object({ requests: z.int().min(0), pushes: z.int().min(0) }),
})

export const journalExportSchema = z.object({
  format: z.literal(JOURNAL_EXPORT_FORMAT),
  version: z.literal(JOURNAL_EXPORT_VERSION),
  /** Epoch ms (real time) of the export. */
  exportedAt: z.int(),
  tenants: z.array(exportedTenantSchema),
})

export type ExportedRequest = z.output<typeof exportedRequestSchema>
export type ExportedPush = z.output<typeof exportedPushSchema>
export type ExportedTenant = z.input<typeof exportedTenantSchema>
export type JournalExport = z.input<typeof journalExportSchema>

/** One tenant's journals, as exported. */
export function exportTenant(context: MockContext): z.output<typeof exportedTenantSchema> {
  return {
    appId: context.options.appId,
    options: { endCursor: context.options.endCursor, errors: context.options.errors },
    // A copy of each entry (the journal's own are frozen in shape: readonly lists).
    requests: context.journal.list().map((e) => structuredClone(e) as unknown as ExportedRequest),
    pushes: context.pushes.journal().map(({ seq, msgId, type, attempt, duplicate, cause, at, status, verdict }) => ({ seq, msgId, type, attempt, ...(duplicate ? { duplicate } : {}), cause, at, status, verdict })),
    faults: context.faults.list(),
    dropped: { requests: context.journal.dropped, pushes: context.pushes.dropped },
  }
}

/** The export document of these tenants (the first is the default). */
export function journalExport(contexts: readonly MockContext[], now = Date.now()): z.output<typeof journalExportSchema> {
  return { format: JOURNAL_EXPORT_FORMAT, version: JOURNAL_EXPORT_VERSION, exportedAt: now, tenants: contexts.map(exportTenant) }
}
