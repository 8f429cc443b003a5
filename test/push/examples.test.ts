/** The receivers docs/pushes.md shows, run as users run them: each acknowledges int64 noises exactly and refuses a bad sign. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { acknowledges, pushRequest } from 'tanma-mock/push'
import { DEMO_CREDENTIALS } from '../../mock/options.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href
const NOISES = [-203478414587272730n, 9223372036854775807n, -9223372036854775808n]
const running: ChildProcess[] = []
afterEach(() => running.splice(0).forEach((p) => p.kill()))

/** Starts a receiver with `--port 0` and resolves with its address once it prints it. */
function start(command: string, args: string[]): Promise<{ address: string; output: () => string }> {
  const child = spawn(command, [...args, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^TANMA_/.test(k))) })
  running.push(child)
  let out = ''
  let err = ''
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c))
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c
      const m = /listening (http:\/\/\S+)/.exec(out)
      if (m) resolve({ address: m[1]!, output: () => out })
    })
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}: ${err}`)))
  })
}

async function checkReceiver(receiver: { address: string; output: () => string }) {
  for (const [k, noise] of NOISES.entries()) {
    const push = pushRequest({ type: 'new_qw_customer', noise, msgId: 500 + k, content: { externalUserId: `wm${k}`, qwUserId: 'dowen', mobiles: [] } }, DEMO_CREDENTIALS)
    const answer = await fetch(receiver.address, { method: 'POST', headers: push.headers, body: push.body })
    const body = await answer.text()
    expect(answer.status, body).toBe(200)
    expect(acknowledges(body, noise, 'exact'), `${body} for ${noise}`).toBe(true)
    expect(body.trim()).toBe(noise.toString())
  }
  const push = pushRequest({ type: 'register', noise: 1n, msgId: 1, content: 'hello' }, DEMO_CREDENTIALS)
  const badSign = await fetch(receiver.address, { method: 'POST', headers: { ...push.headers, sign: '0'.repeat(64) }, body: push.body })
  expect(badSign.status).toBe(401)
  const otherKey = pushRequest({ type: 'register', noise: 1n, msgId: 2, content: 'hello' }, { ...DEMO_CREDENTIALS, appKey: 'another' })
  expect((await fetch(receiver.address, { method: 'POST', headers: push.headers, body: otherKey.body })).status).toBe(400)
  expect(receiver.output()).toContain('noise -203478414587272730')
  expect(receiver.output()).not.toContain('msgId 1 ')
}

const python = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' })
const pythonMissing = python.error ? 'python3 is not installed' : python.status !== 0 ? 'python3 cannot import cryptography (pip install cryptography)' : undefined

describe('docs/examples receivers', () => {
  it('push-receiver.ts (node:http + createPushReceiver) acknowledges int64 noises exactly and refuses a bad sign', async () => {
    await checkReceiver(await start(process.execPath, ['--import', TSX, 'docs/examples/push-receiver.ts']))
  })

  if (pythonMissing) it.skip(`README's Python: skipped, ${pythonMissing}`, () => {})
  else {
    it('README\'s Python receiver core decrypts a push and answers its int64 noise exactly', () => {
      const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
      const code = /```python\n([\s\S]*?)```/.exec(readme)![1]!
      for (const noise of NOISES) {
        const push = pushRequest({ type: 'register', noise, msgId: 7, content: 'hello' }, DEMO_CREDENTIALS)
        const run = spawnSync('python3', ['-c', `${code}\nimport sys\nprint(ack(sys.argv[1].encode(), sys.argv[2], sys.argv[3]), end="")`, push.body, DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appKey], { encoding: 'utf8' })
        expect(run.stderr).toBe('')
        expect(run.stdout).toBe(noise.toString())
      }
    })
  }
  if (pythonMissing) it.skip(`push_receiver.py: skipped, ${pythonMissing}`, () => {})
  else {
    it('push_receiver.py (http.server + cryptography AES-CTR) acknowledges int64 noises exactly and refuses a bad sign', async () => {
      await checkReceiver(await start('python3', ['docs/examples/push_receiver.py']))
    })
  }
})
