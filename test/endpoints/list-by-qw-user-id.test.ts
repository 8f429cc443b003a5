/** POST …/v3/customer-relation/list-by-qw-user-id (列出销售跟进的客户, 已废弃). */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMock, type Mock } from '../../mock/index.js'
import { listByQwUserId } from '../../mock/endpoints/index.js'
import { QW_USER_ID_LIST_DROPPABLE } from '../../mock/options.js'
import { qwUserFollowedCustomerSchema } from '../../contracts/schema.js'
import { sweep } from '../support.js'
import { send, overHttp } from './support.js'

const PATH = '/v3/customer-relation/list-by-qw-user-id'

interface Page {
  list: Record<string, unknown>[]
  nextCursor: string | null
}

function page(mock: Mock, body: Record<string, unknown>): Page {
  const data = listByQwUserId.handle(mock.context, body)
  return JSON.parse(typeof data === 'string' ? data : Buffer.concat(data).toString('utf8')) as Page
}

function sweepQw(mock: Mock, body: Record<string, unknown>): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = []
  let cursor: string | undefined
  for (let n = 0; n < 10_000; n++) {
    const p = page(mock, cursor === undefined ? body : { ...body, cursor })
    items.push(...p.list)
    if (p.nextCursor === null) return items
    cursor = p.nextCursor
  }
  throw new Error('did not end')
}

const without = (item: Record<string, unknown>, key: string) => {
  const copy = { ...item }
  delete copy[key]
  return copy
}

describe('list-by-qw-user-id', () => {
  it('for a member, equals list-by-relation-create-time-asc filtered to the member, same order, less externalUserId (property, random seeds, members, types, sizes)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 8 }), fc.nat(4), fc.constantFrom(undefined, 1, 2), fc.integer({ min: 1, max: 40 }), async (seed, m, type, size) => {
        const mock = await createMock({ seed, customers: 120, staff: 5 })
        const qwUserId = mock.world.members()[m]!.qwUserId
        const filter = { qwUserId, ...(type ? { type } : {}) }
        const expected = sweep(mock, { ...filter, size: 100 }).map((i) => without(i as Record<string, unknown>, 'externalUserId'))
        expect(sweepQw(mock, { ...filter, size })).toEqual(expected)
      }),
      { numRuns: 15, seed: 11 },
    )
  })

  it('items have 13 properties in the relation list\'s order, starting customerId, qwUserId, type, fields; the message is ok like the relation list\'s', async () => {
    const mock = await createMock({ seed: 'qw', customers: 100, staff: 3 })
    const qwUserId = mock.world.members()[0]!.qwUserId
    const answer = await send<Page>(mock, PATH, JSON.stringify({ qwUserId, size: 100 }))
    expect(answer.json).toMatchObject({ code: 0, message: 'ok' })
    const personal = answer.json.data.list.find((i) => i.type === 1)!
    const enterprise = answer.json.data.list.find((i) => i.type === 2)!
    expect(Object.keys(personal)).toEqual(['customerId', 'qwUserId', 'type', 'fields', 'tagIds', 'createTime', 'lastUpdateTime', 'wechatNickname', 'wechatAvatar', 'wechatLocation', 'convertCustomerTime', 'qwRemark'])
    expect(Object.keys(enterprise)).toHaveLength(13)
    for (const item of answer.json.data.list) {
      expect(item.qwUserId).toBe(qwUserId)
      expect(qwUserFollowedCustomerSchema.safeParse(item).success).toBe(true)
    }
    expect((await send(await createMock({ seed: 'qw', customers: 100, staff: 3, successMessage: 'success' }), PATH, JSON.stringify({ qwUserId }))).json.message).toBe('success')
  })

  it.each(QW_USER_ID_LIST_DROPPABLE)('qwUserIdListDrops %s leaves out that property and keeps externalUserId otherwise', async (dropped) => {
    const mock = await createMock({ seed: 'qw', customers: 60, staff: 3, qwUserIdListDrops: dropped })
    const qwUserId = mock.world.members()[1]!.qwUserId
    const items = sweepQw(mock, { qwUserId })
    expect(items.length).toBeGreaterThan(0)
    expect(items).toEqual(sweep(mock, { qwUserId, size: 100 }).map((i) => without(i as Record<string, unknown>, dropped)))
    if (dropped !== 'externalUserId') expect(items.every((i) => 'externalUserId' in i)).toBe(true)
  })

  it('serves the documented item\'s start from the documented-examples fixture', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const answer = await send(mock, PATH, '{"qwUserId":"dowen"}')
    expect(answer.text.startsWith('{"code":0,"message":"ok","data":{"list":[{"customerId":398604120668224,"qwUserId":"dowen","type":1,"fields":[{"field":"customer_source","type":2,"valueAsText":"4"}')).toBe(true)
  })

  it('pages with a cursor as the relation list does, and shows a new follow at once', async () => {
    const mock = await createMock({ seed: 'qw', customers: 60, staff: 3 })
    const qwUserId = mock.world.members()[2]!.qwUserId
    const before = sweepQw(mock, { qwUserId, size: 7 })
    const { customerId } = mock.admin.addCustomer({ followers: [{ qwUserId }] })
    const after = sweepQw(mock, { qwUserId, size: 7 })
    expect(after).toHaveLength(before.length + 1)
    expect(after.at(-1)!.customerId).toBe(customerId)
  })

  it('a qwUserId that follows nobody: an empty page (unknownMember error: 40000)', async () => {
    const mock = await createMock({ customers: 10 })
    expect((await send(mock, PATH, '{"qwUserId":"ghost"}')).json).toEqual({ code: 0, message: 'ok', data: { list: [], nextCursor: null } })
    const strict = await createMock({ customers: 10, unknownMember: 'error' })
    expect((await send(strict, PATH, '{"qwUserId":"ghost"}')).json).toEqual({ code: 40000, message: '请求参数验证失败：qwUserId 不存在："ghost"', data: null })
  })

  it.each([
    ['{}', '请求参数验证失败：qwUserId 不能为空'],
    ['', '请求参数验证失败：qwUserId 不能为空'],
    ['{"qwUserId":""}', '请求参数验证失败：qwUserId 不能为空'],
    ['{"qwUserId":5}', '请求参数验证失败：qwUserId 应为字符串（收到 5）'],
    ['{"qwUserId":"a","type":3}', '请求参数验证失败：type 只能是 1（个人客户）或 2（企业客户）（收到 3）'],
    ['{"qwUserId":"a","size":"x"}', '请求参数验证失败：size 应为大于等于 1 的整数（收到 "x"）'],
    ['{"qwUserId":"a","cursor":"nope"}', /^请求参数验证失败：cursor /],
  ])('refuses %s', async (body, message) => {
    const mock = await createMock({ customers: 5 })
    const { json } = await send(mock, PATH, body)
    expect(json.code).toBe(40000)
    expect(json.message).toMatch(message)
  })

  it('answers over HTTP', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const answer = await overHttp<Page>(mock, PATH, '{"qwUserId":"dowen","size":10}')
    expect(answer.status).toBe(200)
    expect(answer.json.data.list.map((i) => i.customerId)).toEqual([398604120668224])
  })
})
