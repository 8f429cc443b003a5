/**
 * Customers (`#/customers`): search by name, mobile or id, filters (member, type, stage, tag,
 * source), paged. GET customers?query=…&member=…&cursor=…, GET customer-filters. The search and
 * filters run on the server (mock/console/queries.ts).
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useState } from 'preact/hooks'
import { query } from '../api.js'
import { Field, Select, status, Table, useApi } from '../components.js'
import { t } from '../i18n.js'

export interface Hit { customerId: number; name: string | null; mobiles: string[]; type: number; stage: string | null; source: string | null; followers: number }
export interface Facets { members: { qwUserId: string; name: string; deleted: 0 | 1 }[]; stages: string[]; sources: string[]; tags: { id: number; name: string; group: string | null }[] }

export const typeName = (type: number): string => (type === 2 ? t('enterprise') : t('personal'))

interface Search { query: string; member: string; type: string; stage: string; source: string; tag: string }
const EMPTY: Search = { query: '', member: '', type: '', stage: '', source: '', tag: '' }
/** The last search and page, kept while the tab lives (back from a customer returns to it). */
let remembered: { search: Search; cursors: number[] } = { search: EMPTY, cursors: [0] }

export function Customers(): VNode {
  const [form, setForm] = useState<Search>(remembered.search)
  const [asked, setAsked] = useState<Search>(remembered.search)
  const [cursors, setCursors] = useState<number[]>(remembered.cursors) // the cursor of each page so far: back is a pop
  const facets = useApi<Facets>('customer-filters')
  const loaded = useApi<{ hits: Hit[]; next: number | null }>(`customers${query({ ...asked, cursor: cursors[cursors.length - 1] || undefined })}`)
  remembered = { search: asked, cursors }

  const run = (search: Search) => {
    setAsked(search)
    setCursors([0])
  }
  const set = (key: keyof Search, submit = false) => (value: string) => {
    const next = { ...form, [key]: value }
    setForm(next)
    if (submit) run(next)
  }
  const f = facets.data
  const shown = status(loaded)
  return html`<section>
    <h2>${t('customers')}</h2>
    <form class="filters" onSubmit=${(e: Event) => { e.preventDefault(); run(form) }}>
      <${Field} label=${t('search')}>
        <input type="search" data-test="search" placeholder=${t('searchHint')} value=${form.query} onInput=${(e: Event) => set('query')((e.currentTarget as HTMLInputElement).value)} />
      <//>
      <${Field} label=${t('member')}><${Select} test="filter-member" any value=${form.member} options=${f ? f.members.map((m) => [m.qwUserId, m.deleted ? `${m.name} (${t('left')})` : m.name]) : []} onChange=${set('member', true)} /><//>
      <${Field} label=${t('type')}><${Select} test="filter-type" any value=${form.type} options=${[['1', t('personal')], ['2', t('enterprise')]]} onChange=${set('type', true)} /><//>
      <${Field} label=${t('stage')}><${Select} test="filter-stage" any value=${form.stage} options=${f ? f.stages.map((s) => [s, s]) : []} onChange=${set('stage', true)} /><//>
      <${Field} label=${t('source')}><${Select} test="filter-source" any value=${form.source} options=${f ? f.sources.map((s) => [s, s]) : []} onChange=${set('source', true)} /><//>
      <${Field} label=${t('tag')}><${Select} test="filter-tag" any value=${form.tag} options=${f ? f.tags.map((tag) => [String(tag.id), tag.group ? `${tag.group} / ${tag.name}` : tag.name]) : []} onChange=${set('tag', true)} /><//>
      <button data-test="search-go">${t('search')}</button>
    </form>
    <div data-test="results">
      ${shown ??
      html`<${Table}
          test="hits"
          rows=${loaded.data!.hits}
          rowKey=${(c: Hit) => c.customerId}
          onRow=${(c: Hit) => { location.hash = `#/customer/${c.customerId}` }}
          columns=${[
            { head: 'id', cell: (c: Hit) => html`<a href=${`#/customer/${c.customerId}`}>${c.customerId}</a>` },
            { head: 'name', cell: (c: Hit) => c.name ?? '' },
            { head: 'mobile', cell: (c: Hit) => c.mobiles.join(', ') },
            { head: 'type', cell: (c: Hit) => typeName(c.type) },
            { head: 'stage', cell: (c: Hit) => c.stage ?? '' },
            { head: 'source', cell: (c: Hit) => c.source ?? '' },
            { head: 'followers', cell: (c: Hit) => String(c.followers) },
          ]}
        />
        <div class="pager">
          <button data-test="previous" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>${t('previous')}</button>
          <span data-test="page">${t('page', { n: cursors.length })}</span>
          <button data-test="next" disabled=${loaded.data!.next === null} onClick=${() => setCursors([...cursors, loaded.data!.next!])}>${t('next')}</button>
        </div>`}
    </div>
  </section>`
}
