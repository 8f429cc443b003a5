/**
 * Everything a user can set, defined once: zod fields with their help text (`.describe`) and, for
 * what the command line takes, their metadata through `setting(…)` (commands, flag, value name, extra
 * environment variables). Flags, environment variables, config-file keys, defaults, the config
 * file's JSON Schema and the options table of docs/cli.md are all derived from here (mock/cli.ts,
 * schema/generate.ts). docs/fidelity.md lists each behaviour switch with its source.
 *
 * Adding an option is one field: `name: setting(z.….default(…).describe('…'), { commands: ['serve', 'verify'] })`
 * in `mockOptionsSchema` (an option of createMock) or `commandLineSchema` (the command line only).
 */
import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import { DEFAULT_ERRORS, ERROR_KINDS, type ErrorKind } from './protocol/errors.js'
import { faultRuleList, REALISTIC_FAULTS } from './faults.js'
import { fixturePath } from './package-files.js'
import { WORLD_DEFAULTS } from './world/world.js'
import { WORLD_LIMITS } from './world/limits.js'
import { tenantConfigSchema } from './world/tenant-config.js'
import type { LogSink } from './log.js'
import type { FixtureInput } from './world/fixture.js'

/** Demo credentials in the upstream's shapes: appId `<corpid>_<6 alnum>`, appKey 32 alnum. */
export const DEMO_CREDENTIALS = {
  appId: 'wwd3a0c0ffee5eed00_Demo01',
  appKey: 'tanmaMockDemoKey2026ForLocalTest',
} as const

/** Hosts of the real service: in-process, unknown paths on them answer 404 in the envelope. */
export const UPSTREAM_HOSTS = ['api.tanmarket.cn', 'account.tanmarket.cn'] as const

export const COMMANDS = ['serve', 'export', 'sign', 'verify', 'push', 'coverage', 'probe'] as const
export type CommandName = (typeof COMMANDS)[number]

/** A value as given from outside code (a config file's JSON, or a flag's or variable's text after parsing). */
type Options = Record<string, unknown>

/** How an option appears outside code. Registered options are on the command line, in the environment and in config files. */
export interface SettingMeta {
  /** The commands that take it. */
  readonly commands: readonly CommandName[]
  /** The flag without `--` (default: the key in kebab-case). The environment variable is `TANMA_<FLAG>`. */
  readonly flag?: string
  /** The value's name in help (default: from the type: `<n>`, `<mode>`, …); booleans are switches. */
  readonly value?: string
  /** More environment variables, weaker than `TANMA_<FLAG>` (PORT and HOST, which containers set). */
  readonly env?: readonly string[]
  /** Only a flag (repeatable ones that add up): no environment variable, no config key. */
  readonly flagOnly?: boolean
  /** The flag's text to a value (default: from the type: numbers in range, choices); `previous` for repeatable flags. */
  readonly parse?: (text: string, previous: any) => unknown
  /** The form outside code, when the option's own type holds functions or documents. */
  readonly external?: z.ZodType
  /** A file path: relative in a config file means relative to that file. */
  readonly path?: boolean
  /** How it becomes createMock's options when it is not one of them as is (default: copied under its key). */
  readonly apply?: (value: any, options: Options) => Options
}

const META = new WeakMap<z.ZodType, SettingMeta>()

/** Registers an option for the command line, the environment and config files. */
function setting<T extends z.ZodType>(schema: T, meta: SettingMeta): T {
  META.set(schema, meta)
  return schema
}

const errorOverride = z.strictObject({ code: z.number().int().optional(), message: z.string().optional() })

/** `kind=code[:message]` → `{ kind: { code, message } }`, added to earlier ones. */
function parseErrorOverride(value: string, previous: Options = {}): Options {
  const m = /^([A-Za-z]+)=(-?\d+)?(?::(.*))?$/s.exec(value)
  if (!m || !ERROR_KINDS.includes(m[1] as ErrorKind) || (m[2] === undefined && m[3] === undefined)) {
    throw new SettingError(`expected kind=code[:message] with kind one of ${ERROR_KINDS.join(', ')}`)
  }
  return { ...previous, [m[1]!]: { ...(m[2] !== undefined ? { code: Number(m[2]) } : {}), ...(m[3] !== undefined ? { message: m[3] } : {}) } }
}

/** A wrong value of a setting (its source is named by whoever reads the setting). */
export class SettingError extends Error {}

