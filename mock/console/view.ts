/**
 * What the demo console reads (docs/console.md): the world in the shape a page shows it — members
 * by department, one customer with its profile fields by
 * option *name*, tags by name, follow relations with member names and remarks, follow-up records and
 * WeChat identities. Read-only, through the world query API (mock/world/query.ts); served by the
 * admin API (GET /__mock/departments, /members, /customers/<id>); searches and
 * aggregates are in mock/console/queries.ts.
 */
import type { CustomerRecord, DepartmentRecord, FollowUpRecord, StaffRecord, WechatIdentityRecord, WorldQuery } from '../world/query.js'

/** A customer's page. */
export interface CustomerPage {
  customerId: number
  name: string | null
  type: number
  createTime: string
  lastUpdateTime: string
  company: CustomerRecord['company']
  /** Every profile field: its label (the tenant's, Chinese), its value as shown (a select's option name), its type, a select's option names (else null). */
  fields: { key: string; label: string; value: string | null; type: number | null; options: string[] | null }[]
  tags: { id: number; name: string; group: string | null }[]
  relations: { relationId: number; qwUserId: string; memberName: string | null; remark: string | null; createTime: string }[]
  followUps: FollowUpRecord[]
  wechat: WechatIdentityRecord[]
}

const text = (value: string | string[] | null | undefined): string | null => (value == null ? null : Array.isArray(value) ? value.join(', ') : value)

/** A customer's page, or undefined for an unknown (or deleted) customer. */
export function customerPage(world: WorldQuery, customerId: number): CustomerPage | undefined {
  const c = world.customer(customerId)
  if (!c) return undefined
  const definitions = world.fieldDefinitions()
  const definitionOf = new Map(definitions.flatMap((d) => (d.outerField === null ? [] : [[d.outerField, d] as const])))
  const tagById = new Map(world.tags().map((t) => [t.id, t]))
  return {
    customerId: c.customerId,
    name: text(c.fieldValues.name),
    type: c.type,
    createTime: c.createTime,
    lastUpdateTime: c.lastUpdateTime,
    company: c.company,
    fields: Object.entries(c.fieldValues).map(([key, value]) => {
      const d = definitionOf.get(key)
      return { key, label: d?.name ?? key, value: text(value), type: d?.type ?? null, options: d && d.items.length > 0 ? d.items.map((o) => o.name) : null }
    }),
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
