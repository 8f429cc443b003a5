/**
 * Faults on purpose: rules that make the fake misbehave the way real upstreams do — latency,
 * error envelopes, rate limiting, transport failures and data anomalies — deterministically.
 *
 * A rule is scoped by endpoint, appId and call number (its own count of the requests in its
 * scope), and may fire with a probability. Every random draw comes from (world seed, the rule's
 * seed, the call number), never from timing: the same run fails the same calls.
 */
import { z } from 'zod'
import { hashString, stream, worldSeed } from './world/generate/rng.js'

const count = z.number().int().min(1)
const ms = z.number().int().min(0).max(600_000)

const scope = {
  /** A name for the journal and GET /__mock/faults (default `<kind>-<n>`). */
  id: z.string().min(1).optional(),
  /** Only this endpoint: its path ending, e.g. `customer-relation/list-by-relation-create-time-asc`. */
  endpoint: z.string().min(1).optional(),
  /** Only requests with this `appId` header. */
  appId: z.string().min(1).optional(),
  /** Only these calls (counted per rule, from 1): exact numbers, every n-th, a range. All given must hold. */
  calls: z
    .strictObject({ nth: z.array(count).min(1).optional(), every: count.optional(), from: count.optional(), to: count.optional() })
    .refine((c) => c.from === undefined || c.to === undefined || c.from <= c.to, { message: 'from must not be after to', path: ['to'] })
    .optional(),
  /** Fire on this share of the selected calls (seeded). Default 1. */
  probability: z.number().min(0).max(1).optional(),
  /** The rule's own seed, mixed with the world seed (default: its position). */
  seed: z.union([z.string(), z.number()]).optional(),
}

const distribution = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('uniform'), min: ms, max: ms }).refine((d) => d.min <= d.max, { message: 'min must not exceed max', path: ['max'] }),
  z
    .strictObject({ type: z.literal('normal'), mean: ms, sd: z.number().min(0), min: ms.default(0), max: ms.default(600_000) })
    .refine((d) => d.min <= d.max, { message: 'min must not exceed max', path: ['max'] }),
])

export const faultRuleSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .strictObject({
        kind: z.literal('latency'),
        ...scope,
        /** A fixed delay. */
        ms: ms.optional(),
        /** A delay drawn per call. */
        distribution: distribution.optional(),
        /** Slow pages deep in a sweep: this delay once the page starts after `afterItems` items of its window. */
        deep: z.strictObject({ afterItems: z.number().int().min(0), ms }).optional(),
      })
      .refine((r) => r.ms !== undefined || r.distribution !== undefined || r.deep !== undefined, { message: 'give ms, distribution or deep', path: ['ms'] }),
    z.strictObject({
      kind: z.literal('error'),
      ...scope,
      /** The envelope's code, e.g. -1 (system busy). */
      code: z.number().int(),
      message: z.string().min(1),
      /** HTTP status of the answer (the upstream uses 200 for business errors). */
      httpStatus: z.number().int().min(200).max(599).default(200),
    }),
    z.strictObject({
      kind: z.literal('rateLimit'),
      ...scope,
      /** Sustained requests per second, per appId (token bucket, on the virtual clock). */
      qps: z.number().positive(),
      /** Requests allowed at once (bucket size). Default: qps rounded up. */
      burst: count.optional(),
    }),
    z.strictObject({ kind: z.literal('reset'), ...scope }),
    z.strictObject({
      kind: z.literal('truncate'),
      ...scope,
      /** Bytes of the body sent before the connection drops (default: half). */
      atByte: z.number().int().min(0).optional(),
    }),
    z.strictObject({
      kind: z.literal('hang'),
      ...scope,
      /** Give up after this long (then reset the connection), in case the client never times out. */
      maxMs: z.number().int().min(1).max(3_600_000).default(120_000),
    }),
    z.strictObject({
      kind: z.literal('gateway'),
      ...scope,
      status: z.union([z.literal(502), z.literal(503), z.literal(504)]).default(502),
      /** The HTML page (default: nginx's). */
      body: z.string().optional(),
    }),
    z.strictObject({
      kind: z.literal('shortPage'),
      ...scope,
      /** Items on the short page (default: half the size). It is never the last page unless the window ends there. */
      items: count.optional(),
    }),
    z.strictObject({ kind: z.literal('duplicateEdge'), ...scope }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `kind must be one of ${FAULT_KINDS.join(', ')}` : undefined) },
)

