/**
 * Every answer a world gives a client, as one text: sweeps of the relation lists (all, by type, by
 * member, the deprecated per-member list) and of the lead list, searches, WeChat details and follow
 * records of listed customers, lead follow-ups, the staff and definition endpoints, and the admin export.
 * Two worlds that answer alike give the same text (world-answers.test.ts, snapshot.test.ts).
 */
import { createHash } from 'node:crypto'
import type { Endpoint } from '../../mock/core/endpoint.js'
import {
  customerSearch, getUsers, listByQwUserId, listByRelationCreateTimeAsc, listClueFollowUps, listCluesByCreateTimeAsc, listFields, listTagTree, profileFields,
  qwDetails, qwListByCustomer, userDepartment,
} from '../../mock/endpoints/index.js'
import type { Mock } from '../../mock/index.js'
import { send } from '../endpoints/support.js'

const text = async (mock: Mock, endpoint: Endpoint, body: unknown) => (await send(mock, endpoint.path, JSON.stringify(body))).text

/** Every page of a paged list, each answer as served. */
async function pages(mock: Mock, endpoint: Endpoint, body: Record<string, unknown>): Promise<string[]> {
  const out: string[] = []
  let cursor: string | null = null
  do {
    const answer = await text(mock, endpoint, cursor === null ? body : { ...body, cursor })
    out.push(answer)
    cursor = (JSON.parse(answer) as { data: { nextCursor: string | null } }).data.nextCursor
  } while (cursor !== null && out.length < 10_000)
  return out
}

export async function worldAnswers(mock: Mock): Promise<string[]> {
  const members = mock.context.world.memberList.map((m) => m.qwUserId)
  const out: string[] = []
  const all = await pages(mock, listByRelationCreateTimeAsc, { size: 100 })
  out.push(...all)
  for (const filter of [{ type: 1 }, { type: 2 }, { qwUserId: members[0] }, { qwUserId: members[1], type: 2, since: '2024-01-01 00:00:00' }]) out.push(...(await pages(mock, listByRelationCreateTimeAsc, { ...filter, size: 100 })))
  out.push(...(await pages(mock, listByQwUserId, { qwUserId: members[2], size: 100 })))
  const leads = await pages(mock, listCluesByCreateTimeAsc, { size: 100 })
  out.push(...leads)
  const items = all.flatMap((page) => (JSON.parse(page) as { data: { list: { customerId: number; externalUserId?: string | null; fields: { field: string; valueAsText: string | null }[] }[] } }).data.list)
  for (const item of items.filter((_, k) => k % 37 === 0)) {
    const name = item.fields.find((f) => f.field === 'name')?.valueAsText
    const mobiles = JSON.parse(item.fields.find((f) => f.field === 'mobile')?.valueAsText ?? '[]') as string[]
    for (const searchKey of [name, ...mobiles, String(item.customerId)]) if (searchKey) out.push(await text(mock, customerSearch, { searchKey, pageNo: 1, pageSize: 20 }))
    if (item.externalUserId) {
      out.push(await text(mock, qwDetails, { externalUserId: item.externalUserId }))
      out.push(await text(mock, qwListByCustomer, { externalUserId: item.externalUserId }))
    }
  }
  const leadIds = leads.flatMap((page) => (JSON.parse(page) as { data: { list: { customerId: number }[] } }).data.list.map((l) => l.customerId))
  for (const customerId of leadIds.filter((_, k) => k % 11 === 0)) out.push(...(await pages(mock, listClueFollowUps, { customerId, size: 100 })))
  out.push(await text(mock, getUsers, { pageNo: 1, pageSize: 100 }))
  for (const qwUserId of members.slice(0, 3)) out.push(await text(mock, userDepartment, { qwUserId }))
  for (const endpoint of [listFields, profileFields, listTagTree]) out.push(await text(mock, endpoint, {}))
  out.push(JSON.stringify(mock.admin.exportWorld()))
  return out
}

/** A digest of worldAnswers. */
export async function answersDigest(mock: Mock): Promise<string> {
  const hash = createHash('sha256')
  for (const answer of await worldAnswers(mock)) hash.update(answer).update('\n')
  return hash.digest('hex')
}
