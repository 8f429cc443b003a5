/**
 * A world: one tenant's members, profile-field definitions, tags, customers and follow relations.
 *
 * Members, field definitions and tags are @msw/data collections (private: the public types stay
 * free of its generics; mock/world/query.ts reads the world for users). Generated customers and their
 * relations are a pure function of (seed, index): the build draws only what the keyset index needs
 * (decisions/0001-world-storage.md) and the rest of a record is drawn when it is read.
 */
import { Collection } from '@msw/data'
import { ID_EPOCH_MS, IdMinter, LAST_MINT_MS, mintId } from '../protocol/ids.js'
import { formatBeijing, parseBeijing } from '../protocol/time.js'
import type { RelationKey } from '../protocol/cursor.js'
import { catalogOf, generateCatalog, type Catalog } from './generate/catalog.js'
import { fixtureCustomer, fixtureFollowUp, fixtureLead, fixtureLeads, VERSION_2_MEMBER_KEYS, type FixtureDocument, type FixtureVersion, type NdjsonRecord } from './fixture.js'
import { FieldAliases } from './field-aliases.js'
import type { TenantConfig } from './tenant-config.js'
import { HashIndex, hashId, hashText } from './hash-index.js'
import {
  companyMintMs, customerMintMs, customerSkeleton, mintFloorMs, SkeletonDraw, generateCustomer, generatedMobiles, generatedName, generatedWechat, generateRemark, memberWeights, type WorldShape,
} from './generate/customers.js'
import { hasSearchKey, LEADS_PER_CUSTOMER, LeadBook, searchKeyHashes, searchKeysOf, type FollowUp, type Lead, type SearchKeys } from './leads.js'
import { generateMembers } from './generate/members.js'
import { resolveStaff, type Staff } from './generate/staff.js'
import { Rng, worldSeed } from './generate/rng.js'
import { ItemCache } from './item-cache.js'
import { WORLD_LIMITS } from './limits.js'
import { grow, KeysetList, RelationTable, sliceWindow, type WindowQuery, type WindowSlice } from './keyset.js'
import {
  fieldDefinitionSchema, memberSchema, tagSchema, type Customer, type CustomerType, type Department, type FieldAlias, type FieldDefinition, type Member,
  type Relation, type Tag, type TagGroup,
} from './schema.js'

export interface WorldOptions {
  /** Any string or number; the same seed and options give the same world, byte for byte. */
  readonly seed?: string | number
  /** Followed customers; each has at least one follow relation, some several. */
  readonly customers?: number
  /** Sales members. */
  readonly staff?: number
  /** Customers are created in [from, until), Beijing time `yyyy-MM-dd HH:mm:ss`. */
  readonly from?: string
  readonly until?: string
  /** The tenant's field definitions and tag groups (a calibration's `tenant`), instead of the generator's own. */
  readonly tenant?: TenantConfig
}

/** The options a generated world was made with: every one given (the tenant's configuration only when there is one). */
export type GeneratedOptions = Required<Omit<WorldOptions, 'tenant'>> & Pick<WorldOptions, 'tenant'>

export const WORLD_DEFAULTS = {
  seed: 'tanma',
  customers: 1000,
  staff: 20,
  from: '2019-01-01 00:00:00',
  until: '2026-11-01 00:00:00',
} as const satisfies Required<Omit<WorldOptions, 'tenant'>>

/** A generated world's state as a snapshot holds it (World.snapshotParts, World.fromSnapshot). */
export interface SnapshotParts {
  readonly options: GeneratedOptions
  readonly customerIds: Float64Array<ArrayBuffer>
  readonly companyIds: Float64Array<ArrayBuffer>
  /** The relation columns in slot order (key order: snapshots are of unchanged worlds). */
  readonly relations: {
    readonly sec: Float64Array<ArrayBuffer>
    readonly nanos: Int32Array<ArrayBuffer>
    readonly id: Float64Array<ArrayBuffer>
    readonly customer: Int32Array<ArrayBuffer>
    readonly member: Int32Array<ArrayBuffer>
    readonly type: Uint8Array<ArrayBuffer>
  }
}

/** A world a snapshot cannot hold. */
export class SnapshotRefused extends Error {}

export type ProgressListener = (done: number, total: number) => void

/** Which relations a page is drawn from. */
export interface RelationFilter {
  readonly type?: CustomerType
  /** Index of the follower in `world.memberList`. */
  readonly member?: number
}

const RELATION_ID_BASE = 30_000_000
/** The tenant was set up this long before its first customer. */
const TENANT_SETUP_SEC = 30 * 86_400
/**
 * A big build hands the event loop back every this many customers (and relations), so a server
 * keeps answering (health, other tenants, the old world) while a world loads.
 */
const YIELD_EVERY = 50_000
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))
/** What a build of `count` relations pauses with between its steps: small builds run through in one go. */
const pauseFor = (count: number) => (count >= YIELD_EVERY ? yieldToEventLoop : async () => {})

/** A member as exported: the staff values only where they were given (derived ones are derived again on load). */
function exportedMember(m: Member): Member {
  const { qwUserId, name, department, salesId, mobile, deleted, departmentIds } = m
  return {
    qwUserId, name, department,
    ...(salesId !== undefined ? { salesId } : {}),
    ...(mobile !== undefined ? { mobile } : {}),
    ...(deleted !== undefined ? { deleted } : {}),
    ...(departmentIds !== undefined ? { departmentIds: [...departmentIds] } : {}),
  }
}

