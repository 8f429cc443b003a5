/**
 * The staff endpoints over one world, for random seeds: every follower the relation list serves is a
 * member get-users returns; get-users, common/user/info and contract/user-department agree on each
 * member's ids and departments; page numbers agree with the data; an export serves the same answers.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { getUsers, userDepartment, userInfo } from '../../mock/endpoints/index.js'
import { sweep } from '../support.js'

const text = (data: string | readonly Buffer[]) => (typeof data === 'string' ? data : Buffer.concat(data).toString('utf8'))
const handle = <T>(mock: Mock, endpoint: typeof getUsers | typeof userInfo | typeof userDepartment, body: unknown) => JSON.parse(text(endpoint.handle(mock.context, body))) as T

interface Item {
  salesId: number
  qwUserId: string
  mobile: string
  deleted: number
  departments: { departmentName: string; departmentId: number }[]
}
interface Page {
  result: Item[]
  pageNo: number
  pageSize: number
  total: number
  totalPage: number
}

/** Every page of get-users for this filter, checking the page numbers against the data on the way. */
function allUsers(mock: Mock, pageSize: number, filter: Record<string, unknown> = {}): Item[] {
  const first = handle<Page>(mock, getUsers, { ...filter, pageNo: 1, pageSize })
  expect(first.totalPage).toBe(Math.ceil(first.total / pageSize))
  const items = [...first.result]
  for (let pageNo = 2; pageNo <= first.totalPage + 1; pageNo++) {
    const page = handle<Page>(mock, getUsers, { ...filter, pageNo, pageSize })
    expect(page).toMatchObject({ pageNo, pageSize, total: first.total, totalPage: first.totalPage })
    // Every page before the last is full, the last holds the rest, the one after it is empty.
    expect(page.result.length).toBe(pageNo < first.totalPage ? pageSize : pageNo === first.totalPage ? first.total - pageSize * (pageNo - 1) : 0)
    items.push(...page.result)
  }
  expect(items.length).toBe(first.total)
  return items
}

describe('staff coherence over random seeds', () => {
  it('relation followers, get-users, user/info and user-department agree; page numbers agree with the data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 8 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 25 }), async (seed, staff, pageSize) => {
        const mock = await createMock({ seed, customers: 60, staff })
        const users = allUsers(mock, pageSize)
        const byQwUserId = new Map(users.map((u) => [u.qwUserId, u]))
        expect(byQwUserId.size).toBe(staff)
        expect(new Set(users.map((u) => u.salesId)).size).toBe(staff)
        // deleted 0 and 1 split the members.
        expect(allUsers(mock, pageSize, { deleted: 0 }).length + allUsers(mock, pageSize, { deleted: 1 }).length).toBe(staff)
        for (const item of sweep(mock, { size: 100 })) expect(byQwUserId.has(item.qwUserId), item.qwUserId).toBe(true)
        for (const u of users) {
          expect(handle(mock, userInfo, { mobile: Number(u.mobile) })).toEqual({ salesId: u.salesId, qwUserId: u.qwUserId })
          expect(handle(mock, userDepartment, { salesId: u.salesId })).toEqual(u.departments)
          expect(handle(mock, userDepartment, { qwUserId: u.qwUserId, salesId: u.salesId })).toEqual(u.departments)
        }
      }),
      { numRuns: 25 },
    )
  })

  it('an exported world serves the same staff (generated values are not written, and derive again on load)', async () => {
    for (const source of [await createMock({ seed: 'staff-export', customers: 30, staff: 9 }), await createMock({ fixtures: 'documented-departments' })]) {
      const doc = source.admin.exportWorld()
      const again = await createMock({ fixtures: doc, seed: 'another seed' })
      expect(allUsers(again, 100)).toEqual(allUsers(source, 100))
      expect(again.context.world.staff().departments).toEqual(source.context.world.staff().departments)
    }
  })

  it('a generated world\'s export writes members as before (name, department only) and no departments', async () => {
    const doc = (await createMock({ seed: 'staff-export', customers: 3, staff: 4 })).admin.exportWorld()
    expect(doc.members.every((m) => Object.keys(m).join() === 'qwUserId,name,department')).toBe(true)
    expect('departments' in doc).toBe(false)
  })
})
