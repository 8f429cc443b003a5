/**
 * The console's admin queries over the world (docs/console.md): customers searched and filtered,
 * paged; the choices the filters offer; world aggregates (customers per stage and per source,
 * relations per month), computed once per world version; leads listed and one lead's page.
 *
 * What scans and what does not: an exact customer id, and a full mobile number, are answered by
 * the world's hash indexes (World.customerIndex, World.customersByKey: a binary search); a member
 * filter walks that member's relations only (its keyset list); anything else scans the customers in
 * world order from the cursor and stops at `limit` hits: a part of a name or mobile is tested on the
 * search keys alone (World.searchKeysAt: no record drawn), a stage, source or tag on the raw record
 * (option ids compared, nothing formatted).
 */
import type { MockContext } from '../core/context.js'
import { formatBeijing } from '../protocol/time.js'
import { FIELD_TYPES, type Customer } from '../world/schema.js'
import type { WorldQuery } from '../world/query.js'
import type { World } from '../world/world.js'
import { AdminError } from '../admin/functions.js'
import { clip } from '../preview.js'

/** Hits per page unless `limit` says otherwise, and the most a page may ask for. */
export const PAGE_SIZE = 50
export const PAGE_LIMIT = 500

/** One line of a customer search: enough to pick the customer. */
export interface CustomerHit {
  customerId: number
  name: string | null
  mobiles: string[]
  type: number
  stage: string | null
  source: string | null
  followers: number
}

/** A customer search: text (name, mobile, id) and filters, each optional. */
export interface CustomerQuery {
  query?: string
  /** A follower's qwUserId. */
  member?: string
  type?: 1 | 2
  /** Option names of customer_stage and customer_source. */
  stage?: string
  source?: string
  tag?: number
  /** Where the previous page stopped (its `next`). */
  cursor?: number
  limit?: number
}

/** A page of hits; `next` resumes after it (null: no more). */
export interface HitPage<T> {
  hits: T[]
  next: number | null
}

const STAGE = 'customer_stage'
const SOURCE = 'customer_source'

/** A select field's option id for a name (undefined: no such option, so nothing matches). */
function optionId(world: World, field: string, name: string): string | undefined {
  const item = world.catalog.fields.find((f) => f.outerField === field)?.items.find((o) => o.name === name)
  return item === undefined ? undefined : String(item.id)
}

/** A select field's option name for a served id (the id itself when it is not an option). */
function optionName(world: World, field: string, id: string | null): string | null {
  if (id === null) return null
  return world.catalog.fields.find((f) => f.outerField === field)?.items.find((o) => String(o.id) === id)?.name ?? id
}

const valueOf = (c: Customer, field: string): string | null => c.fields.find((f) => f.field === field)?.valueAsText ?? null

function mobilesOf(c: Customer): string[] {
  const text = c.fields.find((f) => f.type === FIELD_TYPES.phones)?.valueAsText ?? null
  if (text === null) return []
  try {
    const list: unknown = JSON.parse(text)
    return Array.isArray(list) ? list.map(String) : [text]
  } catch {
    return [text]
  }
}

function hitOf(world: World, index: number, c: Customer): CustomerHit {
  return {
    customerId: c.customerId,
    name: valueOf(c, 'name'),
    mobiles: mobilesOf(c),
    type: c.type,
    stage: optionName(world, STAGE, valueOf(c, STAGE)),
    source: optionName(world, SOURCE, valueOf(c, SOURCE)),
    followers: world.slotsOf(index).length,
  }
}

/** Candidate customers (world indexes) in a stable order: `length` and `at(position)`. */
interface Candidates {
  readonly length: number
  at(position: number): number
}

const FULL_MOBILE = /^1\d{10}$/

/**
 * Customers matching `q`, a page at a time: the text as an exact id (first), a full mobile (the
 * index), or a part of a mobile (3+ digits) or of the name; the filters all hold (an unknown
 * member, stage or source matches nobody).
 */
