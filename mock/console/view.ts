/**
 * What the demo console reads (docs/console.md): the world in the shape a page shows it — members
 * by department, customers found by name, mobile or id, one customer with its profile fields by
 * option *name*, tags by name, follow relations with member names and remarks, follow-up records and
 * WeChat identities. Read-only, through the world query API (mock/world/query.ts); served by the
 * admin API (GET /__mock/departments, /members, /customers?query=…, /customers/<id>).
 */
import type { CustomerRecord, DepartmentRecord, FollowUpRecord, StaffRecord, WechatIdentityRecord, WorldQuery } from '../world/query.js'

/** One line of a customer search: enough to pick the customer. */
export interface CustomerHit {
  customerId: number
  name: string | null
  mobiles: string[]
  type: number
  stage: string | null
  followers: number
}

/** A customer's page. */
export interface CustomerPage {
  customerId: number
  name: string | null
  type: number
  createTime: string
  lastUpdateTime: string
  company: CustomerRecord['company']
  /** Every profile field, in definition order: its label (the tenant's, Chinese) and its value as shown (a select's option name). */
  fields: { key: string; label: string; value: string | null }[]
  tags: { id: number; name: string; group: string | null }[]
  relations: { relationId: number; qwUserId: string; memberName: string | null; remark: string | null; createTime: string }[]
  followUps: FollowUpRecord[]
  wechat: WechatIdentityRecord[]
}

/** At most this many hits per search (the console says when there are more). */
export const SEARCH_LIMIT = 50

const text = (value: string | string[] | null | undefined): string | null => (value == null ? null : Array.isArray(value) ? value.join(', ') : value)
const mobilesOf = (c: CustomerRecord): string[] => {
  const v = c.fieldValues.mobile
  return v == null ? [] : Array.isArray(v) ? v : [v]
}

/** A customer as a search hit. */
function hit(c: CustomerRecord): CustomerHit {
  return { customerId: c.customerId, name: text(c.fieldValues.name), mobiles: mobilesOf(c), type: c.type, stage: text(c.fieldValues.customer_stage), followers: c.followers.length }
}

/**
 * Customers matching `query`: its exact id, a part of a mobile number (3 digits or more), or a part
 * of the name; an empty query lists the first customers. A scan over the world, stopped at `limit`.
 */
export function searchCustomers(world: WorldQuery, query: string, limit = SEARCH_LIMIT): { hits: CustomerHit[]; more: boolean } {
  const q = query.trim()
  const hits: CustomerHit[] = []
  if (/^\d+$/.test(q)) {
    const exact = world.customer(Number(q))
    if (exact) hits.push(hit(exact))
  }
  const digits = /^\d{3,}$/.test(q)
  const needle = q.toLowerCase()
  for (const c of world.customers()) {
    if (hits.some((h) => h.customerId === c.customerId)) continue
    const matches = q === '' || (digits && mobilesOf(c).some((m) => m.includes(q))) || (text(c.fieldValues.name) ?? '').toLowerCase().includes(needle)
    if (!matches) continue
    if (hits.length >= limit) return { hits, more: true }
    hits.push(hit(c))
  }
  return { hits, more: false }
}

/** A customer's page, or undefined for an unknown (or deleted) customer. */
export function customerPage(world: WorldQuery, customerId: number): CustomerPage | undefined {
  const c = world.customer(customerId)
  if (!c) return undefined
  const definitions = world.fieldDefinitions()
  const labelOf = new Map(definitions.flatMap((d) => (d.outerField === null ? [] : [[d.outerField, d.name] as const])))
  const tagById = new Map(world.tags().map((t) => [t.id, t]))
  return {
    customerId: c.customerId,
    name: text(c.fieldValues.name),
    type: c.type,
    createTime: c.createTime,
    lastUpdateTime: c.lastUpdateTime,
    company: c.company,
    fields: Object.entries(c.fieldValues).map(([key, value]) => ({ key, label: labelOf.get(key) ?? key, value: text(value) })),
    tags: c.tagIds.map((id) => {
      const tag = tagById.get(id) as { name: string; groupName?: string | null } | undefined
      return { id, name: tag?.name ?? String(id), group: tag?.groupName ?? null }
    }),
    relations: world.relationsOf(customerId).map((r) => ({ relationId: r.relationId, qwUserId: r.qwUserId, memberName: world.member(r.qwUserId)?.name ?? null, remark: r.qwRemark, createTime: r.createTime })),
    followUps: world.followUps(customerId),
    wechat: world.wechatIdentities(customerId),
  }
}

/** The departments (root first), each with its members (by main department). */
export function membersByDepartment(world: WorldQuery): (DepartmentRecord & { members: StaffRecord[] })[] {
  const staff = world.staff()
  return world.departments().map((d) => ({ ...d, members: staff.filter((m) => m.departmentIds[0] === d.id) }))
}
