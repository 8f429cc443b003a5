/** A generated world with a tenant's configuration (issue 16: `serve --calibration` uses the tenant's field definitions and tag tree). */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createMock, type Mock, type MockOptions } from '../../mock/index.js'
import { customerSearch, editRelationField, importCustomer, listCluesByCreateTimeAsc, listFields, listTagTree, profileFields, updateCustomerById } from '../../mock/endpoints/index.js'
import { customerPage } from '../../mock/console/view.js'
import { calibratedOptions } from '../../mock/probe/index.js'
import { probed } from '../probe/helpers.js'
import type { Endpoint } from '../../mock/core/endpoint.js'
import { sweep } from '../support.js'

const text = (mock: Mock, endpoint: Pick<Endpoint, 'handle'>, body: unknown) => {
  const data = endpoint.handle(mock.context, body, {})
  return typeof data === 'string' ? data : Buffer.concat(data).toString('utf8')
}
const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16)

/** Digests of a small world's answers: the catalog, every relation, the export (every customer, lead and remark). */
async function digests(options: MockOptions) {
  const mock = await createMock(options)
  return {
    listFields: sha(text(mock, listFields, {})),
    profileFields: sha(text(mock, profileFields, {})),
    tagTree: sha(text(mock, listTagTree, {})),
    relations: sha(JSON.stringify(sweep(mock, { size: 100 }))),
    leads: sha(text(mock, listCluesByCreateTimeAsc, { size: 100 })),
    search: sha(text(mock, customerSearch, { pageNo: 1, pageSize: 20 })),
    export: sha(JSON.stringify(mock.admin.exportWorld())),
  }
}

describe('tenant configuration', () => {
  it('without one, a generated world is byte for byte what it was before tenant configurations (digests from the code before)', async () => {
    // Computed with the code before tenant configurations (commit c00279b).
    expect(await digests({ seed: 'tenant', customers: 300, staff: 6 })).toEqual({
      listFields: 'd6693019a32d5ad0', profileFields: '8d71fa1366fda1be', tagTree: '470751becb575106', relations: '4db8c08163951885',
      leads: '24c506056d92020b', search: '38577f0961892f42', export: '703c31198fde1f4b',
    })
  })
})

/** A measured tenant unlike ours: an unknown select, text, date and multi-select field, a field without a key, three stages, other tag groups (one empty). */
const ID = 401_244_897_314_880
const opts = (base: number, names: string[]) => names.map((name, k) => ({ id: base + k * 2048, name }))
const TENANT = {
  fields: [
    { id: ID, name: '姓名', type: 1, outerField: 'name', stable: true, customerImportRequired: true },
    { id: ID + 2048 * 20, name: '手机号', type: 8, outerField: 'mobile' },
    { id: ID + 2048 * 40, name: '客户阶段', type: 2, outerField: 'customer_stage', options: opts(ID + 2048 * 41, ['新线索', '跟进中', '已成交']) },
    { id: ID + 2048 * 60, name: '性别', type: 2, outerField: 'gender', options: [{ id: 0, name: '未知' }, { id: 1, name: '男' }, { id: 2, name: '女' }] },
    { id: ID + 2048 * 80, name: '所属行业', type: 2, outerField: 'industry', options: opts(ID + 2048 * 81, ['教培', '医美', '汽车', '地产']) },
    { id: ID + 2048 * 100, name: '微信备注', type: 1, outerField: 'wx_note', stable: false },
    { id: ID + 2048 * 120, name: '签约日期', type: 3, outerField: 'sign_date' },
    { id: ID + 2048 * 140, name: '兴趣', type: 6, outerField: 'interests', options: opts(ID + 2048 * 141, ['直播', '社群', '短视频']) },
    { id: ID + 2048 * 160, name: '备用', type: 1, outerField: null },
  ],
  tagGroups: [
    { name: '渠道', tags: ['抖音', '小红书', '视频号'] },
    { name: '会员等级', tags: ['白银', '黄金', '钻石'] },
    { name: '待整理', tags: [] },
  ],
}
const WORLD = { seed: 'tenant', customers: 300, staff: 6, tenant: TENANT } as const

