#!/usr/bin/env node
/**
 * tanma-mock: `serve` (the default) runs the fake upstream; `export` writes a world as a fixture;
 * `sign` prints signed headers and a curl line for a body; `verify` checks pact files. Every
 * setting's flag, environment variable and config-file key comes from the options schema
 * (mock/options.ts): a flag beats its environment variable, which beats the config file, which
 * beats the default.
 */
import { coverageFromJournal } from './coverage/report.js'
import { Command, InvalidArgumentError, Option } from 'commander'
import { lilconfigSync } from 'lilconfig'
import { once } from 'node:events'
import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createMock, createTenants, startServer, type MockOptions, type TenantsConfig } from './index.js'
import { stopOnSignals } from './server.js'
import cluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import { runPrimary } from './cluster/primary.js'
import { clusterWorker, type ClusterWorker } from './cluster/worker.js'
import { ENDPOINTS } from './endpoints/index.js'
import { COMMANDS, configFileSchema, DEMO_CREDENTIALS, optionsFromSettings, resolvePaths, SETTINGS, SettingError, SettingsError, settingByKey, settingIssues, type CommandName, type Setting, type SettingIssue } from './options.js'
import { PACKAGE_VERSION } from './package-files.js'
import { signHeaders } from './protocol/signing.js'
import { calibratedOptions, readCalibration, type Calibration, type TenantConfig } from './probe/calibration.js'
import { SnapshotRefused, WORLD_DEFAULTS } from './world/world.js'
import { writeSnapshot } from './world/snapshot.js'

const VERSION = PACKAGE_VERSION
/** The endpoint `sign` prints a curl line for: the first of ENDPOINTS, the followed-customer list. */
const ENDPOINT = ENDPOINTS[0]!.path

/** The endpoints' path endings after the first, in a few words: `v3/echo, v2/customer/list-fields, …`. */
const endpointSummary = (shown = 5) => {
  const rest = ENDPOINTS.slice(1).map((e) => e.path.slice(1))
  return rest.length > shown ? `${rest.slice(0, shown).join(', ')}, … ${rest.length - shown} more` : rest.join(', ')
}
const DEFAULT_URL = `http://127.0.0.1:${settingByKey('port')!.defaultValue}/api`

/** A wrong setting or argument, said as one line: no stack trace. */
class UsageError extends Error {}

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`)
    return n
  }
}

/** A number setting's text to its value, within the schema's bounds. */
function numberParser({ min, max, int }: NonNullable<Setting['number']>) {
  const range = min !== null && max !== null ? `from ${min} to ${max}` : min !== null ? `≥ ${min}` : max !== null ? `≤ ${max}` : ''
  const expected = `expected ${int ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}`
  return (text: string): number => {
    const n = Number(text.trim())
    if (text.trim() === '' || !Number.isFinite(n) || (int && !/^-?\d+$/.test(text.trim())) || (min !== null && n < min) || (max !== null && n > max)) throw new SettingError(expected)
    return n
  }
}

/** How a setting's text (a flag's argument, an environment variable) becomes its value. */
function textParser(setting: Setting): ((text: string, previous: unknown) => unknown) | undefined {
  if (setting.meta.parse) return setting.meta.parse
  if (setting.number) return numberParser(setting.number)
  if (setting.choices) {
    const choices = setting.choices
    return (text) => {
      if (!choices.includes(text)) throw new SettingError(`expected one of ${choices.join(', ')}`)
      return text
    }
  }
  return undefined
}

function parseBooleanText(text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text.trim())) return true
  if (/^(0|false|no|off|)$/i.test(text.trim())) return false
  throw new SettingError('expected 1, true, yes or on; or 0, false, no or off')
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())

/** The commander option of a setting: flag, value name, help, choices, parser, default, environment variable. */
function flagOption(setting: Setting): Option {
  const valueName = setting.meta.value ?? (setting.choices ? setting.choices.join('|') : setting.number ? 'n' : 'value')
  const extraEnv = setting.boolean ? setting.env : setting.env.slice(1)
  const help = `${setting.description}${extraEnv.length > 0 ? ` (env: ${extraEnv.join(', ')})` : ''}`
  const option = new Option(setting.boolean ? `--${setting.flag}` : `--${setting.flag} <${valueName}>`, help)
  if (setting.choices) option.choices(setting.choices)
  const parse = setting.meta.parse ?? (setting.number ? numberParser(setting.number) : undefined)
  if (parse) {
    option.argParser((text: string, previous: unknown) => {
      try {
        return parse(text, previous)
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message)
      }
    })
  }
  if (!setting.boolean && setting.env[0]) option.env(setting.env[0])
  const d = setting.defaultValue
  if ((typeof d === 'string' || typeof d === 'number') && d !== '') option.default(d)
  return option
}

/** Adds the flags of every setting the command takes, and --config-file. */
function withSettings(command: Command, name: CommandName): Command {
  for (const setting of SETTINGS) if (setting.meta.commands.includes(name)) command.addOption(flagOption(setting))
  return command.addOption(
    new Option('--config-file <path>', 'read settings from this file instead of the one found in the working directory (tanma-mock.config.json, .tanma-mockrc.json, .tanma-mockrc, or "tanma-mock" in package.json)').env('TANMA_CONFIG_FILE'),
  )
}

const CONFIG_PLACES = ['tanma-mock.config.json', '.tanma-mockrc.json', '.tanma-mockrc', 'package.json']

/** The config file given with --config-file or found in the working directory (none: undefined), checked against its schema. */
function readConfigFile(explicit: string | undefined): { path: string; settings: Record<string, unknown> } | undefined {
  const json = (path: string, content: string): unknown => {
    try {
      return JSON.parse(content.replace(/^\uFEFF/, ''))
    } catch (error) {
      throw new UsageError(`config file ${path} is not JSON: ${(error as Error).message}`)
    }
  }
  const explorer = lilconfigSync('tanma-mock', { searchPlaces: CONFIG_PLACES, stopDir: process.cwd(), loaders: { '.json': json, noExt: json } })
  let found: ReturnType<typeof explorer.search>
  try {
    found = explicit === undefined ? explorer.search(process.cwd()) : explorer.load(resolve(explicit))
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`--config-file ${explicit}: cannot read it (${(error as Error).message})`)
  }
  if (!found || found.isEmpty) return undefined
  const path = found.filepath
  const parsed = configFileSchema.safeParse(found.config)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} in ${path} (keys: ${Object.keys(configFileSchema.shape).filter((k) => k !== '$schema').join(', ')})`
        : issue.path.length === 0
          ? `${path}: ${issue.message} (a config file is a JSON object of settings)`
          : `${settingIssues({ issues: [issue] } as never)[0]!.key} in ${path}: ${settingIssues({ issues: [issue] } as never)[0]!.message}`,
    )
    throw new UsageError(lines.join('\n'))
  }
  // Only the keys the file gives (the schema's defaults are not the file's settings).
  const given = parsed.data as Record<string, unknown>
  const settings = Object.fromEntries(Object.keys(found.config as object).filter((k) => k !== '$schema').map((k) => [k, given[k]]))
  return { path, settings: resolvePaths(settings, path) }
}

