/**
 * The console's browser-test harness: the fake in-process behind startServer on 127.0.0.1:0, Debian's
 * Chromium (`/usr/bin/chromium`, or CHROMIUM_PATH) driven by playwright-core, launched once per test
 * file. `describe.skipIf(browserMissing)` skips with the reason when there is no Chromium.
 *
 *   const ui = useConsole({ seed: 'console', customers: 40, staff: 4 })
 *   it('…', async () => { const page = await ui.open('#/customers'); … })
 *
 * Every page error and console error (a CSP refusal, a failed module) is collected in `ui.errors`;
 * the harness fails the test that caused one.
 */
import { existsSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { createMock, startServer, type Mock, type MockOptions, type RunningServer } from '../../mock/index.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** A reason to skip browser tests, or false. */
export const browserMissing: string | false = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`
/** The fixed clock of console tests. */
export const NOW = 1_750_000_000_000

export interface ConsoleHarness {
  readonly mock: Mock
  readonly server: RunningServer
  readonly browser: Browser
  /** Errors seen in any page this file opened (page errors, console errors). */
  readonly errors: string[]
  /** A new tab on the console at `hash` (`#/customers`), after `#token=` and such if given. */
  open(hash?: string, options?: { viewport?: { width: number; height: number } }): Promise<Page>
}

/** Starts a fake (createMock options, the clock fixed at NOW unless given; or a mock of the caller's making) and Chromium for this file; closes both after it. */
export function useConsole(options: MockOptions | (() => Promise<Mock>) = {}): ConsoleHarness {
  const state: { mock?: Mock; server?: RunningServer; browser?: Browser } = {}
  const errors: string[] = []
  const pages: Page[] = []
  beforeAll(async () => {
    state.mock = typeof options === 'function' ? await options() : await createMock({ now: () => NOW, ...options })
    state.server = await startServer(state.mock, { port: 0, host: '127.0.0.1' })
    state.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
  })
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close()
    const seen = errors.splice(0)
    expect(seen, 'errors in the console page').toEqual([])
  })
  afterAll(async () => {
    await state.browser?.close()
    await state.server?.close()
  })
  return {
    get mock() { return state.mock! },
    get server() { return state.server! },
    get browser() { return state.browser! },
    errors,
    async open(hash = '', { viewport = { width: 1100, height: 900 } } = {}) {
      const page = await state.browser!.newPage({ viewport })
      pages.push(page)
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
      page.on('console', (message) => {
        // A refusal of the admin API (a 4xx for data: a wrong token, a refused edit) is the console's to show; a console file that fails is an error.
        const refusedData = /status of 4\d\d/.test(message.text()) && !message.location().url.includes('/__mock/ui/')
        if (message.type() === 'error' && !refusedData) errors.push(`console: ${message.text()} (${message.location().url})`)
      })
      await page.goto(`${state.server!.origin}/__mock/ui/${hash}`)
      return page
    },
  }
}

/** A GET with headers of our choosing (Host included), outside the browser. */
export function get(server: RunningServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any; text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, agent: false, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try { json = JSON.parse(text) } catch { json = undefined }
        resolve({ status: res.statusCode!, json, text, headers: res.headers })
      })
    })
    req.on('error', reject)
    req.end()
  })
}
