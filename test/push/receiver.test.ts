/** tanma-mock/push: what a consumer's receiver uses — verify, decrypt (noise exact), acknowledge; the ready receiver on node:http and Express; receivePush for fetch-style servers. */
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { acknowledges } from '../../mock/push/crypto.js'
import {
  ackFor,
  createPushReceiver,
  decryptPush,
  encodePushMessage,
  encryptPushBody,
  pushHeaders,
  pushRequest,
  PushVerificationError,
  receivePush,
  verifyPush,
  type ReceivedPush,
} from 'tanma-mock/push'

const credentials = { appId: 'wwd3a0c0ffee5eed00_Demo01', appKey: 'tanmaMockDemoKey2026ForLocalTest' }
const other = { appId: 'wwd3a0c0ffee5eed00_Demo01', appKey: 'someOtherKeyOfTheSameLength00000' }
const NOISES = [-203478414587272730n, 9223372036854775807n, -9223372036854775808n, 0n, 4970601478527096155n]
const message = (noise: bigint, msgId = 7) => ({ type: 'new_qw_customer', noise, msgId, content: { externalUserId: 'wm1', qwUserId: 'ZhuShanPeng', mobiles: ['13800000000'] } })

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})
async function listen(listener: RequestListener): Promise<string> {
  const server = createServer(listener)
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`
}
async function post(url: string, headers: Record<string, string>, body: string) {
  const response = await fetch(url, { method: 'POST', headers, body })
  return { status: response.status, body: await response.text() }
}

describe('verifyPush', () => {
  const headers = pushHeaders(credentials, 1_700_000_000_000)
  it('accepts the headers the fake signs, in node, Fetch and plain forms, names in any case', () => {
    expect(verifyPush(headers, credentials)).toBeUndefined()
    expect(verifyPush(new Headers(headers), credentials)).toBeUndefined()
    expect(verifyPush(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), credentials)).toBeUndefined()
  })
  it('names what is wrong: a missing header, another appId, a sign made with another key', () => {
    const { sign: _, ...unsigned } = headers
    expect(() => verifyPush(unsigned, credentials)).toThrow(/missing header sign/)
    expect(() => verifyPush({ ...headers, appId: 'corp_Other1' }, credentials)).toThrow(/appId corp_Other1 is not/)
    expect(() => verifyPush(headers, other)).toThrow(PushVerificationError)
    expect(() => verifyPush(headers, other)).toThrow(/sign does not match/)
  })
})

describe('decryptPush and ackFor', () => {
  it('keeps every int64 noise exact, as a bigint and as its digits, and acknowledges with those digits', () => {
    for (const noise of NOISES) {
      const received = decryptPush(encryptPushBody(encodePushMessage(message(noise)), credentials), credentials)
      expect(received.noise).toBe(noise)
      expect(received.noiseText).toBe(noise.toString())
      expect(ackFor(received)).toBe(noise.toString())
      expect(acknowledges(ackFor(received), noise, 'exact')).toBe(true)
    }
  })
  it('reads the documented test vector', () => {
    const vector = decryptPush('5TMVT8H4yTSSoING+afhRlGcCZAIxTs8Z7o3vGpid6tF2aF7C73uZ44qMopuNPCFmwOLOJ8xViCTHUfe/xYZSb71/VRSEDeIqqwN4eg=', { appId: 'zc_test', appKey: 'zc_test', corpId: 'zc_test' })
    expect(vector).toMatchObject({ type: 'register', noiseText: '4970601478527096155', msgId: 999, content: 'hello' })
  })
  it('a body that is not a push message is refused as such (empty, not base64, another key, JSON without noise)', () => {
    const body = encryptPushBody(encodePushMessage(message(1n)), credentials)
    for (const [bad, why] of [
      ['', /empty/],
      ['not base64!', /not base64/],
      [body, /does not decrypt to JSON/],
      [encryptPushBody('{"type":"register"}', other), /integer "noise"/],
      [encryptPushBody('[1,2]', other), /JSON object/],
    ] as const) {
      const error = (() => {
        try {
          decryptPush(bad, other)
        } catch (e) {
          return e as PushVerificationError
        }
      })()
      expect(error, String(bad)).toBeInstanceOf(PushVerificationError)
      expect(error!.message).toMatch(/^not a push message/)
      expect(error!.message).toMatch(why)
      expect(error!.status).toBe(400)
    }
  })
})

describe('createPushReceiver on node:http', () => {
  it('verifies, decrypts, hands the message over, then answers 200 with the noise (int64 exact)', async () => {
    const got: Array<{ message: ReceivedPush; appId: string; timestamp: number; plaintext: string }> = []
    const url = await listen(createPushReceiver({ credentials, onMessage: (m, meta) => void got.push({ message: m, appId: meta.appId, timestamp: meta.timestamp, plaintext: meta.plaintext }) }))
    for (const noise of NOISES) {
      const push = pushRequest(message(noise, 100), credentials, 1_700_000_000_123)
      const answer = await post(url, push.headers, push.body)
      expect(answer.status).toBe(200)
      expect(answer.body).toBe(noise.toString())
      expect(acknowledges(answer.body, noise, 'exact')).toBe(true)
    }
    expect(got.map((g) => g.message.noise)).toEqual(NOISES)
    expect(got[0]).toMatchObject({ appId: credentials.appId, timestamp: 1_700_000_000_123, message: { type: 'new_qw_customer', msgId: 100, content: { qwUserId: 'ZhuShanPeng' } } })
    expect(got[0]!.plaintext).toBe(encodePushMessage(message(NOISES[0]!, 100)))
  })

  it('acknowledges only after onMessage resolves, and a throwing onMessage gets 500 without the noise (so the sender retries)', async () => {
    const order: string[] = []
    let fail = true
    const errors: number[] = []
    const url = await listen(
      createPushReceiver({
        credentials,
        onError: (_e, { status }) => void errors.push(status),
        onMessage: async () => {
          await new Promise((r) => setTimeout(r, 20))
          order.push('handled')
          if (fail) throw new Error('database down')
        },
      }),
    )
    const push = pushRequest(message(-203478414587272730n), credentials)
    const failed = await post(url, push.headers, push.body)
    expect(failed.status).toBe(500)
    expect(failed.body).not.toContain('203478414587272730')
    expect(JSON.parse(failed.body)).toEqual({ error: 'onMessage failed: database down' })
    fail = false
    const retried = await post(url, push.headers, push.body)
    order.push('answered')
    expect(retried).toEqual({ status: 200, body: '-203478414587272730' })
    expect(order).toEqual(['handled', 'handled', 'answered'])
    expect(errors).toEqual([500])
  })

  it('refuses a bad sign (401), a body that is not a push (400), a body over 1 MiB (413) and a GET (405), without calling onMessage', async () => {
    let calls = 0
    const url = await listen(createPushReceiver({ credentials, onMessage: () => void calls++ }))
    const push = pushRequest(message(5n), credentials)
    const badSign = await post(url, { ...push.headers, sign: '0'.repeat(64) }, push.body)
    expect(badSign.status).toBe(401)
    expect(JSON.parse(badSign.body).error).toMatch(/sign does not match/)
    const otherKey = pushRequest(message(5n), other)
    expect((await post(url, push.headers, otherKey.body)).status).toBe(400)
    expect((await post(url, push.headers, 'A'.repeat(1024 * 1024 + 4))).status).toBe(413)
    const get = await fetch(url, { headers: push.headers })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(calls).toBe(0)
  })

  it('a custom ack function decides the 200 body', async () => {
    const url = await listen(createPushReceiver({ credentials, ack: (m) => JSON.stringify({ noise: m.noiseText }) }))
    const push = pushRequest(message(9223372036854775807n), credentials)
    expect(await post(url, push.headers, push.body)).toEqual({ status: 200, body: '{"noise":"9223372036854775807"}' })
  })
})

describe('createPushReceiver in an Express app', () => {
  it('works as a route handler, with or without a text body parser before it', async () => {
    // express 5 is in node_modules (a dependency of a dev dependency); no @types/express, so untyped.
    const express = ((await import('express' as string)) as { default: any }).default
    const got: bigint[] = []
    const app = express()
    app.post('/push', createPushReceiver({ credentials, onMessage: (m) => void got.push(m.noise) }))
    app.post('/parsed', express.text({ type: '*/*' }), createPushReceiver({ credentials, onMessage: (m) => void got.push(m.noise) }))
    const base = (await listen(app)).replace(/\/push$/, '')
    const push = pushRequest(message(-9223372036854775808n), credentials)
    expect(await post(`${base}/push`, push.headers, push.body)).toEqual({ status: 200, body: '-9223372036854775808' })
    expect(await post(`${base}/parsed`, push.headers, push.body)).toEqual({ status: 200, body: '-9223372036854775808' })
    expect((await post(`${base}/push`, { ...push.headers, appId: 'x_y' }, push.body)).status).toBe(401)
    expect(got).toEqual([-9223372036854775808n, -9223372036854775808n])
  })
})

describe('receivePush (fetch-style servers)', () => {
  it('returns the message and a 200 acknowledging it, or the refusal', async () => {
    const push = pushRequest(message(-203478414587272730n), credentials)
    const ok = await receivePush(new Request('http://receiver.test/push', { method: 'POST', headers: push.headers, body: push.body }), credentials)
    expect(ok.message?.noiseText).toBe('-203478414587272730')
    expect(ok.response.status).toBe(200)
    expect(await ok.response.text()).toBe('-203478414587272730')
    const refused = await receivePush(new Request('http://receiver.test/push', { method: 'POST', headers: { ...push.headers, sign: 'ab' }, body: push.body }), credentials)
    expect(refused.message).toBeUndefined()
    expect(refused.error).toBeInstanceOf(PushVerificationError)
    expect(refused.response.status).toBe(401)
    const thrown = await receivePush(new Request('http://receiver.test/push', { method: 'POST', headers: push.headers, body: push.body }), credentials, { onMessage: () => { throw new Error('nope') } })
    expect(thrown.response.status).toBe(500)
  })
})