export class World {
  readonly #members = new Collection({ schema: memberSchema })
  readonly #fieldDefinitions = new Collection({ schema: fieldDefinitionSchema })
  readonly #tags = new Collection({ schema: tagSchema })
  /** The options a generated world was built with (undefined: loaded from a fixture). */
  #generatedFrom: GeneratedOptions | undefined
  /** Whether a change was made (atomically). */
  #changed = false
  /** Members in index order (the index the relation table refers to). */
  memberList: Member[] = []
  readonly relations = new RelationTable()
  readonly #memberIndex = new Map<string, number>()
  readonly #all: KeysetList
  readonly #byType: KeysetList[]
  #byMember: KeysetList[] = []
  #byMemberType: KeysetList[][] = []
  /** Ids of the generated customers (index < shape.customers) and their companies. */
  #customerIds = new Float64Array(0)
  #companyIds = new Float64Array(0)
  /** Customers given as records (from a fixture), by index; they come after the generated ones. */
  readonly #explicit = new Map<number, Customer>()
  /** Remarks given as records, by relation slot. */
  readonly #remarks = new Map<number, string | null>()
  #customerCount = 0
  #memberCumulative: number[] = []
  /** Customers deleted through the admin API, by index. */
  readonly #deleted = new Set<number>()
  /** Lookups built on the first change (a read-only world never pays for them). */
  /** Each customer's live relation slots as a linked list: first and last slot by customer, the next by slot (-1: none). */
  #slotLists: { head: Int32Array; tail: Int32Array; next: Int32Array } | undefined
  /** Relation slots by relation id hash (relationSlot), built on first use. */
  #slotById: HashIndex | undefined
  /** Slots whose relation was deleted (never used again). */
  readonly #removedSlots = new Set<number>()
  /** Customer and company ids by hash (customerIndex, isIdTaken), built on first use over the customers then present. */
  #ids: HashIndex | undefined
  /** How many ids the index held when built, and ids taken since (minted, or a new record's own). */
  #idsAtBuild = 0
  readonly #idsSince = new Set<number>()
  /** Ids minted inside the change in progress (see atomically), so a refused change can give them back. */
  #mintedInChange: number[] | undefined
  #maxRelationId = 0
  #itemCache: ItemCache | undefined
  /** Field aliases (profile-fields/map), changed through mock/world/changes.ts. */
  readonly aliases = new FieldAliases()
  /** Departments a fixture gave (exported as given); undefined: derived from the members. */
  #departments: Department[] | undefined
  #staff: Staff | undefined
  /** Leads and waiting customers (mock/world/leads.ts), built on first use; a fixture's given ones. */
  #leads: LeadBook | undefined
  #givenLeads: { lead: Lead; followUps: FollowUp[] }[] = []
  /** Their customer and company ids, which mintId steps over before the lead book is built. */
  #givenLeadIds = new Set<number>()
  /** Customer indexes by WeCom externalUserId hash, built on the first WeChat lookup (qw-details). */
  #byExternal: HashIndex | undefined
  /** When the member added the WeCom friend, where it is not the relation's creation (a transfer), by slot. */
  readonly #qwCustomerTimes = new Map<number, number>()
  /** customer/search's index (and the duplicate-mobile check's): customer indexes by name and mobile hash, built on first use. */
  #searchKeys: HashIndex | undefined

  private constructor(
    readonly shape: WorldShape,
    readonly catalog: Catalog,
  ) {
    this.#all = new KeysetList(this.relations)
    this.#byType = [new KeysetList(this.relations), new KeysetList(this.relations), new KeysetList(this.relations)]
  }

  static async build(options: WorldOptions = {}, onProgress?: ProgressListener): Promise<World> {
    const { world, minter } = await World.#prepare(options)
    await world.#generateRelations(minter, onProgress)
    return world
  }

  /** A generated world's definitions (catalog, members), its relations still to come: generated, or from a snapshot. */
  static async #prepare(options: WorldOptions): Promise<{ world: World; minter: IdMinter }> {
    const o = { ...WORLD_DEFAULTS, ...options }
    const fromSec = parseBeijing(o.from)
    const untilSec = parseBeijing(o.until)
    if (fromSec === undefined || untilSec === undefined || untilSec - fromSec < 86_400) {
      throw new RangeError(`world window [${o.from}, ${o.until}) must be two Beijing times at least a day apart`)
    }
    // The tenant is set up 30 days before `from`, and every id is minted within [ID_EPOCH_MS, LAST_MINT_MS].
    const firstFrom = ID_EPOCH_MS / 1000 + TENANT_SETUP_SEC
    const lastUntil = Math.floor(LAST_MINT_MS / 1000)
    if (fromSec < firstFrom || untilSec > lastUntil) {
      throw new RangeError(`world window [${o.from}, ${o.until}) must lie within ${formatBeijing(firstFrom)} to ${formatBeijing(lastUntil)} (ids can be minted from 2015-01-01 00:00:00 Beijing time on, and the tenant is set up 30 days before its first customer)`)
    }
    if (!Number.isInteger(o.customers) || o.customers < 0 || o.customers > WORLD_LIMITS.customers) throw new RangeError(`customers must be a whole number from 0 to ${WORLD_LIMITS.customers}, got ${o.customers}`)
    if (!Number.isInteger(o.staff) || o.staff < 1 || o.staff > WORLD_LIMITS.staff) throw new RangeError(`staff must be a whole number from 1 to ${WORLD_LIMITS.staff}, got ${o.staff}`)

