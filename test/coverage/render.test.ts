/**
 * The report's formats as their readers see them: the table as text, the JUnit XML through a real JUnit
 * parser (junit2json), and the HTML page in a real headless Chromium (Debian's /usr/bin/chromium,
 * driven by playwright-core).
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { parse as parseJunit, type TestCase, type TestSuite } from 'junit2json'
import { describe, expect, it } from 'vitest'
import { renderHtml, renderJunit, renderTable, xmlEscape } from '../../mock/coverage/render.js'

import { complete, LIST, partial } from './fixtures.js'
const DEMO = 'wwd3a0c0ffee5eed00_Demo01'

describe('the terminal table', () => {
  it('shows per tenant each used group covered/total with what it never reached, the groups never used, the failed calls and a summary', () => {
    const text = renderTable(partial)
    const first = text.split('\n\n')[0]!.split('\n')
    expect(first[0]).toBe(`tenant ${DEMO}  8/27 items covered (29%), 4/7 groups used`)
    expect(first[1]).toMatch(new RegExp(`^  ✘ ${LIST} +4/10  按跟进关系创建时间升序列出客户$`))
    expect(first[2]).toBe('      not covered: empty result; 1003 时间戳过期; 40000 请求参数验证失败：size <must be ≤ 1000> & "quoted"; end reached (nextCursor null); resumed after a failure; swept during writes')
    expect(first).toContain('  · never used (3): /v3/clue/list-by-create-time-asc, /v3/echo, push:delete_clue')
    expect(first).toContain('    #7 /v3/customer-relation/list-by-relation-create-time-asc → 1002: the body was re-serialised after signing: signed {"size":2} but sent {"size": 2}')
    expect(text).toContain('tenant ww0123456789abcdef_Other2  5/27 items covered (18%)')
    expect(text.trimEnd().split('\n').at(-1)).toBe('coverage: 13 of 54 items covered (24%), 8 of 14 groups used, 2 tenants, 2 failed calls diagnosed (source: live)')
    expect(text).not.toContain('\u001b[')
  })

  it('ticks a fully covered group and lists nothing as missing; colours only when asked', () => {
    const text = renderTable(complete)
    expect(text).not.toContain('not covered')
    expect(text).not.toContain('✘')
    expect(text).toContain('✔ /v3/echo')
    expect(renderTable(partial, { color: true })).toContain('\u001b[31m✘\u001b[0m')
  })
})

describe('the JUnit XML, read by a JUnit parser', () => {
  it('has a suite per tenant and group, a test case per item; not covered is a failure, a group never used is skipped', async () => {
    const parsed = (await parseJunit(renderJunit(partial))) as { tests?: number; failures?: number; testsuite?: TestSuite[] }
    expect(parsed.tests).toBe(54)
    expect(parsed.failures).toBe(25)
    const suites = parsed.testsuite!
    expect(suites.map((s) => s.name)).toContain(`${DEMO} ${LIST}`)
    const list = suites.find((s) => s.name === `${DEMO} ${LIST}`)!
    expect([list.tests, list.failures, list.skipped]).toEqual([10, 6, 0])
    const cases = list.testcase!
    expect(cases).toHaveLength(10)
    expect(cases.every((c) => c.classname === `${DEMO} ${LIST}`)).toBe(true)
    const byName = new Map(cases.map((c): [string, TestCase] => [c.name!, c]))
    expect(byName.get('success')!.failure).toBeUndefined()
    expect(byName.get('success')!['system-out']).toEqual([`${LIST}#success: covered by 3 journal entries: seq 1, 2, 3`])
    // Escaped on the way in, the label comes back exactly.
    const validation = byName.get('40000 请求参数验证失败：size <must be ≤ 1000> & "quoted"')!
    expect(validation.failure).toEqual([{ message: 'not covered: 40000 请求参数验证失败：size <must be ≤ 1000> & "quoted"', type: 'uncovered', inner: expect.stringContaining(`${LIST}#validation:size: no journal entry covers`) }])
    expect(list['system-err']).toEqual([expect.stringContaining('#7 /v3/customer-relation/list-by-relation-create-time-asc → 1002: the body was re-serialised')])

    const echo = suites.find((s) => s.name === `${DEMO} /v3/echo`)!
    expect([echo.tests, echo.failures, echo.skipped]).toEqual([2, 0, 2])
    expect(echo.testcase!.every((c) => c.skipped?.[0]?.message === 'not covered: /v3/echo was never used')).toBe(true)
    // A failed call to a path no group has still shows, in the tenant's "other paths" suite.
    const other = suites.find((s) => s.name === `${DEMO} other paths`)!
    expect(other['system-err']![0]).toContain('#9 /v2/clue/list-by-create-time-asc → 404')
    // The suites' counts add up to the totals.
    expect(suites.reduce((n, s) => n + (s.failures ?? 0), 0)).toBe(25)
    expect(suites.reduce((n, s) => n + (s.tests ?? 0), 0)).toBe(54)
  })

  it('a report that covers everything has no failure', async () => {
    const parsed = (await parseJunit(renderJunit(complete))) as { failures?: number; testsuite?: TestSuite[] }
    expect(parsed.failures).toBe(0)
    expect(parsed.testsuite!.flatMap((s) => s.testcase ?? []).some((c) => c.failure || c.skipped)).toBe(false)
  })

  it('escapes markup and replaces characters XML 1.0 cannot hold, so any label parses', async () => {
    expect(xmlEscape(`a<b>&"c'\u0000\u001b\uD800`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;\uFFFD\uFFFD\uFFFD')
    const nasty = { ...complete, tenants: [{ ...complete.tenants[0]!, groups: [{ ...complete.tenants[0]!.groups[0]!, items: [{ ...complete.tenants[0]!.groups[0]!.items[0]!, label: ']]></testcase>\u0007<x a="1">' }] }] }] }
    const parsed = (await parseJunit(renderJunit(nasty))) as { testsuite?: TestSuite[] }
    expect(parsed.testsuite![0]!.testcase![0]!.name).toBe(']]></testcase>\uFFFD<x a="1">')
  })
})

// ── the HTML page in a real browser ──

const CHROMIUM = '/usr/bin/chromium'
const playwright = (() => {
  try {
    createRequire(import.meta.url).resolve('playwright-core')
    return true
  } catch {
    return false
  }
})()
const missing = !existsSync(CHROMIUM) ? `${CHROMIUM} is missing (apt-get install -y chromium)` : !playwright ? 'playwright-core is not installed (npm i -D playwright-core)' : undefined
if (missing) console.warn(`skipping the HTML report's Chromium test: ${missing}`)

describe.skipIf(missing !== undefined)('the HTML page in headless Chromium', () => {
  it('shows per tenant the totals, collapsible groups, a filter for what is not covered and the failed calls, with no network', { timeout: 120_000 }, async () => {
    const { chromium } = await import('playwright-core')
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    try {
      const page = await browser.newPage()
      const requests: string[] = []
      const errors: string[] = []
      page.on('request', (r) => requests.push(r.url()))
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
      await page.setContent(renderHtml(partial), { waitUntil: 'load' })

      expect(await page.title()).toBe('tanma-mock coverage: 13/54 items')
      expect(await page.locator('#totals').innerText()).toContain('13 of 54 items covered (24%), 8 of 14 groups used, 2 tenants')
      const tenant = page.locator(`section.tenant[data-app-id="${DEMO}"]`)
      expect(await tenant.locator('.totals').innerText()).toContain('8/27 items covered (29%), 4/7 groups used')
      expect(await page.locator('section.tenant').count()).toBe(2)

      // Groups are collapsible: a used group with items not covered opens, a group never used stays shut until clicked.
      const list = tenant.locator(`details[data-key="${LIST}"]`)
      const echo = tenant.locator('details[data-key="/v3/echo"]')
      expect(await list.getAttribute('open')).not.toBeNull()
      expect(await echo.locator('tr').first().isVisible()).toBe(false)
      await echo.locator('summary').click()
      expect(await echo.locator('tr').first().isVisible()).toBe(true)

      // The label with markup in it is text, not markup; the fault title's <script> did not run.
      expect(await list.locator(`tr[data-id="${LIST}#validation:size"]`).innerText()).toContain('size <must be ≤ 1000> & "quoted"')
      expect(await tenant.locator('details[data-key="fault:slow-1"] summary').innerText()).toContain('<script>alert(1)</script>')

      // "not covered only" hides covered items and fully covered groups.
      const covered = list.locator(`tr[data-id="${LIST}#success"]`)
      const uncovered = list.locator(`tr[data-id="${LIST}#paging:end"]`)
      expect(await covered.isVisible()).toBe(true)
      await page.locator('#only-uncovered').check()
      expect(await covered.isVisible()).toBe(false)
      expect(await uncovered.isVisible()).toBe(true)
      await page.locator('#only-uncovered').uncheck()
      expect(await covered.isVisible()).toBe(true)

      // The failed calls, with why.
      const diagnoses = tenant.locator('table.diagnoses tbody tr')
      expect(await diagnoses.count()).toBe(2)
      expect(await diagnoses.nth(1).innerText()).toContain('the closest known endpoint is /v3/clue/list-by-create-time-asc')

      // A fully covered report hides every group under the filter.
      await page.setContent(renderHtml(complete), { waitUntil: 'load' })
      await page.locator('#only-uncovered').check()
      const shown = await page.evaluate(() => Array.from(document.querySelectorAll('details.group')).filter((d) => (d as HTMLElement).offsetParent !== null).length)
      expect(shown).toBe(0)
      await page.locator('#only-uncovered').uncheck()
      expect(await page.locator('details.group').first().isVisible()).toBe(true)

      expect(requests).toEqual([])
      expect(errors).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
