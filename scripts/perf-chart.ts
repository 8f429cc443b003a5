/**
 * What `npm run perf-chart` writes from the bench's history (bench/results/*.json, one file per
 * `npm run bench`): README's Performance table and docs/performance.svg, a chart of the time to the
 * first signed answer ("ready") and the peak RSS against world size, 1,000 → 10,000,000 customers.
 * Each size shows the newest run that measured it (its commit in the table); a size no run has
 * measured yet says so. A test (test/perf-chart.test.ts) fails when README's table or the chart
 * differs from what this writes: run `npm run perf-chart` after `npm run bench`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const RESULTS_DIR = fileURLToPath(new URL('../bench/results/', import.meta.url))
export const README_FILE = fileURLToPath(new URL('../README.md', import.meta.url))
export const CHART_FILE = fileURLToPath(new URL('../docs/performance.svg', import.meta.url))
const START = '<!-- performance table: generated from bench/results by `npm run perf-chart`; do not edit by hand -->'
const END = '<!-- end of performance table -->'

/** The world sizes the full bench measures: the table's rows and the chart's span. */
export const SIZES = [1_000, 100_000, 1_000_000, 10_000_000] as const

/** One size's figures, from the newest run that measured it. */
export interface SizeFigure {
  readonly customers: number
  /** From start to the first signed answer, ms. */
  readonly readyMs: number
  /** Peak resident set size, MiB. */
  readonly peakRssMiB: number
  readonly commit: string
  readonly date: string
}

/** A bench result file as far as the chart reads it (older files have no peakRssMiB: their rssMiB then). */
export interface BenchResult {
  readonly date: string
  readonly commit: string
  readonly rows?: readonly { customers: number; firstAnswerMs?: number; peakRssMiB?: number; rssMiB?: number }[]
}

/** The bench results in `dir` (not the soak runs), as parsed JSON. */
export function readResults(dir = RESULTS_DIR): BenchResult[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json') && !name.startsWith('soak-'))
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as BenchResult)
}

