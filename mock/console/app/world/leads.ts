/**
 * Leads (`#/leads`): leads and customers waiting to be assigned, searched by name or mobile, paged
 * (GET leads?query=…&cursor=…); a lead's page (`#/lead/<id>`, GET leads/<id>) with its fields,
 * tags and follow-up records, and a follow-up added (POST leads/<id>/follow-ups).
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useState } from 'preact/hooks'
import { api, query } from '../api.js'
import { Field, issueFor, status, Table, useAction, useApi } from '../components.js'
import { t } from '../i18n.js'
import { typeName } from './customers.js'
import { FollowUps } from './customer.js'

interface LeadHit { customerId: number; isClue: boolean; name: string | null; mobiles: string[]; type: number; createTime: string }
interface LeadPage {
  customerId: number; isClue: boolean; name: string | null; type: number; createTime: string; lastUpdateTime: string; company: { name?: string } | null
  fields: { key: string; label: string; value: string | null }[]
  tags: { id: number; name: string }[]
  followUps: { id: number; content: string; createTime: string; operator: { name: string } }[]
}

const stateName = (isClue: boolean) => (isClue ? t('clue') : t('waiting'))

export function Leads(): VNode {
  const [text, setText] = useState('')
  const [asked, setAsked] = useState('')
  const [cursors, setCursors] = useState<number[]>([0])
  const loaded = useApi<{ hits: LeadHit[]; next: number | null }>(`leads${query({ query: asked, cursor: cursors[cursors.length - 1] || undefined })}`)
  const shown = status(loaded)
  return html`<section>
    <h2>${t('leads')}</h2>
    <form class="filters" onSubmit=${(e: Event) => { e.preventDefault(); setAsked(text); setCursors([0]) }}>
      <input type="search" data-test="lead-search" placeholder=${t('searchHint')} value=${text} onInput=${(e: Event) => setText((e.currentTarget as HTMLInputElement).value)} />
      <button>${t('search')}</button>
    </form>
    ${shown ??
    html`<${Table} test="leads" rows=${loaded.data!.hits} rowKey=${(l: LeadHit) => l.customerId} onRow=${(l: LeadHit) => { location.hash = `#/lead/${l.customerId}` }} columns=${[
        { head: 'id', cell: (l: LeadHit) => html`<a href=${`#/lead/${l.customerId}`}>${l.customerId}</a>` },
        { head: 'name', cell: (l: LeadHit) => l.name ?? '' },
        { head: 'mobile', cell: (l: LeadHit) => l.mobiles.join(', ') },
        { head: 'type', cell: (l: LeadHit) => typeName(l.type) },
        { head: 'isClue', cell: (l: LeadHit) => stateName(l.isClue) },
        { head: 'created', cell: (l: LeadHit) => l.createTime },
      ]} />
      <div class="pager">
        <button disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>${t('previous')}</button>
        <span>${t('page', { n: cursors.length })}</span>
        <button disabled=${loaded.data!.next === null} onClick=${() => setCursors([...cursors, loaded.data!.next!])}>${t('next')}</button>
      </div>`}
  </section>`
}

function AddFollowUp({ id, onSaved }: { id: number; onSaved: () => void }): VNode {
  const [content, setContent] = useState('')
  const action = useAction()
  const add = async (e: Event) => {
    e.preventDefault()
    if (await action.run(() => api(`leads/${id}/follow-ups`, { method: 'POST', body: { type: 1, content } }))) {
      setContent('')
      onSaved()
    }
  }
  return html`<form class="actions" data-test="follow-up-form" onSubmit=${add}>
    <${Field} label=${t('addFollowUp')} error=${issueFor(action.error, 'content')}>
      <input type="text" data-test="follow-up-input" value=${content} onInput=${(e: Event) => setContent((e.currentTarget as HTMLInputElement).value)} />
    <//>
    <button data-test="follow-up-go" disabled=${action.busy}>${t('add')}</button>
  </form>`
}

export function Lead({ params }: { params: string[] }): VNode {
  const loaded = useApi<LeadPage>(`leads/${params[0]}`)
  const shown = status(loaded, 'noLead')
  if (shown) return html`<section>${shown}</section>`
  const lead = loaded.data!
  return html`
    <section>
      <h2 data-test="lead-name">${lead.name ?? String(lead.customerId)}</h2>
      <dl>
        <dt>${t('id')}</dt><dd>${lead.customerId}</dd>
        <dt>${t('isClue')}</dt><dd>${stateName(lead.isClue)}</dd>
        <dt>${t('type')}</dt><dd>${typeName(lead.type)}</dd>
        ${lead.company?.name && html`<dt>${t('company')}</dt><dd>${lead.company.name}</dd>`}
        <dt>${t('created')}</dt><dd>${lead.createTime}</dd>
        <dt>${t('updated')}</dt><dd>${lead.lastUpdateTime}</dd>
      </dl>
    </section>
    <section>
      <h3>${t('fields')}</h3>
      <dl>${lead.fields.map((f) => html`<dt title=${f.key}>${f.label}</dt><dd data-field=${f.key}>${f.value ?? '—'}</dd>`)}</dl>
    </section>
    <section>
      <h3>${t('tags')}</h3>
      ${lead.tags.length === 0 ? html`<p class="muted">${t('empty')}</p>` : lead.tags.map((tag) => html`<span class="tag">${tag.name}</span>`)}
    </section>
    <section>
      <h3>${t('followUps')}</h3>
      <${FollowUps} rows=${lead.followUps} />
      <${AddFollowUp} id=${lead.customerId} onSaved=${loaded.reload} />
    </section>
  `
}
