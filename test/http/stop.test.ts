/**
 * Stopping: SIGTERM lets requests in flight finish and exits 0, through any launcher (`node`, `npm
 * start`); `close()` does the same and is quick when nothing is in flight. The CLI tests run the
 * built CLI (dist/), as `npm start` and `npx tanma-mock` do: it is built first when stale.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMock, startServer } from '../../mock/index.js'
import { DEMO_CREDENTIALS } from '../../mock/options.js'
import { signHeaders } from '../../mock/protocol/signing.js'

const ROOT = join(import.meta.dirname, '../..')
const CLI = join(ROOT, 'dist/mock/cli.js')
const PATH = '/api/v3/customer-relation/list-by-relation-create-time-asc'
const started: ChildProcess[] = []

afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})

const newest = (dir: string): number =>
  Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)))

beforeAll(() => {
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newest(join(ROOT, 'mock'))) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' })
}, 120_000)

/** Starts a command in its own process group; resolves with the origin from its banner. */
function launch(command: string, args: string[]): Promise<{ child: ChildProcess; origin: string; exited: Promise<{ code: number | null; signal: string | null }> }> {
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  started.push(child)
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c
      const m = /listening\s+(http:\/\/\S+)/.exec(out)
      if (m && out.includes('Ctrl-C')) resolve({ child, origin: m[1]!, exited })
    })
    child.stderr!.resume()
    void exited.then(({ code }) => reject(new Error(`${command} exited with ${code} before listening`)))
  })
}

/** A signed request for a page; answers its HTTP status, or the error that ended it. */
function page(origin: string): Promise<number | string> {
  const body = '{"size":2}'
  return fetch(origin + PATH, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(DEMO_CREDENTIALS, body) }, body }).then(
    async (r) => (await r.text(), r.status),
    (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message,
  )
}

const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))])

describe('stopping', () => {
  it('SIGTERM finishes the request in flight (not ECONNRESET) and exits 0', async () => {
    const { child, origin, exited } = await launch(process.execPath, [CLI, 'serve', '--port', '0', '--customers', '20', '--latency', '500'])
    const inFlight = page(origin)
    await new Promise((r) => setTimeout(r, 150))
    child.kill('SIGTERM')
    expect(await inFlight).toBe(200)
    expect(await within(exited, 5000)).toEqual({ code: 0, signal: null })
  })

  it('SIGTERM to `npm start` stops the node server too (no orphan left running)', async () => {
    const { child, origin } = await launch('npm', ['start', '--silent', '--', '--port', '0', '--customers', '20'])
    const port = new URL(origin).port
    expect(await page(origin)).toBe(200)
    process.kill(child.pid!, 'SIGTERM')
    const deadline = Date.now() + 5000
    let listening = true
    while (listening && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      listening = await new Promise<boolean>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => (socket.destroy(), resolve(true))).on('error', () => resolve(false))
      })
    }
    expect(listening).toBe(false)
    let group = ''
    try {
      group = execFileSync('ps', ['-o', 'pid=,cmd=', '-g', String(child.pid)], { encoding: 'utf8' })
    } catch {
      // ps exits 1 when no process is left in the group
    }
    expect(group).not.toContain('cli.js')
  }, 20_000)

  it('close() is quick with idle keep-alive connections, and waits for a request in flight', async () => {
    const mock = await createMock({ customers: 20, faults: [{ kind: 'latency', id: 'slow', ms: 400 }] })
    const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
    expect(await page(server.origin)).toBe(200) // leaves an idle keep-alive connection
    const inFlight = page(server.origin)
    await new Promise((r) => setTimeout(r, 100))
    const t = performance.now()
    await server.close()
    expect(await inFlight).toBe(200)
    expect(performance.now() - t).toBeLessThan(2000) // not the 10 s grace: the idle connection closed at once
  })
})