/** Settings in force for a command, each with where it came from: a flag, an environment variable, the config file (else: the default). */
function gatherSettings(command: Command, name: CommandName): { settings: Record<string, unknown>; sources: Map<string, string> } {
  const flags = command.opts()
  const file = readConfigFile(flags.configFile as string | undefined)
  const settings: Record<string, unknown> = {}
  const sources = new Map<string, string>()
  const problems: string[] = []
  for (const setting of SETTINGS) {
    if (!setting.meta.commands.includes(name)) continue
    const attribute = camel(setting.flag)
    const source = command.getOptionValueSource(attribute)
    if (source === 'cli' || source === 'env') {
      settings[setting.key] = flags[attribute]
      sources.set(setting.key, source === 'cli' ? `--${setting.flag}` : setting.env[0]!)
      continue
    }
    // Environment variables commander does not read: a switch's, and the extra ones (PORT, HOST).
    const variable = setting.env.find((v, k) => (setting.boolean || k > 0) && (process.env[v] ?? '') !== '')
    if (variable !== undefined) {
      sources.set(setting.key, variable)
      try {
        settings[setting.key] = setting.boolean ? parseBooleanText(process.env[variable]!) : (textParser(setting) ?? ((t: string) => t))(process.env[variable]!, undefined)
      } catch (error) {
        problems.push(`${variable}=${process.env[variable]}: ${(error as Error).message}`)
      }
      continue
    }
    if (file && setting.key in file.settings) {
      settings[setting.key] = file.settings[setting.key]
      sources.set(setting.key, `${setting.key} in ${file.path}`)
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'))
  return { settings, sources }
}

/** Where a setting came from, in words a user recognises: `--size-max`, `TANMA_PORT`, `port in ./tanma-mock.config.json`. */
function settingLabel(key: string, sources: Map<string, string>): string {
  const setting = settingByKey(key)
  return sources.get(key) ?? (setting ? `--${setting.flag}` : key)
}

/** The one place where issues of options become messages naming flags, environment variables or config keys. */
function describeIssues(issues: readonly SettingIssue[], sources: Map<string, string>): string {
  return issues.map((i) => `${settingLabel(i.key, sources)}: ${i.message}${i.related ? ` (see ${settingLabel(i.related, sources)})` : ''}`).join('\n')
}

/** createMock's options and the command line's own settings for a command, or a UsageError naming each wrong one. */
function resolveSettings(command: Command, name: CommandName) {
  const gathered = gatherSettings(command, name)
  const { sources } = gathered
  let settings = gathered.settings
  // A calibration's measured settings, under whatever the flags, variables and config file set.
  let calibration: Calibration | undefined
  if (typeof settings.calibration === 'string') {
    try {
      calibration = readCalibration(settings.calibration)
    } catch (error) {
      throw new UsageError(`${settingLabel('calibration', sources)}: ${(error as Error).message}`)
    }
    const calibrated = calibratedOptions(calibration, settings)
    for (const key of Object.keys(calibration.settings)) if (!sources.has(key)) sources.set(key, `${key} in ${settings.calibration}`)
    settings = calibrated
  }
  try {
    const options = optionsFromSettings(settings)
    // The tenant's configuration is an option of createMock, not a setting: it comes only from the calibration.
    return { ...options, mock: settings.tenant ? { ...options.mock, tenant: settings.tenant as TenantConfig } : options.mock, sources, calibration }
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(describeIssues(error.issues, sources))
    throw error
  }
}

const program = new Command('tanma-mock')
  .description('A high-fidelity fake of the Tanma (探马) SCRM OpenAPI')
  .version(VERSION)
  // commander's own errors (a wrong flag value, an unknown flag) read like ours; commands inherit it.
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'tanma-mock: ')) })

