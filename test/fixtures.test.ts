/** Fixtures: the documented example served exactly, export → serve round trips, and clear errors. */
import { readFileSync } from 'node:fs'
import { getResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { createMock, readFixtureText, type Mock } from '../mock/index.js'
import { listText, sweep, type ListBody } from './support.js'

const PATH = 'https://api.tanmarket.cn:20066/api/v3/customer-relation/list-by-relation-create-time-asc'
const vendor = readFileSync(new URL('../fixtures/vendor/list-by-relation-create-time-asc.response.json', import.meta.url), 'utf8')

async function call(mock: Mock, body: string): Promise<string> {
  const response = await getResponse(mock.handlers, new Request(PATH, { method: 'POST', body, headers: mock.sign(body) }))
  return response!.text()
}

describe('the documented example', () => {
  it('is served exactly: the first page of dowen\'s customers deep-equals the vendor\'s documented response', async () => {
    const mock = await createMock({ fixtures: 'documented-example', endCursor: 'empty-page' })
    const text = await call(mock, '{"qwUserId":"dowen","size":100}')
    expect(JSON.parse(text)).toEqual(JSON.parse(vendor))
    expect(text).toBe(JSON.stringify(JSON.parse(vendor))) // byte for byte, property order included
    const next = JSON.parse(await call(mock, JSON.stringify({ qwUserId: 'dowen', size: 100, cursor: 'AAAAAGDAuaoAAAAALLJOeAAAAAADf7ZB' })))
    expect(next).toEqual({ code: 0, message: 'ok', data: { list: [], nextCursor: null } })
  })

  it('is found by path as well as by pack name', async () => {
    const byPath = await createMock({ fixtures: 'fixtures/documented-example.json', endCursor: 'empty-page' })
    expect(JSON.parse(await call(byPath, '{"qwUserId":"dowen","size":100}'))).toEqual(JSON.parse(vendor))
  })
})

describe('export → serve round trip', () => {
  const bodies: ListBody[] = [{ size: 100 }, { size: 7, type: 2 }, { size: 13, since: '2022-01-01 00:00:00', before: '2024-01-01 00:00:00' }]

  async function sameAnswers(a: Mock, b: Mock) {
    const members = a.world.members().map((m) => m.qwUserId)
    for (const body of [...bodies, { size: 9, qwUserId: members[0] }, { size: 50, qwUserId: members[1], type: 1 as const }]) {
      expect(JSON.stringify(sweep(b, body))).toBe(JSON.stringify(sweep(a, body)))
    }
    expect(await call(b, '{"size":5}')).toBe(await call(a, '{"size":5}'))
  }

  it('serving a JSON export answers exactly as serving the seed', async () => {
    const seeded = await createMock({ seed: 'export', customers: 400, staff: 7 })
    const text = JSON.stringify(seeded.context.world.toFixture())
    await sameAnswers(seeded, await createMock({ fixtures: readFixtureText(text) }))
  })

  it('serving an NDJSON export answers exactly as serving the seed', async () => {
    const seeded = await createMock({ seed: 'ndjson', customers: 300, staff: 5 })
    const text = [...seeded.context.world.records()].map((r) => JSON.stringify(r)).join('\n') + '\n'
    expect(text.split('\n')[1]).toMatch(/^\{"(company|customer)":/)
    await sameAnswers(seeded, await createMock({ fixtures: readFixtureText(text) }))
  })

  it('a fixture exports back to itself', async () => {
    const doc = JSON.parse(readFileSync(new URL('../fixtures/documented-example.json', import.meta.url), 'utf8'))
    const served = await createMock({ fixtures: doc })
    const again = served.context.world.toFixture()
    expect(again.customers).toEqual(doc.customers)
    expect(again.relations).toEqual(doc.relations)
    expect(again.members).toEqual(doc.members)
    expect(again.fieldDefinitions).toEqual(doc.fieldDefinitions)
  })
})

describe('bad fixtures', () => {
  const base = () => JSON.parse(readFileSync(new URL('../fixtures/documented-example.json', import.meta.url), 'utf8'))

  it.each<[string, (doc: Record<string, any>) => void, RegExp]>([
    ['a wrong version', (d) => (d.version = 3), /version/],
    ['a dangling relation customer', (d) => (d.relations[0].customerId = 123456789), /relations\.0\.customerId: no customer/],
    ['a follower who is not a member', (d) => (d.relations[0].qwUserId = 'ghost'), /relations\.0\.qwUserId: no member ghost/],
    ['a duplicate relation id', (d) => (d.relations[1].id = d.relations[0].id), /relation id .* appears twice/],
    ['a bad time', (d) => (d.customers[0].createTime = '2021-06-02T20:04:41'), /customers\.0\.createTime/],
    ['an enterprise customer without a company', (d) => (d.customers[1].companyId = null), /needs a company/],
    ['an unknown property', (d) => (d.customers[0].nickname = 'x'), /nickname/],
  ])('refuses %s, naming the place', async (_label, spoil, message) => {
    const doc = base()
    spoil(doc)
    await expect(createMock({ fixtures: doc })).rejects.toThrow(message)
  })

  it('refuses a missing file or pack with a clear message', async () => {
    await expect(createMock({ fixtures: 'no-such-pack' })).rejects.toThrow(/no fixture file "no-such-pack"/)
  })

  it('refuses text that is neither JSON nor NDJSON', () => {
    expect(() => readFixtureText('{"version":1,', 'broken.json')).toThrow(/broken\.json is not JSON or NDJSON/)
  })
})

describe('fixture worlds page like generated ones', () => {
  it('keeps explicit remarks and nanosecond relation times in cursors', async () => {
    const mock = await createMock({ fixtures: 'documented-example' })
    const page = JSON.parse(listText(mock, { size: 1 }))
    expect(page.list[0].qwRemark).toBe('客户A3ooIc')
    expect(Buffer.from(page.nextCursor, 'base64').readBigInt64BE(8)).toBe(318467000n)
  })
})
