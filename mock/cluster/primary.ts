/**
 * The primary of `--workers N` (decisions/0012-workers.md): forks the workers (each builds the same
 * world and listens on the one port), sequences writes — the lead applies each first, then the
 * others, in the same order — routes what exists once per tenant to the lead, and restarts a worker
 * that dies (it rebuilds the world and replays the writes so far). It serves no request itself.
 */
import cluster, { type Worker } from 'node:cluster'
import { stopOnSignals, type RunningServer } from '../server.js'
import { WORKER_INDEX_ENV, type ToPrimary, type ToWorker, type WireAnswer, type WireRequest } from './wire.js'

interface PendingWrite {
  readonly origin: number
  readonly id: number
  readonly request: WireRequest
  /** `lead`: waiting for the lead's answer; `followers`: for the others to apply it. */
  phase: 'lead' | 'followers'
  lead: number
  answer?: WireAnswer
  readonly waiting: Set<number>
}

const unavailable = (what: string): WireAnswer => ({
  status: 503,
  headers: { 'content-type': 'application/json;charset=UTF-8' },
  body: Buffer.from(JSON.stringify({ error: `the worker ${what} stopped; try again` })),
})

const log = (line: string) => void process.stderr.write(`tanma-mock: ${line}\n`)

/**
 * Runs the cluster; prints the lead's banner (with a line on the workers) once every worker
 * answers. A worker that fails before then ends the whole: its own error is on stderr.
 */
