/**
 * The console's building blocks (Preact + htm, no JSX, no build): a data hook over the admin API,
 * a table, a form field with its error, an error box showing the admin's `{error, issues}`, a JSON
 * editor with its error list, and a chart over uPlot.
 */
import { html } from 'htm/preact'
import type { ComponentChildren, VNode } from 'preact'
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import uPlot from 'uplot'
import { api, ApiError, Unauthorised } from './api.js'
import { t, type Word } from './i18n.js'

/** The app's answer to a refused token: main.ts sets it (it shows the token prompt). */
export const auth = { needed: (_error: Unauthorised): void => {} }

export interface Loaded<T> {
  data: T | undefined
  error: Error | undefined
  loading: boolean
  reload: () => void
}

/** GET `path` from the admin API (again whenever `path` changes, or on `reload()`); a refused token asks for it. */
export function useApi<T>(path: string | null, { root = false } = {}): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: path !== null })
  const [round, setRound] = useState(0)
  useEffect(() => {
    if (path === null) return
    let current = true
    setState((s) => ({ ...s, loading: true }))
    api<T>(path, { root }).then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: Error) => {
        if (!current) return
        if (error instanceof Unauthorised) auth.needed(error)
        setState({ data: undefined, error, loading: false })
      },
    )
    return () => {
      current = false
    }
  }, [path, round])
  const reload = useCallback(() => setRound((n) => n + 1), [])
  return { ...state, reload }
}

/** What a page shows while loading or after a failure; undefined once there is data. */
export function status(loaded: Loaded<unknown>, notFound?: Word): VNode | undefined {
  if (loaded.error) return loaded.error instanceof ApiError && loaded.error.status === 404 && notFound ? html`<p class="error" data-test="not-found">${t(notFound)}</p>` : html`<${ErrorBox} error=${loaded.error} />`
  if (loaded.data === undefined) return html`<p class="muted">${t('loading')}</p>`
  return undefined
}

/** A failure: the admin's message and its issues, one a line. */
export function ErrorBox({ error }: { error: Error | undefined }): VNode | null {
  if (!error) return null
  const issues = error instanceof ApiError ? error.issues.map((i) => (typeof i === 'string' ? i : `${i.path}: ${i.message}`)) : []
  return html`<div class="error" role="alert" data-test="error">
    <p>${error.message}</p>
    ${issues.length > 0 && html`<ul>${issues.map((i) => html`<li>${i}</li>`)}</ul>`}
  </div>`
}

export interface Column<T> {
  head: Word
  cell: (row: T) => ComponentChildren
}

/** A table of `rows`; "none" when empty; `onRow` makes rows clickable. */
export function Table<T>({ columns, rows, test, onRow, rowKey }: { columns: Column<T>[]; rows: readonly T[]; test: string; onRow?: (row: T) => void; rowKey?: (row: T) => string | number }): VNode {
  if (rows.length === 0) return html`<p class="muted" data-test=${`${test}-empty`}>${t('empty')}</p>`
  return html`<table data-test=${test}>
    <thead><tr>${columns.map((c) => html`<th>${t(c.head)}</th>`)}</tr></thead>
    <tbody>
      ${rows.map(
        (row, i) => html`<tr key=${rowKey ? rowKey(row) : i} class=${onRow ? 'hit' : ''} data-test=${onRow ? 'hit' : undefined} onClick=${onRow ? () => onRow(row) : undefined}>
          ${columns.map((c) => html`<td>${c.cell(row)}</td>`)}
        </tr>`,
      )}
    </tbody>
  </table>`
}

/** A labelled form control with the admin's issue for it underneath. */
export function Field({ label, error, children, test }: { label: string; error?: string | undefined; children: ComponentChildren; test?: string }): VNode {
  return html`<label class=${error ? 'field invalid' : 'field'} data-test=${test}>
    <span class="label">${label}</span>
    ${children}
    ${error && html`<span class="issue" data-test="issue">${error}</span>`}
  </label>`
}

