/** The admin API: a stateful upstream for consumer tests, in-process and over HTTP. */
import fc from 'fast-check'
import { getResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock } from '../mock/index.js'
import { idMintedAt } from '../mock/protocol/ids.js'
import { formatBeijing, parseBeijing } from '../mock/protocol/time.js'
import { signHeaders } from '../mock/protocol/signing.js'
import { ident, listPage, sweep, type Item } from './support.js'

const LIST = 'https://api.tanmarket.cn:20066/api/v3/customer-relation/list-by-relation-create-time-asc'
const field = (item: Item, key: string) => (item.fields as { field: string; valueAsText: string | null }[]).find((f) => f.field === key)?.valueAsText

async function frozenMock(at = '2026-11-20 10:00:00', options = {}) {
  const mock = await createMock({ seed: 'admin', customers: 120, staff: 4, ...options })
  mock.admin.setClock({ set: at, freeze: true })
  return mock
}

describe('customers and relations', () => {
  it('adds a customer that shows in the listing at once, with what was given and the rest generated', async () => {
    const mock = await frozenMock()
    const [a, b] = mock.world.members().map((m) => m.qwUserId)
    const { customerId, relationIds, customer } = mock.admin.addCustomer({
      type: 2,
      fields: { name: '王小明', customer_stage: '成交', mobile: ['13800138000'] },
      companyName: '深圳测试科技有限公司',
      followers: [{ qwUserId: a! }, { qwUserId: b!, qwRemark: '王总' }],
    })
    expect(relationIds).toHaveLength(2)
    expect(customer.createTime).toBe('2026-11-20 10:00:00')
    expect(idMintedAt(customerId)).toBeLessThan(parseBeijing('2026-11-20 10:00:00')! * 1000)
    const latest = sweep(mock, { since: '2026-11-20 00:00:00', size: 100 }).filter((i) => i.customerId === customerId)
    expect(latest.map((i) => i.qwUserId).sort()).toEqual([a, b].sort())
    const item = latest.find((i) => i.qwUserId === b)!
    expect(item.qwRemark).toBe('王总')
    expect(item.companyInfo).toMatchObject({ name: '深圳测试科技有限公司' })
    expect(field(item, 'name')).toBe('王小明')
    expect(field(item, 'mobile')).toBe('["13800138000"]')
    const stage = mock.world.fieldDefinitions().find((f) => f.outerField === 'customer_stage')!.items.find((o) => o.name === '成交')!
    expect(field(item, 'customer_stage')).toBe(String(stage.id))
    expect(Object.keys(item)).toContain('wechatNickname') // the documented shape, generated parts included
  })

  it('changes a customer: the listing shows it at once and lastUpdateTime moves to the clock', async () => {
    const mock = await frozenMock()
    const first = listPage(mock, { size: 1, type: 1 }).list[0]!
    mock.admin.updateCustomer(first.customerId, { type: 2, fields: { name: '改过的名字' } })
    const again = sweep(mock, { size: 100 }).filter((i) => i.customerId === first.customerId)
    expect(again.every((i) => i.type === 2 && field(i, 'name') === '改过的名字' && i.lastUpdateTime === '2026-11-20 10:00:00')).toBe(true)
    expect(sweep(mock, { size: 100, type: 1 }).some((i) => i.customerId === first.customerId)).toBe(false)
    expect(sweep(mock, { size: 100, type: 2 }).some((i) => i.customerId === first.customerId)).toBe(true)
  })

  it('deletes customers and relations; following again moves lastUpdateTime', async () => {
    const mock = await frozenMock()
    const before = sweep(mock, { size: 100 })
    const victim = before[5]!
    mock.admin.deleteCustomer(victim.customerId)
    expect(sweep(mock, { size: 100 }).some((i) => i.customerId === victim.customerId)).toBe(false)
    expect(() => mock.admin.deleteCustomer(victim.customerId)).toThrow(/no customer/)

    const other = before.find((i) => i.customerId !== victim.customerId)!
    const newcomer = mock.world.members().map((m) => m.qwUserId).find((q) => !before.some((i) => i.customerId === other.customerId && i.qwUserId === q))!
    const { relationId } = mock.admin.addRelation({ customerId: other.customerId, qwUserId: newcomer })
    const after = sweep(mock, { size: 100 }).filter((i) => i.customerId === other.customerId)
    expect(after.map((i) => i.qwUserId)).toContain(newcomer)
    expect(after.every((i) => i.lastUpdateTime === '2026-11-20 10:00:00')).toBe(true)
    expect(() => mock.admin.addRelation({ customerId: other.customerId, qwUserId: newcomer })).toThrow(/already follows/)
    mock.admin.deleteRelation(relationId)
    expect(sweep(mock, { size: 100 }).filter((i) => i.customerId === other.customerId).map((i) => i.qwUserId)).not.toContain(newcomer)
  })

  it('adds customers to a fixture world whose catalog has no tags (regression: the generator crashed)', async () => {
    const mock = await createMock({ fixtures: 'documented-example' })
    const { customer } = mock.admin.addCustomer({ followers: [{ qwUserId: 'dowen' }] })
    expect(customer.tagIds).toEqual([])
    expect(mock.world.relationCount).toBe(3)
  })

  it('refuses bad input with messages naming what is wrong', async () => {
    const mock = await frozenMock()
    expect(() => mock.admin.addCustomer({ followers: [] })).toThrow(/invalid customer/)
    expect(() => mock.admin.addCustomer({ followers: [{ qwUserId: 'ghost' }] })).toThrow(/no member with qwUserId ghost/)
    const q = mock.world.members()[0]!.qwUserId
    expect(() => mock.admin.addCustomer({ fields: { shoe_size: '42' }, followers: [{ qwUserId: q }] })).toThrow(/no profile field shoe_size/)
    expect(() => mock.admin.addCustomer({ fields: { customer_stage: '天下第一' }, followers: [{ qwUserId: q }] })).toThrow(/no option 天下第一/)
    expect(() => mock.admin.addCustomer({ tagIds: [1], followers: [{ qwUserId: q }] })).toThrow(/no tag 1/)
    expect(() => mock.admin.updateCustomer(1, {})).toThrow(/no customer 1/)
  })

  it('reset returns to the starting world; export and load round-trip the current one', async () => {
    const mock = await frozenMock()
    const start = JSON.stringify(sweep(mock, { size: 100 }))
    mock.admin.addCustomer({ followers: [{ qwUserId: mock.world.members()[0]!.qwUserId }] })
    mock.admin.deleteCustomer(listPage(mock, { size: 1 }).list[0]!.customerId)
    const changed = JSON.stringify(sweep(mock, { size: 100 }))
    expect(changed).not.toBe(start)
    const exported = mock.admin.exportWorld()
    await mock.admin.reset()
    expect(JSON.stringify(sweep(mock, { size: 100 }))).toBe(start)
    await mock.admin.loadWorld(exported)
    expect(JSON.stringify(sweep(mock, { size: 100 }))).toBe(changed)
  })
})