/** What of a calibration's tenant configuration the world uses, for the banner. */
function tenantLine({ fields, tagGroups }: TenantConfig, fixture: boolean): string {
  const used = [fields && `its ${fields.length} field definitions`, tagGroups && `its ${tagGroups.length} tag groups (${tagGroups.reduce((n, g) => n + g.tags.length, 0)} tags)`].filter(Boolean)
  if (used.length === 0) return "it holds no field definitions or tags: the world's are its own"
  return `generated worlds use ${used.join(' and ')}${fixture ? ' (a fixture of records keeps its own)' : ''}`
}

/** The fake the settings describe (one tenant, or several with --config), with a progress bar for big worlds (one worker's of several). */
async function mockFrom(resolved: ReturnType<typeof resolveSettings>, worker?: ClusterWorker) {
  const { commandLine } = resolved
  const options = worker ? worker.options(resolved.mock) : resolved.mock
  const progress = (options.customers ?? 0) >= 100_000 && (worker?.lead ?? true) ? progressBar('building world') : undefined
  const hooks = { ...worker?.hooks, onProgress: progress }
  return commandLine.config ? createTenants(readTenantsFile(commandLine.config), options, hooks) : createMock(options, hooks)
}

/** What world a command runs on, in a few words. */
const worldName = ({ mock, commandLine }: ReturnType<typeof resolveSettings>) =>
  commandLine.config ? `tenants from ${commandLine.config}` : mock.snapshot !== undefined ? `snapshot ${mock.snapshot}` : typeof mock.fixtures === 'string' ? `fixture ${mock.fixtures}` : `seed "${mock.seed ?? WORLD_DEFAULTS.seed}"`

/** A word for a POSIX shell: as is when safe, else single-quoted. */
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

withSettings(program.command('serve', { isDefault: true }).description('serve the fake upstream on a generated world').allowExcessArguments(true), 'serve').action(async (flags, command: Command) => {
  const stray = command.args[0]
  if (stray !== undefined) {
    const near = COMMANDS.filter((c) => c.startsWith(stray) || distance(c, stray) <= 2)
    throw new UsageError(`unknown command "${stray}"${near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : ''}; commands: ${COMMANDS.join(', ')} (tanma-mock --help)`)
  }
  const resolved = resolveSettings(command, 'serve')
  const { port, host, config } = resolved.commandLine
  const workers = resolved.mock.workers === 'auto' ? availableParallelism() : (resolved.mock.workers ?? 1)
  if (workers > 1 && cluster.isPrimary) return runPrimary(workers)
  const worker = cluster.isWorker ? clusterWorker() : undefined
  const started = performance.now()
  const mock = await mockFrom(resolved, worker)
  const built = performance.now() - started
  const server = await startServer(mock, { port, host, ...(worker ? { intercept: worker.intercept } : {}) })
  const { world } = mock
  const members = world.members().slice(0, 4).map((m) => m.qwUserId).join(', ')
  const worldLine = (m: typeof mock) => `${m.world.customerCount.toLocaleString('en')} customers, ${m.world.relationCount.toLocaleString('en')} follow relations, ${m.world.memberCount} members`
  const tenantLines = (mock.tenants ?? []).map((t, k) => `  tenant ${k + 1}   appId ${t.credentials.appId}  appKey ${t.credentials.appKey}  ${worldLine(t)}  admin ${server.origin}/__mock/tenants/${t.credentials.appId}`)
  // The try line signs with the credentials in force (the first tenant's with --config), not the demo pair.
  const { appId, appKey } = mock.credentials
  const credentials = appId === DEMO_CREDENTIALS.appId && appKey === DEMO_CREDENTIALS.appKey ? '' : ` --app-id ${shellWord(appId)} --app-key ${shellWord(appKey)}`
  const lines = [
    `tanma-mock ${VERSION} · fake Tanma SCRM OpenAPI`,
    `  world      ${config ? `${mock.tenants!.length} ${worldName(resolved)}` : worldName(resolved)}: ${worldLine(mock)}${config ? ' (the first tenant)' : ''} (built in ${Math.round(built)} ms)`,
    ...tenantLines,
    `  listening  ${server.origin}`,
    `  base URL   ${server.baseUrl}   (…/apiServer/api and any other prefix work too)`,
    `  endpoint   POST ${server.baseUrl}${ENDPOINT}`,
    `  endpoints  ${ENDPOINTS.length} in all under the base URL: ${endpointSummary()}   (each in docs/behaviour.md)`,
    `  appId      ${appId}`,
    `  appKey     ${appKey}`,
    `  signing    headers appId, timestamp (epoch ms), sign = hex(sha256(appId + timestamp + rawBody + appKey))`,
    `  try        npx tanma-mock sign${credentials} --body '{"size":2}' --url ${server.baseUrl}   (prints headers and a curl line)`,
    `  admin      ${server.origin}/__mock/health · /reset · /world · /customers · /relations · /requests · /clock${mock.options.adminToken ? '   (Authorization: Bearer <token>)' : ''}`,
    `  console    ${server.origin}/__mock/ui/${mock.options.adminToken ? '   (asks for the admin token; or open …/__mock/ui/#token=<token>)' : ''}   (docs/console.md)`,
    `  pushes     npx tanma-mock push listen${credentials}   then   npx tanma-mock push register${credentials} --address http://127.0.0.1:20067/push --url ${server.origin}   (docs/pushes.md)`,
    ...(resolved.calibration ? [`  calibrated ${resolved.commandLine.calibration}: ${Object.keys(resolved.calibration.settings).filter((k) => k !== 'errors' && resolved.sources.get(k) === `${k} in ${resolved.commandLine.calibration}`).length} measured settings${resolved.calibration.settings.errors ? ` and ${Object.keys(resolved.calibration.settings.errors).length} error codes` : ''} of ${resolved.calibration.baseUrl} (measured ${resolved.calibration.measuredAt.slice(0, 10)}); ${tenantLine(resolved.calibration.tenant, resolved.mock.fixtures !== undefined)}   (docs/probe.md)`] : []),
    ...(mock.context.faults.active ? [`  faults     ${mock.admin.faults().map((r) => r.id).join(', ')}   (GET/POST/DELETE ${server.origin}/__mock/faults)`] : []),
    `  members    ${members}${world.memberCount > 4 ? ', …' : ''}   (for {"qwUserId": …})`,
    `  Ctrl-C stops the server`,
  ]
  if (worker) return void (worker.join(mock, server, lines.join('\n')), stopOnSignals(server, () => undefined))
  process.stdout.write(lines.join('\n') + '\n')
  stopOnSignals(server)
})

