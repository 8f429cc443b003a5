/** POST …/v2/customer/list-fields (列出客户数据字段列表). */
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { listFieldsDataSchema } from '../../contracts/schema.js'
import { send, overHttp } from './support.js'

const PATH = '/v2/customer/list-fields'

/** The documented answer (docs/upstream.md §7.3), whole. */
const DOCUMENTED = {
  code: 0,
  message: 'success',
  data: {
    fields: [
      { id: 429, name: '电话', type: 8, outerField: null, stable: true, customerImportRequired: true },
      { id: 436, name: '性别', type: 2, outerField: null, items: [{ id: 0, name: '其它' }, { id: 1, name: '男' }, { id: 2, name: '女' }], stable: true, customerImportRequired: false },
      { id: 355, name: '生日', type: 3, outerField: null, stable: false, customerImportRequired: false },
    ],
  },
}

describe('list-fields', () => {
  it('serves the documented answer exactly from the documented-examples fixture', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const answer = await send(mock, PATH, '{}')
    expect(answer.json).toEqual(DOCUMENTED)
    expect(answer.text).toBe(JSON.stringify(DOCUMENTED))
  })

  it('a generated world: its ten fields in order, items on select fields only, every option id of every customer resolves', async () => {
    const mock = await createMock({ seed: 'fields', customers: 200, staff: 5 })
    const { json } = await send<{ fields: { id: number; outerField: string; type: number; items?: { id: number }[] }[] }>(mock, PATH, '{}')
    expect(json).toMatchObject({ code: 0, message: 'success' })
    expect(listFieldsDataSchema.parse(json.data)).toBeTruthy()
    const fields = json.data.fields
    expect(fields.map((f) => f.outerField)).toEqual(['customer_source', 'description', 'mobile', 'address', 'birthday', 'corp_name', 'name', 'purchase_intention', 'gender', 'customer_stage'])
    expect(fields.filter((f) => f.items !== undefined).map((f) => f.type)).toEqual([2, 2, 2, 2])
    const byKey = new Map(fields.map((f) => [f.outerField, f]))
    for (const customer of mock.world.customers()) {
      for (const value of customer.fields) {
        if (value.type !== 2 || value.valueAsText === null) continue
        expect(byKey.get(value.field)!.items!.map((o) => String(o.id))).toContain(value.valueAsText)
      }
    }
  })

  it('ignores what the body carries, and refuses a body that is not an object', async () => {
    const mock = await createMock({ customers: 1 })
    expect((await send(mock, PATH, '{"x":1}')).json.code).toBe(0)
    expect((await send(mock, PATH, '')).json.code).toBe(0)
    expect((await send(mock, PATH, '[]')).json).toEqual({ code: 40000, message: '请求参数验证失败：请求体应为 JSON 对象（收到 数组）', data: null })
  })

  it('answers over HTTP', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    expect(await overHttp(mock, PATH, '{}')).toMatchObject({ status: 200, json: DOCUMENTED })
  })
})
