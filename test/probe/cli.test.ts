/** `tanma-mock probe` and `serve --calibration` as a user runs them (one spawn each). */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { createMock, signHeaders, startServer } from '../../mock/index.js'
import { calibrationSchema } from '../../mock/probe/index.js'

const CLI = ['--import', new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href, fileURLToPath(new URL('../../mock/cli.ts', import.meta.url))]
const dir = mkdtempSync(join(tmpdir(), 'tanma-probe-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function run(args: string[], { until }: { until?: RegExp } = {}): Promise<{ code: number | null; stdout: string; stderr: string; kill: () => void }> {
  const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TANMA_'))) })
  child.stdin.end()
  let stdout = ''
  let stderr = ''
  return new Promise((resolve) => {
    const kill = () => child.kill()
    child.stdout.on('data', (d: Buffer) => {
      stdout += d
      if (until?.test(stdout)) resolve({ code: null, stdout, stderr, kill })
    })
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr, kill }))
  })
}

it('probes a fake, prints the table, writes a calibration that serve applies', async () => {
  const mock = await createMock({ skewMs: 60_000, endCursor: 'empty-page', successMessage: 'success' })
  const server = await startServer(mock, { port: 0 })
  const out = join(dir, 'calibration.json')
  const credentials = ['--app-id', mock.credentials.appId, '--app-key', mock.credentials.appKey]
  try {
    const refused = await run(['probe', '--base-url', server.baseUrl, ...credentials, '--out', out])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/at most \d+ requests .* echo and reads only, never a write/)
    expect(refused.stderr).toMatch(/not on a terminal; give --yes to go ahead/)
    expect(mock.admin.requests()).toHaveLength(0)

    const noKey = await run(['probe', '--base-url', server.baseUrl, '--yes'])
    expect(noKey.code).toBe(1)
    expect(noKey.stderr).toMatch(/give the tenant's --app-id and --app-key/)

    const probed = await run(['probe', '--base-url', server.baseUrl, ...credentials, '--out', out, '--qps', '200', '--yes'])
    expect(probed.stderr).toBe(probed.stderr.replace(/\n\s+at /, '')) // no stack trace
    expect(probed.code).toBe(0)
    expect(probed.stdout).toMatch(/^behaviour +\| the fake's default +\| this tenant +\| switch/m)
    expect(probed.stdout).toMatch(/end of data .*\| \* empty-page .*\| --end-cursor/)
    expect(probed.stderr).toMatch(/probing: 100%/)
    expect(probed.stderr).toMatch(/serve it +npx tanma-mock serve --calibration /)
    const calibration = calibrationSchema.parse(JSON.parse(readFileSync(out, 'utf8')))
    expect(calibration.settings).toMatchObject({ skewMs: 60_000, endCursor: 'empty-page', successMessage: 'success' })
    expect(existsSync(`${out}.state.json`)).toBe(false)
  } finally {
    await server.close(0)
  }

  const served = await run(['serve', '--port', '0', '--calibration', out, '--success-message', 'ok'], { until: /Ctrl-C/ })
  try {
    expect(served.stdout).toMatch(/calibrated .*calibration\.json: \d+ measured settings and 8 error codes of http:\/\/127\.0\.0\.1:\d+\/api/)
    expect(served.stdout).toMatch(/; generated worlds use its 10 field definitions and its 4 tag groups \(14 tags\)/)
    const base = /base URL +(\S+)/.exec(served.stdout)![1]!
    const call = async (offsetMs: number, path: string, body: object) => {
      const text = JSON.stringify(body)
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(mock.credentials, text, Date.now() + offsetMs) }, body: text })
      return (await res.json()) as { code: number; message: string }
    }
    // The measured 60 s window, not the default 5 min; the flag wins over the measured message.
    expect((await call(-90_000, '/v3/echo', {})).code).toBe(1003)
    expect((await call(-30_000, '/v3/echo', {})).code).toBe(0)
    expect((await call(0, '/v3/customer-relation/list-by-relation-create-time-asc', { size: 1 })).message).toBe('ok')
  } finally {
    served.kill()
  }
})