export function searchCustomers(world: World, q: CustomerQuery): HitPage<CustomerHit> {
  const text = (q.query ?? '').trim()
  const limit = q.limit ?? PAGE_SIZE
  const start = q.cursor ?? 0
  const hits: CustomerHit[] = []

  const stageId = q.stage ? optionId(world, STAGE, q.stage) : undefined
  const sourceId = q.source ? optionId(world, SOURCE, q.source) : undefined
  if ((q.stage && stageId === undefined) || (q.source && sourceId === undefined)) return { hits, next: null }
  const member = q.member ? world.memberIndex(q.member) : undefined
  if (q.member && member === undefined) return { hits, next: null }

  const needle = text.toLowerCase()
  const digits = /^\d{3,}$/.test(text)
  // Longer than a mobile: only an id (the index) can match.
  const idOnly = /^\d{12,}$/.test(text)
  /** The text test on the name and mobiles alone (World.searchKeysAt: no record drawn). */
  const textMatches = (index: number): boolean => {
    if (text === '') return true
    const keys = world.searchKeysAt(index)
    return (digits && keys.mobiles.some((m) => m.includes(text))) || (keys.name ?? '').toLowerCase().includes(needle)
  }
  const passes = (index: number, c: Customer): boolean =>
    (q.type === undefined || c.type === q.type) &&
    (stageId === undefined || valueOf(c, STAGE) === stageId) &&
    (sourceId === undefined || valueOf(c, SOURCE) === sourceId) &&
    (q.tag === undefined || c.tagIds.includes(q.tag)) &&
    (member === undefined || world.slotsOf(index).some((slot) => world.relations.member[slot] === member))

  // The exact id, on the first page only, ahead of the rest (and not again among them).
  const exact = /^\d+$/.test(text) ? world.customerIndex(Number(text)) : undefined
  if (start === 0 && exact !== undefined && passes(exact, world.customer(exact))) hits.push(hitOf(world, exact, world.customer(exact)))
  if (idOnly) return { hits, next: null }

  let candidates: Candidates
  if (FULL_MOBILE.test(text)) {
    const found = world.customersByKey(text)
    candidates = { length: found.length, at: (p) => found[p]! }
  } else if (member !== undefined) {
    const { slots } = world.page({ member, ...(q.type === undefined ? {} : { type: q.type }) }, { size: Number.MAX_SAFE_INTEGER })
    candidates = { length: slots.length, at: (p) => world.relations.customer[slots[p]!]! }
  } else {
    candidates = { length: world.customerCount, at: (p) => p }
  }
  for (let p = start; p < candidates.length; p++) {
    const index = candidates.at(p)
    if (index === exact || world.isDeleted(index) || !textMatches(index)) continue
    const c = world.customer(index)
    if (!passes(index, c)) continue
    if (hits.length >= limit) return { hits, next: p }
    hits.push(hitOf(world, index, c))
  }
  return { hits, next: null }
}

/** What the customer filters offer: members (qwUserId, name, left), stage and source options, tags. */
export function customerFacets(world: World): { members: { qwUserId: string; name: string; deleted: 0 | 1 }[]; stages: string[]; sources: string[]; tags: { id: number; name: string; group: string | null }[] } {
  const options = (field: string) => world.catalog.fields.find((f) => f.outerField === field)?.items.map((o) => o.name) ?? []
  return {
    members: world.memberList.map((m) => ({ qwUserId: m.qwUserId, name: m.name, deleted: (m as { deleted?: 0 | 1 }).deleted ?? 0 })),
    stages: options(STAGE),
    sources: options(SOURCE),
    tags: world.catalog.tags.map((t) => ({ id: t.id, name: t.name, group: (t as { groupName?: string | null }).groupName ?? null })),
  }
}

/** The world's aggregates for the charts. */
export interface WorldAggregates {
  customers: number
  relations: number
  perStage: { label: string | null; count: number }[]
  perSource: { label: string | null; count: number }[]
  /** `yyyy-MM` (Beijing) of each relation's creation, ascending. */
  perMonth: { month: string; count: number }[]
  /** The world version they were computed for (world-change count), and how long that took. */
  version: number
  computedMs: number
}

/** Counts by served value → by option name: the options in definition order, then any other value, then unset (null). */
function byOption(world: World, field: string, counts: Map<string | null, number>): { label: string | null; count: number }[] {
  const items = world.catalog.fields.find((f) => f.outerField === field)?.items ?? []
  const out: { label: string | null; count: number }[] = items.map((o) => ({ label: o.name, count: counts.get(String(o.id)) ?? 0 }))
  const known = new Set(items.map((o) => String(o.id)))
  for (const [id, count] of counts) if (id !== null && !known.has(id) && count > 0) out.push({ label: id, count })
  if ((counts.get(null) ?? 0) > 0) out.push({ label: null, count: counts.get(null)! })
  return out
}

/**
 * One field's value per customer, as a small code (Uint16Array by world index; the codes' values in
 * `values`): counting is a pass over the array, and a changed customer updates its one code.
 */
class FieldColumn {
  readonly values: (string | null)[] = []
  readonly #codeOf = new Map<string | null, number>()
  codes = new Uint16Array(0)

  constructor(readonly field: string) {}

