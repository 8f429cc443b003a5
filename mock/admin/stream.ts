/**
 * The live stream of the admin API: `GET /__mock/stream`, server-sent events (docs/admin.md, "Live
 * stream") for the console and for anyone with `curl -N`. Named events, each `data` one JSON line:
 * `request` (a request journal entry, with its diagnosis; its `id` is the entry's seq), `push` (a
 * push attempt: plaintext, verdict), `world` (a world-change event, mock/world/events.ts), `clock`
 * (the clock's new state). `Last-Event-ID` (or `?since=<seq>`) first replays the journal entries
 * after that seq (all of them when the seq is past the journal's last: the fake restarted). A comment every HEARTBEAT_MS keeps proxies from timing the connection out.
 *
 * Each client has its own bounded queue: one that reads too slowly for STREAM_QUEUE_LIMIT events is
 * sent a last `error` event and dropped, so a stalled browser tab cannot make the fake hold events
 * without end. A client that goes away is unsubscribed at once (the stream is cancelled).
 */
import type { MockContext } from '../core/context.js'
import { respondStream } from '../host-channel.js'
import type { JournalEntry } from '../journal.js'
import { AdminError } from './functions.js'

/** Between heartbeat comments, ms. */
export const HEARTBEAT_MS = 15_000
/** Events a client may leave unread (beyond the replay it asked for) before it is dropped. */
export const STREAM_QUEUE_LIMIT = 1_000

/** The journal seq to resume after: `Last-Event-ID`, else `?since=`; 0 replays nothing. */
function resumeSeq(request: Request): number {
  const given = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('since')
  if (given === null || given.trim() === '') return 0
  const seq = Number(given)
  if (!Number.isSafeInteger(seq) || seq < 0) throw new AdminError(400, `Last-Event-ID / since: expected a journal seq (a whole number ≥ 0), got ${JSON.stringify(given.slice(0, 40))}`, ['since: expected a whole number ≥ 0'])
  return seq
}

const encoder = new TextEncoder()

/** One server-sent event: `event`, optional `id`, `data` as one JSON line. */
export function sseEvent(event: string, data: unknown, id?: number): Uint8Array {
  return encoder.encode(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`)
}

export interface StreamOptions {
  readonly heartbeatMs?: number
  readonly queueLimit?: number
}

/** The stream's answer to `request` (already past the guard), over `context`'s journal, pushes, world events and clock. */
export function streamResponse(context: MockContext, request: Request, headers: Record<string, string>, { heartbeatMs = HEARTBEAT_MS, queueLimit = STREAM_QUEUE_LIMIT }: StreamOptions = {}): Response {
  const asked = resumeSeq(request)
  // A seq this journal never gave: the client saw another run of the fake (it restarted), so all of this one's is new to it.
  const since = asked > context.journal.lastSeq ? 0 : asked
  const replay: JournalEntry[] = context.journal.list().filter((entry) => entry.seq > since)
  const limit = queueLimit + replay.length + 1 // and the opening comment
  const unsubscribe: (() => void)[] = []
  let open = true
  const stop = () => {
    if (!open) return
    open = false
    for (const off of unsubscribe.splice(0)) off()
  }
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const send = (chunk: Uint8Array) => {
          if (!open) return
          // desiredSize is minus the chunks unread (highWaterMark 0): too many, and the client is dropped.
          if (-(controller.desiredSize ?? 0) >= limit) {
            controller.enqueue(sseEvent('error', { error: `the client read too slowly (over ${queueLimit} events unread): the stream is closed; reconnect with Last-Event-ID to resume` }))
            stop()
            controller.close()
            return
          }
          controller.enqueue(chunk)
        }
        controller.enqueue(encoder.encode(`: tanma-mock live stream\nretry: 2000\n\n`))
        for (const entry of replay) controller.enqueue(sseEvent('request', entry, entry.seq))
        unsubscribe.push(
          context.journal.onEntry((entry) => send(sseEvent('request', entry, entry.seq))),
          context.pushes.onAttempt((attempt) => send(sseEvent('push', attempt))),
          context.events.onAny((event) => send(sseEvent('world', event))),
          context.clock.onChange((state) => send(sseEvent('clock', state))),
        )
        const heartbeat = setInterval(() => send(encoder.encode(': heartbeat\n\n')), heartbeatMs)
        heartbeat.unref?.()
        unsubscribe.push(() => clearInterval(heartbeat))
        // In-process, a client that aborts its fetch.
        request.signal?.addEventListener('abort', () => {
          if (!open) return
          stop()
          try {
            controller.close()
          } catch {
            // already closed
          }
        })
      },
      cancel: stop,
    },
    { highWaterMark: 0 },
  )
  return respondStream(request, 200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }, stream)
}