    const seed = worldSeed(o.seed)
    const shape: WorldShape = { seed, customers: o.customers, staff: o.staff, fromSec, untilSec }
    const minter = new IdMinter()
    // The tenant was set up a month before its first customer.
    const world = new World(shape, generateCatalog(seed, (fromSec - TENANT_SETUP_SEC) * 1000, minter, o.tenant))
    world.#generatedFrom = { seed: o.seed, customers: o.customers, staff: o.staff, from: o.from, until: o.until, ...(o.tenant === undefined ? {} : { tenant: o.tenant }) }
    await world.#storeDefinitions(generateMembers(seed, o.staff), world.catalog.fields, world.catalog.tags)
    return { world, minter }
  }

  /** A generated world again from what snapshotParts gave: its relations and ids as they were, not drawn again. */
  static async fromSnapshot(parts: SnapshotParts): Promise<World> {
    const { world } = await World.#prepare(parts.options)
    const n = world.shape.customers
    const { relations: r } = parts
    const count = r.sec.length
    const columns = [parts.customerIds, parts.companyIds, r.nanos, r.id, r.customer, r.member, r.type]
    if (parts.customerIds.length !== n || parts.companyIds.length !== n || columns.slice(2).some((c) => c.length !== count)) throw new RangeError('snapshot parts of different lengths')
    world.#customerCount = n
    world.#customerIds = parts.customerIds
    world.#companyIds = parts.companyIds
    const t = world.relations
    Object.assign(t, { sec: r.sec, nanos: r.nanos, id: r.id, customer: r.customer, member: r.member, type: r.type, length: count })
    world.#maxRelationId = count > 0 ? r.id[count - 1]! : 0
    await world.#indexSlots(pauseFor(count))
    return world
  }

  /** The options a generated world was built with (a snapshot's own), or undefined for a fixture world. */
  get generatedFrom(): GeneratedOptions | undefined {
    return this.#generatedFrom
  }

  /**
   * What a snapshot holds of this world (mock/world/snapshot.ts): the options it was generated with,
   * its ids and its relation columns. Only a generated world as built has one: changes and fixtures
   * live in records, which an NDJSON export keeps (SnapshotRefused says so).
   */
  snapshotParts(): SnapshotParts {
    if (!this.#generatedFrom) throw new SnapshotRefused('this world was loaded from a fixture: export it as NDJSON instead (--format ndjson)')
    if (this.#changed) throw new SnapshotRefused('this world has changes (writes, admin changes): a snapshot holds a generated world as built; export it as NDJSON to keep its changes')
    const t = this.relations
    const n = t.length
    return {
      options: this.#generatedFrom,
      customerIds: this.#customerIds,
      companyIds: this.#companyIds,
      relations: { sec: t.sec.subarray(0, n), nanos: t.nanos.subarray(0, n), id: t.id.subarray(0, n), customer: t.customer.subarray(0, n), member: t.member.subarray(0, n), type: t.type.subarray(0, n) },
    }
  }

  /** The world a fixture describes, exactly: its records, ids and relation times. */
  static async fromFixture(doc: FixtureDocument, options: Pick<WorldOptions, 'seed' | 'from' | 'until'> = {}): Promise<World> {
    const o = { ...WORLD_DEFAULTS, ...options }
    // A loaded world generates nothing on top of its records (customers: 0, so no generated leads either);
    // what it draws lazily comes from the document's world seed when it gives one.
    const shape: WorldShape = { seed: doc.worldSeed ?? worldSeed(o.seed), customers: 0, staff: doc.members.length, fromSec: parseBeijing(o.from)!, untilSec: parseBeijing(o.until)! }
    const world = new World(shape, catalogOf(doc.fieldDefinitions, doc.tags, doc.tagGroups ?? []))
    await world.#storeDefinitions(doc.members, doc.fieldDefinitions, doc.tags)
    for (const { fieldId, alias } of doc.aliases ?? []) world.aliases.set(fieldId, alias)
    world.#departments = doc.departments
    world.#givenLeads = fixtureLeads(doc)
    for (const { lead } of world.#givenLeads) {
      world.#givenLeadIds.add(lead.customerId)
      if (lead.company) world.#givenLeadIds.add(lead.company.id)
    }
    const companies = new Map(doc.companies.map((c) => [c.id, c]))
    const indexOf = new Map<number, number>()
    for (const c of doc.customers) {
      const index = world.#customerCount++
      indexOf.set(c.customerId, index)
      world.#explicit.set(index, {
        customerId: c.customerId,
        type: c.type,
        fields: c.fields,
        tagIds: c.tagIds,
        createTime: parseBeijing(c.createTime)!,
        lastUpdateTime: parseBeijing(c.lastUpdateTime)!,
        company: c.companyId === null ? null : { id: c.companyId, name: companies.get(c.companyId)!.name },
        wechatNickname: c.wechatNickname,
        wechatAvatar: c.wechatAvatar,
        wechatLocation: c.wechatLocation,
        convertCustomerTime: c.convertCustomerTime === null ? null : parseBeijing(c.convertCustomerTime)!,
        externalUserId: c.externalUserId,
      })
    }
    const keyed = doc.relations.map((r) => ({ r, sec: parseBeijing(r.createTime)! }))
    keyed.sort((a, b) => a.sec - b.sec || a.r.createNanos - b.r.createNanos || a.r.id - b.r.id)
    world.relations.reserve(keyed.length)
    for (const { r, sec } of keyed) {
      const customer = indexOf.get(r.customerId)!
      const slot = world.#appendRelation(sec, r.createNanos, r.id, customer, world.#memberIndex.get(r.qwUserId)!, world.#explicit.get(customer)!.type)
      world.#remarks.set(slot, r.qwRemark)
      if (r.qwCustomerTime !== undefined) world.#qwCustomerTimes.set(slot, parseBeijing(r.qwCustomerTime)!)
    }
    world.#trimLists()
    return world
  }

  /** Appends a relation that sorts after every relation indexed so far (the build order). */
  #appendRelation(sec: number, nanos: number, id: number, customer: number, member: number, type: number): number {
    this.#maxRelationId = Math.max(this.#maxRelationId, id)
    const slot = this.relations.push(sec, nanos, id, customer, member, type)
    this.#all.append(slot)
    this.#byType[type]!.append(slot)
    this.#byMember[member]!.append(slot)
    this.#byMemberType[member]![type]!.append(slot)
    return slot
  }

  #trimLists(): void {
    for (const list of [this.#all, ...this.#byType, ...this.#byMember, ...this.#byMemberType.flat()]) list.trim()
  }

  async #storeDefinitions(members: Member[], fields: readonly FieldDefinition[], tags: readonly Tag[]): Promise<void> {
    for (const member of members) {
      this.#memberIndex.set(member.qwUserId, this.memberList.length)
      this.memberList.push(await this.#members.create(member))
    }
    for (const field of fields) await this.#fieldDefinitions.create(field)
    for (const tag of tags) await this.#tags.create(tag)
    this.#byMember = this.memberList.map(() => new KeysetList(this.relations))
    this.#byMemberType = this.memberList.map(() => [new KeysetList(this.relations), new KeysetList(this.relations), new KeysetList(this.relations)])
    this.#memberCumulative = memberWeights(this.shape.seed, this.memberList.length)
  }

  async #generateRelations(minter: IdMinter, onProgress?: ProgressListener): Promise<void> {
    const n = this.shape.customers
    this.#customerCount = n
    this.#customerIds = new Float64Array(n)
    this.#companyIds = new Float64Array(n)
    // Follows in customer order (a customer's by member) straight into the relation columns, then put
    // into key order: (sec, nanos) with ties in that order, as the keyset lists need.
    const t = this.relations
    t.reserve(Math.max(16, Math.ceil(n * 1.5)))
    const draw = new SkeletonDraw()
    const { shape } = this
    const memberCumulative = this.#memberCumulative
    const customerIds = this.#customerIds
    const companyIds = this.#companyIds
    const step = Math.max(1, Math.floor(n / 100))
    for (let i = 0; i < n; i++) {
      const d = draw.draw(shape, memberCumulative, i)
      minter.forgetBefore(mintFloorMs(d))
      const mintMs = customerMintMs(shape, i, d)
      customerIds[i] = minter.mint(mintMs)
      if (d.type === 2) companyIds[i] = minter.mint(companyMintMs(shape, i, mintMs))
      const first = t.length
      for (let k = 0; k < d.count; k++) {
        // Insertion by member (a customer has at most MAX_FOLLOWERS).
        let at = t.push(d.sec[k]!, d.micros[k]! * 1000, 0, i, d.member[k]!, d.type)
        for (; at > first && t.member[at - 1]! > t.member[at]!; at--) t.swap(at - 1, at)
      }
      // The last customer's progress is told when the world is ready.
      if (onProgress && i % step === 0 && i < n - 1) onProgress(i + 1, n)
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop()
    }
    const pause = pauseFor(t.length)
    await pause()
    await t.sortByKey(this.shape.fromSec, this.shape.untilSec, pause)

    // Relation ids are global to the upstream (shared by all tenants): ascending, with gaps.
    const idGaps = new Rng(this.shape.seed ^ 0x5eed)
    let id = RELATION_ID_BASE + idGaps.int(1_000_000)
    for (let slot = 0; slot < t.length; slot++) t.id[slot] = id += 1 + idGaps.int(40)
    this.#maxRelationId = Math.max(this.#maxRelationId, t.length > 0 ? id : 0)
    await this.#indexSlots(pause)
    if (onProgress && n > 0) onProgress(n, n)
  }

  /** Fills the keyset lists with every slot, in slot order (the build's: key order), each list sized first; `pause` now and then. */
  async #indexSlots(pause: () => Promise<void> = async () => {}): Promise<void> {
    const t = this.relations
    const staff = this.memberList.length
    const typeCounts = new Int32Array(3)
    const memberTypeCounts = new Int32Array(staff * 3)
    for (let slot = 0; slot < t.length; slot++) {
      typeCounts[t.type[slot]!]!++
      memberTypeCounts[t.member[slot]! * 3 + t.type[slot]!]!++
    }
    this.#all.reserve(t.length)
    for (let type = 0; type < 3; type++) this.#byType[type]!.reserve(typeCounts[type]!)
    for (let m = 0; m < staff; m++) {
      this.#byMember[m]!.reserve(memberTypeCounts[m * 3]! + memberTypeCounts[m * 3 + 1]! + memberTypeCounts[m * 3 + 2]!)
      for (let type = 0; type < 3; type++) this.#byMemberType[m]![type]!.reserve(memberTypeCounts[m * 3 + type]!)
    }
    for (let slot = 0; slot < t.length; slot++) {
      const member = t.member[slot]!
      const type = t.type[slot]!
      this.#all.append(slot)
      this.#byType[type]!.append(slot)
      this.#byMember[member]!.append(slot)
      this.#byMemberType[member]![type]!.append(slot)
      if (slot % YIELD_EVERY === YIELD_EVERY - 1) await pause()
    }
  }

  /** Serialised items of this world's relations (the endpoint's cache; changes invalidate it). */
  itemCache(budgetBytes: number): ItemCache {
    return (this.#itemCache ??= new ItemCache(budgetBytes))
  }

  /** The index of a live customer by id, or undefined. */
  customerIndex(customerId: number): number | undefined {
    for (const i of this.#idIndex().candidates(hashId(customerId))) if (!this.#deleted.has(i) && this.customerIdAt(i) === customerId) return i
    return undefined
  }

  /** The company id of customer `i` (0: none). */
  #companyIdAt(i: number): number {
    const explicit = this.#explicit.get(i)
    return explicit ? (explicit.company?.id ?? 0) : this.#companyIds[i]!
  }

  /** The customer and company ids of every customer, deleted ones too (their ids are never given again). */
  #idIndex(): HashIndex {
    if (!this.#ids) {
      let count = 0
      this.#ids = HashIndex.build(this.#customerCount, (i, add) => {
        add(hashId(this.customerIdAt(i)))
        const company = this.#companyIdAt(i)
        if (company) add(hashId(company))
        count += company ? 2 : 1
      })
      this.#idsAtBuild = count
    }
    return this.#ids
  }

  /** Indexes a record's ids after a change (a new customer, a new company): what the build would have. */
  #indexIds(index: number, customer: Customer): void {
    if (!this.#ids) return
    for (const id of [customer.customerId, customer.company?.id ?? 0]) {
      if (!id || this.#idIndexHas(id)) continue
      this.#ids.add(hashId(id), index)
      this.#idsSince.add(id)
    }
  }

  #idIndexHas(id: number): boolean {
    for (const i of this.#idIndex().candidates(hashId(id))) if (this.customerIdAt(i) === id || this.#companyIdAt(i) === id) return true
    return false
  }

  /** The live relation slots of a customer. */
  slotsOf(index: number): readonly number[] {
    const lists = this.#slotListsBuilt()
    const out: number[] = []
    for (let slot = index < lists.head.length ? lists.head[index]! : -1; slot !== -1; slot = lists.next[slot]!) out.push(slot)
    return out
  }

  /** The linked lists of slotsOf, built on first use, each in key order. */
  #slotListsBuilt(): { head: Int32Array; tail: Int32Array; next: Int32Array } {
    if (!this.#slotLists) {
      this.#slotLists = { head: new Int32Array(this.#customerCount).fill(-1), tail: new Int32Array(this.#customerCount).fill(-1), next: new Int32Array(this.relations.length).fill(-1) }
      for (let p = 0; p < this.#all.length; p++) this.#linkSlot(this.#all.at(p))
    }
    return this.#slotLists
  }

  /** Puts a slot into its customer's list, in key order (lists built). */
  #linkSlot(slot: number): void {
    const lists = this.#slotLists!
    const c = this.relations.customer[slot]!
    if (c >= lists.head.length) {
      const size = Math.max(c + 1, lists.head.length * 2)
      lists.head = grow(lists.head, size).fill(-1, lists.head.length)
      lists.tail = grow(lists.tail, size).fill(-1, lists.tail.length)
    }
    if (slot >= lists.next.length) lists.next = grow(lists.next, Math.max(slot + 1, lists.next.length * 2)).fill(-1, lists.next.length)
    // In key order: after the last slot whose key is not after this one's (the build appends: its slots come in key order).
    const key = this.relations.key(slot)
    let previous = lists.tail[c]!
    if (previous !== -1 && this.relations.compare(previous, key) > 0) {
      previous = -1
      for (let s = lists.head[c]!; s !== -1 && this.relations.compare(s, key) <= 0; s = lists.next[s]!) previous = s
    }
    lists.next[slot] = previous === -1 ? lists.head[c]! : lists.next[previous]!
    if (previous === -1) lists.head[c] = slot
    else lists.next[previous] = slot
    if (lists.next[slot] === -1) lists.tail[c] = slot
  }

  /** Takes a slot out of its customer's list, if it is there (lists built). */
  #unlinkSlot(slot: number): void {
    const lists = this.#slotLists!
    const c = this.relations.customer[slot]!
    if (c >= lists.head.length) return
    let previous = -1
    for (let s = lists.head[c]!; s !== -1; previous = s, s = lists.next[s]!) {
      if (s !== slot) continue
      if (previous === -1) lists.head[c] = lists.next[s]!
      else lists.next[previous] = lists.next[s]!
      if (lists.tail[c] === s) lists.tail[c] = previous
      lists.next[s] = -1
      return
    }
  }

  /** The slot of a live relation by id, or undefined. */
  relationSlot(relationId: number): number | undefined {
    this.#slotById ??= HashIndex.build(this.relations.length, (slot, add) => add(hashId(this.relations.id[slot]!)))
    return this.#slotById.candidates(hashId(relationId)).find((slot) => this.relations.id[slot] === relationId && !this.#removedSlots.has(slot))
  }

  /** What ids have been issued: customer and company ids taken, the last relation id. A refused change leaves it as it was (test/fuzz checks it). */
  get idsIssued(): { readonly takenIds: number; readonly lastRelationId: number } {
    this.#idIndex()
    return { takenIds: this.#idsAtBuild + this.#idsSince.size, lastRelationId: this.#maxRelationId }
  }

  /** Whether a customer or company id is taken (by a followed customer, its company, or a change). */
  isIdTaken(id: number): boolean {
    return this.#idsSince.has(id) || this.#idIndexHas(id)
  }

  /**
   * Leads and customers waiting to be assigned (mock/world/leads.ts): generated on first use (one per
   * ten generated customers), with the ones a fixture gave. Their ids are then taken.
   */
  leads(): LeadBook {
    // Building it is no change: its ids stay out of the taken set (idsIssued), and mintId steps over them.
    return (this.#leads ??= LeadBook.build(this, this.#givenLeads))
  }

  /** Whether a live customer, a lead or a waiting customer has this mobile number (add-clue's 电话号码重复). */
  mobileTaken(mobile: string): boolean {
    return this.#customersWithKey(mobile, (keys) => keys.mobiles.includes(mobile)).length > 0 || this.leads().hasMobile(mobile)
  }

  /** A new id minted at `epochMs`, unique among this world's customer and company ids. */
  mintId(epochMs: number): number {
    for (let ms = Math.trunc(epochMs); ; ms++) {
      for (let seq = 0; seq < 64; seq++) {
        const id = mintId(ms, seq)
        if (!this.isIdTaken(id) && !(this.#leads ? this.#leads.holdsId(id) : this.#givenLeadIds.has(id))) {
          this.#idsSince.add(id)
          this.#mintedInChange?.push(id)
          return id
        }
      }
    }
  }

  /**
   * Runs a change to this world all or nothing as far as ids go: when `change` throws, the ids it
   * minted are free again, so the next change gets the ids it would have got without it. (A change
   * checks its input before it changes records; ids are what it may take before it knows.)
   */
  atomically<T>(change: () => T): T {
    const outer = this.#mintedInChange
    const minted: number[] = []
    this.#mintedInChange = minted
    try {
      const result = change()
      this.#changed = true
      outer?.push(...minted)
      return result
    } catch (error) {
      for (const id of minted) this.#idsSince.delete(id)
      throw error
    } finally {
      this.#mintedInChange = outer
    }
  }

  /**
   * Adds customer `customer` (an explicit record) with its follow relations, and answers its index.
   * `follows` carry member indexes and exact times; remarks default to generated ones.
   */
  addCustomer(customer: Customer, follows: readonly { member: number; sec: number; nanos: number; qwRemark?: string | null }[]): number {
    const index = this.#customerCount++
    this.#explicit.set(index, customer)
    this.#indexRecord(index, customer)
    for (const follow of follows) this.addRelation(index, follow.member, follow.sec, follow.nanos, follow.qwRemark)
    return index
  }

  /** Adds a follow relation and answers its slot. */
  addRelation(index: number, member: number, sec: number, nanos: number, qwRemark?: string | null): number {
    const customer = this.customer(index)
    const id = (this.#maxRelationId += 1 + (this.#maxRelationId % 7))
    const slot = this.relations.push(sec, nanos, id, index, member, customer.type)
    this.#insertSlot(slot)
    this.#remarks.set(slot, qwRemark !== undefined ? qwRemark : generateRemark(this.shape.seed, index, member, customer))
    return slot
  }

  /** Replaces customer `index`'s record (a changed copy); its items are served afresh. */
  replaceCustomer(index: number, next: Customer): void {
    const previous = this.customer(index)
    this.#explicit.set(index, next)
    this.#indexRecord(index, next)
    for (const slot of this.slotsOf(index)) {
      if (previous.type !== next.type) {
        this.#removeSlot(slot, false)
        this.relations.type[slot] = next.type
        this.#insertSlot(slot)
      }
      this.#itemCache?.delete(slot)
    }
  }

  /** Removes a follow relation. */
  removeRelation(slot: number): void {
    this.#removeSlot(slot, true)
    this.#itemCache?.delete(slot)
  }

  /** Deletes customer `index` and all its follow relations. */
  deleteCustomer(index: number): void {
    for (const slot of [...this.slotsOf(index)]) this.removeRelation(slot)
    // The indexes check each record they find: a deleted one is passed over.
    this.#deleted.add(index)
  }

  /**
   * Moves a follow relation to another member (customer-transfer): it keeps its id, creation key
   * and remark, so a sweep of all relations sees it once, in its place; the new member's friend
   * time (qwCustomerTime) is `sec`.
   */
  moveRelation(slot: number, member: number, sec: number): void {
    const remark = this.relation(slot).qwRemark
    this.#removeSlot(slot, false)
    this.relations.member[slot] = member
    this.#insertSlot(slot)
    this.#remarks.set(slot, remark)
    this.#qwCustomerTimes.set(slot, sec)
    this.#itemCache?.delete(slot)
  }

  /** Sets the member's remark (备注) of a relation (customer-relation/edit-field). */
  setRemark(slot: number, qwRemark: string | null): void {
    this.#remarks.set(slot, qwRemark)
    this.#itemCache?.delete(slot)
  }

  /**
   * Live customers whose name or one of whose mobiles is exactly `key`, in index order (customer/search's
   * searchKey): the index is built on first use (the names and mobiles of every customer, from their
   * own streams: no whole record is drawn), then a lookup is a binary search.
   */
  customersByKey(key: string): readonly number[] {
    return this.#customersWithKey(key, (keys) => hasSearchKey(keys, key))
  }

  /** Live customers found under `key`'s hash whose search keys, as they are now, pass `match`. */
  #customersWithKey(key: string, match: (keys: SearchKeys) => boolean): number[] {
    this.#searchKeys ??= HashIndex.build(this.#customerCount, (i, add) => searchKeyHashes(this.#searchKeysOf(i)).forEach(add))
    return this.#searchKeys.candidates(hashText(key)).filter((i) => !this.#deleted.has(i) && match(this.#searchKeysOf(i)))
  }

  /** The name and mobiles of customer `i` as it is now, without drawing the whole record (the console's text search). */
  searchKeysAt(i: number): SearchKeys {
    return this.#searchKeysOf(i)
  }

  /** The name and mobiles of customer `i` as it is now. */
  #searchKeysOf(i: number): SearchKeys {
    const explicit = this.#explicit.get(i)
    if (!explicit) return { name: generatedName(this.shape.seed, i).name, mobiles: generatedMobiles(this.shape.seed, i) }
    return searchKeysOf(explicit.fields)
  }

  /** The WeCom identity of customer `i` as it is now (a generated one without drawing the whole record). */
  #externalUserIdOf(i: number): string | null {
    const explicit = this.#explicit.get(i)
    return explicit ? explicit.externalUserId : generatedWechat(this.shape.seed, i).externalUserId
  }

  /** Adds what a new or changed record is found by to the indexes already built (they check each find). */
  #indexRecord(index: number, customer: Customer): void {
    this.#indexIds(index, customer)
    for (const hash of this.#searchKeys ? searchKeyHashes(searchKeysOf(customer.fields)) : []) this.#searchKeys!.add(hash, index)
    if (this.#byExternal && customer.externalUserId !== null) this.#byExternal.add(hashText(customer.externalUserId), index)
  }

  /** When the relation's member added the customer as a WeCom friend: the relation's creation, or its transfer. Epoch seconds. */
  qwCustomerSec(slot: number): number {
    return this.#qwCustomerTimes.get(slot) ?? this.relations.sec[slot]!
  }

  /** The live customer whose WeCom identity is `externalUserId`, or undefined (the index is built on first use). */
  customerByExternalUserId(externalUserId: string): number | undefined {
    this.#byExternal ??= HashIndex.build(this.#customerCount, (i, add) => {
      const id = this.#externalUserIdOf(i)
      if (id !== null) add(hashText(id))
    })
    return this.#byExternal.candidates(hashText(externalUserId)).find((i) => !this.#deleted.has(i) && this.#externalUserIdOf(i) === externalUserId)
  }

  isDeleted(index: number): boolean {
    return this.#deleted.has(index)
  }

  #listsOf(slot: number): KeysetList[] {
    const t = this.relations
    const member = t.member[slot]!
    const type = t.type[slot]!
    return [this.#all, this.#byType[type]!, this.#byMember[member]!, this.#byMemberType[member]![type]!]
  }

  #insertSlot(slot: number): void {
    for (const list of this.#listsOf(slot)) list.insert(slot)
    // A customer's slots stay in key order, as the lazy build makes them (so the order of its followers —
    // customer/search's contactList — does not depend on when the lookup was built, nor on an export and reload).
    if (this.#slotLists) {
      this.#unlinkSlot(slot)
      this.#linkSlot(slot)
    }
    this.#slotById?.add(hashId(this.relations.id[slot]!), slot)
  }

  #removeSlot(slot: number, forget: boolean): void {
    for (const list of this.#listsOf(slot)) list.remove(slot)
    if (!forget) return
    if (this.#slotLists) this.#unlinkSlot(slot)
    this.#removedSlots.add(slot)
  }

  /** Customers not deleted. */
  get liveCustomerCount(): number {
    return this.#customerCount - this.#deleted.size
  }

  /** Follow relations not deleted. */
  get relationCount(): number {
    return this.#all.length
  }

  get customerCount(): number {
    return this.#customerCount
  }

  /** The id of customer `i`. */
  customerIdAt(i: number): number {
    return this.#explicit.get(i)?.customerId ?? this.#customerIds[i]!
  }

  /**
   * The staff directory: departments and each member's salesId, mobile, deleted state and
   * departments (given by the fixture, or derived: mock/world/generate/staff.ts). Built on first use.
   */
  staff(): Staff {
    return (this.#staff ??= resolveStaff(this.memberList, this.#departments))
  }

  /** Whether the departments were given (a fixture, an admin change) rather than derived from the members. */
  get departmentsGiven(): boolean {
    return this.#departments !== undefined
  }

  /**
   * Adds a member after the others (a new member index: generated customers keep their followers)
   * and answers its index. Changes go through mock/world/changes.ts.
   */
  addMember(member: Member): number {
    const index = this.memberList.length
    this.#memberIndex.set(member.qwUserId, index)
    this.memberList.push(member)
    this.#byMember.push(new KeysetList(this.relations))
    this.#byMemberType.push([new KeysetList(this.relations), new KeysetList(this.relations), new KeysetList(this.relations)])
    this.#staff = undefined
    return index
  }

  /** Replaces member `index`'s record (same qwUserId). */
  replaceMember(index: number, member: Member): void {
    this.memberList[index] = member
    this.#staff = undefined
  }

  /** Replaces the department tree (given from now on: exported as it is). */
  setDepartments(departments: Department[]): void {
    this.#departments = departments
    this.#staff = undefined
  }

  /** The member index of a `qwUserId`, or undefined when nobody has it. */
  memberIndex(qwUserId: string): number | undefined {
    return this.#memberIndex.get(qwUserId)
  }

  /** Customer `i` (0-based index in the world): its record, or drawn from the seed. */
  customer(i: number): Customer {
    const explicit = this.#explicit.get(i)
    if (explicit) return this.#withLiveTags(explicit)
    const skeleton = customerSkeleton(this.shape, this.#memberCumulative, i)
    return this.#withLiveTags(generateCustomer(this.shape, this.catalog, i, skeleton, this.#customerIds[i]!, this.#companyIds[i]!))
  }

  /** The relation in `slot`, with the member's remark on its customer. */
  relation(slot: number, customer = this.customer(this.relations.customer[slot]!)): Relation {
    const t = this.relations
    const m = t.member[slot]!
    return {
      id: t.id[slot]!,
      customerId: customer.customerId,
      qwUserId: this.memberList[m]!.qwUserId,
      createdSec: t.sec[slot]!,
      createdNanos: t.nanos[slot]!,
      qwRemark: this.#remarks.has(slot) ? this.#remarks.get(slot)! : generateRemark(this.shape.seed, t.customer[slot]!, m, customer),
    }
  }

  /**
   * The world as fixture records, streamed, each one NDJSON line: the header (version and
   * definitions) first, then `{company}`, `{customer}` and `{relation}` records (relations in key
   * order). Export and GET /__mock/world use it.
   */
  *records(): Generator<NdjsonRecord> {
    const members = this.memberList.map(exportedMember)
    // Version 2 only says: leads and waiting customers (generated, given or added, with their follow-up
    // records), departments and members' staff values given, and transferred relations' friend times
    // (qwCustomerTime). A world with generated leads builds its lead book to export them.
    const book = this.#leads ?? (Math.floor(this.shape.customers * LEADS_PER_CUSTOMER) > 0 ? this.leads() : undefined)
    const leads = book ? book.all() : this.#givenLeads
    const hasLeads = book ? book.count > 0 : this.#givenLeads.length > 0
    const version2 = hasLeads || this.#departments !== undefined || this.#qwCustomerTimes.size > 0 || members.some((m) => VERSION_2_MEMBER_KEYS.some((key) => m[key] !== undefined))
    const { version, ...definitions } = this.#definitionsHeader(version2)
    // A version-2 export names its world seed, so what is drawn lazily from it (WeChat identities, WeCom
    // follow records, search data) is the same wherever the export is served.
    yield { version, ...(version === 2 ? { worldSeed: this.shape.seed } : {}), ...definitions, members, ...(this.#departments ? { departments: structuredClone(this.#departments) } : {}) }
    const companies = new Set<number>()
    for (let i = 0; i < this.#customerCount; i++) {
      if (this.#deleted.has(i)) continue
      const customer = this.customer(i)
      if (customer.company && !companies.has(customer.company.id)) {
        companies.add(customer.company.id)
        yield { company: customer.company }
      }
      yield { customer: fixtureCustomer(customer) }
    }
    const t = this.relations
    for (let p = 0; p < this.#all.length; p++) {
      const slot = this.#all.at(p)
      const r = this.relation(slot)
      const friendSec = this.#qwCustomerTimes.get(slot)
      yield { relation: { id: r.id, customerId: r.customerId, qwUserId: r.qwUserId, createTime: formatBeijing(t.sec[slot]!), createNanos: t.nanos[slot]!, qwRemark: r.qwRemark, ...(friendSec !== undefined ? { qwCustomerTime: formatBeijing(friendSec) } : {}) } }
    }
    for (const { lead, followUps } of leads) {
      if (lead.company && !companies.has(lead.company.id)) {
        companies.add(lead.company.id)
        yield { company: lead.company }
      }
      yield { lead: fixtureLead(lead) }
      for (const record of followUps) yield { followUp: fixtureFollowUp(lead.customerId, record) }
    }
  }

  /**
   * The header's version and definitions: version 1 while the world holds nothing only version 2
   * can say (so the exports of such worlds, the packs among them, stay as they were), else version 2
   * with every tag group (derived ones too) and the aliases. `version2`: the rest of the document
   * holds what only version 2 can say (leads, departments, staff values, friend times).
   */
  #definitionsHeader(version2: boolean): { version: FixtureVersion; fieldDefinitions: FieldDefinition[]; tags: Tag[]; tagGroups?: TagGroup[]; aliases?: FieldAlias[] } {
    const definitions = { fieldDefinitions: [...this.catalog.fields], tags: [...this.catalog.tags] }
    if (this.catalog.tagGroups.length === 0 && this.aliases.size === 0) return { version: version2 ? 2 : 1, ...definitions }
    const tagGroups = this.catalog.tagTree().map(({ id, name, qwTagId }) => ({ id, name, qwTagId }))
    return { version: 2, ...definitions, tagGroups, ...(this.aliases.size > 0 ? { aliases: this.aliases.list() } : {}) }
  }

  /** The whole world as one fixture document. */
  toFixture(): FixtureDocument {
    const doc: FixtureDocument = { version: 1, fieldDefinitions: [], tags: [], members: [], companies: [], customers: [], relations: [] }
    for (const record of this.records()) {
      if ('company' in record) doc.companies.push(record.company)
      else if ('customer' in record) doc.customers.push(record.customer)
      else if ('relation' in record) doc.relations.push(record.relation)
      else if ('lead' in record) (doc.leads ??= []).push(record.lead)
      else if ('followUp' in record) (doc.followUps ??= []).push(record.followUp)
      else Object.assign(doc, record)
    }
    return doc
  }

  relationKey(slot: number): RelationKey {
    return this.relations.key(slot)
  }

  /** A page of relations in key order: the keyset list for the filter, sliced by window and cursor. */
  page(filter: RelationFilter, window: WindowQuery): WindowSlice {
    const list =
      filter.member === undefined
        ? filter.type === undefined ? this.#all : this.#byType[filter.type]!
        : filter.type === undefined ? this.#byMember[filter.member]! : this.#byMemberType[filter.member]![filter.type]!
    return sliceWindow(list, window)
  }

  /** A record without the tags deleted since (catalog.liveTagIds): a deleted tag leaves every record as it is read, no pass over the world. */
  #withLiveTags(customer: Customer): Customer {
    const tagIds = this.catalog.liveTagIds(customer.tagIds)
    return tagIds === customer.tagIds ? customer : { ...customer, tagIds }
  }

  /** Drops every serialised item (the world's and the lead book's): after a change every record may show (a tag deleted). */
  forgetItems(): void {
    this.#itemCache?.clear()
    this.#leads?.forgetItems()
  }
}
