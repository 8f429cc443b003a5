/** Issue 10, "data that must not be corrupted": what the admin API refuses, and that a refusal changes nothing. */
import { describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock } from '../mock/index.js'
import { CLOCK_RANGE_MS } from '../mock/clock.js'
import { mockOptionsSchema } from '../mock/options.js'
import { ID_EPOCH_MS, idMintedAt } from '../mock/protocol/ids.js'
import { formatBeijing, formatBeijingDate, parseBeijing } from '../mock/protocol/time.js'
import { recipeSchema, type FixtureInput } from '../mock/world/fixture.js'
import { WORLD_LIMITS } from '../mock/world/limits.js'

const NOW = '2026-11-20 10:00:00'

async function frozenMock(options: Parameters<typeof createMock>[0] = {}) {
  const mock = await createMock({ seed: 'integrity', customers: 60, staff: 4, ...options })
  mock.admin.setClock({ set: NOW, freeze: true })
  return mock
}

async function withServer(mock: Mock, run: (admin: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>) => Promise<void>) {
  const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.origin}/__mock${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) }
  }
  try {
    await run(admin)
  } finally {
    await server.close()
  }
}

const refusal = (error: unknown) => ({ status: (error as { status?: number }).status, message: (error as Error).message })
const attempt = (change: () => unknown) => {
  try {
    change()
  } catch (error) {
    return refusal(error)
  }
  throw new Error('the change was accepted')
}

describe('the clock stays within what times and ids can express', () => {
  it('a clock set to year 275760 is a 400 naming set, and health and the clock keep answering (it was a 500 that applied)', async () => {
    const mock = await frozenMock()
    await withServer(mock, async (admin) => {
      const before = (await admin('GET', '/clock')).json
      const answer = await admin('POST', '/clock', { set: 8_640_000_000_000_000 })
      expect(answer.status).toBe(400)
      expect(answer.json.issues.join(' ')).toMatch(/^set: /)
      const after = await admin('GET', '/clock')
      expect(after.status).toBe(200)
      expect(after.json).toMatchObject({ now: before.now, beijing: NOW, frozen: true })
      expect((await admin('GET', '/health')).status).toBe(200)
    })
  })

  it('a year-10000 clock, which served "+010000-01 01T08:00" and exports that could not be loaded back, is refused', async () => {
    const mock = await frozenMock()
    const year10000 = Date.UTC(10000, 0, 1)
    expect(attempt(() => mock.admin.setClock({ set: year10000 }))).toMatchObject({ status: 400, message: expect.stringMatching(/set: /) })
    expect(attempt(() => mock.admin.setClock({ set: '2014-12-31 23:59:59' }))).toMatchObject({ status: 400, message: expect.stringMatching(/set: outside 2015-01-01 00:00:00/) })
    expect(mock.admin.health().clock.beijing).toBe(NOW)
    // The edges themselves are fine, and a record added there round-trips through export and load.
    mock.admin.setClock({ set: CLOCK_RANGE_MS.last })
    const { customerId } = mock.admin.addCustomer({ followers: [{ qwUserId: mock.context.world.memberList[0]!.qwUserId }] })
    const copy = await createMock({ fixtures: mock.admin.exportWorld() })
    expect(copy.context.world.customerIndex(customerId)).toBeDefined()
    mock.admin.setClock({ set: CLOCK_RANGE_MS.first })
    expect(mock.admin.health().clock.beijing).toBe('2015-01-01 00:00:00')
  })

  it('a refused clock change changes nothing: set, advanceMs and freeze are checked together before any applies', async () => {
    const mock = await frozenMock()
    const before = { now: mock.admin.setClock({}).now, beijing: NOW, frozen: true }
    // A good set with an advance that leaves the range: the set does not apply either.
    expect(attempt(() => mock.admin.setClock({ set: '2030-01-01 00:00:00', advanceMs: 200 * 365 * 86_400_000 }))).toMatchObject({ status: 400, message: expect.stringMatching(/advanceMs: /) })
    expect(attempt(() => mock.admin.setClock({ advanceMs: -20 * 365 * 86_400_000 }))).toMatchObject({ status: 400, message: expect.stringMatching(/advanceMs: /) })
    expect(attempt(() => mock.admin.setClock({ freeze: false, set: 8_640_000_000_000_000 }))).toMatchObject({ status: 400 })
    expect(mock.admin.setClock({})).toMatchObject(before) // still frozen, still at NOW
    // The Clock itself refuses, for code that moves it directly.
    expect(() => mock.clock.set(Date.UTC(10000, 0, 1))).toThrow(RangeError)
    expect(() => mock.clock.advance(-20 * 365 * 86_400_000)).toThrow(RangeError)
    expect(mock.admin.setClock({})).toMatchObject(before)
  })

  it('formatBeijing cannot emit anything but yyyy-MM-dd HH:mm:ss: a moment it cannot write is a RangeError', () => {
    expect(formatBeijing(parseBeijing('9999-12-31 23:59:59')!)).toBe('9999-12-31 23:59:59')
    expect(() => formatBeijing(parseBeijing('9999-12-31 23:59:59')! + 1)).toThrow(RangeError)
    expect(() => formatBeijing(8_640_000_000_000)).toThrow(RangeError)
    expect(() => formatBeijing(Number.NaN)).toThrow(RangeError)
    expect(() => formatBeijingDate(Number.POSITIVE_INFINITY)).toThrow(RangeError)
  })
})

