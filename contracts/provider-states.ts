/**
 * Provider states: named situations a consumer's interaction can ask the fake to be in
 * (`given('member dowen follows 3 customers')`). Each shapes the world through the admin
 * functions and may answer values the Pact verifier injects into the request
 * (`fromProviderState('${cursorAfter2}', …)`). Parameters come from the state's name or from its
 * params (params win). Before every interaction the fake goes back to its starting world and real
 * time, so an interaction without a state runs against the default world.
 */
import type { AdminFunctions } from '../mock/admin/functions.js'
import type { Mock } from '../mock/index.js'
import { encodeCursor } from '../mock/protocol/cursor.js'
import { formatBeijing, parseBeijing } from '../mock/protocol/time.js'
import { FIXTURE_VERSION } from '../mock/world/fixture.js'
import { worldChanges } from '../mock/world/changes.js'

/** Values for `fromProviderState` expressions, or nothing. */
export type StateValues = Record<string, unknown> | void

/** A state handler of your own: params from the pact, and the fake to shape (`fake.admin`). */
export type StateHandler = (params: Record<string, unknown>, fake: Mock) => StateValues | Promise<StateValues>

interface BuiltInState {
  /** How the state is written in a pact; `<x>` parts are parameters. */
  readonly name: string
  readonly pattern: RegExp
  /** Parameter names, in the order of the pattern's groups. */
  readonly params: readonly string[]
  readonly setup: (params: Record<string, string>, admin: AdminFunctions, fake: Mock) => Promise<StateValues>
}

/** The default start of the relations a state creates: the documented customer's creation time. */
const STATE_EPOCH = '2021-06-02 20:04:41'

