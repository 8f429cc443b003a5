/**
 * The admin API: what makes the fake a stateful upstream for consumer tests. The same operations
 * as functions (`mock.admin.addCustomer(…)`, no HTTP needed) and under `/__mock` over HTTP (an msw
 * handler, so in-process and standalone alike). Admin answers are plain JSON, not the upstream's
 * envelope: `{ "error": "…", "issues": […] }` with a 4xx status when the input is wrong.
 */
import { http, type HttpHandler } from 'msw'
import { z } from 'zod'
import type { MockContext } from './endpoints/endpoint.js'
import { requestBytes, respond } from './host-channel.js'
import { adminPathPattern, guardAdmin } from './admin-guard.js'
import type { JournalEntry } from './journal.js'
import { newRequestId, REQUEST_ID_HEADER } from './log.js'
import { clip } from './preview.js'
import { formatBeijing, parseBeijing } from './protocol/time.js'
import { ID_EPOCH_MS, IdRangeError } from './protocol/ids.js'
import { PACKAGE_VERSION } from './package-files.js'
import { FaultDefinitionError, type FaultRule, type Faults } from './faults.js'
import { fixtureCustomer, isRecipe, type FixtureCustomer, type FixtureDocument, type FixtureInput, type Recipe } from './world/fixture.js'
import { FieldValueError, fieldValueText } from './world/field-values.js'
import { companyName, generateCustomer } from './world/generate/customers.js'
import { hashString, stream } from './world/generate/rng.js'
import { customerTypeSchema, type Customer } from './world/schema.js'
import type { World } from './world/world.js'
import { CLOCK_RANGE_MS, ClockRangeError, inClockRange, type ClockState } from './clock.js'

/** A wrong admin request: its HTTP status and what is wrong. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: string[],
  ) {
    super(message)
  }
}

const RANGE_TEXT = `${formatBeijing(CLOCK_RANGE_MS.first / 1000)} to ${formatBeijing(Math.floor(CLOCK_RANGE_MS.last / 1000))} Beijing time, the moments ids can be minted at`
/** A time given to the admin API: the wire format, and a moment an id can be minted at (the clock's range). */
const beijingTime = z
  .string()
  .refine((s) => parseBeijing(s) !== undefined, { message: 'expected a Beijing time yyyy-MM-dd HH:mm:ss', abort: true })
  .refine((s) => inClockRange(parseBeijing(s)! * 1000), { message: `outside ${RANGE_TEXT}` })
/** Profile values by field key; each field's type says what it takes (mock/world/field-values.ts). */
const fieldValues = z.record(z.string(), z.unknown())

export const newCustomerSchema = z.strictObject({
  type: customerTypeSchema.optional(),
  /** Profile values by field key, checked against each field's type: select fields take an option id or name, `mobile` a list of numbers, null clears. */
  fields: fieldValues.optional(),
  tagIds: z.array(z.number().int()).optional(),
  /** For an enterprise customer: its company's name (generated when absent). */
  companyName: z.string().min(1).optional(),
  wechatNickname: z.string().nullable().optional(),
  wechatAvatar: z.string().nullable().optional(),
  wechatLocation: z.string().nullable().optional(),
  externalUserId: z.string().nullable().optional(),
  createTime: beijingTime.optional(),
  followers: z.array(z.strictObject({ qwUserId: z.string().min(1), createTime: beijingTime.optional(), qwRemark: z.string().nullable().optional() })).min(1),
})
/** A change to a customer: the same properties as a new one, all optional, without followers and creation time. */
export const customerPatchSchema = newCustomerSchema.omit({ followers: true, createTime: true })
export const newRelationSchema = z.strictObject({
  customerId: z.number().int().positive(),
  qwUserId: z.string().min(1),
  createTime: beijingTime.optional(),
  qwRemark: z.string().nullable().optional(),
})
export const clockSchema = z.strictObject({
  /** Jump to this moment: epoch ms or a Beijing time, within the clock's range (CLOCK_RANGE_MS). */
  set: z.union([z.number().int().refine(inClockRange, { message: `outside ${CLOCK_RANGE_MS.first} to ${CLOCK_RANGE_MS.last} (${RANGE_TEXT})` }), beijingTime], { error: (issue) => (issue.code === 'invalid_union' ? 'expected epoch ms or a Beijing time yyyy-MM-dd HH:mm:ss' : undefined) }).optional(),
  advanceMs: z.number().int().optional(),
  /** true: stop the clock; false: let it run again. */
  freeze: z.boolean().optional(),
  /** Back to real time, running. */
  reset: z.boolean().optional(),
})

