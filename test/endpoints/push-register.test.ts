/**
 * POST …/v2/push-register (docs/upstream.md §7.2, §8): the documented answer without `data`, the
 * validation errors, replacement by a second registration, and the register push that follows.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createMock, startServer, type Mock } from '../../mock/index.js'
import { startReceiver, type Receiver } from '../push/receiver.js'
import { send } from './support.js'

const PATH = '/v2/push-register'
const receivers: Receiver[] = []
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()))
})

const register = (mock: Mock, body: unknown) => send(mock, PATH, JSON.stringify(body))

describe('push-register', () => {
  it('answers the documented envelope with no data property, over HTTP too, then the register push arrives', async () => {
    const mock = await createMock({ customers: 5, staff: 2 })
    const inbox = await startReceiver(mock.credentials)
    receivers.push(inbox)
    const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
    try {
      const body = JSON.stringify({ receiveAddress: inbox.url, subscription: 'register,new_qw_customer,edit_qw_customer' })
      const response = await fetch(`${server.origin}/api${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...mock.sign(body) }, body })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('{"code":0,"message":"已收到注册消息,请注意接收确认回调"}')
      await mock.pushes.settle()
    } finally {
      await server.close()
    }
    expect(inbox.messages().map((m) => m.type)).toEqual(['register'])
    expect(mock.pushes.registration()).toMatchObject({ receiveAddress: inbox.url, subscription: ['register', 'new_qw_customer', 'edit_qw_customer'] })
  })

  it.each([
    [{ subscription: 'register' }, 'receiveAddress 不能为空'],
    [{ receiveAddress: 'ftp://example.test/push', subscription: 'register' }, 'receiveAddress 应为 http 或 https 地址'],
    [{ receiveAddress: 'not a url', subscription: 'register' }, 'receiveAddress 应为 http 或 https 地址'],
    [{ receiveAddress: 42, subscription: 'register' }, 'receiveAddress 应为 http 或 https 地址'],
    [{ receiveAddress: 'http://127.0.0.1:9/push' }, 'subscription 不能为空'],
    [{ receiveAddress: 'http://127.0.0.1:9/push', subscription: ' , ' }, 'subscription 应为逗号分隔的推送类型'],
    [{ receiveAddress: 'http://127.0.0.1:9/push', subscription: ['register'] }, 'subscription 应为逗号分隔的推送类型'],
  ])('%j is refused with the validation error, and registers nothing', async (body, text) => {
    const mock = await createMock({ customers: 5, staff: 2 })
    const answer = await register(mock, body)
    expect(answer.json.code).toBe(40000)
    expect(answer.json.message).toContain(text)
    expect(mock.pushes.registration()).toBeNull()
    expect(mock.pushes.journal()).toEqual([])
  })

  it('unknown type names are taken, listed as unknownTypes, and never sent', async () => {
    const mock = await createMock({ customers: 5, staff: 2 })
    const inbox = await startReceiver(mock.credentials)
    receivers.push(inbox)
    expect((await register(mock, { receiveAddress: inbox.url, subscription: 'register, no_such_type ,register' })).json.code).toBe(0)
    expect(mock.pushes.registration()).toMatchObject({ subscription: ['register', 'no_such_type'], unknownTypes: ['no_such_type'] })
  })

  it('a second registration replaces the first: the register push and later pushes go to the new address only', async () => {
    const mock = await createMock({ customers: 5, staff: 2 })
    const first = await startReceiver(mock.credentials)
    const second = await startReceiver(mock.credentials)
    receivers.push(first, second)
    await register(mock, { receiveAddress: first.url, subscription: 'register' })
    await mock.pushes.settle()
    await register(mock, { receiveAddress: second.url, subscription: 'register' })
    await mock.pushes.settle()
    await mock.pushes.trigger('register')
    expect(first.messages().map((m) => m.msgId)).toEqual([1000])
    expect(second.messages().map((m) => m.msgId)).toEqual([1001, 1002])
    expect(mock.pushes.registration()?.receiveAddress).toBe(second.url)
  })
})
