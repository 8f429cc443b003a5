#!/usr/bin/env node
/**
 * tanma-mock: `serve` (the default) runs the fake upstream; `sign` prints signed headers and a curl
 * line for a body. Flags mirror MockOptions (mock/options.ts); credentials also come from
 * TANMA_APP_ID / TANMA_APP_KEY.
 */
import { Command, InvalidArgumentError, Option } from 'commander'
import { createWriteStream, readFileSync } from 'node:fs'
import { createMock, createTenants, startServer, type MockOptions, type TenantsConfig } from './index.js'
import { stopOnSignals } from './server.js'
import { listByRelationCreateTimeAsc } from './endpoints/list-by-relation-create-time-asc.js'
import { DEMO_CREDENTIALS } from './options.js'
import { PACKAGE_VERSION } from './package-files.js'
import { DEFAULT_ERRORS, ERROR_KINDS, type ErrorKind } from './protocol/errors.js'
import { faultRuleList, REALISTIC_FAULTS } from './faults.js'
import { signHeaders } from './protocol/signing.js'

const VERSION = PACKAGE_VERSION
const DEFAULT_PORT = 20066
const ENDPOINT = listByRelationCreateTimeAsc.path

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`)
    return n
  }
}

/** `--error kind=code[:message]`, repeatable. */
function errorOverride(value: string, previous: MockOptions['errors'] = {}): NonNullable<MockOptions['errors']> {
  const m = /^([A-Za-z]+)=(-?\d+)?(?::(.*))?$/s.exec(value)
  if (!m || !ERROR_KINDS.includes(m[1] as ErrorKind) || (m[2] === undefined && m[3] === undefined)) {
    throw new InvalidArgumentError(`expected kind=code[:message] with kind one of ${ERROR_KINDS.join(', ')}`)
  }
  return { ...previous, [m[1]!]: { ...(m[2] !== undefined ? { code: Number(m[2]) } : {}), ...(m[3] !== undefined ? { message: m[3] } : {}) } }
}

const credentialOptions = (command: Command) =>
  command
    .addOption(new Option('--app-id <appId>', 'appId the server accepts').env('TANMA_APP_ID').default(DEMO_CREDENTIALS.appId))
    .addOption(new Option('--app-key <appKey>', 'appKey of that appId').env('TANMA_APP_KEY').default(DEMO_CREDENTIALS.appKey))

const program = new Command('tanma-mock').description('A high-fidelity fake of the Tanma (探马) SCRM OpenAPI').version(VERSION)

/** The world a command serves: seed and size, a fixture, or a tenants file. */
const worldOptions = (command: Command) =>
  credentialOptions(
    command
      .option('--seed <seed>', 'world seed: the same seed and flags give the same bytes', 'tanma')
      .option('--customers <n>', 'followed customers in the world', integer(0), 1000)
      .option('--staff <n>', 'sales members in the world', integer(1), 20)
      .option('--fixtures <name-or-path>', 'serve this fixture (a file, JSON or NDJSON, or a pack in fixtures/) instead of a generated world')
      .option('--config <tenants.json>', 'serve several tenants: {"tenants":[{"appId","appKey", "seed"|"fixtures", …}], "shared":{…}}'),
  )

/** How the fake behaves where the upstream is unknown (the fidelity table's switches). */
const behaviourOptions = (command: Command) =>
  command
    .option('--skew-ms <ms>', 'allowed |server time − timestamp| in ms', integer(0), 300_000)
    .addOption(new Option('--end-cursor <mode>', 'end of data: nextCursor null on the last page, or one more empty page').choices(['null', 'empty-page']).default('null'))
    .option('--size-default <n>', 'page size when the request has none', integer(1), 20)
    .option('--size-max <n>', 'largest page size', integer(1), 100)
    .addOption(new Option('--oversize <mode>', 'a size above --size-max').choices(['clamp', 'error']).default('clamp'))
    .addOption(new Option('--inverted-window <mode>', 'before ≤ since').choices(['empty', 'error']).default('empty'))
    .addOption(new Option('--unknown-member <mode>', 'a qwUserId that follows nobody').choices(['empty', 'error']).default('empty'))
    .addOption(new Option('--nulls <mode>', 'body properties that are null').choices(['absent', 'error']).default('absent'))
    .addOption(new Option('--types <mode>', 'strict JSON integers, or Jackson-like coercion of "20" and 20.5').choices(['strict', 'lenient']).default('strict'))
    .addOption(new Option('--http-status <mode>', 'HTTP status of 404/405/413/500 answers').choices(['real', 'always-200']).default('real'))
    .addOption(new Option('--sign-case <mode>', 'hex case of sign: lowercase only, or any').choices(['lower', 'any']).default('lower'))
    .addOption(new Option('--success-message <text>', 'message of successful answers').choices(['ok', 'success']).default('ok'))
    .option('--body-limit <bytes>', 'largest request body', integer(1), 1024 * 1024)
    .option('--admin-max-customers <n>', 'largest world POST /__mock/world builds, in customers', integer(0), 1_000_000)
    .option('--item-cache-mb <mb>', 'memory for serialised items (pages are served from cached bytes)', integer(0), 256)
    .option('--error <kind=code[:message]>', `override an error's code/message (kinds: ${ERROR_KINDS.join(', ')})`, errorOverride)
    .option('--faults <file>', 'fault rules from a JSON file ({"rules":[…]} or […]); POST /__mock/faults changes them at run time')
    .option('--fault <json>', 'one fault rule, e.g. \'{"kind":"error","code":-1,"message":"系统繁忙","calls":{"every":10}}\'; repeatable', (value: string, previous: unknown[] = []) => [...previous, parseJsonFlag('--fault', value)])
    .option('--latency <ms|min-max>', 'delay every upstream answer: fixed, or uniform between min and max (seeded)', latencyRule)
    .option('--rate-limit <qps[:burst]>', `limit each appId with a token bucket; over it the answer is ${DEFAULT_ERRORS.rateLimited.code} ${DEFAULT_ERRORS.rateLimited.message}`, rateLimitRule)
    .option('--realistic', 'data anomalies a real upstream shows now and then: short pages that are not the last, a page starting with the previous page\'s last item', false)
    .option('--verbose', 'trace every request, stage by stage, to stderr', false)
    .addOption(new Option('--log <format>', 'trace every request to stderr as timestamped text or JSON lines (pino), each with its request id').choices(['text', 'json']))
    .option('--strict-body', 'refuse unknown request body properties with 40000 (default: ignored, noted in the journal and --verbose)', false)
    .option('--body-depth-limit <n>', 'deepest accepted nesting of a request body (deeper: 40000)', integer(1), 1000)

