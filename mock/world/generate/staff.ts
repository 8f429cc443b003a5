/**
 * The tenant's staff directory: departments (a small tree) and, per member, the Tanma member id
 * (`salesId`), a mobile number, whether the member has left (`deleted`) and the departments the
 * member belongs to (get-users, common/user/info, contract/user-department; docs/upstream.md §7.1).
 *
 * What a fixture gives is kept; what it leaves out is derived from the member's own `qwUserId` and
 * the department names (new streams: no existing generated value moves), never from the world seed:
 * so a world exported without these values (the export writes only what was given) and the world it
 * came from answer the same. Members are few (at most WORLD_LIMITS.staff): the directory is built
 * on first use and costs nothing per customer.
 */
import type { Department, Member } from '../schema.js'
import { hashString, Rng, mix } from './rng.js'

/** The root of a derived tree: the tenant itself, as in the documented user-department answer. */
export const TENANT_DEPARTMENT = '探马企服'

/** One member as the staff endpoints serve it. */
export interface SalesMember {
  /** Index in `world.memberList` (the relation table's member index). */
  readonly index: number
  readonly qwUserId: string
  readonly name: string
  readonly department: string
  readonly salesId: number
  readonly mobile: string
  readonly deleted: 0 | 1
  /** Main department first. */
  readonly departmentIds: readonly number[]
}

export interface Staff {
  readonly departments: readonly Department[]
  /** In member index order. */
  readonly members: readonly SalesMember[]
  /** Members ordered by salesId (get-users' order). */
  readonly bySalesOrder: readonly SalesMember[]
  readonly bySalesId: ReadonlyMap<number, SalesMember>
  readonly byMobile: ReadonlyMap<string, SalesMember>
  readonly byQwUserId: ReadonlyMap<string, SalesMember>
  readonly departmentById: ReadonlyMap<number, Department>
}

const SALES_ID = hashString('member.salesId')
const MOBILE = hashString('member.mobile')
const DELETED = hashString('member.deleted')
const SECOND_DEPARTMENT = hashString('member.secondDepartment')
const DEPARTMENT_ID = hashString('department.id')

/** Members who have left (离职) but still hold their customers until these are transferred. */
const LEFT_SHARE = 0.1
/** Members who also belong to a second department. */
const SECOND_DEPARTMENT_SHARE = 0.15
const MOBILE_PREFIXES = ['13', '15', '17', '18', '19']

/** A member's own stream for one purpose: depends on its qwUserId only. */
const memberStream = (qwUserId: string, what: number) => new Rng(mix(hashString(qwUserId), what))

/** The derived tree: the tenant at the root, one department per name the members give, in order of first mention. */
function deriveDepartments(members: readonly Member[]): Department[] {
  const names = [TENANT_DEPARTMENT, ...new Set(members.map((m) => m.department).filter((n) => n !== TENANT_DEPARTMENT && n !== ''))]
  const taken = new Set<number>()
  const departments: Department[] = []
  for (const name of names) {
    // Four-digit ids like the documented 3765, drawn from the name; a clash takes the next free one.
    let id = 1000 + (mix(hashString(name), DEPARTMENT_ID) % 9000)
    while (taken.has(id)) id = id === 9999 ? 1000 : id + 1
    taken.add(id)
    departments.push({ id, name, parentId: departments.length === 0 ? null : departments[0]!.id })
  }
  return departments
}

function mobileFrom(rng: Rng): string {
  return rng.pick(MOBILE_PREFIXES) + rng.chars('0123456789', 9)
}

/** The directory of these members; `departments` as a fixture gives them, or derived. */
export function resolveStaff(members: readonly Member[], given?: readonly Department[]): Staff {
  const departments = given ? [...given] : deriveDepartments(members)
  const byName = new Map<string, Department>()
  for (const d of departments) if (!byName.has(d.name)) byName.set(d.name, d)
  const sales = new Set(members.flatMap((m) => (m.salesId === undefined ? [] : [m.salesId])))
  const mobiles = new Set(members.flatMap((m) => (m.mobile === undefined ? [] : [m.mobile])))

  const resolved = members.map((m, index): SalesMember => {
    let salesId = m.salesId
    if (salesId === undefined) {
      salesId = 100_000 + memberStream(m.qwUserId, SALES_ID).int(900_000)
      while (sales.has(salesId)) salesId = salesId === 999_999 ? 100_000 : salesId + 1
      sales.add(salesId)
    }
    let mobile = m.mobile
    if (mobile === undefined) {
      const rng = memberStream(m.qwUserId, MOBILE)
      do mobile = mobileFrom(rng)
      while (mobiles.has(mobile))
      mobiles.add(mobile)
    }
    const deleted = m.deleted ?? (memberStream(m.qwUserId, DELETED).chance(LEFT_SHARE) ? 1 : 0)
    let departmentIds = m.departmentIds
    if (departmentIds === undefined) {
      const main = byName.get(m.department)
      departmentIds = main ? [main.id] : []
      if (!given && main) {
        const rng = memberStream(m.qwUserId, SECOND_DEPARTMENT)
        const others = departments.filter((d) => d.parentId !== null && d.id !== main.id)
        if (others.length > 0 && rng.chance(SECOND_DEPARTMENT_SHARE)) departmentIds = [main.id, rng.pick(others).id]
      }
    }
    return { index, qwUserId: m.qwUserId, name: m.name, department: m.department, salesId, mobile, deleted, departmentIds }
  })
  return {
    departments,
    members: resolved,
    bySalesOrder: [...resolved].sort((a, b) => a.salesId - b.salesId),
    bySalesId: new Map(resolved.map((m) => [m.salesId, m])),
    byMobile: new Map(resolved.map((m) => [m.mobile, m])),
    byQwUserId: new Map(resolved.map((m) => [m.qwUserId, m])),
    departmentById: new Map(departments.map((d) => [d.id, d])),
  }
}