const addFaults = (options: Options, rules: unknown[]): Options => ({ ...options, faults: [...((options.faults as unknown[] | undefined) ?? []), ...rules] })

function latencyRule(value: string) {
  const m = /^(\d+)(?:-(\d+))?$/.exec(value.trim())
  if (!m) throw new SettingError('expected milliseconds (200) or a range (100-400)')
  return m[2] === undefined ? { kind: 'latency', id: 'latency', ms: Number(m[1]) } : { kind: 'latency', id: 'latency', distribution: { type: 'uniform', min: Number(m[1]), max: Number(m[2]) } }
}

function rateLimitRule(value: string) {
  const m = /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(value.trim())
  if (!m || Number(m[1]) <= 0) throw new SettingError('expected requests per second, and optionally a burst: 10 or 10:20')
  return { kind: 'rateLimit', id: 'rate-limit', qps: Number(m[1]), ...(m[2] === undefined ? {} : { burst: Number(m[2]) }) }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new SettingError(`not JSON: ${(error as Error).message}`)
  }
}

function readFaultsFile(path: string): unknown[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new SettingError(`cannot read faults file ${path}: ${(error as Error).message}`)
  }
  return faultRuleList(parseJson(text))
}

/**
 * The followed-customer properties list-by-qw-user-id may leave out: all but the four its documented
 * example shows (`customerId`, `qwUserId`, `type`, `fields`).
 */
/** What qw-details may serve as its eighth property (docs/upstream.md §7.1: 8 properties, 7 named). */
export const QW_DETAILS_EXTRA = ['qwRemark', 'customerId', 'wechatLocation'] as const
export const QW_USER_ID_LIST_DROPPABLE = ['tagIds', 'createTime', 'lastUpdateTime', 'companyInfo', 'wechatNickname', 'wechatAvatar', 'wechatLocation', 'convertCustomerTime', 'qwRemark', 'externalUserId'] as const

/** A push retry schedule: delays with units, comma-separated (mock/push/delivery.ts parses it), or `none`. */
export const PUSH_RETRIES_PATTERN = /^(none|\s*\d+(ms|s|m|h|d)\s*(,\s*\d+(ms|s|m|h|d)\s*)*)$/

const SERVE_AND_VERIFY = ['serve', 'verify'] as const satisfies readonly CommandName[]
const WORLD_COMMANDS = ['serve', 'export', 'verify'] as const satisfies readonly CommandName[]
const CREDENTIAL_COMMANDS = ['serve', 'sign', 'verify', 'push', 'probe'] as const satisfies readonly CommandName[]

