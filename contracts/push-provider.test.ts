/** The fake's message provider for push pacts (push-provider.ts), without the Pact verifier. */
import { describe, expect, it } from 'vitest'
import { createMock } from '../mock/index.js'
import { parsePushMessage } from '../mock/push/crypto.js'
import { pushMessageProviders, readPushInteractions } from './push-provider.js'

const V4 = {
  interactions: [
    { type: 'Synchronous/HTTP', description: 'a page' },
    { type: 'Asynchronous/Messages', description: 'a register push', contents: { content: { type: 'register', noise: 1, msgId: 1, content: 'x' }, contentType: 'application/json', encoded: false } },
    { type: 'Asynchronous/Messages', description: 'bytes', contents: { content: 'AAAA', contentType: 'application/octet-stream', encoded: 'base64' } },
  ],
}

describe('the push message provider', () => {
  it('reads the message interactions of V4 and V3 pacts with the type their content pins', () => {
    expect(readPushInteractions(V4)).toEqual([{ description: 'a register push', type: 'register' }, { description: 'bytes', type: undefined }])
    expect(readPushInteractions({ messages: [{ description: 'old', contents: { type: 'register' } }] })).toEqual([{ description: 'old', type: 'register' }])
  })

  it('answers the decrypted push as text: int64 noise digits kept, msgId counting from 1, the same on every run', async () => {
    const fake = await createMock()
    const run = async () => {
      const providers = pushMessageProviders(fake, readPushInteractions(V4), [])
      return [await providers['a register push']!({ description: 'a register push' }), await providers['a register push']!({ description: 'a register push' })]
    }
    const first = await run()
    expect(await run()).toEqual(first)
    const [one, two] = first.map((m) => parsePushMessage(m!.message))
    expect(first[0]!.__pactMessageMetadata).toEqual({ contentType: 'application/json' })
    expect(one).toMatchObject({ type: 'register', msgId: 1, content: expect.any(String) })
    expect(two!.msgId).toBe(2)
    // The noise as sent, beyond 2^53 (a JS number would round it): the digits are the bigint's.
    expect(one!.noise > BigInt(Number.MAX_SAFE_INTEGER) || one!.noise < -BigInt(Number.MAX_SAFE_INTEGER)).toBe(true)
    expect(first[0]!.message).toContain(`"noise":${one!.noise}`)
  })

  it('fails a message it cannot make, saying why: no type, a type it does not push', async () => {
    const fake = await createMock()
    const errors: string[] = []
    const providers = pushMessageProviders(fake, [...readPushInteractions(V4), { description: 'a strange push', type: 'no_such_push' }], errors)
    await expect(providers.bytes!({ description: 'bytes' })).rejects.toThrow(/no "type"/)
    await expect(providers['a strange push']!({ description: 'a strange push' })).rejects.toThrow(/unknown push type no_such_push/)
    await expect(providers['something from a URL']!({ description: 'something from a URL' })).rejects.toThrow(/names no push type/)
    expect(errors).toEqual([
      expect.stringMatching(/^"bytes": the message has no "type"/),
      expect.stringMatching(/^"a strange push": unknown push type no_such_push/),
      expect.stringMatching(/^"something from a URL": not in a local pact file/),
    ])
  })
})
