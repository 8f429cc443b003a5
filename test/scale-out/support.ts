/**
 * Replicas as decisions/0013-scaling-out.md runs them: separate `tanma-mock serve` processes started
 * from the same seed (the real CLI, on 127.0.0.1 port 0), and signed calls to them.
 */
import { DEMO_CREDENTIALS } from '../../mock/options.js'
import { signHeaders } from '../../mock/protocol/signing.js'
import { serveCli } from '../cli-support.js'

export interface Replica {
  readonly origin: string
  readonly pid: number
  stop(): void
}

/** Starts `tanma-mock serve --port 0 --host 127.0.0.1 <args>` and resolves once it listens. */
export async function startReplica(args: readonly string[]): Promise<Replica> {
  const { child, ready } = serveCli(['--host', '127.0.0.1', ...args])
  try {
    const { origin } = await ready
    return { origin, pid: child.pid!, stop: () => child.kill() }
  } catch (error) {
    child.kill()
    throw error
  }
}

export interface Answer {
  readonly status: number
  readonly text: string
  readonly json: { code: number; message: string; data: unknown }
}

/** A signed POST of `body` to `<origin>/api<path>` with the demo credentials. */
export async function call(origin: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const text = JSON.stringify(body)
  const response = await fetch(`${origin}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signHeaders(DEMO_CREDENTIALS, text), ...headers }, body: text })
  const answer = await response.text()
  return { status: response.status, text: answer, json: JSON.parse(answer) as Answer['json'] }
}
