/**
 * The probe's report for a terminal: `behaviour | the fake's default | this tenant | switch`, then
 * the drift report and what the calibration keeps. The JSON report is the calibration itself.
 */
import type { Calibration } from './calibration.js'

const show = (value: unknown): string => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value))
/** Columns a terminal gives the text: East Asian wide characters take two. */
const width = (s: string) => [...s].reduce((n, c) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1), 0)
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)))
/** A cell cut to `n` columns. */
const cut = (s: string, n = 56) => (width(s) <= n ? s : `${[...s].reduce((out, c) => (width(out + c) < n ? out + c : out), '')}…`)

/** A switch as a flag: `skewMs` → `--skew-ms`, `errors.badSignature` → `--error badSignature=…`. */
const flagOf = (key: string | null) => (key === null ? '' : key.startsWith('errors.') ? `--error ${key.slice(7)}=…` : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)

export function renderReport(calibration: Calibration): string {
  const rows = calibration.findings.map((f) => {
    const listed = f.switch === null && f.measured !== null && typeof f.measured === 'object'
    const measured = f.measured === undefined ? `not measured${f.note ? ` (${f.note})` : ''}` : listed ? '(below)' : show(f.measured)
    const differs = f.switch !== null && f.measured !== undefined && JSON.stringify(f.measured) !== JSON.stringify(f.fakeDefault)
    return [f.behaviour, f.switch === null ? '' : show(f.fakeDefault), `${differs ? '* ' : ''}${f.switch === null && !listed ? (f.note ?? measured) : measured}`, flagOf(f.switch)].map((c) => cut(c))
  })
  const header = ['behaviour', "the fake's default", 'this tenant', 'switch']
  const widths = header.map((h, k) => Math.min(57, Math.max(width(h), ...rows.map((r) => width(r[k]!)))))
  const line = (cells: string[]) => cells.map((c, k) => pad(c, widths[k]!)).join(' | ').trimEnd()
  const out = [
    `tanma-mock probe · ${calibration.baseUrl} · ${calibration.requests} requests · ${calibration.measuredAt}`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
    '',
    '* differs from the fake\'s default',
    calibration.clock.offsetMs === undefined ? '' : `clock: the server's clock is ${calibration.clock.offsetMs} ms from ours (skew accepted ${calibration.clock.behindMs} ms behind, ${calibration.clock.aheadMs} ms ahead)`,
    `id layout: ${Object.entries(calibration.idLayout).map(([k, v]) => `${k} ${v ? 'yes' : 'no'}`).join(', ') || '—'}`,
    `success messages: ${Object.entries(calibration.messages).map(([p, m]) => `${p} ${m}`).join(', ')}`,
    ...calibration.findings.filter((f) => f.switch === null && f.measured !== null && typeof f.measured === 'object').flatMap((f) => [`${f.behaviour}:`, ...Object.entries(f.measured as object).map(([k, v]) => `  ${k}: ${show(v)}`)]),
    '',
    calibration.drift.length === 0 ? 'drift: none — every answer has the documented shape' : `drift (${calibration.drift.length}): where answers differ from the documented shapes`,
    ...calibration.drift.map((d) => `  ${d.endpoint}  ${d.path}  ${d.kind}  expected ${d.expected}, got ${d.got}`),
    '',
    `tenant: ${calibration.tenant.fields?.length ?? '?'} field definitions, ${calibration.tenant.tagGroups?.length ?? '?'} tag groups, ${calibration.tenant.members ?? '?'} members, ${calibration.tenant.departments ?? '?'} departments`,
    'kept in the calibration:',
    ...calibration.kept.map((k) => `  - ${k}`),
  ]
  return out.filter((l, k, all) => !(l === '' && all[k - 1] === '')).join('\n') + '\n'
}
