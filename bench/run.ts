/**
 * npm run bench [-- --quick] [-- --soak <minutes>] [-- --only workers]
 *
 * For worlds of 1k, 100k, 1M and 10M customers (--quick: 1k and 100k): starts the fake (`node
 * dist/mock/cli.js serve`, as `npm start` does), the floor (bench/floor.ts) and the limit
 * (bench/limit.ts) one after the other, drives each with autocannon over the same mix of size-100
 * pages (first pages, deep pages near the end, qwUserId- and type-filtered pages), and prints build
 * time, time to the first signed answer, RSS, req/s of each, the fake's ratios to the floor and to
 * the limit and p50/p99; then p99 of a deep filtered page at each size, ready time, peak RSS and p99
 * against the smallest size, the largest world served from a snapshot, and --workers 1 against 2. Writes
 * bench/results/<date>-<commit>.json.
 */
import autocannon from 'autocannon'
import { execSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { DEMO_CREDENTIALS } from '../mock/options.js'
import { signHeaders } from '../mock/protocol/signing.js'
import { keyOf } from './floor-key.js'
import { Rng } from '../mock/world/generate/rng.js'

const PATH = '/api/v3/customer-relation/list-by-relation-create-time-asc'
const LEADS_PATH = '/api/v3/clue/list-by-create-time-asc'
const SEARCH_PATH = '/api/v3/customer/search'
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string', default: '16' },
    soak: { type: 'string' },
    only: { type: 'string' },
    'soak-customers': { type: 'string', default: '1000000' },
  },
})
const sizes = args.sizes ? args.sizes.split(',').map(Number) : args.quick ? [1_000, 100_000] : [1_000, 100_000, 1_000_000, 10_000_000]
const duration = Number(args.duration ?? (args.quick ? 4 : 8))
const connections = Number(args.connections)

interface Started {
  child: ChildProcess
  port: number
  banner: string
}

