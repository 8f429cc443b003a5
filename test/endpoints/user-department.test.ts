/** POST …/v3/contract/user-department (查询销售所有部门): a member's departments. */
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { getUsers, userDepartment } from '../../mock/endpoints/index.js'
import { call, callHttp, serving } from './support.js'

let mock: Mock
beforeAll(async () => {
  mock = await createMock({ seed: 'user-department', customers: 10, staff: 30 })
})

describe('contract/user-department', () => {
  it('serves the documented answer exactly (fixtures/documented-departments.json)', async () => {
    const documented = await createMock({ fixtures: 'documented-departments' })
    const expected = '{"code":0,"message":"success","data":[{"departmentName":"探马企服","departmentId":3765}]}'
    for (const body of [{ qwUserId: 'dowen', salesId: 3766 }, { qwUserId: 'dowen' }, { salesId: 3766 }]) {
      expect(JSON.stringify(await call(documented, userDepartment, body))).toBe(expected)
    }
  })

  it('lists each member\'s departments as get-users does, by qwUserId or salesId', async () => {
    const page = await call<{ result: { salesId: number; qwUserId: string; departments: unknown[] }[] }>(mock, getUsers, { pageSize: 100 })
    for (const m of page.data.result) {
      expect(m.departments.length).toBeGreaterThan(0)
      for (const body of [{ qwUserId: m.qwUserId, salesId: m.salesId }, { qwUserId: m.qwUserId }, { salesId: m.salesId }]) {
        expect(await call(mock, userDepartment, body)).toEqual({ code: 0, message: 'success', data: m.departments })
      }
    }
    expect(page.data.result.some((m) => m.departments.length > 1)).toBe(true)
  })

  it('an unknown member, or a qwUserId and salesId of two members, answers an empty list (or an error with unknownMember: error)', async () => {
    const [a, b] = mock.context.world.staff().members
    expect(await call(mock, userDepartment, { qwUserId: 'ghost' })).toEqual({ code: 0, message: 'success', data: [] })
    expect(await call(mock, userDepartment, { salesId: 1 })).toEqual({ code: 0, message: 'success', data: [] })
    expect(await call(mock, userDepartment, { qwUserId: a!.qwUserId, salesId: b!.salesId })).toEqual({ code: 0, message: 'success', data: [] })
    const strict = await createMock({ seed: 'user-department', customers: 1, staff: 2, unknownMember: 'error' })
    expect(await call(strict, userDepartment, { qwUserId: 'ghost' })).toEqual({ code: 40000, message: '请求参数验证失败：员工不存在：qwUserId "ghost"', data: null })
  })

  it.each<[string, unknown, string]>([
    ['neither qwUserId nor salesId', {}, 'qwUserId 和 salesId 不能都为空'],
    ['a numeric qwUserId', { qwUserId: 5 }, 'qwUserId 应为字符串（收到 5）'],
    ['a salesId as text', { salesId: '3766' }, 'salesId 应为正整数（收到 "3766"）'],
    ['a salesId of 0', { salesId: 0 }, 'salesId 应为正整数（收到 0）'],
  ])('refuses %s', async (_label, body, message) => {
    expect(await call(mock, userDepartment, body)).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
  })

  describe('over HTTP', () => {
    const server = serving(() => mock)

    it('answers a signed request', async () => {
      const member = mock.context.world.staff().members[0]!
      const http = await callHttp(mock, server(), userDepartment, { qwUserId: member.qwUserId, salesId: member.salesId })
      expect(http.status).toBe(200)
      expect(JSON.parse(http.text)).toEqual(await call(mock, userDepartment, { qwUserId: member.qwUserId }))
    })
  })
})
