/**
 * Push delivery (docs/upstream.md §8, docs/pushes.md "Delivery", decisions/0007-push-delivery.md):
 * one per tenant (`context.pushes`). It keeps the tenant's registration (…/v2/push-register), turns
 * world events into pushes (mock/push/messages.ts `draftsForEvent`, for the subscribed types),
 * numbers them (msgId, a seeded int64 noise, an eventId where the type has one), signs and
 * encrypts them (mock/push/crypto.ts) and POSTs them with the global `fetch` (so a consumer's msw
 * `setupServer` can answer them in-process), one attempt at a time, in a deterministic order.
 *
 * An attempt is acknowledged by HTTP 200 with the noise in the body (`pushAck`); otherwise the
 * message is retried on the virtual clock (`pushRetries`: delays after each failed attempt), a
 * retry firing when the clock reaches it (a clock change fires every due retry at once, in order of
 * due time then msgId; a running clock also sets a real timer). After `pushOfflineAfter`
 * consecutive failed attempts the address is offline until it registers again. Every attempt goes
 * to the outgoing journal. Realism switches (seeded): duplicates, reordering within a window, delays.
 */
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { MockContext } from '../core/context.js'
import { clip } from '../preview.js'
import { hashString, mix, Rng, worldSeed } from '../world/generate/rng.js'
import type { WorldEvent } from '../world/events.js'
import { acknowledges, encodePushMessage, encryptPushBody, pushHeaders, type PushCredentials } from './crypto.js'
import { draftsForEvent, generateDraft, PUSH_TYPES, PushInputError, type PushDraft } from './messages.js'

/** What became of one attempt. */
export type PushVerdict = 'acked' | 'no-noise' | 'http-error' | 'timeout' | 'refused' | 'offline'

/** Why an attempt was made. */
export type PushCause = 'register' | 'event' | 'trigger' | 'retry' | 'resend' | 'redeliver'

/** One attempt in the outgoing journal. */
export interface PushAttempt {
  readonly seq: number
  readonly msgId: number
  readonly type: string
  /** The signed 64-bit noise, as its digits. */
  readonly noise: string
  readonly eventId?: string
  readonly address: string
  /** 1 for the first attempt of the message, then 2, 3, … (retries, resends). */
  readonly attempt: number
  /** A second sending of the same attempt (`pushDuplicates`); its verdict changes nothing. */
  readonly duplicate?: boolean
  readonly cause: PushCause
  /** The tenant's virtual clock at the attempt, epoch ms (the `timestamp` header). */
  readonly at: number
  readonly headers: Record<string, string>
  readonly plaintext: string
  readonly ciphertext: string
  /** HTTP status of the answer; 0 when there was none (timeout, refused, offline). */
  readonly status: number
  /** The first 200 characters of the answer's body, or what went wrong (`ECONNREFUSED`, …). */
  readonly response: string
  /** Real time from sending to the whole answer, ms (0 when not sent). */
  readonly latencyMs: number
  readonly verdict: PushVerdict
}

/** Where the tenant's pushes go. */
export interface PushRegistration {
  readonly receiveAddress: string
  /** The subscribed type names, in the order given (repeats dropped). */
  readonly subscription: readonly string[]
  /** The names among them that are no type the fake pushes (PUSH_TYPES): taken, and nothing of them is ever sent. */
  readonly unknownTypes: readonly string[]
  /** Virtual clock of the registration, epoch ms. */
  readonly registeredAt: number
  /** Offline after `pushOfflineAfter` consecutive failed attempts: nothing is sent until it registers again. */
  readonly offline: boolean
  readonly consecutiveFailures: number
}

/** A message as the fake keeps it (for resend and redeliver). */
export interface PushMessageState {
  readonly msgId: number
  readonly type: string
  readonly noise: string
  readonly eventId?: string
  readonly content: unknown
  /** Virtual clock when it was made, epoch ms. */
  readonly createdAt: number
  readonly attempts: number
  /** `queued` (not yet sent), `sending`, `pending` (a retry is due at `dueAt`), `acked`, `given-up`, `offline` (not sent: the address was offline). */
  readonly state: 'queued' | 'sending' | 'pending' | 'acked' | 'given-up' | 'offline'
  readonly dueAt?: number
}

/** The tenant's push state: registration, messages awaiting a retry, and the outgoing journal. */
export interface PushesState {
  readonly registration: PushRegistration | null
  readonly pending: readonly PushMessageState[]
  readonly attempts: readonly PushAttempt[]
}

/** A push request the fake cannot carry out now: its HTTP status (404 no such message, 409 no address). */
export class PushStateError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = 'PushStateError'
  }
}

