/**
 * A guard for Pact's consumer tests under CPU load. Since @pact-foundation/pact 16.3 the Rust mock
 * server answers a request first and records that it matched on a background task
 * (pact-foundation/pact-core-mock-server#13, open): on a busy CI machine `executeTest` can read the
 * mock server's state before that task ran, and fail a test whose requests all matched with "The
 * following request was expected but not received". `recorded(test)` runs your test, then waits
 * until the mock server reports every expected request matched (at most `within` ms; a request that
 * really is missing or wrong is still reported by Pact, only later).
 *
 *   .executeTest(recorded(async (server) => { … your requests … }))
 */
import { createRequire } from 'node:module'
import { loadPact } from './pact.js'

interface PactCore { getFfiLib(): { pactffiMockServerMatched(port: number): boolean } }

let core: PactCore | undefined

/** Pact's core library, resolved from where @pact-foundation/pact is installed (not hoisting-dependent). */
function pactCore(): PactCore {
  if (core) return core
  loadPact('recorded()')
  const fromPact = createRequire(createRequire(import.meta.url).resolve('@pact-foundation/pact'))
  core = fromPact('@pact-foundation/pact-core') as PactCore
  return core
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** `test`, then a wait until the mock server on `server.port` has recorded every expected request. */
export function recorded<S extends { port: number }, T>(test: (server: S) => Promise<T>, { within = 2000 } = {}): (server: S) => Promise<T> {
  return async (server) => {
    const value = await test(server)
    const ffi = pactCore().getFfiLib()
    for (const deadline = Date.now() + within; !ffi.pactffiMockServerMatched(server.port) && Date.now() < deadline;) await pause(2)
    return value
  }
}
