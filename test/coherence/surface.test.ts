/**
 * The whole integration surface over one world, for random seeds and small worlds (issue 11,
 * "Coherence"): every call here is a signed request through the handlers (test/endpoints/support.ts
 * `call`), as a client's sync job makes it. What the per-endpoint and per-area coherence files test
 * already (staff-coherence: get-users / user-info / user-department among themselves; wechat-coherence:
 * qw-details for every listed externalUserId; customer-search: search against a scan of the world;
 * list-by-qw-user-id: equal to the filtered relation list on a still world) is not repeated: this file
 * checks the ids one endpoint serves against the others, sweeps under writes, search against what the
 * lists serve, and writes against every read.
 */
import fc from 'fast-check'
import { getResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import type { Endpoint } from '../../mock/core/endpoint.js'
import {
  addClue,
  customerSearch,
  customerTransfer,
  editClueField,
  editRelationField,
  getUsers,
  importCustomer,
  listByQwUserId,
  listByRelationCreateTimeAsc,
  listCluesByCreateTimeAsc,
  listFields,
  listTagTree,
  mapProfileField,
  profileFields,
  updateCustomerById,
  userDepartment,
} from '../../mock/endpoints/index.js'
import { createMock, type Mock } from '../../mock/index.js'
import { formatBeijing } from '../../mock/protocol/time.js'
import { call, send, sweep, type Envelope, type RelationItem } from '../endpoints/support.js'

/**
 * customer/search finds leads and customers waiting to be assigned too (by mobile, name and id;
 * `--search-leads include`, the default): the search oracles hold the lead list as well as the
 * relation list. (false: the checks of `--search-leads exclude`, keys no lead has only.)
 */
const SEARCH_INCLUDES_LEADS = true

type Field = RelationItem['fields'][number]
interface LeadItem {
  customerId: number
  isClue: boolean
  type: number
  fields: Field[]
  tagIds: number[]
  createTime: string
  lastUpdateTime: string
}
interface Definition {
  id: number
  name: string
  type: number
  outerField: string | null
  items?: { id: number; name: string }[]
}
interface Member {
  salesId: number
  qwUserId: string
  departments: { departmentName: string; departmentId: number }[]
}
interface SearchPage {
  totalPage: number
  pageNo: number
  pageSize: number
  total: number
  data: Record<string, any>[]
}

/** numRuns, scaled by SURFACE_RUNS (e.g. 20 for a longer hunt; the default keeps the file under 20 s). */
const runs = (n: number) => Math.max(1, Math.round(n * Number(process.env.SURFACE_RUNS ?? 1)))
const seedArb = fc.string({ minLength: 1, maxLength: 8 })

/** The answer's data, failing on a refusal. */
async function ok<T>(mock: Mock, endpoint: Endpoint, body: unknown): Promise<T> {
  const answer = await call<T>(mock, endpoint, body)
  if (answer.code !== 0) throw new Error(`${endpoint.path} ${JSON.stringify(body)}: ${answer.code} ${answer.message}`)
  return answer.data
}

/** Every lead and waiting customer of the lead list, page by page. */
async function sweepLeads(mock: Mock, size = 100): Promise<LeadItem[]> {
  const out: LeadItem[] = []
  let cursor: string | null = null
  do {
    const page: { list: LeadItem[]; nextCursor: string | null } = await ok(mock, listCluesByCreateTimeAsc, { size, ...(cursor ? { cursor } : {}) })
    out.push(...page.list)
    cursor = page.list.length === 0 ? null : page.nextCursor
  } while (cursor)
  return out
}

/** Every member get-users answers, page by page. */
async function allMembers(mock: Mock): Promise<Member[]> {
  const out: Member[] = []
  for (let pageNo = 1; ; pageNo++) {
    const page = await ok<{ result: Member[]; totalPage: number }>(mock, getUsers, { pageNo, pageSize: 50 })
    out.push(...page.result)
    if (pageNo >= page.totalPage) return out
  }
}

/** Every page of a search, checking pageNo, pageSize, total and totalPage against the data on the way. */
async function searchAll(mock: Mock, body: object, pageSize: number): Promise<Record<string, any>[]> {
  const first = await ok<SearchPage>(mock, customerSearch, { ...body, pageNo: 1, pageSize })
  expect(first.totalPage).toBe(Math.ceil(first.total / pageSize))
  const out = [...first.data]
  for (let pageNo = 2; pageNo <= first.totalPage + 1; pageNo++) {
    const page = await ok<SearchPage>(mock, customerSearch, { ...body, pageNo, pageSize })
    expect(page).toMatchObject({ pageNo, pageSize, total: first.total, totalPage: first.totalPage })
    expect(page.data).toHaveLength(pageNo < first.totalPage ? pageSize : pageNo === first.totalPage ? first.total - pageSize * (pageNo - 1) : 0)
    out.push(...page.data)
  }
  expect(first.data).toHaveLength(Math.min(pageSize, first.total))
  expect(out).toHaveLength(first.total)
  return out
}

/** The whole world as `GET /__mock/world` exports it, through the handlers. */
async function exported(mock: Mock): Promise<string> {
  const response = await getResponse(mock.handlers, new Request('https://api.tanmarket.cn:20066/__mock/world'))
  expect(response?.status).toBe(200)
  return response!.text()
}

const valueOf = (fields: Field[], key: string) => fields.find((f) => f.field === key)?.valueAsText ?? null
const mobiles = (fields: Field[]): string[] => {
  const text = valueOf(fields, 'mobile')
  return text === null ? [] : (JSON.parse(text) as string[])
}
/** What customer/search finds a record by: its id, its name, each of its mobiles. */
const keysOf = (r: { customerId: number; fields: Field[] }) => [String(r.customerId), valueOf(r.fields, 'name') ?? '', ...mobiles(r.fields)].filter((k) => k !== '')
const byId = (a: number, b: number) => a - b

/** The option ids a value names, when its field is a select (types 2 and 6). */
function optionIds(type: number, text: string | null): string[] {
  if (text === null) return []
  if (type === 2) return [text]
  if (type === 6) return JSON.parse(text) as string[]
  return []
}

/** Every select value resolves to an option of its field in list-fields (by key or by name); every tag id to a tag of the tree. */
function expectResolved(fields: Field[], tagIds: number[], definitions: Map<string, Definition>, tags: Set<number>, where: string) {
  for (const f of fields) {
    const definition = definitions.get(f.field)
    expect(definition, `${where}: field ${f.field}`).toBeDefined()
    expect(f.type, `${where}: type of ${f.field}`).toBe(definition!.type)
    const options = new Set((definition!.items ?? []).map((o) => String(o.id)))
    for (const id of optionIds(f.type, f.valueAsText)) expect(options.has(id), `${where}: option ${id} of ${f.field}`).toBe(true)
  }
  for (const id of tagIds) expect(tags.has(id), `${where}: tag ${id}`).toBe(true)
}

/** list-fields' definitions by key and by name, and the tag ids of the tag tree. */
async function catalog(mock: Mock) {
  const { fields } = await ok<{ fields: Definition[] }>(mock, listFields, {})
  const definitions = new Map<string, Definition>()
  for (const d of fields) {
    definitions.set(d.name, d)
    if (d.outerField !== null) definitions.set(d.outerField, d)
  }
  const tree = await ok<{ id: number; name: string; tags: { id: number; name: string }[] }[]>(mock, listTagTree, {})
  return { fields, definitions, tree, tags: new Set(tree.flatMap((g) => g.tags.map((t) => t.id))) }
}

describe('ids one endpoint serves resolve in the others', () => {
  it('select option ids (relation list, lead list, search) resolve in list-fields; tagIds in tags/list-tree; qwUserIds in get-users, with the salesId search and user-department use', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, fc.integer({ min: 20, max: 300 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 7, max: 100 }), async (seed, customers, staff, size) => {
        const mock = await createMock({ seed, customers, staff })
        const { fields, definitions, tree, tags } = await catalog(mock)
        const byFieldId = new Map(fields.map((d) => [String(d.id), d]))
        const tagNames = new Set(tree.flatMap((g) => g.tags.map((t) => t.name)))
        const members = new Map((await allMembers(mock)).map((m) => [m.qwUserId, m]))
        const bySalesId = new Map([...members.values()].map((m) => [m.salesId, m]))

        const relations = await sweep(mock, undefined, size)
        const followers = new Map<number, Set<string>>()
        for (const item of relations) {
          expectResolved(item.fields, (item as unknown as { tagIds: number[] }).tagIds, definitions, tags, `relation ${item.customerId}/${item.qwUserId}`)
          expect(members.has(item.qwUserId), `member ${item.qwUserId}`).toBe(true)
          followers.set(item.customerId, (followers.get(item.customerId) ?? new Set()).add(item.qwUserId))
        }
        for (const lead of await sweepLeads(mock, size)) expectResolved(lead.fields, lead.tagIds, definitions, tags, `lead ${lead.customerId}`)

        const departmentNames = new Map<number, string[]>()
        for (const m of members.values()) departmentNames.set(m.salesId, (await ok<{ departmentName: string }[]>(mock, userDepartment, { salesId: m.salesId })).map((d) => d.departmentName))
        for (const found of await searchAll(mock, {}, 100)) {
          const where = `search ${found.customerId}`
          // Custom values are keyed by their field id: a select's are option ids of that field.
          for (const [key, value] of Object.entries(found)) {
            const definition = byFieldId.get(key)
            if (!definition) continue
            const options = new Set((definition.items ?? []).map((o) => String(o.id)))
            for (const id of optionIds(definition.type, value as string)) expect(options.has(id), `${where}: option ${id} of ${definition.name}`).toBe(true)
          }
          for (const name of found.tags as string[]) expect(tagNames.has(name), `${where}: tag ${name}`).toBe(true)
          // The followers search lists are the relation list's; the main one's salesId is a get-users member's, its departments user-department's.
          const contacts = (found.contactList as { qwUserId: string }[]).map((c) => c.qwUserId)
          expect(new Set(contacts), where).toEqual(followers.get(found.customerId) ?? new Set())
          if (contacts.length === 0) expect(found.qwSalesId).toBeNull()
          else {
            expect(found.qwSalesId, where).toBe(members.get(contacts[0]!)!.salesId)
            expect(bySalesId.get(found.qwSalesId)!.qwUserId).toBe(contacts[0])
            expect(JSON.parse(found.salesDeptNames), where).toEqual(departmentNames.get(found.qwSalesId))
            expect((found.mainFollows as { followDeptNames: string[] }[]).map((f) => f.followDeptNames)).toEqual(contacts.map((q) => departmentNames.get(members.get(q)!.salesId)))
          }
          followers.delete(found.customerId)
        }
        // Every followed customer is found by search.
        expect([...followers.keys()]).toEqual([])
      }),
      { numRuns: runs(8) },
    )
  })
})

