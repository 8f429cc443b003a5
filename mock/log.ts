/**
 * Tagged trace lines: each pipeline stage logs under its own tag, so one request reads as the trace
 * of its decisions (`[route] … [signature] … [page] …`). Off unless asked for.
 */
export type LogSink = (line: string) => void

export interface Logger {
  readonly enabled: boolean
  log(tag: string, message: string): void
}

export function createLogger(option: boolean | LogSink): Logger {
  const sink: LogSink | undefined = option === true ? (line) => process.stderr.write(line + '\n') : option === false ? undefined : option
  return {
    enabled: sink !== undefined,
    log(tag, message) {
      sink?.(`[${tag}] ${message}`)
    },
  }
}
