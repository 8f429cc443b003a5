/** A customer's page (`#/customer/<id>`): profile fields by option name, tags, relations, follow-ups, WeChat identity. GET customers/<id>. */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { status, Table, useApi } from '../components.js'
import { t } from '../i18n.js'
import { typeName } from './customers.js'

export interface CustomerPage {
  customerId: number; name: string | null; type: number; createTime: string; lastUpdateTime: string; company: { name?: string } | null
  fields: { key: string; label: string; value: string | null }[]
  tags: { id: number; name: string; group: string | null }[]
  relations: { relationId: number; qwUserId: string; memberName: string | null; remark: string | null; createTime: string }[]
  followUps: { id: number; content: string; createTime: string; operator: { name: string } }[]
  wechat: { qwUserId: string; externalUserId: string; unionId: string | null; wechatNickname: string | null; qwRemark: string | null }[]
}

type Relation = CustomerPage['relations'][number]
type FollowUp = CustomerPage['followUps'][number]
type Wechat = CustomerPage['wechat'][number]

export function Customer({ params }: { params: string[] }): VNode {
  const loaded = useApi<CustomerPage>(`customers/${params[0]}`)
  const shown = status(loaded, 'notFound')
  if (shown) return html`<section>${shown}</section>`
  const page = loaded.data!
  return html`
    <section>
      <h2 data-test="customer-name">${page.name ?? String(page.customerId)}</h2>
      <dl>
        <dt>${t('id')}</dt><dd>${page.customerId}</dd>
        <dt>${t('type')}</dt><dd>${typeName(page.type)}</dd>
        ${page.company?.name && html`<dt>${t('company')}</dt><dd>${page.company.name}</dd>`}
        <dt>${t('created')}</dt><dd>${page.createTime}</dd>
        <dt>${t('updated')}</dt><dd>${page.lastUpdateTime}</dd>
      </dl>
    </section>
    <section>
      <h3>${t('fields')}</h3>
      <dl data-test="fields">${page.fields.map((f) => html`<dt title=${f.key}>${f.label}</dt><dd data-field=${f.key}>${f.value ?? '—'}</dd>`)}</dl>
    </section>
    <section data-test="tags">
      <h3>${t('tags')}</h3>
      ${page.tags.length === 0 ? html`<p class="muted">${t('empty')}</p>` : page.tags.map((tag) => html`<span class="tag" title=${tag.group ?? ''}>${tag.name}</span>`)}
    </section>
    <section>
      <h3>${t('relations')}</h3>
      <${Table} test="relations" rows=${page.relations} rowKey=${(r: Relation) => r.relationId} columns=${[
        { head: 'member', cell: (r: Relation) => html`${r.memberName ?? r.qwUserId}<span class="muted"> ${r.qwUserId}</span>` },
        { head: 'remark', cell: (r: Relation) => r.remark ?? '' },
        { head: 'since', cell: (r: Relation) => r.createTime },
      ]} />
    </section>
    <section>
      <h3>${t('followUps')}</h3>
      <${Table} test="follow-ups" rows=${page.followUps} rowKey=${(f: FollowUp) => f.id} columns=${[
        { head: 'time', cell: (f: FollowUp) => f.createTime },
        { head: 'operator', cell: (f: FollowUp) => f.operator.name },
        { head: 'content', cell: (f: FollowUp) => f.content },
      ]} />
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