export function runPrimary(count: number): void {
  cluster.setupPrimary({ serialization: 'advanced' })
  const workers = new Map<number, Worker>()
  /** Workers that have the writes so far (replayed) or are being given them: each write goes to them. */
  const joined = new Set<number>()
  const ready = new Set<number>()
  /** Every write the workers applied, for a restarted worker to replay. */
  const history: WireRequest[] = []
  const pending = new Map<number, PendingWrite>()
  let seq = 0
  let lead = 1
  let started = false
  let stopping = false
  let banner: string | undefined
  /** Lead requests in progress, by the primary's id: who asked, and which worker serves it. */
  const leadRequests = new Map<number, { origin: number; id: number; server: number }>()
  const byOrigin = new Map<string, number>()
  let nextLeadId = 1

  const tell = (index: number, message: ToWorker) => {
    const worker = workers.get(index)
    if (worker?.isConnected()) worker.send(message)
  }
  const lowest = () => Math.min(...joined)
  /** The lead changes only between writes (else a write could overtake another) or when it is gone. */
  const currentLead = () => {
    const leadPhase = [...pending.values()].some((p) => p.phase === 'lead')
    if (!joined.has(lead) || !leadPhase) lead = lowest()
    return lead
  }

  const finish = (s: number, write: PendingWrite) => {
    pending.delete(s)
    tell(write.origin, { t: 'answer', id: write.id, answer: write.answer ?? unavailable('applying the write') })
  }

  const onAck = (from: number, s: number, answer: WireAnswer, terminal: boolean) => {
    const write = pending.get(s)
    if (!write) return
    if (write.phase === 'lead') {
      if (from !== write.lead) return
      write.answer = answer
      // A fault answered instead of the endpoint: nothing changed, nothing to apply elsewhere.
      if (terminal) return finish(s, write)
      history.push(write.request)
      write.phase = 'followers'
      for (const index of joined) if (index !== from) (write.waiting.add(index), tell(index, { t: 'apply', seq: s, request: write.request, lead: false }))
    } else write.waiting.delete(from)
    if (write.waiting.size === 0) finish(s, write)
  }

  const endLeadRequest = (pid: number) => {
    const request = leadRequests.get(pid)
    if (!request) return
    leadRequests.delete(pid)
    byOrigin.delete(`${request.origin}:${request.id}`)
  }

  const onMessage = (from: number, message: ToPrimary) => {
    switch (message.t) {
      case 'built':
        joined.add(from)
        return tell(from, { t: 'replay', log: history })
      case 'ready':
        ready.add(from)
        banner ??= message.banner
        if (!started && ready.size === count) {
          started = true
          const pids = [...workers.values()].map((w) => w.process.pid).join(', ')
          const lines = (banner ?? '').split('\n')
          const at = lines.findIndex((l) => l.startsWith('  listening'))
          lines.splice(at + 1, 0, `  workers    ${count} processes serve one world on this port (pids ${pids}); writes reach all before they are answered   (docs/performance.md#workers)`)
          process.stdout.write(lines.join('\n') + (lines.at(-1) === '' ? '' : '\n'))
        } else if (started) log(`worker ${from} is back (world rebuilt, ${history.length} writes replayed)`)
        return
      case 'write': {
        const s = ++seq
        const to = currentLead()
        pending.set(s, { origin: from, id: message.id, request: message.request, phase: 'lead', lead: to, waiting: new Set() })
        return tell(to, { t: 'apply', seq: s, request: message.request, lead: true })
      }
      case 'ack':
        return onAck(from, message.seq, message.answer, message.terminal)
      case 'lead': {
        if (joined.size === 0) return tell(from, { t: 'answer', id: message.id, answer: unavailable('holding the journal') })
        const pid = nextLeadId++
        const server = currentLead()
        leadRequests.set(pid, { origin: from, id: message.id, server })
        byOrigin.set(`${from}:${message.id}`, pid)
        return tell(server, { t: 'serve', id: pid, request: message.request })
      }
      case 'answer': {
        const request = leadRequests.get(message.id)
        if (!request) return
        if (!message.answer.stream) endLeadRequest(message.id)
        return tell(request.origin, { t: 'answer', id: request.id, answer: message.answer })
      }
      case 'chunk':
      case 'end': {
        const request = leadRequests.get(message.id)
        if (!request) return
        if (message.t === 'end') endLeadRequest(message.id)
        return tell(request.origin, { ...message, id: request.id })
      }
      case 'cancel': {
        const pid = byOrigin.get(`${from}:${message.id}`)
        if (pid === undefined) return
        const server = leadRequests.get(pid)!.server
        endLeadRequest(pid)
        return tell(server, { t: 'cancel', id: pid })
      }
      case 'journal':
        // The lead keeps the tenant's journal; its own entries are in it already.
        if (from !== currentLead()) tell(currentLead(), message)
        return
    }
  }

  const onExit = (index: number, worker: Worker) => {
    if (workers.get(index) !== worker) return
    workers.delete(index)
    joined.delete(index)
    ready.delete(index)
    if (!started && !stopping) {
      // Building or listening failed (the worker said why on stderr): the others go too.
      stopping = true
      for (const other of workers.values()) other.process.kill('SIGTERM')
      process.exitCode = 1
      return
    }
    if (stopping) {
      if (workers.size === 0) process.exit(process.exitCode ?? 0)
      return
    }
    // Its writes in flight: the followers' are done without it; the lead's go to the new lead, in order.
    for (const [s, write] of [...pending].sort(([a], [b]) => a - b)) {
      if (write.phase === 'followers') {
        write.waiting.delete(index)
        if (write.waiting.size === 0) finish(s, write)
      } else if (write.lead === index) {
        if (joined.size === 0) finish(s, write)
        else tell((write.lead = currentLead()), { t: 'apply', seq: s, request: write.request, lead: true })
      }
    }
    for (const [pid, request] of [...leadRequests]) {
      if (request.server !== index) continue
      endLeadRequest(pid)
      tell(request.origin, { t: 'answer', id: request.id, answer: unavailable('holding the journal') })
    }
    log(`worker ${index} (pid ${worker.process.pid}) exited (${worker.process.signalCode ?? `code ${worker.process.exitCode}`}); restarting it: it rebuilds the world and replays ${history.length} writes`)
    fork(index)
  }

  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_INDEX_ENV]: String(index) })
    workers.set(index, worker)
    worker.on('message', (message: ToPrimary) => onMessage(index, message))
    worker.on('exit', () => onExit(index, worker))
  }
  for (let index = 1; index <= count; index++) fork(index)

  let closed: Promise<void> | undefined
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      stopping = true
      if (workers.size === 0) return resolve()
      for (const index of workers.keys()) tell(index, { t: 'stop' })
      const check = setInterval(() => workers.size === 0 && (clearInterval(check), resolve()), 50)
    }))
  stopOnSignals({ close } as unknown as RunningServer)
}
