/** The staff directory in fixtures: what a fixture gives is served, what it leaves out is derived, and wrong values are refused by place. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'

const base = () => JSON.parse(readFileSync(new URL('../../fixtures/documented-departments.json', import.meta.url), 'utf8'))

describe('staff in fixtures', () => {
  it('keeps the values a fixture gives and exports them back as given', async () => {
    const doc = base()
    const mock = await createMock({ fixtures: doc })
    expect(mock.context.world.staff().members[0]).toMatchObject({ qwUserId: 'dowen', salesId: 3766, mobile: '18803561683', deleted: 0, departmentIds: [3765] })
    const again = mock.admin.exportWorld()
    expect(again.members).toEqual(doc.members)
    expect(again.departments).toEqual(doc.departments)
  })

  it('derives a department tree under the tenant (探马企服) from the members\' department names when a fixture has none', async () => {
    const mock = await createMock({ seed: 'tree', customers: 5, staff: 30 })
    const { departments, members } = mock.context.world.staff()
    const [root, ...children] = departments
    expect(root).toMatchObject({ name: '探马企服', parentId: null })
    expect(children.every((d) => d.parentId === root!.id && d.id >= 1000 && d.id <= 9999)).toBe(true)
    expect(new Set(departments.map((d) => d.id)).size).toBe(departments.length)
    const names = new Map(departments.map((d) => [d.id, d.name]))
    expect(members.every((m) => names.get(m.departmentIds[0]!) === m.department)).toBe(true)
  })

  it.each<[string, (doc: Record<string, any>) => void, RegExp]>([
    ['a duplicate salesId', (d) => d.members.push({ qwUserId: 'other', name: '另', department: '探马企服', salesId: 3766 }), /member salesId 3766 appears twice/],
    ['a duplicate mobile', (d) => d.members.push({ qwUserId: 'other', name: '另', department: '探马企服', mobile: '18803561683' }), /member mobile 18803561683 appears twice/],
    ['an unknown departmentId', (d) => (d.members[0].departmentIds = [1]), /members\.0\.departmentIds: no department 1/],
    ['a department under an unknown parent', (d) => d.departments.push({ id: 9, name: 'x', parentId: 8 }), /departments\.1\.parentId: no department 8/],
    ['a member naming a department the list lacks', (d) => d.members.push({ qwUserId: 'other', name: '另', department: '无此部门' }), /members\.1\.department: no department named 无此部门/],
    ['departmentIds without departments', (d) => delete d.departments, /members\.0\.departmentIds: departmentIds need a departments list/],
    ['a bad mobile', (d) => (d.members[0].mobile = '123'), /members\.0\.mobile/],
    ['a deleted state of 2', (d) => (d.members[0].deleted = 2), /members\.0\.deleted/],
  ])('refuses %s, naming the place', async (_label, spoil, message) => {
    const doc = base()
    spoil(doc)
    await expect(createMock({ fixtures: doc })).rejects.toThrow(message)
  })
})