  set(index: number, value: string | null): void {
    let code = this.#codeOf.get(value)
    if (code === undefined) {
      code = this.values.push(value) - 1
      this.#codeOf.set(value, code)
    }
    if (index >= this.codes.length) {
      const grown = new Uint16Array(Math.max(index + 1, Math.ceil(this.codes.length * 1.25)))
      grown.set(this.codes)
      this.codes = grown
    }
    this.codes[index] = code
  }

  counts(world: World): Map<string | null, number> {
    const byCode = new Float64Array(this.values.length)
    for (let i = 0; i < world.customerCount; i++) if (!world.isDeleted(i)) byCode[this.codes[i]!]!++
    return new Map(this.values.map((v, code) => [v, byCode[code]!]))
  }
}

/** What the aggregates of one context keep between versions. */
interface AggregateState {
  world: World
  stage: FieldColumn
  source: FieldColumn
  /** Customers changed since they were last read (ids); `all`: read every one (the world was replaced). */
  dirty: Set<number>
  all: boolean
  result?: WorldAggregates
  /** The computation under way, shared by the requests that wait for it. */
  running?: Promise<WorldAggregates>
}

const aggregateStates = new WeakMap<MockContext, AggregateState>()

/** A full read hands the event loop back every this many customers (the fake keeps answering meanwhile). */
const READ_CHUNK = 20_000
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Relations per `yyyy-MM` (Beijing), from the relation table: no record drawn. */
function relationsPerMonth(world: World): { months: { month: string; count: number }[]; relations: number } {
  const months = new Map<string, number>()
  const { slots } = world.page({}, { size: Number.MAX_SAFE_INTEGER })
  // Format a second only when it leaves the month at hand (the key order keeps months together).
  let month = ''
  let from = Infinity
  let until = -Infinity
  for (const slot of slots) {
    const sec = world.relations.sec[slot]!
    if (sec < from || sec >= until) {
      month = formatBeijing(sec).slice(0, 7)
      const [y, m] = month.split('-').map(Number) as [number, number]
      from = Date.UTC(y, m - 1, 1) / 1000 - 8 * 3600
      until = Date.UTC(y, m, 1) / 1000 - 8 * 3600
    }
    months.set(month, (months.get(month) ?? 0) + 1)
  }
  return { months: [...months].sort(([a], [b]) => a.localeCompare(b)).map(([m, count]) => ({ month: m, count })), relations: slots.length }
}

/**
 * The aggregates of the world `context` serves, computed once per world version (its change count:
 * every change emits an event). The first call reads every customer once, a chunk at a time (the
 * fake keeps answering meanwhile), and keeps its stage and source as codes (4 MB at 1M customers);
 * after that a change re-reads only the customers it names (the events say which), and a replaced
 * world (reset, a fixture) is read again whole. Relations per month come from the relation table
 * each version (no record drawn). Requests arriving meanwhile share the computation under way.
 */
export async function worldAggregates(context: MockContext): Promise<WorldAggregates> {
  let state = aggregateStates.get(context)
  if (!state) {
    const fresh: AggregateState = { world: context.world, stage: new FieldColumn(STAGE), source: new FieldColumn(SOURCE), dirty: new Set(), all: true }
    context.events.onAny((event) => {
      if (event.type === 'world.replaced') fresh.all = true
      else if ('customerId' in event) fresh.dirty.add(event.customerId)
    })
    aggregateStates.set(context, (state = fresh))
  }
  const s = state
  for (;;) {
    if (s.result && s.world === context.world && s.result.version === context.events.count) return s.result
    if (s.running) {
      await s.running
      continue // a change may have come during it
    }
    s.running = computeAggregates(context, s).finally(() => (s.running = undefined))
    return s.running
  }
}

async function computeAggregates(context: MockContext, state: AggregateState): Promise<WorldAggregates> {
  const began = performance.now()
  const world = context.world
  const read = (i: number) => {
    const c = world.customer(i)
    state.stage.set(i, valueOf(c, STAGE))
    state.source.set(i, valueOf(c, SOURCE))
  }
  if (state.all || state.world !== world) {
    // Changes during the pass go to `dirty` and are read again after it.
    state.all = false
    state.dirty.clear()
    state.world = world
    state.stage = new FieldColumn(STAGE)
    state.source = new FieldColumn(SOURCE)
    for (let i = 0; i < world.customerCount; i++) {
      if (i % READ_CHUNK === READ_CHUNK - 1) {
        await yieldToEventLoop()
        if (context.world !== world) return computeAggregates(context, state) // replaced meanwhile: start over
      }
      if (!world.isDeleted(i)) read(i)
    }
  }
  // From here to the end nothing waits: the result is the world as of this version.
  const version = context.events.count
  for (const id of state.dirty) {
    const i = world.customerIndex(id)
    if (i !== undefined && !world.isDeleted(i)) read(i)
  }
  state.dirty.clear()
  const { months, relations } = relationsPerMonth(world)
  state.result = {
    customers: world.liveCustomerCount,
    relations,
    perStage: byOption(world, STAGE, state.stage.counts(world)),
    perSource: byOption(world, SOURCE, state.source.counts(world)),
    perMonth: months,
    version,
    computedMs: Math.round(performance.now() - began),
  }
  return state.result
}

