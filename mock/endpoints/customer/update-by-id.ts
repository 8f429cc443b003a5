/**
 * POST …/v3/customer/update-by-id (docs/upstream.md §7.2): `{customerId, fields: [{alias, values}]}`
 * changes the customer's profile values, each checked by its field's type (mock/world/field-values.ts;
 * multi-valued types take the list, the others one value, an empty list clears). Our choices: `data`
 * null; an unknown customer, an alias that names no field or a value its field does not take:
 * `40000 请求参数验证失败：…`, nothing changes. lastUpdateTime moves; `customer.changed`.
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { worldChanges } from '../../world/changes.js'
import { aliasValuesField, asUpstream, customerIdField, requireCustomer, resolveValues } from '../field-writes.js'

export const updateCustomerById = defineEndpoint({
  path: '/v3/customer/update-by-id',
  title: '更新客户信息',
  source: 'clients',
  kind: 'write',
  dataSource: 'choice',
  example: { customerId: 258658439182400, fields: [{ alias: '描述', values: ['老客户'] }] },
  request: (options) => z.object({ customerId: customerIdField(options), fields: aliasValuesField() }),
  data: z.null(),
  message: 'success',
  serve({ context, request }) {
    requireCustomer(context.world, request.customerId)
    const values = resolveValues(context.world, request.fields)
    asUpstream(() => worldChanges(context).setCustomerFields(request.customerId, values))
    return 'null'
  },
})
