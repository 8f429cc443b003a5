/**
 * The control page (`#/control`): the virtual clock (set, advance, freeze), the fault rules (the
 * common ones toggled, all of them edited as JSON with the admin's issues by path), and the world
 * (load a pack, reset, export as a download).
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ErrorBox, JsonEditor, status, useApi } from '../components.js'
import { isWord, t } from '../i18n.js'
import { useStreamEvents } from '../live/live.js'

interface ClockState { now: number; beijing: string; frozen: boolean; offsetMs: number }
interface Preset { id: string; kind: string; on: boolean }
interface Rule { id: string; kind: string; calls: number; hits: number; [key: string]: unknown }

/** A button's action: its error shown beside it, the page's data read again after it. */
function useAction(after: () => void): [Error | undefined, (run: () => Promise<unknown>) => Promise<void>] {
  const [error, setError] = useState<Error | undefined>(undefined)
  return [error, (run) => run().then(() => (setError(undefined), after()), setError)]
}

const ADVANCES: readonly [string, number][] = [['+1m', 60_000], ['+1h', 3_600_000], ['+1d', 86_400_000]]

function Clock(): VNode {
  const loaded = useApi<ClockState>('clock')
  useStreamEvents(['clock'], () => loaded.reload())
  const [error, act] = useAction(loaded.reload)
  const [at, setAt] = useState('')
  const change = (body: unknown) => act(() => api('clock', { method: 'POST', body }))
  const shown = loaded.data === undefined ? status(loaded) : undefined
  if (shown) return html`<section>${shown}</section>`
  const clock = loaded.data!
  return html`<section>
    <h2>${t('clock')}</h2>
    <p><strong data-test="clock-now">${clock.beijing}</strong> ${clock.frozen ? html`<span class="tag" data-test="clock-frozen">${t('frozen')}</span>` : html`<span class="muted">${t('running')}</span>`}</p>
    <div class="row">
      ${ADVANCES.map(([label, ms]) => html`<button data-test=${`advance-${label}`} onClick=${() => change({ advanceMs: ms })}>${label}</button>`)}
      <button data-test="freeze" onClick=${() => change({ freeze: !clock.frozen })}>${clock.frozen ? t('unfreeze') : t('freeze')}</button>
      <button data-test="clock-reset" onClick=${() => change({ reset: true })}>${t('realTime')}</button>
    </div>
    <form class="row" onSubmit=${(e: Event) => (e.preventDefault(), void change({ set: at }))}>
      <input data-test="clock-set" placeholder="2026-01-01 09:00:00" value=${at} onInput=${(e: Event) => setAt((e.currentTarget as HTMLInputElement).value)} />
      <button>${t('setClock')}</button>
    </form>
    <${ErrorBox} error=${error} />
  </section>`
}

function Faults(): VNode {
  const presets = useApi<{ presets: Preset[] }>('faults/presets')
  const rules = useApi<{ rules: Rule[] }>('faults')
  const reload = () => (presets.reload(), rules.reload())
  const [error, act] = useAction(reload)
  const shown = presets.data === undefined ? status(presets) : rules.data === undefined ? status(rules) : undefined
  if (shown) return html`<section>${shown}</section>`
  const word = (id: string) => { const key = `fault_${id.replace(/^preset:/, '').replace(/-/g, '_')}`; return isWord(key) ? t(key) : id }
  return html`<section>
    <h2>${t('faults')}</h2>
    <div class="row" data-test="presets">
      ${presets.data!.presets.map((p) => html`<button class=${p.on ? 'toggle on' : 'toggle'} aria-pressed=${p.on} data-test=${p.id} title=${JSON.stringify(p)} onClick=${() => act(() => api(`faults/presets/${encodeURIComponent(p.id)}`, { method: 'PUT', body: { on: !p.on } }))}>${p.on ? '✓ ' : ''}${word(p.id)}</button>`)}
    </div>
    <${ErrorBox} error=${error} />
    <h3>${t('faultRules')}</h3>
    <p class="muted">${rules.data!.rules.length === 0 ? t('noFaults') : rules.data!.rules.map((r) => `${r.id}: ${r.hits}/${r.calls}`).join(' · ')}</p>
    <${JsonEditor} key=${JSON.stringify(rules.data!.rules.map((r) => r.id))} test="faults-json" initial=${{ rules: rules.data!.rules.map(({ calls: _c, hits: _h, ...rule }) => rule) }} onSubmit=${async (value: unknown) => (await api('faults', { method: 'POST', body: value }), reload())} />
  </section>`
}

/** Saves `text` as a file named `name` (the export: fetched with the token, so no plain link). */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

function World(): VNode {
  const packs = useApi<{ packs: string[] }>('packs')
  const [done, setDone] = useState('')
  const [error, act] = useAction(() => {})
  const [pack, setPack] = useState('')
  const health = (what: string) => (h: { customers: number; relations: number }) => setDone(t('worldNow', { what, customers: h.customers, relations: h.relations }))
  const exportWorld = async () => {
    const world = await api<unknown>('world')
    download(`tanma-mock-world-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`, JSON.stringify(world, null, 2))
    setDone(t('exported'))
  }
  return html`<section>
    <h2>${t('world')}</h2>
    <div class="row">
      <select data-test="pack" value=${pack} onChange=${(e: Event) => setPack((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">${t('choosePack')}</option>
        ${(packs.data?.packs ?? []).map((p) => html`<option value=${p}>${p}</option>`)}
      </select>
      <button data-test="load-pack" disabled=${pack === ''} onClick=${() => act(() => api<{ customers: number; relations: number }>(`packs/${encodeURIComponent(pack)}`, { method: 'POST' }).then(health(pack)))}>${t('loadPack')}</button>
      <button data-test="reset" onClick=${() => confirm(t('confirmReset')) && act(() => api<{ customers: number; relations: number }>('reset', { method: 'POST' }).then(health(t('reset'))))}>${t('reset')}</button>
      <button data-test="export" onClick=${() => act(exportWorld)}>${t('exportWorld')}</button>
    </div>
    ${done && html`<p class="muted" data-test="world-done">${done}</p>`}
    <${ErrorBox} error=${error ?? packs.error} />
  </section>`
}

export function Control(): VNode {
  return html`<${Clock} /><${Faults} /><${World} />`
}