/** A lead (or waiting customer) as a list line. */
export interface LeadHit {
  customerId: number
  isClue: boolean
  name: string | null
  mobiles: string[]
  type: number
  createTime: string
}

const textOf = (value: string | string[] | null | undefined): string | null => (value == null ? null : Array.isArray(value) ? value.join(', ') : value)
const listOf = (value: string | string[] | null | undefined): string[] => (value == null ? [] : Array.isArray(value) ? value : [value])

/** Leads whose name or mobile contains `query` (all when empty), a page at a time from `cursor` (leads skipped): a scan of the lead book. */
export function searchLeads(world: WorldQuery, query: string, cursor = 0, limit = PAGE_SIZE): HitPage<LeadHit> {
  const needle = query.trim().toLowerCase()
  const hits: LeadHit[] = []
  let p = 0
  for (const lead of world.leads()) {
    if (p++ < cursor) continue
    const name = textOf(lead.fieldValues.name)
    const mobiles = listOf(lead.fieldValues.mobile)
    if (needle !== '' && !(name ?? '').toLowerCase().includes(needle) && !mobiles.some((m) => m.includes(needle))) continue
    if (hits.length >= limit) return { hits, next: p - 1 }
    hits.push({ customerId: lead.customerId, isClue: lead.isClue, name, mobiles, type: lead.type, createTime: lead.createTime })
  }
  return { hits, next: null }
}

/** A lead's page: its fields by label (select options by name), tags by name, follow-up records; undefined when unknown. */
export function leadPage(world: WorldQuery, customerId: number) {
  const lead = world.lead(customerId)
  if (!lead) return undefined
  const labelOf = new Map(world.fieldDefinitions().flatMap((d) => (d.outerField === null ? [] : [[d.outerField, d.name] as const])))
  const tagById = new Map(world.tags().map((t) => [t.id, t]))
  return {
    customerId: lead.customerId,
    isClue: lead.isClue,
    name: textOf(lead.fieldValues.name),
    type: lead.type,
    createTime: lead.createTime,
    lastUpdateTime: lead.lastUpdateTime,
    convertCustomerTime: lead.convertCustomerTime,
    company: lead.company,
    fields: Object.entries(lead.fieldValues).map(([key, value]) => ({ key, label: labelOf.get(key) ?? key, value: textOf(value) })),
    tags: lead.tagIds.map((id) => ({ id, name: tagById.get(id)?.name ?? String(id) })),
    followUps: world.followUps(customerId),
  }
}

/** The query string of a customer search, checked: a wrong value is a 400 naming its parameter. */
export function customerQueryOf(params: URLSearchParams): CustomerQuery {
  const issues: string[] = []
  const whole = (name: string, min: number, max: number): number | undefined => {
    const text = params.get(name)
    if (text === null || text === '') return undefined
    const n = Number(text)
    if (!Number.isSafeInteger(n) || n < min || n > max) issues.push(`${name}: expected an integer from ${min} to ${max} (got ${clip(text, 20)})`)
    return n
  }
  const known = new Set(['query', 'member', 'type', 'stage', 'source', 'tag', 'cursor', 'limit'])
  for (const name of params.keys()) if (!known.has(name)) issues.push(`${clip(name, 40)}: unknown parameter (known: ${[...known].join(', ')})`)
  const type = whole('type', 1, 2)
  const q: CustomerQuery = {
    query: params.get('query') ?? '',
    ...(params.get('member') ? { member: params.get('member')! } : {}),
    ...(type === undefined ? {} : { type: type as 1 | 2 }),
    ...(params.get('stage') ? { stage: params.get('stage')! } : {}),
    ...(params.get('source') ? { source: params.get('source')! } : {}),
  }
  const tag = whole('tag', 1, Number.MAX_SAFE_INTEGER)
  const cursor = whole('cursor', 0, Number.MAX_SAFE_INTEGER)
  const limit = whole('limit', 1, PAGE_LIMIT)
  if (issues.length > 0) throw new AdminError(400, `invalid customer search: ${issues.join('; ')}`, issues)
  return { ...q, ...(tag === undefined ? {} : { tag }), ...(cursor === undefined ? {} : { cursor }), ...(limit === undefined ? {} : { limit }) }
}
