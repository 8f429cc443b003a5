/**
 * POST …/v2/push-register (推送注册接口, docs/upstream.md §7.2 and §8): where the tenant's pushes go
 * and which types. `receiveAddress` (an http or https URL) and `subscription` (type names,
 * comma-separated in one string) are required; type names the fake does not know are taken and
 * never sent (our choice; GET /__mock/pushes lists them under `unknownTypes`). The answer has no `data` at all:
 * `{"code":0,"message":"已收到注册消息,请注意接收确认回调"}`, as documented; then a `register` push
 * goes to the address (mock/push/delivery.ts). A second registration replaces the first and brings
 * an offline address back.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { required } from '../../core/fields.js'
import { preview } from '../../preview.js'

const receiveAddress = z.unknown().transform((value, ctx) => {
  let url: URL | undefined
  try {
    url = typeof value === 'string' ? new URL(value.trim()) : undefined
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.addIssue({ code: 'custom', message: `receiveAddress 应为 http 或 https 地址（收到 ${preview(value)}）` })
    return z.NEVER
  }
  return (value as string).trim()
})

const subscription = z.unknown().transform((value, ctx) => {
  if (typeof value !== 'string' || value.split(',').every((name) => name.trim() === '')) {
    ctx.addIssue({ code: 'custom', message: `subscription 应为逗号分隔的推送类型（收到 ${preview(value)}）` })
    return z.NEVER
  }
  return value
})

export const pushRegister = defineEndpoint({
  path: '/v2/push-register',
  title: '推送注册接口',
  source: 'doc',
  kind: 'write',
  // A loopback port nobody listens on: the README's example answers code 0 and its register push is refused.
  example: { receiveAddress: 'http://127.0.0.1:9/push-debug', subscription: 'register,new_qw_customer,edit_qw_customer' },
  request: () => z.object({ receiveAddress: required('receiveAddress', receiveAddress), subscription: required('subscription', subscription) }),
  /** No `data` property in the answer. */
  data: z.undefined(),
  message: '已收到注册消息,请注意接收确认回调',
  withoutData: true,
  serve({ context, request }) {
    context.pushes.register(request.receiveAddress, request.subscription)
    return 'null'
  },
})
