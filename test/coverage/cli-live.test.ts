/**
 * `tanma-mock coverage` against a real running fake, as a CI job runs it: a scripted consumer that
 * never reaches the end of a sweep, then the gate over HTTP (--url) and offline (--journal of GET
 * /__mock/journal), both naming what is missing; then a consumer that reaches the end passes.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createMock, startServer } from '../../mock/index.js'
import { send } from '../endpoints/support.js'

const CLI = ['--import', new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href, fileURLToPath(new URL('../../mock/cli.ts', import.meta.url))]
const LIST = '/v3/customer-relation/list-by-relation-create-time-asc'

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('tanma-mock coverage against a running fake', () => {
  it('--url and --journal give the same verdict: a sweep that never ends fails `cursor-lists:end`, one that ends passes', { timeout: 120_000 }, async () => {
    const mock = await createMock({ seed: 'coverage-cli', customers: 30, staff: 3 })
    const server = await startServer(mock, { host: '127.0.0.1', port: 0 })
    try {
      const first = await send(mock, LIST, JSON.stringify({ size: 5 }))
      expect(first.json.data.nextCursor).not.toBeNull()
      const spec = 'endpoints:success; cursor-lists:end'
      const live = await run(['coverage', '--url', server.origin, '--require', spec])
      expect(live.code, live.stderr).toBe(1)
      expect(live.stdout + live.stderr).toMatch(/customer-relation\/list-by-relation-create-time-asc[\s\S]*end/)
      const journal = join(mkdtempSync(join(tmpdir(), 'coverage-')), 'journal.json')
      writeFileSync(journal, await (await fetch(`${server.origin}/__mock/journal`)).text())
      const offline = await run(['coverage', '--journal', journal, '--require', spec, '--format', 'json'])
      expect(offline.code, offline.stderr).toBe(1)
      expect(JSON.parse(offline.stdout).tenants[0].groups.find((g: { key: string }) => g.key === LIST).used).toBe(true)

      let cursor = first.json.data.nextCursor as string | null
      while (cursor) cursor = (await send(mock, LIST, JSON.stringify({ size: 100, cursor }))).json.data.nextCursor
      const passed = await run(['coverage', '--url', server.origin, '--require', spec, '--format', 'junit', '--out', join(tmpdir(), `coverage-${process.pid}.xml`)])
      expect(passed.code, passed.stderr + passed.stdout).toBe(0)
    } finally {
      await server.close()
    }
  })
})
