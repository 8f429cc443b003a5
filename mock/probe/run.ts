/**
 * The probe's runner: every request of the battery goes through `ask`, which signs it, keeps to the
 * rate (`qps`: no two requests start closer than 1/qps s), retries what a rate limit or a gateway
 * turned away (exponential back-off, each attempt signed afresh), and records the answer's
 * non-personal summary under the step's key in a state file: the battery replays from it with
 * `--resume`, asking only what it has no answer for.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { computeSign } from '../protocol/signing.js'
import type { Evidence } from './calibration.js'
import { redactBody } from './redact.js'

/** One request of the battery. */
export interface ProbeRequest {
  readonly path: string
  readonly body?: unknown
  readonly method?: 'POST' | 'GET'
  /** How to sign: as the rule says (default), upper-case hex, a wrong sign, or no sign header. */
  readonly sign?: 'ok' | 'upper' | 'wrong' | 'none'
  readonly appId?: string
  /** Added to the prober's clock for `timestamp`, ms (negative: in the past). */
  readonly timestampOffsetMs?: number
  /** A timestamp header as is (a non-numeric one). */
  readonly timestampText?: string
  /** Said in the evidence: what is special about the request. */
  readonly note?: string
}

/** An answer as the battery sees it, in flight only (it may hold personal data: never stored). */
export interface Answer {
  readonly status: number
  /** The parsed body, or undefined when it was not JSON. */
  readonly json: unknown
  readonly code: number | null
  readonly message: string | null
  readonly data: unknown
  readonly ms: number
}

/** What the state file keeps of one step: the evidence and the summary the battery extracted. */
export interface Recorded<T> {
  readonly evidence: Evidence[]
  readonly summary: T
}

/** A step's requests: one, or a chain where each may depend on the answers before it (undefined: stop). */
export type StepRequests = ProbeRequest | readonly (ProbeRequest | ((previous: readonly Answer[]) => ProbeRequest | undefined))[]

export interface RunnerOptions {
  readonly baseUrl: string
  readonly appId: string
  readonly appKey: string
  /** Requests per second (default 2). */
  readonly qps?: number
  /** Attempts after the first when a rate limit, "system busy" or a gateway answers (default 6). */
  readonly retries?: number
  /** The first back-off, ms (default 1000), doubled each time, at most 30 s. */
  readonly backoffMs?: number
  /** Envelope codes that mean "try again later" (default -1 system busy, 429 the fake's rate limit). */
  readonly retryCodes?: readonly number[]
  /** The state file (answers so far); undefined: kept in memory only. */
  readonly stateFile?: string
  /** Start from the state file's answers. */
  readonly resume?: boolean
  readonly fetch?: typeof fetch
  readonly now?: () => number
  /** Told after each step: steps done (answered or replayed), and retries so far. */
  readonly onStep?: (done: number, info: { retries: number; replayed: boolean; key: string; requests: number }) => void
  readonly onRetry?: (info: { key: string; attempt: number; delayMs: number; reason: string }) => void
}

interface StateFile {
  readonly version: 1
  readonly baseUrl: string
  readonly appId: string
  readonly steps: Record<string, Recorded<unknown>>
}

export class ProbeError extends Error {}

export class ProbeRunner {
  readonly #options: RunnerOptions
  readonly #steps: Record<string, Recorded<unknown>>
  readonly #fetch: typeof fetch
  readonly #now: () => number
  #lastStart = -Infinity
  #done = 0
  /** Requests sent, retries included. */
  requests = 0
  retries = 0

  constructor(options: RunnerOptions) {
    this.#options = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') }
    this.#fetch = options.fetch ?? fetch
    this.#now = options.now ?? Date.now
    this.#steps = {}
    if (options.resume && options.stateFile && existsSync(options.stateFile)) {
      let state: StateFile
      try {
        state = JSON.parse(readFileSync(options.stateFile, 'utf8')) as StateFile
      } catch (error) {
        throw new ProbeError(`--resume: cannot read ${options.stateFile}: ${(error as Error).message}`)
      }
      if (state.version !== 1 || state.baseUrl !== this.#options.baseUrl || state.appId !== options.appId) {
        throw new ProbeError(`--resume: ${options.stateFile} is a probe of ${state.baseUrl} (appId ${state.appId}), not of ${this.#options.baseUrl} (appId ${options.appId})`)
      }
      this.#steps = state.steps
    }
  }

