/**
 * Provider verification: the fake against the pact files, with `npm run verify` exactly as a user
 * runs it. Runs after the consumer tests (vitest.config.ts: groupOrder) so it reads the pact they
 * just wrote. A verification that fails fails here.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'

const CONSUMER_PACT = 'contracts/pacts/tanma-reference-client-tanma-openapi.json'

/** Runs `tanma-mock verify` with these arguments; resolves with its exit code and output. */
function verify(args: string[]): Promise<{ status: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock/cli.ts', 'verify', ...args], { env: { ...process.env, PACT_DO_NOT_TRACK: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c))
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, out: out.replace(/\x1b\[[0-9;]*m/g, '') })))
}

// Each test runs its own verifier process on its own port: they can run side by side.
// (Off a terminal, verify runs the Pact verifier in a child process of its own: two Node start-ups each.)
describe.concurrent('npm run verify', { timeout: 120_000 }, () => {
  it('verifies the fake against the reference client\'s pact: every interaction satisfied', async () => {
    const pact = JSON.parse(readFileSync(CONSUMER_PACT, 'utf8')) as { interactions: { description: string }[] }
    const { status, out } = await verify(['--pact', CONSUMER_PACT]) // the push pact: push-provider.pact.test.ts
    expect(out, out).toContain(`✔ ${pact.interactions.length} interactions satisfied`)
    expect(status).toBe(0)
    for (const { description } of pact.interactions) expect(out).toContain(description)
    // Every recorded signature went stale in 2021: all but the deliberately wrong one were signed again.
    expect(out).toContain(`re-signed ${pact.interactions.length - 1} requests with a fresh timestamp; kept 1 recorded wrong signature wrong`)
  })

  it('fails on a pact the fake does not satisfy, naming each unsatisfied interaction and why', async () => {
    const { status, out } = await verify(['--pact', 'contracts/examples/crm-sync-unsatisfied.pact.json'])
    expect(status).toBe(1)
    expect(out).toContain('✘ 2 of 3 interactions not satisfied:')
    expect(out).toContain("crm-sync: a page of dowen's customers with a total count (given member dowen follows 3 customers)")
    expect(out).toContain('Actual map is missing the following keys: total')
    expect(out).toContain('crm-sync: an unsigned request is refused with HTTP 401')
    expect(out).toMatch(/expected 401 but was 200/)
    expect(out).not.toContain('crm-sync: the first page of followed customers')
  })

  it('takes your own provider states from a module and a state-change URL, and injects their values', async () => {
    const calls: unknown[] = []
    const stateServer = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c)).on('end', () => {
        calls.push(JSON.parse(body))
        res.setHeader('content-type', 'application/json').end('{}')
      })
    })
    await new Promise<void>((resolve) => stateServer.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(stateServer.address() as { port: number }).port}/states`
    // The example's module without its handler for the consumer-side state, which the URL then gets.
    const vip = 'a member follows a VIP customer named 王小明'
    const partial = join(mkdtempSync(join(tmpdir(), 'tanma-states-')), 'vip-only.mjs')
    writeFileSync(partial, `import states from ${JSON.stringify(pathToFileURL(resolve('contracts/examples/crm-sync-states.mjs')).href)}\nexport default { ${JSON.stringify(vip)}: states[${JSON.stringify(vip)}] }\n`)
    try {
      const pact = 'contracts/examples/crm-sync-custom-states.pact.json'
      const { status, out } = await verify(['--pact', pact, '--provider-state-setup', partial, url])
      expect(out, out).toContain('✔ 2 interactions satisfied')
      expect(status).toBe(0)
      expect(calls).toEqual([{ state: 'the CRM has synced nothing yet', params: {}, action: 'setup' }])
      // Without the URL, the unknown state fails the verification instead of passing on the wrong world.
      const without = await verify(['--pact', pact, '--provider-state-setup', partial])
      expect(without.status).toBe(1)
      expect(without.out).toContain('provider state failed: "the CRM has synced nothing yet": no provider state "the CRM has synced nothing yet"')
    } finally {
      stateServer.close()
    }
  })

  it('refuses a pact path that does not exist, in one line', async () => {
    const { status, out } = await verify(['--pact', 'contracts/pacts/nope.json'])
    expect(status).toBe(1)
    expect(out.trim()).toBe('tanma-mock: no pact file or directory contracts/pacts/nope.json')
  })
})
