/**
 * Tenants (`#/tenants`): every tenant the fake serves (GET tenants, on the default scope) with its
 * counts, and a switch: the console then reads that tenant's admin scope (`/__mock/tenants/<appId>/…`),
 * its stream included. One tenant: the default scope, nothing to switch.
 */
import { html } from 'htm/preact'
import type { VNode } from 'preact'
import { setTenant, tenant } from '../api.js'
import { status, Table, useApi } from '../components.js'
import { t } from '../i18n.js'
import { restart } from '../stream.js'

interface TenantLine { appId: string; customers: number; relations: number; admin: string }

export function Tenants(): VNode {
  const loaded = useApi<TenantLine[]>('tenants', { root: true })
  const shown = status(loaded)
  if (shown) return html`<section>${shown}</section>`
  const tenants = loaded.data!
  const current = tenant() ?? tenants[0]?.appId
  const choose = (appId: string, index: number) => {
    setTenant(index === 0 ? null : appId) // the first tenant is the default scope
    restart()
    location.hash = '#/customers'
  }
  return html`<section>
    <h2>${t('tenants')}</h2>
    ${tenants.length === 0
      ? html`<p class="muted" data-test="single-tenant">${t('singleTenant')}</p>`
      : html`<${Table} test="tenants" rows=${tenants} rowKey=${(x: TenantLine) => x.appId} columns=${[
          { head: 'tenant', cell: (x: TenantLine) => html`<code>${x.appId}</code>${x === tenants[0] ? html` <span class="muted">(${t('defaultTenant')})</span>` : null}` },
          { head: 'customerCount', cell: (x: TenantLine) => x.customers.toLocaleString() },
          { head: 'relationCount', cell: (x: TenantLine) => x.relations.toLocaleString() },
          { head: 'view', cell: (x: TenantLine) => (x.appId === current ? html`<strong>${t('current')}</strong>` : html`<button data-test="tenant-switch" data-app=${x.appId} onClick=${() => choose(x.appId, tenants.indexOf(x))}>${t('view')}</button>`) },
        ]} />`}
  </section>`
}