export const mockOptionsSchema = z
  .strictObject({
    // The world
    seed: setting(z.union([z.string(), z.number()]).default(WORLD_DEFAULTS.seed).describe('world seed: the same seed and options give the same bytes'), { commands: WORLD_COMMANDS, value: 'seed' }),
    customers: setting(z.number().int().min(0).max(WORLD_LIMITS.customers).default(WORLD_DEFAULTS.customers).describe('followed customers in the world; each has ≥ 1 follow relation, some several'), { commands: WORLD_COMMANDS }),
    staff: setting(z.number().int().min(1).max(WORLD_LIMITS.staff).default(WORLD_DEFAULTS.staff).describe('sales members in the world'), { commands: WORLD_COMMANDS }),
    snapshot: setting(z.string().min(1).optional().describe('serve the generated world in this snapshot file (`export --format snapshot`), mapped in instead of built; its seed and size are the ones it was exported with'),
      { commands: WORLD_COMMANDS, value: 'file', path: true }),
    from: z.string().default(WORLD_DEFAULTS.from).describe('earliest time in a generated world (Beijing time)'),
    until: z.string().default(WORLD_DEFAULTS.until).describe('latest time in a generated world (Beijing time)'),
    tenant: tenantConfigSchema.optional().describe("a tenant's field definitions and tag groups for a generated world, instead of its own (a calibration's `tenant`: `calibratedOptions` and `--calibration` set it)"),
    fixtures: setting(z.union([z.string(), z.custom<FixtureInput>((v) => typeof v === 'object' && v !== null)]).optional().describe('serve this fixture instead of a generated world: a file (JSON or NDJSON) or a pack in fixtures/'),
      { commands: WORLD_COMMANDS, value: 'name-or-path', external: z.string().min(1), path: true, apply: (name: string, options) => (fixturePath(name), { ...options, fixtures: name }) }),
    // Credentials
    appId: setting(z.string().min(1).default(DEMO_CREDENTIALS.appId).describe('appId the server accepts'), { commands: CREDENTIAL_COMMANDS, value: 'appId' }),
    appKey: setting(z.string().min(1).default(DEMO_CREDENTIALS.appKey).describe('appKey of that appId'), { commands: CREDENTIAL_COMMANDS, value: 'appKey' }),
    // Behaviour: documented, seen in clients, or chosen (and switchable)
    skewMs: setting(z.number().int().min(0).default(300_000).describe('largest accepted |server time − timestamp| in ms, both ways'), { commands: SERVE_AND_VERIFY, value: 'ms' }),
    endCursor: setting(z.enum(['null', 'empty-page']).default('null').describe('end of data: `null` — the exhausting page has nextCursor null; `empty-page` — it still has a cursor, and the next call gets an empty list'),
      { commands: SERVE_AND_VERIFY }),
    sizeDefault: setting(z.number().int().min(1).default(20).describe('page size when the request has none'), { commands: SERVE_AND_VERIFY }),
    sizeMax: setting(z.number().int().min(1).default(100).describe('largest page size'), { commands: SERVE_AND_VERIFY }),
    oversize: setting(z.enum(['clamp', 'error']).default('clamp').describe('a size above the largest page size: clamped, or refused with a validation error'), { commands: SERVE_AND_VERIFY }),
    invertedWindow: setting(z.enum(['empty', 'error']).default('empty').describe('`before` ≤ `since`: an empty page, or a validation error'), { commands: SERVE_AND_VERIFY }),
    unknownMember: setting(z.enum(['empty', 'error']).default('empty').describe('an unknown member (a `qwUserId` that follows nobody; a mobile, `qwUserId` or `salesId` the staff endpoints do not know): an empty answer (empty page, `[]`, `null`), or a validation error'), { commands: SERVE_AND_VERIFY }),
    nulls: setting(z.enum(['absent', 'error']).default('absent').describe('a body property that is `null`: treated as absent, or a validation error'), { commands: SERVE_AND_VERIFY }),
    types: setting(z.enum(['strict', 'lenient']).default('strict').describe('`strict`: numbers must be JSON integers; `lenient`: numeric strings and fractions are coerced, as Jackson does by default'),
      { commands: SERVE_AND_VERIFY }),
    httpStatus: setting(z.enum(['real', 'always-200']).default('real').describe('`real`: 404/405/413/500 where no upstream endpoint is involved; `always-200`: every answer is HTTP 200'),
      { commands: SERVE_AND_VERIFY }),
    signCase: setting(z.enum(['lower', 'any']).default('lower').describe('`lower`: the sign must be the lowercase hex digest, as computed; `any`: hex case is ignored'), { commands: SERVE_AND_VERIFY }),
    successMessage: setting(z.enum(['ok', 'success']).default('ok').describe('the success envelope\'s message: the documented example says `ok`, the docs allow `success`'), { commands: SERVE_AND_VERIFY }),
    itemCacheMb: setting(z.number().min(0).default(256).describe('memory for serialised list items, MiB: a page is served from cached bytes when it can be; `0` serialises every page afresh'), { commands: SERVE_AND_VERIFY, value: 'mb' }),
    journalSize: setting(z.number().int().min(0).default(10_000).describe('entries kept in the request journal (GET /__mock/requests); the oldest go first'), { commands: SERVE_AND_VERIFY }),
    faults: setting(z.unknown().optional().describe('fault rules in force from the start: a JSON file ({"rules":[…]} or […]) or, in a config file, the rules; POST /__mock/faults changes them at run time'),
      {
        commands: SERVE_AND_VERIFY,
        value: 'file',
        path: true,
        external: z.union([z.string().min(1), z.array(z.looseObject({ kind: z.string() })), z.looseObject({ rules: z.array(z.looseObject({ kind: z.string() })) })]),
        apply: (value: string | unknown[] | object, options) => addFaults(options, typeof value === 'string' ? readFaultsFile(value) : faultRuleList(value)),
      }),
    adminToken: setting(z.string().min(8).optional().describe('bearer token for the admin API (/__mock); required to listen on a non-loopback host'), { commands: ['serve'], value: 'token' }),
    adminMaxCustomers: setting(z.number().int().min(0).max(WORLD_LIMITS.customers).default(1_000_000).describe('largest world POST /__mock/world (admin.loadWorld) builds, in customers: a recipe or fixture over it is refused with 413'),
      { commands: SERVE_AND_VERIFY, value: 'n' }),
    adminBodyLimit: setting(z.number().int().min(1).max(512 * 1024 * 1024).default(256 * 1024 * 1024).describe('largest admin (/__mock) request body in bytes, at most 512 MiB (an exported world must fit)'),
      { commands: ['serve'], value: 'bytes' }),
    allowedHosts: setting(z.array(z.string().min(1)).default([]).describe('Host names the admin API accepts without the token besides loopback names and the listening address (DNS-rebinding guard; `.example.test` takes subdomains too); repeatable, or comma-separated'),
      { commands: ['serve'], flag: 'allowed-host', value: 'host', parse: (text: string, previous: string[] = []) => [...previous, ...text.split(',').map((h) => h.trim()).filter(Boolean)] }),
    workers: setting(z.union([z.number().int().min(1).max(256), z.literal('auto')]).default(1).describe('processes serving the one world on the one port (`auto`: one per core); every worker answers alike and sees every write before it is answered (docs/performance.md, "Workers")'),
      { commands: ['serve'], value: 'n|auto', parse: (text: string) => {
        if (text.trim() === 'auto') return 'auto'
        if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 256) throw new SettingError('expected a whole number from 1 to 256, or auto')
        return Number(text)
      } }),
    shutdownGraceMs: setting(z.number().int().min(0).default(10_000).describe('on SIGTERM/SIGINT (and close()), how long in-flight requests may finish before connections are closed, ms'), { commands: ['serve'], value: 'ms' }),
    bodyLimit: setting(z.number().int().min(1).default(1024 * 1024).describe('largest accepted request body, bytes'), { commands: SERVE_AND_VERIFY, value: 'bytes' }),
    errors: setting(z.partialRecord(z.enum(ERROR_KINDS as [ErrorKind, ...ErrorKind[]]), errorOverride).default({}).describe(`codes and messages by error kind, replacing the defaults (kinds: ${ERROR_KINDS.join(', ')}); the flag is repeatable`),
      { commands: SERVE_AND_VERIFY, flag: 'error', value: 'kind=code[:message]', parse: parseErrorOverride }),
    upstreamHosts: z.array(z.string()).default([...UPSTREAM_HOSTS]).describe('hosts whose unknown paths the in-process handlers answer with 404 (the standalone server answers every path)'),
    now: z
      .custom<() => number>((v) => typeof v === 'function')
      .default(() => Date.now)
      .describe('real time for the virtual clock, epoch ms (the admin API moves the clock from there)'),
    log: setting(
      z
        .union([z.boolean(), z.enum(['text', 'json']), z.custom<LogSink>((v) => typeof v === 'function')])
        .default(false)
        .describe('trace every request, with its request id, to stderr: `text` (timestamped lines) or `json` (pino JSON lines); in-process also `true` or a function'),
      {
        commands: SERVE_AND_VERIFY,
        value: 'format',
        external: z.enum(['text', 'json']),
        parse: (text: string) => {
          if (text !== 'text' && text !== 'json') throw new SettingError('expected one of text, json')
          return text
        },
      },
    ),
    strictBody: setting(z.boolean().default(false).describe('refuse unknown request body properties with a validation error (default: ignored, noted in the journal and the trace)'), { commands: SERVE_AND_VERIFY }),
    qwUserIdListDrops: setting(z.enum(QW_USER_ID_LIST_DROPPABLE).default('externalUserId').describe('the one property of the followed-customer item that the deprecated list-by-qw-user-id leaves out (its items have 13 properties, the relation list\'s 14 less one)'),
      { commands: SERVE_AND_VERIFY, value: 'property' }),
    leadWriteRecords: setting(z.enum(['api', 'none']).default('api').describe('whether add-clue and clue/edit-field write a type-2 follow-up record by the API operator (`api`), or none'), { commands: SERVE_AND_VERIFY }),
    qwDetailsExtra: setting(z.enum(QW_DETAILS_EXTRA).default('qwRemark').describe('the eighth property of a qw-details object (its page counts 8 and names 7): the member\'s remark, the customer id or the WeChat location'),
      { commands: SERVE_AND_VERIFY, value: 'property' }),
    searchLeads: setting(z.enum(['include', 'exclude']).default('include').describe('whether customer/search and common/customer/info also find leads and customers waiting to be assigned (after the followed customers), or only customers'),
      { commands: SERVE_AND_VERIFY }),
    echoData: setting(z.enum(['body', 'null']).default('body').describe('what `echo` answers as `data`: the request body as received, or null'), { commands: SERVE_AND_VERIFY }),
    bodyDepthLimit: setting(z.number().int().min(1).max(100_000).default(1000).describe("deepest accepted nesting of a request body (Jackson's default 1000); deeper bodies get a validation error"), { commands: SERVE_AND_VERIFY, value: 'n' }),
    // Pushes (mock/push/delivery.ts, docs/pushes.md "Delivery")
    corpId: setting(z.string().min(1).optional().describe('corp id the push bodies are encrypted with (IV = SHA-256(corpId)[0..16)); default: the part of appId before `_`'), { commands: SERVE_AND_VERIFY, value: 'corpId' }),
    pushRetries: setting(z.string().regex(PUSH_RETRIES_PATTERN, 'expected delays like 10s,1m,5m,30m,2h (units ms, s, m, h, d), or none').default('10s,1m,5m,30m,2h').describe('retry schedule of an unacknowledged push on the virtual clock: the delays after each failed attempt (`none`: no retries)'),
      { commands: SERVE_AND_VERIFY, value: 'delays' }),
    pushTimeoutMs: setting(z.number().int().min(1).max(600_000).default(5000).describe('how long a push waits for the receiver\'s whole answer, real ms; later is verdict `timeout`'), { commands: SERVE_AND_VERIFY, value: 'ms' }),
    pushAck: setting(z.enum(['contains', 'exact']).default('contains').describe('what acknowledges a push (with HTTP 200): the body `contains` the noise as a whole number, or is `exact`ly the noise (bare or quoted)'), { commands: SERVE_AND_VERIFY }),
    pushOfflineAfter: setting(z.number().int().min(1).default(10).describe('consecutive failed push attempts after which the address is offline: nothing more is sent to it until it registers again'), { commands: SERVE_AND_VERIFY, value: 'n' }),
    pushDuplicates: setting(z.number().min(0).max(1).default(0).describe('share of push attempts sent twice (seeded): receivers must be idempotent by msgId'), { commands: SERVE_AND_VERIFY, value: 'rate' }),
    pushReorderWindow: setting(z.number().int().min(0).max(1000).default(0).describe('hold up to this many new pushes and send them in a seeded shuffled order (a partial window goes after 250 real ms); 0 or 1: in order'), { commands: SERVE_AND_VERIFY, value: 'n' }),
    pushDelayMs: setting(z.string().regex(/^\d+(-\d+)?$/, 'expected milliseconds (200) or a range (100-400)').default('0').describe('extra real delay before each push attempt: fixed ms, or uniform between min and max (seeded)'), { commands: SERVE_AND_VERIFY, value: 'ms|min-max' }),
    pushJournalSize: setting(z.number().int().min(0).default(10_000).describe('push attempts kept in the outgoing journal (GET /__mock/pushes), and messages kept for resend; the oldest go first'), { commands: SERVE_AND_VERIFY, value: 'n' }),
  })
  .superRefine((o, ctx) => {
    if (o.sizeDefault > o.sizeMax) ctx.addIssue({ code: 'custom', path: ['sizeDefault'], message: `${o.sizeDefault} exceeds the largest page size, ${o.sizeMax}`, params: { related: 'sizeMax' } })
  })

