/** The admin API's member and department changes: checked, all or nothing, shown at once by the staff endpoints, with their events. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AdminError, createMock, startServer, type Mock, type WorldEvent } from '../mock/index.js'
import { getUsers, userDepartment, userInfo } from '../mock/endpoints/index.js'
import { sweep } from './support.js'

const text = (data: string | readonly Buffer[]) => (typeof data === 'string' ? data : Buffer.concat(data).toString('utf8'))
const handle = (mock: Mock, endpoint: typeof getUsers | typeof userInfo | typeof userDepartment, body: unknown) => JSON.parse(text(endpoint.handle(mock.context, body)))
const allUsers = (mock: Mock) => handle(mock, getUsers, { pageSize: 100 }).result as { qwUserId: string; salesId: number; mobile: string; deleted: number; departments: unknown[] }[]

async function fresh() {
  const mock = await createMock({ seed: 'admin-staff', customers: 40, staff: 6 })
  const events: WorldEvent[] = []
  mock.events.onAny((e) => events.push(e))
  return { mock, events }
}

describe('admin: members', () => {
  it('adds a member: served by get-users, user/info and user-department at once; other members and relations unchanged', async () => {
    const { mock, events } = await fresh()
    const before = allUsers(mock)
    const relations = sweep(mock, { size: 100 })
    const added = mock.admin.addMember({ qwUserId: 'newbie', name: '新人', department: '销售一部', mobile: '13900000001' })
    expect(added).toMatchObject({ qwUserId: 'newbie', name: '新人', department: '销售一部', mobile: '13900000001', deleted: 0 })
    expect(Number.isSafeInteger(added.salesId)).toBe(true)
    const after = allUsers(mock)
    expect(after.filter((u) => u.qwUserId !== 'newbie')).toEqual(before)
    expect(handle(mock, userInfo, { mobile: 13900000001 })).toEqual({ salesId: added.salesId, qwUserId: 'newbie' })
    expect(handle(mock, userDepartment, { salesId: added.salesId })).toEqual([{ departmentName: '销售一部', departmentId: added.departmentIds[0] }])
    expect(sweep(mock, { size: 100 })).toEqual(relations)
    expect(events).toEqual([{ type: 'member.added', at: expect.any(Number), qwUserId: 'newbie', salesId: added.salesId }])
    // The new member can follow customers.
    mock.admin.addCustomer({ followers: [{ qwUserId: 'newbie' }] })
    expect(sweep(mock, { size: 100, qwUserId: 'newbie' })).toHaveLength(1)
  })

  it('changes a member and marks one as left (deleted 1), keeping its customers', async () => {
    const { mock, events } = await fresh()
    const [a] = allUsers(mock).filter((u) => u.deleted === 0)
    const followed = sweep(mock, { size: 100, qwUserId: a!.qwUserId }).length
    const departments = mock.context.world.staff().departments
    const changed = mock.admin.updateMember(a!.qwUserId, { mobile: '13900000002', departmentIds: [departments[0]!.id, departments[1]!.id] })
    expect(changed).toMatchObject({ mobile: '13900000002', department: departments[0]!.name, departmentIds: [departments[0]!.id, departments[1]!.id] })
    expect(handle(mock, userDepartment, { qwUserId: a!.qwUserId })).toEqual(departments.slice(0, 2).map((d) => ({ departmentName: d.name, departmentId: d.id })))
    expect(mock.admin.deleteMember(a!.qwUserId)).toMatchObject({ deleted: 1 })
    expect(handle(mock, getUsers, { deleted: 1, pageSize: 100 }).result.map((u: { qwUserId: string }) => u.qwUserId)).toContain(a!.qwUserId)
    expect(sweep(mock, { size: 100, qwUserId: a!.qwUserId })).toHaveLength(followed)
    mock.admin.deleteMember(a!.qwUserId) // again: nothing changes, no event
    expect(events.map((e) => e.type)).toEqual(['member.changed', 'member.deleted'])
  })

  it.each<[string, (mock: Mock) => unknown, number, RegExp]>([
    ['a taken qwUserId', (m) => m.admin.addMember({ qwUserId: m.world.members()[0]!.qwUserId, name: '重' }), 409, /exists/],
    ['a taken salesId', (m) => m.admin.addMember({ qwUserId: 'x', name: '重', salesId: m.context.world.staff().members[0]!.salesId }), 409, /salesId/],
    ['a taken mobile', (m) => m.admin.addMember({ qwUserId: 'x', name: '重', mobile: m.context.world.staff().members[0]!.mobile }), 409, /mobile/],
    ['an unknown department name', (m) => m.admin.addMember({ qwUserId: 'x', name: '重', department: '无此部门' }), 400, /no department named 无此部门/],
    ['an unknown departmentId', (m) => m.admin.updateMember(m.world.members()[0]!.qwUserId, { departmentIds: [1] }), 400, /no department 1/],
    ['a bad mobile', (m) => m.admin.addMember({ qwUserId: 'x', name: '重', mobile: '123' }), 400, /mobile/],
    ['an unknown member', (m) => m.admin.updateMember('ghost', { name: '鬼' }), 404, /no member with qwUserId ghost/],
  ])('refuses %s, and changes nothing', async (_label, act, status, message) => {
    const { mock, events } = await fresh()
    const before = mock.admin.exportWorld()
    let error: unknown
    try {
      act(mock)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AdminError)
    expect((error as AdminError).status).toBe(status)
    expect((error as AdminError).message).toMatch(message)
    expect(mock.admin.exportWorld()).toEqual(before)
    expect(events).toEqual([])
  })
})

describe('admin: departments', () => {
  it('adds, renames, moves and deletes a department; members follow a rename', async () => {
    const { mock, events } = await fresh()
    const root = mock.context.world.staff().departments[0]!
    const team = mock.admin.addDepartment({ name: '华东区' })
    expect(team).toMatchObject({ name: '华东区', parentId: root.id })
    const sub = mock.admin.addDepartment({ name: '上海组', parentId: team.id, id: 4321 })
    expect(sub).toEqual({ id: 4321, name: '上海组', parentId: team.id })
    const member = mock.admin.addMember({ qwUserId: 'sh', name: '沪', department: '上海组' })
    mock.admin.updateDepartment(4321, { name: '上海一组' })
    expect(mock.world.member('sh')!.department).toBe('上海一组')
    expect(handle(mock, userDepartment, { salesId: member.salesId })).toEqual([{ departmentName: '上海一组', departmentId: 4321 }])
    expect(() => mock.admin.updateDepartment(team.id, { parentId: 4321 })).toThrow(/under it/)
    expect(() => mock.admin.deleteDepartment(team.id)).toThrow(/has sub-departments/)
    expect(() => mock.admin.deleteDepartment(4321)).toThrow(/has members: sh/)
    mock.admin.updateMember('sh', { department: root.name, departmentIds: [root.id] })
    mock.admin.deleteDepartment(4321)
    expect(mock.context.world.staff().departmentById.has(4321)).toBe(false)
    expect(events.map((e) => e.type)).toEqual(['department.added', 'department.added', 'member.added', 'department.changed', 'member.changed', 'department.deleted'])
    // The changed staff exports with every value, and loads back to the same answers.
    const doc = mock.admin.exportWorld()
    expect(doc.departments?.map((d) => d.name)).toContain('华东区')
    const again = await createMock({ fixtures: doc })
    expect(allUsers(again)).toEqual(allUsers(mock))
  })

  it('serves the same over HTTP under /__mock, with plain JSON errors', async () => {
    const { mock } = await fresh()
    const server = await startServer(mock, { port: 0, host: '127.0.0.1' })
    try {
      const post = (path: string, body: unknown, method = 'POST') => fetch(`${server.origin}/__mock${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      const added = await post('/departments', { name: '华南区' })
      expect(added.status).toBe(201)
      const { id } = (await added.json()) as { id: number }
      const member = await post('/members', { qwUserId: 'gz', name: '穗', departmentIds: [id] })
      expect(member.status).toBe(201)
      expect(await member.json()).toMatchObject({ qwUserId: 'gz', department: '华南区', departmentIds: [id] })
      expect((await post('/members/gz', { deleted: 1 }, 'PATCH')).status).toBe(200)
      const refused = await post(`/departments/${id}`, {}, 'DELETE')
      expect(refused.status).toBe(409)
      expect(await refused.json()).toMatchObject({ error: expect.stringMatching(/has members: gz/) })
      const bad = await post('/members/%E0%A4%A', { name: 'x' }, 'PATCH')
      expect(bad.status).toBe(400)
      expect((await post('/members/gz', {}, 'DELETE')).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})
