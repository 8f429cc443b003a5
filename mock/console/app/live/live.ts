/**
 * What the live pages share: the journals' entry shapes, times on the fake's clock (Beijing), and
 * a hook over the stream (app/stream.ts) that keeps the latest entries: the journal's window first
 * (GET `path`), then each stream event, by seq (a seq seen twice, window and stream overlapping, once).
 */
import { useEffect, useState } from 'preact/hooks'
import { api, Unauthorised } from '../api.js'
import { auth } from '../components.js'
import { subscribe, type StreamEvent } from '../stream.js'

export { beijing, pretty } from './format.js'

/** A request journal entry (mock/journal.ts JournalEntry), as the console reads it. */
export interface RequestEntry {
  seq: number
  requestId: string
  time: number
  method: string
  path: string
  endpoint: string | null
  appId: string | null
  signature: string
  code: number | null
  status: number
  faults?: string[]
  delayMs?: number
  diagnosis?: string
  items?: number
}

/** A push attempt (mock/push/delivery.ts PushAttempt). */
export interface PushAttempt {
  seq: number
  msgId: number
  type: string
  noise: string
  address: string
  attempt: number
  duplicate?: boolean
  cause: string
  at: number
  headers: Record<string, string>
  plaintext: string
  status: number
  response: string
  latencyMs: number
  verdict: string
}

/** Rows the live tables keep (the latest). */
export const LIVE_ROWS = 200

/**
 * The latest `LIVE_ROWS` entries, newest first: `load()`'s answer, then every `event` from the
 * stream. `error` is a failed load (the stream keeps adding).
 */
export function useLive<T extends { seq: number }>(event: StreamEvent, load: () => Promise<readonly T[]>, feed?: (batch: readonly T[]) => void): { rows: T[]; error: Error | undefined; clear: () => void } {
  const [rows, setRows] = useState<T[]>([])
  const [error, setError] = useState<Error | undefined>(undefined)
  useEffect(() => {
    const merge = (more: readonly T[]) => {
      feed?.(more)
      setRows((now) => {
        const seen = new Set(now.map((r) => r.seq))
        const fresh = more.filter((r) => !seen.has(r.seq))
        return fresh.length === 0 ? now : [...now, ...fresh].sort((a, b) => b.seq - a.seq).slice(0, LIVE_ROWS)
      })
    }
    const stop = subscribe(event, (data) => merge([data as T]))
    load().then(merge, (e: Error) => {
      if (e instanceof Unauthorised) auth.needed(e)
      setError(e)
    })
    return stop
  }, [])
  return { rows, error, clear: () => setRows([]) }
}

/** Calls `listener` on each of `events` from the stream while the component is mounted. */
export function useStreamEvents(events: readonly StreamEvent[], listener: (event: StreamEvent, data: unknown) => void): void {
  useEffect(() => {
    const stops = events.map((e) => subscribe(e, (data) => listener(e, data)))
    return () => stops.forEach((stop) => stop())
  }, [])
}