  /** Steps answered so far (from this run or the state file). */
  get answered(): number {
    return Object.keys(this.#steps).length
  }

  /**
   * One step: the recorded summary when the state has it; else the request, sent (and retried
   * while a rate limit or gateway answers), summarised by `extract`, recorded.
   */
  async ask<T>(key: string, requests: StepRequests, extract: (answers: readonly Answer[]) => T): Promise<Recorded<T>> {
    const known = this.#steps[key] as Recorded<T> | undefined
    if (known) {
      this.#options.onStep?.(++this.#done, { retries: this.retries, replayed: true, key, requests: this.requests })
      return known
    }
    const answers: Answer[] = []
    const evidence: Evidence[] = []
    for (const [k, next] of (Array.isArray(requests) ? requests : [requests]).entries()) {
      const request = typeof next === 'function' ? (next as (previous: readonly Answer[]) => ProbeRequest | undefined)(answers) : (next as ProbeRequest)
      if (request === undefined) break
      const at = new Date(this.#now()).toISOString()
      const answer = await this.#sendRetrying(key, request)
      answers.push(answer)
      evidence.push({
        step: k === 0 ? key : `${key}.${k}`,
        method: request.method ?? 'POST',
        path: request.path,
        ...(request.body === undefined ? {} : { body: redactBody(request.body) }),
        ...(request.note ? { note: request.note } : {}),
        status: answer.status,
        code: answer.code,
        message: answer.message,
        ms: Math.round(answer.ms),
        at,
      })
    }
    const recorded: Recorded<T> = { evidence, summary: extract(answers) }
    this.#steps[key] = recorded
    this.#save()
    this.#options.onStep?.(++this.#done, { retries: this.retries, replayed: false, key, requests: this.requests })
    return recorded
  }

  /** Whether an answer is a rate limit, "system busy" or a gateway's: worth another attempt, and no measurement. */
  #transient(answer: Answer): string | undefined {
    const codes = this.#options.retryCodes ?? [-1, 429]
    if (answer.json === undefined && (answer.status >= 500 || answer.status === 429 || answer.status === 0)) return `HTTP ${answer.status || 'connection failed'}`
    if (answer.code !== null && codes.includes(answer.code)) return `code ${answer.code}`
    return undefined
  }

  async #sendRetrying(key: string, request: ProbeRequest): Promise<Answer> {
    const retries = this.#options.retries ?? 6
    for (let attempt = 0; ; attempt++) {
      const answer = await this.#send(request)
      const reason = this.#transient(answer)
      if (reason === undefined) return answer
      if (attempt >= retries) throw new ProbeError(`${request.path} (step ${key}): still ${reason} after ${retries} retries; rerun later with --resume, or with a lower --qps`)
      const delayMs = Math.min(30_000, (this.#options.backoffMs ?? 1000) * 2 ** attempt)
      this.retries++
      this.#options.onRetry?.({ key, attempt: attempt + 1, delayMs, reason })
      await sleep(delayMs)
    }
  }

  /** Waits until the rate allows the next request. */
  async #pace(): Promise<void> {
    const due = this.#lastStart + 1000 / (this.#options.qps ?? 2)
    // Timers may fire a fraction of a millisecond early: wait until the time is really due.
    for (let wait = due - performance.now(); wait > 0; wait = due - performance.now()) await sleep(Math.ceil(wait))
    this.#lastStart = performance.now()
  }

  async #send(request: ProbeRequest): Promise<Answer> {
    await this.#pace()
    this.requests++
    const { appKey, baseUrl } = this.#options
    const appId = request.appId ?? this.#options.appId
    const method = request.method ?? 'POST'
    const text = method === 'GET' ? '' : JSON.stringify(request.body ?? {})
    const timestamp = request.timestampText ?? String(Math.trunc(this.#now() + (request.timestampOffsetMs ?? 0)))
    const sign = computeSign(appId, timestamp, request.sign === 'wrong' ? `${text} ` : text, appKey)
    const headers: Record<string, string> = { 'content-type': 'application/json', appId, timestamp }
    if (request.sign !== 'none') headers.sign = request.sign === 'upper' ? sign.toUpperCase() : sign
    const started = performance.now()
    let status = 0
    let raw = ''
    try {
      const response = await this.#fetch(`${baseUrl}${request.path}`, { method, headers, ...(method === 'GET' ? {} : { body: text }), signal: AbortSignal.timeout(30_000) })
      status = response.status
      raw = await response.text()
    } catch {
      // status 0: no whole answer (retried as transient)
    }
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      json = undefined
    }
    const envelope = (json ?? {}) as { code?: unknown; message?: unknown; data?: unknown }
    return {
      status,
      json,
      code: typeof envelope.code === 'number' ? envelope.code : null,
      message: typeof envelope.message === 'string' ? envelope.message : null,
      data: envelope.data,
      ms: performance.now() - started,
    }
  }

  #save(): void {
    const file = this.#options.stateFile
    if (!file) return
    const state: StateFile = { version: 1, baseUrl: this.#options.baseUrl, appId: this.#options.appId, steps: this.#steps }
    writeFileSync(`${file}.tmp`, JSON.stringify(state))
    renameSync(`${file}.tmp`, file)
  }
}