/** Per size of SIZES, the newest run's figures (undefined: no run measured it). */
export function pickFigures(results: readonly BenchResult[]): (SizeFigure | undefined)[] {
  const newestFirst = [...results].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
  return SIZES.map((customers) => {
    for (const result of newestFirst) {
      const row = result.rows?.find((r) => r.customers === customers)
      const peak = row?.peakRssMiB ?? row?.rssMiB
      if (row?.firstAnswerMs !== undefined && peak !== undefined) return { customers, readyMs: row.firstAnswerMs, peakRssMiB: peak, commit: result.commit, date: result.date }
    }
    return undefined
  })
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s` : `${Math.round(ms / 1000)} s`)
const memory = (mib: number) => (mib < 1024 ? `${Math.round(mib)} MiB` : `${(mib / 1024).toFixed(1)} GiB`)
const count = (n: number) => n.toLocaleString('en')
const short = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n))

/** README's table: one row per size of SIZES. */
export function performanceTable(figures: readonly (SizeFigure | undefined)[]): string {
  const rows = SIZES.map((customers, k) => {
    const f = figures[k]
    return f ? `| ${count(customers)} | ${seconds(f.readyMs)} | ${memory(f.peakRssMiB)} | ${f.commit}, ${f.date.slice(0, 10)} |` : `| ${count(customers)} | not measured yet | | |`
  })
  return ['| customers | ready (first signed answer) | peak RSS | run |', '|---|---|---|---|', ...rows].join('\n')
}

/** Ticks per axis: both axes share their grid lines. */
const STEPS = 5

/** An axis maximum at or above `value` whose STEPS ticks are round: 1, 2 or 5 times a power of ten apart. */
function axisMax(value: number): number {
  const step = value / STEPS
  const power = 10 ** Math.floor(Math.log10(step))
  return [1, 2, 5, 10].map((m) => m * power).find((m) => m >= step)! * STEPS
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The chart: world size on a log axis, ready time (left axis, s) and peak RSS (right axis, MiB). */
export function performanceChart(figures: readonly (SizeFigure | undefined)[]): string {
  const [W, H, left, right, top, bottom] = [640, 340, 64, 72, 40, 56]
  const measured = figures.filter((f): f is SizeFigure => f !== undefined)
  const [minX, maxX] = [Math.log10(SIZES[0]), Math.log10(SIZES[SIZES.length - 1]!)]
  const x = (customers: number) => left + ((Math.log10(customers) - minX) / (maxX - minX)) * (W - left - right)
  const readyMax = axisMax(Math.max(1, ...measured.map((f) => f.readyMs / 1000)))
  const rssMax = axisMax(Math.max(100, ...measured.map((f) => f.peakRssMiB)))
  const y = (value: number, max: number) => H - bottom - (value / max) * (H - top - bottom)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">tanma-mock: ready time and peak RSS against world size</text>`,
  ]
  for (let k = 0; k <= STEPS; k++) {
    const yy = y((k / STEPS) * readyMax, readyMax).toFixed(1)
    out.push(`<line x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${left - 6}" y="${yy}" dy="4" text-anchor="end" fill="#1f5fa8">${+((k / STEPS) * readyMax).toFixed(2)}</text>`)
    out.push(`<text x="${W - right + 6}" y="${yy}" dy="4" fill="#c0392b">${+((k / STEPS) * rssMax).toFixed(1)}</text>`)
  }
  for (let exponent = minX; exponent <= maxX; exponent++) {
    const xx = x(10 ** exponent).toFixed(1)
    out.push(`<line x1="${xx}" x2="${xx}" y1="${top}" y2="${H - bottom}" stroke="#e5e5e5"/>`)
    out.push(`<text x="${xx}" y="${H - bottom + 16}" text-anchor="middle">${short(10 ** exponent)}</text>`)
  }
  out.push(`<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="#333"/>`)
  out.push(`<text x="${(left + W - right) / 2}" y="${H - 12}" text-anchor="middle">customers (log scale)</text>`)
  out.push(`<text transform="translate(16 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#1f5fa8">ready: first signed answer (s)</text>`)
  out.push(`<text transform="translate(${W - 14} ${(top + H - bottom) / 2}) rotate(90)" text-anchor="middle" fill="#c0392b">peak RSS (MiB)</text>`)
  const series = (name: string, color: string, value: (f: SizeFigure) => number, max: number, label: (f: SizeFigure) => string, dy: number) => {
    const points = measured.map((f) => [x(f.customers).toFixed(1), y(value(f), max).toFixed(1)] as const)
    out.push(`<g class="series" data-series="${name}">`)
    if (points.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => p.join(',')).join(' ')}"/>`)
    measured.forEach((f, k) => {
      const [px, py] = points[k]!
      out.push(`<circle cx="${px}" cy="${py}" r="4" fill="${color}" data-customers="${f.customers}"/>`)
      // Labels at the ends of the axis lean inwards, clear of the axis' own figures.
      const anchor = f.customers === SIZES[0] ? 'start" dx="6' : f.customers === SIZES[SIZES.length - 1] ? 'end" dx="-6' : 'middle'
      out.push(`<text x="${px}" y="${py}" dy="${dy}" text-anchor="${anchor}" fill="${color}">${escapeXml(label(f))}</text>`)
    })
    out.push('</g>')
  }
  series('ready', '#1f5fa8', (f) => f.readyMs / 1000, readyMax, (f) => seconds(f.readyMs), -9)
  series('peak-rss', '#c0392b', (f) => f.peakRssMiB, rssMax, (f) => memory(f.peakRssMiB), 18)
  const missing = SIZES.filter((_, k) => figures[k] === undefined)
  if (missing.length) out.push(`<text x="${W - right}" y="${top - 6}" text-anchor="end" fill="#777">not measured yet: ${missing.map(short).join(', ')}</text>`)
  out.push(`<g font-size="12"><rect x="${left + 8}" y="${top + 4}" width="12" height="3" fill="#1f5fa8"/><text x="${left + 24}" y="${top + 9}">ready (s)</text>`)
  out.push(`<rect x="${left + 8}" y="${top + 20}" width="12" height="3" fill="#c0392b"/><text x="${left + 24}" y="${top + 25}">peak RSS (MiB)</text></g>`)
  out.push('</svg>')
  return out.join('\n') + '\n'
}

/** README with its performance table replaced by the generated one. */
export function readmeWithPerformance(readme: string, figures: readonly (SizeFigure | undefined)[]): string {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error(`${README_FILE} has no performance table markers (${START} … ${END})`)
  return `${readme.slice(0, start + START.length)}\n${performanceTable(figures)}\n${readme.slice(end)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = readResults()
  const figures = pickFigures(results)
  writeFileSync(README_FILE, readmeWithPerformance(readFileSync(README_FILE, 'utf8'), figures))
  writeFileSync(CHART_FILE, performanceChart(figures))
  const said = figures.map((f, k) => (f ? `${short(SIZES[k]!)} ${seconds(f.readyMs)}, ${memory(f.peakRssMiB)} (${f.commit})` : `${short(SIZES[k]!)} not measured yet`))
  process.stdout.write(`from ${results.length} bench runs: ${said.join('; ')}\nwrote README's performance table and ${CHART_FILE}\n`)
}
