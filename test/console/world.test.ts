/**
 * The demo console's world view (docs/console.md), in a real browser: Debian's Chromium driven by
 * playwright-core against the standalone fake on 127.0.0.1:0. Search a customer by mobile, open it,
 * see its name, a select field by option name and its members; switch the language. The guard on
 * the console's data routes is tested without a browser. (docs/console.png: test/console/live.browser.test.ts.)
 */
import { createHash } from 'node:crypto'
import { getResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock, type RunningServer } from '../../mock/index.js'
import { browserMissing, get, NOW, useConsole } from './browser.js'

describe('the console is served by the fake, its data behind the admin guard', () => {
  let mock: Mock
  let server: RunningServer
  let guarded: Mock
  let guardedServer: RunningServer
  beforeAll(async () => {
    mock = await createMock({ seed: 'console', customers: 40, staff: 4, now: () => NOW })
    server = await startServer(mock, { port: 0, host: '127.0.0.1' })
    guarded = await createMock({ seed: 'console', customers: 10, staff: 2, now: () => NOW, adminToken: 'open-sesame-42' })
    guardedServer = await startServer(guarded, { port: 0, host: '127.0.0.1' })
  })
  afterAll(async () => {
    await server?.close()
    await guardedServer?.close()
  })

  it('serves the page, its modules, the vendor modules and the stylesheets under /__mock/ui/, and /__mock/ui redirects there', async () => {
    const html = await get(server, '/__mock/ui/')
    expect(html.headers['content-type']).toMatch(/^text\/html/)
    for (const file of ['app/main.js', 'app/world/customer.js', 'vendor/preact.js', 'vendor/hooks.js', 'vendor/htm-preact.js', 'vendor/uplot.js']) {
      const served = await get(server, `/__mock/ui/${file}`)
      expect([file, served.status, served.headers['content-type']]).toEqual([file, 200, expect.stringMatching(/^text\/javascript/)])
    }
    // A console module is served as JavaScript: its types are gone, its imports are the bare names the import map maps.
    const main = (await get(server, '/__mock/ui/app/main.js')).text
    expect(main).toContain("from 'htm/preact'".replace(/'/g, main.includes('"htm/preact"') ? '"' : "'"))
    expect(main).not.toMatch(/interface PageDefinition/)
    expect((await get(server, '/__mock/ui/app.css')).headers['content-type']).toMatch(/^text\/css/)
    expect((await get(server, '/__mock/ui/vendor/uplot.css')).headers['content-type']).toMatch(/^text\/css/)
    expect((await get(server, '/__mock/ui')).status).toBe(308)
    for (const wrong of ['/__mock/ui/nope.js', '/__mock/ui/app/nope.js', '/__mock/ui/app/../assets.js', '/__mock/ui/app/%2e%2e/assets.js', '/__mock/ui/vendor/nope.js', '/__mock/ui/app/main.ts']) {
      expect([wrong, (await get(server, wrong)).status]).toEqual([wrong, 404])
    }
  })

  it('the page allows its one inline script, the import map, by hash; nothing else inline', async () => {
    const page = await get(server, '/__mock/ui/')
    const map = page.text.match(/<script type="importmap">([^<]*)<\/script>/)![1]!
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain(`script-src 'self' 'sha256-${createHash('sha256').update(map).digest('base64')}'`)
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.text.match(/<script/g)).toHaveLength(2) // the map and the module, nothing inline besides the map
    expect(page.text).not.toMatch(/\son[a-z]+=/)
  })

  it('a customer search and a customer page come from the world, select fields by option name', async () => {
    const [first] = mock.world.customers({ limit: 1 })
    const mobile = (first!.fieldValues.mobile as string[])[0]!
    const found = await get(server, `/__mock/customers?query=${mobile}`)
    expect(found.status).toBe(200)
    expect(found.json.hits.map((h: { customerId: number }) => h.customerId)).toContain(first!.customerId)
    const page = (await get(server, `/__mock/customers/${first!.customerId}`)).json
    expect(page.name).toBe(first!.fieldValues.name)
    expect(page.fields.find((f: { key: string }) => f.key === 'customer_stage').value).toBe(first!.fieldValues.customer_stage)
    expect(page.relations.map((r: { memberName: string }) => r.memberName)).toEqual(mock.world.relationsOf(first!.customerId).map((r) => mock.world.member(r.qwUserId)!.name))
    expect((await get(server, '/__mock/customers/1')).status).toBe(404)
    expect((await get(server, '/__mock/customers?limit=0')).status).toBe(400)
  })

  it('a request from a foreign Host without the token is refused (DNS-rebinding guard), with the token it is answered', async () => {
    expect((await get(server, '/__mock/customers?query=1', { host: 'evil.example:80' })).status).toBe(403)
    expect((await get(server, '/__mock/departments', { host: 'evil.example:80' })).status).toBe(403)
    expect((await get(guardedServer, '/__mock/customers?query=1')).status).toBe(401)
    expect((await get(guardedServer, '/__mock/customers?query=1', { authorization: 'Bearer open-sesame-42', host: 'evil.example:80' })).status).toBe(200)
  })

  it('in-process handlers serve the console too', async () => {
    const response = await getResponse(mock.handlers, new Request('http://127.0.0.1/__mock/ui/'))
    expect(response?.status).toBe(200)
    expect(await response!.text()).toContain('<script type="module" src="app/main.js">')
  })

  it('the page itself is static code and loads without the token (it asks for the token for its data)', async () => {
    expect((await get(guardedServer, '/__mock/ui/app/main.js')).status).toBe(200)
    expect((await get(guardedServer, '/__mock/ui/vendor/preact.js')).status).toBe(200)
  })
})

describe.skipIf(browserMissing)('the console in Chromium', () => {
  const ui = useConsole({ seed: 'console', customers: 40, staff: 4 })

  it('opens on the customers, a member\'s Chinese name in the members page', async () => {
    const page = await ui.open('#/members')
    const [member] = ui.mock.world.staff()
    await page.getByText(member!.name, { exact: true }).first().waitFor()
    expect(await page.locator('[data-test=nav-members]').textContent()).toBe('成员')
  })

  it('searches a customer by mobile, opens it, shows its name, a field by option name and its members; switches language', async () => {
    const [customer] = ui.mock.world.customers({ limit: 1 })
    const mobile = (customer!.fieldValues.mobile as string[])[0]!
    const stage = customer!.fieldValues.customer_stage as string
    const memberNames = ui.mock.world.relationsOf(customer!.customerId).map((r) => ui.mock.world.member(r.qwUserId)!.name)

    const page = await ui.open()
    await page.locator('[data-test=search]').fill(mobile)
    await page.locator('[data-test=search]').press('Enter')
    const hit = page.locator('[data-test=hit]', { hasText: mobile })
    await hit.first().waitFor()
    await hit.first().click()

    await expect.poll(() => page.locator('[data-test=customer-name]').textContent()).toBe(customer!.fieldValues.name)
    expect(await page.locator('[data-field=customer_stage]').textContent()).toBe(stage)
    const relations = await page.locator('[data-test=relations]').textContent()
    for (const name of memberNames) expect(relations).toContain(name)
    expect(await page.locator('[data-test=nav-customers]').textContent()).toBe('客户')

    await page.locator('[data-test=lang]').click()
    await expect.poll(() => page.locator('[data-test=nav-customers]').textContent()).toBe('Customers')
    expect(await page.locator('[data-test=customer-name]').textContent()).toBe(customer!.fieldValues.name)
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
  })

  it('with an admin token, the console asks for it, then sends it on its requests; #token= fills it in', async () => {
    const guarded = await createMock({ seed: 'console', customers: 10, staff: 2, now: () => NOW, adminToken: 'open-sesame-42' })
    const guardedServer = await startServer(guarded, { port: 0, host: '127.0.0.1' })
    try {
      const tab = await ui.browser.newPage()
      await tab.goto(`${guardedServer.origin}/__mock/ui/#/members`)
      await tab.locator('[data-test=token]').fill('open-sesame-42')
      await tab.locator('[data-test=token]').press('Enter')
      await tab.locator('[data-test=department]').first().waitFor()
      expect(await tab.locator('main').textContent()).toContain(guarded.world.staff()[0]!.name)

      const fresh = await ui.browser.newPage() // a new tab: its own sessionStorage
      await fresh.goto(`${guardedServer.origin}/__mock/ui/#token=open-sesame-42`)
      await fresh.locator('[data-test=hit]').first().waitFor()
      expect(new URL(fresh.url()).hash).toBe('') // the token leaves the address bar
      await tab.close()
      await fresh.close()
    } finally {
      await guardedServer.close()
    }
  })

  it('lists members by department', async () => {
    const page = await ui.open('#/members')
    const staff = ui.mock.world.staff()
    await page.locator('[data-test=department]').first().waitFor()
    const text = await page.locator('main').textContent()
    for (const member of staff) expect(text).toContain(member.name)
    for (const department of new Set(staff.map((m) => m.department))) expect(text).toContain(department)
  })
})
