/**
 * POST …/v3/import-customer (个人客户导入, docs/upstream.md §7.2): `{qwUserId, fields: [{alias,
 * values}]}` adds a personal customer the member follows from now on (both relation lists show it
 * at once). Fields are named as in every write (alias, name, key, id; `customer_ch_phone`, the
 * clients' name for the phones field, resolves to it: mock/world/field-aliases.ts). Our choices:
 * `data` the new customer id, a bare integer (as add-clue's); an unknown member, an alias that
 * names no field or a value its field does not take: `40000 请求参数验证失败：…`, nothing changes
 * (no id is used up).
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { required, stringField } from '../../core/fields.js'
import { preview } from '../../preview.js'
import { UpstreamError } from '../../protocol/errors.js'
import { idSchema } from '../../protocol/shapes.js'
import { worldChanges } from '../../world/changes.js'
import { aliasValuesField, asUpstream, resolveValues } from '../field-writes.js'

export const importCustomer = defineEndpoint({
  path: '/v3/import-customer',
  title: '个人客户导入',
  source: 'clients',
  kind: 'write',
  dataSource: 'choice',
  example: { qwUserId: 'kasey', fields: [{ alias: 'customer_ch_phone', values: ['13812345678'] }, { alias: 'name', values: ['王小明'] }] },
  request: () => z.object({ qwUserId: required('qwUserId', stringField('qwUserId').min(1, { error: 'qwUserId 不能为空' })), fields: aliasValuesField() }),
  data: idSchema,
  message: 'success',
  serve({ context, request }) {
    if (context.world.memberIndex(request.qwUserId) === undefined) throw new UpstreamError('validation', `qwUserId 不存在：${preview(request.qwUserId)}`)
    const values = resolveValues(context.world, request.fields)
    const { customerId } = asUpstream(() => worldChanges(context).importCustomer(request.qwUserId, values))
    return String(customerId)
  },
})
