/**
 * The report engine (issue 13): the coverage model (model.ts) read against a tenant's journals —
 * the request journal, the outgoing push journal and the fault rules — into a CoverageReport
 * (schema.ts). The same function serves a running fake (`mock.coverage()`, `GET /__mock/coverage`)
 * and an exported journal file (`coverageFromJournal(file)`), so both give the same report.
 */
import { readFileSync } from 'node:fs'
import { coverageModel, FAILING_FAULT_KINDS, type ModelGroup, type ModelItem } from './model.js'
import { journalExportSchema, type ExportedPush, type ExportedRequest, type JournalExport } from './journal-export.js'
import { COVERAGE_REPORT_VERSION, type CoverageGroup, type CoverageReport, type Diagnosis, type TenantCoverage } from './schema.js'
import { ErrorCatalog, UpstreamError } from '../protocol/errors.js'
import { z } from 'zod'

/** Journal entries listed per item (the count has them all). */
export const ENTRIES_LISTED = 20

export interface CoverageOptions {
  /** Where the journal came from (default `live`). */
  readonly source?: string
  /** Epoch ms of the report (default now). */
  readonly now?: number
  /** Diagnoses of failed calls per tenant; default: the `diagnosis` the journal entries carry, if any. */
  readonly diagnose?: (tenant: z.output<typeof journalExportSchema>['tenants'][number]) => Diagnosis[]
}

type Tenant = z.output<typeof journalExportSchema>['tenants'][number]

/** Which entries cover each item of a group (by seq). */
type Matches = Map<string, number[]>

const add = (matches: Matches, variant: string, seq: number) => {
  const list = matches.get(variant)
  if (list) list.push(seq)
  else matches.set(variant, [seq])
}

/** The report from an exported journal document (or the same shape built from a live fake). */
export function coverageReport(input: JournalExport, options: CoverageOptions = {}): CoverageReport {
  const doc = journalExportSchema.parse(input)
  const tenants = doc.tenants.map((tenant) => tenantCoverage(tenant, options.diagnose ? options.diagnose(tenant) : journalDiagnoses(tenant)))
  const sum = (pick: (t: TenantCoverage) => number) => tenants.reduce((n, t) => n + pick(t), 0)
  return {
    version: COVERAGE_REPORT_VERSION,
    generatedAt: options.now ?? Date.now(),
    source: options.source ?? 'live',
    tenants,
    totals: { items: sum((t) => t.totals.items), covered: sum((t) => t.totals.covered), groupsUsed: sum((t) => t.totals.groupsUsed), groups: sum((t) => t.totals.groups) },
  }
}

/** The report of an exported journal file (`GET /__mock/journal`'s answer, saved). */
export function coverageFromJournal(file: string, options: Omit<CoverageOptions, 'source'> = {}): CoverageReport {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`${file}: not a JSON journal export (${(error as Error).message})`)
  }
  const result = journalExportSchema.safeParse(parsed)
  if (!result.success) throw new Error(`${file}: not a tanma-mock journal export (GET /__mock/journal): ${result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ')}`)
  return coverageReport(result.data, { ...options, source: file })
}

function tenantCoverage(tenant: Tenant, diagnoses: Diagnosis[]): TenantCoverage {
  const requests = [...tenant.requests].sort((a, b) => a.seq - b.seq)
  const hitIds = requests.flatMap((e) => e.faults ?? [])
  const model = coverageModel(tenant.options, tenant.faults, hitIds)
  const ruleKind = new Map(tenant.faults.map((r) => [r.id, r.kind]))
  /** A call the consumer saw fail: an error code, no envelope, or a truncated answer. */
  const failed = (e: ExportedRequest) => e.code !== 0 || (e.faults ?? []).some((id) => ruleKind.get(id) === 'truncate')
  const validationCode = new ErrorCatalog(tenant.options.errors).render(new UpstreamError('validation')).code

  const byEndpoint = new Map<string, ExportedRequest[]>()
  for (const entry of requests) {
    if (entry.endpoint === null) continue
    const list = byEndpoint.get(entry.endpoint)
    if (list) list.push(entry)
    else byEndpoint.set(entry.endpoint, [entry])
  }
  const pushesByType = new Map<string, ExportedPush[]>()
  for (const attempt of [...tenant.pushes].sort((a, b) => a.seq - b.seq)) {
    const list = pushesByType.get(attempt.type)
    if (list) list.push(attempt)
    else pushesByType.set(attempt.type, [attempt])
  }

  const groups: CoverageGroup[] = model.map((group) => {
    let matches: Matches
    let used: boolean
    if (group.kind === 'endpoint') {
      const entries = byEndpoint.get(group.key) ?? []
      used = entries.length > 0
      matches = endpointMatches(group, entries, failed, validationCode)
    } else if (group.kind === 'push') {
      const attempts = pushesByType.get(group.title) ?? []
      used = attempts.length > 0
      matches = pushMatches(attempts)
    } else {
      const id = group.key.slice('fault:'.length)
      const hits = requests.filter((e) => e.faults?.includes(id))
      used = hits.length > 0
      matches = faultMatches(group, hits, byEndpoint, failed)
    }
    return { key: group.key, kind: group.kind, title: group.title, used, items: group.items.map((item) => coverageItem(item, matches.get(item.variant) ?? [])) }
  })
  const items = groups.flatMap((g) => g.items)
  const dropped = tenant.dropped.requests > 0 || tenant.dropped.pushes > 0 ? { dropped: tenant.dropped } : {}
  return {
    appId: tenant.appId,
    groups,
    diagnoses,
    totals: { items: items.length, covered: items.filter((i) => i.covered).length, groupsUsed: groups.filter((g) => g.used).length, groups: groups.length },
    ...dropped,
  }
}

