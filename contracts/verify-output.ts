/**
 * `tanma-mock verify` without colours where colours do not belong: not on a terminal, or with
 * `NO_COLOR` set (`FORCE_COLOR` keeps them).
 *
 * The Pact core (Rust, through the FFI) prints its report with ANSI escape codes straight to the
 * process's standard output, whatever the output is, and Node's bindings offer no switch for it
 * (the core has one, `pactffi_verifier_set_coloured_output`, which @pact-foundation/pact-core does
 * not expose). Native writes are out of Node's reach inside the process, so when colours are not
 * wanted the CLI runs the verification in a child process and passes its output on without them.
 */
import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { StringDecoder } from 'node:string_decoder'

/** Set in the child: it is the one that verifies, as it is. */
const CHILD_MARK = 'TANMA_MOCK_VERIFY_CHILD'

/**
 * Whether output to `stream` may carry colours: `FORCE_COLOR` (any value but `0`/`false`) forces
 * them; otherwise `NO_COLOR` (any non-empty value), `FORCE_COLOR=0` or a stream that is not a
 * terminal turns them off.
 */
export function coloursWanted(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== '0' && force !== 'false') return true
  if (force !== undefined || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false
  return stream.isTTY === true
}

// CSI sequences (colours, cursor moves), OSC sequences (titles, links) and two-character escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g
// An escape sequence cut off at the end of a chunk: kept for the next one.
const UNFINISHED = /\x1b(?:\[[0-?]*[ -/]*|\](?:[^\x07\x1b]|\x1b(?!\\))*\x1b?)?$/

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '')
}

/** A stream that passes text on without ANSI escape sequences, even those split across chunks. */
export function ansiStripper(): Transform {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      const text = pending + decoder.write(chunk)
      const cut = UNFINISHED.exec(text)
      pending = cut ? cut[0] : ''
      done(null, stripAnsi(cut ? text.slice(0, cut.index) : text))
    },
    flush(done: TransformCallback) {
      done(null, stripAnsi(pending + decoder.end()))
    },
  })
}

/**
 * When colours are not wanted (and this is not already the child), runs this very command again
 * in a child process, writes its output on without escape codes, and answers its exit code;
 * otherwise answers undefined and the caller verifies itself. Signals reach the child.
 */
export async function verifyWithoutColours(): Promise<number | undefined> {
  if (process.env[CHILD_MARK] !== undefined || coloursWanted()) return undefined
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, [CHILD_MARK]: '1' },
    stdio: ['inherit', 'pipe', 'pipe'],
  })
  const forward = (signal: NodeJS.Signals) => child.kill(signal)
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
  for (const signal of signals) process.on(signal, forward)
  try {
    const exited = new Promise<number>((resolve, reject) => {
      child.on('error', reject)
      child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 1)))
    })
    await Promise.all([pipeline(child.stdout, ansiStripper(), process.stdout, { end: false }), pipeline(child.stderr, ansiStripper(), process.stderr, { end: false })])
    return await exited
  } finally {
    for (const signal of signals) process.off(signal, forward)
  }
}