/** transfer-last moves the relation the watched member's sweep saw last (its cursor's) away; transfer-in moves one to the watched member. */
type ConcurrentWrite = { kind: 'import' | 'transfer' | 'transfer-last' | 'transfer-in' | 'remark' | 'field'; pick: number; member: number }
const concurrentWriteArb = fc.record({ kind: fc.constantFrom<ConcurrentWrite['kind']>('import', 'transfer', 'transfer-last', 'transfer-in', 'remark', 'field'), pick: fc.nat(), member: fc.nat() })

describe('keyset sweeps under concurrent writes', () => {
  it('both relation lists, swept while import-customer, customer-transfer and edit-field write between pages, see every relation that existed throughout exactly once and none twice; afterwards list-by-qw-user-id is the filtered relation list less its dropped property', async () => {
    await fc.assert(
      fc.asyncProperty(
        seedArb,
        fc.integer({ min: 20, max: 150 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 25 }),
        fc.array(concurrentWriteArb, { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        async (seed, customers, staff, size, writes, frozen) => {
          // A frozen clock: every import at the same instant.
          const mock = await createMock({ seed, customers, staff, ...(frozen ? { now: () => Date.UTC(2026, 10, 2) } : {}) })
          const world = mock.context.world
          const qwUserIds = world.memberList.map((m) => m.qwUserId)
          const watched = qwUserIds[writes[0]!.member % qwUserIds.length]!
          /** The relation (its id) an item shows now. */
          const relationOf = (item: { customerId: number; qwUserId: string }) => {
            const member = world.memberIndex(item.qwUserId)
            const slot = world.slotsOf(world.customerIndex(item.customerId)!).find((s) => world.relations.member[s] === member)
            expect(slot, `${item.customerId}/${item.qwUserId} is a relation`).toBeDefined()
            return world.relations.id[slot!]!
          }
          /** Every relation now: id → member. */
          const relationsNow = () => {
            const out = new Map<number, string>()
            for (let slot = 0; slot < world.relations.length; slot++) out.set(world.relations.id[slot]!, world.memberList[world.relations.member[slot]!]!.qwUserId)
            return out
          }
          const start = relationsNow()
          // Relations whose member changed at some time during the sweep: not the watched member's throughout.
          const moved = new Set<number>()

          const lists = [
            { endpoint: listByRelationCreateTimeAsc, body: { size }, seen: [] as number[], cursor: undefined as string | undefined, done: false },
            { endpoint: listByQwUserId, body: { size, qwUserId: watched }, seen: [] as number[], cursor: undefined as string | undefined, done: false },
          ]
          let w = 0
          let pages = 0
          let lastSeen: RelationItem | undefined
          while (lists.some((l) => !l.done)) {
            expect(++pages).toBeLessThan(10_000)
            for (const list of lists) {
              if (list.done) continue
              const page = await ok<{ list: RelationItem[]; nextCursor: string | null }>(mock, list.endpoint, { ...list.body, ...(list.cursor ? { cursor: list.cursor } : {}) })
              list.seen.push(...page.list.map(relationOf))
              if (list.endpoint === listByQwUserId && page.list.length > 0) lastSeen = page.list.at(-1)!
              if (!page.nextCursor || page.list.length === 0) list.done = true
              else list.cursor = page.nextCursor
            }
            const write = writes[w++ % writes.length]!
            if (w > writes.length * 3) continue
            const current = await sweep(mock)
            let item = current[write.pick % current.length]!
            let to = qwUserIds[write.member % qwUserIds.length]!
            if (write.kind === 'transfer-last' && lastSeen) {
              item = current.find((i) => i.customerId === lastSeen!.customerId && i.qwUserId === lastSeen!.qwUserId) ?? item
              if (to === item.qwUserId) to = qwUserIds[(write.member + 1) % qwUserIds.length]!
            }
            if (write.kind === 'transfer-in') to = watched
            if (write.kind === 'import') {
              const answer = await call(mock, importCustomer, { qwUserId: to, fields: [{ alias: 'customer_ch_phone', values: [`136${String(write.pick % 1e8).padStart(8, '0')}`] }, { alias: 'name', values: [`并发${w}`] }] })
              if (answer.code !== 0) expect(answer.message).toContain('重复')
            } else if (write.kind.startsWith('transfer')) {
              const id = relationOf(item)
              const [outcome] = await ok<{ moved: boolean }[]>(mock, customerTransfer, { handoverToUserid: to, customers: [{ qwUserId: item.qwUserId, customerId: item.customerId }] })
              if (outcome!.moved) moved.add(id)
            } else if (write.kind === 'remark') {
              await ok(mock, editRelationField, { customerId: item.customerId, qwUserId: item.qwUserId, field: '备注', valueAsText: `备注${w}` })
            } else {
              await ok(mock, editRelationField, { customerId: item.customerId, qwUserId: item.qwUserId, field: '描述', valueAsText: `描述${w}` })
            }
          }
          const end = relationsNow()
          const count = (seen: number[]) => {
            const counts = new Map<number, number>()
            for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1)
            return counts
          }
          const [all, mine] = lists.map((l) => count(l.seen)) as [Map<number, number>, Map<number, number>]
          for (const counts of [all, mine]) for (const [id, n] of counts) expect(n, `relation ${id} seen ${n} times`).toBe(1)
          // The whole list: a transferred relation keeps its place, so every relation there at the start (none is deleted) is seen once.
          for (const id of start.keys()) expect(all.get(id), `relation ${id}`).toBe(1)
          // The member's list: every relation that was the member's throughout.
          for (const [id, member] of start) if (member === watched && end.get(id) === watched && !moved.has(id)) expect(mine.get(id), `relation ${id} of ${watched}`).toBe(1)
          // And at rest, after the writes: the deprecated list is the filtered relation list less the dropped property.
          const dropped = mock.options.qwUserIdListDrops
          for (const qwUserId of qwUserIds) {
            const expected = (await sweep(mock, undefined, 100)).filter((i) => i.qwUserId === qwUserId).map((i) => {
              const copy: Record<string, unknown> = { ...i }
              delete copy[dropped]
              return copy
            })
            expect(await sweep(mock, qwUserId, 100)).toEqual(expected)
          }
        },
      ),
      { numRuns: runs(12) },
    )
  })
})

/** The search oracle: what the relation list and (when search includes them) the lead list hold, by key. */
function searchOracle(relations: RelationItem[], leads: LeadItem[], includeLeads: boolean) {
  const ids = new Map<string, Set<number>>()
  const add = (r: { customerId: number; fields: Field[] }) => {
    for (const key of keysOf(r)) ids.set(key, (ids.get(key) ?? new Set()).add(r.customerId))
  }
  relations.forEach(add)
  if (includeLeads) leads.forEach(add)
  const leadKeys = new Set(leads.flatMap(keysOf))
  return { find: (key: string) => [...(ids.get(key) ?? [])].sort(byId), leadKeys }
}

describe('customer/search finds exactly what the lists hold', () => {
  it('by a mobile, a name or a customer id: exactly the customers with it (the relation list\'s); totalPage and pageNo agree with the data', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, fc.integer({ min: 20, max: 300 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), async (seed, customers, picks, pageSize) => {
        const mock = await createMock({ seed, customers, staff: 5 })
        const relations = await sweep(mock)
        const leads = await sweepLeads(mock)
        const oracle = searchOracle(relations, leads, SEARCH_INCLUDES_LEADS)
        const keys = new Set(['13000000000', '无此人', '1'])
        for (const pick of picks) for (const key of keysOf(relations[pick % relations.length]!)) keys.add(key)
        for (const key of keys) {
          if (!SEARCH_INCLUDES_LEADS && oracle.leadKeys.has(key)) continue
          const found = (await searchAll(mock, { searchKey: key }, pageSize)).map((c) => c.customerId as number)
          expect(found.toSorted(byId), `searchKey ${key}`).toEqual(oracle.find(key))
          expect(new Set(found).size).toBe(found.length)
        }
      }),
      { numRuns: runs(15) },
    )
  })
})

