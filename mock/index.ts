/**
 * tanma-mock: a high-fidelity fake of the Tanma (探马) SCRM OpenAPI.
 *
 *   const mock = await createMock({ seed: 'ci', customers: 200 })
 *   const server = setupServer(...mock.handlers)         // in-process, msw
 *   const running = await startServer(mock, { port: 0 }) // or over HTTP
 */
import type { HttpHandler } from 'msw'
import type { MockContext } from './core/context.js'
import { createHandlers } from './handlers.js'
import { z } from 'zod'
import { createAdmin, type AdminFunctions } from './admin/functions.js'
import { createLogger } from './log.js'
import { Clock } from './clock.js'
import { Journal } from './journal.js'
import { Faults } from './faults.js'
import { WorldEvents, type WorldEventSource } from './world/events.js'
import { resolveOptions, type MockOptions, type ResolvedOptions } from './options.js'
import { ErrorCatalog } from './protocol/errors.js'
import { signHeaders, type BodyBytes, type Credentials } from './protocol/signing.js'
import { World, type ProgressListener } from './world/world.js'
import { worldQuery, type WorldQuery } from './world/query.js'
import { readSnapshot } from './world/snapshot.js'
import { isRecipe, parseFixture, readFixtureText, recipeSchema, type FixtureInput, type FixtureDocument, type Recipe } from './world/fixture.js'
import { fixturePath } from './package-files.js'
import { PushDelivery, type PushDeliveryOptions } from './push/delivery.js'
import { readFileSync } from 'node:fs'
import { coverageReport } from './coverage/report.js'
import { journalExport, type journalExportSchema } from './coverage/journal-export.js'
import type { CoverageReport } from './coverage/schema.js'

type JournalExportDocument = z.output<typeof journalExportSchema>

