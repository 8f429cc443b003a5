/**
 * Documented-shape conformance: the vendor's documented example satisfies the schema and the
 * matchers; every page the fake generates (a spread of seeds and filters) satisfies them; broken
 * pages are rejected by both, so the check can fail.
 */
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MatchersV3, PactV4 } from '@pact-foundation/pact'
import fc from 'fast-check'
import { getResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMock } from '../mock/index.js'
import { DEMO_CREDENTIALS } from '../mock/options.js'
import { signHeaders } from '../mock/protocol/signing.js'
import { DOCUMENTED_PAGE, followedCustomerPage, respondWith, signedJsonRequest } from './matchers.js'
import { recorded } from './recorded.js'
import { followedCustomerPageSchema, LIST_PATH } from './schema.js'
import { verifyQuietly } from '../test/quiet-verify.js'
import type { VerifyResult } from './verify.js'

const vendorText = readFileSync(new URL('../fixtures/vendor/list-by-relation-create-time-asc.response.json', import.meta.url), 'utf8')
const documented = JSON.parse(vendorText) as typeof DOCUMENTED_PAGE
const clone = <T>(value: T): T => structuredClone(value)
const item = (page: typeof DOCUMENTED_PAGE, k = 0) => page.data.list[k] as unknown as Record<string, unknown>

/** Pages broken the ways a provider could drift from the docs. */
const BROKEN: Record<string, (page: typeof DOCUMENTED_PAGE) => void> = {
  'a customerId that is a string': (p) => void (item(p).customerId = '414912243411008'),
  'a missing qwUserId': (p) => void delete item(p).qwUserId,
  'a createTime in another format': (p) => void (item(p).createTime = '2021/06/02 20:04:41'),
  'a convertCustomerTime that is not a time': (p) => void (item(p).convertCustomerTime = 'yesterday'),
  'a tag id that is text': (p) => void (item(p).tagIds = ['vip']),
  'a profile value that is a number': (p) => void ((item(p).fields as { valueAsText: unknown }[]).find((f) => f.valueAsText !== null)!.valueAsText = 18809890987),
  'a qwRemark that is a number': (p) => void (item(p).qwRemark = 12345),
  'a nextCursor that is not base64 of 24 bytes': (p) => void (p.data.nextCursor = 'page-2'),
  'a message that is neither ok nor success': (p) => void (p.message = 'done' as 'ok'),
}

describe('the zod schema', () => {
  it('accepts the documented example', () => {
    expect(followedCustomerPageSchema.safeParse(documented).success).toBe(true)
  })

  it.each(Object.keys(BROKEN))('rejects %s', (name) => {
    const page = clone(documented)
    BROKEN[name]!(page)
    expect(followedCustomerPageSchema.safeParse(page).success).toBe(false)
  })

  it('rejects companyInfo on a personal customer, and lastUpdateTime before createTime', () => {
    const page = clone(documented)
    item(page, 0).companyInfo = { id: 416156782616640, name: '考虑考虑' }
    expect(followedCustomerPageSchema.safeParse(page).success).toBe(false)
    const other = clone(documented)
    item(other, 1).lastUpdateTime = '2021-06-09 20:52:57'
    expect(followedCustomerPageSchema.safeParse(other).success).toBe(false)
  })

  it('accepts every page the fake generates, for any seed and filter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 150 }),
        fc.record({ type: fc.option(fc.constantFrom(1, 2), { nil: undefined }), member: fc.option(fc.nat(19), { nil: undefined }), size: fc.integer({ min: 1, max: 100 }) }),
        async (seed, customers, filter) => {
          const mock = await createMock({ seed, customers })
          const qwUserId = filter.member === undefined ? undefined : mock.world.members()[filter.member % mock.world.memberCount]!.qwUserId
          let cursor: string | undefined
          for (let pages = 0; pages < 200; pages++) {
            const body = JSON.stringify({ type: filter.type, qwUserId, size: filter.size, cursor })
            const response = await getResponse(mock.handlers, new Request(`https://api.tanmarket.cn:20066/api${LIST_PATH}`, { method: 'POST', headers: mock.sign(body), body }))
            const page = followedCustomerPageSchema.parse(await response!.json())
            if (page.data.nextCursor === null) return
            cursor = page.data.nextCursor
          }
          throw new Error('the sweep did not end')
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('the Pact matchers', () => {
  let dir: string
  let provider: Server
  let origin: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tanma-conformance-'))
    // A provider that serves the documented example, or one broken variant of it, by path.
    provider = createServer((req, res) => {
      const name = decodeURIComponent(req.url!.slice(1))
      const page = clone(documented)
      BROKEN[name]?.(page)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(page))
    })
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(provider.address() as { port: number }).port}`
  })
  afterAll(() => new Promise((resolve) => provider.close(resolve)))

  it('accept the documented example and reject every broken page', async () => {
    const pact = new PactV4({ consumer: 'conformance', provider: 'static-pages', dir, logLevel: 'error' })
    for (const name of ['documented', ...Object.keys(BROKEN)]) {
      await pact
        .addInteraction()
        .uponReceiving(name)
        .withRequest('GET', `/${encodeURIComponent(name)}`)
        .willRespondWith(200, respondWith(followedCustomerPage()))
        .executeTest(recorded(async (server) => void (await fetch(`${server.url}/${encodeURIComponent(name)}`))))
    }
    const { failed } = await verifyQuietly<{ failed: string[] }>({ pact: join(dir, 'conformance-static-pages.json'), providerBaseUrl: origin })
    expect(failed.sort()).toEqual(Object.keys(BROKEN).sort())
  })

  it('accept every page the fake generates for a spread of seeds and filters', async () => {
    const pact = new PactV4({ consumer: 'conformance', provider: 'tanma-openapi', dir, logLevel: 'error' })
    const cases = [
      { seed: 'alpha', customers: 40, body: { size: 100 } },
      { seed: 'beta', customers: 300, body: { type: 2, size: 50 } },
      { seed: 'gamma', customers: 200, body: { type: 1, size: 7, since: '2024-01-01 00:00:00' } },
      { seed: 'delta', customers: 120, body: { qwUserId: MatchersV3.fromProviderState('${qwUserId}', 'dowen'), size: 100 } },
      { seed: '7', customers: 1, body: { size: 1 } },
    ]
    for (const { seed, customers, body } of cases) {
      await pact
        .addInteraction()
        .given(`a world generated from seed ${seed} with ${customers} customers`)
        .uponReceiving(`a page of seed ${seed} for ${JSON.stringify(MatchersV3.reify(body))}`)
        .withRequest('POST', `/api${LIST_PATH}`, signedJsonRequest(body))
        .willRespondWith(200, respondWith(followedCustomerPage()))
        .executeTest(recorded(async (server) => {
          const text = JSON.stringify(MatchersV3.reify(body))
          await fetch(`${server.url}/api${LIST_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(DEMO_CREDENTIALS, text) }, body: text })
        }))
    }
    const result = await verifyQuietly<VerifyResult>({ pact: join(dir, 'conformance-tanma-openapi.json'), mock: { customers: 10 } })
    expect(result.errors).toEqual([])
    expect(result).toMatchObject({ ok: true, interactions: cases.length, resigned: cases.length, keptWrong: 0, stateErrors: [] })
  })
})
