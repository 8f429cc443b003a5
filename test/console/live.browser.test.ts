/**
 * The console's live and control pages in Debian's Chromium (test/console/browser.ts): a field
 * changed on a customer's page reaches a real receiver as a push, shown in the push journal with
 * its decrypted contents, and the signed requests of the test show in the request journal as they
 * happen; a common fault toggled makes the next request fail, visibly; the clock advances.
 * CONSOLE_SCREENSHOT=1 writes docs/console.png (the live page, an answer with Chinese names open).
 */
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserMissing, NOW, useConsole } from './browser.js'
import { startReceiver, type Receiver } from '../push/receiver.js'

const API = '/api'

describe.skipIf(browserMissing)(`the live and control pages${browserMissing ? ` (skipped: ${browserMissing})` : ''}`, () => {
  const ui = useConsole({ seed: 'console-live', customers: 40, staff: 4 })
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startReceiver(ui.mock.credentials)
  })
  afterAll(async () => {
    await receiver.close()
  })

  /** A signed upstream request from the test (the consumer's), on the harness's fixed clock. */
  const signed = async (path: string, body: unknown) => {
    const text = JSON.stringify(body)
    const response = await fetch(`${ui.server.origin}${API}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(ui.mock.sign(text, NOW) as Record<string, string>) }, body: text })
    return (await response.json()) as { code: number; message: string; data?: unknown }
  }
  const text = (page: Page, selector: string) => page.locator(selector).first().textContent()

  it('a field changed on a customer page: the push (decrypted) and the requests show in the live panels', async () => {
    expect((await signed('/v2/push-register', { receiveAddress: receiver.url, subscription: 'edit_customer' })).code).toBe(0)
    const customer = [...ui.mock.world.customers()].find((c) => c.fieldValues.name)!
    const live = await ui.open('#/live')
    await live.locator('[data-test=request]').first().waitFor()
    expect(await text(live, '[data-test=request]')).toContain('push-register')

    // Search the customer, open it, change a field.
    const page = await ui.open('#/customers')
    await page.locator('input[type=search]').fill(customer.fieldValues.name as string)
    await page.locator('input[type=search]').press('Enter')
    await page.locator('[data-test=hit]').first().click()
    await page.locator('[data-test=customer-name]').waitFor()
    await changeAField(page)

    // The push reached the receiver, acknowledged; the push journal shows it with its decrypted contents.
    const pushes = await ui.open('#/pushes')
    const row = pushes.locator('[data-test=push][data-type=edit_customer]').first()
    await row.waitFor()
    await expect.poll(() => row.locator('[data-test=verdict]').textContent()).toBe('acked')
    await row.click()
    expect(JSON.parse((await text(pushes, '[data-test=plaintext]'))!)).toMatchObject({ type: 'edit_customer', content: { customerId: customer.customerId } })
    expect(receiver.messages().some((m) => m.type === 'edit_customer')).toBe(true)
    const before = receiver.received.length
    await pushes.locator('[data-test=resend]').click()
    await expect.poll(() => text(pushes, '[data-test=resent]')).toContain('acked')
    expect(receiver.received.length).toBe(before + 1)

    // Requests made now appear in the open live page: a badly signed one with its verdict and code,
    // a search with its answer (Chinese names) a click away.
    const bad = JSON.stringify({})
    await fetch(`${ui.server.origin}${API}/v3/tags/list-tree`, { method: 'POST', headers: { 'content-type': 'application/json', ...(ui.mock.sign(bad, NOW) as Record<string, string>), sign: '0'.repeat(64) }, body: bad })
    const refused = live.locator('[data-test=request]', { hasText: 'list-tree' }).first()
    await expect.poll(() => refused.textContent()).toContain('mismatch')
    expect(await refused.locator('[data-test=code]').textContent()).toBe('1002')
    expect((await signed('/v3/customer/search', { searchKey: customer.fieldValues.name, pageNo: 1, pageSize: 10 })).code).toBe(0)
    const entry = live.locator('[data-test=request]', { hasText: 'customer/search' }).first()
    await entry.waitFor()
    await entry.click()
    await expect.poll(() => text(live, '[data-test=request-detail]')).toContain(customer.fieldValues.name as string)
    expect(await text(live, '[data-test=verdict]')).toBe('valid')
    await live.locator('[data-test=rate-chart] canvas').waitFor()
    if (process.env.CONSOLE_SCREENSHOT === '1') await live.screenshot({ path: fileURLToPath(new URL('../../docs/console.png', import.meta.url)), fullPage: true })
  })

  it('a common fault toggled on: the next request fails, and the journal shows why', async () => {
    const control = await ui.open('#/control')
    expect(await text(control, '[data-test="preset:gateway-502"]')).toBe('网关 502')
    await control.locator('[data-test="preset:busy"]').click()
    await control.locator('[data-test="preset:busy"][aria-pressed=true]').waitFor()
    await expect.poll(() => ui.mock.context.faults.list().map((r) => r.id)).toContain('preset:busy')
    const live = await ui.open('#/live')
    await live.locator('[data-test=request]').first().waitFor()

    expect(await signed('/v3/tags/list-tree', {})).toMatchObject({ code: -1, message: '系统繁忙' })
    const failed = live.locator('[data-test=request]', { hasText: 'list-tree' }).first()
    await expect.poll(() => failed.locator('[data-test=code]').textContent()).toBe('-1')
    await failed.click()
    await expect.poll(() => text(live, '[data-test=request-detail]')).toContain('系统繁忙')
    expect(await text(live, '[data-test=request-detail]')).toContain('preset:busy')
    await live.locator('[data-test=codes-chart] canvas').waitFor()

    await control.locator('[data-test="preset:busy"]').click()
    await expect.poll(() => ui.mock.context.faults.list()).toEqual([])
    expect((await signed('/v3/tags/list-tree', {})).code).toBe(0)
  })

  it('a wrong fault rule in the JSON editor shows the admin\'s issue by path, and changes nothing', async () => {
    const control = await ui.open('#/control')
    const editor = control.locator('[data-test=faults-json]')
    await editor.locator('textarea').fill(JSON.stringify({ rules: [{ kind: 'latency', ms: -1 }] }))
    await editor.locator('button').click()
    await expect.poll(() => text(control, '[data-test=faults-json] [data-test=error]')).toContain('rules[0].ms')
    expect(ui.mock.context.faults.list()).toEqual([])
  })

  it('coverage: what the requests covered, and starting again', async () => {
    expect((await signed('/v3/tags/list-tree', {})).code).toBe(0)
    const page = await ui.open('#/coverage')
    const group = page.locator('[data-test=coverage-group][data-key="/v3/tags/list-tree"]')
    await expect.poll(() => group.locator('[data-covered=true]').count()).toBeGreaterThan(0)
    await page.locator('[data-test=coverage-restart]').click()
    await expect.poll(() => group.locator('[data-covered=true]').count()).toBe(0)
    // A request made now is counted as it streams in.
    expect((await signed('/v3/tags/list-tree', {})).code).toBe(0)
    await expect.poll(() => group.locator('[data-covered=true]').count(), { timeout: 5000 }).toBeGreaterThan(0)
  })

  it('the world: exported as a download, a pack loaded by name', async () => {
    const page = await ui.open('#/control')
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export]').click()])
    const { readFile } = await import('node:fs/promises')
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as { customers: unknown[] }
    expect(exported.customers).toHaveLength(ui.mock.context.world.liveCustomerCount)
    await page.locator('[data-test=pack]').selectOption('small')
    await page.locator('[data-test=load-pack]').click()
    await expect.poll(() => text(page, '[data-test=world-done]')).toContain(String(ui.mock.context.world.liveCustomerCount))
    expect(ui.mock.context.world.liveCustomerCount).not.toBe(exported.customers.length)
  })

  it('the clock advances, and freezes', async () => {
    const control = await ui.open('#/control')
    const before = ui.mock.context.clock.state()
    await expect.poll(() => text(control, '[data-test=clock-now]')).toBe(before.beijing)
    await control.locator('[data-test="advance-+1h"]').click()
    await expect.poll(() => ui.mock.context.clock.state().now).toBe(before.now + 3_600_000)
    await expect.poll(() => text(control, '[data-test=clock-now]')).toBe(ui.mock.context.clock.state().beijing)
    await control.locator('[data-test=freeze]').click()
    await control.locator('[data-test=clock-frozen]').waitFor()
    expect(ui.mock.context.clock.state()).toMatchObject({ frozen: true, now: before.now + 3_600_000 })
    ui.mock.admin.setClock({ reset: true })
  })
})

/** Changes the customer's stage on its page (the edit form of app/world/customer.ts): another option by name, saved, shown. */
async function changeAField(page: Page): Promise<void> {
  const current = await page.locator('[data-field=customer_stage]').textContent()
  await page.locator('[data-test=edit-customer_stage]').click()
  const select = page.locator('[data-test=field-form] select')
  const options = (await select.locator('option').allTextContents()).slice(1) // after "any"
  const next = options.find((o) => o !== current)!
  await select.selectOption({ label: next })
  await page.locator('[data-test=field-save]').click()
  await expect.poll(() => page.locator('[data-field=customer_stage]').textContent()).toBe(next)
}
