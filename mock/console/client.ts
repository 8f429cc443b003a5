/**
 * The demo console in the browser (served as /__mock/ui/app.js): plain DOM, no framework. This one
 * function is the whole script: mock/console/assets.ts serves its compiled text, so it must stay
 * self-contained — no imports, no references outside its body (types are fine: they are erased).
 *
 * Data comes from the admin API beside the page (`../customers`, …), through the admin guard: off
 * loopback, the console asks for the admin token (or takes it from the address's `#token=…`, which
 * never reaches a server) and sends it as `Authorization: Bearer`, kept in sessionStorage.
 */
export function consoleApp(): void {
  type Lang = 'zh' | 'en'
  const WORDS = {
    title: { zh: '探马 Mock 控制台', en: 'Tanma mock console' },
    members: { zh: '成员', en: 'Members' },
    customers: { zh: '客户', en: 'Customers' },
    switchTo: { zh: 'English', en: '中文' },
    search: { zh: '搜索', en: 'Search' },
    searchHint: { zh: '姓名、手机号或客户 ID', en: 'name, mobile or customer id' },
    name: { zh: '姓名', en: 'Name' },
    mobile: { zh: '手机号', en: 'Mobile' },
    id: { zh: 'ID', en: 'ID' },
    type: { zh: '类型', en: 'Type' },
    stage: { zh: '阶段', en: 'Stage' },
    followers: { zh: '跟进成员数', en: 'Followers' },
    personal: { zh: '个人', en: 'Personal' },
    enterprise: { zh: '企业', en: 'Enterprise' },
    more: { zh: '还有更多结果，请细化搜索', en: 'More results: narrow the search' },
    none: { zh: '没有结果', en: 'No results' },
    loading: { zh: '加载中…', en: 'Loading…' },
    fields: { zh: '资料字段', en: 'Profile fields' },
    tags: { zh: '标签', en: 'Tags' },
    relations: { zh: '跟进关系', en: 'Follow relations' },
    member: { zh: '成员', en: 'Member' },
    remark: { zh: '备注', en: 'Remark' },
    since: { zh: '添加时间', en: 'Since' },
    followUps: { zh: '跟进记录', en: 'Follow-up records' },
    content: { zh: '内容', en: 'Content' },
    operator: { zh: '操作人', en: 'By' },
    time: { zh: '时间', en: 'Time' },
    wechat: { zh: '微信身份', en: 'WeChat identity' },
    nickname: { zh: '微信昵称', en: 'Nickname' },
    created: { zh: '创建时间', en: 'Created' },
    updated: { zh: '更新时间', en: 'Updated' },
    company: { zh: '企业', en: 'Company' },
    department: { zh: '部门', en: 'Department' },
    left: { zh: '已离职', en: 'left' },
    empty: { zh: '无', en: 'none' },
    token: { zh: '管理令牌', en: 'Admin token' },
    tokenHint: { zh: '此控制台需要管理令牌（--admin-token）', en: 'This console needs the admin token (--admin-token)' },
    useToken: { zh: '使用', en: 'Use' },
    notFound: { zh: '找不到该客户', en: 'No such customer' },
  } satisfies Record<string, Record<Lang, string>>
  type Word = keyof typeof WORDS

  let lang: Lang = localStorage.getItem('tanma-mock.lang') === 'en' ? 'en' : 'zh'
  const t = (word: Word) => WORDS[word][lang]

  const fromHash = location.hash.match(/[#&]token=([^&]+)/)
  if (fromHash) {
    sessionStorage.setItem('tanma-mock.token', decodeURIComponent(fromHash[1]!))
    history.replaceState(null, '', location.pathname + location.search)
  }

  type Child = Node | string | null | undefined | false
  /** An element: `h('td', { class: 'x' }, child…)`; strings become text (never HTML). */
  function h(tag: string, attrs: Record<string, string | ((event: Event) => void)> = {}, ...children: (Child | Child[])[]): HTMLElement {
    const el = document.createElement(tag)
    for (const [key, value] of Object.entries(attrs)) {
      if (typeof value === 'function') el.addEventListener(key, value)
      else el.setAttribute(key, value)
    }
    for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child)
    return el
  }

  class Unauthorised extends Error {}
  async function get<T>(path: string): Promise<T> {
    const token = sessionStorage.getItem('tanma-mock.token')
    const response = await fetch(new URL(`../${path}`, location.href), { headers: token ? { authorization: `Bearer ${token}` } : {} })
    if (response.status === 401) throw new Unauthorised()
    const body = (await response.json()) as T & { error?: string }
    if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`)
    return body
  }

  interface Staff { qwUserId: string; name: string; mobile: string; salesId: number; deleted: 0 | 1 }
  interface Department { id: number; name: string; parentId: number | null; members: Staff[] }
  interface Hit { customerId: number; name: string | null; mobiles: string[]; type: number; stage: string | null; followers: number }
  interface Page {
    customerId: number; name: string | null; type: number; createTime: string; lastUpdateTime: string; company: { name?: string } | null
    fields: { key: string; label: string; value: string | null }[]
    tags: { id: number; name: string; group: string | null }[]
    relations: { relationId: number; qwUserId: string; memberName: string | null; remark: string | null; createTime: string }[]
    followUps: { id: number; content: string; createTime: string; operator: { name: string } }[]
    wechat: { qwUserId: string; externalUserId: string; unionId: string | null; wechatNickname: string | null; wechatAvatar: string | null; qwRemark: string | null }[]
  }

  const app = document.getElementById('app')!
  const main = h('main')
  let searchText = ''

  const typeName = (type: number) => (type === 2 ? t('enterprise') : t('personal'))
  const table = (heads: Word[], rows: HTMLElement[], test: string) =>
    rows.length === 0 ? h('p', { class: 'muted' }, t('empty')) : h('table', { 'data-test': test }, h('thead', {}, h('tr', {}, heads.map((w) => h('th', {}, t(w))))), h('tbody', {}, rows))

  function header(active: string): HTMLElement {
    const link = (href: string, word: Word) => h('a', { href, class: active === word ? 'active' : '', 'data-test': `nav-${word}` }, t(word))
    return h('header', {},
      h('h1', {}, t('title')),
      link('#/members', 'members'),
      link('#/customers', 'customers'),
      h('span', { class: 'spacer' }),
      h('button', { 'data-test': 'lang', click: () => { lang = lang === 'zh' ? 'en' : 'zh'; localStorage.setItem('tanma-mock.lang', lang); void render() } }, t('switchTo')),
    )
  }

  function tokenForm(): HTMLElement {
    const input = h('input', { type: 'password', 'data-test': 'token', placeholder: t('token') }) as HTMLInputElement
    return h('section', {}, h('p', {}, t('tokenHint')), h('form', { submit: (event) => { event.preventDefault(); sessionStorage.setItem('tanma-mock.token', input.value); void render() } }, input, h('button', {}, t('useToken'))))
  }

  async function membersView(): Promise<Node[]> {
    const departments = await get<Department[]>('departments')
    return departments.filter((d) => d.members.length > 0 || d.parentId === null).map((d) =>
      h('section', { 'data-test': 'department' },
        h('h3', {}, d.name, ' ', h('span', { class: 'muted' }, `(${d.members.length})`)),
        table(['name', 'id', 'mobile'], d.members.map((m) => h('tr', {}, h('td', {}, m.name, m.deleted ? h('span', { class: 'muted' }, ` (${t('left')})`) : null), h('td', {}, m.qwUserId), h('td', {}, m.mobile))), 'members'),
      ))
  }

  async function customersView(): Promise<Node[]> {
    const input = h('input', { type: 'search', 'data-test': 'search', placeholder: t('searchHint') }) as HTMLInputElement
    input.value = searchText
    const results = h('div', { 'data-test': 'results' })
    const run = async () => {
      searchText = input.value
      results.replaceChildren(h('p', { class: 'muted' }, t('loading')))
      const { hits, more } = await get<{ hits: Hit[]; more: boolean }>(`customers?query=${encodeURIComponent(searchText)}`)
      results.replaceChildren(
        hits.length === 0 ? h('p', { class: 'muted' }, t('none')) : table(['id', 'name', 'mobile', 'type', 'stage', 'followers'], hits.map((c) =>
          h('tr', { class: 'hit', 'data-test': 'hit', click: () => { location.hash = `#/customer/${c.customerId}` } },
            h('td', {}, h('a', { href: `#/customer/${c.customerId}` }, String(c.customerId))), h('td', {}, c.name ?? ''), h('td', {}, c.mobiles.join(', ')),
            h('td', {}, typeName(c.type)), h('td', {}, c.stage ?? ''), h('td', {}, String(c.followers)))), 'hits'),
        ...(more ? [h('p', { class: 'muted' }, t('more'))] : []),
      )
    }
    const form = h('form', { submit: (event) => { event.preventDefault(); void run().catch(failed) } }, input, h('button', { 'data-test': 'search-go' }, t('search')))
    void run().catch(failed)
    return [h('section', {}, h('h2', {}, t('customers')), form, results)]
  }

  async function customerView(id: string): Promise<Node[]> {
    let page: Page
    try {
      page = await get<Page>(`customers/${encodeURIComponent(id)}`)
    } catch (error) {
      if (error instanceof Unauthorised) throw error
      return [h('section', {}, h('p', { class: 'error' }, t('notFound'), ` ${id}`))]
    }
    return [
      h('section', {},
        h('h2', { 'data-test': 'customer-name' }, page.name ?? String(page.customerId)),
        h('dl', {},
          h('dt', {}, t('id')), h('dd', {}, String(page.customerId)),
          h('dt', {}, t('type')), h('dd', {}, typeName(page.type)),
          page.company?.name ? [h('dt', {}, t('company')), h('dd', {}, page.company.name)] : null,
          h('dt', {}, t('created')), h('dd', {}, page.createTime),
          h('dt', {}, t('updated')), h('dd', {}, page.lastUpdateTime),
        ),
      ),
      h('section', {}, h('h3', {}, t('fields')), h('dl', { 'data-test': 'fields' }, page.fields.flatMap((f) => [h('dt', { title: f.key }, f.label), h('dd', { 'data-field': f.key }, f.value ?? '—')]))),
      h('section', { 'data-test': 'tags' }, h('h3', {}, t('tags')), page.tags.length === 0 ? h('p', { class: 'muted' }, t('empty')) : page.tags.map((tag) => h('span', { class: 'tag', title: tag.group ?? '' }, tag.name))),
      h('section', {}, h('h3', {}, t('relations')), table(['member', 'remark', 'since'], page.relations.map((r) => h('tr', {}, h('td', {}, r.memberName ?? r.qwUserId, h('span', { class: 'muted' }, ` ${r.qwUserId}`)), h('td', {}, r.remark ?? ''), h('td', {}, r.createTime))), 'relations')),
      h('section', {}, h('h3', {}, t('followUps')), table(['time', 'operator', 'content'], page.followUps.map((f) => h('tr', {}, h('td', {}, f.createTime), h('td', {}, f.operator.name), h('td', {}, f.content))), 'follow-ups')),
      h('section', {}, h('h3', {}, t('wechat')), table(['member', 'nickname', 'id', 'remark'], page.wechat.map((w) => h('tr', {}, h('td', {}, w.qwUserId), h('td', {}, w.wechatNickname ?? ''), h('td', {}, w.externalUserId), h('td', {}, w.qwRemark ?? ''))), 'wechat')),
    ]
  }

  function failed(error: unknown) {
    if (error instanceof Unauthorised) main.replaceChildren(tokenForm())
    else main.replaceChildren(h('section', {}, h('p', { class: 'error', 'data-test': 'error' }, error instanceof Error ? error.message : String(error))))
  }

  async function render(): Promise<void> {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
    document.title = t('title')
    const route = location.hash.replace(/^#\/?/, '')
    const customer = route.match(/^customer\/(.+)$/)
    const active: Word = route.startsWith('members') ? 'members' : 'customers'
    app.replaceChildren(header(active), main)
    main.replaceChildren(h('p', { class: 'muted' }, t('loading')))
    try {
      const nodes = customer ? await customerView(customer[1]!) : active === 'members' ? await membersView() : await customersView()
      main.replaceChildren(...nodes)
    } catch (error) {
      failed(error)
    }
  }

  window.addEventListener('hashchange', () => void render())
  void render()
}
