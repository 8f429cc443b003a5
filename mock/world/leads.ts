/**
 * Leads (线索, `isClue` true) and customers waiting to be assigned (待分配客户, `isClue` false), and
 * their follow-up records (跟进记录): the records `clue/list-by-create-time-asc`, `clue/list-follow-up`,
 * `add-clue` and `clue/edit-field` serve (docs/upstream.md §7).
 *
 * They are records of their own, apart from the followed customers: nobody follows them yet (a
 * customer waiting to be assigned is a customer without follow relations; a lead is not a customer
 * yet). A waiting customer may have been converted from a lead (`convertCustomerTime`); a lead has
 * none. Their ids are customer ids (the same layout, never one a followed customer has).
 *
 * A generated world has one lead per ten customers, a pure function of (seed, lead index) drawn from
 * streams of their own (so no generated customer byte moves). The book is built on first use, not
 * with the world: a world that never serves a lead never pays for it. Its keyset — (creation second,
 * nanos, customer id) — pages like the relation table's: O(log n + page).
 */
import { mintId } from '../protocol/ids.js'
import { formatBeijingDate } from '../protocol/time.js'
import type { Catalog } from './generate/catalog.js'
import { companyName, drawMobile, genderValue, profileValues, type WorldShape } from './generate/customers.js'
import { ALNUM, DESCRIPTIONS, FEMALE_NAMES, LAST_NAMES, MALE_NAMES } from './generate/pools.js'
import { cumulative, hashString, stream, type Rng } from './generate/rng.js'
import { HashIndex, hashId, hashText } from './hash-index.js'
import { ItemCache } from './item-cache.js'
import { KeysetList, RelationTable, sliceWindow, type WindowQuery, type WindowSlice } from './keyset.js'
import type { Customer, CustomerType, Member, ProfileValue } from './schema.js'

/** A lead or a customer waiting to be assigned. Times are epoch seconds. */
export interface Lead {
  readonly customerId: number
  /** true: a lead (线索); false: a customer waiting to be assigned (待分配客户). */
  readonly isClue: boolean
  readonly type: CustomerType
  readonly fields: ProfileValue[]
  readonly tagIds: number[]
  readonly createTime: number
  /** Nanoseconds within createTime's second (the cursor's second number). */
  readonly createNanos: number
  readonly lastUpdateTime: number
  readonly company: { readonly id: number; readonly name: string } | null
  /** When the lead became a customer (waiting customers only; null: created as a customer, or still a lead). */
  readonly convertCustomerTime: number | null
}

/** Who wrote a follow-up record: a member, or `{qwUserId: "", name: "API"}` for an OpenAPI write. */
export interface Operator {
  readonly qwUserId: string
  readonly name: string
}

/** A follow-up record (跟进记录) of a lead or waiting customer. */
export interface FollowUp {
  /** A small integer, unique in the world (the documented 43438). */
  readonly id: number
  /** 1 free text; 2 a change of the customer's information (`添加了客户的信息:\n“日期: 2021-07-20”`). */
  readonly type: 1 | 2
  readonly content: string
  /** Epoch seconds. */
  readonly createTime: number
  readonly operator: Operator
}

/** The operator of every record an OpenAPI write makes (docs/upstream.md §7.1). */
export const API_OPERATOR: Operator = { qwUserId: '', name: 'API' }

/** Generated leads per generated customer. */
export const LEADS_PER_CUSTOMER = 0.1
/** Generated follow-up ids: FOLLOW_UP_ID_BASE + 4 × lead index + k (at most four per generated lead). */
const FOLLOW_UP_ID_BASE = 40_000
const DAY = 86_400
const GROWTH = 1.2

const S = {
  skeleton: hashString('lead.skeleton'),
  record: hashString('lead.record'),
  mobile: hashString('lead.mobile'),
  followUps: hashString('lead.follow-ups'),
  /** A tenant's field that has no generator of its own (sub-stream: the field's id). */
  field: hashString('lead.field'),
}