/** The export format an --out name implies (`-`: JSON), or a UsageError naming the allowed extensions. */
function formatOf(out: string): 'json' | 'ndjson' | 'snapshot' {
  if (out === '-' || /\.json$/i.test(out)) return 'json'
  if (/\.(ndjson|jsonl)$/i.test(out)) return 'ndjson'
  if (/\.snapshot$/i.test(out)) return 'snapshot'
  const ext = /\.[^./]*$/.exec(out)?.[0]
  throw new UsageError(`--out ${out}: ${ext ? `cannot tell the format from "${ext}"` : 'no extension to tell the format from'}: name it .json, .ndjson, .jsonl or .snapshot, or give --format json|ndjson|snapshot`)
}

withSettings(
  program
    .command('export')
    .description('write a generated world as a fixture (serving it gives the same responses as serving the seed)')
    .requiredOption('--out <file>', 'where to write it (- for stdout); the format follows the extension: .json, .ndjson, .jsonl or .snapshot')
    .addOption(new Option('--format <format>', 'one JSON document, NDJSON (one record a line, for large worlds), or a binary snapshot of a generated world (`serve --snapshot` maps it back in: docs/performance.md); default: from the --out extension').choices(['json', 'ndjson', 'snapshot'])),
  'export',
).action(async (flags, command: Command) => {
  const format: 'json' | 'ndjson' | 'snapshot' = flags.format ?? formatOf(flags.out)
  const resolved = resolveSettings(command, 'export')
  if (format === 'snapshot') return exportSnapshot(resolved, flags.out)
  let out: NodeJS.WritableStream
  if (flags.out === '-') out = process.stdout
  else {
    // Open it before building the world: a wrong path is told at once, and never as a stack trace.
    const file = createWriteStream(flags.out)
    try {
      await once(file, 'open')
    } catch (error) {
      throw new UsageError(`--out ${flags.out}: cannot write there (${(error as Error).message.replace(/, open .*$/, '')})`)
    }
    file.on('error', (error) => {
      process.stderr.write(`tanma-mock: --out ${flags.out}: ${error.message}\n`)
      process.exit(1)
    })
    out = file
  }
  const { context: { world } } = await mockFrom(resolved)
  const write = (text: string) => (out.write(text) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve())))
  if (format === 'json') {
    await write(JSON.stringify(world.toFixture()) + '\n')
  } else {
    for (const record of world.records()) {
      const waiting = write(JSON.stringify(record) + '\n')
      if (waiting) await waiting
    }
  }
  if (out !== process.stdout) {
    await new Promise<void>((resolve, reject) => (out as ReturnType<typeof createWriteStream>).end((error?: Error | null) => (error ? reject(error) : resolve())))
    process.stderr.write(`wrote ${world.customerCount.toLocaleString('en')} customers and ${world.relations.length.toLocaleString('en')} relations to ${flags.out} (${format})\n`)
  }
})

/** export --format snapshot: the generated world's typed arrays in one file (mock/world/snapshot.ts). */
async function exportSnapshot(resolved: ReturnType<typeof resolveSettings>, out: string): Promise<void> {
  if (out === '-') throw new UsageError('--format snapshot writes a binary file: give --out <file>.snapshot')
  if (resolved.commandLine.config) throw new UsageError('--format snapshot holds one generated world: export a tenant of --config on its own (--seed, --customers)')
  const { context: { world } } = await mockFrom(resolved)
  let bytes: number
  try {
    bytes = writeSnapshot(world, out, `tanma-mock ${VERSION}`)
  } catch (error) {
    if (error instanceof SnapshotRefused) throw new UsageError(error.message)
    throw new UsageError(`--out ${out}: cannot write there (${(error as Error).message.replace(/, open .*$/, '')})`)
  }
  process.stderr.write(`wrote ${world.customerCount.toLocaleString('en')} customers and ${world.relations.length.toLocaleString('en')} relations to ${out} (snapshot, ${(bytes / 2 ** 20).toFixed(1)} MiB; serve it with --snapshot ${shellWord(out)})\n`)
}