export const FAULT_KINDS = ['latency', 'error', 'rateLimit', 'reset', 'truncate', 'hang', 'gateway', 'shortPage', 'duplicateEdge'] as const

export type FaultRuleInput = z.input<typeof faultRuleSchema>
export type FaultRule = z.output<typeof faultRuleSchema> & { readonly id: string }

/** A faults file or admin body: `{ "rules": [...] }` or the list itself. */
export const faultsDocumentSchema = z.union([z.array(z.unknown()), z.strictObject({ rules: z.array(z.unknown()) })])

/** A wrong fault definition, naming the rule and field. */
export class FaultDefinitionError extends Error {
  constructor(
    message: string,
    /** Each wrong field as `path: what is wrong` (`rules[1].calls.every: …`). */
    readonly issues: string[] = [],
  ) {
    super(message)
  }
}

/** The rules of a faults document (`[...]` or `{rules: [...]}`), not yet checked one by one. */
export function faultRuleList(input: unknown): unknown[] {
  const doc = faultsDocumentSchema.safeParse(input)
  if (!doc.success) throw new FaultDefinitionError('faults: expected a list of rules, or {"rules": [...]}')
  return Array.isArray(doc.data) ? doc.data : doc.data.rules
}

/** Checks fault rules; the error names each wrong rule and field (`rules[1].calls.every: …`). */
export function parseFaultRules(input: unknown): FaultRule[] {
  const list = faultRuleList(input)
  const issues: string[] = []
  const rules = list.map((raw, k) => {
    const result = faultRuleSchema.safeParse(raw)
    if (!result.success) {
      for (const i of result.error.issues) issues.push(`rules[${k}]${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}`)
      return undefined
    }
    return { ...result.data, id: result.data.id ?? `${result.data.kind}-${k + 1}` } as FaultRule
  })
  if (issues.length > 0) throw new FaultDefinitionError(`invalid fault rules: ${issues.join('; ')}`, issues)
  const ids = rules.map((r) => r!.id)
  const twice = ids.findIndex((id, k) => ids.indexOf(id) !== k)
  if (twice >= 0) throw new FaultDefinitionError(`invalid fault rules: two rules have the id "${ids[twice]}"`, [`rules[${twice}].id: another rule has the id "${ids[twice]}"`])
  return rules as FaultRule[]
}

/** What the faults decided for one request before it is served. */
export interface FaultPlan {
  /** Ids of the rules that fired, for the journal. */
  readonly hits: string[]
  /** Delay before answering. */
  latencyMs: number
  /** The rule that answers instead of the endpoint (error, rateLimit, reset, hang, gateway). */
  terminal?: FaultRule
  /** Cut the answer's body. */
  truncate?: Extract<FaultRule, { kind: 'truncate' }>
  shortPage?: Extract<FaultRule, { kind: 'shortPage' }>
  duplicateEdge?: boolean
  /** Latency rules that depend on how deep in its window the page starts. */
  readonly deep: Extract<FaultRule, { kind: 'latency' }>[]
}

interface RuleState {
  rule: FaultRule
  seed: number
  calls: number
  hits: number
  /** Token buckets by appId: tokens and the virtual time they were counted at. */
  buckets: Map<string, { tokens: number; at: number }>
}

/** A rule at position `k`, not yet called (its seed: its own, else its position). */
const freshState = (rule: FaultRule, k: number): RuleState => ({ rule, seed: hashString(String(rule.seed ?? k)), calls: 0, hits: 0, buckets: new Map() })

const TERMINAL = new Set(['error', 'rateLimit', 'reset', 'hang', 'gateway'])

/** The fault rules of one tenant, with their call counters. */
export class Faults {
  #states: RuleState[] = []
  readonly #worldSeed: number

  constructor(seed: string | number, rules: unknown = []) {
    this.#worldSeed = worldSeed(seed)
    this.set(rules)
  }

  /** Replaces every rule (and restarts their counts); answers them as parsed. */
  set(input: unknown): FaultRule[] {
    const rules = parseFaultRules(input)
    this.#states = rules.map(freshState)
    return rules
  }

  /** Adds one rule after the others, or takes out the rule with its id (`on: false`); the others keep their counts. */
  toggle(input: FaultRuleInput & { id: string }, on: boolean): FaultRule[] {
    const kept = this.#states.filter((s) => s.rule.id !== input.id)
    if (on) {
      const [rule] = parseFaultRules([input])
      kept.push(freshState(rule!, kept.length))
    }
    this.#states = kept
    return kept.map((s) => s.rule)
  }

