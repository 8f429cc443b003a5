/** What an upstream endpoint is: a path ending and a function from a verified, parsed body to `data`. */
import type { z } from 'zod'
import type { Clock } from '../clock.js'
import type { Journal, PageNote } from '../journal.js'
import type { Logger } from '../log.js'
import type { ResolvedOptions } from '../options.js'
import type { ErrorCatalog } from '../protocol/errors.js'
import type { Faults } from '../faults.js'
import type { World } from '../world/world.js'

export interface MockContext {
  /** The world being served; replaced by reset and by loading a fixture. */
  world: World
  readonly options: ResolvedOptions
  readonly errors: ErrorCatalog
  readonly logger: Logger
  readonly clock: Clock
  readonly journal: Journal
  /** The fault rules in force (POST /__mock/faults replaces them). */
  readonly faults: Faults
}

/** JSON text, or UTF-8 chunks that concatenate to it (so cached pieces are not copied twice). */
export type JsonText = string | readonly Buffer[]

export interface Endpoint {
  /** The path's ending, from `/v3/` on: any prefix is accepted (`/api`, `/apiServer/api`, …). */
  readonly path: string
  /** The request body's one schema: its keys are the known properties (docs/behaviour.md lists them). */
  schema(options: ResolvedOptions): z.ZodObject
  /**
   * The response's `data` as JSON text; throws UpstreamError for business errors. `log`: the
   * request's logger (its lines carry the request id), the context's by default.
   */
  handle(context: MockContext, body: Record<string, unknown>, note: PageNote, anomalies?: PageAnomalies, log?: Logger): JsonText
}

/** Data anomalies a fault asks of a page (see mock/faults.ts). */
export interface PageAnomalies {
  /** Serve at most this many items (not the last page unless the window ends there). */
  readonly shortPage?: number | 'half'
  /** Start again at the cursor's own item: the previous page's last item, repeated. */
  readonly duplicateEdge?: boolean
}
