/**
 * tanma-mock: a high-fidelity fake of the Tanma (探马) SCRM OpenAPI.
 *
 *   const mock = await createMock({ seed: 'ci', customers: 200 })
 *   const server = setupServer(...mock.handlers)         // in-process, msw
 *   const running = await startServer(mock, { port: 0 }) // or over HTTP
 */
import type { HttpHandler } from 'msw'
import type { MockContext } from './endpoints/endpoint.js'
import { createHandlers } from './handlers.js'
import { createLogger } from './log.js'
import { resolveOptions, type MockOptions, type ResolvedOptions } from './options.js'
import { ErrorCatalog } from './protocol/errors.js'
import { signHeaders, type BodyBytes, type Credentials } from './protocol/signing.js'
import { World, type ProgressListener } from './world/world.js'
import { parseFixture, readFixtureText, type FixtureInput, type FixtureDocument } from './world/fixture.js'
import { fixturePath } from './package-files.js'
import { readFileSync } from 'node:fs'

/** A fixture from a document, a file (JSON or NDJSON) or a pack name. */
export function loadFixture(source: string | FixtureInput): FixtureDocument {
  if (typeof source !== 'string') return parseFixture(source)
  const path = fixturePath(source)
  return readFixtureText(readFileSync(path, 'utf8'), path)
}

export interface Mock {
  readonly world: World
  readonly options: ResolvedOptions
  readonly credentials: Credentials
  /** msw handlers for `setupServer(...)`: they answer the endpoint under any prefix and on any host. */
  readonly handlers: HttpHandler[]
  readonly context: MockContext
  /** Headers `appId`, `timestamp`, `sign` for a body, at the mock's clock (or `nowMs`). */
  sign(body: BodyBytes, nowMs?: number): Record<'appId' | 'timestamp' | 'sign', string>
}

export async function createMock(options: MockOptions = {}, hooks: { onProgress?: ProgressListener } = {}): Promise<Mock> {
  const resolved = resolveOptions(options)
  const { seed, customers, staff, from, until } = resolved
  const world = resolved.fixtures === undefined
    ? await World.build({ seed, customers, staff, from, until }, hooks.onProgress)
    : await World.fromFixture(loadFixture(resolved.fixtures), { seed, from, until })
  const context: MockContext = {
    world,
    options: resolved,
    errors: new ErrorCatalog(resolved.errors, resolved.httpStatus),
    logger: createLogger(resolved.log),
  }
  const credentials = { appId: resolved.appId, appKey: resolved.appKey }
  return {
    world,
    options: resolved,
    credentials,
    handlers: createHandlers(context),
    context,
    sign: (body, nowMs = resolved.now()) => signHeaders(credentials, body, nowMs),
  }
}

export { startServer, type RunningServer, type ServerOptions } from './server.js'
export { createHandlers, ENDPOINTS } from './handlers.js'
export { DEMO_CREDENTIALS, UPSTREAM_HOSTS, type MockOptions, type ResolvedOptions } from './options.js'
export { World, WORLD_DEFAULTS, type WorldOptions } from './world/world.js'
export { fixtureSchema, parseFixture, readFixtureText, FIXTURE_VERSION, type FixtureDocument, type FixtureInput } from './world/fixture.js'
export * from './world/schema.js'
export { computeSign, signHeaders, verifySignature, type Credentials } from './protocol/signing.js'
export { encodeCursor, decodeCursor, compareKeys, type RelationKey } from './protocol/cursor.js'
export { DEFAULT_ERRORS, ErrorCatalog, UpstreamError, type ErrorKind } from './protocol/errors.js'
export { mintId, idMintedAt, ID_EPOCH_MS } from './protocol/ids.js'
export { formatBeijing, parseBeijing } from './protocol/time.js'