/** The fake the flags describe (one tenant, or several with --config), with a progress bar for big worlds. */
async function mockFromFlags(flags: Record<string, any>) {
  const progress = flags.customers >= 100_000 ? progressBar('building world') : undefined
  const shared: MockOptions = {
    seed: flags.seed, customers: flags.customers, staff: flags.staff, fixtures: flags.fixtures, appId: flags.appId, appKey: flags.appKey,
    skewMs: flags.skewMs, endCursor: flags.endCursor, sizeDefault: flags.sizeDefault, sizeMax: flags.sizeMax,
    oversize: flags.oversize, invertedWindow: flags.invertedWindow, unknownMember: flags.unknownMember, nulls: flags.nulls,
    types: flags.types, httpStatus: flags.httpStatus, signCase: flags.signCase, successMessage: flags.successMessage, bodyLimit: flags.bodyLimit, adminMaxCustomers: flags.adminMaxCustomers,
    itemCacheMb: flags.itemCacheMb, errors: flags.error, log: flags.log ?? flags.verbose, strictBody: flags.strictBody, bodyDepthLimit: flags.bodyDepthLimit, adminToken: flags.adminToken, faults: faultsFromFlags(flags),
    adminBodyLimit: flags.adminBodyLimit, allowedHosts: flags.allowedHost, shutdownGraceMs: flags.shutdownGraceMs,
  }
  return flags.config ? createTenants(readTenantsFile(flags.config), shared, { onProgress: progress }) : createMock(shared, { onProgress: progress })
}