const FOLLOW_UP_COUNTS = cumulative([30, 30, 20, 12, 8])
/** Free-text follow-up notes (type 1). */
export const FOLLOW_UP_NOTES = [
  '电话沟通，客户有意向，约下周再联系', '已发送产品介绍资料', '客户暂时没有需求，三个月后回访', '已添加微信，等待通过',
  '客户询问价格，已发报价单', '电话未接通，稍后再打', '客户在外地出差，下周回来后联系', '约了周四上门拜访',
  '客户对方案比较满意，等待内部审批', '客户表示预算不足', '转给大客户部跟进', '客户要求试用账号',
]

/** A lead's skeleton: what the keyset needs, drawn for every generated lead when the book is built. */
interface LeadSkeleton {
  readonly sec: number
  readonly nanos: number
  readonly type: CustomerType
  readonly isClue: boolean
  readonly mintMs: number
}

function leadSkeleton(shape: WorldShape, count: number, j: number): LeadSkeleton {
  const rng = stream(shape.seed, S.skeleton, j)
  const q = (j + rng.next()) / count
  const x = Math.log1p(q * Math.expm1(GROWTH)) / GROWTH
  const sec = Math.min(shape.untilSec - 1, shape.fromSec + Math.floor(x * (shape.untilSec - shape.fromSec)))
  const nanos = rng.int(1_000_000) * 1000
  const type: CustomerType = rng.chance(0.2) ? 2 : 1
  const isClue = rng.chance(0.7)
  return { sec, nanos, type, isClue, mintMs: sec * 1000 - rng.between(1_000, 30_000) }
}

/** How many follow-up records generated lead `j` has (the first draw of its stream). */
function followUpCount(seed: number, j: number): number {
  return stream(seed, S.followUps, j).weighted(FOLLOW_UP_COUNTS)
}

/**
 * The highest generated follow-up id (FOLLOW_UP_ID_BASE when there is none): the next record written
 * gets the one after it, as it does in the world this one's export loads (whose highest id is the same).
 */
function lastGeneratedFollowUpId(seed: number, generated: number): number {
  for (let j = generated - 1; j >= 0; j--) {
    const count = followUpCount(seed, j)
    if (count > 0) return FOLLOW_UP_ID_BASE + 4 * j + count - 1
  }
  return FOLLOW_UP_ID_BASE
}

/** The mobile numbers of generated lead `j`, from their own stream (the duplicate check reads them alone). */
function leadMobiles(seed: number, j: number): string[] {
  const rng = stream(seed, S.mobile, j)
  return rng.chance(0.9) ? [drawMobile(rng)] : []
}

/** A lead's gender and name: the first draws of its record stream. */
function drawLeadName(rng: Rng): { gender: 0 | 1 | 2; name: string } {
  const gender = rng.chance(0.1) ? 0 : rng.chance(0.5) ? 1 : 2
  const name = rng.chance(0.85) ? rng.pick(LAST_NAMES) + rng.pick(gender === 2 ? FEMALE_NAMES : MALE_NAMES) : `客户${rng.chars(ALNUM, 6)}`
  return { gender, name }
}

/** Generated lead `j`'s gender and name, without the rest of its record. */
function leadName(seed: number, j: number): { gender: 0 | 1 | 2; name: string } {
  return drawLeadName(stream(seed, S.record, j))
}

/** A field's key in `fields[].field`: its outerField, or its name when it has none. */
export const fieldKey = (field: { outerField: string | null; name: string }) => field.outerField ?? field.name

/** Mobile numbers of a record's phone fields (type 8, JSON arrays as text). */
export function mobilesOf(fields: readonly ProfileValue[]): string[] {
  const out: string[] = []
  for (const f of fields) {
    if (f.type !== 8 || !f.valueAsText) continue
    try {
      const list = JSON.parse(f.valueAsText) as unknown
      if (Array.isArray(list)) for (const m of list) if (typeof m === 'string') out.push(m)
    } catch {
      // not a list: no numbers
    }
  }
  return out
}

/** A lead or waiting customer read as a customer record: nobody follows it, no WeCom identity. */
export function leadAsCustomer(lead: Lead): Customer {
  return {
    customerId: lead.customerId,
    type: lead.type,
    fields: lead.fields,
    tagIds: lead.tagIds,
    createTime: lead.createTime,
    lastUpdateTime: lead.lastUpdateTime,
    company: lead.company,
    wechatNickname: null,
    wechatAvatar: null,
    wechatLocation: null,
    convertCustomerTime: lead.convertCustomerTime,
    externalUserId: null,
  }
}

