/**
 * A tenant's configuration: the ten documented profile fields (in the documented order) with their
 * option lists, and a tag tree. Option lists for stage, source and intention are per tenant
 * (docs/upstream.md §4, our choice of realistic ones). A measured tenant configuration (`tenant`,
 * from a calibration) replaces the fields and the tag tree with the tenant's own.
 */
import { IdMinter } from '../../protocol/ids.js'
import { FIELD_TYPES, type FieldDefinition, type FieldType, type Tag, type TagGroup } from '../schema.js'
import { tagTree, type TagTreeGroup } from '../tag-groups.js'
import type { TenantConfig } from '../tenant-config.js'
import { hashString, stream } from './rng.js'
import { URL_SAFE } from './pools.js'

interface FieldSpec {
  readonly key: string
  readonly name: string
  readonly type: FieldType
  /** Option names, for select fields; `fixedIds` pins documented option ids. */
  readonly options?: readonly string[]
  readonly fixedIds?: readonly number[]
  readonly importRequired?: boolean
}

/** The ten fields of the documented example, in its order. */
export const PROFILE_FIELDS: readonly FieldSpec[] = [
  { key: 'customer_source', name: '客户来源', type: FIELD_TYPES.select, options: ['企微扫码', '官网', '转介绍', '展会', '电话营销', '广告投放'] },
  { key: 'description', name: '描述', type: FIELD_TYPES.text },
  { key: 'mobile', name: '手机号', type: FIELD_TYPES.phones },
  { key: 'address', name: '地址', type: FIELD_TYPES.text },
  { key: 'birthday', name: '生日', type: FIELD_TYPES.date },
  { key: 'corp_name', name: '公司名称', type: FIELD_TYPES.text },
  { key: 'name', name: '姓名', type: FIELD_TYPES.text, importRequired: true },
  { key: 'purchase_intention', name: '购买意向', type: FIELD_TYPES.select, options: ['强烈', '一般', '较弱', '暂无'] },
  { key: 'gender', name: '性别', type: FIELD_TYPES.select, options: ['其它', '男', '女'], fixedIds: [0, 1, 2] },
  { key: 'customer_stage', name: '客户阶段', type: FIELD_TYPES.select, options: ['初步接触', '需求确认', '方案报价', '谈判', '成交', '流失'] },
]

export const TAG_GROUPS: ReadonlyArray<readonly [group: string, tags: readonly string[]]> = [
  ['客户等级', ['A类客户', 'B类客户', 'C类客户']],
  ['行业', ['教育', '金融', '制造业', '互联网', '医疗', '零售']],
  ['意向', ['高意向', '待培育']],
  ['活动', ['618活动', '双11活动', '直播报名']],
]

export interface Catalog {
  readonly fields: readonly FieldDefinition[]
  /** The tags as they are now (the admin API adds, renames and deletes them: setTags). */
  readonly tags: readonly Tag[]
  /** The tag groups given as records (fixture version 2, or written down by a tag change); the others are derived (mock/world/tag-groups.ts). */
  readonly tagGroups: readonly TagGroup[]
  /**
   * The tags generated records draw theirs from: the world's tags when it was made. A tag change
   * never moves a generated record's draw; a deleted tag is dropped from records as they are read (liveTagIds).
   */
  readonly drawTags: readonly Tag[]
  /** Ids of tags deleted since the world was made: never a tag's id again, and dropped from every record's tagIds as it is read. */
  readonly retiredTagIds: ReadonlySet<number>
  /** The tag tree: every group with its tags (built on first use). */
  tagTree(): readonly TagTreeGroup[]
  /** Whether a tag (not deleted) has this id. */
  hasTag(id: number): boolean
  /** `tagIds` without deleted tags: the same array when it holds none (O(tags) per record, no pass over the world). */
  liveTagIds(tagIds: number[]): number[]
  /** Replaces the tags and groups (mock/world/changes.ts); tags that leave are retired. */
  setTags(tags: readonly Tag[], tagGroups: readonly TagGroup[]): void
  /** Option ids of a select field by option name. */
  optionId(fieldKey: string, optionName: string): number
}

const TAG_STREAM = hashString('catalog.tag')
const GROUP_STREAM = hashString('catalog.tenantGroup')
const DOCUMENTED_TYPES: ReadonlySet<number> = new Set(Object.values(FIELD_TYPES))