withSettings(
  program
    .command('sign')
    .description('print signed headers and a curl line for a request body')
    .option('--body <json>', 'the exact request body (signed byte for byte); it must be JSON unless --raw', '{}')
    .option('--raw', 'sign the body as given even when it is not JSON (the upstream signs raw bytes)', false)
    .option('--timestamp <ms>', 'epoch milliseconds (default: now)', integer(0))
    .option('--url <baseUrl>', 'base URL for the curl line', DEFAULT_URL)
    .option('--json', 'print the headers as JSON only', false),
  'sign',
).action((flags, command: Command) => {
  if (!flags.raw) {
    try {
      JSON.parse(flags.body)
    } catch (error) {
      throw new UsageError(`--body is not JSON (${(error as Error).message}): the endpoint takes a JSON body; pass --raw to sign these bytes anyway`)
    }
  }
  const { mock: options } = resolveSettings(command, 'sign')
  const credentials = { appId: options.appId ?? DEMO_CREDENTIALS.appId, appKey: options.appKey ?? DEMO_CREDENTIALS.appKey }
  const headers = signHeaders(credentials, flags.body, flags.timestamp ?? Date.now())
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

withSettings(
  program
    .command('verify')
    .description("verify consumers' pact files against the fake (exits non-zero when one is not satisfied)")
    .requiredOption('--pact <file-or-dir...>', 'pact files, directories of them, or URLs')
    .option('--provider-state-setup <module-or-url...>', "your own provider states: modules exporting { 'state': (params, fake) => values }, and a state-change URL for states the fake does not know")
    .addOption(new Option('--log-level <level>', "the Pact verifier's log level").choices(['error', 'warn', 'info', 'debug', 'trace']).default('error')),
  'verify',
).action(async (flags, command: Command) => {
  const plain = await (await import('../contracts/verify-output.js')).verifyWithoutColours() // no colours off a terminal or with NO_COLOR
  if (plain !== undefined) return void (process.exitCode = plain)
  const { verifyPacts, pactFiles } = await import('../contracts/verify.js')
  await import('../contracts/pact.js').then((pact) => pact.loadPact('verify')) // an optional peer dependency: without it, say how to install it
  const resolved = resolveSettings(command, 'verify')
  const files = pactFiles(flags.pact)
  const mock = await mockFrom(resolved)
  process.stdout.write(`tanma-mock verify: ${files.length} pact file${files.length === 1 ? '' : 's'} against ${worldName(resolved)} (${mock.world.customerCount.toLocaleString('en')} customers), appId ${mock.credentials.appId}\n`)
  const result = await verifyPacts({ pact: flags.pact, fake: mock, providerStateSetup: flags.providerStateSetup, logLevel: flags.logLevel })
  const signing = `re-signed ${result.resigned} request${result.resigned === 1 ? '' : 's'} with a fresh timestamp; kept ${result.keptWrong} recorded wrong signature${result.keptWrong === 1 ? '' : 's'} wrong`
  // "Verifying a pact between A and B[ Given S] - D" → "A: D (given S)"
  const readable = (name: string) => name.replace(/^Verifying a pact between (.+?) and .+?(?: Given (.+?))? - (.+)$/s, (_m, consumer: string, state: string | undefined, what: string) => `${consumer}: ${what}${state ? ` (given ${state})` : ''}`)
  const failed = [...new Set(result.errors.map((e) => readable(e.interaction)))]
  const lines = [
    result.ok
      ? `✔ ${result.interactions} interaction${result.interactions === 1 ? '' : 's'} satisfied${result.messages > 0 ? ` (${result.messages} push message${result.messages === 1 ? '' : 's'})` : ''}`
      : failed.length > 0
        ? `✘ ${failed.length} of ${result.interactions} interactions not satisfied:`
        : `✘ not verified: a provider state could not be set up`,
    ...(result.ok ? [] : failed.map((name) => `    ${name}`)),
    ...(result.messages === 0 || result.interactions > result.messages ? [`  ${signing}`] : []),
    ...result.stateErrors.map((e) => `  provider state failed: ${e}`),
    ...result.messageErrors.map((e) => `  push message failed: ${e}`),
    ...(result.resigned === 0 && result.keptWrong > 0 ? [`  (no recorded signature verified with appId ${mock.credentials.appId}'s appKey: give --app-id/--app-key the credentials the consumer signed with)`] : []),
  ]
  process.stdout.write(lines.join('\n') + '\n')
  process.exitCode = result.ok ? 0 : 1
})

// ── push: a receiver that prints pushes (`stripe listen`), the trigger (`stripe trigger`), registration ──
const push = program.command('push').description('push messages: receive and print them, trigger one on a running fake, register an address')
const PUSH_ADMIN_URL = `http://127.0.0.1:${settingByKey('port')!.defaultValue}`

/** A fetch that says what went wrong in one line (the fake not running, a bad URL), never a stack trace. */
async function pushFetch(url: string, init: RequestInit): Promise<{ status: number; text: string; json: unknown }> {
  let response: Response
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) })
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw new UsageError(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message} (is \`tanma-mock serve\` running there? --url sets where)`)
  }
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, text, json }
}