  get active(): boolean {
    return this.#states.length > 0
  }

  /** The rules with how many calls each has seen and hit. */
  list(): (FaultRule & { calls: number; hits: number })[] {
    return this.#states.map((s) => ({ ...s.rule, calls: s.calls, hits: s.hits }))
  }

  /** Decides what happens to a request to `endpoint` from `appId` at virtual time `nowMs`. */
  plan(endpoint: string, appId: string | null, nowMs: number): FaultPlan {
    const plan: FaultPlan = { hits: [], latencyMs: 0, deep: [] }
    for (const state of this.#states) {
      const { rule } = state
      if (rule.endpoint !== undefined && !endpoint.endsWith(rule.endpoint.replace(/^\/+/, ''))) continue
      if (rule.appId !== undefined && rule.appId !== appId) continue
      const call = ++state.calls
      if (!selected(rule, call)) continue
      const rng = stream(this.#worldSeed, state.seed, call)
      if (rule.probability !== undefined && !rng.chance(rule.probability)) continue
      if (rule.kind === 'rateLimit' && !this.#limited(state, rule, appId ?? '', nowMs)) continue
      if (rule.kind === 'latency') {
        const delay = latencyOf(rule, rng)
        if (rule.deep) plan.deep.push(rule)
        if (delay === 0 && rule.deep) continue // counted as a hit once the page's depth is known
        plan.latencyMs += delay
      } else if (TERMINAL.has(rule.kind)) {
        if (plan.terminal) continue
        plan.terminal = rule
      } else if (rule.kind === 'truncate') plan.truncate ??= rule
      else if (rule.kind === 'shortPage') plan.shortPage ??= rule
      else if (rule.kind === 'duplicateEdge') plan.duplicateEdge = true
      state.hits++
      plan.hits.push(rule.id)
    }
    return plan
  }

  /** Extra latency for a page starting `offset` items into its window; records the hits. */
  deepLatency(plan: FaultPlan, offset: number): number {
    let delay = 0
    for (const rule of plan.deep) {
      if (offset < rule.deep!.afterItems) continue
      delay += rule.deep!.ms
      if (!plan.hits.includes(rule.id)) {
        plan.hits.push(rule.id)
        this.#states.find((s) => s.rule === rule)!.hits++
      }
    }
    return delay
  }

  /** Takes a token from the appId's bucket; true when there is none (the request is limited). */
  #limited(state: RuleState, rule: Extract<FaultRule, { kind: 'rateLimit' }>, appId: string, nowMs: number): boolean {
    const burst = rule.burst ?? Math.ceil(rule.qps)
    const bucket = state.buckets.get(appId) ?? { tokens: burst, at: nowMs }
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, nowMs - bucket.at) / 1000) * rule.qps)
    bucket.at = nowMs
    state.buckets.set(appId, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return false
    }
    return true
  }
}

function selected(rule: FaultRule, call: number): boolean {
  const c = rule.calls
  if (!c) return true
  return (c.nth === undefined || c.nth.includes(call)) && (c.every === undefined || call % c.every === 0) && (c.from === undefined || call >= c.from) && (c.to === undefined || call <= c.to)
}

function latencyOf(rule: Extract<FaultRule, { kind: 'latency' }>, rng: ReturnType<typeof stream>): number {
  let delay = rule.ms ?? 0
  const d = rule.distribution
  if (d?.type === 'uniform') delay += rng.between(d.min, d.max)
  if (d?.type === 'normal') {
    // Box–Muller from two seeded draws, clamped to [min, max].
    const u = 1 - rng.next()
    const v = rng.next()
    const z0 = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    delay += Math.round(Math.min(d.max, Math.max(d.min, d.mean + d.sd * z0)))
  }
  return delay
}

/** `--realistic`: data anomalies a real upstream shows now and then (a tenth of list calls each). */
export const REALISTIC_FAULTS: readonly FaultRuleInput[] = [
  { kind: 'shortPage', id: 'realistic-short-page', probability: 0.1, seed: 'realistic-short-page' },
  { kind: 'duplicateEdge', id: 'realistic-duplicate-edge', probability: 0.1, seed: 'realistic-duplicate-edge' },
]

/** nginx's answer when the upstream behind it is down. */
export function gatewayPage(status: 502 | 503 | 504): string {
  const title = { 502: '502 Bad Gateway', 503: '503 Service Temporarily Unavailable', 504: '504 Gateway Time-out' }[status]
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}