describe('a sweep in progress', () => {
  it('yields every relation that existed throughout exactly once, whatever is added or removed meanwhile', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.record({ kind: fc.constantFrom('add', 'delete-relation', 'delete-customer', 'follow'), pick: fc.nat(), when: fc.nat() }), { maxLength: 60 }),
        async (size, ops) => {
          const mock = await createMock({ seed: 'sweep', customers: 150, staff: 5 })
          const members = mock.world.members().map((m) => m.qwUserId)
          const initial = sweep(mock, { size: 100 })
          const removed = new Set<string>()
          const seen: string[] = []
          let cursor: string | undefined
          let op = 0
          for (;;) {
            const page = listPage(mock, cursor ? { size, cursor } : { size })
            seen.push(...page.list.map(ident))
            // Between pages: a few changes anywhere in the world, before or after the cursor.
            for (let k = 0; k < 2 && op < ops.length; k++, op++) {
              const { kind, pick, when } = ops[op]!
              const live = sweep(mock, { size: 100 })
              const target = live[pick % Math.max(1, live.length)]
              const at = formatBeijing(parseBeijing('2019-01-01 00:00:00')! + (when % (8 * 365 * 86_400)))
              if (kind === 'add') mock.admin.addCustomer({ createTime: at, followers: [{ qwUserId: members[pick % members.length]!, createTime: at }] })
              else if (!target) continue
              else if (kind === 'delete-relation') {
                const slot = mock.context.world.slotsOf(mock.context.world.customerIndex(target.customerId)!).find((s) => members[mock.context.world.relations.member[s]!] === target.qwUserId)!
                mock.admin.deleteRelation(mock.context.world.relations.id[slot]!)
                removed.add(ident(target))
              } else if (kind === 'delete-customer') {
                live.filter((i) => i.customerId === target.customerId).forEach((i) => removed.add(ident(i)))
                mock.admin.deleteCustomer(target.customerId)
              } else {
                const free = members.find((q) => !live.some((i) => i.customerId === target.customerId && i.qwUserId === q))
                if (free) mock.admin.addRelation({ customerId: target.customerId, qwUserId: free, createTime: at < (target.createTime as string) ? (target.createTime as string) : at })
              }
            }
            if (page.nextCursor === null) break
            cursor = page.nextCursor
          }
          expect(new Set(seen).size).toBe(seen.length) // nothing twice
          const throughout = initial.map(ident).filter((r) => !removed.has(r))
          const seenSet = new Set(seen)
          for (const r of throughout) expect(seenSet.has(r), r).toBe(true) // nothing that existed throughout skipped
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('the virtual clock', () => {
  it('drives the signature skew: a request signed by real time fails once the clock moves 10 minutes', async () => {
    const mock = await createMock({ customers: 10 })
    const call = async (nowMs: number) => {
      const body = '{}'
      const response = await getResponse(mock.handlers, new Request(LIST, { method: 'POST', body, headers: signHeaders(mock.credentials, body, nowMs) }))
      return ((await response!.json()) as { code: number }).code
    }
    expect(await call(Date.now())).toBe(0)
    const state = mock.admin.setClock({ advanceMs: 10 * 60_000 })
    expect(state.offsetMs).toBeGreaterThanOrEqual(10 * 60_000 - 1000)
    expect(await call(Date.now())).toBe(1003)
    expect(await call(mock.clock.now())).toBe(0)
    mock.admin.setClock({ reset: true })
    expect(await call(Date.now())).toBe(0)
  })

  it('sets, freezes and advances', async () => {
    const mock = await createMock({ customers: 1 })
    const frozen = mock.admin.setClock({ set: '2030-01-01 08:00:00', freeze: true })
    expect(frozen).toMatchObject({ beijing: '2030-01-01 08:00:00', frozen: true })
    await new Promise((r) => setTimeout(r, 20))
    expect(mock.clock.now()).toBe(frozen.now)
    expect(mock.admin.setClock({ advanceMs: 1500 }).beijing).toBe('2030-01-01 08:00:01')
    expect(mock.admin.setClock({ freeze: false }).frozen).toBe(false)
  })
})

describe('the request journal', () => {
  it('records each request: path, appId, signature verdict, code, page size, cursors', async () => {
    const mock = await createMock({ customers: 60 })
    const send = async (body: string, headers: Record<string, string>, url = LIST) => (await getResponse(mock.handlers, new Request(url, { method: 'POST', body, headers })))!.json()
    const first = (await send('{"size":10}', mock.sign('{"size":10}'))) as { data: { nextCursor: string } }
    await send('{"size":10}', { ...mock.sign('{"size":10}'), sign: 'f'.repeat(64) })
    await send('{}', {}, 'https://api.tanmarket.cn:20066/api/v3/nope')
    const entries = mock.admin.requests()
    expect(entries.map((e) => [e.signature, e.code])).toEqual([['valid', 0], ['mismatch', 1002], ['not-checked', 404]])
    expect(entries[0]).toMatchObject({ appId: mock.credentials.appId, size: 10, items: 10, nextCursor: first.data.nextCursor, cursor: null, status: 200 })
    mock.admin.clearRequests()
    expect(mock.admin.requests()).toEqual([])
  })
})

describe('over HTTP under /__mock', () => {
  const JSON_BODY = { 'content-type': 'application/json' }
  async function withServer(options: Parameters<typeof createMock>[0], run: (origin: string, mock: Mock) => Promise<void>) {
    const mock = await createMock({ customers: 40, staff: 3, ...options })
    const server = await startServer(mock, { port: 0 })
    try {
      await run(server.origin, mock)
    } finally {
      await server.close()
    }
  }

  it('serves health, customers, relations, requests, clock, world and reset', async () => {
    await withServer({}, async (origin, mock) => {
      const admin = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${origin}/__mock${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: JSON_BODY }) })
        return { status: response.status, json: (await response.json()) as Record<string, any> }
      }
      expect((await admin('GET', '/health')).json).toMatchObject({ status: 'ok', customers: 40, members: 3 })
      const created = await admin('POST', '/customers', { type: 1, fields: { name: '赵六' }, followers: [{ qwUserId: mock.world.members()[0]!.qwUserId }] })
      expect(created.status).toBe(201)
      expect((await admin('PATCH', `/customers/${created.json.customerId}`, { fields: { name: '赵七' } })).json.fields.find((f: { field: string }) => f.field === 'name').valueAsText).toBe('赵七')
      expect((await admin('GET', '/health')).json.customers).toBe(41)
      expect((await admin('POST', '/clock', { set: '2030-05-05 05:05:05', freeze: true })).json).toMatchObject({ beijing: '2030-05-05 05:05:05' })
      expect((await admin('GET', '/world')).json.customers).toHaveLength(41)
      expect((await admin('DELETE', `/customers/${created.json.customerId}`)).status).toBe(200)
      expect((await admin('DELETE', `/customers/${created.json.customerId}`)).status).toBe(404)
      expect((await admin('POST', '/reset')).json.customers).toBe(40)
      expect((await admin('GET', '/requests')).status).toBe(200)
      expect((await admin('DELETE', '/requests')).json).toEqual({ cleared: true })
    })
  })

  it('answers bad admin input with a clear 4xx JSON error', async () => {
    await withServer({}, async (origin) => {
      const bad = async (method: string, path: string, body?: string) => {
        const response = await fetch(`${origin}/__mock${path}`, { method, body, ...(body === undefined ? {} : { headers: JSON_BODY }) })
        return { status: response.status, json: (await response.json()) as { error: string; issues?: string[] } }
      }
      expect(await bad('POST', '/customers', '{"followers": [], "type": 3}')).toMatchObject({ status: 400, json: { error: expect.stringMatching(/^invalid customer: /) } })
      expect((await bad('POST', '/customers', '{"followers": [], "type": 3}')).json.issues!.join(' ')).toMatch(/type/)
      expect((await bad('POST', '/customers', '{nope')).json.error).toMatch(/not valid JSON/)
      expect((await bad('PATCH', '/customers/abc', '{}')).status).toBe(400)
      expect((await bad('GET', '/nothing-here')).status).toBe(404)
      expect((await bad('GET', '/relations')).status).toBe(405)
      expect((await bad('POST', '/world', '{"version": 9}')).status).toBe(400)
    })
  })

  it('requires the bearer token when one is set', async () => {
    await withServer({ adminToken: 'correct-horse' }, async (origin) => {
      expect((await fetch(`${origin}/__mock/health`)).status).toBe(401)
      expect((await fetch(`${origin}/__mock/health`, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401)
      expect((await fetch(`${origin}/__mock/health`, { headers: { authorization: 'Bearer correct-horse' } })).status).toBe(200)
    })
  })

  it('refuses to listen off loopback without an admin token', async () => {
    const mock = await createMock({ customers: 1 })
    await expect(startServer(mock, { port: 0, host: '0.0.0.0' })).rejects.toThrow(/--admin-token/)
  })
})
