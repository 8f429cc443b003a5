/** POST …/v3/profile-fields/map (字段映射): aliases in the world, resolved in one place. */
import { describe, expect, it } from 'vitest'
import { createMock } from '../../mock/index.js'
import { resolveField } from '../../mock/world/field-aliases.js'
import { send, overHttp } from './support.js'

const PATH = '/v3/profile-fields/map'

describe('profile-fields/map', () => {
  it('maps a field (fieldId as a string, as the client sends it): data null, the alias shows in profile-fields, resolves, and emits field.changed', async () => {
    const mock = await createMock({ seed: 'map', customers: 5 })
    const name = mock.world.fieldDefinitions().find((f) => f.outerField === 'name')!
    const events: unknown[] = []
    mock.events.on('field.changed', (e) => events.push(e))
    expect((await send(mock, PATH, JSON.stringify({ fieldId: String(name.id), alias: '姓名' }))).text).toBe('{"code":0,"message":"success","data":null}')
    const listed = (await send(mock, '/v3/profile-fields', '')).json.data as { id: number; alias: string | null }[]
    expect(listed.find((f) => f.id === name.id)!.alias).toBe('姓名')
    expect(resolveField(mock.context.world, '姓名')!.id).toBe(name.id)
    expect(events).toEqual([{ type: 'field.changed', at: expect.any(Number), field: 'name', fieldId: name.id, alias: '姓名' }])
  })

  it('the resolver: alias first, then the field name, then outerField, then the id as text; unknown is undefined', async () => {
    const mock = await createMock({ seed: 'map', customers: 5 })
    const world = mock.context.world
    const gender = world.catalog.fields.find((f) => f.outerField === 'gender')!
    const description = world.catalog.fields.find((f) => f.outerField === 'description')!
    expect(resolveField(world, '性别')).toBe(gender)
    expect(resolveField(world, 'gender')).toBe(gender)
    expect(resolveField(world, String(gender.id))).toBe(gender)
    expect(resolveField(world, '不存在')).toBeUndefined()
    // An alias shadows another field's name.
    await send(mock, PATH, JSON.stringify({ fieldId: String(description.id), alias: '性别' }))
    expect(resolveField(world, '性别')).toBe(description)
  })

  it('mapping again replaces the field\'s alias; an alias another field had moves (that field gets alias null)', async () => {
    const mock = await createMock({ seed: 'map', customers: 5 })
    const [a, b] = mock.world.fieldDefinitions()
    await send(mock, PATH, JSON.stringify({ fieldId: String(a!.id), alias: 'x' }))
    await send(mock, PATH, JSON.stringify({ fieldId: String(a!.id), alias: 'y' }))
    await send(mock, PATH, JSON.stringify({ fieldId: String(b!.id), alias: 'y' }))
    const aliases = new Map(((await send(mock, '/v3/profile-fields', '')).json.data as { id: number; alias: string | null }[]).map((f) => [f.id, f.alias]))
    expect(aliases.get(a!.id)).toBeNull()
    expect(aliases.get(b!.id)).toBe('y')
    expect(resolveField(mock.context.world, 'x')).toBeUndefined()
  })

  it('an unknown fieldId is refused and changes nothing', async () => {
    const mock = await createMock({ seed: 'map', customers: 5 })
    const events: unknown[] = []
    mock.events.onAny((e) => events.push(e))
    expect((await send(mock, PATH, '{"fieldId":"104220","alias":"姓名"}')).json).toEqual({ code: 40000, message: '请求参数验证失败：fieldId 不存在："104220"', data: null })
    expect(resolveField(mock.context.world, '姓名')).toBe(mock.context.world.catalog.fields.find((f) => f.name === '姓名'))
    expect(mock.context.world.aliases.size).toBe(0)
    expect(events).toEqual([])
  })

  it.each([
    ['{"alias":"姓名"}', '请求参数验证失败：fieldId 不能为空'],
    ['{"fieldId":"1"}', '请求参数验证失败：alias 不能为空'],
    ['{"fieldId":104220,"alias":"姓名"}', '请求参数验证失败：fieldId 应为字段 id 的数字字符串（收到 104220）'],
    ['{"fieldId":"abc","alias":"姓名"}', '请求参数验证失败：fieldId 应为字段 id 的数字字符串（收到 "abc"）'],
    ['{"fieldId":"1","alias":5}', '请求参数验证失败：alias 应为非空字符串（收到 5）'],
    ['{"fieldId":"1","alias":"  "}', '请求参数验证失败：alias 应为非空字符串（收到 "  "）'],
    ['', '请求参数验证失败：fieldId 不能为空'],
  ])('refuses %s', async (body, message) => {
    const mock = await createMock({ customers: 1 })
    expect((await send(mock, PATH, body)).json).toEqual({ code: 40000, message, data: null })
  })

  it('types lenient takes a numeric fieldId, as Jackson coerces it', async () => {
    const mock = await createMock({ seed: 'map', customers: 1, types: 'lenient' })
    const field = mock.world.fieldDefinitions()[0]!
    expect((await send(mock, PATH, JSON.stringify({ fieldId: field.id, alias: 'a' }))).json.code).toBe(0)
  })

  it('aliases live in the world: exported as fixture version 2, loaded back, forgotten by a reset', async () => {
    const mock = await createMock({ seed: 'map', customers: 5 })
    const field = mock.world.fieldDefinitions()[6]!
    expect(mock.admin.exportWorld().version).toBe(1)
    await send(mock, PATH, JSON.stringify({ fieldId: String(field.id), alias: '客户姓名' }))
    const exported = mock.admin.exportWorld()
    expect(exported).toMatchObject({ version: 2, aliases: [{ fieldId: field.id, alias: '客户姓名' }] })
    const again = await createMock({ fixtures: exported })
    expect(resolveField(again.context.world, '客户姓名')!.id).toBe(field.id)
    expect(again.admin.exportWorld()).toEqual(exported)
    await mock.admin.reset()
    expect(resolveField(mock.context.world, '客户姓名')).toBeUndefined()
  })

  it('answers over HTTP', async () => {
    const mock = await createMock({ fixtures: 'documented-examples' })
    expect(await overHttp(mock, PATH, '{"fieldId":"429","alias":"电话号码"}')).toMatchObject({ status: 200, text: '{"code":0,"message":"success","data":null}' })
    expect(mock.context.world.aliases.aliasOf(429)).toBe('电话号码')
  })
})