/** The diagnoses the journal noted on its entries (a string `diagnosis` property), in journal order. */
function journalDiagnoses(tenant: Tenant): Diagnosis[] {
  return tenant.requests.flatMap((e) => (typeof e.diagnosis === 'string' && e.code !== null ? [{ seq: e.seq, path: e.path, code: e.code, diagnosis: e.diagnosis }] : []))
}

const coverageItem = (item: ModelItem, seqs: number[]) => ({ id: item.id, kind: item.kind, label: item.label, covered: seqs.length > 0, count: seqs.length, entries: seqs.slice(0, ENTRIES_LISTED) })

/** Which of an endpoint's entries cover which variant. */
function endpointMatches(group: ModelGroup, entries: readonly ExportedRequest[], failed: (e: ExportedRequest) => boolean, validationCode: number): Matches {
  const matches: Matches = new Map()
  const variants = new Set(group.items.map((i) => i.variant))
  const paging = variants.has('paging:first')
  /** The latest successful page that handed out a cursor, by cursor (to walk a sweep back to its first page). */
  const handedOut = new Map<string, ExportedRequest>()
  /** Cursors whose request failed (to tell a resumed sweep). */
  const failedCursors = new Set<string>()
  for (const e of entries) {
    const ok = e.code === 0 && !failed(e)
    if (ok) add(matches, 'success', e.seq)
    if (ok && variants.has('empty') && (e.items === 0 || e.emptyData === true)) add(matches, 'empty', e.seq)
    if (e.code !== null && e.code !== 0 && variants.has(`error:${e.code}`)) add(matches, `error:${e.code}`, e.seq)
    if (e.code === validationCode && e.field !== undefined && variants.has(`validation:${e.field}`)) add(matches, `validation:${e.field}`, e.seq)
    if (!paging) continue
    const cursor = typeof e.cursor === 'string' ? e.cursor : null
    if (!ok) {
      if (cursor !== null) failedCursors.add(cursor)
      continue
    }
    if (cursor === null) add(matches, 'paging:first', e.seq)
    else add(matches, 'paging:cursor', e.seq)
    if (e.nextCursor === null) add(matches, 'paging:end', e.seq)
    if (variants.has('paging:end-empty-page') && cursor !== null && e.items === 0 && e.nextCursor === null) add(matches, 'paging:end-empty-page', e.seq)
    if (cursor !== null && failedCursors.has(cursor)) add(matches, 'paging:resumed', e.seq)
    if (cursor !== null && e.worldChanges !== undefined) {
      const first = sweepStart(e, handedOut)
      if (first !== e && first.worldChanges !== undefined && first.worldChanges < e.worldChanges) add(matches, 'paging:during-writes', e.seq)
    }
    if (typeof e.nextCursor === 'string') handedOut.set(e.nextCursor, e)
  }
  return matches
}

/** The first page of the sweep a page belongs to (as far back as the journal goes). */
function sweepStart(page: ExportedRequest, handedOut: ReadonlyMap<string, ExportedRequest>): ExportedRequest {
  let at = page
  const seen = new Set<ExportedRequest>()
  while (typeof at.cursor === 'string' && !seen.has(at)) {
    seen.add(at)
    const previous = handedOut.get(at.cursor)
    if (!previous || previous.seq >= at.seq) break
    at = previous
  }
  return at
}

/** Which push attempts cover which variant. */
function pushMatches(attempts: readonly ExportedPush[]): Matches {
  const matches: Matches = new Map()
  for (const a of attempts) {
    if (a.status > 0) add(matches, 'delivered', a.seq)
    if (a.verdict === 'acked') add(matches, 'acknowledged', a.seq)
    if (a.cause === 'retry' && a.verdict !== 'offline') add(matches, 'retried', a.seq)
    if (a.verdict === 'offline') add(matches, 'offline', a.seq)
  }
  return matches
}

/** A rule's hits, and the calls that recovered from them: the next call to the same endpoint, the same body, a success. */
function faultMatches(group: ModelGroup, hits: readonly ExportedRequest[], byEndpoint: ReadonlyMap<string, ExportedRequest[]>, failed: (e: ExportedRequest) => boolean): Matches {
  const matches: Matches = new Map()
  const recoverable = group.faultKind === undefined || FAILING_FAULT_KINDS.has(group.faultKind)
  for (const hit of hits) {
    add(matches, 'hit', hit.seq)
    if (!recoverable || !failed(hit) || hit.endpoint === null) continue
    const next = (byEndpoint.get(hit.endpoint) ?? []).find((e) => e.seq > hit.seq)
    if (next && next.code === 0 && !failed(next) && next.bodyHash !== undefined && next.bodyHash === hit.bodyHash) add(matches, 'recovered', next.seq)
  }
  return matches
}
