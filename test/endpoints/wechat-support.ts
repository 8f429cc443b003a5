/** Helpers of the WeChat and customer-write endpoints' tests: full sweeps of the relation lists. */
import { listByQwUserId, listByRelationCreateTimeAsc } from '../../mock/endpoints/index.js'
import type { Mock } from '../../mock/index.js'
import { call } from './staff-support.js'

export interface RelationItem {
  customerId: number
  qwUserId: string
  type: number
  fields: { field: string; type: number; valueAsText: string | null }[]
  createTime: string
  lastUpdateTime: string
  externalUserId?: string | null
  wechatNickname: string | null
  wechatAvatar: string | null
  qwRemark: string | null
}

/** Every page of the relation list (or the deprecated per-member list, with `qwUserId`). */
export async function sweep(mock: Mock, qwUserId?: string, size = 100): Promise<RelationItem[]> {
  const endpoint = qwUserId === undefined ? listByRelationCreateTimeAsc : listByQwUserId
  const items: RelationItem[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await call<{ list: RelationItem[]; nextCursor: string | null }>(mock, endpoint, { size, ...(qwUserId ? { qwUserId } : {}), ...(cursor ? { cursor } : {}) })
    if (page.code !== 0) throw new Error(page.message)
    items.push(...page.data.list)
    if (!page.data.nextCursor || page.data.list.length === 0) return items
    cursor = page.data.nextCursor
  }
}

/** The relation list filtered to the member (the relation list's view). */
export async function followedBy(mock: Mock, qwUserId: string): Promise<RelationItem[]> {
  const page = await call<{ list: RelationItem[]; nextCursor: string | null }>(mock, listByRelationCreateTimeAsc, { size: 100, qwUserId })
  return page.data.list
}