/** Settings of the command line that are not createMock's options: where to listen, the tenants file, shorthands for fault rules. */
export const commandLineSchema = z.strictObject({
  port: setting(z.number().int().min(0).max(65_535).default(20066).describe('port to listen on (the real service\'s); `0` picks a free one'), { commands: ['serve'], value: 'port', env: ['PORT'] }),
  host: setting(z.string().min(1).default('127.0.0.1').describe('interface to listen on'), { commands: ['serve'], value: 'host', env: ['HOST'] }),
  calibration: setting(z.string().min(1).optional().describe('apply a calibration measured by `tanma-mock probe` (docs/probe.md): each measured setting and error code, unless a flag, variable or config key sets it'),
    { commands: SERVE_AND_VERIFY, value: 'calibration.json', path: true }),
  config: setting(z.string().min(1).optional().describe('serve several tenants: {"tenants":[{"appId","appKey", "seed"|"fixtures", …}], "shared":{…}} (docs/tenants.md)'), { commands: SERVE_AND_VERIFY, value: 'tenants.json', path: true }),
  fault: setting(z.array(z.unknown()).optional().describe('one fault rule as JSON, e.g. \'{"kind":"error","code":-1,"message":"系统繁忙","calls":{"every":10}}\'; repeatable'),
    { commands: SERVE_AND_VERIFY, value: 'json', flagOnly: true, parse: (text: string, previous: unknown[] = []) => [...previous, parseJson(text)], apply: (rules: unknown[], options) => addFaults(options, rules) }),
  latency: setting(z.string().optional().describe('delay every upstream answer: fixed ms, or uniform between min and max (seeded)'),
    { commands: SERVE_AND_VERIFY, value: 'ms|min-max', parse: (text: string) => (latencyRule(text), text), apply: (text: string, options) => addFaults(options, [latencyRule(text)]) }),
  rateLimit: setting(z.string().optional().describe(`limit each appId with a token bucket (requests per second, optional burst); over it the answer is ${DEFAULT_ERRORS.rateLimited.code} ${DEFAULT_ERRORS.rateLimited.message}`),
    { commands: SERVE_AND_VERIFY, value: 'qps[:burst]', parse: (text: string) => (rateLimitRule(text), text), apply: (text: string, options) => addFaults(options, [rateLimitRule(text)]) }),
  realistic: setting(z.boolean().default(false).describe("data anomalies a real upstream shows now and then: short pages that are not the last, a page starting with the previous page's last item"),
    { commands: SERVE_AND_VERIFY, apply: (on: boolean, options) => (on ? addFaults(options, [...REALISTIC_FAULTS]) : options) }),
  verbose: setting(z.boolean().default(false).describe('trace every request, stage by stage (`[route] [signature] [page] [error] [admin]`), to stderr'),
    { commands: SERVE_AND_VERIFY, apply: (on: boolean, options) => (on ? { ...options, log: options.log ?? 'text' } : options) }),
})