withSettings(
  push
    .command('listen')
    .description('run a push receiver that verifies, decrypts and acknowledges each push, and prints it')
    .option('--port <n>', 'port to listen on (0 picks a free one)', integer(0), 20067)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--corp-id <corpid>', 'corp id of the AES IV (default: the part of the appId before `_`)')
    .option('--json', 'print each push as one line of JSON: {"time","appId","message"} (message as sent, noise exact)', false),
  'push',
).action(async (flags, command: Command) => {
  const { createPushReceiver } = await import('./push/receiver.js')
  const { createServer } = await import('node:http')
  const { mock: options } = resolveSettings(command, 'push')
  const credentials = { appId: options.appId ?? DEMO_CREDENTIALS.appId, appKey: options.appKey ?? DEMO_CREDENTIALS.appKey, ...(flags.corpId ? { corpId: flags.corpId as string } : {}) }
  const receiver = createPushReceiver({
    credentials,
    onMessage: (message, meta) => {
      const time = Number.isFinite(meta.timestamp) ? new Date(meta.timestamp).toISOString() : '?'
      if (flags.json) return void process.stdout.write(`{"time":${JSON.stringify(time)},"appId":${JSON.stringify(meta.appId)},"message":${meta.plaintext}}\n`)
      const content = JSON.stringify(message.content, null, 2).split('\n').map((l) => `    ${l}`).join('\n')
      process.stdout.write(`${time}  ${message.type}  msgId ${message.msgId}${message.eventId === undefined ? '' : `  eventId ${message.eventId}`}  noise ${message.noiseText}  → 200 acknowledged\n${content}\n`)
    },
    onError: (error, { status }) => void process.stderr.write(`${new Date().toISOString()}  refused (${status}): ${error.message}\n`),
  })
  const server = createServer(receiver)
  await new Promise<void>((resolve, reject) => server.once('error', (error) => reject(new UsageError(`cannot listen on ${flags.host}:${flags.port}: ${error.message}`))).listen(flags.port, flags.host, resolve))
  const { port } = server.address() as { port: number }
  const address = `http://${flags.host.includes(':') ? `[${flags.host}]` : flags.host}:${port}/push`
  process.stdout.write(
    [
      `tanma-mock push listen · appId ${credentials.appId}`,
      `  listening       ${address.replace(/\/push$/, '')}   (any path)`,
      `  receiveAddress  ${address}`,
      `  register        npx tanma-mock push register --address ${address}`,
      `  Ctrl-C stops it`,
      '',
    ].join('\n'),
  )
  const stop = () => {
    server.close(() => process.exit(0))
    server.closeAllConnections()
  }
  process.on('SIGINT', stop).on('SIGTERM', stop)
})

push
  .command('trigger')
  .description('send a push of <type> now from a running fake (POST /__mock/pushes), with content fields of your own')
  .argument('<type>', 'the push type, e.g. new_qw_customer')
  .option('--content <json>', 'content fields that win over the generated ones, as a JSON object')
  .option('--url <origin>', "the running fake's origin", PUSH_ADMIN_URL)
  .option('--tenant <appId>', 'the tenant to push from (with several tenants)')
  .addOption(new Option('--token <token>', "the admin token (the fake's --admin-token)").env('TANMA_ADMIN_TOKEN'))
  .option('--json', 'print the answer as JSON', false)
  .action(async (type: string, flags) => {
    let content: unknown
    if (flags.content !== undefined) {
      try {
        content = JSON.parse(flags.content)
      } catch (error) {
        throw new UsageError(`--content is not JSON (${(error as Error).message})`)
      }
    }
    const origin = (flags.url as string).replace(/\/+$/, '')
    const url = `${origin}/__mock${flags.tenant ? `/tenants/${encodeURIComponent(flags.tenant)}` : ''}/pushes`
    const answer = await pushFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(flags.token ? { authorization: `Bearer ${flags.token}` } : {}) },
      body: JSON.stringify(content === undefined ? { type } : { type, content }),
    })
    const body = (answer.json ?? {}) as Record<string, unknown>
    if (answer.status < 200 || answer.status > 299) {
      const issues = Array.isArray(body.issues) ? body.issues.map((i) => `  ${typeof i === 'string' ? i : JSON.stringify(i)}`) : []
      throw new UsageError([`push trigger ${type}: ${answer.status} ${typeof body.error === 'string' ? body.error : answer.text.slice(0, 300)}`, ...issues].join('\n'))
    }
    if (flags.json) return void process.stdout.write(answer.text.trim() + '\n')
    // The admin trigger answers {message: {msgId, type, noise, content, …}, verdict, attempt: {address, status, latencyMs, verdict, …}}.
    const sent = (body.message ?? {}) as Record<string, unknown>
    const attempt = body.attempt as Record<string, unknown> | undefined
    const lines = [`sent ${String(sent.type ?? type)}  msgId ${String(sent.msgId ?? '?')}${sent.noise !== undefined ? `  noise ${String(sent.noise)}` : ''}`]
    if (attempt) lines.push(`  → ${String(attempt.address ?? '')}  ${String(attempt.verdict ?? body.verdict ?? '')}${typeof attempt.status === 'number' ? `  HTTP ${attempt.status}` : ''}${attempt.latencyMs !== undefined ? `  ${String(attempt.latencyMs)} ms` : ''}`)
    lines.push(JSON.stringify(sent.content ?? null, null, 2).replace(/^/gm, '    '))
    process.stdout.write(lines.join('\n') + '\n')
  })