describe('times of added records', () => {
  it('a customer given only follower times is created at its first follow, not later (it was refused: the generated time was now)', async () => {
    const mock = await frozenMock()
    const [a, b, c] = mock.context.world.memberList.map((m) => m.qwUserId)
    const { customer, relationIds } = mock.admin.addCustomer({
      followers: [{ qwUserId: a!, createTime: '2025-03-01 09:00:00' }, { qwUserId: b!, createTime: '2024-06-01 08:00:00' }, { qwUserId: c! }],
    })
    expect(customer.createTime).toBe('2024-06-01 08:00:00')
    expect(idMintedAt(customer.customerId)).toBeLessThan(parseBeijing('2024-06-01 08:00:00')! * 1000)
    const times = relationIds.map((id) => mock.context.world.relations.sec[mock.context.world.relationSlot(id)!]!).map(formatBeijing)
    expect(times.sort()).toEqual(['2024-06-01 08:00:00', '2025-03-01 09:00:00', NOW]) // the follow without a time starts now
  })

  it('a follow without a time starts with its customer when the customer was created after now', async () => {
    const mock = await frozenMock()
    const q = mock.context.world.memberList[0]!.qwUserId
    const later = '2027-05-01 12:00:00' // later than the clock: accepted (a test may prepare the future, then move the clock)
    const { customer, relationIds } = mock.admin.addCustomer({ createTime: later, followers: [{ qwUserId: q }] })
    expect(customer.createTime).toBe(later)
    expect(formatBeijing(mock.context.world.relations.sec[mock.context.world.relationSlot(relationIds[0]!)!]!)).toBe(later)
    const other = mock.context.world.memberList[1]!.qwUserId
    const { relationId } = mock.admin.addRelation({ customerId: customer.customerId, qwUserId: other })
    expect(formatBeijing(mock.context.world.relations.sec[mock.context.world.relationSlot(relationId)!]!)).toBe(later)
  })

  it('times before the id epoch are a 400 naming the field (they were a 500 "cannot mint an id")', async () => {
    const mock = await frozenMock()
    const q = mock.context.world.memberList[0]!.qwUserId
    await withServer(mock, async (admin) => {
      const before = (await admin('GET', '/world')).json
      for (const [body, field] of [
        [{ createTime: '2014-12-31 23:59:59', followers: [{ qwUserId: q }] }, 'createTime'],
        [{ followers: [{ qwUserId: q, createTime: '2010-01-01 00:00:00' }] }, 'followers.0.createTime'],
        [{ followers: [{ qwUserId: q, createTime: '2200-01-01 00:00:00' }] }, 'followers.0.createTime'],
      ] as const) {
        const answer = await admin('POST', '/customers', body)
        expect(answer.status).toBe(400)
        expect(answer.json.issues).toEqual([expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}: outside 2015-01-01 00:00:00 to 2154-`))])
      }
      const customerId = mock.context.world.customerIdAt(0)
      const relation = await admin('POST', '/relations', { customerId, qwUserId: mock.context.world.memberList[3]!.qwUserId, createTime: '2001-01-01 00:00:00' })
      expect(relation).toMatchObject({ status: 400, json: { issues: [expect.stringMatching(/^createTime: outside/)] } })
      expect((await admin('GET', '/world')).json).toEqual(before)
    })
    // The epoch itself is a time ids can be minted at.
    const { customerId } = mock.admin.addCustomer({ createTime: '2015-01-01 00:00:00', type: 2, followers: [{ qwUserId: q }] })
    expect(idMintedAt(customerId)).toBeGreaterThanOrEqual(ID_EPOCH_MS)
  })
})

describe('a refused change leaves no trace', () => {
  it('refused adds and patches do not consume ids: the next add gets the same ids and world bytes as without them (it got …817 instead of …816)', async () => {
    const good = (mock: Mock) => mock.admin.addCustomer({ type: 2, fields: { name: '王小明' }, followers: [{ qwUserId: mock.context.world.memberList[0]!.qwUserId }] })
    const clean = await frozenMock()
    const expected = good(clean)

    const tried = await frozenMock()
    const q = tried.context.world.memberList[0]!.qwUserId
    const personal = tried.context.world.customerIdAt(tried.context.world.customer(0).type === 1 ? 0 : 1)
    const refusals = [
      () => tried.admin.addCustomer({ type: 2, fields: { mobile: 'not-a-list' }, followers: [{ qwUserId: q }] }),
      () => tried.admin.addCustomer({ type: 2, fields: { shoe_size: '42' }, followers: [{ qwUserId: q }] }),
      () => tried.admin.addCustomer({ type: 2, tagIds: [1], followers: [{ qwUserId: q }] }),
      () => tried.admin.addCustomer({ createTime: '2026-01-01 00:00:00', followers: [{ qwUserId: q, createTime: '2025-01-01 00:00:00' }] }),
      () => tried.admin.addCustomer({ followers: [{ qwUserId: q }, { qwUserId: q }] }),
      () => tried.admin.addCustomer({ followers: [{ qwUserId: 'ghost' }] }),
      // A patch that makes a personal customer an enterprise mints a company id before the bad value is seen.
      () => tried.admin.updateCustomer(personal, { type: 2, companyName: '某某公司', fields: { birthday: 'yesterday' } }),
    ]
    for (const refused of refusals) expect(attempt(refused).status).toBe(400)
    expect(good(tried)).toEqual(expected)
    expect(JSON.stringify(tried.admin.exportWorld())).toBe(JSON.stringify(clean.admin.exportWorld()))
  })
})

describe('profile values are checked against their field type, on creation and on change', () => {
  /** A world whose catalog has a field of every type. */
  async function everyType() {
    const base = await frozenMock()
    const doc = base.admin.exportWorld() as FixtureInput & { fieldDefinitions: unknown[] }
    const id = (k: number) => base.context.world.catalog.fields[0]!.id + 2048 * 1000 * k
    doc.fieldDefinitions.push(
      { id: id(1), name: '预算', type: 4, outerField: 'budget', items: [], stable: false, customerImportRequired: false },
      { id: id(2), name: '备注', type: 5, outerField: 'notes', items: [], stable: false, customerImportRequired: false },
      { id: id(3), name: '兴趣', type: 6, outerField: 'interests', items: [{ id: 11, name: '软件' }, { id: 12, name: '硬件' }], stable: false, customerImportRequired: false },
      { id: id(4), name: '回访', type: 7, outerField: 'call_back', items: [], stable: false, customerImportRequired: false },
    )
    const mock = await createMock({ fixtures: doc })
    mock.admin.setClock({ set: NOW, freeze: true })
    return mock
  }

  const cases: Array<[field: string, good: unknown, stored: string, bad: unknown[]]> = [
    ['name', '王小明', '王小明', [42, ['王'], { a: 1 }]], // 1 text
    ['customer_stage', '成交', 'option', ['天下第一', ['成交'], 3.5]], // 2 single select (an option id or name)
    ['birthday', '1990-02-28', '1990-02-28', ['1990-02-30', '1990-02-28 00:00:00', 19900228]], // 3 date
    ['budget', 12.5, '12.5', ['twelve', '1e5', true]], // 4 number (numeric text too)
    ['notes', '第一行\n第二行', '第一行\n第二行', [['x'], false]], // 5 multi-line text
    ['interests', ['软件', 12, '12'], '["11","12"]', ['软件', ['游戏'], [{}]]], // 6 multi select
    ['call_back', '2026-12-01 09:30:00', '2026-12-01 09:30:00', ['2026-12-01', '2026-12-01T09:30:00', 0]], // 7 date-time
    ['mobile', ['13800138000', '02588886666'], '["13800138000","02588886666"]', ['not-a-list', ['138-0013'], [13800138000], ['13800138000', '13800138000'], ['']]], // 8 phones
  ]

  it('PATCH {"fields": {"mobile": "not-a-list"}} and every other value of the wrong type is a 400 naming the field and what it takes', async () => {
    const mock = await everyType()
    const q = mock.context.world.memberList[0]!.qwUserId
    const target = mock.context.world.customerIdAt(0)
    const before = JSON.stringify(mock.admin.exportWorld())
    for (const [field, , , bad] of cases) {
      for (const value of bad) {
        for (const change of [() => mock.admin.addCustomer({ fields: { [field]: value }, followers: [{ qwUserId: q }] }), () => mock.admin.updateCustomer(target, { fields: { [field]: value } })]) {
          const { status, message } = attempt(change)
          expect(status, `${field} ${JSON.stringify(value)}`).toBe(400)
          expect(message).toMatch(new RegExp(`fields\\.${field}: .*takes `))
        }
      }
    }
    expect(JSON.stringify(mock.admin.exportWorld())).toBe(before)
    await withServer(mock, async (admin) => {
      const answer = await admin('PATCH', `/customers/${target}`, { fields: { mobile: 'not-a-list' } })
      expect(answer).toMatchObject({ status: 400, json: { issues: [expect.stringMatching(/^fields\.mobile: "not-a-list" is not a list; .*phone numbers/)] } })
    })
    expect(JSON.stringify(mock.admin.exportWorld())).toBe(before)
  })

  it('values of the right type are stored as the upstream writes them, and null clears any field', async () => {
    const mock = await everyType()
    const q = mock.context.world.memberList[0]!.qwUserId
    const stage = mock.context.world.catalog.fields.find((f) => f.outerField === 'customer_stage')!.items.find((o) => o.name === '成交')!
    const valueOf = (fields: { field: string; valueAsText: string | null }[], key: string) => fields.find((f) => f.field === key)?.valueAsText
    const fields = Object.fromEntries(cases.map(([field, good]) => [field, good]))
    const { customer, customerId } = mock.admin.addCustomer({ fields, followers: [{ qwUserId: q }] })
    for (const [field, , stored] of cases) expect(valueOf(customer.fields, field), field).toBe(stored === 'option' ? String(stage.id) : stored)
    const cleared = mock.admin.updateCustomer(customerId, { fields: Object.fromEntries(cases.map(([field]) => [field, null])) })
    for (const [field] of cases) expect(valueOf(cleared.fields, field), field).toBeNull()
  })
})

describe('world sizes', () => {
  it('one customers limit for options and recipes; customers: 4294967296 never reaches the allocator', async () => {
    expect(mockOptionsSchema.safeParse({ customers: WORLD_LIMITS.customers }).success).toBe(true)
    expect(mockOptionsSchema.safeParse({ customers: WORLD_LIMITS.customers + 1 }).success).toBe(false)
    const recipe = (customers: number) => ({ version: 1 as const, generate: { seed: 'x', customers, staff: 3 } })
    expect(recipeSchema.safeParse(recipe(WORLD_LIMITS.customers)).success).toBe(true)
    expect(recipeSchema.safeParse(recipe(WORLD_LIMITS.customers + 1)).success).toBe(false)
    await expect(createMock({ fixtures: recipe(4_294_967_296) as unknown as FixtureInput })).rejects.toThrow(/generate\.customers: Too big/)
    const mock = await createMock({ customers: 10, staff: 2, adminMaxCustomers: WORLD_LIMITS.customers })
    await expect(mock.admin.loadWorld(recipe(4_294_967_296))).rejects.toMatchObject({ status: 413 })
    expect(mock.admin.health()).toMatchObject({ customers: 10, loading: false })
  })

  it('POST /__mock/world of a 68-byte recipe for 5,000,000 customers is a 413 naming the cap and the flag (it froze the server 13 s)', async () => {
    const mock = await createMock({ customers: 10, staff: 2 })
    await withServer(mock, async (admin) => {
      const answer = await admin('POST', '/world', { version: 1, generate: { seed: 'x', customers: 5_000_000, staff: 3 } })
      expect(answer.status).toBe(413)
      expect(answer.json.error).toMatch(/1000000.*adminMaxCustomers.*--admin-max-customers/)
      expect((await admin('GET', '/health')).json).toMatchObject({ customers: 10, loading: false })
    })
    const small = await createMock({ customers: 10, staff: 2, adminMaxCustomers: 5 })
    await expect(small.admin.loadWorld(small.admin.exportWorld())).rejects.toMatchObject({ status: 413 })
  })

  it('while a 300,000-customer recipe loads, health answers, the old world serves, and a second load or a change gets 409', async () => {
    const mock = await createMock({ customers: 10, staff: 2 })
    await withServer(mock, async (admin) => {
      let loaded = false
      const load = admin('POST', '/world', { version: 1, generate: { seed: 'big', customers: 300_000, staff: 20 } }).then((answer) => ((loaded = true), answer))
      const started = Date.now()
      let health = (await admin('GET', '/health')).json
      while (!health.loading && !loaded && Date.now() - started < 10_000) health = (await admin('GET', '/health')).json
      expect(loaded).toBe(false) // health answered while the world was being built
      expect(health).toMatchObject({ status: 'ok', customers: 10, loading: true })
      expect((await admin('POST', '/world', { version: 1, generate: { seed: 'other', customers: 5, staff: 2 } })).status).toBe(409)
      expect((await admin('POST', '/reset')).status).toBe(409)
      expect((await admin('POST', '/customers', { followers: [{ qwUserId: mock.context.world.memberList[0]!.qwUserId }] })).status).toBe(409)
      expect((await admin('GET', '/world')).json.customers).toHaveLength(10) // the old world, until the new one is ready
      expect(loaded).toBe(false)
      expect(await load).toMatchObject({ status: 200, json: { customers: 300_000, loading: false } })
    })
  }, 60_000)
})
