/**
 * POST …/v3/tags/list-tree (查询标签树, docs/upstream.md §7.1): the tag groups with their tags,
 * which resolve every `tagIds` entry of a customer. Groups come from the world's tags and the tag
 * groups a fixture gives; the others are derived (mock/world/tag-groups.ts).
 */
import { z } from 'zod'
import { defineEndpoint } from '../../core/endpoint.js'

const qwTagIdSchema = z.string().regex(/^et[A-Za-z0-9_-]+$/)

/** One tag of a group. */
export const tagItemSchema = z.object({ id: z.int().positive(), name: z.string(), qwTagId: qwTagIdSchema })
/** One group, in the documented property order. */
export const tagGroupItemSchema = z.object({ name: z.string(), id: z.int().positive(), qwTagId: qwTagIdSchema, tags: z.array(tagItemSchema) })

export const listTagTree = defineEndpoint({
  path: '/v3/tags/list-tree',
  title: '查询标签树',
  source: 'doc',
  kind: 'read',
  example: {},
  request: () => z.object({}),
  data: z.array(tagGroupItemSchema),
  message: 'success',
  serve({ context }) {
    return JSON.stringify(context.world.catalog.tagTree().map((g) => ({ name: g.name, id: g.id, qwTagId: g.qwTagId, tags: g.tags.map((t) => ({ id: t.id, name: t.name, qwTagId: t.qwTagId })) })))
  },
})
