/**
 * The endpoint module and the generic pipeline, with endpoints that are not the list: a JSON-array
 * body, a body that must not be empty, a fixed success message, and no list hooks.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineEndpoint } from '../../mock/core/endpoint.js'
import { serveEndpoint } from '../../mock/core/pipeline.js'
import { integerField } from '../../mock/core/fields.js'
import { createMock, type Mock } from '../../mock/index.js'

/** A write that takes `[{id}, …]` and answers the ids doubled (save-highseas takes an array too). */
const arrayWrite = defineEndpoint({
  path: '/v3/test/array-write',
  title: '测试',
  source: 'clients',
  kind: 'write',
  emptyBody: false,
  example: [{ id: 1 }],
  request: (options) => z.array(z.object({ id: integerField(options, 'id', '应为整数', () => true) })),
  data: z.array(z.int()),
  message: 'success',
  serve: ({ request }) => JSON.stringify(request.map((r) => r.id * 2)),
})

async function call(mock: Mock, body: string) {
  const request = new Request(`https://api.tanmarket.cn/api${arrayWrite.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(body) }, body })
  const response = await serveEndpoint(mock.context, arrayWrite, request)
  return { status: response.status, text: await response.text() }
}

describe('the pipeline with an endpoint module that is not a list', () => {
  it('takes a JSON-array body, checks each element against the request schema and answers with the endpoint\'s message', async () => {
    const mock = await createMock({ customers: 1 })
    expect(await call(mock, '[{"id":1},{"id":20,"extra":true}]')).toEqual({ status: 200, text: '{"code":0,"message":"success","data":[2,40]}' })
    expect(mock.admin.requests().at(-1)).toMatchObject({ endpoint: arrayWrite.path, code: 0, unknownProperties: ['extra'] })
  })

  it('refuses an object where the schema wants an array, a wrong element, and an empty body where none is taken', async () => {
    const mock = await createMock({ customers: 1 })
    const message = async (body: string) => JSON.parse((await call(mock, body)).text) as { code: number; message: string }
    expect(await message('{"id":1}')).toEqual({ code: 40000, message: '请求参数验证失败：请求体应为 JSON 数组（收到 object）', data: null })
    expect(await message('[{"id":"x"}]')).toMatchObject({ code: 40000, message: '请求参数验证失败：id 应为整数（收到 "x"）' })
    expect(await message('')).toMatchObject({ code: 40000, message: '请求参数验证失败：请求体不能为空' })
  })

  it('handle() is check and serve without HTTP', async () => {
    const mock = await createMock({ customers: 1 })
    expect(arrayWrite.handle(mock.context, [{ id: 3 }])).toBe('[6]')
    expect(() => arrayWrite.handle(mock.context, { id: 3 })).toThrow('请求体应为 JSON 数组')
  })
})
