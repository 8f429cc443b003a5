import { expect, it } from 'vitest'
import { z } from 'zod'
import { listByRelationCreateTimeAsc } from '../../mock/endpoints/index.js'
import { driftOf } from '../../mock/probe/drift.js'

it('names each way an answer differs from the documented shape, by path and kind, never by value', () => {
  const schema = z.object({ list: z.array(z.object({ id: z.int(), name: z.string(), tag: z.string().nullable(), type: z.union([z.literal(1), z.literal(2)]), at: z.string().regex(/^\d{4}$/).optional() })), nextCursor: z.string().nullable() })
  const answer = { list: [{ id: '7', tag: null, type: 3, at: 'soon', secret: '王小明', 253211443234880: 'x' }, { id: 8, name: null, tag: 'a', type: 1 }], nextCursor: null }
  expect(driftOf(schema, answer)).toEqual([
    { path: 'list[].id', kind: 'retyped', expected: 'integer', got: 'string' },
    { path: 'list[].name', kind: 'missing', expected: 'string', got: 'undefined' },
    { path: 'list[].type', kind: 'invalid', expected: 'union', got: 'integer' },
    { path: 'list[].at', kind: 'invalid', expected: 'string', got: 'string' },
    { path: 'list[].secret', kind: 'extra', expected: '(none)', got: 'string' },
    { path: 'list[].name', kind: 'nullable', expected: 'string', got: 'null' },
  ])
  expect(JSON.stringify(driftOf(schema, answer))).not.toMatch(/王小明|soon/)
  expect(driftOf(schema, { list: [], nextCursor: 'abc' })).toEqual([])
})

it('a documented page has no drift; a page without a documented property has', () => {
  const item = { customerId: 258658439182400, qwUserId: 'elisha', type: 1, fields: [], tagIds: [], createTime: '2024-01-01 00:00:00', lastUpdateTime: '2024-01-01 00:00:00', wechatNickname: null, wechatAvatar: null, wechatLocation: null, convertCustomerTime: null, qwRemark: null, externalUserId: null }
  expect(driftOf(listByRelationCreateTimeAsc.data, { list: [item], nextCursor: null })).toEqual([])
  const { tagIds: _, ...without } = item
  expect(driftOf(listByRelationCreateTimeAsc.data, { list: [without], nextCursor: null })).toEqual([{ path: 'list[].tagIds', kind: 'missing', expected: 'array', got: 'undefined' }])
})
