/**
 * README's Performance section (issue 15: "README's Performance section shows the figures and a chart
 * of ready time and RSS against world size (1k → 10M)"): its table and docs/performance.svg are what
 * `npm run perf-chart` writes from bench/results, and the chart draws what the figures say.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CHART_FILE, README_FILE, SIZES, type BenchResult, performanceChart, performanceTable, pickFigures, readResults, readmeWithPerformance, type SizeFigure } from '../scripts/perf-chart.js'

const run = (date: string, commit: string, rows: BenchResult['rows']): BenchResult => ({ date, commit, rows })

/** The circles of one series in the chart, as [customers, cx, cy]. */
function points(svg: string, series: string): [number, number, number][] {
  const group = new RegExp(`<g class="series" data-series="${series}">([\\s\\S]*?)</g>`).exec(svg)![1]!
  return [...group.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="4" fill="[^"]+" data-customers="(\d+)"\/>/g)].map((m) => [Number(m[3]), Number(m[1]), Number(m[2])])
}

describe("README's Performance section", () => {
  it('is what `npm run perf-chart` writes from bench/results (run it after `npm run bench`), table and chart', () => {
    const figures = pickFigures(readResults())
    const readme = readFileSync(README_FILE, 'utf8')
    expect(readme).toBe(readmeWithPerformance(readme, figures))
    expect(readFileSync(CHART_FILE, 'utf8')).toBe(performanceChart(figures))
    expect(readme).toContain('](docs/performance.svg)')
    // The history has 1k and 1M figures today: the section shows real figures, not only "not measured".
    expect(figures[0]).toBeDefined()
  })
})

describe('the figures of a size come from the newest run that measured it', () => {
  const results = [
    run('2026-01-01T00:00:00.000Z', 'old', [{ customers: 1000, firstAnswerMs: 900, rssMiB: 200 }, { customers: 1_000_000, firstAnswerMs: 4000, rssMiB: 500 }]),
    run('2026-03-01T00:00:00.000Z', 'quick', [{ customers: 1000, firstAnswerMs: 700, rssMiB: 210, peakRssMiB: 230 }, { customers: 100_000, firstAnswerMs: 800, rssMiB: 220, peakRssMiB: 260 }]),
    run('2026-02-01T00:00:00.000Z', 'middle', [{ customers: 1_000_000, firstAnswerMs: 3000, rssMiB: 400, peakRssMiB: 450 }]),
  ]

  it('newest first whatever the order of the files; peak RSS, or RSS in runs that had no peak', () => {
    const [k1, k100, m1, m10] = pickFigures(results)
    expect(k1).toMatchObject({ readyMs: 700, peakRssMiB: 230, commit: 'quick' })
    expect(k100).toMatchObject({ readyMs: 800, peakRssMiB: 260, commit: 'quick' })
    expect(m1).toMatchObject({ readyMs: 3000, peakRssMiB: 450, commit: 'middle' })
    expect(m10).toBeUndefined()
    expect(pickFigures([results[0]!])[2]).toMatchObject({ readyMs: 4000, peakRssMiB: 500, commit: 'old' })
  })

  it('reads the bench runs of a directory, not the soak runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'perf-chart-'))
    writeFileSync(join(dir, '2026-03-01T000000-quick.json'), JSON.stringify(results[1]))
    writeFileSync(join(dir, 'soak-2026-04-01T000000-soak.json'), JSON.stringify({ date: '2026-04-01T00:00:00.000Z', commit: 'soak', soak: { customers: 1000 } }))
    writeFileSync(join(dir, 'notes.txt'), 'not a result')
    expect(readResults(dir).map((r) => r.commit)).toEqual(['quick'])
  })

  it('a size no run measured says so in the table and has no point in the chart', () => {
    const figures = pickFigures(results)
    const table = performanceTable(figures).split('\n')
    expect(table).toHaveLength(2 + SIZES.length)
    expect(table[2]).toBe('| 1,000 | 0.70 s | 230 MiB | quick, 2026-03-01 |')
    expect(table[4]).toBe('| 1,000,000 | 3.0 s | 450 MiB | middle, 2026-02-01 |')
    expect(table[5]).toBe('| 10,000,000 | not measured yet | | |')
    const svg = performanceChart(figures)
    expect(points(svg, 'ready').map(([c]) => c)).toEqual([1000, 100_000, 1_000_000])
    expect(svg).toContain('not measured yet: 10M')
    expect(performanceChart(SIZES.map(() => undefined))).not.toContain('<circle')
  })
})

describe('the chart', () => {
  const figure = (customers: number) =>
    fc.record({ readyMs: fc.integer({ min: 1, max: 120_000 }), peakRssMiB: fc.integer({ min: 1, max: 8192 }) }).map((f): SizeFigure => ({ ...f, customers, commit: 'abc1234', date: '2026-11-25T00:00:00.000Z' }))
  const figures = fc.tuple(...SIZES.map((size) => fc.option(figure(size), { nil: undefined })))

  it('labels its axes and names both series', () => {
    const svg = performanceChart(pickFigures(readResults()))
    for (const text of ['customers (log scale)', 'ready: first signed answer (s)', 'peak RSS (MiB)', '>1k<', '>10M<']) expect(svg).toContain(text)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
  })

  it('draws one point per measured size and series, left to right by size, higher for a larger figure, inside the plot', () => {
    fc.assert(
      fc.property(figures, (given) => {
        const svg = performanceChart(given)
        const measured = given.filter((f): f is SizeFigure => f !== undefined)
        for (const [series, value] of [['ready', (f: SizeFigure) => f.readyMs], ['peak-rss', (f: SizeFigure) => f.peakRssMiB]] as const) {
          const drawn = points(svg, series)
          expect(drawn.map(([c]) => c)).toEqual(measured.map((f) => f.customers))
          for (let k = 1; k < drawn.length; k++) expect(drawn[k]![1]).toBeGreaterThan(drawn[k - 1]![1])
          for (const [customers, cx, cy] of drawn) {
            expect(cx).toBeGreaterThanOrEqual(0)
            expect(cx).toBeLessThanOrEqual(640)
            expect(cy).toBeGreaterThanOrEqual(40 - 0.05)
            expect(cy).toBeLessThanOrEqual(340 - 56 + 0.05)
            for (const [other, , otherY] of drawn) {
              const [a, b] = [measured.find((f) => f.customers === customers)!, measured.find((f) => f.customers === other)!]
              if (value(a) > value(b)) expect(cy).toBeLessThanOrEqual(otherY)
            }
          }
        }
      }),
    )
  })
})
