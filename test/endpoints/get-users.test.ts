/** POST …/v3/get-users (查询员工): members by page number, filtered by deleted state and name. */
import { beforeAll, describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { getUsers } from '../../mock/endpoints/index.js'
import { salesMemberSchema } from '../../contracts/schema.js'
import { call, callHttp, serving } from './support.js'

interface Item {
  salesId: number
  qwUserId: string
  name: string
  mobile: string
  deleted: 0 | 1
  departments: { departmentName: string; departmentId: number }[]
}
interface Page {
  result: Item[]
  pageNo: number
  pageSize: number
  total: number
  totalPage: number
}

let mock: Mock
beforeAll(async () => {
  mock = await createMock({ seed: 'get-users', customers: 10, staff: 45 })
})

const page = async (body: unknown) => {
  const answer = await call<Page>(mock, getUsers, body)
  expect(answer).toMatchObject({ code: 0, message: 'success' })
  return answer.data
}

describe('get-users', () => {
  it('answers the clients\' request {pageNo, pageSize, deleted, name}: result[0].salesId is the member\'s integer id', async () => {
    const staff = mock.context.world.staff()
    const someone = staff.members.find((m) => m.deleted === 0)!
    const data = await page({ pageNo: 1, pageSize: 20, deleted: 0, name: someone.name })
    expect(Number.isSafeInteger(data.result[0]!.salesId)).toBe(true)
    expect(data.result.map((m) => m.qwUserId)).toContain(someone.qwUserId)
    expect(data.result.every((m) => m.name.includes(someone.name) && m.deleted === 0)).toBe(true)
    expect(Object.keys(data)).toEqual(['result', 'pageNo', 'pageSize', 'total', 'totalPage'])
    expect(Object.keys(data.result[0]!)).toEqual(['salesId', 'qwUserId', 'name', 'mobile', 'deleted', 'departments'])
    for (const item of data.result) salesMemberSchema.parse(item)
  })

  it('pages every member once, in salesId order, with total and totalPage agreeing with the data', async () => {
    const first = await page({ pageSize: 20 })
    expect(first).toMatchObject({ pageNo: 1, pageSize: 20, total: 45, totalPage: 3 })
    const all: Item[] = [...first.result]
    for (let pageNo = 2; pageNo <= first.totalPage; pageNo++) all.push(...(await page({ pageNo, pageSize: 20 })).result)
    expect(all).toHaveLength(45)
    expect(all.map((m) => m.salesId)).toEqual([...all.map((m) => m.salesId)].sort((a, b) => a - b))
    expect(new Set(all.map((m) => m.qwUserId))).toEqual(new Set(mock.world.members().map((m) => m.qwUserId)))
  })

  it('filters by deleted (0 in post, 1 left; absent both) and by a part of the name', async () => {
    const active = await page({ deleted: 0, pageSize: 100 })
    const left = await page({ deleted: 1, pageSize: 100 })
    expect(active.total + left.total).toBe(45)
    expect(left.total).toBeGreaterThan(0)
    expect(left.result.every((m) => m.deleted === 1)).toBe(true)
    const surname = active.result[0]!.name.slice(0, 1)
    const named = await page({ name: surname, pageSize: 100 })
    expect(named.result.length).toBeGreaterThan(0)
    expect(named.result.every((m) => m.name.includes(surname))).toBe(true)
    expect(await page({ name: '不存在的名字', pageSize: 100 })).toEqual({ result: [], pageNo: 1, pageSize: 100, total: 0, totalPage: 0 })
  })

  it('a page after the last is empty, not an error; defaults are page 1 of 20', async () => {
    expect(await page({ pageNo: 9, pageSize: 20 })).toEqual({ result: [], pageNo: 9, pageSize: 20, total: 45, totalPage: 3 })
    expect(await page({})).toMatchObject({ pageNo: 1, pageSize: 20, totalPage: 3 })
  })

  it('clamps a pageSize over the largest, or refuses it with oversize: error', async () => {
    expect(await page({ pageSize: 500 })).toMatchObject({ pageSize: 100, totalPage: 1 })
    const strict = await createMock({ seed: 'get-users', customers: 1, staff: 3, oversize: 'error' })
    expect(await call(strict, getUsers, { pageSize: 500 })).toEqual({ code: 40000, message: '请求参数验证失败：pageSize 应为 1 到 100 之间的整数（收到 500）', data: null })
  })

  it.each<[string, unknown, string]>([
    ['pageNo 0', { pageNo: 0 }, 'pageNo 应为大于等于 1 的整数（收到 0）'],
    ['pageNo as text', { pageNo: '1' }, 'pageNo 应为大于等于 1 的整数（收到 "1"）'],
    ['pageSize 1.5', { pageSize: 1.5 }, 'pageSize 应为大于等于 1 的整数（收到 1.5）'],
    ['deleted 2', { deleted: 2 }, 'deleted 只能是 0（在职）或 1（离职）（收到 2）'],
    ['name as a number', { name: 3 }, 'name 应为字符串（收到 3）'],
  ])('refuses %s with the validation error naming the field', async (_label, body, message) => {
    expect(await call(mock, getUsers, body)).toEqual({ code: 40000, message: `请求参数验证失败：${message}`, data: null })
  })

  describe('over HTTP', () => {
    const server = serving(() => mock)

    it('answers the same bytes as in-process', async () => {
      const body = { pageNo: 2, pageSize: 7, deleted: 0 }
      const http = await callHttp(mock, server(), getUsers, body)
      expect(http.status).toBe(200)
      expect(JSON.parse(http.text)).toEqual(await call(mock, getUsers, body))
    })
  })
})