/** What a record is found by in customer/search and the duplicate-mobile check: its name and its mobiles. */
export interface SearchKeys {
  readonly name: string | null
  readonly mobiles: readonly string[]
}

/** The search keys of a record's profile values. */
export function searchKeysOf(fields: readonly ProfileValue[]): SearchKeys {
  return { name: fields.find((f) => f.field === 'name')?.valueAsText ?? null, mobiles: mobilesOf(fields) }
}

/** The hashes a name-and-mobile HashIndex holds for a record. */
export function searchKeyHashes(keys: SearchKeys): number[] {
  return [...(keys.name ? [hashText(keys.name)] : []), ...keys.mobiles.map(hashText)]
}

/** Whether `key` is the record's name or one of its mobiles. */
export const hasSearchKey = (keys: SearchKeys, key: string): boolean => keys.name === key || keys.mobiles.includes(key)

/** What the book reads of its world. */
export interface LeadWorld {
  readonly shape: WorldShape
  readonly catalog: Catalog
  readonly memberList: readonly Member[]
  /** Whether a followed customer (or its company) has this id. */
  isIdTaken(id: number): boolean
}

/** Leads and waiting customers with their follow-up records: one per world, built on first use. */
export class LeadBook {
  /** Slot = lead index; `customer` holds the index, `id` the customer id. */
  readonly table = new RelationTable()
  readonly #all = new KeysetList(this.table)
  readonly #byType = [new KeysetList(this.table), new KeysetList(this.table), new KeysetList(this.table)]
  readonly #generated: number
  #companyIds = new Float64Array(0)
  #isClue = new Uint8Array(0)
  readonly #explicit = new Map<number, Lead>()
  /** Lead and company ids by hash (indexOf, holdsId): built with the book, grown by add. */
  #ids: HashIndex | undefined
  /** Lead indexes by name and mobile hash (hasMobile, byKey), built on first use, grown by add and replace. */
  #keys: HashIndex | undefined
  /** Follow-up records given (fixture) or written (the API), by lead index, after the generated ones. */
  readonly #followUps = new Map<number, FollowUp[]>()
  #maxFollowUpId: number
  #count = 0
  #itemCache: ItemCache | undefined

  private constructor(readonly world: LeadWorld, generated: number) {
    this.#generated = generated
    this.#maxFollowUpId = lastGeneratedFollowUpId(world.shape.seed, generated)
  }