/** The first msgId of a tenant (the documented example uses 999; ours follow it). */
export const FIRST_MSG_ID = 1000
/** How long a partial reorder window is held, real ms. */
export const REORDER_HOLD_MS = 250

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `10s,1m,5m` → [10000, 60000, 300000]; `none` → []. */
export function parseRetrySchedule(text: string): number[] {
  if (text.trim() === 'none') return []
  return text.split(',').map((part) => {
    const m = /^\s*(\d+)(ms|s|m|h|d)\s*$/.exec(part)
    if (!m) throw new RangeError(`not a delay: ${part}`)
    return Number(m[1]) * UNITS[m[2]!]!
  })
}

/** The noise of a tenant's message: a signed int64 drawn from (world seed, appId, msgId). */
export function noiseFor(seed: string | number, appId: string, msgId: number): bigint {
  const base = mix(mix(worldSeed(seed), hashString(appId)), msgId)
  return BigInt.asIntN(64, (BigInt(mix(base, 1)) << 32n) | BigInt(mix(base, 2)))
}

/** A message's eventId (types withEventId): 32 hex digits drawn from (world seed, appId, msgId). */
function eventIdFor(seed: string | number, appId: string, msgId: number): string {
  const base = mix(mix(worldSeed(seed), hashString(`eventId:${appId}`)), msgId)
  return [1, 2, 3, 4].map((k) => mix(base, k).toString(16).padStart(8, '0')).join('')
}

interface Message {
  readonly msgId: number
  readonly type: string
  readonly noise: bigint
  readonly eventId?: string
  readonly content: unknown
  readonly createdAt: number
  attempts: number
  state: PushMessageState['state']
  dueAt?: number
}

interface Registration {
  receiveAddress: string
  subscription: string[]
  unknownTypes: string[]
  registeredAt: number
  offline: boolean
  consecutiveFailures: number
}

interface Held {
  readonly message: Message
  readonly cause: PushCause
  readonly resolve: (attempt: PushAttempt) => void
  readonly reject: (error: unknown) => void
}

export interface PushDeliveryOptions {
  /** The pushes a world change causes (default: mock/push/messages.ts draftsForEvent); tests inject their own. */
  readonly drafts?: (context: MockContext, event: WorldEvent) => PushDraft[]
  /** Whether attempts go out (default: always). `--workers`: only one worker sends; the others record each attempt as acked, unsent. */
  readonly sends?: () => boolean
}

export class PushDelivery {
  readonly #context: MockContext
  readonly #drafts: (context: MockContext, event: WorldEvent) => PushDraft[]
  readonly #sends: () => boolean
  readonly #schedule: readonly number[]
  readonly #delay: readonly [number, number]
  #registration: Registration | undefined
  #nextMsgId = FIRST_MSG_ID
  readonly #messages = new Map<number, Message>()
  #journal: PushAttempt[] = []
  #dropped = 0
  #seq = 0
  /** The tail of the one-at-a-time queue of attempts. */
  #chain: Promise<unknown> = Promise.resolve()
  #held: Held[] = []
  #holdTimer: NodeJS.Timeout | undefined
  #retryTimer: NodeJS.Timeout | undefined
  #unsubscribe: (() => void) | undefined
  readonly #attemptListeners = new Set<(attempt: PushAttempt) => void>()

  constructor(context: MockContext, { drafts = draftsForEvent, sends = () => true }: PushDeliveryOptions = {}) {
    this.#context = context
    this.#drafts = drafts
    this.#sends = sends
    const { pushRetries, pushDelayMs } = context.options
    this.#schedule = parseRetrySchedule(pushRetries)
    const [min, max = min] = pushDelayMs.split('-').map(Number) as [number, number?]
    this.#delay = [Math.min(min, max), Math.max(min, max)]
    context.clock.onChange(() => this.#fireDue())
  }

  get #credentials(): PushCredentials {
    const { appId, appKey, corpId } = this.#context.options
    return corpId === undefined ? { appId, appKey } : { appId, appKey, corpId }
  }

