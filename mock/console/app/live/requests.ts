/**
 * The live page (`#/live`): requests per second and error codes over time (uPlot, app/live/series.ts),
 * and the request journal as it happens (GET requests, then the stream's `request` events), each entry
 * expandable to its headers, body, answer, signature verdict and diagnosis (GET requests/<seq>).
 */
import { html } from 'htm/preact'
import { Fragment, type VNode } from 'preact'
import uPlot from 'uplot'
import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, ApiError } from '../api.js'
import { Chart, ErrorBox } from '../components.js'
import { t } from '../i18n.js'
import { beijing, pretty, useLive, type RequestEntry } from './live.js'
import { RequestSeries } from './series.js'

interface Detail {
  entry: RequestEntry
  request: { headers: Record<string, string>; body: string; bytes: number; truncated: boolean }
  answer: { body: string; bytes: number; truncated: boolean } | null
}

const failed = (e: RequestEntry) => e.code !== 0

/** One entry's detail, fetched when opened. */
function EntryDetail({ seq, entry }: { seq: number; entry: RequestEntry }): VNode {
  const [detail, setDetail] = useState<Detail | Error | undefined>(undefined)
  useEffect(() => void api<Detail>(`requests/${seq}`).then(setDetail, setDetail), [seq])
  const body = (text: string, bytes: number, truncated: boolean) => html`<pre>${pretty(text) || '—'}</pre>${truncated && html`<p class="muted">${t('truncated', { n: bytes })}</p>`}`
  return html`<div class="detail" data-test="request-detail">
    <dl>
      <dt>${t('signature')}</dt><dd data-test="verdict">${entry.signature}</dd>
      ${entry.diagnosis && html`<dt>${t('diagnosis')}</dt><dd data-test="diagnosis">${entry.diagnosis}</dd>`}
      ${entry.faults && html`<dt>${t('faults')}</dt><dd>${entry.faults.join(', ')}</dd>`}
      <dt>${t('requestId')}</dt><dd>${entry.requestId}</dd>
    </dl>
    ${detail instanceof Error
      ? detail instanceof ApiError && detail.status === 404 ? html`<p class="muted">${t('detailGone')}</p>` : html`<${ErrorBox} error=${detail} />`
      : detail === undefined
        ? html`<p class="muted">${t('loading')}</p>`
        : html`<div class="columns">
            <div>
              <h4>${t('requestHeaders')}</h4>
              <dl>${Object.entries(detail.request.headers).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
              <h4>${t('requestBody')}</h4>
              ${body(detail.request.body, detail.request.bytes, detail.request.truncated)}
            </div>
            <div>
              <h4>${t('answer')}</h4>
              ${detail.answer ? body(detail.answer.body, detail.answer.bytes, detail.answer.truncated) : html`<p class="muted">${t('noAnswer')}</p>`}
            </div>
          </div>`}
  </div>`
}

/** The request journal, newest first; a click opens an entry. */
export function RequestJournal({ rows }: { rows: readonly RequestEntry[] }): VNode {
  const [open, setOpen] = useState<number | null>(null)
  if (rows.length === 0) return html`<p class="muted" data-test="requests-empty">${t('noRequests')}</p>`
  return html`<table data-test="requests">
    <thead><tr><th>#</th><th>${t('time')}</th><th>${t('endpoint')}</th><th>${t('signature')}</th><th>${t('code')}</th><th>HTTP</th></tr></thead>
    <tbody>
      ${rows.map((e) => html`<${Fragment} key=${e.seq}>
        <tr class=${`hit${failed(e) ? ' failed' : ''}`} data-test="request" data-seq=${e.seq} onClick=${() => setOpen(open === e.seq ? null : e.seq)}>
          <td>${e.seq}</td><td>${beijing(e.time)}</td><td>${e.method} ${e.endpoint ?? e.path}</td>
          <td>${e.signature}</td><td data-test="code">${e.code ?? '—'}</td><td>${e.status || '—'}</td>
        </tr>
        ${open === e.seq && html`<tr><td colspan="6"><${EntryDetail} seq=${e.seq} entry=${e} /></td></tr>`}<//>`)}
    </tbody>
  </table>`
}

/** Ticks as Beijing HH:mm:ss (uPlot's default puts a crowded date row under them). */
const AXES: uPlot.Axis[] = [{ values: (_u, splits) => splits.map((s) => beijing(s * 1000).slice(11)) }, { label: '' }]
/** Counts from 0. */
const SCALES: uPlot.Scales = { y: { range: (_u, _min, max) => [0, Math.max(2, max)] } }
/** The x axis in Beijing time (the fake's clock is read so). */
const tzDate = (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai')

/** Requests per second and error codes per second of the fake's clock. */
function Charts({ series }: { series: RequestSeries; rows: readonly RequestEntry[] }): VNode {
  const data = series.data()
  const rate = useMemo(() => ({ height: 180, axes: AXES, scales: SCALES, tzDate, series: [{}, { label: t('requestsPerSecond'), stroke: '#0969da', fill: 'rgba(9,105,218,.1)' }] }), [])
  const labels = data.errors.map((e) => e.label).join('|')
  const codes = useMemo(() => ({ height: 180, axes: AXES, scales: SCALES, tzDate, series: [{}, ...data.errors.map((e, k) => ({ label: e.label, stroke: ['#cf222e', '#bf8700', '#8250df', '#1a7f37', '#57606a'][k % 5] }))] }), [labels])
  return html`<div class="columns">
    <div><h3>${t('requestsPerSecond')}</h3><${Chart} test="rate-chart" options=${rate} data=${[data.seconds, data.total]} /></div>
    <div><h3>${t('errorCodes')}</h3>${data.errors.length === 0 ? html`<p class="muted" data-test="no-errors">${t('noErrors')}</p>` : html`<${Chart} key=${labels} test="codes-chart" options=${codes} data=${[data.seconds, ...data.errors.map((e) => e.counts)]} />`}</div>
  </div>`
}

export function Live(): VNode {
  const series = useMemo(() => new RequestSeries(), [])
  const live = useLive<RequestEntry>('request', () => api<RequestEntry[]>('requests'), (batch) => batch.forEach((e) => series.add(e)))
  return html`
    <section><${Charts} series=${series} rows=${live.rows} /><p class="muted">${t('chartClock')}</p></section>
    <section>
      <h2>${t('requestJournal')}</h2>
      <${ErrorBox} error=${live.error} />
      <${RequestJournal} rows=${live.rows} />
    </section>
  `
}
