/**
 * The admin API's live stream (`GET …/stream`, server-sent events: `request`, `push`, `world`,
 * `clock`), one EventSource shared by every listener: opened with the first listener, closed with
 * the last, reopened when the tenant or token changes (`restart`). An EventSource cannot send
 * headers, so the token goes as `?token=` (the one route that takes it so).
 */
import { adminUrl, token } from './api.js'

export type StreamEvent = 'request' | 'push' | 'world' | 'clock' | 'error'
type Listener = (data: unknown, event: StreamEvent, id: string) => void

const listeners = new Map<StreamEvent, Set<Listener>>()
let source: EventSource | null = null

function open(): void {
  const url = adminUrl('stream')
  const given = token()
  if (given) url.searchParams.set('token', given)
  source = new EventSource(url)
  for (const event of listeners.keys()) attach(event)
}

function attach(event: StreamEvent): void {
  source?.addEventListener(event, (message) => {
    const { data, lastEventId } = message as MessageEvent<string>
    let parsed: unknown
    try {
      parsed = JSON.parse(data)
    } catch {
      return
    }
    for (const listener of listeners.get(event) ?? []) listener(parsed, event, lastEventId)
  })
}

/** Calls `listener` with each `event`'s data; answers the function that stops it. */
export function subscribe(event: StreamEvent, listener: Listener): () => void {
  let set = listeners.get(event)
  if (!set) {
    set = new Set()
    listeners.set(event, set)
    attach(event)
  }
  set.add(listener)
  if (!source) open()
  return () => {
    set.delete(listener)
    if (set.size === 0) listeners.delete(event)
    if (listeners.size === 0) {
      source?.close()
      source = null
    }
  }
}

/** Reconnects (a new tenant or token), keeping the listeners. */
export function restart(): void {
  if (!source) return
  source.close()
  open()
}