export type MockOptions = z.input<typeof mockOptionsSchema>
export type ResolvedOptions = z.output<typeof mockOptionsSchema>

/** Options with defaults applied; throws an Error naming every wrong option. */
export function resolveOptions(options: MockOptions = {}): ResolvedOptions {
  const result = mockOptionsSchema.safeParse(options)
  if (!result.success) {
    throw new Error(`invalid options: ${result.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`)
  }
  return result.data
}

// ---- Derived: settings as the command line, the environment and config files give them ----

/** One option as seen from outside code. */
export interface Setting {
  /** The option's key: its config-file key, and createMock's when it is one of its options. */
  readonly key: string
  readonly meta: SettingMeta
  /** `port` → `port`, `skewMs` → `skew-ms`. */
  readonly flag: string
  /** `TANMA_<FLAG>`, then the extra ones (none for flag-only settings). */
  readonly env: readonly string[]
  /** The value's schema outside code (config file, and after a flag's parse). */
  readonly schema: z.ZodType
  readonly description: string
  /** The default, when the schema has one. */
  readonly defaultValue: unknown
  /** The choices of an enum. */
  readonly choices: readonly string[] | undefined
  /** Number bounds and integrality, for number settings. */
  readonly number: { readonly min: number | null; readonly max: number | null; readonly int: boolean } | undefined
  readonly boolean: boolean
}