withSettings(
  push
    .command('register')
    .description('register a receive address with a running fake (a signed POST to /api/v2/push-register)')
    .requiredOption('--address <url>', 'the receiveAddress the fake pushes to')
    .option('--subscription <types>', 'the push types, comma-separated (default: every type the fake sends)')
    .option('--url <url>', "the running fake's origin, or a base URL with its path (…/api)", PUSH_ADMIN_URL),
  'push',
).action(async (flags, command: Command) => {
  const { PUSH_TYPES } = await import('./push/messages.js')
  const { mock: options } = resolveSettings(command, 'push')
  const credentials = { appId: options.appId ?? DEMO_CREDENTIALS.appId, appKey: options.appKey ?? DEMO_CREDENTIALS.appKey }
  let base: URL
  try {
    base = new URL(flags.url)
  } catch {
    throw new UsageError(`--url ${flags.url} is not a URL`)
  }
  const prefix = base.pathname.replace(/\/+$/, '') || '/api'
  const url = `${base.origin}${prefix}/v2/push-register`
  const body = JSON.stringify({ receiveAddress: flags.address, subscription: flags.subscription ?? PUSH_TYPES.join(',') })
  const answer = await pushFetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(credentials, body, Date.now()) }, body })
  const envelope = (answer.json ?? {}) as { code?: unknown; message?: unknown }
  if (answer.status !== 200 || envelope.code !== 0) throw new UsageError(`push register: ${answer.status} ${answer.text.slice(0, 300)}`)
  process.stdout.write(`registered ${flags.address} for appId ${credentials.appId}: ${String(envelope.message)}\n`)
})

// ── coverage: what the consumer's tests exercised, in the vendor's terms (issue 13; docs/coverage.md) ──
program
  .command('coverage')
  .description("report what a consumer's tests exercised and never did, from a running fake or a journal file; --require gates CI")
  .option('--url <origin>', "the running fake's origin (reads GET /__mock/coverage)", PUSH_ADMIN_URL)
  .option('--journal <file>', 'an exported journal file instead of a running fake (offline)')
  .addOption(new Option('--token <token>', "the admin token (the fake's --admin-token)").env('TANMA_ADMIN_TOKEN'))
  .addOption(new Option('--format <format>', 'table for a terminal, json (the report: schema/coverage-report.schema.json), junit (XML for CI), html (one self-contained page)').choices(['table', 'json', 'junit', 'html']).default('table'))
  .option('--out <file>', 'write the report there instead of stdout')
  .option('--require <spec>', "exit 1 naming what is missing, e.g. 'used-endpoints:success,1002; cursor-lists:end' (docs/coverage.md)")
  .option('--baseline <report.json>', 'a report from before (--format json): print the items gained and lost')
  .action(async (flags) => {
    const { coverageReportSchema } = await import('./coverage/schema.js')
    const { renderTable, renderJunit, renderHtml } = await import('./coverage/render.js')
    const { checkRequirements, diffBaseline, parseSpec, renderBaselineDiff, SpecError } = await import('./coverage/gate.js')
    const checked = (json: unknown, where: string) => {
      const parsed = coverageReportSchema.safeParse(json)
      if (!parsed.success) throw new UsageError(`${where} is not a coverage report: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`)
      return parsed.data
    }
    const readJson = (path: string, what: string): unknown => {
      try {
        return JSON.parse(readFileSync(path, 'utf8'))
      } catch (error) {
        throw new UsageError(`${what} ${path}: ${(error as Error).message}`)
      }
    }
    // The spec and the baseline are read before the report: a mistake in them is told at once.
    let requirements: ReturnType<typeof parseSpec> | undefined
    try {
      requirements = flags.require === undefined ? undefined : parseSpec(flags.require)
    } catch (error) {
      throw error instanceof SpecError ? new UsageError(`--require: ${error.message}`) : error
    }
    const baseline = flags.baseline === undefined ? undefined : checked(readJson(flags.baseline, '--baseline'), `--baseline ${flags.baseline}`)
    let report
    if (flags.journal !== undefined) {
      try {
        report = checked(coverageFromJournal(flags.journal), `the report of --journal ${flags.journal}`)
      } catch (error) {
        throw error instanceof UsageError ? error : new UsageError(`--journal ${flags.journal}: ${(error as Error).message}`)
      }
    } else {
      const url = `${(flags.url as string).replace(/\/+$/, '')}/__mock/coverage`
      const answer = await pushFetch(url, { headers: flags.token ? { authorization: `Bearer ${flags.token}` } : {} })
      if (answer.status !== 200) {
        const body = (answer.json ?? {}) as { error?: unknown }
        throw new UsageError(`GET ${url}: ${answer.status} ${typeof body.error === 'string' ? body.error : answer.text.slice(0, 300)}${answer.status === 401 ? ' (--token gives the admin token)' : ''}`)
      }
      report = checked(answer.json, `the answer of GET ${url}`)
    }
    const text = { table: () => renderTable(report, { color: flags.out === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR }), json: () => JSON.stringify(report, null, 2) + '\n', junit: () => renderJunit(report), html: () => renderHtml(report) }[flags.format as 'table' | 'json' | 'junit' | 'html']()
    if (flags.out !== undefined) {
      try {
        writeFileSync(flags.out, text)
      } catch (error) {
        throw new UsageError(`--out ${flags.out}: cannot write there (${(error as Error).message})`)
      }
    } else process.stdout.write(text)
    // The verdicts go where they do not spoil a machine format on stdout.
    const say = (line: string) => (flags.out !== undefined || flags.format === 'table' ? process.stdout : process.stderr).write(line)
    if (flags.out !== undefined) say(`wrote the coverage report (${flags.format}) to ${flags.out}: ${report.totals.covered} of ${report.totals.items} items covered\n`)
    if (baseline) say(renderBaselineDiff(diffBaseline(baseline, report)))
    if (requirements) {
      let unmet
      try {
        unmet = checkRequirements(report, requirements)
      } catch (error) {
        throw error instanceof SpecError ? new UsageError(`--require: ${error.message}`) : error
      }
      if (unmet.length === 0) say(`✔ coverage requirements met: ${flags.require}\n`)
      else {
        process.stderr.write([`✘ coverage requirements not met (${unmet.length}):`, ...unmet.map((u) => `  ${u.message}`)].join('\n') + '\n')
        process.exitCode = 1
      }
    }
  })

