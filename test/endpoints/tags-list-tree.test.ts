/** POST …/v3/tags/list-tree (查询标签树), and the tag groups behind it (fixture version 2). */
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { tagGroupItemSchema } from '../../contracts/schema.js'
import { isTanmaId } from '../../mock/protocol/ids.js'
import { send, overHttp } from './support.js'

const PATH = '/v3/tags/list-tree'

interface Group {
  name: string
  id: number
  qwTagId: string
  tags: { id: number; name: string; qwTagId: string }[]
}

describe('tags/list-tree', () => {
  it('serves the documented group 企业类型 exactly from the documented-examples fixture', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const answer = await send<Group[]>(mock, PATH, '{}')
    expect(answer.json).toMatchObject({ code: 0, message: 'success' })
    const [group] = answer.json.data
    expect(answer.text.startsWith('{"code":0,"message":"success","data":[{"name":"企业类型","id":56970,"qwTagId":"etCBS_DwAA9lTDZhlMpv-jK8Ph9udv0A","tags":[{"id":56972,"name":"央企","qwTagId":"etCBS_DwAAAdph7Ou6LgpwRqR66t5tDA"},{"id":56971,"name":"国企","qwTagId":"')).toBe(true)
    expect(group!.tags.map((t) => [t.id, t.name])).toEqual([[56972, '央企'], [56971, '国企']])
  })

  it.each(['tanma', 'tags-1', 'tags-2', 42])('seed %s: groups with ids in the id layout, every tag in exactly one group, every customer tagId in the tree, deterministic', async (seed) => {
    const mock = await createMock({ seed, customers: 300, staff: 5 })
    const groups = (await send<Group[]>(mock, PATH, '')).json.data
    for (const g of groups) expect(tagGroupItemSchema.parse(g)).toEqual(g)
    expect(groups.map((g) => g.name)).toEqual(['客户等级', '行业', '意向', '活动'])
    const tagIds = groups.flatMap((g) => g.tags.map((t) => t.id))
    expect(tagIds.sort()).toEqual(mock.world.tags().map((t) => t.id).sort())
    const ids = [...groups.map((g) => g.id), ...tagIds]
    expect(new Set(ids).size).toBe(ids.length)
    for (const g of groups) {
      expect(isTanmaId(g.id)).toBe(true)
      expect(g.id).toBeLessThan(Math.min(...g.tags.map((t) => t.id)))
      expect(g.qwTagId).toMatch(/^et[A-Za-z0-9_-]{30}$/)
    }
    const inTree = new Set(tagIds)
    for (const customer of mock.world.customers()) for (const id of customer.tagIds) expect(inTree.has(id)).toBe(true)
    const twin = await createMock({ seed, customers: 300, staff: 5 })
    expect((await send(twin, PATH, '')).text).toBe((await send(mock, PATH, '')).text)
  })

  it('a version-1 export (no tag groups in it) serves the same tree as the world it came from', async () => {
    const mock = await createMock({ seed: 'tree', customers: 9 }) // under 10 customers: no generated leads, so nothing only version 2 says
    const exported = mock.admin.exportWorld()
    expect(exported.version).toBe(1)
    expect('tagGroups' in exported).toBe(false)
    const again = await createMock({ fixtures: exported, seed: 'another seed' })
    expect((await send(again, PATH, '')).text).toBe((await send(mock, PATH, '')).text)
  })

  it('the small pack (version 1) derives its groups; a v2 fixture gives them; tags without listed group are derived', async () => {
    const small = await createMock({ fixtures: 'small' })
    expect((await send<Group[]>(small, PATH, '')).json.data).toHaveLength(4)
    const doc = small.admin.exportWorld()
    const v2 = { ...doc, version: 2 as const, tagGroups: [{ id: 7, name: '行业', qwTagId: 'etGIVENGROUP' }, { id: 8, name: '空组', qwTagId: 'etEMPTY' }] }
    const mock = await createMock({ fixtures: v2 })
    const groups = (await send<Group[]>(mock, PATH, '')).json.data
    expect(groups.map((g) => [g.name, g.id, g.qwTagId, g.tags.length])).toEqual([
      ['行业', 7, 'etGIVENGROUP', 6],
      ['空组', 8, 'etEMPTY', 0],
      ...(await send<Group[]>(small, PATH, '')).json.data.filter((g) => g.name !== '行业').map((g) => [g.name, g.id, g.qwTagId, g.tags.length]),
    ])
    // Exported as version 2 with every group, and back.
    const exported = mock.admin.exportWorld()
    expect(exported.version).toBe(2)
    expect(exported.tagGroups).toHaveLength(5)
    expect((await send(await createMock({ fixtures: exported }), PATH, '')).text).toBe((await send(mock, PATH, '')).text)
  })

  it('fixture checks: tagGroups needs version 2; group ids and names are unique and no tag\'s id', async () => {
    const doc = (await createMock({ fixtures: 'small' })).admin.exportWorld()
    const tagId = doc.tags[0]!.id
    await expect(createMock({ fixtures: { ...doc, version: 1, tagGroups: [] } })).rejects.toThrow(/tagGroups: tagGroups needs fixture version 2/)
    await expect(createMock({ fixtures: { ...doc, version: 2, tagGroups: [{ id: 1, name: 'a', qwTagId: 'eta' }, { id: 1, name: 'b', qwTagId: 'etb' }] } })).rejects.toThrow(/tag group id 1 appears twice/)
    await expect(createMock({ fixtures: { ...doc, version: 2, tagGroups: [{ id: 1, name: 'a', qwTagId: 'eta' }, { id: 2, name: 'a', qwTagId: 'etb' }] } })).rejects.toThrow(/tag group name a appears twice/)
    await expect(createMock({ fixtures: { ...doc, version: 2, tagGroups: [{ id: tagId, name: 'a', qwTagId: 'eta' }] } })).rejects.toThrow(/is also a tag's id/)
    await expect(createMock({ fixtures: { ...doc, version: 2, aliases: [{ fieldId: 1, alias: 'x' }] } })).rejects.toThrow(/aliases\.0\.fieldId: no field 1/)
  })

  it('answers over HTTP', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    const answer = await overHttp<Group[]>(mock, PATH, '{}')
    expect(answer.status).toBe(200)
    expect(answer.json.data[0]).toMatchObject({ name: '企业类型', id: 56970, qwTagId: 'etCBS_DwAA9lTDZhlMpv-jK8Ph9udv0A' })
  })
})