/** A number bound, unless it is only the safe-integer range `.int()` implies. */
const bound = (n: number | null) => (n === null || Math.abs(n) >= Number.MAX_SAFE_INTEGER ? null : n)

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/** Optional/default wrappers off: the type underneath. */
function innerType(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType
  return s
}

function settingOf(key: string, field: z.ZodType): Setting | undefined {
  const meta = META.get(field)
  if (!meta) return undefined
  const flag = meta.flag ?? kebab(key)
  const description = field.description ?? ''
  const schema = meta.external ? meta.external.optional().describe(description) : field
  const inner = innerType(field)
  return {
    key,
    meta,
    flag,
    env: meta.flagOnly ? [] : [`TANMA_${flag.toUpperCase().replace(/-/g, '_')}`, ...(meta.env ?? [])],
    schema,
    description,
    defaultValue: field instanceof z.ZodDefault ? (field._zod.def.defaultValue as unknown) : undefined,
    choices: inner instanceof z.ZodEnum ? (inner.options as string[]) : undefined,
    number: inner instanceof z.ZodNumber ? { min: bound(inner.minValue), max: bound(inner.maxValue), int: inner.isInt } : undefined,
    boolean: inner instanceof z.ZodBoolean,
  }
}

/** Every setting, in schema order: createMock's options, then the command line's own. */
export const SETTINGS: readonly Setting[] = [...Object.entries(mockOptionsSchema.shape), ...Object.entries(commandLineSchema.shape)].flatMap(([key, field]) => settingOf(key, field as z.ZodType) ?? [])

