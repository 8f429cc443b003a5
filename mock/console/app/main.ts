/**
 * The console's entry (served as /__mock/ui/app/main.js; docs/console.md): the layout with its nav,
 * a hash router (`#/customers`, `#/customer/<id>`, …), the language switch, the tenant in force and
 * the token prompt. Pages live in their own modules (app/world/*, app/live/*, app/control/*) and
 * are listed once, in PAGES.
 */
import { html } from 'htm/preact'
import { render, type VNode } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { setToken, tenant, Unauthorised } from './api.js'
import { auth } from './components.js'
import { language, setLanguage, t, type Word } from './i18n.js'
import { restart } from './stream.js'
import { Members } from './world/members.js'
import { Customers } from './world/customers.js'
import { Customer } from './world/customer.js'
import { Tenants } from './world/tenants.js'
import { Lead, Leads } from './world/leads.js'
import { Charts } from './world/charts.js'
import { Live } from './live/requests.js'
import { Pushes } from './live/pushes.js'
import { Coverage } from './live/coverage.js'
import { Control } from './control/control.js'

/** A page: the hash route it answers (a regex source; groups are its params), its nav label if it is listed. */
export interface PageDefinition {
  route: string
  nav?: Word
  view: (props: { params: string[] }) => VNode
}

/** Every page, in nav order (a page without `nav` is reached by links: a customer, a lead). */
export const PAGES: PageDefinition[] = [
  { route: 'customers', nav: 'customers', view: Customers },
  { route: 'customer/(\\d+)', view: Customer },
  { route: 'members', nav: 'members', view: Members },
  { route: 'leads', nav: 'leads', view: Leads },
  { route: 'lead/(\\d+)', view: Lead },
  { route: 'charts', nav: 'charts', view: Charts },
  { route: 'tenants', nav: 'tenants', view: Tenants },
  { route: 'live', nav: 'live', view: Live },
  { route: 'pushes', nav: 'pushes', view: Pushes },
  { route: 'coverage', nav: 'coverage', view: Coverage },
  { route: 'control', nav: 'control', view: Control },
]

const DEFAULT_ROUTE = 'customers'

/** The page for a hash (`#/customer/12` → Customer with ['12']), or undefined. */
function routeOf(hash: string): { page: PageDefinition; params: string[]; path: string } | undefined {
  const path = hash.replace(/^#\/?/, '').split('?')[0]! || DEFAULT_ROUTE
  for (const page of PAGES) {
    const match = path.match(new RegExp(`^${page.route}$`))
    if (match) return { page, params: match.slice(1).map((p) => decodeURIComponent(p)), path }
  }
  return undefined
}

function TokenPrompt({ refused, onToken }: { refused: boolean; onToken: () => void }): VNode {
  const [value, setValue] = useState('')
  return html`<section data-test="token-prompt">
    <p>${refused ? t('tokenWrong') : t('tokenHint')}</p>
    <form onSubmit=${(e: Event) => { e.preventDefault(); setToken(value); restart(); onToken() }}>
      <input type="password" data-test="token" placeholder=${t('token')} value=${value} onInput=${(e: Event) => setValue((e.currentTarget as HTMLInputElement).value)} />
      <button>${t('useToken')}</button>
    </form>
  </section>`
}

function App(): VNode {
  const [hash, setHash] = useState(location.hash)
  const [, setLang] = useState(language())
  const [needToken, setNeedToken] = useState<'none' | 'missing' | 'refused'>('none')
  const [round, setRound] = useState(0) // bumped to remount the page (a token given, a tenant switched)
  useEffect(() => {
    const onHash = () => setHash(location.hash)
    window.addEventListener('hashchange', onHash)
    auth.needed = (error: Unauthorised) => setNeedToken(error.status === 401 && !sessionStorage.getItem('tanma-mock.token') ? 'missing' : 'refused')
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  const route = routeOf(hash)
  const switchLanguage = () => {
    const next = language() === 'zh' ? 'en' : 'zh'
    setLanguage(next)
    setLang(next)
  }
  const scope = tenant()
  return html`
    <header>
      <h1>${t('title')}</h1>
      <nav>
        ${PAGES.filter((p) => p.nav).map((p) => html`<a href=${`#/${p.route}`} class=${route?.page === p ? 'active' : ''} data-test=${`nav-${p.route}`}>${t(p.nav!)}</a>`)}
      </nav>
      <span class="spacer"></span>
      ${scope && html`<span class="scope" data-test="scope" title=${t('tenant')}>${scope}</span>`}
      <button data-test="lang" onClick=${switchLanguage}>${t('switchTo')}</button>
    </header>
    <main key=${`${round}`}>
      ${needToken !== 'none'
        ? html`<${TokenPrompt} refused=${needToken === 'refused'} onToken=${() => { setNeedToken('none'); setRound((n) => n + 1) }} />`
        : route
          ? html`<${route.page.view} key=${route.path} params=${route.params} />`
          : html`<p class="error">${t('notFoundPage')}</p>`}
    </main>
  `
}

setLanguage(language())
render(html`<${App} />`, document.getElementById('app')!)
