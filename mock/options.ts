/**
 * Everything a user can set, in one zod schema: the world, the credentials, and a switch for every
 * behaviour where the upstream is unknown (README's fidelity table lists each with its source).
 */
import { z } from 'zod'
import { ERROR_KINDS, type ErrorKind } from './protocol/errors.js'
import { WORLD_DEFAULTS } from './world/world.js'
import { WORLD_LIMITS } from './world/limits.js'
import type { FixtureInput } from './world/fixture.js'
import type { LogSink } from './log.js'

/** Demo credentials in the upstream's shapes: appId `<corpid>_<6 alnum>`, appKey 32 alnum. */
export const DEMO_CREDENTIALS = {
  appId: 'wwd3a0c0ffee5eed00_Demo01',
  appKey: 'tanmaMockDemoKey2026ForLocalTest',
} as const

/** Hosts of the real service: in-process, unknown paths on them answer 404 in the envelope. */
export const UPSTREAM_HOSTS = ['api.tanmarket.cn', 'account.tanmarket.cn'] as const

const errorOverride = z.strictObject({ code: z.number().int().optional(), message: z.string().optional() })

export const mockOptionsSchema = z.strictObject({
  // The world
  seed: z.union([z.string(), z.number()]).default(WORLD_DEFAULTS.seed),
  customers: z.number().int().min(0).max(WORLD_LIMITS.customers).default(WORLD_DEFAULTS.customers),
  staff: z.number().int().min(1).max(WORLD_LIMITS.staff).default(WORLD_DEFAULTS.staff),
  from: z.string().default(WORLD_DEFAULTS.from),
  until: z.string().default(WORLD_DEFAULTS.until),
  /** Serve this world instead of a generated one: a fixture document, a file (JSON or NDJSON), or a pack name. */
  fixtures: z.union([z.string(), z.custom<FixtureInput>((v) => typeof v === 'object' && v !== null)]).optional(),
  // Credentials
  appId: z.string().min(1).default(DEMO_CREDENTIALS.appId),
  appKey: z.string().min(1).default(DEMO_CREDENTIALS.appKey),
  // Behaviour: documented, seen in clients, or chosen (and switchable)
  /** Largest accepted |server time − timestamp| in ms, both ways. */
  skewMs: z.number().int().min(0).default(300_000),
  /** End of data: `null` — the exhausting page has nextCursor null; `empty-page` — it still has a cursor, and the next call gets an empty list. */
  endCursor: z.enum(['null', 'empty-page']).default('null'),
  sizeDefault: z.number().int().min(1).default(20),
  sizeMax: z.number().int().min(1).default(100),
  /** A size above sizeMax is clamped, or refused with a validation error. */
  oversize: z.enum(['clamp', 'error']).default('clamp'),
  /** `before` ≤ `since`: an empty page, or a validation error. */
  invertedWindow: z.enum(['empty', 'error']).default('empty'),
  /** A `qwUserId` that follows nobody: an empty page, or a validation error. */
  unknownMember: z.enum(['empty', 'error']).default('empty'),
  /** A body property that is `null`: treated as absent, or a validation error. */
  nulls: z.enum(['absent', 'error']).default('absent'),
  /** `strict`: numbers must be JSON integers; `lenient`: numeric strings and fractions are coerced, as Jackson does by default. */
  types: z.enum(['strict', 'lenient']).default('strict'),
  /** `real`: 404/405/413/500 where no upstream endpoint is involved; `always-200`: every answer is HTTP 200. */
  httpStatus: z.enum(['real', 'always-200']).default('real'),
  /** `lower`: the sign must be the lowercase hex digest, as computed; `any`: hex case is ignored. */
  signCase: z.enum(['lower', 'any']).default('lower'),
  /** The success envelope's message: the documented example says `ok`, the docs allow `success`. */
  successMessage: z.enum(['ok', 'success']).default('ok'),
  /** Memory for serialised list items, MiB: a page is served from cached bytes when it can be. */
  itemCacheMb: z.number().min(0).default(256),
  /** Entries kept in the request journal (GET /__mock/requests); the oldest go first. */
  journalSize: z.number().int().min(0).default(10_000),
  /** Fault rules in force from the start (mock/faults.ts; POST /__mock/faults changes them). */
  faults: z.unknown().optional(),
  /** Bearer token for the admin API (/__mock); required to listen on a non-loopback host. */
  adminToken: z.string().min(8).optional(),
  adminMaxCustomers: z
    .number()
    .int()
    .min(0)
    .max(WORLD_LIMITS.customers)
    .default(1_000_000)
    .describe('Largest world POST /__mock/world (admin.loadWorld) builds, in customers: a recipe or fixture over it is refused with 413'),
  /** Largest accepted request body, bytes. */
  bodyLimit: z.number().int().min(1).default(1024 * 1024),
  /** Largest accepted admin (/__mock) body, bytes: an exported world loads back. */
  adminBodyLimit: z.number().int().min(1).max(512 * 1024 * 1024).default(256 * 1024 * 1024).describe('largest admin (/__mock) request body in bytes, at most 512 MiB (an exported world must fit)'),
  /** Host names, besides the listening address and loopback names, that the admin API answers without the token (`.example.test` takes subdomains too). */
  allowedHosts: z.array(z.string().min(1)).default([]).describe('a Host header the admin API accepts besides loopback names and the listening address (DNS-rebinding guard); repeatable'),
  /** On stop (SIGTERM, SIGINT, close()): how long in-flight requests may take before their connections are closed, ms. */
  shutdownGraceMs: z.number().int().min(0).default(10_000).describe('on SIGTERM/SIGINT, how long in-flight requests may finish before connections are closed (ms)'),
  /** Codes and messages by error kind, replacing the defaults in protocol/errors.ts. */
  errors: z.partialRecord(z.enum(ERROR_KINDS as [ErrorKind, ...ErrorKind[]]), errorOverride).default({}),
  /** Hosts whose unknown paths the in-process handlers answer with 404 (the standalone server answers every path). */
  upstreamHosts: z.array(z.string()).default([...UPSTREAM_HOSTS]),
  /** Real time for the virtual clock, epoch ms (the admin API moves the clock from there). */
  now: z.custom<() => number>((v) => typeof v === 'function').default(() => Date.now),
  /** Trace every request's decisions: `true`/`text` — timestamped lines on stderr; `json` — JSON lines (pino) on stderr; or to this function. */
  log: z
    .union([z.boolean(), z.enum(['text', 'json']), z.custom<LogSink>((v) => typeof v === 'function')])
    .default(false)
    .describe('trace every request (with its request id): text or json lines on stderr'),
  strictBody: z.boolean().default(false).describe('refuse unknown request body properties with a validation error (default: ignored, noted in the journal and the trace)'),
  bodyDepthLimit: z.number().int().min(1).max(100_000).default(1000).describe('deepest accepted nesting of a request body (Jackson\'s default 1000); deeper bodies get a validation error'),
})

export type MockOptions = z.input<typeof mockOptionsSchema>
export type ResolvedOptions = z.output<typeof mockOptionsSchema>

/** Options with defaults applied; throws an Error naming every wrong option. */
export function resolveOptions(options: MockOptions = {}): ResolvedOptions {
  const result = mockOptionsSchema.safeParse(options)
  if (!result.success) {
    throw new Error(`invalid options: ${result.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`)
  }
  if (result.data.sizeDefault > result.data.sizeMax) throw new Error(`invalid options: sizeDefault ${result.data.sizeDefault} exceeds sizeMax ${result.data.sizeMax}`)
  return result.data
}