describe.skipIf(!SEARCH_INCLUDES_LEADS)('search includes leads', () => {
  it('by a lead\'s or waiting customer\'s mobile, name or id: exactly the customers and leads with it', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, fc.integer({ min: 20, max: 300 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), async (seed, customers, picks, pageSize) => {
        const mock = await createMock({ seed, customers, staff: 5 })
        const leads = await sweepLeads(mock)
        fc.pre(leads.length > 0)
        const oracle = searchOracle(await sweep(mock), leads, true)
        for (const pick of picks) {
          for (const key of keysOf(leads[pick % leads.length]!)) {
            const found = (await searchAll(mock, { searchKey: key }, pageSize)).map((c) => c.customerId as number)
            expect(found.toSorted(byId), `searchKey ${key}`).toEqual(oracle.find(key))
          }
        }
      }),
      { numRuns: runs(12) },
    )
  })

  it('add-clue: search finds the new lead by its mobile, name and id at once', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, fc.integer({ min: 0, max: 99_999_999 }), async (seed, n) => {
        const mock = await createMock({ seed, customers: 40, staff: 3 })
        const mobile = `135${String(n).padStart(8, '0')}`
        const name = `线索${n}`
        const answer = await call<number>(mock, addClue, { customerName: name, mobiles: [mobile] })
        fc.pre(answer.code === 0)
        for (const key of [mobile, name, String(answer.data)]) {
          const found = (await searchAll(mock, { searchKey: key }, 10)).map((c) => c.customerId)
          expect(found, `searchKey ${key}`).toContain(answer.data)
        }
      }),
      { numRuns: runs(10) },
    )
  })
})