function startProcess(command: string[], ready: RegExp, env: Record<string, string> = {}): Promise<Started & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c
      const m = ready.exec(out)
      if (m) resolve({ child, port: Number(m[1]), banner: out, match: m })
    })
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code}`)))
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)![1]) / 1024
  return { rss: Math.round(kb('VmRSS')), peak: Math.round(kb('VmHWM')) }
}

/** The fake's answer to a signed POST, as text. */
async function signedText(port: number, body: string, path = PATH): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(DEMO_CREDENTIALS, body) }, body })
  return response.text()
}

async function signedPost(port: number, body: string, path = PATH): Promise<{ code: number; data: { list: unknown[]; nextCursor: string | null } }> {
  return JSON.parse(await signedText(port, body, path)) as never
}

/**
 * The lead list's deep page (100 leads from the latest month start that leaves 200) and searches by
 * the mobiles of customers on the first relation pages: warmed up once, so the first call's
 * one-time costs (generating the leads, building the search index) are not in the figures.
 */
async function leadAndSearchBodies(port: number): Promise<{ leads: Record<string, unknown>; searches: Record<string, unknown>[] }> {
  let leads: Record<string, unknown> = { size: 100 }
  for (let monthsBack = 1; monthsBack <= 120; monthsBack++) {
    const since = new Date(Date.UTC(2026, 10 - monthsBack, 1)).toISOString().slice(0, 10) + ' 00:00:00'
    const first = await signedPost(port, JSON.stringify({ since, size: 100 }), LEADS_PATH)
    if (!first.data.nextCursor) continue
    leads = { size: 100, cursor: first.data.nextCursor }
    break
  }
  const mobiles: string[] = []
  const page = await signedPost(port, JSON.stringify({ size: 100 }))
  for (const item of page.data.list as { fields: { field: string; valueAsText: string | null }[] }[]) {
    const text = item.fields.find((f) => f.field === 'mobile')?.valueAsText
    if (text) mobiles.push(...(JSON.parse(text) as string[]))
  }
  const searches = mobiles.slice(0, 20).map((searchKey) => ({ searchKey, pageNo: 1, pageSize: 20 }))
  await signedPost(port, JSON.stringify(searches[0] ?? { searchKey: '13800138000' }), SEARCH_PATH)
  return { leads, searches: searches.length > 0 ? searches : [{ searchKey: '13800138000' }] }
}

/**
 * A full deep page of `base`: the page after the first one from the latest month start that leaves
 * at least 200 matching relations, so it holds 100 items near the end of the world at every size.
 */
async function deepBody(port: number, base: Record<string, unknown>): Promise<Record<string, unknown>> {
  for (let monthsBack = 1; monthsBack <= 120; monthsBack++) {
    const since = new Date(Date.UTC(2026, 10 - monthsBack, 1)).toISOString().slice(0, 10) + ' 00:00:00'
    const first = await signedPost(port, JSON.stringify({ ...base, since, size: 100 }))
    if (!first.data.nextCursor) continue
    const second = await signedPost(port, JSON.stringify({ ...base, size: 100, cursor: first.data.nextCursor }))
    if (second.data.list.length === 100) return { ...base, size: 100, cursor: first.data.nextCursor }
  }
  return { ...base, size: 100 }
}

/** The request mix: first pages, full deep pages near the end, qwUserId- and type-filtered pages. */
async function buildMix(port: number, members: string[]): Promise<{ mix: Record<string, unknown>[]; deepFiltered: Record<string, unknown> }> {
  const deepFiltered = await deepBody(port, { type: 1 })
  const mix = [
    { size: 100 },
    { type: 2, size: 100 },
    { qwUserId: members[0], size: 100 },
    await deepBody(port, {}),
    await deepBody(port, { type: 2 }),
    deepFiltered,
    { qwUserId: members[1], type: 2, since: '2026-09-01 00:00:00', size: 100 },
  ]
  return { mix, deepFiltered }
}

/** CPU seconds (user + system) a process (or several: a primary and its workers) has used so far. */
function cpuSeconds(pid: number | number[]): number {
  if (Array.isArray(pid)) return pid.reduce((sum, p) => sum + cpuSeconds(p), 0)
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
}

interface Load {
  rps: number
  /** Requests answered per second of the server's own CPU: capacity, whatever the load generator manages. */
  perCpuSecond: number
  p50: number
  p99: number
  errors: number
  bytes: number
}

async function load(pid: number | number[], port: number, bodies: Record<string, unknown>[], sign: boolean, seconds = duration, path = PATH): Promise<Load> {
  const requests = bodies.map((b) => {
    const body = JSON.stringify(b)
    return { method: 'POST' as const, path, body, headers: { 'content-type': 'application/json', ...(sign ? signHeaders(DEMO_CREDENTIALS, body) : {}) } }
  })
  const cpuBefore = cpuSeconds(pid)
  const result = await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, requests })
  const cpu = cpuSeconds(pid) - cpuBefore
  return {
    rps: Math.round(result.requests.average),
    perCpuSecond: Math.round(result.requests.total / Math.max(cpu, 0.01)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    bytes: Math.round(result.throughput.average),
  }
}

/** Debian's wrk, when installed: a load generator in C, about a tenth of autocannon's CPU per request. */
const WRK = (() => {
  try {
    return execSync('command -v wrk', { encoding: 'utf8' }).trim() || undefined
  } catch {
    return undefined
  }
})()

/** wrk's latency figure (`812.00us`, `1.20ms`, `2.00s`) in ms. */
function wrkMs(text: string, label: string): number {
  const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)\\b`).exec(text)
  if (!m) return NaN
  return +(Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1)).toFixed(2)
}

/**
 * The same load as `load`, driven by wrk (one thread, the same connections, the mix's bodies in
 * turn, each signed when the run starts): where the load generator would otherwise take the cores
 * the servers need (decisions/0015-wrk-for-worker-scaling.md). Falls back to autocannon without wrk.
 */