/** A select over `options` (value, label), with an empty choice first when `any` is set (labelled "any", or the label given). */
export function Select({ value, options, onChange, any, test }: { value: string; options: readonly (readonly [string, string])[]; onChange: (value: string) => void; any?: boolean | Word; test?: string }): VNode {
  return html`<select data-test=${test} value=${value} onChange=${(e: Event) => onChange((e.currentTarget as HTMLSelectElement).value)}>
    ${any && html`<option value="">${t(any === true ? 'any' : any)}</option>`}
    ${options.map(([v, label]) => html`<option value=${v} selected=${v === value}>${label}</option>`)}
  </select>`
}

/**
 * A JSON editor: a textarea, parsed on submit; a parse error or the admin's refusal listed under it.
 * `onSubmit` sends the parsed value (a refusal it throws is shown, by path).
 */
export function JsonEditor({ initial, onSubmit, test, submitLabel = 'save' }: { initial: unknown; onSubmit: (value: unknown) => Promise<void>; test?: string; submitLabel?: Word }): VNode {
  const [text, setText] = useState(() => JSON.stringify(initial, null, 2))
  const [error, setError] = useState<Error | undefined>(undefined)
  const submit = async (event: Event) => {
    event.preventDefault()
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (parse) {
      setError(new ApiError(400, (parse as Error).message))
      return
    }
    try {
      await onSubmit(value)
      setError(undefined)
    } catch (refusal) {
      if (refusal instanceof Unauthorised) auth.needed(refusal)
      setError(refusal as Error)
    }
  }
  return html`<form class="json" data-test=${test} onSubmit=${submit}>
    <textarea rows="12" spellcheck=${false} value=${text} onInput=${(e: Event) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
    <${ErrorBox} error=${error} />
    <button>${t(submitLabel)}</button>
  </form>`
}

/** A uPlot chart of `data` (x first, then one array per series); redrawn when the data changes, resized with its box. */
export function Chart({ options, data, test }: { options: Omit<uPlot.Options, 'width' | 'height'> & { height?: number }; data: uPlot.AlignedData; test?: string }): VNode {
  const box = useRef<HTMLDivElement>(null)
  const plot = useRef<uPlot | null>(null)
  useEffect(() => {
    const el = box.current!
    plot.current = new uPlot({ ...options, width: el.clientWidth || 600, height: options.height ?? 240 }, data, el)
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth || 600, height: options.height ?? 240 }))
    resize.observe(el)
    return () => {
      resize.disconnect()
      plot.current?.destroy()
      plot.current = null
    }
  }, [options])
  useEffect(() => {
    plot.current?.setData(data)
  }, [data])
  return html`<div class="chart" data-test=${test} ref=${box}></div>`
}

/** Horizontal bars (plain SVG, labels as text): counts by category, e.g. customers per stage. */
export function Bars({ rows, test }: { rows: readonly { label: string; count: number }[]; test?: string }): VNode {
  const max = Math.max(1, ...rows.map((r) => r.count))
  const line = 22
  return html`<svg class="bars" data-test=${test} width="100%" height=${rows.length * line + 4} role="img">
    ${rows.map(
      (r, i) => html`<g key=${r.label} transform=${`translate(0 ${i * line})`}>
        <text x="0" y="15" class="bar-label">${r.label}</text>
        <rect x="30%" y="3" height="15" width=${`${(60 * r.count) / max}%`} class="bar" />
        <text x=${`${31 + (60 * r.count) / max}%`} y="15" class="bar-count">${r.count.toLocaleString()}</text>
      </g>`,
    )}
  </svg>`
}

/** An action (an edit): `run(fn)` awaits it, keeps its refusal (a refused token asks for the token), says when it is done. */
export function useAction(): { run: (act: () => Promise<unknown>) => Promise<boolean>; error: Error | undefined; busy: boolean; clear: () => void } {
  const [error, setError] = useState<Error | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const run = async (act: () => Promise<unknown>) => {
    setBusy(true)
    try {
      await act()
      setError(undefined)
      return true
    } catch (refusal) {
      if (refusal instanceof Unauthorised) auth.needed(refusal)
      setError(refusal as Error)
      return false
    } finally {
      setBusy(false)
    }
  }
  return { run, error, busy, clear: () => setError(undefined) }
}

/** The admin's issue for one field of a refused change (`fields.customer_stage`), or its whole message when no issue names the field. */
export function issueFor(error: Error | undefined, path: string): string | undefined {
  if (!error) return undefined
  if (!(error instanceof ApiError)) return error.message
  return error.byField()[path] ?? error.message
}