  /** The book of a world: its generated leads (one per ten generated customers) and the given ones. */
  static build(world: LeadWorld, given: readonly { lead: Lead; followUps: readonly FollowUp[] }[] = []): LeadBook {
    const n = Math.floor(world.shape.customers * LEADS_PER_CUSTOMER)
    const book = new LeadBook(world, n)
    const sec = new Float64Array(n)
    const nanos = new Int32Array(n)
    const ids = new Float64Array(n)
    book.#companyIds = new Float64Array(n)
    book.#isClue = new Uint8Array(n)
    const taken = new Set<number>()
    const mint = (ms: number) => {
      // Sequence numbers 32–63: the generated customers (minted at build, from 0 up) never get that far.
      for (let at = ms; ; at++) {
        for (let seq = 32; seq < 64; seq++) {
          const id = mintId(at, seq)
          if (!taken.has(id) && !world.isIdTaken(id)) {
            taken.add(id)
            return id
          }
        }
      }
    }
    book.table.reserve(n + given.length)
    for (let j = 0; j < n; j++) {
      const s = leadSkeleton(world.shape, n, j)
      sec[j] = s.sec
      nanos[j] = s.nanos
      ids[j] = mint(Math.max(s.mintMs, 1))
      if (s.type === 2) book.#companyIds[j] = mint(s.mintMs - 5_000)
      book.#isClue[j] = s.isClue ? 1 : 0
      book.table.push(s.sec, s.nanos, ids[j]!, j, 0, s.type)
    }
    book.#ids = HashIndex.build(n, (j, add) => {
      add(hashId(ids[j]!))
      if (book.#companyIds[j]) add(hashId(book.#companyIds[j]!))
    })
    book.#count = n
    const order = Array.from({ length: n }, (_, j) => j)
    order.sort((a, b) => sec[a]! - sec[b]! || nanos[a]! - nanos[b]! || ids[a]! - ids[b]!)
    for (const j of order) {
      book.#all.append(j)
      book.#byType[book.table.type[j]!]!.append(j)
    }
    for (const { lead, followUps } of given) {
      const index = book.add(lead)
      for (const f of followUps) book.addFollowUp(index, f)
    }
    return book
  }

  /** Leads and waiting customers. */
  get count(): number {
    return this.#count
  }

  /** Whether a lead or a lead's company has this id (the world never mints it again). */
  holdsId(id: number): boolean {
    for (const j of this.#ids!.candidates(hashId(id))) if (this.table.id[j] === id || this.#companyIdOf(j) === id) return true
    return false
  }

  #companyIdOf(index: number): number {
    const explicit = this.#explicit.get(index)
    return explicit ? (explicit.company?.id ?? 0) : (this.#companyIds[index] ?? 0)
  }

  itemCache(budgetBytes: number): ItemCache {
    return (this.#itemCache ??= new ItemCache(budgetBytes))
  }

  /** The index of a lead or waiting customer by id, or undefined. */
  indexOf(customerId: number): number | undefined {
    return this.#ids!.candidates(hashId(customerId)).find((j) => this.table.id[j] === customerId)
  }

  /** The name and mobiles of lead `index` as it is now (a generated one without drawing its whole record). */
  #keysOf(index: number): SearchKeys {
    const explicit = this.#explicit.get(index)
    if (!explicit) return { name: leadName(this.world.shape.seed, index).name, mobiles: leadMobiles(this.world.shape.seed, index) }
    return searchKeysOf(explicit.fields)
  }

  #keyIndex(): HashIndex {
    return (this.#keys ??= HashIndex.build(this.#count, (j, add) => searchKeyHashes(this.#keysOf(j)).forEach(add)))
  }

  /** Indexes a new or changed record's name and mobiles (the index checks each find against the record). */
  #indexKeys(index: number, lead: Lead): void {
    for (const hash of this.#keys ? searchKeyHashes(searchKeysOf(lead.fields)) : []) this.#keys!.add(hash, index)
  }

  /** Live leads and waiting customers whose name or one of whose mobiles is exactly `key`, by index. */
  byKey(key: string): number[] {
    return this.#keyIndex().candidates(hashText(key)).filter((j) => !this.#removed.has(j) && hasSearchKey(this.#keysOf(j), key))
  }

  /** A page in key order, of one customer type or all. */
  page(type: CustomerType | undefined, window: WindowQuery): WindowSlice {
    return sliceWindow(type === undefined ? this.#all : this.#byType[type]!, window)
  }

  /** Lead `index`: its record, or drawn from the seed. */
  lead(index: number): Lead {
    const lead = this.#explicit.get(index) ?? this.#generate(index)
    const tagIds = this.world.catalog.liveTagIds(lead.tagIds)
    return tagIds === lead.tagIds ? lead : { ...lead, tagIds }
  }

  #generate(j: number): Lead {
    const { shape, catalog } = this.world
    const t = this.table
    const createTime = t.sec[j]!
    const type = t.type[j]! as CustomerType
    const isClue = this.#isClue[j] === 1
    const rng = stream(shape.seed, S.record, j)
    const { gender, name } = drawLeadName(rng)
    const option = (key: string, rngFor: Rng) => {
      const items = catalog.fields.find((f) => f.outerField === key)?.items ?? []
      return items.length === 0 ? null : String(rngFor.pick(items).id)
    }
    const company = type === 2 ? { id: this.#companyIds[j]!, name: companyName(rng) } : null
    const source = rng.chance(0.7) ? option('customer_source', rng) : null
    const description = rng.chance(0.4) ? rng.pick(DESCRIPTIONS) : null
    const intention = rng.chance(0.4) ? option('purchase_intention', rng) : null
    const tagCount = rng.chance(0.7) || catalog.drawTags.length === 0 ? 0 : rng.between(1, Math.min(2, catalog.drawTags.length))
    const tagIds = new Set<number>()
    while (tagIds.size < tagCount) tagIds.add(rng.pick(catalog.drawTags).id)
    const span = Math.max(0, shape.untilSec - 1 - createTime)
    const convertCustomerTime = !isClue && rng.chance(0.6) ? createTime + Math.floor(span * rng.next() ** 2) : null
    const edited = rng.chance(0.5) ? createTime + Math.floor(span * rng.next() ** 2) : createTime
    const values: Record<string, string | null> = {
      customer_source: source,
      description,
      mobile: JSON.stringify(leadMobiles(shape.seed, j)),
      address: null,
      birthday: null,
      corp_name: company?.name ?? null,
      name,
      purchase_intention: intention,
      gender: genderValue(catalog, gender),
      customer_stage: null,
    }
    const fields = profileValues(catalog, values, (field) => stream(shape.seed, S.field, j, field.id), createTime, shape.untilSec)
    return {
      customerId: t.id[j]!,
      isClue,
      type,
      fields,
      tagIds: [...tagIds].sort((a, b) => a - b),
      createTime,
      createNanos: t.nanos[j]!,
      lastUpdateTime: Math.max(edited, convertCustomerTime ?? createTime),
      company,
      convertCustomerTime,
    }
  }

  /** Adds a lead after the others (its key's place in the lists) and answers its index. */
  add(lead: Lead): number {
    const index = this.#count++
    this.#explicit.set(index, lead)
    const slot = this.table.push(lead.createTime, lead.createNanos, lead.customerId, index, 0, lead.type)
    this.#all.insert(slot)
    this.#byType[lead.type]!.insert(slot)
    this.#ids!.add(hashId(lead.customerId), index)
    if (lead.company) this.#ids!.add(hashId(lead.company.id), index)
    this.#indexKeys(index, lead)
    return index
  }

  /** Replaces lead `index`'s record (same id, type and creation time); its item is served afresh. */
  replace(index: number, next: Lead): void {
    this.#explicit.set(index, next)
    this.#indexKeys(index, next)
    this.#itemCache?.delete(index)
  }

  /** Whether a lead or waiting customer has this mobile number. */
  hasMobile(mobile: string): boolean {
    return this.#keyIndex().candidates(hashText(mobile)).some((j) => this.#keysOf(j).mobiles.includes(mobile))
  }

  /** The follow-up records of lead `index`, oldest first (ties by id). */
  followUps(index: number): FollowUp[] {
    const records = [...(index < this.#generated ? this.#generateFollowUps(index).filter((r) => !this.#deletedFollowUps.has(r.id)) : []), ...(this.#followUps.get(index) ?? [])]
    return records.sort((a, b) => a.createTime - b.createTime || a.id - b.id)
  }

  #generateFollowUps(j: number): FollowUp[] {
    const { shape, memberList } = this.world
    const rng = stream(shape.seed, S.followUps, j)
    const count = rng.weighted(FOLLOW_UP_COUNTS)
    const createTime = this.table.sec[j]!
    const span = Math.max(0, shape.untilSec - 1 - createTime)
    const times = Array.from({ length: count }, () => createTime + Math.floor(span * rng.next() ** 2)).sort((a, b) => a - b)
    return times.map((time, k) => {
      const member = memberList.length > 0 && rng.chance(0.65) ? memberList[rng.int(memberList.length)]! : undefined
      const operator = member ? { qwUserId: member.qwUserId, name: member.name } : API_OPERATOR
      const roll = rng.next()
      const content =
        roll < 0.6
          ? rng.pick(FOLLOW_UP_NOTES)
          : roll < 0.85
            ? `添加了客户的信息:\n“日期: ${formatBeijingDate(time - rng.int(30) * DAY)}”`
            : `修改了客户的信息:\n“描述: ${rng.pick(DESCRIPTIONS)}”`
      return { id: FOLLOW_UP_ID_BASE + 4 * j + k, type: roll < 0.6 ? 1 : 2, content, createTime: time, operator } as FollowUp
    })
  }

  /** Adds a follow-up record (its id given, or the next one). */
  addFollowUp(index: number, record: Omit<FollowUp, 'id'> & { id?: number }): FollowUp {
    const id = record.id ?? this.#maxFollowUpId + 1
    this.#maxFollowUpId = Math.max(this.#maxFollowUpId, id)
    const full: FollowUp = { ...record, id }
    const list = this.#followUps.get(index)
    if (list) list.push(full)
    else this.#followUps.set(index, [full])
    return full
  }

  /** The leads given (a fixture) or added (add-clue), with their records. */
  *given(): Generator<{ lead: Lead; followUps: FollowUp[] }> {
    for (let index = this.#generated; index < this.#count; index++) if (!this.#removed.has(index)) yield { lead: this.lead(index), followUps: this.followUps(index) }
  }

  /**
   * Every lead and waiting customer — generated, given or added — with its follow-up records, in key
   * order (creation second, nanos, id): what an export carries. Loading them back appends each at the
   * end of the keyset lists, so the load is O(n log n) and the loaded book pages the same.
   */
  *all(): Generator<{ lead: Lead; followUps: FollowUp[] }> {
    for (let p = 0; p < this.#all.length; p++) {
      const index = this.table.customer[this.#all.at(p)]!
      yield { lead: this.lead(index), followUps: this.followUps(index) }
    }
  }

  /** The next follow-up id (what addFollowUp would give). */
  get nextFollowUpId(): number {
    return this.#maxFollowUpId + 1
  }

  // Removal (the admin API: mock/world/changes.ts). A removed lead keeps its id (never minted again)
  // and its index; it leaves the lists, the id lookup (liveIndexOf) and the duplicate-mobile check.
  readonly #removed = new Set<number>()
  /** Generated follow-up records deleted, by id. */
  readonly #deletedFollowUps = new Set<number>()

  /** The index of a lead or waiting customer that is not removed, or undefined. */
  liveIndexOf(customerId: number): number | undefined {
    const index = this.indexOf(customerId)
    return index === undefined || this.#removed.has(index) ? undefined : index
  }

  /** Whether lead `index` was removed. */
  isRemoved(index: number): boolean {
    return this.#removed.has(index)
  }

  /** Leads and waiting customers not removed. */
  get liveCount(): number {
    return this.#count - this.#removed.size
  }

  /**
   * Removes lead `index` from the lists (O(log n + n) typed-array moves, no record pass) with its
   * follow-up records; its mobile numbers are free again (its record keeps no phone values).
   */
  remove(index: number): void {
    const lead = this.lead(index)
    this.#all.remove(index)
    this.#byType[lead.type]!.remove(index)
    this.replace(index, { ...lead, fields: lead.fields.filter((f) => f.type !== 8) })
    this.#removed.add(index)
  }

  /** A follow-up record by id with its lead's index, or undefined when no live lead has it (nothing changes). */
  findFollowUp(id: number): { index: number; record: FollowUp } | undefined {
    for (const [index, list] of this.#followUps) {
      const record = list.find((r) => r.id === id)
      if (record && !this.#removed.has(index)) return { index, record }
    }
    const j = Math.floor((id - FOLLOW_UP_ID_BASE) / 4)
    if (j < 0 || j >= this.#generated || this.#removed.has(j) || this.#deletedFollowUps.has(id)) return undefined
    const record = this.#generateFollowUps(j).find((r) => r.id === id)
    return record ? { index: j, record } : undefined
  }

  /** Removes a follow-up record by id; answers its lead's index and the record, or undefined when no live lead has it. */
  removeFollowUp(id: number): { index: number; record: FollowUp } | undefined {
    for (const [index, list] of this.#followUps) {
      const at = list.findIndex((r) => r.id === id)
      if (at < 0 || this.#removed.has(index)) continue
      const [record] = list.splice(at, 1)
      return { index, record: record! }
    }
    const j = Math.floor((id - FOLLOW_UP_ID_BASE) / 4)
    if (j < 0 || j >= this.#generated || this.#removed.has(j) || this.#deletedFollowUps.has(id)) return undefined
    const record = this.#generateFollowUps(j).find((r) => r.id === id)
    if (!record) return undefined
    this.#deletedFollowUps.add(id)
    return { index: j, record }
  }

  /** Drops every serialised item (a change that may show in every record). */
  forgetItems(): void {
    this.#itemCache?.clear()
  }
}
