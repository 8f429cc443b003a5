/**
 * The coverage report (`#/coverage`, GET coverage): what the consumer's requests and the pushes
 * exercised since the journals were last cleared, per endpoint, push type and fault rule, item by item
 * in the vendor's terms; read again (at most once a second) as requests and pushes stream in.
 * "Start again" clears the journals (DELETE coverage).
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api } from '../api.js'
import { ErrorBox, status, useApi } from '../components.js'
import { t } from '../i18n.js'
import { useStreamEvents } from './live.js'

interface Totals { items: number; covered: number; groupsUsed: number; groups: number }
interface Group { key: string; kind: string; title: string; used: boolean; items: { id: string; label: string; covered: boolean; count: number }[] }
interface Report { totals: Totals; tenants: { appId: string; groups: Group[]; diagnoses: { seq: number; path: string; code: number; diagnosis: string }[]; totals: Totals }[] }

/** Refreshes at most once per this many ms while events stream in. */
const REFRESH_MS = 1000

export function Coverage(): VNode {
  const loaded = useApi<Report>('coverage')
  const [error, setError] = useState<Error | undefined>(undefined)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useStreamEvents(['request', 'push'], () => {
    if (timer.current === null) timer.current = setTimeout(() => ((timer.current = null), loaded.reload()), REFRESH_MS)
  })
  useEffect(() => () => void (timer.current !== null && clearTimeout(timer.current)), [])
  const restart = () => api('coverage', { method: 'DELETE' }).then(() => (setError(undefined), loaded.reload()), setError)
  const shown = loaded.data === undefined ? status(loaded) : undefined
  if (shown) return html`<section>${shown}</section>`
  const report = loaded.data!
  return html`<section>
    <h2>${t('coverage')}</h2>
    <p data-test="coverage-totals">${t('coverageTotals', { covered: report.totals.covered, items: report.totals.items, used: report.totals.groupsUsed, groups: report.totals.groups })}
      <button data-test="coverage-restart" onClick=${restart}>${t('coverageRestart')}</button></p>
    <p class="muted">${t('coverageSince')}</p>
    <${ErrorBox} error=${error} />
    ${report.tenants.map((tenant) => html`
      ${report.tenants.length > 1 && html`<h3>${tenant.appId}</h3>`}
      <table data-test="coverage">
        <thead><tr><th>${t('coverageGroup')}</th><th>${t('covered')}</th><th>${t('coverageItems')}</th></tr></thead>
        <tbody>${tenant.groups.map((g) => html`<tr key=${g.key} class=${g.used ? '' : 'muted'} data-test="coverage-group" data-key=${g.key}>
          <td title=${g.key}>${g.title}<div class="muted">${g.key}</div></td>
          <td>${g.items.filter((i) => i.covered).length} / ${g.items.length}</td>
          <td>${g.items.map((i) => html`<span class=${i.covered ? 'chip covered' : 'chip'} title=${`${i.id} (${i.count})`} data-covered=${i.covered}>${i.label}</span>`)}</td>
        </tr>`)}</tbody>
      </table>
      ${tenant.diagnoses.length > 0 && html`<h3>${t('diagnoses')}</h3><ul>${tenant.diagnoses.map((d) => html`<li>#${d.seq} ${d.path} ${d.code}: ${d.diagnosis}</li>`)}</ul>`}`)}
  </section>`
}
