/** `tanma-mock push listen | trigger | register` as a user runs them: against pushes built with tanma-mock/push and stub servers on 127.0.0.1. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { pushRequest } from 'tanma-mock/push'
import { DEMO_CREDENTIALS } from '../../mock/options.js'
import { computeSign } from '../../mock/protocol/signing.js'
import { createMock, startServer } from '../../mock/index.js'
import { send } from '../endpoints/support.js'
import { startReceiver } from './receiver.js'

const CLI = ['--import', new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href, fileURLToPath(new URL('../../mock/cli.ts', import.meta.url))]
const running: ChildProcess[] = []
const servers: Server[] = []
afterEach(async () => {
  running.splice(0).forEach((p) => p.kill())
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

/** Runs the CLI to its end. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  running.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })))
}

/** Starts `push listen` and resolves with its receiveAddress and a way to wait for output. */
function listen(args: string[] = []) {
  const child = spawn(process.execPath, [...CLI, 'push', 'listen', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  running.push(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c))
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c))
  const until = async (test: () => boolean) => {
    for (let k = 0; k < 200 && !test(); k++) await new Promise((r) => setTimeout(r, 25))
    if (!test()) throw new Error(`push listen never printed it: ${out}${err}`)
  }
  return until(() => /receiveAddress\s+http/.test(out)).then(() => ({
    address: /receiveAddress\s+(http\S+)/.exec(out)![1]!,
    banner: out,
    output: () => out,
    errors: () => err,
    until,
  }))
}

/** A stub of the running fake: records each request and answers as given. */
async function stub(answer: (req: IncomingMessage, body: string) => { status: number; body: unknown }) {
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8').on('data', (c: string) => (body += c))
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body })
      const { status, body: out } = answer(req, body)
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out))
    })
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

describe('tanma-mock push listen', () => {
  it('prints where it listens and the receiveAddress, then each push decrypted, acknowledging its exact noise', async () => {
    const receiver = await listen()
    expect(receiver.banner).toContain(`appId ${DEMO_CREDENTIALS.appId}`)
    expect(receiver.banner).toMatch(/push register --address http:\/\/127\.0\.0\.1:\d+\/push/)
    const push = pushRequest({ type: 'new_qw_customer', noise: -203478414587272730n, msgId: 41, content: { externalUserId: 'wmA1', qwUserId: 'dowen' } }, DEMO_CREDENTIALS, Date.UTC(2026, 0, 2, 3, 4, 5))
    const answer = await fetch(receiver.address, { method: 'POST', headers: push.headers, body: push.body })
    expect(answer.status).toBe(200)
    expect(await answer.text()).toBe('-203478414587272730')
    await receiver.until(() => receiver.output().includes('wmA1'))
    expect(receiver.output()).toContain('2026-01-02T03:04:05.000Z  new_qw_customer  msgId 41  noise -203478414587272730  → 200 acknowledged')
    expect(receiver.output()).toContain('"qwUserId": "dowen"')
  })

  it('--json prints one line per push with the message as sent (noise exact); a bad sign is refused (401) and told on stderr', async () => {
    const receiver = await listen(['--json', '--app-id', 'zc_test', '--app-key', 'zc_test', '--corp-id', 'zc_test'])
    const credentials = { appId: 'zc_test', appKey: 'zc_test', corpId: 'zc_test' }
    const push = pushRequest({ type: 'register', noise: 9223372036854775807n, msgId: 999, content: 'hello' }, credentials, 1596681164807)
    const bad = await fetch(receiver.address, { method: 'POST', headers: { ...push.headers, sign: 'f'.repeat(64) }, body: push.body })
    expect(bad.status).toBe(401)
    expect(await (await fetch(receiver.address, { method: 'POST', headers: push.headers, body: push.body })).text()).toBe('9223372036854775807')
    await receiver.until(() => receiver.output().includes('"register"'))
    const line = receiver.output().trim().split('\n').at(-1)!
    expect(line).toBe('{"time":"2020-08-06T02:32:44.807Z","appId":"zc_test","message":{"type":"register","noise":9223372036854775807,"msgId":999,"content":"hello"}}')
    expect(receiver.errors()).toMatch(/refused \(401\): sign does not match/)
  })
})

