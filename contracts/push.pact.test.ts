/**
 * Consumer contract of a reference push receiver with Tanma's pushes, as Pact V4 asynchronous
 * messages, written to contracts/pacts/. Each message is what the receiver's handler gets after
 * checking and decrypting a push (push-matchers.ts); contracts/push-provider.pact.test.ts then
 * verifies that the fake pushes exactly that.
 */
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PactV4 } from '@pact-foundation/pact'
import { beforeAll, describe, expect, it } from 'vitest'
import { PUSH_TYPE_TABLE } from '../mock/push/messages.js'
import { DEMO_CREDENTIALS } from '../mock/options.js'
import { decryptPushBody, encodePushMessage, encryptPushBody, parsePushMessage, type ReceivedPush } from '../mock/push/crypto.js'
import { pushMessage } from './push-matchers.js'

const CONSUMER = 'tanma-reference-receiver'
const PROVIDER = 'tanma-openapi-push'
const PACT_DIR = fileURLToPath(new URL('./pacts/', import.meta.url))

const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: PACT_DIR, logLevel: 'error' })

/** The receiver's handler: what it keeps of each push (a consumer's own would write to its database). */
function handle(push: ReceivedPush): { kind: string; [key: string]: unknown } {
  switch (push.type) {
    case 'register':
      return { kind: 'registered', greeting: z(push.content, 'string') }
    case 'new_qw_customer': {
      const c = push.content as Record<string, unknown>
      const mobiles = c.mobiles as unknown[]
      if (!Array.isArray(mobiles) || !mobiles.every((m) => typeof m === 'string')) throw new Error('mobiles is not a list of texts')
      return { kind: 'customer', externalUserId: z(c.externalUserId, 'string'), qwUserId: z(c.qwUserId, 'string'), mobiles, nickname: z(c.wechatNickname, 'string') }
    }
    default:
      return { kind: 'ignored' }
  }
}

function z(value: unknown, type: 'string'): string {
  if (typeof value !== type) throw new Error(`expected a ${type}, got ${JSON.stringify(value)}`)
  return value as string
}

/** The message as it reaches the handler: encrypted as the fake sends it, decrypted and parsed by the receiver. */
function throughTheWire(message: unknown): ReceivedPush {
  const { type, noise, msgId, content } = message as { type: string; noise: number; msgId: number; content: unknown }
  const body = encryptPushBody(encodePushMessage({ type, noise: BigInt(noise), msgId, content }), DEMO_CREDENTIALS)
  return parsePushMessage(decryptPushBody(body, DEMO_CREDENTIALS))
}

// Pact merges into an existing file: start from none, so a removed interaction does not linger.
beforeAll(() => rmSync(`${PACT_DIR}${CONSUMER}-${PROVIDER}.json`, { force: true }))

describe('the reference receiver against Tanma pushes', () => {
  it('handles the register push (content a text)', () =>
    pact
      .addAsynchronousInteraction()
      .expectsToReceive('a register push', pushMessage('register'))
      .executeTest(async (message) => {
        expect(handle(throughTheWire(message.contents.content))).toEqual({ kind: 'registered', greeting: 'hello' })
      }))

  it('handles new_qw_customer: the WeCom customer with its member and mobiles', () =>
    pact
      .addAsynchronousInteraction()
      .given('member dowen has the WeCom friend wmdowen0001')
      .expectsToReceive('a new_qw_customer push', pushMessage('new_qw_customer'))
      .executeTest(async (message) => {
        const kept = handle(throughTheWire(message.contents.content))
        const example = PUSH_TYPE_TABLE.find((row) => row.type === 'new_qw_customer')!.example as { externalUserId: string; qwUserId: string; mobiles: string[] }
        expect(kept).toMatchObject({ kind: 'customer', externalUserId: example.externalUserId, qwUserId: example.qwUserId, mobiles: example.mobiles })
      }))
})
