/** The consumer test of docs/contracts.md ("A consumer test with the documented shape"), as written there (pact to a temp dir). */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PactV4 } from '@pact-foundation/pact'
import { DEMO_CREDENTIALS } from 'tanma-mock'
import { LIST_PATH, TanmaClient, recorded, followedCustomerPage, respondWith, signedJsonRequest } from 'tanma-mock/contracts'
import { expect, it } from 'vitest'

const pact = new PactV4({ consumer: 'crm-sync', provider: 'tanma-openapi', dir: join(mkdtempSync(join(tmpdir(), 'readme-pact-')), 'pacts'), logLevel: 'error' })

it('reads one member\'s customers', () =>
  pact
    .addInteraction()
    .given('member dowen follows 3 customers')
    .uponReceiving('a page of one member\'s customers')
    .withRequest('POST', `/api${LIST_PATH}`, signedJsonRequest({ qwUserId: 'dowen', size: 100 }))
    .willRespondWith(200, respondWith(followedCustomerPage({ count: 3, exact: { qwUserId: 'dowen' }, nextCursor: null })))
    .executeTest(recorded(async (server) => {
      const client = new TanmaClient({ baseUrl: `${server.url}/api`, ...DEMO_CREDENTIALS }) // or your own client
      const customers = []
      for await (const c of client.followedCustomers({ qwUserId: 'dowen', size: 100 })) customers.push(c)
      expect(customers).toHaveLength(3)
    })))