type Write =
  | 'add-clue'
  | 'import'
  | 'clue-edit'
  | 'relation-edit'
  | 'transfer'
  | 'bad-add-clue-alias'
  | 'bad-import-alias'
  | 'bad-update-customer'
  | 'bad-relation-customer'
  | 'bad-clue-customer'
  | 'bad-transfer-customer'
  | 'repeated-mobile'
  | 'relation-select'
  | 'relation-mobile'
  | 'clue-select'
  | 'clue-mobile'
  | 'relation-name'
const writeArb = fc.record({
  kind: fc.constantFrom<Write>('add-clue', 'import', 'clue-edit', 'relation-edit', 'transfer', 'relation-select', 'relation-mobile', 'clue-select', 'clue-mobile', 'relation-name', 'bad-add-clue-alias', 'bad-import-alias', 'bad-update-customer', 'bad-relation-customer', 'bad-clue-customer', 'bad-transfer-customer', 'repeated-mobile'),
  pick: fc.nat(),
  member: fc.nat(),
})

describe('writes show at once everywhere; refused writes change nothing', () => {
  it('add-clue, import-customer, clue and relation edit-field, customer-transfer; repeated mobiles, unknown aliases and customers refused with the world unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, fc.integer({ min: 20, max: 80 }), fc.array(writeArb, { minLength: 1, maxLength: 10 }), async (seed, customers, writes) => {
        let now = Date.UTC(2027, 0, 1)
        const mock = await createMock({ seed, customers, staff: 4, now: () => now })
        const members = await allMembers(mock)
        const qwUserIds = members.map((m) => m.qwUserId)
        const salesIds = new Map(members.map((m) => [m.qwUserId, m.salesId]))
        const { definitions, tags } = await catalog(mock)
        const gender = definitions.get('gender')!
        /** After each write: every select value and tag id still resolves, and search finds by each key what the lists hold. */
        const coherent = async (keysOfNow: (records: { customerId: number; fields: Field[] }[]) => string[]) => {
          const relations = await sweep(mock)
          const leads = await sweepLeads(mock)
          const keys = keysOfNow([...relations, ...leads])
          for (const r of relations) expectResolved(r.fields, (r as unknown as { tagIds: number[] }).tagIds, definitions, tags, `relation ${r.customerId}`)
          for (const l of leads) expectResolved(l.fields, l.tagIds, definitions, tags, `lead ${l.customerId}`)
          const oracle = searchOracle(relations, leads, SEARCH_INCLUDES_LEADS)
          for (const key of new Set(keys)) {
            if (!SEARCH_INCLUDES_LEADS && oracle.leadKeys.has(key)) continue
            const found = (await searchAll(mock, { searchKey: key }, 10)).map((c) => c.customerId as number)
            expect(found.toSorted(byId), `searchKey ${key} after ${write_}`).toEqual(oracle.find(key))
          }
          // Search's followers of a touched customer are the relation list's (a transfer shows there too).
          for (const t of touched_) {
            const followers = relations.filter((r) => r.customerId === t).map((r) => r.qwUserId)
            if (followers.length === 0) continue
            const [found] = await searchAll(mock, { customerId: t }, 10)
            const contacts = (found!.contactList as { qwUserId: string }[]).map((c) => c.qwUserId)
            expect(contacts.toSorted(), `followers of ${t} after ${write_}`).toEqual(followers.toSorted())
            expect(found!.qwSalesId).toBe(salesIds.get(contacts[0]!))
          }
          return { relations, leads }
        }
        let touched_: number[] = []
        let write_ = ''
        const taken = new Set<string>()
        let n = 0
        let lists = { relations: await sweep(mock), leads: await sweepLeads(mock) }
        for (const write of writes) {
          now += 61_000
          const at = formatBeijing(Math.floor(now / 1000))
          const { relations, leads } = lists
          for (const r of [...relations, ...leads]) for (const m of mobiles(r.fields)) taken.add(m)
          const item = relations[write.pick % relations.length]!
          const lead = leads.length > 0 ? leads[write.pick % leads.length]! : undefined
          const to = qwUserIds[write.member % qwUserIds.length]!
          const fresh = () => {
            let mobile: string
            do mobile = `138${String((write.pick + n++) % 1e8).padStart(8, '0')}`
            while (taken.has(mobile))
            return mobile
          }
          write_ = write.kind
          const refusal = write.kind.startsWith('bad-') || write.kind === 'repeated-mobile'
          const before = { world: refusal ? await exported(mock) : undefined, relations, leads, ids: mock.context.world.idsIssued }
          const events: string[] = []
          const off = mock.events.onAny((e) => events.push(e.type))
          const unchanged = async (answer: Envelope<unknown>, code: number, message: RegExp | string) => {
            expect(answer.code, write.kind).toBe(code)
            expect(events).toEqual([])
            expect(mock.context.world.idsIssued).toEqual(before.ids)
            if (typeof message === 'string') expect(answer.message).toBe(message)
            else expect(answer.message).toMatch(message)
            expect(await exported(mock)).toBe(before.world)
            expect(await sweep(mock)).toEqual(before.relations)
            expect(await sweepLeads(mock)).toEqual(before.leads)
          }
          switch (write.kind) {
            case 'add-clue': {
              const mobile = fresh()
              const id = await ok<number>(mock, addClue, { customerName: `线索${n}`, mobiles: [mobile] })
              const listed = (await sweepLeads(mock)).filter((l) => l.customerId === id)
              expect(listed).toHaveLength(1)
              expect(listed[0]).toMatchObject({ isClue: true, createTime: at, lastUpdateTime: at })
              expect([valueOf(listed[0]!.fields, 'name'), mobiles(listed[0]!.fields)]).toEqual([`线索${n}`, [mobile]])
              break
            }
            case 'import': {
              const mobile = fresh()
              const id = await ok<number>(mock, importCustomer, { qwUserId: to, fields: [{ alias: 'customer_ch_phone', values: [mobile] }, { alias: 'name', values: [`导入${n}`] }] })
              for (const list of [await sweep(mock), await sweep(mock, to)]) {
                const follows = list.filter((i) => i.customerId === id)
                expect(follows.map((i) => i.qwUserId)).toEqual([to])
                expect(follows[0]).toMatchObject({ createTime: at, lastUpdateTime: at })
                expect(mobiles(follows[0]!.fields)).toEqual([mobile])
              }
              break
            }
            case 'clue-edit': {
              if (!lead) break
              await ok(mock, editClueField, { customerId: lead.customerId, field: '描述', valueAsText: `描述${n}` })
              const after = (await sweepLeads(mock)).find((l) => l.customerId === lead.customerId)!
              expect(valueOf(after.fields, 'description')).toBe(`描述${n}`)
              expect(after.lastUpdateTime).toBe(at)
              expect(after.lastUpdateTime > lead.lastUpdateTime).toBe(true)
              break
            }
            case 'relation-edit': {
              await ok(mock, editRelationField, { customerId: item.customerId, qwUserId: item.qwUserId, field: '描述', valueAsText: `描述${n}` })
              // One profile: every relation of the customer shows the value, in both lists.
              const all = (await sweep(mock)).filter((i) => i.customerId === item.customerId)
              expect(all.length).toBeGreaterThan(0)
              for (const i of [...all, ...(await sweep(mock, item.qwUserId)).filter((i) => i.customerId === item.customerId)]) {
                expect(valueOf(i.fields, 'description')).toBe(`描述${n}`)
                expect(i.lastUpdateTime).toBe(at)
                expect(i.lastUpdateTime > item.lastUpdateTime).toBe(true)
              }
              break
            }
            case 'transfer': {
              const [outcome] = await ok<{ moved: boolean }[]>(mock, customerTransfer, { handoverToUserid: to, customers: [{ qwUserId: item.qwUserId, customerId: item.customerId }] })
              const followers = (list: RelationItem[]) => list.filter((i) => i.customerId === item.customerId).map((i) => i.qwUserId)
              const now = await sweep(mock)
              expect(outcome!.moved).toBe(!followers(relations).includes(to))
              if (!outcome!.moved) {
                expect(now).toEqual(relations)
                break
              }
              expect(followers(now)).toContain(to)
              expect(followers(now)).not.toContain(item.qwUserId)
              expect(followers(await sweep(mock, to))).toEqual([to])
              expect(followers(await sweep(mock, item.qwUserId))).toEqual([])
              break
            }
            case 'repeated-mobile': {
              const mobile = [...mobiles(item.fields), ...(lead ? mobiles(lead.fields) : [])][write.member % 2] ?? mobiles(item.fields)[0]
              if (mobile === undefined) break
              await unchanged(await call(mock, addClue, { customerName: 'again', mobiles: [mobile] }), 40417, '请求参数验证失败：电话号码重复')
              break
            }
            case 'bad-add-clue-alias':
              await unchanged(await call(mock, addClue, { customerName: 'x', mobiles: [fresh()], fields: [{ alias: `无此别名${write.pick}`, fieldValue: 'x' }] }), 40000, /alias 不存在/)
              break
            case 'bad-import-alias':
              await unchanged(await call(mock, importCustomer, { qwUserId: to, fields: [{ alias: 'name', values: ['x'] }, { alias: `无此别名${write.pick}`, values: ['x'] }] }), 40000, /不存在/)
              break
            case 'bad-update-customer':
              await unchanged(await call(mock, updateCustomerById, { customerId: 1 + (write.pick % 1000), fields: [{ alias: '描述', values: ['x'] }] }), 40000, /customerId 不存在/)
              break
            case 'bad-relation-customer':
              await unchanged(await call(mock, editRelationField, { customerId: 1 + (write.pick % 1000), qwUserId: to, field: '描述', valueAsText: 'x' }), 40000, /customerId 不存在/)
              break
            case 'bad-clue-customer':
              await unchanged(await call(mock, editClueField, { customerId: item.customerId, field: '描述', valueAsText: 'x' }), 40000, /customerId/)
              break
            case 'bad-transfer-customer': {
              // customer-transfer answers per customer: an unknown one does not move, and nothing changes.
              const answer = await call<{ moved: boolean; reason: string }[]>(mock, customerTransfer, { handoverToUserid: to, customers: [{ qwUserId: item.qwUserId, customerId: 1 + (write.pick % 1000) }] })
              await unchanged(answer, 0, 'success')
              expect(answer.data[0]).toMatchObject({ moved: false, reason: expect.stringContaining('no customer') })
              break
            }
            case 'relation-select': {
              // A select written by its option's name is served as the option's id, the one list-fields has.
              const option = gender.items![write.member % gender.items!.length]!
              await ok(mock, editRelationField, { customerId: item.customerId, qwUserId: item.qwUserId, field: '性别', valueAsText: option.name })
              for (const i of (await sweep(mock)).filter((i) => i.customerId === item.customerId)) expect(valueOf(i.fields, 'gender')).toBe(String(option.id))
              break
            }
            case 'relation-mobile': {
              const mobile = fresh()
              await ok(mock, editRelationField, { customerId: item.customerId, qwUserId: item.qwUserId, field: '手机号', valueAsText: JSON.stringify([mobile]) })
              for (const i of (await sweep(mock)).filter((i) => i.customerId === item.customerId)) expect(mobiles(i.fields)).toEqual([mobile])
              break
            }
            case 'relation-name': {
              // A new name (or none): search finds the customer by it, and by the old one no more (the touched keys' check below).
              const name = write.member % 3 === 0 ? null : `改名${write.member % 4}`
              await ok(mock, editRelationField, { customerId: item.customerId, qwUserId: item.qwUserId, field: '姓名', valueAsText: name })
              for (const i of (await sweep(mock)).filter((i) => i.customerId === item.customerId)) expect(valueOf(i.fields, 'name')).toBe(name)
              break
            }
            case 'clue-mobile': {
              if (!lead) break
              const mobile = fresh()
              await ok(mock, editClueField, { customerId: lead.customerId, field: 'mobile', valueAsText: JSON.stringify([mobile]) })
              expect(mobiles((await sweepLeads(mock)).find((l) => l.customerId === lead.customerId)!.fields)).toEqual([mobile])
              // The new mobile is taken now, the old ones are free.
              expect(await call(mock, addClue, { customerName: 'again', mobiles: [mobile] })).toEqual({ code: 40417, message: '请求参数验证失败：电话号码重复', data: null })
              break
            }
            case 'clue-select': {
              if (!lead) break
              const option = gender.items![write.member % gender.items!.length]!
              await ok(mock, editClueField, { customerId: lead.customerId, field: 'gender', valueAsText: option.name })
              expect(valueOf((await sweepLeads(mock)).find((l) => l.customerId === lead.customerId)!.fields, 'gender')).toBe(String(option.id))
              break
            }
          }
          off()
          // Search by the touched records' keys, before and after (a changed name or mobile is found no more), and the new records'.
          const touched = [item, ...(lead ? [lead] : [])]
          touched_ = touched.map((t) => t.customerId)
          const known = new Set([...relations, ...leads].map((r) => r.customerId))
          lists = await coherent((records) => [...touched, ...records.filter((r) => touched.some((t) => t.customerId === r.customerId) || !known.has(r.customerId))].flatMap(keysOf))
        }
      }),
      { numRuns: runs(10) },
    )
  })
})