/** A fixture from a document, a file (JSON or NDJSON) or a pack name: its records, or a recipe. */
export function loadFixture(source: string | FixtureInput | Recipe): FixtureDocument | Recipe {
  if (typeof source !== 'string') return isRecipe(source) ? parseRecipe(source, 'recipe') : parseFixture(source)
  const path = fixturePath(source)
  const text = readFileSync(path, 'utf8')
  if (text.length < 65_536 && isRecipe(safeJson(text))) return parseRecipe(safeJson(text), path) // recipes are a few lines
  return readFixtureText(text, path)
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function parseRecipe(input: unknown, source: string): Recipe {
  const result = recipeSchema.safeParse(input)
  if (!result.success) throw new Error(`${source} is not a valid recipe: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return result.data
}

export interface Mock {
  /**
   * The world being served, for assertions: `customers()`, `customer(id)`, `relationsOf(id)`,
   * `members()`, … in plain records (always the current world: reset and loading a fixture replace it).
   */
  readonly world: WorldQuery
  readonly options: ResolvedOptions
  readonly credentials: Credentials
  /** msw handlers for `setupServer(...)`: they answer the endpoint under any prefix and on any host. */
  readonly handlers: HttpHandler[]
  /** Internal: the fake's working parts (the raw world, journal, faults) for its handlers and its own tests; not a stable API. */
  readonly context: MockContext
  /** The admin API as functions: reset, load/export the world, add/change/delete customers, relations, members, departments, leads, follow-up records and tags, the journal, the clock. */
  readonly admin: AdminFunctions
  /** World-change events: `mock.events.on('customer.added', (event) => …)`, `onAny(…)`; each answers a function that unsubscribes. */
  readonly events: WorldEventSource
  readonly clock: Clock
  /**
   * Pushes to the registered receive address (…/v2/push-register): `trigger(type, content?)`,
   * `journal()` (every attempt), `resend(msgId)`, `redeliver(sinceMs)`, `registration()`, and
   * `settle()` — resolves when every push due now (retries included, after a clock change) is answered.
   */
  readonly pushes: PushDelivery
  /** With several tenants (createTenants): every tenant, this one (the default) first. */
  readonly tenants?: readonly Mock[]
  /**
   * Consumer coverage (docs/coverage.md): what the journals show the consumer's tests exercised,
   * item by item, for every tenant. `journalExport()`: the journals as one document (GET /__mock/journal)
   * that `coverageFromJournal(file)` reads offline.
   */
  coverage(): CoverageReport
  journalExport(): JournalExportDocument
  /** Headers `appId`, `timestamp`, `sign` for a body, at the mock's clock (or `nowMs`). */
  sign(body: BodyBytes, nowMs?: number): Record<'appId' | 'timestamp' | 'sign', string>
}

/** What createMock takes besides options: progress of a world build, and (tests) the pushes a world change causes. */
export interface MockHooks {
  onProgress?: ProgressListener
  pushDrafts?: PushDeliveryOptions['drafts']
  /** Whether push attempts go out (`--workers`: one worker sends). */
  pushSends?: PushDeliveryOptions['sends']
}

export async function createMock(options: MockOptions = {}, hooks: MockHooks = {}): Promise<Mock> {
  const resolved = resolveOptions(options)
  const { seed, customers, staff, from, until, tenant } = resolved
  const fromFixture = (fixture: string | FixtureInput | Recipe) => {
    const loaded = loadFixture(fixture)
    return 'generate' in loaded ? World.build({ from, until, tenant, ...loaded.generate }, hooks.onProgress) : World.fromFixture(loaded, { seed, from, until })
  }
  if (resolved.snapshot !== undefined && resolved.fixtures !== undefined) throw new Error('give a snapshot or fixtures, not both')
  const startingWorld = () =>
    resolved.snapshot !== undefined
      ? readSnapshot(resolved.snapshot)
      : resolved.fixtures === undefined
        ? World.build({ seed, customers, staff, from, until, tenant }, hooks.onProgress)
        : fromFixture(resolved.fixtures)
  const world = await startingWorld()
  const logger = createLogger(resolved.log)
  let pushes: PushDelivery | undefined
  const context: MockContext = {
    world,
    options: resolved,
    errors: new ErrorCatalog(resolved.errors, resolved.httpStatus),
    logger,
    clock: new Clock(resolved.now),
    journal: new Journal(resolved.journalSize),
    // Fault draws follow the world's seed: a snapshot's own (as when its world was generated).
    faults: new Faults(resolved.snapshot !== undefined ? (world.generatedFrom?.seed ?? seed) : seed, resolved.faults ?? []),
    events: new WorldEvents(logger),
    get pushes() {
      return pushes!
    },
  }
  pushes = new PushDelivery(context, { ...(hooks.pushDrafts ? { drafts: hooks.pushDrafts } : {}), ...(hooks.pushSends ? { sends: hooks.pushSends } : {}) })
  const credentials = { appId: resolved.appId, appKey: resolved.appKey }
  const admin = createAdmin(context, startingWorld, fromFixture)
  return {
    world: worldQuery(() => context.world),
    options: resolved,
    credentials,
    handlers: createHandlers([{ context, admin }]),
    context,
    admin,
    events: context.events,
    clock: context.clock,
    pushes,
    sign: (body, nowMs = context.clock.now()) => signHeaders(credentials, body, nowMs),
    coverage: () => coverageReport(journalExport([context])),
    journalExport: () => journalExport([context]),
  }
}

export { AdminError, type AdminFunctions, type NewCustomer, type CustomerPatch, type NewRelation, type ClockChange } from './admin/functions.js'
export type { WorldEvent, WorldEventType, WorldEventOf, WorldEventListener, WorldEventSource } from './world/events.js'
export type { JournalEntry } from './journal.js'
export { PushDelivery, PushStateError, parseRetrySchedule, noiseFor, type PushAttempt, type PushVerdict, type PushCause, type PushRegistration, type PushMessageState, type PushesState } from './push/delivery.js'
export { Clock, CLOCK_RANGE_MS, ClockRangeError, type ClockState } from './clock.js'
export { FAULT_KINDS, REALISTIC_FAULTS, FaultDefinitionError, faultRuleSchema, parseFaultRules, type FaultRule, type FaultRuleInput } from './faults.js'
/** A tenants file (`--config tenants.json`): each tenant's credentials and world, and behaviour shared by all. */
export const tenantsConfigSchema = z.strictObject({
  /** Options every tenant shares (behaviour switches, skew, …); a tenant's own options win. */
  shared: z.record(z.string(), z.unknown()).default({}),
  tenants: z
    .array(
      z.looseObject({
        appId: z.string().min(1),
        appKey: z.string().min(1),
      }),
    )
    .min(1)
    .refine((list) => new Set(list.map((t) => t.appId)).size === list.length, { message: 'two tenants have the same appId' }),
})
export type TenantsConfig = z.input<typeof tenantsConfigSchema>

/**
 * Several tenants in one fake: each appId/appKey pair with its own world (seed and size, or
 * fixture), clock, journal and admin scope. The first tenant is the default. Answers a Mock for the
 * default tenant whose `handlers` serve them all and whose `tenants` lists them.
 */
export async function createTenants(config: TenantsConfig, shared: MockOptions = {}, hooks: MockHooks = {}): Promise<Mock> {
  const parsed = tenantsConfigSchema.safeParse(config)
  if (!parsed.success) throw new Error(`invalid tenants config: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ')}`)
  const mocks: Mock[] = []
  for (const [k, tenant] of parsed.data.tenants.entries()) {
    try {
      mocks.push(await createMock({ ...shared, ...(parsed.data.shared as MockOptions), ...(tenant as MockOptions) }, hooks))
    } catch (error) {
      throw new Error(`tenant ${k} (${tenant.appId}): ${(error as Error).message}`)
    }
  }
  const handlers = createHandlers(mocks.map((m) => ({ context: m.context, admin: m.admin })))
  const first = mocks[0]!
  const contexts = mocks.map((m) => m.context)
  return Object.create(first, {
    handlers: { value: handlers },
    tenants: { value: mocks },
    coverage: { value: () => coverageReport(journalExport(contexts)) },
    journalExport: { value: () => journalExport(contexts) },
  }) as Mock
}

export { startServer, type RunningServer, type ServerOptions } from './server.js'
export { createHandlers, ENDPOINTS } from './handlers.js'
export type { Endpoint, EndpointModule } from './core/endpoint.js'
export { DEMO_CREDENTIALS, UPSTREAM_HOSTS, type MockOptions, type ResolvedOptions } from './options.js'
export { World, WORLD_DEFAULTS, type WorldOptions } from './world/world.js'
export type { WorldQuery, CustomerRecord, CustomerFieldValue, RelationRecord, CustomerFilter } from './world/query.js'
export { fixtureSchema, parseFixture, readFixtureText, FIXTURE_VERSION, type FixtureDocument, type FixtureInput } from './world/fixture.js'
export * from './world/schema.js'
export { computeSign, signHeaders, verifySignature, type Credentials } from './protocol/signing.js'
export { encodeCursor, decodeCursor, compareKeys, type RelationKey } from './protocol/cursor.js'
export { DEFAULT_ERRORS, ErrorCatalog, UpstreamError, type ErrorKind } from './protocol/errors.js'
export { mintId, idMintedAt, ID_EPOCH_MS } from './protocol/ids.js'
export { formatBeijing, parseBeijing } from './protocol/time.js'
export { coverageReport, coverageFromJournal, journalExportSchema, coverageReportSchema, type CoverageReport, type JournalExport } from './coverage/index.js'
export { probe, calibratedOptions, readCalibration, calibrationSchema, renderReport, BUDGET as PROBE_BUDGET, ProbeError, type Calibration, type RunnerOptions as ProbeOptions } from './probe/index.js'
