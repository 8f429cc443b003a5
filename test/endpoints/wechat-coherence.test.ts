/**
 * The WeChat reads and the customer writes over one world, for random seeds and random writes:
 * qw-details answers, for every externalUserId a listing shows, that relation's data; every write
 * shows at once in both relation lists and in qw-details; a refused write changes nothing (ids and
 * events included); a sweep of the relation list in progress sees every relation exactly once.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { customerTransfer, editRelationField, importCustomer, listByRelationCreateTimeAsc, qwDetails, updateCustomerById } from '../../mock/endpoints/index.js'
import type { Endpoint } from '../../mock/core/endpoint.js'
import { UpstreamError } from '../../mock/protocol/errors.js'
import type { RelationItem } from './support.js'

const text = (data: string | readonly Buffer[]) => (typeof data === 'string' ? data : Buffer.concat(data).toString('utf8'))
const handle = <T>(mock: Mock, endpoint: Endpoint, body: unknown) => JSON.parse(text(endpoint.handle(mock.context, body))) as T
/** The answer, or the refusal's message. */
const attempt = (mock: Mock, endpoint: Endpoint, body: unknown): { ok: true; data: unknown } | { ok: false; message: string } => {
  try {
    return { ok: true, data: handle(mock, endpoint, body) }
  } catch (error) {
    if (error instanceof UpstreamError) return { ok: false, message: error.message }
    throw error
  }
}
const all = (mock: Mock, qwUserId?: string) => handle<{ list: RelationItem[] }>(mock, listByRelationCreateTimeAsc, { size: 100_000, ...(qwUserId ? { qwUserId } : {}) }).list
const key = (i: RelationItem) => `${i.customerId}/${i.qwUserId}`

type Write = { kind: 'transfer' | 'import' | 'update' | 'remark' | 'bad-update' | 'bad-import' | 'bad-transfer'; pick: number; member: number }
const writeArb = fc.record({
  kind: fc.constantFrom<Write['kind']>('transfer', 'import', 'update', 'remark', 'bad-update', 'bad-import', 'bad-transfer'),
  pick: fc.nat(),
  member: fc.nat(),
})

describe('WeChat reads and customer writes: coherence over random seeds', () => {
  it('qw-details answers each listed relation\'s data; writes show at once everywhere; refused writes change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 8 }), fc.array(writeArb, { minLength: 1, maxLength: 8 }), async (seed, writes) => {
        const mock = await createMock({ seed, customers: 25, staff: 4 })
        const members = mock.context.world.memberList.map((m) => m.qwUserId)
        const check = () => {
          const items = all(mock)
          for (const item of items) {
            if (!item.externalUserId) continue
            const [d] = handle<{ qwUserId: string; externalUserId: string; qwRemark: string | null; wechatNickname: string | null }[]>(mock, qwDetails, { externalUserId: item.externalUserId, qwUserId: item.qwUserId })
            expect(d).toMatchObject({ qwUserId: item.qwUserId, externalUserId: item.externalUserId, qwRemark: item.qwRemark, wechatNickname: item.wechatNickname })
          }
          for (const m of members) expect(all(mock, m).map(key)).toEqual(items.filter((i) => i.qwUserId === m).map(key))
          return items
        }
        let items = check()
        for (const w of writes) {
          const item = items[w.pick % items.length]!
          const to = members[w.member % members.length]!
          const before = items
          const ids = mock.context.world.idsIssued
          const events: string[] = []
          const off = mock.events.onAny((e) => events.push(e.type))
          let result
          switch (w.kind) {
            case 'transfer':
              result = attempt(mock, customerTransfer, { handoverToUserid: to, customers: [{ qwUserId: item.qwUserId, customerId: item.customerId }] })
              break
            case 'import':
              result = attempt(mock, importCustomer, { qwUserId: to, fields: [{ alias: 'customer_ch_phone', values: [`139${String(w.pick % 1e8).padStart(8, '0')}`] }, { alias: 'name', values: [`客户${w.pick}`] }] })
              break
            case 'update':
              result = attempt(mock, updateCustomerById, { customerId: item.customerId, fields: [{ alias: '描述', values: [`描述${w.pick}`] }] })
              break
            case 'remark':
              result = attempt(mock, editRelationField, { customerId: item.customerId, qwUserId: item.qwUserId, field: '备注', valueAsText: `备注${w.pick}` })
              break
            case 'bad-update':
              result = attempt(mock, updateCustomerById, { customerId: item.customerId, fields: [{ alias: '描述', values: ['x'] }, { alias: `no-such-${w.pick}`, values: ['x'] }] })
              break
            case 'bad-import':
              result = attempt(mock, importCustomer, { qwUserId: `ghost-${w.pick}`, fields: [{ alias: 'name', values: ['x'] }] })
              break
            case 'bad-transfer':
              result = attempt(mock, customerTransfer, { handoverToUserid: `ghost-${w.pick}`, customers: [{ qwUserId: item.qwUserId, customerId: item.customerId }] })
              break
          }
          off()
          items = check()
          if (w.kind.startsWith('bad-')) {
            expect(result.ok).toBe(false)
            expect(items).toEqual(before)
            expect(mock.context.world.idsIssued).toEqual(ids)
            expect(events).toEqual([])
            continue
          }
          expect(result.ok).toBe(true)
          const now = items.filter((i) => i.customerId === item.customerId)
          if (w.kind === 'transfer') {
            const moved = (result as { data: { moved: boolean }[] }).data[0]!.moved
            expect(moved).toBe(item.qwUserId !== to && !before.some((i) => i.customerId === item.customerId && i.qwUserId === to))
            expect(items.length).toBe(before.length)
            if (moved) {
              expect(items.map((i) => i.customerId)).toEqual(before.map((i) => i.customerId))
              expect(now.map((i) => i.qwUserId)).toContain(to)
              expect(now.map((i) => i.qwUserId)).not.toContain(item.qwUserId)
              expect(events).toEqual(['relation.transferred'])
            } else expect(items).toEqual(before)
          } else if (w.kind === 'import') {
            const id = (result as { data: number }).data
            expect(items.filter((i) => i.customerId === id).map((i) => i.qwUserId)).toEqual([to])
            expect(all(mock, to).some((i) => i.customerId === id)).toBe(true)
            expect(items.length).toBe(before.length + 1)
          } else if (w.kind === 'update') {
            for (const i of now) expect(i.fields.find((f) => f.field === 'description')!.valueAsText).toBe(`描述${w.pick}`)
            expect(events).toEqual(['customer.changed'])
          } else {
            expect(now.find((i) => i.qwUserId === item.qwUserId)!.qwRemark).toBe(`备注${w.pick}`)
          }
        }
      }),
      { numRuns: 15 },
    )
  })
})
