/**
 * POST …/v3/get-users (查询员工; docs/upstream.md §7.1, [clients]): the tenant's members, a page at a
 * time by page number. A client sends `{"pageNo":1,"pageSize":20,"deleted":0,"name":"张三"}` and
 * reads `data.result[0].salesId` (the Tanma member id, an integer); the rest of the item and the
 * page properties are choices (docs/fidelity.md).
 *
 * A page-number list (mock/core/page-list.ts) over the staff directory (mock/world/generate/staff.ts):
 * members in `salesId` order, filtered by `deleted` and by a part of the name. Members are few (at
 * most WORLD_LIMITS.staff), so the filter is a pass over them.
 */
import { z } from 'zod'
import { defineEndpoint } from '../core/endpoint.js'
import { integerField, stringField } from '../core/fields.js'
import { pageNumberData, pageNumberFields, servePageNumbers } from '../core/page-list.js'
import { departmentRefSchema } from '../protocol/shapes.js'
import type { ResolvedOptions } from '../options.js'
import type { SalesMember, Staff } from '../world/generate/staff.js'

function requestSchema(options: ResolvedOptions) {
  return z.object({
    ...pageNumberFields(options),
    /** 0 active members, 1 members who have left; absent: both. */
    deleted: integerField(options, 'deleted', '只能是 0（在职）或 1（离职）', (n) => n === 0 || n === 1).optional(),
    /** A part of the member's name; absent or empty: any. */
    name: stringField('name').optional(),
  })
}

/** One member as get-users lists it. */
export const salesMemberSchema = z.looseObject({
  /** The Tanma member id (what contract/user-department and customer/search's `qwSalesId` take). */
  salesId: z.int().positive(),
  qwUserId: z.string().min(1),
  name: z.string(),
  mobile: z.string().regex(/^1\d{10}$/),
  /** 0 active, 1 left (离职). */
  deleted: z.union([z.literal(0), z.literal(1)]),
  /** The member's departments, main one first (as contract/user-department lists them). */
  departments: z.array(departmentRefSchema),
})

/** The member's departments, `{departmentName, departmentId}` each (contract/user-department's items). */
export function departmentsOf(staff: Staff, member: SalesMember): { departmentName: string; departmentId: number }[] {
  return member.departmentIds.flatMap((id) => {
    const d = staff.departmentById.get(id)
    return d ? [{ departmentName: d.name, departmentId: d.id }] : []
  })
}

export function salesMemberItem(staff: Staff, m: SalesMember): z.output<typeof salesMemberSchema> {
  return { salesId: m.salesId, qwUserId: m.qwUserId, name: m.name, mobile: m.mobile, deleted: m.deleted, departments: departmentsOf(staff, m) }
}

const data = pageNumberData('result', salesMemberSchema, ['pageNo', 'pageSize', 'total', 'totalPage'])

export const getUsers = defineEndpoint({
  path: '/v3/get-users',
  title: '查询员工',
  source: 'clients',
  kind: 'read',
  dataSource: 'partly choice',
  example: { pageNo: 1, pageSize: 20, deleted: 0 },
  request: requestSchema,
  data,
  message: 'success',

  serve(call) {
    const { request, context } = call
    const staff = context.world.staff()
    const name = request.name ?? ''
    const matches = staff.bySalesOrder.filter((m) => (request.deleted === undefined || m.deleted === request.deleted) && m.name.includes(name))
    return servePageNumbers(call, data, {
      total: matches.length,
      items: (offset, count) => matches.slice(offset, offset + count).map((m) => salesMemberItem(staff, m)),
    })
  },
})
