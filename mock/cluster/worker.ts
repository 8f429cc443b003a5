/**
 * One worker of `--workers N` (decisions/0012-workers.md). It builds the same world as every other
 * worker and serves reads itself. A write it takes goes to the primary, which sends it to every
 * worker in one order; each applies it through its own handlers at the virtual time it was taken,
 * so ids and answers match, and the answer goes out once all have it. What exists once per tenant
 * (journal, coverage, outgoing pushes, the live stream, fault counts) lives in the lead, worker 1.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { FaultPlan } from '../faults.js'
import { hostRequest, hostResponse, requestBytes, respond, respondFault, respondStream, type HostResponse } from '../host-channel.js'
import type { Mock, MockHooks, MockOptions } from '../index.js'
import type { Intercept, RunningServer } from '../server.js'
import type { JournalEntry } from '../journal.js'
import { routeOf, WORKER_HEADER, WORKER_HEADER_ENV, WORKER_INDEX_ENV, type ToPrimary, type ToWorker, type WireAnswer, type WireRequest } from './wire.js'

/** What a request replicated from the primary runs with. */
interface Replicated {
  /** Real time the request was taken, epoch ms: the virtual clock reads from it. */
  readonly at: number
  /** A write being replayed into a restarted worker: nothing is sent out. */
  readonly replay: boolean
  /** Faults are the lead's: a follower applies the write as the lead's outcome says. */
  readonly noFaults: boolean
  /** The fault plan the lead drew for it. */
  plan?: FaultPlan
}

const NO_FAULTS = (): FaultPlan => ({ hits: [], latencyMs: 0, deep: [] })

export interface ClusterWorker {
  readonly index: number
  readonly lead: boolean
  /** createMock's options and hooks for this worker: the virtual clock reads a replicated request's time; only the lead sends pushes. */
  options(options: MockOptions): MockOptions
  readonly hooks: MockHooks
  /** startServer's `intercept`. */
  readonly intercept: Intercept
  /** Joins the cluster with the mock and its running server: replays the writes so far, then answers; `banner` for the primary to print. */
  join(mock: Mock, server: RunningServer, banner: string): void
}

const send = (message: ToPrimary) => process.send!(message)

async function wireRequest(request: Request): Promise<WireRequest> {
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await requestBytes(request)
  const headers: [string, string][] = []
  request.headers.forEach((value, name) => headers.push([name, value]))
  return { url: request.url, method: request.method, headers, body, at: Date.now() }
}

function wireAnswer(answer: HostResponse): WireAnswer {
  return { status: answer.status, headers: answer.headers, body: answer.body, ...(answer.fault ? { fault: answer.fault } : {}), ...(answer.stream ? { stream: true as const } : {}) }
}

