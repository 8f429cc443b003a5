/** recorded(): waits for Pact's mock server bookkeeping, and never hides a request that is really missing or wrong. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PactV4 } from '@pact-foundation/pact'
import { describe, expect, it } from 'vitest'
import { recorded } from './recorded.js'

const pact = () => new PactV4({ consumer: 'recorded', provider: 'p', dir: mkdtempSync(join(tmpdir(), 'recorded-')), logLevel: 'error' })
const interaction = () => pact().addInteraction().uponReceiving('a ping').withRequest('POST', '/ping').willRespondWith(200, (b) => b.jsonBody({ ok: true }))

describe('recorded(test)', () => {
  it('passes the value of a test whose request matched, well within its limit', async () => {
    const started = Date.now()
    const value = await interaction().executeTest(recorded(async (server) => (await fetch(`${server.url}/ping`, { method: 'POST' })).json()))
    expect(value).toEqual({ ok: true })
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('still fails a test whose request never came, after waiting at most its limit', async () => {
    const started = Date.now()
    await expect(interaction().executeTest(recorded(async () => 'no request', { within: 200 }))).rejects.toThrow(/expected but not received/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(200)
  })

  it('still fails a test whose request did not match', async () => {
    await expect(interaction().executeTest(recorded(async (server) => void (await fetch(`${server.url}/pong`, { method: 'POST' })), { within: 200 }))).rejects.toThrow(/pong|not received|unexpected/i)
  })

  it('passes on what the test threw', async () => {
    await expect(interaction().executeTest(recorded(async (server) => {
      await fetch(`${server.url}/ping`, { method: 'POST' })
      throw new Error('the client rejected the page')
    }))).rejects.toThrow('the client rejected the page')
  })
})