async function wrkLoad(pid: number | number[], port: number, bodies: Record<string, unknown>[], sign: boolean, seconds = duration, path = PATH): Promise<Load> {
  if (!WRK) return load(pid, port, bodies, sign, seconds, path)
  const lua = bodies.map((b, k) => {
    const body = JSON.stringify(b)
    const headers = { host: `127.0.0.1:${port}`, 'content-type': 'application/json', ...(sign ? signHeaders(DEMO_CREDENTIALS, body) : {}) }
    return `reqs[${k + 1}] = wrk.format("POST", ${JSON.stringify(path)}, {${Object.entries(headers).map(([n, v]) => `[${JSON.stringify(n)}] = ${JSON.stringify(v)}`).join(', ')}}, ${JSON.stringify(body)})`
  })
  const script = join(tmpdir(), `tanma-bench-${process.pid}.lua`)
  writeFileSync(script, `reqs = {}\n${lua.join('\n')}\nlocal i = 0\nrequest = function() i = i % #reqs + 1; return reqs[i] end\n`)
  const cpuBefore = cpuSeconds(pid)
  const text = await new Promise<string>((resolve, reject) => {
    const child = spawn(WRK, ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, `http://127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c))
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}`))))
  })
  const cpu = cpuSeconds(pid) - cpuBefore
  rmSync(script, { force: true })
  const total = Number(/(\d+) requests in/.exec(text)?.[1] ?? 0)
  const failed = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0) + [...text.matchAll(/(?:connect|read|write|timeout) (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0)
  return {
    rps: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0)),
    perCpuSecond: Math.round(total / Math.max(cpu, 0.01)),
    p50: wrkMs(text, '50%'),
    p99: wrkMs(text, '99%'),
    errors: failed,
    bytes: Math.round(Number(/Transfer\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0) * ({ KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30 }[/Transfer\/sec:\s+[\d.]+([KMG]B)/.exec(text)?.[1] ?? ''] ?? 1)),
  }
}

async function timeToFirstAnswer(customers: number, world = ['--customers', String(customers), '--seed', 'bench']): Promise<{ started: Started; firstMs: number; buildMs: number; members: string[] }> {
  const t0 = performance.now()
  const started = await startProcess(['dist/mock/cli.js', 'serve', '--port', '0', ...world], /listening\s+http:\/\/127\.0\.0\.1:(\d+)[\s\S]*members\s+(.*)\n/)
  for (;;) {
    const answer = await signedPost(started.port, '{"size":1}').catch(() => undefined)
    if (answer?.code === 0) break
    await new Promise((r) => setTimeout(r, 10))
  }
  const firstMs = performance.now() - t0
  const buildMs = Number(/built in (\d+) ms/.exec(started.banner)![1])
  const members = started.match[2]!.split('(')[0]!.split(',').map((s) => s.trim()).filter((s) => s && s !== '…')
  return { started, firstMs, buildMs, members }
}

/** `npm start` as a user types it, to the first signed answer (default world). */
async function npmStartToFirstAnswer(): Promise<number> {
  const t0 = performance.now()
  const child = spawn('npm', ['start', '--silent', '--', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c
      const m = /listening\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)))
  })
  for (;;) {
    if ((await signedPost(port, '{"size":1}').catch(() => undefined))?.code === 0) break
    await new Promise((r) => setTimeout(r, 10))
  }
  const ms = Math.round(performance.now() - t0)
  process.kill(-child.pid!, 'SIGTERM') // npm and the server it started
  return ms
}

