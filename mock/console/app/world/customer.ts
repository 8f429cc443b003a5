/**
 * A customer's page (`#/customer/<id>`): profile fields by option name, tags by name, follow
 * relations with members and remarks, follow-up records, WeChat identity; and the edits, through
 * the admin functions (the same events, the same pushes): a field (PATCH customers/<id> {fields}),
 * a tag added or removed (PATCH {tagIds}), a relation's remark (PATCH relations/<id>), a follower
 * added (POST relations), the customer deleted (DELETE customers/<id>). A refused edit changes
 * nothing and shows the admin's issue under the field.
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useState } from 'preact/hooks'
import { api } from '../api.js'
import { ErrorBox, Field, issueFor, Select, status, Table, useAction, useApi } from '../components.js'
import { t } from '../i18n.js'
import { typeName, type Facets } from './customers.js'

interface ProfileField { key: string; label: string; value: string | null; type: number | null; options: string[] | null }
export interface CustomerPage {
  customerId: number; name: string | null; type: number; createTime: string; lastUpdateTime: string; company: { name?: string } | null
  fields: ProfileField[]
  tags: { id: number; name: string; group: string | null }[]
  relations: { relationId: number; qwUserId: string; memberName: string | null; remark: string | null; createTime: string }[]
  followUps: { id: number; content: string; createTime: string; operator: { name: string } }[]
  wechat: { qwUserId: string; externalUserId: string; unionId: string | null; wechatNickname: string | null; qwRemark: string | null }[]
}

type Relation = CustomerPage['relations'][number]
type FollowUp = CustomerPage['followUps'][number]
type Wechat = CustomerPage['wechat'][number]

/** The phones field (type 8) takes a list: the text split at commas or spaces. */
const PHONES = 8
const fieldValue = (field: ProfileField, text: string): unknown => (text.trim() === '' ? null : field.type === PHONES ? text.split(/[\s,，]+/).filter(Boolean) : text)

/** One profile field: its value, and an edit form (a select by option name, else text). */
function FieldRow({ id, field, onSaved }: { id: number; field: ProfileField; onSaved: () => void }): VNode {
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState(field.value ?? '')
  const action = useAction()
  const save = async (e: Event) => {
    e.preventDefault()
    if (await action.run(() => api(`customers/${id}`, { method: 'PATCH', body: { fields: { [field.key]: fieldValue(field, text) } } }))) {
      setEditing(false)
      onSaved()
    }
  }
  const control = field.options
    ? html`<${Select} test="field-input" any="unset" value=${text} options=${field.options.map((o) => [o, o])} onChange=${setText} />`
    : html`<input type="text" data-test="field-input" value=${text} onInput=${(e: Event) => setText((e.currentTarget as HTMLInputElement).value)} />`
  return html`<dt title=${field.key}>${field.label}</dt>
    <dd data-row=${field.key}>
      ${editing
        ? html`<form class="actions" data-test="field-form" onSubmit=${save}>
            <${Field} label=${field.label} error=${issueFor(action.error, `fields.${field.key}`)}>${control}<//>
            <button data-test="field-save" disabled=${action.busy}>${t('save')}</button>
            <button type="button" onClick=${() => { setEditing(false); action.clear(); setText(field.value ?? '') }}>${t('cancel')}</button>
          </form>`
        : html`<span data-field=${field.key}>${field.value ?? '—'}</span>
            <button class="link" data-test=${`edit-${field.key}`} title=${t('edit')} onClick=${() => { setText(field.value ?? ''); setEditing(true) }}>✎</button>`}
    </dd>`
}

function Tags({ page, facets, onSaved }: { page: CustomerPage; facets: Facets | undefined; onSaved: () => void }): VNode {
  const [adding, setAdding] = useState('')
  const action = useAction()
  const setTags = (tagIds: number[]) => action.run(() => api(`customers/${page.customerId}`, { method: 'PATCH', body: { tagIds } })).then((ok) => ok && onSaved())
  const ids = page.tags.map((tag) => tag.id)
  const addable = (facets?.tags ?? []).filter((tag) => !ids.includes(tag.id))
  return html`<section data-test="tags">
    <h3>${t('tags')}</h3>
    ${page.tags.length === 0 ? html`<p class="muted">${t('empty')}</p>` : page.tags.map((tag) => html`<span class="tag" title=${tag.group ?? ''} data-tag=${tag.id}>${tag.name}<button title=${t('remove')} data-test="tag-remove" onClick=${() => setTags(ids.filter((x) => x !== tag.id))}>×</button></span>`)}
    <form class="actions" onSubmit=${(e: Event) => { e.preventDefault(); if (adding) void setTags([...ids, Number(adding)]).then(() => setAdding('')) }}>
      <${Field} label=${t('addTag')} error=${issueFor(action.error, 'tagIds')}>
        <${Select} test="tag-add" any="choose" value=${adding} options=${addable.map((tag) => [String(tag.id), tag.group ? `${tag.group} / ${tag.name}` : tag.name])} onChange=${setAdding} />
      <//>
      <button data-test="tag-add-go" disabled=${!adding || action.busy}>${t('add')}</button>
    </form>
  </section>`
}

