/**
 * The push journal (`#/pushes`): every attempt as it is made (GET pushes, then the stream's `push`
 * events), newest first, with its verdict (acked, no-noise, http-error, timeout, …); an attempt opens
 * to its decrypted contents, headers and the receiver's answer, with a resend button (POST
 * pushes/<msgId>/resend: a new attempt, the same noise).
 */
import { html } from 'htm/preact'
import { Fragment, type VNode } from 'preact'
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ErrorBox } from '../components.js'
import { t } from '../i18n.js'
import { beijing, pretty, useLive, type PushAttempt } from './live.js'

interface PushesState {
  registration: { receiveAddress: string; subscription: string[]; offline: boolean } | null
  attempts: PushAttempt[]
}

function Attempt({ push }: { push: PushAttempt }): VNode {
  const [resent, setResent] = useState<string | Error | undefined>(undefined)
  const resend = () => api<PushAttempt>(`pushes/${push.msgId}/resend`, { method: 'POST' }).then((a) => setResent(`${t('resent')}: ${a.verdict}`), (e: Error) => setResent(e))
  return html`<div class="detail" data-test="push-detail">
    <div class="columns">
      <div>
        <h4>${t('pushContents')}</h4>
        <pre data-test="plaintext">${pretty(push.plaintext)}</pre>
      </div>
      <div>
        <h4>${t('pushHeaders')}</h4>
        <dl>${Object.entries(push.headers).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
        <h4>${t('receiverAnswer')}</h4>
        <pre>${push.status ? `HTTP ${push.status} ` : ''}${push.response}</pre>
        <p class="muted">${push.address} · ${push.latencyMs} ms</p>
      </div>
    </div>
    <button data-test="resend" onClick=${(e: Event) => (e.stopPropagation(), void resend())}>${t('resend')}</button>
    ${typeof resent === 'string' ? html`<span class="muted" data-test="resent"> ${resent}</span>` : html`<${ErrorBox} error=${resent} />`}
  </div>`
}

export function Pushes(): VNode {
  const [registration, setRegistration] = useState<PushesState['registration']>(null)
  const live = useLive<PushAttempt>('push', () => api<PushesState>('pushes').then((s) => (setRegistration(s.registration), s.attempts)))
  const [open, setOpen] = useState<number | null>(null)
  return html`<section>
    <h2>${t('pushJournal')}</h2>
    <p class="muted" data-test="registration">${registration ? `${t('pushAddress')}: ${registration.receiveAddress}${registration.offline ? ` (${t('offline')})` : ''}` : t('noRegistration')}</p>
    <${ErrorBox} error=${live.error} />
    ${live.rows.length === 0
      ? html`<p class="muted" data-test="pushes-empty">${t('noPushes')}</p>`
      : html`<table data-test="pushes">
          <thead><tr><th>#</th><th>${t('time')}</th><th>msgId</th><th>${t('type')}</th><th>${t('cause')}</th><th>${t('attempt')}</th><th>${t('verdict')}</th></tr></thead>
          <tbody>
            ${live.rows.map((p) => html`<${Fragment} key=${p.seq}>
              <tr class=${`hit${p.verdict === 'acked' ? '' : ' failed'}`} data-test="push" data-type=${p.type} onClick=${() => setOpen(open === p.seq ? null : p.seq)}>
                <td>${p.seq}</td><td>${beijing(p.at)}</td><td>${p.msgId}</td><td>${p.type}</td><td>${p.cause}</td><td>${p.attempt}${p.duplicate ? ' ×2' : ''}</td><td data-test="verdict">${p.verdict}</td>
              </tr>
              ${open === p.seq && html`<tr><td colspan="7"><${Attempt} push=${p} /></td></tr>`}<//>`)}
          </tbody>
        </table>`}
  </section>`
}
