/** POST …/v3/clue/list-follow-up (列出指定线索&待分配客户跟进内容): a lead's follow-up records, keyset-paged. */
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { followUpItemSchema } from '../../mock/endpoints/index.js'
import { send, overHttp } from './support.js'

const PATH = '/v3/clue/list-follow-up'

describe('clue/list-follow-up', () => {
  it('serves the documented record 43438 exactly (and a type-2 record) from the documented-examples fixture, message "success"', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const answer = await send(mock, PATH, '{"customerId":410983932389440}')
    expect(answer.json.message).toBe('success')
    const [change, documented] = answer.json.data.list
    expect(documented).toEqual({ id: 43438, type: 1, content: expect.any(String), createTime: '2021-07-26 17:28:58', operator: { qwUserId: '', name: 'API' } })
    expect(JSON.stringify(documented).startsWith('{"id":43438,"type":1,"content":"')).toBe(true)
    expect(JSON.stringify(documented).endsWith('","createTime":"2021-07-26 17:28:58","operator":{"qwUserId":"","name":"API"}}')).toBe(true)
    expect(change).toMatchObject({ type: 2, content: '添加了客户的信息:\n“日期: 2021-07-20”' })
    expect(answer.json.data.nextCursor).toBeNull()
  })

  it('generated records: valid items, oldest first, pages join up, type filters by the record type', async () => {
    const mock = await createMock({ seed: 'follow', customers: 400 })
    const leads = (await send(mock, '/v3/clue/list-by-create-time-asc', '{"size":100}')).json.data.list as { customerId: number; createTime: string }[]
    let seen = 0
    for (const lead of leads) {
      const whole = (await send(mock, PATH, JSON.stringify({ customerId: lead.customerId, size: 100 }))).json.data.list as any[]
      seen += whole.length
      for (const item of whole) {
        expect(followUpItemSchema.safeParse(item).success).toBe(true)
        expect(item.createTime >= lead.createTime).toBe(true)
      }
      expect(whole.map((i) => i.createTime)).toEqual(whole.map((i) => i.createTime).sort())
      const paged: any[] = []
      let cursor: string | undefined
      do {
        const page = (await send(mock, PATH, JSON.stringify({ customerId: lead.customerId, size: 1, ...(cursor ? { cursor } : {}) }))).json.data
        paged.push(...page.list)
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      expect(paged).toEqual(whole)
      const typed = (await send(mock, PATH, JSON.stringify({ customerId: lead.customerId, type: 2 }))).json.data.list
      expect(typed).toEqual(whole.filter((i) => i.type === 2))
    }
    expect(seen).toBeGreaterThan(20)
  })

  it('an unknown customerId, or a followed customer\'s, answers an empty list', async () => {
    const mock = await createMock({ seed: 'follow', customers: 20 })
    expect((await send(mock, PATH, '{"customerId":123}')).text).toBe('{"code":0,"message":"success","data":{"list":[],"nextCursor":null}}')
    const followed = mock.context.world.customerIdAt(0)
    expect((await send(mock, PATH, JSON.stringify({ customerId: followed }))).json.data.list).toEqual([])
  })

  it.each([
    ['{}', '请求参数验证失败：customerId 不能为空'],
    ['{"customerId":"x"}', '请求参数验证失败：customerId 应为客户 id（整数）（收到 "x"）'],
    ['{"customerId":1,"type":5}', '请求参数验证失败：type 只能是 1（文字跟进）或 2（客户信息变更）（收到 5）'],
    ['{"customerId":1,"size":0}', '请求参数验证失败：size 应为大于等于 1 的整数（收到 0）'],
  ])('refuses %s', async (body, message) => {
    const mock = await createMock({ customers: 10 })
    expect((await send(mock, PATH, body)).json).toEqual({ code: 40000, message, data: null })
  })

  it('over HTTP', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const answer = await overHttp(mock, PATH, '{"customerId":410983932389440,"size":1}')
    expect(answer.json.data.list).toHaveLength(1)
    expect(typeof answer.json.data.nextCursor).toBe('string')
  })
})
