/**
 * The console's world pages in Chromium (docs/console.md): customer filters and paging, a field
 * changed from the customer page (and a refused one shown by field), tags and a remark edited, a
 * follower added; leads with a follow-up added; the charts; the tenant switch.
 */
import { describe, expect, it } from 'vitest'
import { createTenants, startServer } from '../../mock/index.js'
import { browserMissing, useConsole } from './browser.js'

describe.skipIf(browserMissing)('the world pages in Chromium', () => {
  const ui = useConsole({ seed: 'console-pages', customers: 120, staff: 5 })

  it('searches a customer, opens it, changes a field by option name and sees the new value; a refused value shows the issue under the field and changes nothing', async () => {
    const customer = [...ui.mock.world.customers()].find((c) => c.fieldValues.name && c.fieldValues.mobile)
    const stage = ui.mock.world.fieldDefinitions().find((d) => d.outerField === 'customer_stage')!.items.map((o) => o.name).find((s) => s !== customer!.fieldValues.customer_stage)!
    const page = await ui.open()
    await page.locator('[data-test=search]').fill(String(customer!.customerId))
    await page.locator('[data-test=search]').press('Enter')
    await page.locator('[data-test=hit]', { hasText: String(customer!.customerId) }).first().click()
    await expect.poll(() => page.locator('[data-test=customer-name]').textContent()).toBe(customer!.fieldValues.name)

    await page.locator('[data-test=edit-customer_stage]').click()
    await page.locator('[data-row=customer_stage] [data-test=field-input]').selectOption(stage)
    await page.locator('[data-row=customer_stage] [data-test=field-save]').click()
    await expect.poll(() => page.locator('[data-field=customer_stage]').textContent()).toBe(stage)
    expect(ui.mock.world.customer(customer!.customerId)!.fieldValues.customer_stage).toBe(stage)

    const mobiles = customer!.fieldValues.mobile
    await page.locator('[data-test=edit-mobile]').click()
    await page.locator('[data-row=mobile] [data-test=field-input]').fill('不是号码')
    await page.locator('[data-row=mobile] [data-test=field-save]').click()
    await expect.poll(() => page.locator('[data-row=mobile] [data-test=issue]').textContent()).toMatch(/./)
    expect(ui.mock.world.customer(customer!.customerId)!.fieldValues.mobile).toEqual(mobiles)
    expect(await page.locator('[data-field=customer_stage]').textContent()).toBe(stage)
  })

  it('adds and removes a tag, changes a remark and adds a follower from the customer page', async () => {
    const customer = [...ui.mock.world.customers()].find((c) => c.followers.length < ui.mock.world.members().length)!
    const tag = ui.mock.world.tags().find((t) => !customer.tagIds.includes(t.id))!
    const newcomer = ui.mock.world.members().find((m) => !customer.followers.includes(m.qwUserId))!
    const page = await ui.open(`#/customer/${customer.customerId}`)
    await page.locator('[data-test=customer-name]').waitFor()

    await page.locator('[data-test=tag-add]').selectOption(String(tag.id))
    await page.locator('[data-test=tag-add-go]').click()
    await page.locator(`[data-tag="${tag.id}"]`).waitFor()
    expect(ui.mock.world.customer(customer.customerId)!.tagIds).toContain(tag.id)
    await page.locator(`[data-tag="${tag.id}"] [data-test=tag-remove]`).click()
    await page.locator(`[data-tag="${tag.id}"]`).waitFor({ state: 'detached' })
    expect(ui.mock.world.customer(customer.customerId)!.tagIds).not.toContain(tag.id)

    const remark = page.locator('[data-test=relations] tbody tr').first().locator('[data-test=remark-input]')
    await remark.fill('重要客户')
    await page.locator('[data-test=relations] tbody tr').first().locator('[data-test=remark-save]').click()
    await expect.poll(() => ui.mock.world.relationsOf(customer.customerId)[0]!.qwRemark).toBe('重要客户')

    await page.locator('[data-test=relation-add]').selectOption(newcomer.qwUserId)
    await page.locator('[data-test=relation-add-go]').click()
    await page.locator('[data-test=relations]', { hasText: newcomer.name }).waitFor()
    expect(ui.mock.world.relationsOf(customer.customerId).map((r) => r.qwUserId)).toContain(newcomer.qwUserId)
  })

  it('deletes a customer after asking, and goes back to the search', async () => {
    const [, , victim] = ui.mock.world.customers({ limit: 3 })
    const page = await ui.open(`#/customer/${victim!.customerId}`)
    await page.locator('[data-test=delete]').click()
    await page.locator('[data-test=delete-confirm]').click()
    await page.locator('[data-test=search]').waitFor()
    expect(ui.mock.world.customer(victim!.customerId)).toBeUndefined()
    await page.goto(`${ui.server.origin}/__mock/ui/#/customer/${victim!.customerId}`)
    await page.locator('[data-test=not-found]').waitFor()
  })

  it('filters customers by stage on the server and pages through them', async () => {
    const stage = '成交'
    const expected = [...ui.mock.world.customers()].filter((c) => c.fieldValues.customer_stage === stage)
    const page = await ui.open()
    await page.locator('[data-test=filter-stage] option', { hasText: stage }).waitFor({ state: 'attached' })
    await page.locator('[data-test=filter-stage]').selectOption(stage)
    await expect.poll(async () => (await page.locator('[data-test=hit]').allTextContents()).every((row) => row.includes(stage)) && (await page.locator('[data-test=hit]').count()) === Math.min(50, expected.length)).toBe(true)
    if (expected.length > 50) {
      await page.locator('[data-test=next]').click()
      await expect.poll(() => page.locator('[data-test=page]').textContent()).toBe('第 2 页')
      await expect.poll(() => page.locator('[data-test=hit]').first().textContent()).toContain(String(expected[50]!.customerId))
    }
  })

  it('shows members by department with counts, and a member who left as left, in English too', async () => {
    const leaver = ui.mock.world.staff().at(-1)!
    ui.mock.admin.deleteMember(leaver.qwUserId)
    const page = await ui.open('#/members')
    const row = page.locator('[data-test=members] tr', { hasText: leaver.qwUserId })
    await expect.poll(() => row.textContent()).toContain('已离职')
    const department = page.locator('[data-test=department]', { has: row })
    expect(await department.locator('h3').textContent()).toContain('1 已离职')
    await page.locator('[data-test=lang]').click()
    await expect.poll(() => row.textContent()).toContain('left')
    expect(await page.locator('[data-test=nav-members]').textContent()).toBe('Members')
  })

  it('lists leads, opens one and adds a follow-up record', async () => {
    const [lead] = ui.mock.world.leads({ limit: 1 })
    const page = await ui.open('#/leads')
    await page.locator('[data-test=hit]').first().click()
    await page.locator('[data-test=lead-name]').waitFor()
    expect(new URL(page.url()).hash).toBe(`#/lead/${lead!.customerId}`)
    await page.locator('[data-test=follow-up-input]').fill('已电话联系，约下周面谈')
    await page.locator('[data-test=follow-up-go]').click()
    await page.locator('[data-test=follow-ups]', { hasText: '已电话联系，约下周面谈' }).waitFor()
    expect(ui.mock.world.followUps(lead!.customerId).map((f) => f.content)).toContain('已电话联系，约下周面谈')
  })

  it('charts customers per stage and source, and relations per month', async () => {
    const page = await ui.open('#/charts')
    await page.locator('[data-test=per-stage]').waitFor()
    const stages = await page.locator('[data-test=per-stage]').textContent()
    for (const option of ui.mock.world.fieldDefinitions().find((d) => d.outerField === 'customer_stage')!.items) expect(stages).toContain(option.name)
    await page.locator('[data-test=per-month] canvas').waitFor()
  })

  it('lists the tenants and switches the console to another tenant\'s admin scope', async () => {
    const A = { appId: 'ww1111111111111111_TenA01', appKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }
    const B = { appId: 'ww2222222222222222_TenB01', appKey: 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' }
    const tenants = await createTenants({ tenants: [{ ...A, seed: 'tenant-a', customers: 30, staff: 3 }, { ...B, seed: 'tenant-b', customers: 20, staff: 2 }] })
    const server = await startServer(tenants, { port: 0, host: '127.0.0.1' })
    try {
      const tab = await ui.browser.newPage()
      await tab.goto(`${server.origin}/__mock/ui/#/tenants`)
      await tab.locator(`[data-test=tenant-switch][data-app="${B.appId}"]`).click()
      await expect.poll(() => tab.locator('[data-test=scope]').textContent()).toBe(B.appId)
      const [first] = tenants.tenants![1]!.world.customers({ limit: 1 })
      await tab.locator('[data-test=hit]', { hasText: String(first!.customerId) }).first().waitFor()
      await tab.close()
    } finally {
      await server.close()
    }
  })
})
