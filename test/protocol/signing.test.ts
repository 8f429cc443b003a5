import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeSign, signHeaders, verifySignature } from '../../mock/protocol/signing.js'
import { UpstreamError, type ErrorKind } from '../../mock/protocol/errors.js'

const APP_ID = 'ww51046ddc4f4df510_NjaEnW'
const APP_KEY = 'abcdefghijklmnopqrstuvwxyz012345'
const TS = '1623243178000'

// Known answers computed outside this project (coreutils sha256sum over the concatenation).
const VECTORS = [
  { body: '', sign: '9bacbdbab3699cfc4201e80767c59188b8864d5c88b39926e2c2bde0f5fa7ae8' },
  { body: '{"qwUserId": "dowen", "size": 2, "note": "\\u5ba2\\u6237"}', sign: '812c0c7905dad03ff2d357b82fe19179094d4df3d85ab3a98b77b4c8ce3a2f38' },
  { body: '{"size":2,"note":"客户"}', sign: '1e3061159828d6f5a8c597f87f2d66b93f8a2bba7cf83ffb70ae4d117620900f' },
]

function headers(values: Record<string, string | undefined>) {
  return new Headers(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined))
}

function kindOf(fn: () => unknown): ErrorKind | 'none' {
  try {
    fn()
    return 'none'
  } catch (error) {
    if (error instanceof UpstreamError) return error.kind
    throw error
  }
}

const verify = (h: Headers, body: string | Uint8Array, nowMs = Number(TS), skewMs = 300_000) =>
  verifySignature(h, body, { appKeyFor: (id) => (id === APP_ID ? APP_KEY : undefined), nowMs, skewMs })

describe('request signing: sha256 hex of appId + timestamp + raw body + appKey', () => {
  it.each(VECTORS)('matches the independent known answer for body %#', ({ body, sign }) => {
    expect(computeSign(APP_ID, TS, body, APP_KEY)).toBe(sign)
    expect(computeSign(APP_ID, TS, new TextEncoder().encode(body), APP_KEY)).toBe(sign)
  })

  it('accepts every documented body style when signed over the exact bytes sent', () => {
    for (const { body, sign } of VECTORS) {
      expect(verify(headers({ appId: APP_ID, timestamp: TS, sign }), new TextEncoder().encode(body))).toBe(APP_ID)
    }
  })

  it('hashes the raw bytes, never a re-serialisation: a Python-style body re-encoded compactly fails', () => {
    const python = VECTORS[1]!
    const reserialised = JSON.stringify(JSON.parse(python.body))
    expect(reserialised).not.toBe(python.body)
    expect(kindOf(() => verify(headers({ appId: APP_ID, timestamp: TS, sign: python.sign }), reserialised))).toBe('badSignature')
  })

  it('refuses any body changed after signing (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 1 }), fc.nat(), (body, insert, at) => {
        const sign = computeSign(APP_ID, TS, body, APP_KEY)
        const p = at % (body.length + 1)
        const changed = body.slice(0, p) + insert + body.slice(p)
        expect(kindOf(() => verify(headers({ appId: APP_ID, timestamp: TS, sign }), body))).toBe('none')
        expect(kindOf(() => verify(headers({ appId: APP_ID, timestamp: TS, sign }), changed))).toBe('badSignature')
      }),
    )
  })

  it('signHeaders produces headers the verifier accepts, and uses epoch milliseconds', () => {
    const h = signHeaders({ appId: APP_ID, appKey: APP_KEY }, '{"size":1}', 1_700_000_000_123)
    expect(h.timestamp).toBe('1700000000123')
    expect(h.sign).toBe(createHash('sha256').update(`${APP_ID}1700000000123{"size":1}${APP_KEY}`).digest('hex'))
    expect(verify(headers(h), '{"size":1}', 1_700_000_000_123)).toBe(APP_ID)
  })

  it.each([
    ['appId', 'missingCredentials'],
    ['timestamp', 'missingCredentials'],
    ['sign', 'missingCredentials'],
  ] as const)('refuses a request without %s', (missing, kind) => {
    const h = { appId: APP_ID, timestamp: TS, sign: VECTORS[0]!.sign } as Record<string, string | undefined>
    h[missing] = undefined
    expect(kindOf(() => verify(headers(h), ''))).toBe(kind)
  })

  it('refuses an appId it does not know, even with a self-consistent signature', () => {
    const other = 'ww0000000000000000_Other1'
    expect(kindOf(() => verify(headers({ appId: other, timestamp: TS, sign: computeSign(other, TS, '', APP_KEY) }), ''))).toBe('unknownAppId')
  })

  it.each(['abc', '1623243178000.5', '-1623243178000', '1.6e12', ''])('refuses the non-numeric timestamp %j', (timestamp) => {
    expect(kindOf(() => verify(headers({ appId: APP_ID, timestamp, sign: computeSign(APP_ID, timestamp, '', APP_KEY) }), ''))).toMatch(/badTimestamp|missingCredentials/)
  })

  it('honours the skew window both ways, inclusive at its edges', () => {
    const now = Number(TS)
    const at = (ts: number) => kindOf(() => verify(headers({ appId: APP_ID, timestamp: String(ts), sign: computeSign(APP_ID, String(ts), '', APP_KEY) }), '', now, 300_000))
    expect(at(now - 300_000)).toBe('none')
    expect(at(now + 300_000)).toBe('none')
    expect(at(now - 300_001)).toBe('staleTimestamp')
    expect(at(now + 300_001)).toBe('staleTimestamp')
    // A client sending seconds instead of milliseconds is ~50 years off.
    expect(at(Math.floor(now / 1000))).toBe('staleTimestamp')
  })

  it('compares the lowercase hex digest exactly (uppercase is refused)', () => {
    const sign = VECTORS[0]!.sign
    expect(kindOf(() => verify(headers({ appId: APP_ID, timestamp: TS, sign: sign.toUpperCase() }), ''))).toBe('badSignature')
    expect(kindOf(() => verify(headers({ appId: APP_ID, timestamp: TS, sign: sign.slice(1) }), ''))).toBe('badSignature')
  })

  it('accepts any hex case when asked to (signCase: any)', () => {
    const sign = VECTORS[0]!.sign.toUpperCase()
    const anyCase = verifySignature(headers({ appId: APP_ID, timestamp: TS, sign }), '', { appKeyFor: () => APP_KEY, nowMs: Number(TS), skewMs: 1000, anyCase: true })
    expect(anyCase).toBe(APP_ID)
  })
})