function positiveInteger(value: string | undefined, what: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a whole number, got ${JSON.stringify(value)}`)
  return n
}

function beijing(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined
  const sec = parseBeijing(value)
  if (sec === undefined) throw new Error(`${what} must be a time yyyy-MM-dd HH:mm:ss, got ${JSON.stringify(value)}`)
  return sec
}

/** Deletes, through the admin API, every relation the listing would show for this filter and window. */
function deleteRelations(fake: Mock, filter: { member?: number }, window: { sinceSec?: number | undefined; beforeSec?: number | undefined }): void {
  const { world } = fake.context
  const { slots } = world.page(filter, { ...window, size: Number.MAX_SAFE_INTEGER })
  for (const id of slots.map((slot) => world.relations.id[slot]!)) fake.admin.deleteRelation(id)
}

export const BUILT_IN_STATES: readonly BuiltInState[] = [
  {
    name: 'member <qwUserId> follows <count> customers',
    pattern: /^member (\S+) follows (\d+) customers?$/,
    params: ['qwUserId', 'count'],
    async setup(p, admin, fake) {
      const count = positiveInteger(p.count, 'count')
      const qwUserId = p.qwUserId!
      const start = beijing(p.since ?? STATE_EPOCH, 'since')!
      const member = fake.context.world.memberIndex(qwUserId)
      if (member === undefined) {
        // The admin API adds customers and relations, not members: a new member means a new world.
        const world = admin.exportWorld()
        world.members.push({ qwUserId, name: qwUserId, department: '销售部' })
        await admin.loadWorld(world)
      } else {
        deleteRelations(fake, { member }, {})
      }
      const values: Record<string, unknown> = { qwUserId, customerIds: [] }
      for (let k = 1; k <= count; k++) {
        const sec = start + (k - 1) * 3600
        const { customerId, relationIds } = admin.addCustomer({ createTime: formatBeijing(sec - 60), followers: [{ qwUserId, createTime: formatBeijing(sec) }] })
        ;(values.customerIds as number[]).push(customerId)
        values[`cursorAfter${k}`] = encodeCursor({ sec, nanos: 0, id: relationIds[0]! })
      }
      return values
    },
  },
  {
    name: 'no relations in the window',
    pattern: /^no relations in the window$/,
    params: [],
    async setup(p, _admin, fake) {
      deleteRelations(fake, {}, { sinceSec: beijing(p.since, 'since'), beforeSec: beijing(p.before, 'before') })
    },
  },
  {
    name: 'the server clock is <minutes> minutes ahead|behind',
    pattern: /^the server clock is (\d+) minutes? (ahead|behind)$/,
    params: ['minutes', 'direction'],
    async setup(p, admin) {
      const minutes = positiveInteger(p.minutes, 'minutes')
      return { clock: admin.setClock({ advanceMs: (p.direction === 'behind' ? -1 : 1) * minutes * 60_000 }) }
    },
  },
  {
    name: 'the documented example',
    pattern: /^the documented example$/,
    params: [],
    async setup(_p, admin) {
      await admin.loadWorld('documented-example')
      return { qwUserId: 'dowen' }
    },
  },
  {
    name: 'a world generated from seed <seed> with <customers> customers',
    pattern: /^a world generated from seed (\S+) with (\d+) customers?$/,
    params: ['seed', 'customers'],
    async setup(p, admin, fake) {
      const customers = positiveInteger(p.customers, 'customers')
      await admin.loadWorld({ version: FIXTURE_VERSION, generate: { seed: p.seed!, customers, staff: positiveInteger(p.staff ?? '20', 'staff') } })
      return { qwUserId: fake.world.members()[0]!.qwUserId }
    },
  },
  {
    name: 'the fixture <name-or-path>',
    pattern: /^the fixture (\S+)$/,
    params: ['fixture'],
    async setup(p, admin) {
      await admin.loadWorld(p.fixture!)
    },
  },
  {
    name: 'a lead has mobile <mobile>',
    pattern: /^a lead has mobile (\d+)$/,
    params: ['mobile'],
    async setup(p, _admin, fake) {
      const { customerId } = worldChanges(fake.context).addLead({ customerName: '已有线索', mobiles: [p.mobile!] })
      return { customerId }
    },
  },
  {
    // The WeChat reads and the customer writes (qw-details, customer-transfer, …): a customer with
    // this WeCom identity that the member follows (the member is added when the world has none).
    name: 'member <qwUserId> has the WeCom friend <externalUserId>',
    pattern: /^member (\S+) has the WeCom friend (\S+)$/,
    params: ['qwUserId', 'externalUserId'],
    async setup(p, admin, fake) {
      const qwUserId = p.qwUserId!
      if (fake.context.world.memberIndex(qwUserId) === undefined) admin.addMember({ qwUserId, name: qwUserId })
      const { customerId } = admin.addCustomer({
        createTime: STATE_EPOCH,
        wechatNickname: '探马', wechatAvatar: 'https://wx.qlogo.cn/mmhead/Q3auHgzwzM4fgXgBvZk0YHBzLvQ3JzGM0ElnhAyWdZ6vXUeLWBBCcA/0',
        externalUserId: p.externalUserId!,
        // No phones, so the member noted none: qw-details' `mobiles` is null whatever the customer id.
        ...(fake.context.world.catalog.fields.some((f) => f.outerField === 'mobile') ? { fields: { mobile: null } } : {}),
        followers: [{ qwUserId, createTime: STATE_EPOCH }],
      })
      return { customerId }
    },
  },
]

/**
 * The provider states of one fake: the built-in ones, your own handlers (matched by exact name,
 * before the built-in ones), and `fallback` for anything else (a state-change URL, say).
 */
export class ProviderStates {
  #dirty = true

  constructor(
    private readonly fake: Mock,
    private readonly custom: Readonly<Record<string, StateHandler>> = {},
    private readonly fallback?: (state: string, params: Record<string, unknown>) => Promise<StateValues>,
  ) {}

  /** The names a pact may use. */
  get names(): string[] {
    return [...Object.keys(this.custom), ...BUILT_IN_STATES.map((s) => s.name)]
  }

  /** The fake as it started: starting world, real time. Cheap when nothing has changed it since. */
  async reset(): Promise<void> {
    if (!this.#dirty) return
    for (const tenant of this.fake.tenants ?? [this.fake]) {
      await tenant.admin.reset()
      tenant.admin.setClock({ reset: true })
    }
    this.#dirty = false
  }

  /** Puts the fake in `state` (after a reset); answers the values to inject. An empty state only resets. */
  async setup(state: string, params: Record<string, unknown> = {}): Promise<StateValues> {
    await this.reset()
    if (state === '') return
    this.#dirty = true
    const tenant = typeof params.appId === 'string' ? this.fake.tenants?.find((t) => t.credentials.appId === params.appId) : this.fake
    if (!tenant) throw new Error(`provider state "${state}": no tenant with appId ${String(params.appId)}`)
    const own = this.custom[state]
    if (own) return own(params, tenant)
    for (const builtIn of BUILT_IN_STATES) {
      const m = builtIn.pattern.exec(state)
      if (!m) continue
      const named = Object.fromEntries(builtIn.params.map((name, k) => [name, m[k + 1]!]))
      const given = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))
      return builtIn.setup({ ...named, ...given }, tenant.admin, tenant)
    }
    if (this.fallback) return this.fallback(state, params)
    throw new Error(`no provider state "${state}"; the fake knows: ${this.names.map((n) => `"${n}"`).join(', ')} (add your own with --provider-state-setup)`)
  }
}
