/** POST …/v3/echo (对接测试): the body back as `data`. */
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { send, overHttp } from './support.js'

const PATH = '/v3/echo'

describe('echo', () => {
  it('answers the body as received, with message success (the client\'s documented request)', async () => {
    const mock = await createMock({ customers: 1 })
    expect((await send(mock, PATH, '{"hello":"tanmarket"}')).text).toBe('{"code":0,"message":"success","data":{"hello":"tanmarket"}}')
  })

  it('takes any JSON: nested values, arrays, an empty body (as {}), unknown properties even with --strict-body', async () => {
    const mock = await createMock({ customers: 1, strictBody: true })
    expect((await send(mock, PATH, '{"a":[1,{"b":null}],"c":"中文"}')).json.data).toEqual({ a: [1, { b: null }], c: '中文' })
    expect((await send(mock, PATH, '[1,2]')).json.data).toEqual([1, 2])
    expect((await send(mock, PATH, '')).json).toEqual({ code: 0, message: 'success', data: {} })
  })

  it('echoData null answers data null', async () => {
    const mock = await createMock({ customers: 1, echoData: 'null' })
    expect((await send(mock, PATH, '{"hello":"tanmarket"}')).text).toBe('{"code":0,"message":"success","data":null}')
  })

  it('is signed like every endpoint: a wrong sign is 1002', async () => {
    const mock = await createMock({ customers: 1 })
    const answer = await send(mock, PATH, '{"hello":"tanmarket"}', mock.sign('{"hello":"other"}'))
    expect(answer.json).toMatchObject({ code: 1002, message: '签名校验未通过' })
  })

  it('answers over HTTP', async () => {
    const mock = await createMock({ customers: 1 })
    expect(await overHttp(mock, PATH, '{"hello":"tanmarket"}')).toMatchObject({ status: 200, text: '{"code":0,"message":"success","data":{"hello":"tanmarket"}}' })
  })
})
