/**
 * The demo console's world view (docs/console.md), in a real browser: Debian's Chromium driven by
 * playwright-core against the standalone fake on 127.0.0.1:0. Search a customer by mobile, open it,
 * see its name, a select field by option name and its members; switch the language. The guard on
 * the console's data routes is tested without a browser. CONSOLE_SCREENSHOT=1 writes docs/console.png.
 */
import { existsSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { getResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock, type RunningServer } from '../../mock/index.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const NOW = 1_750_000_000_000

/** A GET with headers of our choosing (Host included). */
function get(server: RunningServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, agent: false, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try { json = JSON.parse(text) } catch { json = undefined }
        resolve({ status: res.statusCode!, json, type: res.headers['content-type'] })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

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

  it('serves the page, its script and its stylesheet under /__mock/ui/, and /__mock/ui redirects there', async () => {
    expect((await get(server, '/__mock/ui/')).type).toMatch(/^text\/html/)
    expect((await get(server, '/__mock/ui/app.js')).type).toMatch(/^text\/javascript/)
    expect((await get(server, '/__mock/ui/app.css')).type).toMatch(/^text\/css/)
    expect((await get(server, '/__mock/ui')).status).toBe(308)
    expect((await get(server, '/__mock/ui/nope.js')).status).toBe(404)
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
    expect(await response!.text()).toContain('<script type="module" src="app.js">')
  })

  it('the page itself is static code and loads without the token (it asks for the token for its data)', async () => {
    const page = await get(guardedServer, '/__mock/ui/app.js')
    expect(page.status).toBe(200)
  })
})

const browserMissing = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`

describe.skipIf(browserMissing)('the console in Chromium', () => {
  let mock: Mock
  let server: RunningServer
  let browser: Browser
  let page: Page
  beforeAll(async () => {
    mock = await createMock({ seed: 'console', customers: 40, staff: 4, now: () => NOW })
    server = await startServer(mock, { port: 0, host: '127.0.0.1' })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } })
    page.on('pageerror', (error) => { throw error })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('searches a customer by mobile, opens it, shows its name, a field by option name and its members; switches language', async () => {
    const [customer] = mock.world.customers({ limit: 1 })
    const mobile = (customer!.fieldValues.mobile as string[])[0]!
    const stage = customer!.fieldValues.customer_stage as string
    const memberNames = mock.world.relationsOf(customer!.customerId).map((r) => mock.world.member(r.qwUserId)!.name)

    await page.goto(`${server.origin}/__mock/ui/`)
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

    if (process.env.CONSOLE_SCREENSHOT === '1') await page.screenshot({ path: fileURLToPath(new URL('../../docs/console.png', import.meta.url)), fullPage: true })

    await page.locator('[data-test=lang]').click()
    await expect.poll(() => page.locator('[data-test=nav-customers]').textContent()).toBe('Customers')
    expect(await page.locator('[data-test=customer-name]').textContent()).toBe(customer!.fieldValues.name)
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
  })

  it('with an admin token, the console asks for it, then sends it on its requests; #token= fills it in', async () => {
    const guarded = await createMock({ seed: 'console', customers: 10, staff: 2, now: () => NOW, adminToken: 'open-sesame-42' })
    const guardedServer = await startServer(guarded, { port: 0, host: '127.0.0.1' })
    try {
      const tab = await browser.newPage()
      await tab.goto(`${guardedServer.origin}/__mock/ui/#/members`)
      await tab.locator('[data-test=token]').fill('open-sesame-42')
      await tab.locator('[data-test=token]').press('Enter')
      await tab.locator('[data-test=department]').first().waitFor()
      expect(await tab.locator('main').textContent()).toContain(guarded.world.staff()[0]!.name)

      const fresh = await browser.newPage() // a new tab: its own sessionStorage
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
    await page.goto(`${server.origin}/__mock/ui/#/members`)
    const staff = mock.world.staff()
    await page.locator('[data-test=department]').first().waitFor()
    const text = await page.locator('main').textContent()
    for (const member of staff) expect(text).toContain(member.name)
    for (const department of new Set(staff.map((m) => m.department))) expect(text).toContain(department)
  })
})