/** What world a command runs on, in a few words. */
const worldName = (flags: Record<string, any>) => (flags.config ? `tenants from ${flags.config}` : flags.fixtures ? `fixture ${flags.fixtures}` : `seed "${flags.seed}"`)

behaviourOptions(
  worldOptions(
    program
      .command('serve', { isDefault: true })
      .description('serve the fake upstream on a generated world')
      .option('--port <port>', 'port to listen on (0 picks a free one)', integer(0), DEFAULT_PORT)
      .option('--host <host>', 'interface to listen on', '127.0.0.1'),
  ),
)
  .addOption(new Option('--admin-token <token>', 'bearer token for the admin API (/__mock); required off loopback').env('TANMA_ADMIN_TOKEN'))
  .option('--allowed-host <host>', 'a Host header the admin API accepts besides loopback names and the listening address (DNS-rebinding guard); repeatable', (value: string, previous: string[] = []) => [...previous, value])
  .option('--admin-body-limit <bytes>', 'largest admin (/__mock) request body (an exported world must fit)', integer(1), 256 * 1024 * 1024)
  .option('--shutdown-grace-ms <ms>', 'on SIGTERM/SIGINT, how long in-flight requests may finish before connections are closed', integer(0), 10_000)
  .action(async (flags) => {
    const started = performance.now()
    const mock = await mockFromFlags(flags)
    const built = performance.now() - started
    const server = await startServer(mock, { port: flags.port, host: flags.host })
    const { world } = mock
    const members = world.members().slice(0, 4).map((m) => m.qwUserId).join(', ')
    const worldLine = (m: typeof mock) => `${m.world.customerCount.toLocaleString('en')} customers, ${m.world.relationCount.toLocaleString('en')} follow relations, ${m.world.memberCount} members`
    const tenantLines = (mock.tenants ?? []).map((t, k) => `  tenant ${k + 1}   appId ${t.credentials.appId}  appKey ${t.credentials.appKey}  ${worldLine(t)}  admin ${server.origin}/__mock/tenants/${t.credentials.appId}`)
    const lines = [
      `tanma-mock ${VERSION} · fake Tanma SCRM OpenAPI`,
      `  world      ${flags.config ? `${mock.tenants!.length} ${worldName(flags)}` : worldName(flags)}: ${worldLine(mock)}${flags.config ? ' (the first tenant)' : ''} (built in ${Math.round(built)} ms)`,
      ...tenantLines,
      `  listening  ${server.origin}`,
      `  base URL   ${server.baseUrl}   (…/apiServer/api and any other prefix work too)`,
      `  endpoint   POST ${server.baseUrl}${ENDPOINT}`,
      `  appId      ${mock.credentials.appId}`,
      `  appKey     ${mock.credentials.appKey}`,
      `  signing    headers appId, timestamp (epoch ms), sign = hex(sha256(appId + timestamp + rawBody + appKey))`,
      `  try        npx tanma-mock sign --body '{"size":2}' --url ${server.baseUrl}   (prints headers and a curl line)`,
      `  admin      ${server.origin}/__mock/health · /reset · /world · /customers · /relations · /requests · /clock${mock.options.adminToken ? '   (Authorization: Bearer <token>)' : ''}`,
      ...(mock.context.faults.active ? [`  faults     ${mock.admin.faults().map((r) => r.id).join(', ')}   (GET/POST/DELETE ${server.origin}/__mock/faults)`] : []),
      `  members    ${members}${world.memberCount > 4 ? ', …' : ''}   (for {"qwUserId": …})`,
      `  Ctrl-C stops the server`,
    ]
    process.stdout.write(lines.join('\n') + '\n')
    stopOnSignals(server)
  })

