/**
 * World charts (`#/charts`): customers per stage and per source (SVG bars), new follow relations
 * per month (uPlot). One admin route answers them all (GET aggregates), computed once per world
 * version on the server; the page refetches when the world changes (the stream's `world` events).
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useEffect, useMemo } from 'preact/hooks'
import uPlot from 'uplot'
import { Bars, Chart, status, useApi } from '../components.js'
import { t } from '../i18n.js'
import { subscribe } from '../stream.js'

interface Aggregates {
  customers: number
  relations: number
  perStage: { label: string | null; count: number }[]
  perSource: { label: string | null; count: number }[]
  perMonth: { month: string; count: number }[]
}

/** `yyyy-MM` → epoch seconds of its first day (uPlot's x axis is time in seconds). */
const monthSec = (month: string) => Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1) / 1000

export function Charts(): VNode {
  const loaded = useApi<Aggregates>('aggregates')
  const { reload } = loaded
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    // A burst of changes refetches once.
    const off = subscribe('world', () => {
      clearTimeout(timer)
      timer = setTimeout(reload, 500)
    })
    return () => {
      clearTimeout(timer)
      off()
    }
  }, [reload])
  const months = loaded.data?.perMonth
  const data = useMemo<uPlot.AlignedData>(() => [months?.map((m) => monthSec(m.month)) ?? [], months?.map((m) => m.count) ?? []], [months])
  const options = useMemo(
    () => ({
      height: 260,
      series: [{}, { label: t('perMonth'), stroke: '#0969da', fill: 'rgba(9,105,218,.25)', paths: uPlot.paths.bars!({ size: [0.8, 40] }), points: { show: false } }],
      axes: [{ values: (_: uPlot, ticks: number[]) => ticks.map((s) => new Date(s * 1000).toISOString().slice(0, 7)) }, {}],
      legend: { show: false },
    }),
    [],
  )
  const shown = status(loaded)
  if (shown) return html`<section>${shown}</section>`
  const a = loaded.data!
  const rows = (list: Aggregates['perStage']) => list.map((r) => ({ label: r.label ?? t('unset'), count: r.count }))
  return html`<div class="charts">
    <section><h3>${t('perStage')}</h3><${Bars} test="per-stage" rows=${rows(a.perStage)} /></section>
    <section><h3>${t('perSource')}</h3><${Bars} test="per-source" rows=${rows(a.perSource)} /></section>
    <section style=${{ gridColumn: '1 / -1' }}><h3>${t('perMonth')}</h3><${Chart} test="per-month" options=${options} data=${data} /></section>
  </div>`
}