export function clusterWorker(): ClusterWorker {
  const index = Number(process.env[WORKER_INDEX_ENV])
  const lead = index === 1
  const tagged = process.env[WORKER_HEADER_ENV] === '1'
  const replicated = new AsyncLocalStorage<Replicated>()
  let mock: Mock | undefined
  let server: RunningServer | undefined
  let ready = false
  let whenReady: () => void
  const readyPromise = new Promise<void>((resolve) => (whenReady = resolve))

  let nextId = 1
  /** Answers awaited; for a relayed stream, its controller once made (chunks that come before it wait in `early`). */
  const waiting = new Map<number, { resolve: (answer: WireAnswer) => void; stream?: ReadableStreamDefaultController<Uint8Array>; early?: Uint8Array[]; ended?: boolean }>()
  /** Requests the lead serves for others: their live streams, to cancel when the client leaves. */
  const serving = new Map<number, ReadableStreamDefaultReader<Uint8Array>>()

  const ask = (t: 'write' | 'lead', request: WireRequest, id = nextId++) =>
    new Promise<WireAnswer>((resolve) => {
      waiting.set(id, { resolve })
      send({ t, id, request })
    })

  /** The answer to a host request, with this worker's tag when tests ask for it. */
  const reply = (request: Request, answer: WireAnswer, stream?: ReadableStream<Uint8Array>): Response => {
    const headers = tagged ? { ...answer.headers, [WORKER_HEADER]: String(index) } : answer.headers
    if (answer.fault) return respondFault(request, answer.fault, answer.status, headers, answer.body as Uint8Array<ArrayBuffer>) as Response
    if (stream) return respondStream(request, answer.status, headers, stream)
    return respond(request, answer.status, headers, answer.body as Uint8Array<ArrayBuffer>)
  }

  const scopes = () => mock!.tenants ?? [mock!]

  const faultsActive = () => scopes().some((m) => m.context.faults.active)
  /** Local reads stay on the host's fast path; until the world is ready, and when tests tag answers, every request comes here. */
  const claims = (method: string, path: string) => !ready || tagged || routeOf(method, path, faultsActive()) !== 'local'
  const handle = async (request: Request): Promise<Response> => {
    if (!ready) await readyPromise
    const route = routeOf(request.method, new URL(request.url).pathname, faultsActive())
    if (route === 'local') return reply(request, wireAnswer(await hostResponse(request, await server!.answer(request))))
    const wire = await wireRequest(request)
    if (route === 'write') return reply(request, await ask('write', wire))
    // A lead request: its answer, or its stream, relayed.
    const id = nextId++
    const answer = await ask('lead', wire, id)
    if (!answer.stream) return reply(request, answer)
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        const entry = waiting.get(id)!
        for (const chunk of entry.early ?? []) controller.enqueue(chunk)
        if (entry.ended) return void (waiting.delete(id), controller.close())
        entry.stream = controller
      },
      cancel: () => {
        waiting.delete(id)
        send({ t: 'cancel', id })
      },
    })
    return reply(request, answer, stream)
  }

  /** A replicated request through this worker's own handlers, as the host would answer it. */
  const run = async (wire: WireRequest, context: Replicated): Promise<HostResponse> => {
    const request = hostRequest(new URL(wire.url), wire.method, new Headers(wire.headers as [string, string][]), wire.body)
    return replicated.run(context, async () => hostResponse(request, await server!.answer(request)))
  }

  /** Writes are applied one at a time, in the order they came. */
  let applying: Promise<unknown> = Promise.resolve()
  const inOrder = (work: () => Promise<void>) => void (applying = applying.then(work).catch((error: unknown) => mock?.context.logger.internal(error, 'a replicated write')))

  /** A lead request served for another worker. */
  const serve = async (id: number, wire: WireRequest) => {
    const request = hostRequest(new URL(wire.url), wire.method, new Headers(wire.headers as [string, string][]), wire.body)
    const answer = await hostResponse(request, await server!.answer(request))
    send({ t: 'answer', id, answer: wireAnswer(answer) })
    if (!answer.stream) return
    const reader = answer.stream.getReader()
    serving.set(id, reader)
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        send({ t: 'chunk', id, data: value })
      }
    } catch {
      // cancelled: the client left
    }
    serving.delete(id)
    send({ t: 'end', id })
  }

  const onMessage = (message: ToWorker) => {
    switch (message.t) {
      case 'replay':
        return inOrder(async () => {
          for (const wire of message.log) await run(wire, { at: wire.at, replay: true, noFaults: true })
          ready = true
          whenReady()
          send({ t: 'ready', ...(bannerText === undefined ? {} : { banner: bannerText }) })
        })
      case 'apply':
        return inOrder(async () => {
          const context: Replicated = { at: message.request.at, replay: false, noFaults: !message.lead }
          const answer = await run(message.request, context)
          send({ t: 'ack', seq: message.seq, answer: wireAnswer(answer), terminal: context.plan?.terminal !== undefined })
        })
      case 'serve':
        return void readyPromise.then(() => serve(message.id, message.request)).catch((error: unknown) => mock?.context.logger.internal(error, 'a request for another worker'))
      case 'cancel':
        return void serving.get(message.id)?.cancel().catch(() => undefined)
      case 'answer': {
        const entry = waiting.get(message.id)
        if (!message.answer.stream) waiting.delete(message.id)
        return entry?.resolve(message.answer)
      }
      case 'chunk': {
        const entry = waiting.get(message.id)
        if (entry?.stream) return entry.stream.enqueue(message.data)
        if (entry) (entry.early ??= []).push(message.data)
        return
      }
      case 'end': {
        const entry = waiting.get(message.id)
        if (!entry?.stream) return void (entry && (entry.ended = true))
        waiting.delete(message.id)
        return entry.stream.close()
      }
      case 'journal': {
        const journal = scopes()[message.tenant]?.context.journal
        for (const { seq: _seq, ...entry } of message.entries) journal?.record(entry)
        return
      }
      case 'stop':
        return void server?.close().then(() => process.exit(0))
    }
  }

  /**
   * Journal entries for the lead, sent once per turn of the event loop (the answers of that turn
   * written already): one message for every request a busy worker served meanwhile, not one each.
   */
  const forwarding = new Map<number, JournalEntry[]>()
  const flushJournal = () => {
    for (const [tenant, entries] of forwarding) send({ t: 'journal', tenant, entries })
    forwarding.clear()
  }
  const forward = (tenant: number, entry: JournalEntry) => {
    if (forwarding.size === 0) setImmediate(flushJournal)
    const entries = forwarding.get(tenant)
    if (entries) entries.push(entry)
    else forwarding.set(tenant, [entry])
  }

  let bannerText: string | undefined
  return {
    index,
    lead,
    options: (options) => ({ ...options, now: () => replicated.getStore()?.at ?? Date.now() }),
    hooks: { pushSends: () => lead && replicated.getStore()?.replay !== true },
    intercept: { claims, handle },
    join(joined, running, banner) {
      mock = joined
      server = running
      bannerText = lead ? banner : undefined
      for (const [k, m] of scopes().entries()) {
        // The lead's draw decides a replicated write's faults; the others follow its outcome.
        const faults = m.context.faults
        const plan = faults.plan.bind(faults)
        faults.plan = (...args) => {
          const context = replicated.getStore()
          if (context?.noFaults) return NO_FAULTS()
          const drawn = plan(...args)
          if (context) context.plan = drawn
          return drawn
        }
        // The tenant's one journal is the lead's: the others send it what they serve themselves.
        if (!lead) m.context.journal.onEntry((entry) => (replicated.getStore() ? undefined : forward(k, entry)))
      }
      process.on('message', onMessage)
      // The primary gone: nothing is left to sequence writes.
      process.once('disconnect', () => void running.close().then(() => process.exit(0)))
      send({ t: 'built' })
    },
  }
}