program
  .command('export')
  .description('write a generated world as a fixture (serving it gives the same responses as serving the seed)')
  .option('--seed <seed>', 'world seed', 'tanma')
  .option('--customers <n>', 'followed customers', integer(0), 1000)
  .option('--staff <n>', 'sales members', integer(1), 20)
  .option('--fixtures <name-or-path>', 'export this fixture instead (to convert JSON ⇄ NDJSON)')
  .requiredOption('--out <file>', 'where to write it (- for stdout)')
  .addOption(new Option('--format <format>', 'one JSON document, or NDJSON (one record a line, for large worlds)').choices(['json', 'ndjson']).default('json'))
  .action(async (flags) => {
    const progress = flags.customers >= 100_000 ? progressBar('building world') : undefined
    const { context: { world } } = await createMock({ seed: flags.seed, customers: flags.customers, staff: flags.staff, fixtures: flags.fixtures }, { onProgress: progress })
    const out = flags.out === '-' ? process.stdout : createWriteStream(flags.out)
    const write = (text: string) => (out.write(text) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve())))
    if (flags.format === 'json') {
      await write(JSON.stringify(world.toFixture()) + '\n')
    } else {
      for (const record of world.records()) {
        const waiting = write(JSON.stringify(record) + '\n')
        if (waiting) await waiting
      }
    }
    if (out !== process.stdout) {
      await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((error?: Error | null) => (error ? reject(error) : resolve())))
      process.stderr.write(`wrote ${world.customerCount.toLocaleString('en')} customers and ${world.relations.length.toLocaleString('en')} relations to ${flags.out} (${flags.format})\n`)
    }
  })

credentialOptions(
  program
    .command('sign')
    .description('print signed headers and a curl line for a request body')
    .option('--body <json>', 'the exact request body (signed byte for byte)', '{}')
    .option('--timestamp <ms>', 'epoch milliseconds (default: now)')
    .option('--url <baseUrl>', 'base URL for the curl line', `http://127.0.0.1:${DEFAULT_PORT}/api`)
    .option('--json', 'print the headers as JSON only', false),
).action((flags) => {
  const headers = signHeaders({ appId: flags.appId, appKey: flags.appKey }, flags.body, flags.timestamp === undefined ? Date.now() : integer(0)(flags.timestamp))
  if (flags.json) return void process.stdout.write(JSON.stringify(headers) + '\n')
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
  process.stdout.write(
    [
      `appId: ${headers.appId}`,
      `timestamp: ${headers.timestamp}`,
      `sign: ${headers.sign}`,
      '',
      `curl -sS -X POST ${quote(flags.url.replace(/\/$/, '') + ENDPOINT)} -H 'Content-Type: application/json' -H ${quote(`appId: ${headers.appId}`)} -H ${quote(`timestamp: ${headers.timestamp}`)} -H ${quote(`sign: ${headers.sign}`)} --data-raw ${quote(flags.body)}`,
      `(valid for 5 minutes: the server refuses timestamps outside its skew window)`,
    ].join('\n') + '\n',
  )
})

behaviourOptions(
  worldOptions(
    program
      .command('verify')
      .description("verify consumers' pact files against the fake (exits non-zero when one is not satisfied)")
      .requiredOption('--pact <file-or-dir...>', 'pact files, directories of them, or URLs')
      .option('--provider-state-setup <module-or-url...>', "your own provider states: modules exporting { 'state': (params, fake) => values }, and a state-change URL for states the fake does not know")
      .addOption(new Option('--log-level <level>', "the Pact verifier's log level").choices(['error', 'warn', 'info', 'debug', 'trace']).default('error')),
  ),
).action(async (flags) => {
  const plain = await (await import('../contracts/verify-output.js')).verifyWithoutColours() // no colours off a terminal or with NO_COLOR
  if (plain !== undefined) return void (process.exitCode = plain)
  const { verifyPacts, pactFiles } = await import('../contracts/verify.js')
  await import('../contracts/pact.js').then((pact) => pact.loadPact('verify')) // an optional peer dependency: without it, say how to install it
  const files = pactFiles(flags.pact)
  const mock = await mockFromFlags(flags)
  process.stdout.write(`tanma-mock verify: ${files.length} pact file${files.length === 1 ? '' : 's'} against ${worldName(flags)} (${mock.world.customerCount.toLocaleString('en')} customers), appId ${mock.credentials.appId}\n`)
  const result = await verifyPacts({ pact: flags.pact, fake: mock, providerStateSetup: flags.providerStateSetup, logLevel: flags.logLevel })
  const signing = `re-signed ${result.resigned} request${result.resigned === 1 ? '' : 's'} with a fresh timestamp; kept ${result.keptWrong} recorded wrong signature${result.keptWrong === 1 ? '' : 's'} wrong`
  // "Verifying a pact between A and B[ Given S] - D" → "A: D (given S)"
  const readable = (name: string) => name.replace(/^Verifying a pact between (.+?) and .+?(?: Given (.+?))? - (.+)$/s, (_m, consumer: string, state: string | undefined, what: string) => `${consumer}: ${what}${state ? ` (given ${state})` : ''}`)
  const failed = [...new Set(result.errors.map((e) => readable(e.interaction)))]
  const lines = [
    result.ok
      ? `✔ ${result.interactions} interaction${result.interactions === 1 ? '' : 's'} satisfied`
      : failed.length > 0
        ? `✘ ${failed.length} of ${result.interactions} interactions not satisfied:`
        : `✘ not verified: a provider state could not be set up`,
    ...(result.ok ? [] : failed.map((name) => `    ${name}`)),
    `  ${signing}`,
    ...result.stateErrors.map((e) => `  provider state failed: ${e}`),
    ...(result.resigned === 0 && result.keptWrong > 0 ? [`  (no recorded signature verified with appId ${mock.credentials.appId}'s appKey: give --app-id/--app-key the credentials the consumer signed with)`] : []),
  ]
  process.stdout.write(lines.join('\n') + '\n')
  process.exitCode = result.ok ? 0 : 1
})