export type NewCustomer = z.input<typeof newCustomerSchema>
export type CustomerPatch = z.input<typeof customerPatchSchema>
export type NewRelation = z.input<typeof newRelationSchema>
export type ClockChange = z.input<typeof clockSchema>

function check<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input)
  if (!result.success) throw refused(what, ...result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`))
  return result.data
}

/** A 400 naming what is wrong, in the message (in-process) and as issues (over HTTP). */
function refused(what: string, ...issues: string[]): AdminError {
  return new AdminError(400, `invalid ${what}: ${issues.join('; ')}`, issues)
}

const NEW_CUSTOMER = hashString('admin.customer')

export interface AdminFunctions {
  /** Counts of the world being served; `loading` while another world is being built to replace it. */
  health(): { status: 'ok'; version: string; customers: number; relations: number; members: number; loading: boolean; clock: ClockState }
  /** Back to the starting world (the clock and the journal are left as they are). */
  reset(): Promise<void>
  exportWorld(): FixtureDocument
  /** Replaces the world with a fixture: a document, a recipe (`{version, generate: {seed, customers, staff}}`), or a file path or pack name. */
  loadWorld(fixture: FixtureInput | Recipe | string): Promise<void>
  addCustomer(input: NewCustomer): { customerId: number; relationIds: number[]; customer: FixtureCustomer }
  updateCustomer(customerId: number, patch: CustomerPatch): FixtureCustomer
  deleteCustomer(customerId: number): void
  addRelation(input: NewRelation): { relationId: number }
  deleteRelation(relationId: number): void
  requests(): readonly JournalEntry[]
  clearRequests(): void
  setClock(change: ClockChange): ClockState
  /** The fault rules in force, with the calls each has seen and hit. */
  faults(): ReturnType<Faults['list']>
  /** Replaces the fault rules (`[...]` or `{rules: [...]}`; counts restart); a wrong rule is a 400 naming its field. */
  setFaults(rules: unknown): FaultRule[]
  clearFaults(): void
}

/**
 * The admin functions over a mock's context. `rebuild` makes the starting world again (reset), and
 * `fromFixture` loads a fixture as a world.
 */
export function createAdmin(context: MockContext, rebuild: () => Promise<World>, fromFixture: (f: FixtureInput | Recipe | string) => Promise<World>): AdminFunctions {
  const nowSec = () => Math.floor(context.clock.now() / 1000)
  const nowNanos = () => (context.clock.now() % 1000) * 1_000_000
  /** Whether a world is being built (load or reset); the one being served stays until it is ready. */
  let building = false
  const memberOf = (qwUserId: string) => {
    const member = context.world.memberIndex(qwUserId)
    if (member === undefined) throw new AdminError(400, `no member with qwUserId ${qwUserId}`)
    return member
  }
  const indexOf = (customerId: number) => {
    const index = context.world.customerIndex(customerId)
    if (index === undefined) throw new AdminError(404, `no customer ${customerId}`)
    return index
  }

  /**
   * Every change to the world goes through here: all or nothing. A change checks its input before
   * it changes a record, and the world gives back the ids a refused change minted, so a refused
   * change leaves no trace. While a world is being built a change is refused (it would be lost).
   */
  const change = <T>(what: string, apply: () => T): T => {
    if (building) throw new AdminError(409, `a world is being loaded; ${what} once it is served (GET /__mock/health answers meanwhile)`)
    try {
      return context.world.atomically(apply)
    } catch (error) {
      if (error instanceof FieldValueError) throw refused(what, error.message)
      if (error instanceof IdRangeError) throw refused(what, error.message)
      throw error
    }
  }

  /** Profile values by key applied to a record's fields, each checked against its field's type (world/field-values.ts). */
  const applyFields = (fields: Customer['fields'], values: z.output<typeof fieldValues> | undefined) => {
    if (!values) return fields
    const next = fields.map((f) => ({ ...f }))
    for (const [key, raw] of Object.entries(values)) {
      const definition = context.world.catalog.fields.find((f) => f.outerField === key)
      if (!definition) throw new AdminError(400, `no profile field ${key} (known: ${context.world.catalog.fields.map((f) => f.outerField).join(', ')})`)
      const value = fieldValueText(definition, raw)
      const at = next.findIndex((f) => f.field === key)
      if (at >= 0) next[at]!.valueAsText = value
      else next.push({ field: key, type: definition.type, valueAsText: value })
    }
    return next
  }

  const checkTags = (tagIds: number[] | undefined) => {
    const known = new Set(context.world.catalog.tags.map((t) => t.id))
    for (const id of tagIds ?? []) if (!known.has(id)) throw new AdminError(400, `no tag ${id}`)
    return tagIds && [...new Set(tagIds)].sort((a, b) => a - b)
  }

  /** The record after a change: profile, tags, type and company, WeChat data; lastUpdateTime moves to now. Checks come before the company id is minted. */
  const changed = (current: Customer, patch: z.output<typeof customerPatchSchema>, index: number): Customer => {
    const fields = applyFields(current.fields, patch.fields)
    const tagIds = checkTags(patch.tagIds) ?? current.tagIds
    const type = patch.type ?? current.type
    let company = type === 1 ? null : current.company
    if (type === 2 && (!company || patch.companyName)) {
      company = { id: company?.id ?? context.world.mintId(context.clock.now()), name: patch.companyName ?? company?.name ?? companyName(stream(context.world.shape.seed, NEW_CUSTOMER, index, 1)) }
    }
    return {
      ...current,
      type,
      company,
      fields,
      tagIds,
      wechatNickname: patch.wechatNickname !== undefined ? patch.wechatNickname : current.wechatNickname,
      wechatAvatar: patch.wechatAvatar !== undefined ? patch.wechatAvatar : current.wechatAvatar,
      wechatLocation: patch.wechatLocation !== undefined ? patch.wechatLocation : current.wechatLocation,
      externalUserId: patch.externalUserId !== undefined ? patch.externalUserId : current.externalUserId,
      lastUpdateTime: Math.max(current.createTime, nowSec()),
    }
  }

  /** Follower changes change the customer too: its lastUpdateTime moves. */
  const touch = (index: number) => {
    const current = context.world.customer(index)
    context.world.replaceCustomer(index, { ...current, lastUpdateTime: Math.max(current.createTime, nowSec()) })
  }

  /** Builds a world and serves it once it is ready; one build at a time. */
  const build = async (make: () => Promise<World>) => {
    if (building) throw new AdminError(409, 'a world is already being loaded; try again once it is served (GET /__mock/health shows the counts)')
    building = true
    try {
      context.world = await make()
    } finally {
      building = false
    }
  }

  /** A document or recipe over the admin load cap is refused before anything is built. */
  const checkSize = (fixture: unknown) => {
    if (typeof fixture !== 'object' || fixture === null) return // a file or pack name: the user's own
    const asked = isRecipe(fixture) ? (fixture as { generate?: { customers?: unknown } }).generate?.customers : (fixture as { customers?: unknown }).customers
    const count = Array.isArray(asked) ? asked.length : asked
    const cap = context.options.adminMaxCustomers
    if (typeof count === 'number' && count > cap) {
      throw new AdminError(413, `the world asked for has ${count} customers; the admin API loads at most ${cap} (option adminMaxCustomers, flag --admin-max-customers; larger worlds: start the fake with --customers or --fixtures)`)
    }
  }

  return {
    health() {
      const { world, clock } = context
      return { status: 'ok', version: PACKAGE_VERSION, customers: world.liveCustomerCount, relations: world.relationCount, members: world.memberList.length, loading: building, clock: clock.state() }
    },

    async reset() {
      await build(rebuild)
    },

    exportWorld() {
      return context.world.toFixture()
    },

    async loadWorld(fixture) {
      checkSize(fixture)
      await build(async () => {
        try {
          return await fromFixture(fixture)
        } catch (error) {
          throw new AdminError(400, (error as Error).message)
        }
      })
    },

    addCustomer(raw) {
      const input = check(newCustomerSchema, raw, 'customer')
      return change('customer', () => {
        const world = context.world
        const now = nowSec()
        const follows = input.followers.map((f) => ({
          member: memberOf(f.qwUserId),
          sec: f.createTime ? parseBeijing(f.createTime)! : now,
          nanos: f.createTime ? 0 : nowNanos(),
          given: f.createTime !== undefined,
          qwRemark: f.qwRemark,
        }))
        if (new Set(follows.map((f) => f.member)).size !== follows.length) throw new AdminError(400, 'a member can follow a customer only once')
        // What is not given is generated consistent with what is: the customer was created by its
        // first follow (and not after now), and a follow without a time starts now, or when the
        // customer was created if that is later.
        const createSec = input.createTime ? parseBeijing(input.createTime)! : Math.min(now, ...follows.filter((f) => f.given).map((f) => f.sec))
        for (const f of follows) if (!f.given && f.sec < createSec) Object.assign(f, { sec: createSec, nanos: 0 })
        const older = follows.findIndex((f) => f.sec < createSec)
        if (older >= 0) {
          throw refused('customer', `followers.${older}.createTime: ${formatBeijing(follows[older]!.sec)} is before the customer's createTime ${formatBeijing(createSec)} (a follow relation cannot be older than its customer)`)
        }
        const index = world.customerCount
        const rng = stream(world.shape.seed, NEW_CUSTOMER, index)
        const type = input.type ?? (rng.chance(0.3) ? 2 : 1)
        // Ids are minted shortly before the creation time, never before the id epoch.
        const customerMs = Math.max(ID_EPOCH_MS, createSec * 1000 - rng.between(1_000, 30_000))
        const companyMs = Math.max(ID_EPOCH_MS, createSec * 1000 - rng.between(31_000, 38_000))
        applyFields([], input.fields) // checked before any id is minted
        checkTags(input.tagIds)
        const customerId = world.mintId(customerMs)
        const companyId = type === 2 ? world.mintId(companyMs) : 0
        const skeleton = { createSec, type, follows: follows.map((f) => ({ member: f.member, sec: f.sec, micros: Math.floor(f.nanos / 1000) })) } as const
        const generated = generateCustomer(world.shape, world.catalog, index, skeleton, customerId, companyId)
        const customer = changed(generated, input, index)
        customer.lastUpdateTime = Math.max(createSec, ...follows.map((f) => f.sec))
        const added = world.addCustomer(customer, follows)
        const relationIds = world.slotsOf(added).map((slot) => world.relations.id[slot]!)
        context.logger.log('admin', `added customer ${customerId} followed by ${input.followers.map((f) => f.qwUserId).join(', ')}`)
        return { customerId, relationIds, customer: fixtureCustomer(customer) }
      })
    },

    updateCustomer(customerId, raw) {
      const patch = check(customerPatchSchema, raw, 'customer patch')
      return change('customer patch', () => {
        const index = indexOf(customerId)
        const next = changed(context.world.customer(index), patch, index)
        context.world.replaceCustomer(index, next)
        return fixtureCustomer(next)
      })
    },

    deleteCustomer(customerId) {
      change('deletion', () => context.world.deleteCustomer(indexOf(customerId)))
    },

    addRelation(raw) {
      const input = check(newRelationSchema, raw, 'relation')
      return change('relation', () => {
        const world = context.world
        const index = indexOf(input.customerId)
        const member = memberOf(input.qwUserId)
        if (world.slotsOf(index).some((slot) => world.relations.member[slot] === member)) throw new AdminError(409, `${input.qwUserId} already follows customer ${input.customerId}`)
        const customerSec = world.customer(index).createTime
        // Without a time the follow starts now, or when the customer was created if that is later.
        const sec = input.createTime ? parseBeijing(input.createTime)! : Math.max(nowSec(), customerSec)
        const nanos = input.createTime || sec > nowSec() ? 0 : nowNanos()
        if (sec < customerSec) throw refused('relation', `createTime: ${formatBeijing(sec)} is before the customer's createTime ${formatBeijing(customerSec)} (a follow relation cannot be older than its customer)`)
        const slot = world.addRelation(index, member, sec, nanos, input.qwRemark)
        touch(index)
        return { relationId: world.relations.id[slot]! }
      })
    },

    deleteRelation(relationId) {
      change('deletion', () => {
        const world = context.world
        const slot = world.relationSlot(relationId)
        if (slot === undefined) throw new AdminError(404, `no relation ${relationId}`)
        world.removeRelation(slot)
        touch(world.relations.customer[slot]!)
      })
    },

    requests() {
      return context.journal.list()
    },

    clearRequests() {
      context.journal.clear()
    },

    faults() {
      return context.faults.list()
    },

    setFaults(rules) {
      try {
        return context.faults.set(rules)
      } catch (error) {
        if (error instanceof FaultDefinitionError) throw new AdminError(400, error.message)
        throw error
      }
    },

    clearFaults() {
      context.faults.set([])
    },

    setClock(raw) {
      const change = check(clockSchema, raw, 'clock change')
      const set = change.set === undefined ? undefined : typeof change.set === 'number' ? change.set : parseBeijing(change.set)! * 1000
      try {
        // The whole change or none of it: a step that would leave the range refuses it all.
        context.clock.apply({ ...change, set })
      } catch (error) {
        if (error instanceof ClockRangeError) throw refused('clock change', error.message)
        throw error
      }
      return context.clock.state()
    },
  }
}

