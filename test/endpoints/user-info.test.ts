/** POST …/v3/common/user/info (获取员工id): a member's ids by mobile number (sent as a JSON number). */
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { getUsers, userInfo } from '../../mock/endpoints/index.js'
import { call, callHttp, serving } from './support.js'

let mock: Mock
beforeAll(async () => {
  mock = await createMock({ seed: 'user-info', customers: 10, staff: 12 })
})

describe('common/user/info', () => {
  it('answers the clients\' request {"mobile": 18803561683} (a number) with that member\'s ids', async () => {
    const documented = await createMock({ fixtures: 'documented-departments' })
    expect(await call(documented, userInfo, '{"mobile": 18803561683}')).toEqual({ code: 0, message: 'success', data: { salesId: 3766, qwUserId: 'dowen' } })
  })

  it('finds every member by mobile, with the salesId get-users lists (members who left too)', async () => {
    const page = await call<{ result: { salesId: number; qwUserId: string; mobile: string }[] }>(mock, getUsers, { pageSize: 100 })
    expect(page.data.result).toHaveLength(12)
    for (const m of page.data.result) {
      expect(await call(mock, userInfo, { mobile: Number(m.mobile) })).toEqual({ code: 0, message: 'success', data: { salesId: m.salesId, qwUserId: m.qwUserId } })
    }
  })

  it('an unknown mobile answers data null, or a validation error with unknownMember: error', async () => {
    expect(await call(mock, userInfo, { mobile: 10000000000 })).toEqual({ code: 0, message: 'success', data: null })
    const strict = await createMock({ seed: 'user-info', customers: 1, staff: 2, unknownMember: 'error' })
    expect(await call(strict, userInfo, { mobile: 10000000000 })).toEqual({ code: 40000, message: '请求参数验证失败：员工不存在：mobile 10000000000', data: null })
  })

  it.each<[string, string, string]>([
    ['a missing mobile', '{}', 'mobile 不能为空'],
    ['an empty body', '', '请求体不能为空'],
    ['a mobile as text', '{"mobile":"18803561683"}', 'mobile 应为 11 位手机号（数字）（收到 "18803561683"）'],
    ['a short number', '{"mobile":12345}', 'mobile 应为 11 位手机号（数字）（收到 12345）'],
  ])('refuses %s', async (_label, body, message) => {
    expect(await call(mock, userInfo, body)).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
  })

  it('takes a mobile as text with types: lenient (Jackson coerces it)', async () => {
    const lenient = await createMock({ fixtures: 'documented-departments', types: 'lenient' })
    expect(await call(lenient, userInfo, '{"mobile":"18803561683"}')).toMatchObject({ code: 0, data: { salesId: 3766 } })
  })

  describe('over HTTP', () => {
    const server = serving(() => mock)

    it('answers a signed request', async () => {
      const member = mock.context.world.staff().members[3]!
      const http = await callHttp(mock, server(), userInfo, `{"mobile":${member.mobile}}`)
      expect(http).toEqual({ status: 200, text: `{"code":0,"message":"success","data":{"salesId":${member.salesId},"qwUserId":"${member.qwUserId}"}}` })
    })
  })
})