/**
 * The catalog of a tenant created at `tenantCreatedMs`: ids minted a few ms apart from then. With a
 * tenant configuration, its fields (ids, option ids and order as measured; a type the docs do not
 * list served as text) and its tag groups (in its order, ids minted as ours) instead of ours.
 */
export function generateCatalog(seed: number, tenantCreatedMs: number, minter: IdMinter, tenant: TenantConfig = {}): Catalog {
  let clock = tenantCreatedMs
  const fields: FieldDefinition[] = tenant.fields
    ? tenant.fields.map((f) => {
        const items = f.options ?? []
        if (!Number.isSafeInteger(f.id) || f.id <= 0 || items.some((o) => !Number.isSafeInteger(o.id) || o.id < 0)) {
          throw new RangeError(`tenant field ${JSON.stringify(f.name)}: ids must be whole numbers (the field's positive), got ${[f.id, ...items.map((o) => o.id)].join(', ')}`)
        }
        for (const id of [f.id, ...items.map((o) => o.id)]) minter.reserve(id)
        const type = (DOCUMENTED_TYPES.has(f.type) ? f.type : FIELD_TYPES.text) as FieldType
        return { id: f.id, name: f.name, type, outerField: f.outerField ?? null, items, stable: f.stable ?? true, customerImportRequired: f.customerImportRequired ?? f.outerField === 'name' }
      })
    : PROFILE_FIELDS.map((spec) => {
        const fieldId = minter.mint((clock += 17))
        const items = (spec.options ?? []).map((name, k) => ({ id: spec.fixedIds?.[k] ?? minter.mint((clock += 3)), name }))
        return { id: fieldId, name: spec.name, type: spec.type, outerField: spec.key, items, stable: true, customerImportRequired: spec.importRequired ?? false }
      })
  const tags: Tag[] = []
  const groups: TagGroup[] = []
  for (const [groupName, names] of tenant.tagGroups?.map((g) => [g.name, g.tags] as const) ?? TAG_GROUPS) {
    clock += 86_400_000 // each group added on another day
    // The tenant's groups are given with their ids (an empty group stays in the tree); ours are derived from their tags.
    if (tenant.tagGroups) groups.push({ id: minter.mint(clock), name: groupName, qwTagId: `et${stream(seed, GROUP_STREAM, groups.length).chars(URL_SAFE, 30)}` })
    for (const name of names) {
      const rng = stream(seed, TAG_STREAM, tags.length)
      tags.push({ id: minter.mint((clock += 1000 + rng.int(5000))), name, groupName, qwTagId: `et${rng.chars(URL_SAFE, 30)}` })
    }
  }
  return catalogOf(fields, tags, groups)
}

/** A catalog of given definitions. Kept apart from generateCatalog so its closure does not hold on to the id minter. */
export function catalogOf(fields: readonly FieldDefinition[], tags: readonly Tag[], tagGroups: readonly TagGroup[] = []): Catalog {
  const byField = new Map(fields.map((f) => [f.outerField, new Map(f.items.map((o) => [o.name, o.id]))]))
  let tree: readonly TagTreeGroup[] | undefined
  let live = tags
  let groups = tagGroups
  let ids: Set<number> | undefined
  const retired = new Set<number>()
  return {
    fields,
    get tags() {
      return live
    },
    get tagGroups() {
      return groups
    },
    drawTags: tags,
    retiredTagIds: retired,
    tagTree: () => (tree ??= tagTree(live, groups)),
    hasTag: (id) => (ids ??= new Set(live.map((t) => t.id))).has(id),
    liveTagIds: (tagIds) => (retired.size === 0 || !tagIds.some((id) => retired.has(id)) ? tagIds : tagIds.filter((id) => !retired.has(id))),
    setTags(nextTags, nextGroups) {
      const kept = new Set(nextTags.map((t) => t.id))
      for (const t of live) if (!kept.has(t.id)) retired.add(t.id)
      live = nextTags
      groups = nextGroups
      tree = undefined
      ids = undefined
    },
    optionId(fieldKey, optionName) {
      const id = byField.get(fieldKey)?.get(optionName)
      if (id === undefined) throw new Error(`no option ${fieldKey}.${optionName}`)
      return id
    },
  }
}
