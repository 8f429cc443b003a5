/**
 * Tagged trace lines: each pipeline stage logs under its own tag, so one request reads as the trace
 * of its decisions (`[route] … [signature] … [page] …`), every line of a request carrying its id
 * (the journal's `requestId`, the `x-request-id` response header). Off unless asked for, and then
 * free: a disabled logger is one shared object whose methods do nothing.
 *
 * Formats (option `log`): `text` (or `true`) — `<ISO time> <request id> [tag] message` lines on
 * stderr (`--verbose`); `json` — one pino JSON object per line on stderr (`--log json`, for
 * containers); a function — called with `[tag] message` and the structured entry (in-process use).
 */
import { randomUUID } from 'node:crypto'
import { pino, stdTimeFunctions, type Logger as PinoLogger } from 'pino'
import { clip } from './preview.js'

export type LogFormat = 'text' | 'json'

/** The response header that carries the request's id (the upstream's own headers are unknown: docs/fidelity.md). */
export const REQUEST_ID_HEADER = 'x-request-id'

/** A new request id (a UUID): one per request, upstream or admin. */
export const newRequestId: () => string = randomUUID

/** One trace line, structured. */
export interface LogEntry {
  /** Wall-clock time, epoch ms. */
  readonly time: number
  readonly requestId?: string
  readonly tag: string
  readonly message: string
}

/** A function that receives every line (`[tag] message`) and its entry. */
export type LogSink = (line: string, entry: LogEntry) => void

/** What `log` accepts: off, on (text), a format, or a sink. */
export type LogOption = boolean | LogFormat | LogSink

export interface Logger {
  readonly enabled: boolean
  log(tag: string, message: string): void
  /** This logger with `requestId` on every line; a disabled logger answers itself (nothing is allocated). */
  withRequest(requestId: string): Logger
  /**
   * A bug of ours (not a client's mistake): reported on stderr even when tracing is off, with its
   * stack the first time, then never again for the same error — a client that triggers it on
   * every request does not flood the log.
   */
  internal(error: unknown, where: string): void
}

/** A logger that says nothing, not even about bugs: for checks run outside a request. */
export const SILENT: Logger = {
  enabled: false,
  log() {},
  withRequest: () => SILENT,
  internal() {},
}

/** Longest message written (a line echoes what clients sent, already bounded; this bounds the rest). */
const MESSAGE_CHARS = 2000
/** Distinct internal errors reported before the rest are only counted. */
const INTERNAL_REPORTS = 50

export function createLogger(option: LogOption): Logger {
  const reported = new Map<string, number>()
  /** True the first time this error is seen: report it. */
  const firstTime = (error: unknown): boolean => {
    const key = error instanceof Error ? `${error.name}: ${error.message}\n${(error.stack ?? '').split('\n')[1] ?? ''}` : String(error)
    const seen = reported.get(key)
    if (seen !== undefined) {
      reported.set(key, seen + 1)
      return false
    }
    if (reported.size >= INTERNAL_REPORTS) return false
    reported.set(key, 1)
    return true
  }
  const stackOf = (error: unknown) => (error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : clip(String(error), MESSAGE_CHARS))

  if (option === 'json') return jsonLogger(pino({ name: 'tanma-mock', base: undefined, timestamp: stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, process.stderr), firstTime)

  const sink: LogSink | undefined =
    option === true || option === 'text'
      ? (line, entry) => process.stderr.write(`${new Date(entry.time).toISOString()} ${entry.requestId ?? '-'} ${line}\n`)
      : typeof option === 'function'
        ? option
        : undefined
  const textLogger = (requestId: string | undefined): Logger => {
    const logger: Logger = {
      enabled: sink !== undefined,
      log(tag, message) {
        message = clip(message, MESSAGE_CHARS)
        sink?.(`[${tag}] ${message}`, { time: Date.now(), ...(requestId !== undefined ? { requestId } : {}), tag, message })
      },
      withRequest(id) {
        return sink === undefined ? logger : textLogger(id)
      },
      internal(error, where) {
        if (!firstTime(error)) return
        const text = `internal error in ${where} (please report; repeats of it are not shown): ${stackOf(error)}`
        if (typeof option === 'function') sink!(`[internal] ${text}`, { time: Date.now(), ...(requestId !== undefined ? { requestId } : {}), tag: 'internal', message: text })
        else process.stderr.write(`${new Date().toISOString()} ${requestId ?? '-'} [tanma-mock] ${text}\n`)
      },
    }
    return logger
  }
  return textLogger(undefined)
}

function jsonLogger(logger: PinoLogger, firstTime: (error: unknown) => boolean): Logger {
  return {
    enabled: true,
    log(tag, message) {
      logger.info({ tag }, clip(message, MESSAGE_CHARS))
    },
    withRequest(requestId) {
      return jsonLogger(logger.child({ reqId: requestId }), firstTime)
    },
    internal(error, where) {
      if (firstTime(error)) logger.error({ tag: 'internal', err: error }, `internal error in ${where} (please report; repeats of it are not shown)`)
    },
  }
}