async function measureSize(customers: number) {
  process.stderr.write(`\n— ${customers.toLocaleString('en')} customers —\n`)
  const { started, firstMs, buildMs, members } = await timeToFirstAnswer(customers)
  const relations = Number(/customers, ([\d,]+) follow relations/.exec(started.banner)![1]!.replace(/,/g, ''))
  const { mix, deepFiltered: deepBodyFiltered } = await buildMix(started.port, members)

  // The floor serves the very same items; the limit the very same bytes.
  const items: Record<string, unknown[]> = {}
  const pages: Record<string, string> = {}
  for (const body of mix) {
    const text = await signedText(started.port, JSON.stringify(body))
    pages[JSON.stringify(body)] = text
    items[keyOf(body)] = (JSON.parse(text) as { data: { list: unknown[] } }).data.list
  }
  const floorFile = join(tmpdir(), `tanma-floor-${process.pid}.json`)
  writeFileSync(floorFile, JSON.stringify({ items }))
  const limitFile = join(tmpdir(), `tanma-limit-${process.pid}.json`)
  writeFileSync(limitFile, JSON.stringify({ pages }))

  process.stderr.write(`fake: warm-up, then ${duration} s of load…\n`)
  const pid = started.child.pid!
  await load(pid, started.port, mix, true, 2)
  const fake = await load(pid, started.port, mix, true)
  const deepFiltered = await load(pid, started.port, [deepBodyFiltered], true, Math.max(3, duration / 2))
  const extra = await leadAndSearchBodies(started.port)
  const leadPage = await load(pid, started.port, [extra.leads], true, Math.max(3, duration / 2), LEADS_PATH)
  const searchByMobile = await load(pid, started.port, extra.searches, true, Math.max(3, duration / 2), SEARCH_PATH)
  const memory = rssMiB(started.child.pid!)
  await stop(started.child)

  process.stderr.write(`floor: warm-up, then ${duration} s of load…\n`)
  const floorProc = await startProcess(['--import', 'tsx', 'bench/floor.ts', floorFile], /^(\d+)\n/)
  await load(floorProc.child.pid!, floorProc.port, mix, false, 2)
  const floor = await load(floorProc.child.pid!, floorProc.port, mix, false)
  await stop(floorProc.child)

  process.stderr.write(`limit: warm-up, then ${duration} s of load…\n`)
  const limitProc = await startProcess(['--import', 'tsx', 'bench/limit.ts', limitFile], /^(\d+)\n/)
  await load(limitProc.child.pid!, limitProc.port, mix, false, 2)
  const limit = await load(limitProc.child.pid!, limitProc.port, mix, false)
  await stop(limitProc.child)

  return {
    customers, relations, buildMs, firstAnswerMs: Math.round(firstMs), rssMiB: memory.rss, peakRssMiB: memory.peak, fake, floor, limit,
    ratio: +(fake.rps / floor.rps).toFixed(2),
    cpuRatio: +(fake.perCpuSecond / floor.perCpuSecond).toFixed(2),
    limitRatio: +(fake.rps / limit.rps).toFixed(2),
    limitCpuRatio: +(fake.perCpuSecond / limit.perCpuSecond).toFixed(2),
    deepFiltered,
    leadPage,
    searchByMobile,
  }
}

/**
 * `--workers`: the same page mix against one worker and two (one process each, plus the primary),
 * and the floor, in one run: throughput ratios, and CPU per request (all processes' CPU) alike.
 */
async function measureWorkers(customers: number) {
  process.stderr.write(`\n— workers: 1 and 2 at ${customers.toLocaleString('en')} customers —\n`)
  const start = async (workers: number) => {
    const started = await startProcess(['dist/mock/cli.js', 'serve', '--port', '0', '--customers', String(customers), '--seed', 'bench', '--workers', String(workers)], /listening\s+http:\/\/127\.0\.0\.1:(\d+)[\s\S]*members\s+(.*)\n/)
    const pids = [started.child.pid!, ...(/\(pids ([\d, ]+)\)/.exec(started.banner)?.[1]!.split(', ').map(Number) ?? [])]
    const members = started.match[2]!.split('(')[0]!.split(',').map((m) => m.trim()).filter((m) => m && m !== '…')
    const { mix } = await buildMix(started.port, members)
    await wrkLoad(pids, started.port, mix, true, 2)
    return { started, pids, mix }
  }
  // Both set up at once (an idle one costs nothing) and loaded in turn, three rounds each, so a
  // drift of the machine moves both sides: the median round of each is kept.
  const servers = [await start(1), await start(2)]
  const rounds: Load[][] = [[], []]
  for (let round = 0; round < 3; round++) for (const [k, s] of servers.entries()) rounds[k]!.push(await wrkLoad(s.pids, s.started.port, s.mix, true, Math.max(3, Math.round(duration / 2))))
  for (const s of servers) await stop(s.started.child)
  const median = (loads: Load[]) => [...loads].sort((x, y) => x.rps - y.rps)[1]!
  const one = { result: median(rounds[0]!), mix: servers[0]!.mix }
  const two = { result: median(rounds[1]!), mix: servers[1]!.mix }
  const floorFile = join(tmpdir(), `tanma-floor-workers-${process.pid}.json`)
  const probe = await startProcess(['dist/mock/cli.js', 'serve', '--port', '0', '--customers', String(customers), '--seed', 'bench'], /listening\s+http:\/\/127\.0\.0\.1:(\d+)/)
  const items: Record<string, unknown[]> = {}
  for (const body of one.mix) items[keyOf(body)] = (await signedPost(probe.port, JSON.stringify(body))).data.list
  await stop(probe.child)
  writeFileSync(floorFile, JSON.stringify({ items }))
  const floorProc = await startProcess(['--import', 'tsx', 'bench/floor.ts', floorFile], /^(\d+)\n/)
  await wrkLoad(floorProc.child.pid!, floorProc.port, one.mix, false, 2)
  const floor = await wrkLoad(floorProc.child.pid!, floorProc.port, one.mix, false)
  await stop(floorProc.child)
  return {
    customers, loadGenerator: WRK ? 'wrk' : 'autocannon', one: one.result, two: two.result, floor,
    ratio: +(two.result.rps / one.result.rps).toFixed(2),
    twoVsFloor: +(two.result.rps / floor.rps).toFixed(2),
    cpuPerRequestRatio: +(one.result.perCpuSecond / two.result.perCpuSecond).toFixed(2),
  }
}

