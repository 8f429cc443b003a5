/**
 * `--workers N` (decisions/0012-workers.md): what the primary and the workers say to each other over
 * the cluster's IPC channel (advanced serialisation: bytes travel as bytes), and which requests leave
 * the worker that took them.
 */
import { isAdminPath } from '../admin/guard.js'
import { ENDPOINTS } from '../endpoints/index.js'
import type { TransportFault } from '../host-channel.js'
import type { JournalEntry } from '../journal.js'

/** A request as the host read it, and the real time (epoch ms) the worker that took it received it. */
export interface WireRequest {
  readonly url: string
  readonly method: string
  readonly headers: readonly (readonly [string, string])[]
  readonly body: Uint8Array | undefined
  readonly at: number
}

/** An answer as the host writes it: `stream` — its body follows in `chunk` messages until `end`. */
export interface WireAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  readonly fault?: TransportFault
  readonly stream?: true
}

/**
 * Where a request is answered:
 * - `local`: by the worker that took it (reads: every worker holds the same world);
 * - `write`: by every worker, in the primary's order, before the answer goes out (read-your-writes);
 * - `lead`: by the lead worker (the tenant's one journal, coverage, outgoing pushes, live stream,
 *   and, while fault rules are in force, upstream calls: their counts and buckets are the lead's).
 */
export type Route = 'local' | 'write' | 'lead'

/** Admin reads of what exists once per tenant, not once per worker. */
const LEAD_ADMIN_READS = /^\/__mock(?:\/tenants\/[^/]+)?\/(?:requests|coverage|journal|pushes|stream|faults)\/?$/

const WRITE_ENDPOINTS = ENDPOINTS.filter((e) => e.kind === 'write').map((e) => e.path)

export function routeOf(method: string, pathname: string, faultsActive: boolean): Route {
  if (isAdminPath(pathname)) {
    if (method !== 'GET' && method !== 'HEAD') return 'write'
    return LEAD_ADMIN_READS.test(pathname) ? 'lead' : 'local'
  }
  // As the handlers route (handlers.ts): by the path's ending.
  if (WRITE_ENDPOINTS.some((path) => pathname.endsWith(path))) return 'write'
  return faultsActive ? 'lead' : 'local'
}

/** Worker → primary. */
export type ToPrimary =
  | { readonly t: 'built' }
  | { readonly t: 'ready'; readonly banner?: string }
  | { readonly t: 'write' | 'lead'; readonly id: number; readonly request: WireRequest }
  | { readonly t: 'ack'; readonly seq: number; readonly answer: WireAnswer; readonly terminal: boolean }
  | { readonly t: 'answer'; readonly id: number; readonly answer: WireAnswer }
  | { readonly t: 'chunk'; readonly id: number; readonly data: Uint8Array }
  | { readonly t: 'end'; readonly id: number }
  | { readonly t: 'cancel'; readonly id: number }
  | { readonly t: 'journal'; readonly tenant: number; readonly entries: readonly JournalEntry[] }

/**
 * Primary → worker. `apply`: a write, in sequence; `lead`: the lead applies it first with fault
 * rules, the others after it without them (they follow the lead's outcome; `skip` when a fault
 * answered instead of the endpoint, so nothing changed).
 */
export type ToWorker =
  | { readonly t: 'replay'; readonly log: readonly WireRequest[] }
  | { readonly t: 'apply'; readonly seq: number; readonly request: WireRequest; readonly lead: boolean }
  | { readonly t: 'serve'; readonly id: number; readonly request: WireRequest }
  | { readonly t: 'cancel'; readonly id: number }
  | { readonly t: 'answer'; readonly id: number; readonly answer: WireAnswer }
  | { readonly t: 'chunk'; readonly id: number; readonly data: Uint8Array }
  | { readonly t: 'end'; readonly id: number }
  | { readonly t: 'journal'; readonly tenant: number; readonly entries: readonly JournalEntry[] }
  | { readonly t: 'stop' }

/** The environment variable that tells a forked worker its index (1 = the lead). */
export const WORKER_INDEX_ENV = 'TANMA_MOCK_WORKER_INDEX'
/** Tests only: each answer names the worker that took the connection in this header. */
export const WORKER_HEADER_ENV = 'TANMA_MOCK_WORKER_HEADER'
export const WORKER_HEADER = 'x-tanma-mock-worker'