describe('a generated world with a tenant configuration', () => {
  it("serves the tenant's field definitions and tag tree as measured", async () => {
    const mock = await createMock(WORLD)
    const { fields } = JSON.parse(text(mock, listFields, {})) as { fields: { id: number; name: string; type: number; outerField: string | null; items?: unknown[]; stable: boolean; customerImportRequired: boolean }[] }
    expect(fields.map((f) => [f.id, f.name, f.type, f.outerField])).toEqual(TENANT.fields.map((f) => [f.id, f.name, f.type, f.outerField]))
    expect(fields.map((f) => f.items)).toEqual(TENANT.fields.map((f) => ([2, 6].includes(f.type) ? f.options : undefined)))
    expect(fields[0]!.customerImportRequired).toBe(true)
    expect(fields[5]!.stable).toBe(false)
    const tree = JSON.parse(text(mock, listTagTree, {})) as { name: string; tags: { name: string }[] }[]
    expect(tree.map((g) => ({ name: g.name, tags: g.tags.map((t) => t.name) }))).toEqual(TENANT.tagGroups)
    expect(JSON.parse(text(mock, profileFields, {})).map((f: { id: number }) => f.id)).toEqual(TENANT.fields.map((f) => f.id))
  })

  it("gives generated customers and leads the tenant's fields: documented keys as drawn, the others by type, tags from the tenant's", async () => {
    const mock = await createMock(WORLD)
    const world = mock.context.world
    const keys = TENANT.fields.map((f) => f.outerField ?? f.name)
    const optionIds = (k: number) => new Set((TENANT.fields[k]!.options ?? []).map((o) => String(o.id)))
    const tagIds = new Set(world.catalog.tags.map((t) => t.id))
    const seen = new Map<string, Set<string>>(keys.map((k) => [k, new Set()]))
    const records = [...Array.from({ length: 300 }, (_, i) => world.customer(i)), ...(JSON.parse(text(mock, listCluesByCreateTimeAsc, { size: 100 })).list as typeof world.customer extends (i: number) => infer C ? C[] : never)]
    for (const record of records) {
      expect(record.fields.map((f) => f.field)).toEqual(keys)
      expect(record.fields.map((f) => f.type)).toEqual(TENANT.fields.map((f) => f.type))
      for (const id of record.tagIds) expect(tagIds.has(id)).toBe(true)
      record.fields.forEach((f, k) => f.valueAsText !== null && seen.get(f.field)!.add(f.valueAsText))
    }
    for (const k of [2, 3, 4]) expect([...seen.get(keys[k]!)!].every((v) => optionIds(k).has(v))).toBe(true)
    expect(seen.get('customer_stage')!.size).toBe(3) // every stage, none of ours
    expect(seen.get('industry')!.size).toBe(4)
    expect([...seen.get('wx_note')!].every((v) => /^[\u4e00-\u9fff0-9，、·A-Za-z（）()-]+$/u.test(v) && v.length <= 40)).toBe(true)
    expect(seen.get('wx_note')!.size).toBeGreaterThan(20)
    expect([...seen.get('sign_date')!].every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v))).toBe(true)
    expect([...seen.get('interests')!].every((v) => (JSON.parse(v) as string[]).every((id) => optionIds(7).has(id)))).toBe(true)
    expect(seen.get('name')!.size).toBeGreaterThan(100)
    expect([...seen.get('mobile')!].some((v) => /^\["1\d{10}"\]$/.test(v))).toBe(true)
    expect(records.filter((r) => r.tagIds.length > 0).length).toBeGreaterThan(50)
  })

  it('same seed and configuration, same bytes; the configuration changes the world', async () => {
    const a = await digests(WORLD)
    expect(await digests({ ...WORLD, tenant: structuredClone(TENANT) })).toEqual(a)
    expect(a.export).not.toBe((await digests({ seed: 'tenant', customers: 300, staff: 6 })).export)
  })

  it("the reads and writes that use the catalog work with the tenant's: import, update, edit-field, search, the console's customer page", async () => {
    const mock = await createMock(WORLD)
    const qwUserId = mock.context.world.memberList[0]!.qwUserId
    const imported = JSON.parse(text(mock, importCustomer, { qwUserId, fields: [{ alias: 'name', values: ['周晓岚'] }, { alias: 'mobile', values: ['13912345678'] }, { alias: '所属行业', values: ['汽车'] }, { alias: 'wx_note', values: ['展会认识'] }, { alias: '客户阶段', values: ['跟进中'] }] })) as number
    text(mock, updateCustomerById, { customerId: imported, fields: [{ alias: '兴趣', values: ['直播', '社群'] }, { alias: '签约日期', values: ['2026-03-01'] }] })
    expect(() => text(mock, updateCustomerById, { customerId: imported, fields: [{ alias: '客户阶段', values: ['谈判'] }] })).toThrow(/谈判/) // one of our stages, not the tenant's
    text(mock, editRelationField, { customerId: imported, qwUserId, field: '备注', valueAsText: '周总' })
    const found = JSON.parse(text(mock, customerSearch, { searchKey: '周晓岚', pageNo: 1, pageSize: 10 })) as { data: { customerId: number; customerStage: unknown }[] }
    expect(found.data.map((c) => c.customerId)).toEqual([imported])
    expect(JSON.stringify(found.data[0])).toContain('跟进中')
    const page = customerPage(mock.world, imported)!
    const value = (key: string) => page.fields.find((f) => f.key === key)
    expect(value('industry')).toMatchObject({ label: '所属行业' })
    expect(value('industry')!.value).toMatch(/汽车|^\d+$/)
    expect(value('wx_note')).toMatchObject({ key: 'wx_note', label: '微信备注', value: '展会认识' })
    expect(value('sign_date')!.value).toBe('2026-03-01')
    // A generated customer's page too: labels are the tenant's field names.
    const generated = customerPage(mock.world, mock.context.world.customerIdAt(0))!
    expect(generated.fields.map((f) => f.label)).toEqual(expect.arrayContaining(['姓名', '客户阶段', '所属行业', '微信备注']))
  })

  it("round trip: a probe of a fake serving the tenant's configuration reports it back, and a fake serving that calibration does too", async () => {
    const first = await probed(WORLD)
    const strip = (fields: typeof TENANT.fields) => fields.map(({ id, name, type, outerField, options }) => ({ id, name, type, outerField, ...(options ? { options } : {}) }))
    expect(strip(first.calibration.tenant.fields as typeof TENANT.fields)).toEqual(strip(TENANT.fields))
    expect(first.calibration.tenant.tagGroups).toEqual(TENANT.tagGroups)
    expect(first.calibration.tenant.fields![5]).toMatchObject({ stable: false })
    const second = await probed({ ...calibratedOptions(first.calibration), seed: 'other' })
    expect(second.calibration.tenant.fields).toEqual(first.calibration.tenant.fields)
    expect(second.calibration.tenant.tagGroups).toEqual(TENANT.tagGroups)
  })
})