/** The workers line of the report. */
function printWorkers(workers: Awaited<ReturnType<typeof measureWorkers>>): void {
  process.stdout.write(`--workers at ${workers.customers.toLocaleString('en')} customers (load by ${workers.loadGenerator}): 1 → ${workers.one.rps} req/s, 2 → ${workers.two.rps} req/s (${workers.ratio}×; floor ${workers.floor.rps} req/s, 2 workers ${workers.twoVsFloor}× it); CPU per request 2 vs 1 worker: ${workers.cpuPerRequestRatio}×\n`)
}

/**
 * A world served from a snapshot (`export --format snapshot`, then `serve --snapshot`): the file's
 * size, time to the first signed answer and peak RSS, against generating the same world (`generated`).
 */
async function snapshotLoad(customers: number, generated: { firstAnswerMs: number } | undefined) {
  process.stderr.write(`\n— snapshot of ${customers.toLocaleString('en')} customers —\n`)
  const file = join(tmpdir(), `tanma-bench-${process.pid}.snapshot`)
  execSync(`${JSON.stringify(process.execPath)} dist/mock/cli.js export --customers ${customers} --seed bench --out ${JSON.stringify(file)}`, { stdio: ['ignore', 'ignore', 'inherit'] })
  try {
    const fileMiB = Math.round(statSync(file).size / 2 ** 20)
    const { started, firstMs, buildMs } = await timeToFirstAnswer(customers, ['--snapshot', file])
    const memory = rssMiB(started.child.pid!)
    await stop(started.child)
    return { customers, fileMiB, loadMs: buildMs, firstAnswerMs: Math.round(firstMs), peakRssMiB: memory.peak, generatedFirstAnswerMs: generated?.firstAnswerMs }
  } finally {
    rmSync(file, { force: true })
  }
}

/** Ready time, peak RSS and the page mix's p99 at each size, the p99 as a ratio of the smallest size's in the same run. */
function scaleLines(rows: { customers: number; firstAnswerMs: number; peakRssMiB: number; fake: Load }[]): { lines: string[]; scale: { customers: number; firstAnswerMs: number; peakRssMiB: number; p99: number; p99VsSmallest: number }[] } {
  const base = Math.max(1, rows[0]!.fake.p99)
  const scale = rows.map((r) => ({ customers: r.customers, firstAnswerMs: r.firstAnswerMs, peakRssMiB: r.peakRssMiB, p99: r.fake.p99, p99VsSmallest: +(r.fake.p99 / base).toFixed(2) }))
  const lines = [`${pad('customers', 10)} ${pad('ready ms', 9)} ${pad('peak RSS MiB', 13)} ${pad('page p99', 9)} ${pad(`vs ${rows[0]!.customers.toLocaleString('en')}`, 9)}`]
  for (const r of scale) lines.push(`${pad(r.customers.toLocaleString('en'), 10)} ${pad(r.firstAnswerMs, 9)} ${pad(r.peakRssMiB, 13)} ${pad(`${r.p99} ms`, 9)} ${pad(`${r.p99VsSmallest.toFixed(2)}×`, 9)}`)
  return { lines, scale }
}

/**
 * Continuous paging with ever-new pages: each request pages from a random moment of the world,
 * with a random filter (seeded, so runs repeat), so the item cache fills, then keeps evicting.
 */