// ── probe: measure a real tenant's unknowns (issue 16; docs/probe.md) ──
withSettings(
  program
    .command('probe')
    .description("measure a real tenant's behaviour with a fixed battery of read-only calls (echo and reads, never a write) and write it as a calibration for `serve --calibration`")
    .requiredOption('--base-url <url>', 'the base URL your consumer uses, up to …/api (e.g. https://api.tanmarket.cn:20066/api)')
    .option('--out <file>', 'where to write the calibration (JSON; schema/calibration.schema.json)', 'calibration.json')
    .option('--qps <n>', 'requests per second, at most', (text: string) => {
      const n = Number(text)
      if (!Number.isFinite(n) || n <= 0 || n > 1000) throw new InvalidArgumentError('expected requests per second, more than 0 and at most 1000')
      return n
    }, 2)
    .option('--yes', 'go ahead without asking (required off a terminal)', false)
    .option('--resume', 'continue an interrupted probe from its state file', false)
    .option('--state <file>', 'the state file: the answers so far (default: <out>.state.json; deleted when the probe completes)')
    .option('--json', 'print the calibration as JSON instead of the table', false),
  'probe',
).action(async (flags, command: Command) => {
  const { BUDGET, ProbeError, probe, renderReport } = await import('./probe/index.js')
  const { mock: options, sources } = resolveSettings(command, 'probe')
  if (!sources.has('appId') || !sources.has('appKey')) throw new UsageError('probe: give the tenant\'s --app-id and --app-key (or TANMA_APP_ID and TANMA_APP_KEY)')
  let base: URL
  try {
    base = new URL(flags.baseUrl)
  } catch {
    throw new UsageError(`--base-url ${flags.baseUrl} is not a URL`)
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError(`--base-url ${flags.baseUrl}: expected an http or https URL`)
  const out = flags.out as string
  const stateFile = (flags.state as string | undefined) ?? `${out}.state.json`
  const qps = flags.qps as number
  process.stderr.write(`probe ${base.href}: at most ${BUDGET} requests (plus retries), ${qps} a second (about ${Math.ceil(BUDGET / qps)} s); echo and reads only, never a write\n`)
  if (!flags.yes) {
    if (!process.stdin.isTTY) throw new UsageError('probe: not on a terminal; give --yes to go ahead')
    const { createInterface } = await import('node:readline/promises')
    const rl = createInterface({ input: process.stdin, output: process.stderr })
    const answer = await rl.question('go ahead? [y/N] ')
    rl.close()
    if (!/^y(es)?$/i.test(answer.trim())) return void process.stderr.write('probe: nothing asked\n')
  }
  const progress = progressBar('probing')
  let calibration
  try {
    calibration = await probe({
      baseUrl: base.href,
      appId: options.appId!,
      appKey: options.appKey!,
      qps,
      stateFile,
      resume: flags.resume as boolean,
      onStep: (_done, { requests }) => progress(Math.min(requests, BUDGET), BUDGET),
      onRetry: ({ key, delayMs, reason }) => process.stderr.write(`\n${reason} at ${key}: waiting ${delayMs} ms\n`),
    })
  } catch (error) {
    if (error instanceof ProbeError) throw new UsageError(`probe: ${error.message}${flags.resume ? '' : ` (the answers so far are in ${stateFile})`}`)
    throw new UsageError(`probe: ${(error as Error).message}; the answers so far are in ${stateFile}: --resume continues`)
  }
  progress(BUDGET, BUDGET)
  try {
    writeFileSync(out, JSON.stringify({ $schema: 'https://unpkg.com/tanma-mock/schema/calibration.schema.json', ...calibration }, null, 2) + '\n')
  } catch (error) {
    throw new UsageError(`--out ${out}: cannot write there (${(error as Error).message})`)
  }
  rmSync(stateFile, { force: true })
  process.stdout.write(flags.json ? JSON.stringify(calibration, null, 2) + '\n' : renderReport(calibration))
  const measured = Object.keys(calibration.settings).filter((k) => k !== 'errors').length
  process.stderr.write(`wrote ${out}: ${measured} settings and ${Object.keys(calibration.settings.errors ?? {}).length} error codes measured, ${calibration.drift.length} drift entries, ${calibration.requests} requests\n  serve it   npx tanma-mock serve --calibration ${shellWord(out)}\n`)
})

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