describe('the alias flow of a public client', () => {
  it('profile-fields with an empty body signed over "", profile-fields/map {fieldId, alias: "姓名"}, then add-clue with fields [{alias: "姓名", fieldValue}] names the lead', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, fc.integer({ min: 20, max: 100 }), fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== ''), async (seed, customers, name) => {
        const mock = await createMock({ seed, customers })
        const listed = await send<{ id: number; name: string; outerField: string | null; alias: string | null }[]>(mock, profileFields.path, '', mock.sign(''))
        expect(listed.json).toMatchObject({ code: 0, message: 'success' })
        const field = listed.json.data.find((f) => f.outerField === 'name')!
        expect(Number.isInteger(listed.json.data[0]!.id)).toBe(true)
        expect(await call(mock, mapProfileField, { fieldId: String(field.id), alias: '姓名' })).toEqual({ code: 0, message: 'success', data: null })
        expect((await ok<{ id: number; alias: string | null }[]>(mock, profileFields, {})).find((f) => f.id === field.id)!.alias).toBe('姓名')
        const id = await ok<number>(mock, addClue, { fields: [{ alias: '姓名', fieldValue: name }] })
        const lead = (await sweepLeads(mock)).find((l) => l.customerId === id)!
        expect(valueOf(lead.fields, 'name')).toBe(name)
      }),
      { numRuns: runs(6) },
    )
  })
})