async function soak(minutes: number, customers: number) {
  const { started, members } = await timeToFirstAnswer(customers)
  const rng = new Rng(2026)
  const from = Date.UTC(2019, 0, 1) / 1000
  const span = Date.UTC(2026, 10, 1) / 1000 - from
  const filters: Record<string, unknown>[] = [{}, { type: 1 }, { type: 2 }, ...members.map((qwUserId) => ({ qwUserId }))]
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: PATH,
      setupRequest: (request: autocannon.Request) => {
        const since = new Date((from + Math.floor(rng.next() * span) + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ')
        const body = JSON.stringify({ ...rng.pick(filters), since, size: 100 })
        return { ...request, body, headers: { 'content-type': 'application/json', ...signHeaders(DEMO_CREDENTIALS, body) } }
      },
    },
  ]
  // Interleaved admin changes: every 100 ms a customer is added (followed by one or two members), and
  // deleted again on the next tick, so the world keeps its size and any growth is a leak.
  let adminChanges = 0
  let adminFailures = 0
  let running = true
  const adminLoop = (async () => {
    const base = `http://127.0.0.1:${started.port}/__mock`
    while (running) {
      const followers = [{ qwUserId: rng.pick(members) }]
      const added = await fetch(`${base}/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ followers }) }).then((r) => r.json() as Promise<{ customerId?: number }>).catch((): { customerId?: number } => ({}))
      await new Promise((r) => setTimeout(r, 50))
      const deleted = added.customerId ? await fetch(`${base}/customers/${added.customerId}`, { method: 'DELETE' }).catch(() => undefined) : undefined
      if (deleted?.status === 200) adminChanges += 2
      else adminFailures++
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  const samples: { minute: number; rps: number; rssMiB: number }[] = []
  const slice = 30
  for (let t = 0; t < minutes * 60; t += slice) {
    const result = await autocannon({ url: `http://127.0.0.1:${started.port}`, connections, duration: slice, requests })
    samples.push({ minute: +((t + slice) / 60).toFixed(1), rps: Math.round(result.requests.average), rssMiB: rssMiB(started.child.pid!).rss })
    process.stderr.write(`  ${samples.at(-1)!.minute} min: ${samples.at(-1)!.rps} req/s, RSS ${samples.at(-1)!.rssMiB} MiB, ${result.non2xx + result.errors} failed, ${adminChanges} admin changes so far\n`)
  }
  running = false
  await adminLoop
  await stop(started.child)
  const warm = samples.length > 2 ? samples.slice(2) : samples // the first minute is warm-up: the cache fills
  const base = warm[0]!
  const rssGrowth = Math.max(...warm.map((s) => s.rssMiB)) / base.rssMiB - 1
  const rpsDrop = 1 - Math.min(...warm.map((s) => s.rps)) / base.rps
  return { customers, minutes, samples, adminChanges, adminFailures, rssGrowthPct: +(rssGrowth * 100).toFixed(1), rpsDropPct: +(rpsDrop * 100).toFixed(1) }
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

const pad = (s: string | number, n: number) => String(s).padStart(n)

async function main() {
  const meta = { date: new Date().toISOString(), commit: commit(), node: process.version, connections, duration }
  mkdirSync('bench/results', { recursive: true })
  if (args.soak) {
    const result = await soak(Number(args.soak), Number(args['soak-customers']))
    process.stdout.write(`\nsoak ${result.minutes} min at ${result.customers} customers with ${result.adminChanges} interleaved admin changes (${result.adminFailures} failed): RSS growth after warm-up ${result.rssGrowthPct} %, worst req/s drop ${result.rpsDropPct} %\n`)
    writeFileSync(`bench/results/soak-${meta.date.slice(0, 19).replace(/:/g, '')}-${meta.commit}.json`, JSON.stringify({ ...meta, soak: result }, null, 2) + '\n')
    return
  }
  if (args.only !== undefined && args.only !== 'workers') throw new Error(`--only takes "workers", not ${JSON.stringify(args.only)}`)
  if (args.only === 'workers') {
    const workers = await measureWorkers(sizes.includes(100_000) ? 100_000 : sizes[0]!)
    printWorkers(workers)
    return
  }
  const npmStartMs = await npmStartToFirstAnswer()
  process.stderr.write(`npm start → first signed answer: ${npmStartMs} ms\n`)
  const rows = []
  for (const size of sizes) rows.push(await measureSize(size))

  const header = `${pad('customers', 10)} ${pad('relations', 10)} ${pad('build ms', 9)} ${pad('1st answer ms', 13)} ${pad('RSS MiB', 8)} ${pad('fake req/s', 11)} ${pad('floor req/s', 12)} ${pad('ratio', 6)} ${pad('req/CPU-s fake/floor', 21)} ${pad('ratio', 6)} ${pad('fake p50/p99', 13)} ${pad('floor p50/p99', 14)}`
  const lines = rows.map((r) =>
    `${pad(r.customers.toLocaleString('en'), 10)} ${pad(r.relations.toLocaleString('en'), 10)} ${pad(r.buildMs, 9)} ${pad(r.firstAnswerMs, 13)} ${pad(r.rssMiB, 8)} ${pad(r.fake.rps, 11)} ${pad(r.floor.rps, 12)} ${pad(r.ratio.toFixed(2) + '×', 6)} ${pad(`${r.fake.perCpuSecond}/${r.floor.perCpuSecond}`, 21)} ${pad(r.cpuRatio.toFixed(2) + '×', 6)} ${pad(`${r.fake.p50}/${r.fake.p99} ms`, 13)} ${pad(`${r.floor.p50}/${r.floor.p99} ms`, 14)}`,
  )
  const smallest = rows[0]!
  const largest = rows[rows.length - 1]!
  const flatness = +(largest.deepFiltered.p99 / Math.max(1, smallest.deepFiltered.p99)).toFixed(2)
  process.stdout.write(`\nnpm start (default world) → first signed answer: ${npmStartMs} ms\n${header}\n${lines.join('\n')}\n`)
  process.stdout.write(`against the limit (bare node:http writing the same pages' bytes): ${rows.map((r) => `${r.customers.toLocaleString('en')}: ${r.fake.rps}/${r.limit.rps} req/s = ${r.limitRatio.toFixed(2)}× (per CPU-s ${r.limitCpuRatio.toFixed(2)}×, limit p50/p99 ${r.limit.p50}/${r.limit.p99} ms)`).join(', ')}\n`)
  process.stdout.write(`deep type-filtered page of 100 items, p99: ${rows.map((r) => `${r.customers.toLocaleString('en')}: ${r.deepFiltered.p99} ms`).join(', ')} → ${flatness}× from smallest to largest\n`)
  const leadFlatness = +(largest.leadPage.p99 / Math.max(1, smallest.leadPage.p99)).toFixed(2)
  const searchFlatness = +(largest.searchByMobile.p99 / Math.max(1, smallest.searchByMobile.p99)).toFixed(2)
  process.stdout.write(`deep lead page of 100 (clue/list-by-create-time-asc), p99: ${rows.map((r) => `${r.customers.toLocaleString('en')}: ${r.leadPage.p99} ms (${r.leadPage.rps} req/s)`).join(', ')} → ${leadFlatness}×\n`)
  process.stdout.write(`customer/search by mobile, p99: ${rows.map((r) => `${r.customers.toLocaleString('en')}: ${r.searchByMobile.p99} ms (${r.searchByMobile.rps} req/s)`).join(', ')} → ${searchFlatness}×\n`)
  const { lines: scaleText, scale } = scaleLines(rows)
  process.stdout.write(`ready (first signed answer), peak RSS and the page mix's p99 by world size:\n${scaleText.join('\n')}\n`)
  const snapshot = await snapshotLoad(largest.customers, largest)
  process.stdout.write(`snapshot of ${snapshot.customers.toLocaleString('en')} customers: ${snapshot.fileMiB} MiB, served from it → first signed answer ${snapshot.firstAnswerMs} ms (world loaded in ${snapshot.loadMs} ms; generated: ${largest.firstAnswerMs} ms), peak RSS ${snapshot.peakRssMiB} MiB\n`)
  const workers = await measureWorkers(sizes.includes(100_000) ? 100_000 : sizes[0]!)
  printWorkers(workers)
  const errors = rows.reduce((n, r) => n + r.fake.errors + r.floor.errors + r.limit.errors + r.leadPage.errors + r.searchByMobile.errors, 0)
  if (errors) process.stdout.write(`! ${errors} failed requests during the runs\n`)
  const file = `bench/results/${meta.date.slice(0, 19).replace(/:/g, '')}-${meta.commit}.json`
  writeFileSync(file, JSON.stringify({ ...meta, npmStartMs, rows, workers, deepFilteredP99Flatness: flatness, leadPageP99Flatness: leadFlatness, searchByMobileP99Flatness: searchFlatness, scale, snapshot }, null, 2) + '\n')
  process.stdout.write(`results: ${file}\n`)
}

await main()
