/** POST …/v3/profile-fields (查询客户字段). */
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { profileFieldSchema } from '../../contracts/schema.js'
import { send, overHttp } from './support.js'

const PATH = '/v3/profile-fields'

describe('profile-fields', () => {
  it('takes an empty body signed over "" (as a public client sends it) and {} alike; data[0].id is an integer', async () => {
    const mock = await createMock({ seed: 'pf', customers: 5 })
    const empty = await send(mock, PATH, '')
    const object = await send(mock, PATH, '{}')
    expect(empty.text).toBe(object.text)
    expect(empty.json).toMatchObject({ code: 0, message: 'success' })
    expect(Number.isSafeInteger(empty.json.data[0].id)).toBe(true)
    for (const item of empty.json.data) expect(profileFieldSchema.parse(item)).toEqual(item)
  })

  it('each item is the list-fields item plus its alias (null until profile-fields/map gives one)', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const fields = (await send(mock, '/v2/customer/list-fields', '{}')).json.data.fields
    const before = (await send(mock, PATH, '')).json.data
    expect(before).toEqual(fields.map((f: object) => ({ ...f, alias: null })))
    await send(mock, '/v3/profile-fields/map', '{"fieldId":"429","alias":"手机"}')
    const after = (await send(mock, PATH, '')).json.data
    expect(after[0]).toEqual({ ...fields[0], alias: '手机' })
    expect(Object.keys(after[0]).at(-1)).toBe('alias')
  })

  it('refuses a body that is not a JSON object', async () => {
    const mock = await createMock({ customers: 1 })
    expect((await send(mock, PATH, '"x"')).json).toMatchObject({ code: 40000, message: '请求参数验证失败：请求体应为 JSON 对象（收到 string）' })
  })

  it('answers over HTTP', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const answer = await overHttp(mock, PATH, '')
    expect(answer.status).toBe(200)
    expect(answer.json.data.map((f: { id: number }) => f.id)).toEqual([429, 436, 355])
  })
})
