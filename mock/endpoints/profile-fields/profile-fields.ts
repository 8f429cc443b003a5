/**
 * POST …/v3/profile-fields (查询客户字段, docs/upstream.md §7.1): the field definitions, each with
 * its alias. A public client posts an empty body signed over `""`; `{}` is taken too. What the
 * client reads is `data[0].id` (an integer); the rest of the item is our choice: list-fields' item
 * plus `alias` (the one profile-fields/map gave it, or null).
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'
import { fieldDefinitionItem, fieldDefinitionItemSchema } from '../customer/list-fields.js'

export const profileFieldSchema = fieldDefinitionItemSchema.extend({
  /** The name profile-fields/map gave the field, or null. */
  alias: z.string().nullable(),
})

export const profileFields = defineEndpoint({
  path: '/v3/profile-fields',
  title: '查询客户字段',
  source: 'clients',
  kind: 'read',
  dataSource: 'partly choice',
  example: {},
  emptyBody: true,
  request: () => z.object({}),
  data: z.array(profileFieldSchema),
  message: 'success',
  serve({ context }) {
    const { world } = context
    return JSON.stringify(world.catalog.fields.map((field) => ({ ...fieldDefinitionItem(field), alias: world.aliases.aliasOf(field.id) })))
  },
})
