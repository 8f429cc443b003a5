/** Customers (`#/customers`): search by name, mobile or id. GET customers?query=…. */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { useState } from 'preact/hooks'
import { query } from '../api.js'
import { status, Table, useApi } from '../components.js'
import { t } from '../i18n.js'

export interface Hit { customerId: number; name: string | null; mobiles: string[]; type: number; stage: string | null; followers: number }

export const typeName = (type: number): string => (type === 2 ? t('enterprise') : t('personal'))

let remembered = ''

export function Customers(): VNode {
  const [text, setText] = useState(remembered)
  const [asked, setAsked] = useState(remembered)
  const loaded = useApi<{ hits: Hit[]; more: boolean }>(`customers${query({ query: asked })}`)
  const submit = (e: Event) => {
    e.preventDefault()
    remembered = text
    setAsked(text)
  }
  const shown = status(loaded)
  return html`<section>
    <h2>${t('customers')}</h2>
    <form onSubmit=${submit}>
      <input type="search" data-test="search" placeholder=${t('searchHint')} value=${text} onInput=${(e: Event) => setText((e.currentTarget as HTMLInputElement).value)} />
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
            { head: 'followers', cell: (c: Hit) => String(c.followers) },
          ]}
        />
        ${loaded.data!.more && html`<p class="muted">${t('more')}</p>`}`}
    </div>
  </section>`
}