/** A fixture sent over HTTP: a document or a recipe, never a path to read on the server. */
function fixtureBody(input: unknown): FixtureInput | Recipe {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new AdminError(400, 'expected a fixture document or a recipe (a JSON object)')
  return input as FixtureInput | Recipe
}

/**
 * The admin API under `prefix` (`/__mock`, or `/__mock/tenants/<appId>` for one tenant of several),
 * as one msw handler. `tenants` (on the default scope) adds GET /__mock/tenants.
 */
export function createAdminHandler(context: MockContext, admin: AdminFunctions, prefix = '/__mock', tenants: readonly { context: MockContext }[] = []): HttpHandler {
  const ADMIN_PATH = adminPathPattern(prefix)
  return http.all(
    ({ request }) => ADMIN_PATH.test(new URL(request.url).pathname),
    async ({ request }) => {
      const requestId = newRequestId()
      const log = context.logger.withRequest(requestId)
      const json = (status: number, body: unknown) => {
        if (log.enabled) log.log('admin', `${request.method} ${clip(new URL(request.url).pathname, 200)} → ${status}`)
        return respond(request, status, { 'content-type': 'application/json;charset=UTF-8', [REQUEST_ID_HEADER]: requestId }, Buffer.from(body === undefined ? '' : JSON.stringify(body)) as Uint8Array<ArrayBuffer>)
      }
      try {
        const route = new URL(request.url).pathname.match(ADMIN_PATH)![1] ?? '/'
        const raw = await requestBytes(request)
        const refused = guardAdmin(request, context.options, prefix, route, raw.byteLength)
        if (refused) throw new AdminError(refused.status, refused.message)
        const method = request.method
        const body = async () => {
          if (raw.byteLength === 0) return {}
          try {
            return JSON.parse(Buffer.from(raw).toString('utf8')) as unknown
          } catch {
            throw new AdminError(400, 'the body is not valid JSON')
          }
        }
        const id = (text: string) => {
          const n = Number(text)
          if (!Number.isSafeInteger(n) || n <= 0) throw new AdminError(400, `not an id: ${text}`)
          return n
        }
        let m: RegExpMatchArray | null
        const routes: Array<[string, RegExp, (match: RegExpMatchArray) => Promise<Response>]> = [
          ['GET', /^\/live$/, async () => json(200, { status: 'ok' })],
          ['GET', /^\/health$/, async () => json(200, admin.health())],
          ['POST', /^\/reset$/, async () => (await admin.reset(), json(200, admin.health()))],
          ['GET', /^\/world$/, async () => json(200, admin.exportWorld())],
          ['POST', /^\/world$/, async () => (await admin.loadWorld(fixtureBody(await body())), json(200, admin.health()))],
          ['POST', /^\/customers$/, async () => json(201, admin.addCustomer((await body()) as NewCustomer))],
          ['PATCH', /^\/customers\/([^/]+)$/, async (match) => json(200, admin.updateCustomer(id(match[1]!), (await body()) as CustomerPatch))],
          ['DELETE', /^\/customers\/([^/]+)$/, async (match) => (admin.deleteCustomer(id(match[1]!)), json(200, { deleted: Number(match[1]) }))],
          ['POST', /^\/relations$/, async () => json(201, admin.addRelation((await body()) as NewRelation))],
          ['DELETE', /^\/relations\/([^/]+)$/, async (match) => (admin.deleteRelation(id(match[1]!)), json(200, { deleted: Number(match[1]) }))],
          ['GET', /^\/requests$/, async () => json(200, admin.requests())],
          ['DELETE', /^\/requests$/, async () => (admin.clearRequests(), json(200, { cleared: true }))],
          ['GET', /^\/faults$/, async () => json(200, { rules: admin.faults() })],
          ['POST', /^\/faults$/, async () => json(200, { rules: admin.setFaults(await body()) })],
          ['DELETE', /^\/faults$/, async () => (admin.clearFaults(), json(200, { rules: [] }))],
          ['GET', /^\/clock$/, async () => json(200, admin.setClock({}))],
          ['POST', /^\/clock$/, async () => json(200, admin.setClock((await body()) as ClockChange))],
          ['GET', /^\/tenants$/, async () => json(200, tenants.map((t) => ({ appId: t.context.options.appId, customers: t.context.world.liveCustomerCount, relations: t.context.world.relationCount, admin: `/__mock/tenants/${t.context.options.appId}` })))],
        ]
        const matching = routes.filter(([, pattern]) => pattern.test(route))
        if (matching.length === 0) throw new AdminError(404, `no admin route ${route} (see the README's admin API)`)
        const hit = matching.find(([verb]) => verb === method)
        if (!hit) throw new AdminError(405, `${route} takes ${matching.map(([verb]) => verb).join(', ')}`)
        m = route.match(hit[1])
        return await hit[2](m!)
      } catch (error) {
        if (error instanceof AdminError) return json(error.status, { error: error.message, ...(error.issues ? { issues: error.issues } : {}) })
        log.internal(error, 'the admin API')
        return json(500, { error: 'internal error' })
      }
    },
  )
}
