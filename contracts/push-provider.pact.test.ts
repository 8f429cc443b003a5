/**
 * The fake as the message provider of push pacts, with `npm run verify` as a user runs it. Runs in
 * the `provider` project, after the consumer tests (vitest.config.ts: groupOrder), so it reads the
 * pacts they just wrote: the reference receiver's push pact (push.pact.test.ts) and the reference
 * client's HTTP pact.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PUSH_TYPES } from '../mock/push/messages.js'

const PUSH_PACT = 'contracts/pacts/tanma-reference-receiver-tanma-openapi-push.json'
const CLIENT_PACT = 'contracts/pacts/tanma-reference-client-tanma-openapi.json'

interface Interaction {
  type: string
  description: string
  contents?: { content: { type: string } }
}
interface Pact {
  consumer: { name: string }
  provider: { name: string }
  interactions: Interaction[]
  metadata: unknown
}

// A V3 message pact (MessageConsumerPact): `messages`, the decrypted message as `contents`.
const V3_PACT = (() => {
  const file = join(mkdtempSync(join(tmpdir(), 'tanma-push-pact-')), 'v3.json')
  const integer = { matchers: [{ match: 'integer' }] }
  writeFileSync(file, JSON.stringify({
    consumer: { name: 'old-receiver' },
    provider: { name: 'tanma-openapi-push' },
    messages: [{ description: 'a register push (V3 message pact)', providerStates: [], contents: { type: 'register', noise: 12, msgId: 1, content: 'hi' }, matchingRules: { body: { '$.noise': integer, '$.msgId': integer, '$.content': { matchers: [{ match: 'type' }] } } }, metadata: { contentType: 'application/json' } }],
    metadata: { pactSpecification: { version: '3.0.0' } },
  }))
  return file
})()

const readPact = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Pact

/** Runs `tanma-mock verify` with these arguments; resolves with its exit code and output. */
function verify(args: string[]): Promise<{ status: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock/cli.ts', 'verify', ...args], { env: { ...process.env, PACT_DO_NOT_TRACK: 'true', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c))
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, out: out.replace(/\x1b\[[0-9;]*m/g, '') })))
}

function writePact(pact: Pact): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tanma-push-pact-')), 'pact.json')
  writeFileSync(file, JSON.stringify(pact, null, 2))
  return file
}

const messages = (pact: Pact) => pact.interactions.filter((i) => i.type === 'Asynchronous/Messages')
// The types the fake pushes today: with the messages stub (register only), new_qw_customer waits for the messages work.
const pushable = (pact: Pact) => messages(pact).filter((i) => PUSH_TYPES.includes(i.contents!.content.type))

describe.concurrent('npm run verify, the fake as the message provider of pushes', { timeout: 120_000 }, () => {
  it('verifies the reference receiver\'s push pact: every message satisfied', async () => {
    const pact = readPact(PUSH_PACT)
    const { status, out } = await verify(['--pact', PUSH_PACT])
    expect(out, out).toContain(`✔ ${pact.interactions.length} interactions satisfied (${pact.interactions.length} push messages)`)
    expect(status).toBe(0)
    for (const { description } of pact.interactions) expect(out).toContain(description)
  })

  it('verifies HTTP and message interactions of one pact file in one run, and counts both (a V3 message pact too)', async () => {
    const client = readPact(CLIENT_PACT)
    const pushes = pushable(readPact(PUSH_PACT))
    expect(pushes.map((i) => i.description)).toContain('a register push')
    const http = client.interactions.filter((i) => ['a connection test', "a page of one member's customers", 'a request signed with the wrong appKey'].includes(i.description))
    expect(http).toHaveLength(3)
    const file = writePact({ ...client, consumer: { name: 'crm-sync' }, interactions: [...http, ...pushes] })
    const { status, out } = await verify(['--pact', file, V3_PACT])
    const total = http.length + pushes.length + 1
    expect(out, out).toContain(`✔ ${total} interactions satisfied (${pushes.length + 1} push messages)`)
    expect(out).toContain('a register push (V3 message pact)')
    expect(status).toBe(0)
    expect(out).toContain('re-signed 2 requests with a fresh timestamp; kept 1 recorded wrong signature wrong')
    expect(out).toMatch(/a register push[^\n]*\n\s+generates a message which\n\s+includes metadata\n[^\n]*\(OK\)\n\s+has a matching body \(OK\)/)
  })

  it('fails a push pact that pins a wrong content shape, naming the interaction and the mismatch', async () => {
    const pact = readPact(PUSH_PACT)
    const register = messages(pact).find((i) => i.description === 'a register push')!
    // The consumer believes register's content is a number: the fake sends a text ("hello").
    const wrong = structuredClone(register) as Interaction & { description: string; contents: { content: { content: unknown } }; matchingRules: { body: Record<string, unknown> } }
    wrong.description = 'a register push with a numeric content'
    wrong.contents.content.content = 42
    wrong.matchingRules.body['$.content'] = { combine: 'AND', matchers: [{ match: 'integer' }] }
    const file = writePact({ ...pact, interactions: [register, wrong] })
    const { status, out } = await verify(['--pact', file])
    expect(status).toBe(1)
    expect(out, out).toContain('✘ 1 of 2 interactions not satisfied:')
    expect(out).toContain('    tanma-reference-receiver: a register push with a numeric content')
    expect(out).not.toContain('    tanma-reference-receiver: a register push\n')
    expect(out).toMatch(/\$\.content -> Expected '[^']*' \(String\) to be an integer/)
  })

  it('verifies a push pact given as a URL, telling the type from the description', async () => {
    const pact = readPact(PUSH_PACT)
    const text = JSON.stringify({ ...pact, interactions: pushable(pact) })
    const server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(text))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { status, out } = await verify(['--pact', `http://127.0.0.1:${(server.address() as AddressInfo).port}/pact.json`])
      expect(out, out).toContain('a register push')
      expect(out).toContain('has a matching body (OK)')
      expect(out).not.toContain('FAILED')
      expect(status).toBe(0)
    } finally {
      server.close()
    }
  })

  it('fails a message of a type the fake does not push, saying so', async () => {
    const pact = readPact(PUSH_PACT)
    const unknown = structuredClone(messages(pact).find((i) => i.description === 'a register push')!)
    unknown.description = 'a push of a type nobody documented'
    unknown.contents!.content.type = 'no_such_push'
    const { status, out } = await verify(['--pact', writePact({ ...pact, interactions: [unknown] })])
    expect(status).toBe(1)
    expect(out, out).toContain('    tanma-reference-receiver: a push of a type nobody documented')
    expect(out).toContain('push message failed: "a push of a type nobody documented": unknown push type no_such_push')
  })
})
