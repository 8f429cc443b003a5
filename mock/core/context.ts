/** What every part of one tenant's fake works on: its world and the machinery around it. */
import type { AdminFunctions } from '../admin/functions.js'
import type { Clock } from '../clock.js'
import type { Faults } from '../faults.js'
import type { Journal } from '../journal.js'
import type { Logger } from '../log.js'
import type { PushDelivery } from '../push/delivery.js'
import type { ResolvedOptions } from '../options.js'
import type { ErrorCatalog } from '../protocol/errors.js'
import type { WorldEvents } from '../world/events.js'
import type { World } from '../world/world.js'

export interface MockContext {
  /** The world being served; replaced by reset and by loading a fixture (mock/world/changes.ts). */
  world: World
  readonly options: ResolvedOptions
  readonly errors: ErrorCatalog
  readonly logger: Logger
  readonly clock: Clock
  readonly journal: Journal
  /** The fault rules in force (POST /__mock/faults replaces them). */
  readonly faults: Faults
  /** The world-change events (mock/world/events.ts), emitted by mock/world/changes.ts. */
  readonly events: WorldEvents
  /** The tenant's pushes (mock/push/delivery.ts): registration, sending, retries, the outgoing journal. */
  readonly pushes: PushDelivery
}

/** One tenant: an appId with its own world, clock, journal and admin scope. */
export interface Tenant {
  readonly context: MockContext
  readonly admin: AdminFunctions
}