function parseJsonFlag(flag: string, value: string): unknown {
  try {
    return JSON.parse(value)
  } catch (error) {
    throw new InvalidArgumentError(`${flag} is not JSON: ${(error as Error).message}`)
  }
}

function latencyRule(value: string) {
  const m = /^(\d+)(?:-(\d+))?$/.exec(value.trim())
  if (!m) throw new InvalidArgumentError('expected milliseconds (200) or a range (100-400)')
  return m[2] === undefined ? { kind: 'latency', id: 'latency', ms: Number(m[1]) } : { kind: 'latency', id: 'latency', distribution: { type: 'uniform', min: Number(m[1]), max: Number(m[2]) } }
}

function rateLimitRule(value: string) {
  const m = /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(value.trim())
  if (!m || Number(m[1]) <= 0) throw new InvalidArgumentError('expected requests per second, and optionally a burst: 10 or 10:20')
  return { kind: 'rateLimit', id: 'rate-limit', qps: Number(m[1]), ...(m[2] === undefined ? {} : { burst: Number(m[2]) }) }
}

/** The fault rules of --faults, --fault, --latency, --rate-limit and --realistic, in that order (undefined: none). */
function faultsFromFlags(flags: Record<string, any>): unknown[] | undefined {
  const rules: unknown[] = []
  if (flags.faults) {
    let doc: unknown
    try {
      doc = JSON.parse(readFileSync(flags.faults, 'utf8'))
    } catch (error) {
      throw new Error(`cannot read faults file ${flags.faults}: ${(error as Error).message}`)
    }
    rules.push(...faultRuleList(doc))
  }
  rules.push(...(flags.fault ?? []))
  if (flags.latency) rules.push(flags.latency)
  if (flags.rateLimit) rules.push(flags.rateLimit)
  if (flags.realistic) rules.push(...REALISTIC_FAULTS)
  return rules.length > 0 ? rules : undefined
}

function readTenantsFile(path: string): TenantsConfig {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TenantsConfig
  } catch (error) {
    throw new Error(`cannot read tenants config ${path}: ${(error as Error).message}`)
  }
}

/** A one-line progress bar on stderr (on a terminal), or a line every 25 % (in a log). */
function progressBar(label: string) {
  let last = -1
  const tty = process.stderr.isTTY
  return (done: number, total: number) => {
    const pct = Math.floor((done / total) * 100)
    if (pct === last || (!tty && pct % 25 !== 0)) return
    last = pct
    if (!tty) return void process.stderr.write(`${label}: ${pct}% (${done.toLocaleString('en')}/${total.toLocaleString('en')})\n`)
    const width = 30
    const filled = Math.round((pct / 100) * width)
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% (${done.toLocaleString('en')}/${total.toLocaleString('en')})${done === total ? '\n' : ''}`)
  }
}

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`tanma-mock: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