describe('tanma-mock push trigger', () => {
  it('against a running fake: sends the type with the given content to the registered receiver and prints the msgId, the verdict and the content', async () => {
    const mock = await createMock({ seed: 'cli-trigger', customers: 20, staff: 3, adminToken: 'secret-token' })
    const server = await startServer(mock, { host: '127.0.0.1', port: 0 })
    const inbox = await startReceiver(mock.credentials)
    try {
      await send(mock, '/v2/push-register', JSON.stringify({ receiveAddress: inbox.url, subscription: 'register' }))
      await mock.pushes.settle()
      const member = mock.world.members()[0]!.qwUserId
      const r = await run(['push', 'trigger', 'new_qw_customer', '--content', JSON.stringify({ qwUserId: member }), '--url', server.origin, '--token', 'secret-token'])
      expect(r.code, r.stderr).toBe(0)
      const [, pushed] = inbox.received
      expect(pushed!.message).toMatchObject({ type: 'new_qw_customer', content: { qwUserId: member } })
      expect(r.stdout).toContain(`sent new_qw_customer  msgId ${pushed!.message!.msgId}  noise ${pushed!.message!.noiseText}`)
      expect(r.stdout).toContain(`→ ${inbox.url}  acked  HTTP 200`)
      expect(r.stdout).toContain(`"qwUserId": "${member}"`)
      const refused = await run(['push', 'trigger', 'new_qw_customer', '--content', '{"qwUserId":"nobody"}', '--url', server.origin, '--token', 'secret-token'])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(/push trigger new_qw_customer: 400 .*qwUserId/)
    } finally {
      await inbox.close()
      await server.close()
    }
  })

  it("a refused trigger (4xx) prints the answer's error and issues and exits 1; no fake there exits 1 in one line", async () => {
    const fake = await stub(() => ({ status: 400, body: { error: 'unknown push type nope', issues: [{ path: ['type'], message: 'known: register' }] } }))
    const r = await run(['push', 'trigger', 'nope', '--url', fake.origin, '--tenant', 'corp_App001'])
    expect(r.code).toBe(1)
    expect(fake.seen[0]!.url).toBe('/__mock/tenants/corp_App001/pushes')
    expect(r.stderr).toContain('push trigger nope: 400 unknown push type nope')
    expect(r.stderr).toContain('known: register')
    const bad = await run(['push', 'trigger', 'register', '--content', '{oops', '--url', fake.origin])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--content is not JSON/)
    const gone = await run(['push', 'trigger', 'register', '--url', 'http://127.0.0.1:1'])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toMatch(/^tanma-mock: cannot reach http:\/\/127\.0\.0\.1:1\/__mock\/pushes/)
    expect(gone.stderr).not.toMatch(/^\s+at /m)
  })
})

describe('tanma-mock push register', () => {
  it('sends a signed {receiveAddress, subscription} to /api/v2/push-register and prints the answer; a non-zero code exits 1', async () => {
    let code = 0
    const fake = await stub(() => ({ status: 200, body: code === 0 ? { code: 0, message: '已收到注册消息,请注意接收确认回调' } : { code: 40000, message: '请求参数验证失败：receiveAddress', data: null } }))
    const r = await run(['push', 'register', '--address', 'http://127.0.0.1:3000/push', '--subscription', 'register,new_qw_customer', '--url', fake.origin])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('registered http://127.0.0.1:3000/push')
    const seen = fake.seen[0]!
    expect(seen.url).toBe('/api/v2/push-register')
    expect(JSON.parse(seen.body)).toEqual({ receiveAddress: 'http://127.0.0.1:3000/push', subscription: 'register,new_qw_customer' })
    expect(seen.headers.appid).toBe(DEMO_CREDENTIALS.appId)
    expect(seen.headers.sign).toBe(computeSign(DEMO_CREDENTIALS.appId, seen.headers.timestamp as string, seen.body, DEMO_CREDENTIALS.appKey))
    code = 1
    const refused = await run(['push', 'register', '--address', 'x', '--url', `${fake.origin}/apiServer/api`])
    expect(refused.code).toBe(1)
    expect(fake.seen[1]!.url).toBe('/apiServer/api/v2/push-register')
    expect(refused.stderr).toContain('40000')
  })
})
