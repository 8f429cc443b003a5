/** Push crypto: the documented test vector byte for byte, int64 noises, acknowledgements. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { acknowledges, corpIdOf, decryptPushBody, encodePushMessage, encryptPushBody, parsePushMessage, pushHeaders, pushHeadersProblem, pushSign } from '../../mock/push/crypto.js'

const VECTOR = { appId: 'zc_test', appKey: 'zc_test', corpId: 'zc_test' }
const PLAINTEXT = '{"type":"register","noise":4970601478527096155,"msgId":999,"content":"hello"}'
const CIPHERTEXT = '5TMVT8H4yTSSoING+afhRlGcCZAIxTs8Z7o3vGpid6tF2aF7C73uZ44qMopuNPCFmwOLOJ8xViCTHUfe/xYZSb71/VRSEDeIqqwN4eg='

describe('push crypto (docs/upstream.md §8)', () => {
  it('reproduces the documented test vector: sign, ciphertext, and the plaintext from our encoder', () => {
    expect(corpIdOf('zc_test')).toBe('zc')
    expect(pushSign('zc_test', '1', '1596681164807', 'zc_test')).toBe('317672b4685d9b8bafe1794390e31209aed5cef912683292fed94a69085919d3')
    expect(pushHeaders(VECTOR, 1596681164807)).toMatchObject({ appId: 'zc_test', timestamp: '1596681164807', version: '1', sign: '317672b4685d9b8bafe1794390e31209aed5cef912683292fed94a69085919d3', 'Content-Type': 'text/plain;charset=UTF-8' })
    const encoded = encodePushMessage({ type: 'register', noise: 4970601478527096155n, msgId: 999, content: 'hello' })
    expect(encoded).toBe(PLAINTEXT)
    expect(encryptPushBody(encoded, VECTOR)).toBe(CIPHERTEXT)
    expect(decryptPushBody(CIPHERTEXT, VECTOR)).toBe(PLAINTEXT)
    expect(parsePushMessage(PLAINTEXT)).toMatchObject({ type: 'register', noise: 4970601478527096155n, noiseText: '4970601478527096155', msgId: 999, content: 'hello' })
  })

  it('keeps any int64 noise exact through encode, encrypt, decrypt and parse', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.jsonValue(), (noise, content) => {
        const credentials = { appId: 'wwcorp_App', appKey: 'key' }
        const text = encodePushMessage({ type: 't', noise, msgId: 1, content })
        const back = parsePushMessage(decryptPushBody(encryptPushBody(text, credentials), credentials))
        expect(back.noise).toBe(noise)
        expect(back.noiseText).toBe(noise.toString())
      }),
    )
    // A nested "noise" and one inside a string do not fool the reader.
    expect(parsePushMessage('{"content":{"noise":1,"text":"\\"noise\\":2"},"noise":-203478414587272730,"type":"x","msgId":1}').noise).toBe(-203478414587272730n)
  })

  it('an acknowledgement is the noise as a whole number; exact needs nothing else', () => {
    const noise = -203478414587272730n
    expect(acknowledges('-203478414587272730', noise)).toBe(true)
    expect(acknowledges('{"noise":-203478414587272730}', noise)).toBe(true)
    expect(acknowledges('{"noise":-203478414587272700}', noise)).toBe(false) // what a double gives back
    expect(acknowledges('-2034784145872727301', noise)).toBe(false)
    expect(acknowledges('203478414587272730', noise)).toBe(false)
    expect(acknowledges('{"noise":-203478414587272730}', noise, 'exact')).toBe(false)
    expect(acknowledges(' -203478414587272730\n', noise, 'exact')).toBe(true)
  })

  it('checks headers: signature over appId + version + timestamp + appKey, in any header case', () => {
    const headers = pushHeaders(VECTOR, 1596681164807)
    expect(pushHeadersProblem(headers, VECTOR)).toBeNull()
    expect(pushHeadersProblem(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), VECTOR)).toBeNull()
    expect(pushHeadersProblem({ ...headers, timestamp: '1596681164808' }, VECTOR)).toMatch(/sign/)
    expect(pushHeadersProblem({ ...headers, sign: undefined }, VECTOR)).toMatch(/missing header sign/)
    expect(pushHeadersProblem(headers, { appId: 'zc_test', appKey: 'other' })).toMatch(/sign/)
  })
})