function RemarkCell({ relation, onSaved }: { relation: Relation; onSaved: () => void }): VNode {
  const [text, setText] = useState(relation.remark ?? '')
  const action = useAction()
  const save = async (e: Event) => {
    e.preventDefault()
    if (await action.run(() => api(`relations/${relation.relationId}`, { method: 'PATCH', body: { qwRemark: text === '' ? null : text } }))) onSaved()
  }
  return html`<form class="actions" data-test="remark-form" onSubmit=${save}>
    <${Field} label="" error=${issueFor(action.error, 'qwRemark')}><input type="text" data-test="remark-input" value=${text} onInput=${(e: Event) => setText((e.currentTarget as HTMLInputElement).value)} /><//>
    ${text !== (relation.remark ?? '') && html`<button data-test="remark-save" disabled=${action.busy}>${t('save')}</button>`}
  </form>`
}

function Relations({ page, facets, onSaved }: { page: CustomerPage; facets: Facets | undefined; onSaved: () => void }): VNode {
  const [member, setMember] = useState('')
  const action = useAction()
  const following = new Set(page.relations.map((r) => r.qwUserId))
  const add = async (e: Event) => {
    e.preventDefault()
    if (member && (await action.run(() => api('relations', { method: 'POST', body: { customerId: page.customerId, qwUserId: member } })))) {
      setMember('')
      onSaved()
    }
  }
  return html`<section>
    <h3>${t('relations')}</h3>
    <${Table} test="relations" rows=${page.relations} rowKey=${(r: Relation) => `${r.relationId}:${r.remark}`} columns=${[
      { head: 'member', cell: (r: Relation) => html`${r.memberName ?? r.qwUserId}<span class="muted"> ${r.qwUserId}</span>` },
      { head: 'remark', cell: (r: Relation) => html`<${RemarkCell} relation=${r} onSaved=${onSaved} />` },
      { head: 'since', cell: (r: Relation) => r.createTime },
    ]} />
    <form class="actions" onSubmit=${add}>
      <${Field} label=${t('addRelation')} error=${issueFor(action.error, 'qwUserId')}>
        <${Select} test="relation-add" any="choose" value=${member} options=${(facets?.members ?? []).filter((m) => !following.has(m.qwUserId)).map((m) => [m.qwUserId, m.deleted ? `${m.name} (${t('left')})` : m.name])} onChange=${setMember} />
      <//>
      <button data-test="relation-add-go" disabled=${!member || action.busy}>${t('add')}</button>
    </form>
  </section>`
}

/** Follow-up records (a customer's, a lead's): time, by whom, what. */
export function FollowUps({ rows }: { rows: readonly FollowUp[] }): VNode {
  return html`<${Table} test="follow-ups" rows=${rows} rowKey=${(f: FollowUp) => f.id} columns=${[
    { head: 'time', cell: (f: FollowUp) => f.createTime },
    { head: 'operator', cell: (f: FollowUp) => f.operator.name },
    { head: 'content', cell: (f: FollowUp) => f.content },
  ]} />`
}

function DeleteCustomer({ id }: { id: number }): VNode {
  const [asking, setAsking] = useState(false)
  const action = useAction()
  const remove = async () => {
    if (await action.run(() => api(`customers/${id}`, { method: 'DELETE' }))) location.hash = '#/customers'
  }
  return html`<div class="actions">
    ${asking
      ? html`<span>${t('confirmDelete')}</span>
          <button class="danger" data-test="delete-confirm" onClick=${remove}>${t('deleteCustomer')}</button>
          <button onClick=${() => setAsking(false)}>${t('cancel')}</button>`
      : html`<button class="danger" data-test="delete" onClick=${() => setAsking(true)}>${t('deleteCustomer')}</button>`}
    <${ErrorBox} error=${action.error} />
  </div>`
}

export function Customer({ params }: { params: string[] }): VNode {
  const loaded = useApi<CustomerPage>(`customers/${params[0]}`)
  const facets = useApi<Facets>('customer-filters')
  const shown = status(loaded, 'notFound')
  if (shown) return html`<section>${shown}</section>`
  const page = loaded.data!
  const reload = loaded.reload
  return html`
    <section>
      <h2 data-test="customer-name">${page.name ?? String(page.customerId)}</h2>
      <dl>
        <dt>${t('id')}</dt><dd>${page.customerId}</dd>
        <dt>${t('type')}</dt><dd>${typeName(page.type)}</dd>
        ${page.company?.name && html`<dt>${t('company')}</dt><dd>${page.company.name}</dd>`}
        <dt>${t('created')}</dt><dd>${page.createTime}</dd>
        <dt>${t('updated')}</dt><dd data-test="updated">${page.lastUpdateTime}</dd>
      </dl>
      <${DeleteCustomer} id=${page.customerId} />
    </section>
    <section>
      <h3>${t('fields')}</h3>
      <dl data-test="fields">${page.fields.map((f) => html`<${FieldRow} key=${`${f.key}:${f.value}`} id=${page.customerId} field=${f} onSaved=${reload} />`)}</dl>
    </section>
    <${Tags} page=${page} facets=${facets.data} onSaved=${reload} />
    <${Relations} page=${page} facets=${facets.data} onSaved=${reload} />
    <section>
      <h3>${t('followUps')}</h3>
      <${FollowUps} rows=${page.followUps} />
    </section>
    <section>
      <h3>${t('wechat')}</h3>
      <${Table} test="wechat" rows=${page.wechat} columns=${[
        { head: 'member', cell: (w: Wechat) => w.qwUserId },
        { head: 'nickname', cell: (w: Wechat) => w.wechatNickname ?? '' },
        { head: 'id', cell: (w: Wechat) => w.externalUserId },
        { head: 'remark', cell: (w: Wechat) => w.qwRemark ?? '' },
      ]} />
    </section>
  `
}