  /**
   * Registers (or replaces) the tenant's receive address and subscription (comma-separated type
   * names; names of no known type are taken and listed as `unknownTypes`), brings an offline address back, and sends the
   * `register` push. Answers the registration.
   */
  register(receiveAddress: string, subscription: string): PushRegistration {
    const names = [...new Set(subscription.split(',').map((s) => s.trim()).filter(Boolean))]
    this.#registration = {
      receiveAddress,
      subscription: names,
      unknownTypes: names.filter((n) => !PUSH_TYPES.includes(n)),
      registeredAt: this.#context.clock.now(),
      offline: false,
      consecutiveFailures: 0,
    }
    this.#unsubscribe ??= this.#context.events.onAny((event) => this.#onEvent(event))
    this.#log(`registered ${receiveAddress} for ${names.join(',')}`)
    this.#dispatch(this.#create(generateDraft(this.#context, 'register')), 'register').catch((error: unknown) => this.#context.logger.internal(error, 'the register push'))
    return this.registration()!
  }

  registration(): PushRegistration | null {
    const r = this.#registration
    return r ? { ...r, subscription: [...r.subscription], unknownTypes: [...r.unknownTypes] } : null
  }

  /**
   * Sends a push of `type` now, generated from the world with `content` fields over the generated
   * ones (mock/push/messages.ts generateDraft), whatever the subscription. Answers the message and
   * its first attempt. No registration: PushStateError 409; a type or field the fake cannot make: PushInputError.
   */
  async trigger(type: string, content?: unknown): Promise<{ message: PushMessageState; attempt: PushAttempt }> {
    if (typeof type !== 'string' || type === '') throw new PushInputError('type: expected a push type name', 'type')
    if (content !== undefined && (typeof content !== 'object' || content === null || Array.isArray(content))) throw new PushInputError('content: expected an object of content fields', 'content')
    if (!this.#registration) throw new PushStateError(409, 'no receive address registered: POST …/v2/push-register {receiveAddress, subscription} first')
    const message = this.#create(generateDraft(this.#context, type, (content ?? {}) as Record<string, unknown>))
    const attempt = await this.#dispatch(message, 'trigger')
    return { message: view(message), attempt }
  }

  /** Sends message `msgId` again now (a new attempt, same msgId and noise). Unknown msgId: PushStateError 404. */
  resend(msgId: number): Promise<PushAttempt> {
    const message = this.#messages.get(msgId)
    if (!message) throw new PushStateError(404, `no push message ${msgId} (kept: the last ${this.#context.options.pushJournalSize})`)
    return this.#enqueue(message, 'resend')
  }

  /** Sends again every message made at or after `since` (virtual clock, epoch ms), in msgId order; answers their attempts. */
  redeliver(since: number): Promise<PushAttempt[]> {
    const messages = [...this.#messages.values()].filter((m) => m.createdAt >= since).sort((a, b) => a.msgId - b.msgId)
    return Promise.all(messages.map((m) => this.#enqueue(m, 'redeliver')))
  }

  /** The outgoing journal: every attempt, oldest first (bounded by `pushJournalSize`). */
  journal(): readonly PushAttempt[] {
    return this.#journal
  }

  /** Attempts the bound (`pushJournalSize`) dropped from the outgoing journal (cleared ones do not count). */
  get dropped(): number {
    return this.#dropped
  }

  clearJournal(): void {
    this.#journal = []
  }

  /**
   * Calls `listener` with every attempt once it is in the outgoing journal, synchronously; answers a
   * function that unsubscribes (the live stream, mock/admin/stream.ts).
   */
  onAttempt(listener: (attempt: PushAttempt) => void): () => void {
    this.#attemptListeners.add(listener)
    return () => void this.#attemptListeners.delete(listener)
  }

  /** How many `onAttempt` listeners are subscribed. */
  get attemptListenerCount(): number {
    return this.#attemptListeners.size
  }

  /** The messages kept (for resend), oldest first. */
  messages(): PushMessageState[] {
    return [...this.#messages.values()].map(view)
  }

  state(): PushesState {
    return { registration: this.registration(), pending: this.messages().filter((m) => m.state === 'pending'), attempts: this.journal() }
  }

  /**
   * Resolves when no push work is left that is due now: held windows released, due retries fired,
   * every attempt answered. Call it after a change, a trigger or a clock change, before asserting.
   */
  async settle(): Promise<void> {
    for (;;) {
      this.#release()
      this.#fireDue()
      const tail = this.#chain
      await tail
      if (tail === this.#chain && this.#held.length === 0 && !this.#anyDue()) return
    }
  }

  // ---- making messages ----

  #onEvent(event: WorldEvent): void {
    const registration = this.#registration
    if (!registration) return
    for (const draft of this.#drafts(this.#context, event)) {
      if (!registration.subscription.includes(draft.type)) continue
      this.#dispatch(this.#create(draft), 'event').catch((error: unknown) => this.#context.logger.internal(error, `a ${draft.type} push`))
    }
  }

  #create(draft: PushDraft): Message {
    const { seed, appId, pushJournalSize } = this.#context.options
    const msgId = this.#nextMsgId++
    const message: Message = {
      msgId,
      type: draft.type,
      noise: noiseFor(seed, appId, msgId),
      ...(draft.withEventId ? { eventId: eventIdFor(seed, appId, msgId) } : {}),
      content: draft.content,
      createdAt: this.#context.clock.now(),
      attempts: 0,
      state: 'queued',
    }
    this.#messages.set(msgId, message)
    for (const [id, old] of this.#messages) {
      if (this.#messages.size <= Math.max(1, pushJournalSize)) break
      if (old.state !== 'pending' && old.state !== 'queued' && old.state !== 'sending') this.#messages.delete(id)
      else if (this.#messages.size > 2 * Math.max(1, pushJournalSize)) this.#messages.delete(id)
    }
    return message
  }

  // ---- ordering: the reorder window, then one attempt at a time ----

  /** A new message's first attempt: through the reorder window when there is one. */
  #dispatch(message: Message, cause: PushCause): Promise<PushAttempt> {
    if (this.#context.options.pushReorderWindow <= 1) return this.#enqueue(message, cause)
    return new Promise<PushAttempt>((resolve, reject) => {
      this.#held.push({ message, cause, resolve, reject })
      if (this.#held.length >= this.#context.options.pushReorderWindow) this.#release()
      else if (!this.#holdTimer) {
        this.#holdTimer = setTimeout(() => this.#release(), REORDER_HOLD_MS)
        this.#holdTimer.unref()
      }
    })
  }

  /** Sends the held messages in a seeded permutation (seeded by the window's first msgId). */
  #release(): void {
    clearTimeout(this.#holdTimer)
    this.#holdTimer = undefined
    const group = this.#held.splice(0)
    if (group.length === 0) return
    const { seed, appId } = this.#context.options
    const rng = new Rng(mix(mix(mix(worldSeed(seed), hashString(`reorder:${appId}`)), group[0]!.message.msgId), 0))
    for (let k = group.length - 1; k > 0; k--) {
      const j = rng.int(k + 1)
      ;[group[k], group[j]] = [group[j]!, group[k]!]
    }
    for (const held of group) this.#enqueue(held.message, held.cause).then(held.resolve, held.reject)
  }

  /** Queues an attempt of `message` after every attempt queued before it. */
  #enqueue(message: Message, cause: PushCause): Promise<PushAttempt> {
    if (message.state === 'pending') message.state = 'queued'
    delete message.dueAt
    const run = this.#chain.then(() => this.#deliver(message, cause))
    this.#chain = run.catch(() => undefined)
    return run
  }

  // ---- retries on the virtual clock ----

  #anyDue(): boolean {
    const now = this.#context.clock.now()
    for (const m of this.#messages.values()) if (m.state === 'pending' && m.dueAt! <= now) return true
    return false
  }

  /** Queues every retry that is due, in order of due time then msgId, and sets the timer for the next one. */
  #fireDue(): void {
    const now = this.#context.clock.now()
    const due = [...this.#messages.values()].filter((m) => m.state === 'pending' && m.dueAt! <= now).sort((a, b) => a.dueAt! - b.dueAt! || a.msgId - b.msgId)
    for (const message of due) this.#enqueue(message, 'retry').catch((error: unknown) => this.#context.logger.internal(error, `a retry of push ${message.msgId}`))
    this.#armTimer()
  }

  /** While the clock runs, a real timer for the next due retry (never keeping the process alive). */
  #armTimer(): void {
    clearTimeout(this.#retryTimer)
    this.#retryTimer = undefined
    if (this.#context.clock.state().frozen) return
    let next = Infinity
    for (const m of this.#messages.values()) if (m.state === 'pending' && m.dueAt! < next) next = m.dueAt!
    if (next === Infinity) return
    this.#retryTimer = setTimeout(() => this.#fireDue(), Math.min(2 ** 31 - 1, Math.max(0, next - this.#context.clock.now())))
    this.#retryTimer.unref()
  }

  // ---- one attempt ----

  /** One attempt (and its duplicate, if drawn), then what follows from its verdict. */
  async #deliver(message: Message, cause: PushCause): Promise<PushAttempt> {
    message.attempts++
    message.state = 'sending'
    const attempt = await this.#send(message, cause, false)
    const registration = this.#registration
    if (attempt.verdict === 'acked') {
      message.state = 'acked'
      if (registration) registration.consecutiveFailures = 0
    } else if (attempt.verdict === 'offline') {
      message.state = 'offline'
    } else {
      if (registration && registration.receiveAddress === attempt.address && ++registration.consecutiveFailures >= this.#context.options.pushOfflineAfter && !registration.offline) {
        registration.offline = true
        this.#log(`${attempt.address} is offline after ${registration.consecutiveFailures} failed attempts`)
      }
      const delay = this.#schedule[message.attempts - 1]
      if (delay === undefined) message.state = 'given-up'
      else {
        message.state = 'pending'
        message.dueAt = attempt.at + delay
      }
    }
    if (attempt.verdict !== 'offline' && this.#draw('duplicate', message.msgId, message.attempts).chance(this.#context.options.pushDuplicates)) await this.#send(message, cause, true)
    this.#armTimer()
    return attempt
  }

  #draw(what: string, msgId: number, attempt: number): Rng {
    const { seed, appId } = this.#context.options
    return new Rng(mix(mix(mix(worldSeed(seed), hashString(`${what}:${appId}`)), msgId), attempt))
  }

  async #send(message: Message, cause: PushCause, duplicate: boolean): Promise<PushAttempt> {
    const registration = this.#registration
    const address = registration?.receiveAddress ?? ''
    const [min, max] = this.#delay
    const delayMs = max > 0 ? this.#draw(duplicate ? 'delay-duplicate' : 'delay', message.msgId, message.attempts).between(min, max) : 0
    if (delayMs > 0 && registration && !registration.offline) await sleep(delayMs)
    const at = this.#context.clock.now()
    const headers = pushHeaders(this.#credentials, at)
    const plaintext = encodePushMessage({ type: message.type, noise: message.noise, msgId: message.msgId, ...(message.eventId === undefined ? {} : { eventId: message.eventId }), content: message.content })
    const ciphertext = encryptPushBody(plaintext, this.#credentials)
    const record = (status: number, response: string, latencyMs: number, verdict: PushVerdict): PushAttempt => {
      const attempt: PushAttempt = {
        seq: ++this.#seq, msgId: message.msgId, type: message.type, noise: message.noise.toString(), ...(message.eventId === undefined ? {} : { eventId: message.eventId }),
        address, attempt: message.attempts, ...(duplicate ? { duplicate } : {}), cause, at, headers, plaintext, ciphertext, status, response, latencyMs, verdict,
      }
      this.#journal.push(attempt)
      const capacity = this.#context.options.pushJournalSize
      if (this.#journal.length > capacity) {
        this.#dropped += this.#journal.length - capacity
        this.#journal.splice(0, this.#journal.length - capacity)
      }
      for (const listener of [...this.#attemptListeners]) {
        try {
          listener(attempt)
        } catch (error) {
          this.#context.logger.internal(error, 'a listener of push attempts')
        }
      }
      this.#log(`${message.type} #${message.msgId} attempt ${message.attempts}${duplicate ? ' (duplicate)' : ''} → ${address || '(no address)'}: ${verdict}${status ? ` ${status}` : ''} ${latencyMs} ms`)
      return attempt
    }
    if (!this.#sends()) return record(0, 'not sent: another worker sends it', 0, 'acked')
    if (!registration || registration.offline) return record(0, registration ? 'not sent: the address is offline until it registers again' : 'not sent: no address registered', 0, 'offline')
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    try {
      const response = await globalThis.fetch(address, { method: 'POST', headers, body: ciphertext, redirect: 'manual', signal: AbortSignal.timeout(this.#context.options.pushTimeoutMs) })
      const text = await response.text()
      const verdict: PushVerdict = response.status !== 200 ? 'http-error' : acknowledges(text, message.noise, this.#context.options.pushAck) ? 'acked' : 'no-noise'
      return record(response.status, clip(text, 200), elapsed(), verdict)
    } catch (error) {
      const name = (error as Error)?.name
      if (name === 'TimeoutError' || name === 'AbortError') return record(0, `no answer within ${this.#context.options.pushTimeoutMs} ms`, elapsed(), 'timeout')
      return record(0, clip(failureText(error), 200), elapsed(), 'refused')
    }
  }

  #log(message: string): void {
    const logger = this.#context.logger
    if (logger.enabled) logger.log('push', message)
  }
}

/** What a failed fetch says: the socket error's code (ECONNREFUSED, ECONNRESET, …) and message. */
function failureText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`
  return (error as Error)?.message ?? String(error)
}

function view(m: Message): PushMessageState {
  return {
    msgId: m.msgId, type: m.type, noise: m.noise.toString(), ...(m.eventId === undefined ? {} : { eventId: m.eventId }), content: m.content,
    createdAt: m.createdAt, attempts: m.attempts, state: m.state, ...(m.dueAt === undefined ? {} : { dueAt: m.dueAt }),
  }
}