export const settingByKey = (key: string): Setting | undefined => SETTINGS.find((s) => s.key === key)

/** A config file (`tanma-mock.config.json`): every setting that is not flag-only, by key; unknown keys are refused. */
export const configFileSchema = z
  .strictObject({
    $schema: z.string().optional().describe('the JSON Schema of this file (schema/tanma-mock.config.schema.json in the package)'),
    ...Object.fromEntries(SETTINGS.filter((s) => !s.meta.flagOnly).map((s) => [s.key, s.schema.optional()])),
  })
  .describe('tanma-mock config file: settings for every command, by option key (flags and TANMA_* environment variables win over it)')

/** The config file's JSON Schema (committed as schema/tanma-mock.config.schema.json). */
export function configJsonSchema(): object {
  return z.toJSONSchema(configFileSchema, { io: 'input', unrepresentable: 'any' })
}

/** A config file's relative paths made relative to the file. */
export function resolvePaths(settings: Options, file: string): Options {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [key, settingByKey(key)?.meta.path && typeof value === 'string' && !isAbsolute(value) && !/^[\w-]+$/.test(value) ? resolve(dirname(file), value) : value]),
  )
}

/** A setting's value that cannot be used, by key. */
export interface SettingIssue {
  readonly key: string
  readonly message: string
  /** Another setting the issue concerns (e.g. the largest page size for the default one). */
  readonly related?: string
}

/** zod issues of settings or options, by the setting they concern. */
export function settingIssues(error: z.ZodError): SettingIssue[] {
  return error.issues.map((issue) => {
    const [key, ...rest] = issue.path.map(String)
    const related = issue.code === 'custom' ? (issue.params?.related as string | undefined) : undefined
    return { key: key ?? '', message: `${rest.length > 0 ? `${rest.join('.')}: ` : ''}${issue.message}`, ...(related ? { related } : {}) }
  })
}

export class SettingsError extends Error {
  constructor(readonly issues: readonly SettingIssue[]) {
    super(issues.map((i) => `${i.key}: ${i.message}`).join('; '))
  }
}

/**
 * Settings (by key, as given) to createMock's options and the command line's own; throws a
 * SettingsError naming each wrong setting.
 */
export function optionsFromSettings(settings: Options): { mock: MockOptions; commandLine: z.output<typeof commandLineSchema> } {
  const parsed = z.looseObject(Object.fromEntries(SETTINGS.map((s) => [s.key, s.schema.optional()]))).safeParse(settings)
  if (!parsed.success) throw new SettingsError(settingIssues(parsed.error))
  let mock: Options = {}
  const issues: SettingIssue[] = []
  for (const setting of SETTINGS) {
    // Only what was given: a default is the option's own, applied by createMock.
    if (settings[setting.key] === undefined) continue
    const value = parsed.data[setting.key]
    try {
      if (setting.meta.apply) mock = setting.meta.apply(value, mock)
      else if (setting.key in mockOptionsSchema.shape) mock[setting.key] = value
    } catch (error) {
      issues.push({ key: setting.key, message: (error as Error).message })
    }
  }
  if (issues.length > 0) throw new SettingsError(issues)
  const checked = mockOptionsSchema.safeParse(mock)
  if (!checked.success) throw new SettingsError(settingIssues(checked.error))
  const commandLine = commandLineSchema.safeParse(Object.fromEntries(Object.keys(commandLineSchema.shape).map((k) => [k, settings[k]])))
  if (!commandLine.success) throw new SettingsError(settingIssues(commandLine.error))
  return { mock: mock as MockOptions, commandLine: commandLine.data }
}
