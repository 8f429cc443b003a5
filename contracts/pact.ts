/**
 * @pact-foundation/pact, loaded on first use. It is an optional peer dependency (19 MB with its
 * native library): `tanma-mock/contracts` imports without it, so its schemas, the reference
 * client, provider states and `canonicalJson` work in a project that does not install it; the Pact
 * matchers (`followedCustomerPage`, `signedJsonRequest`, …) and `verifyPacts` load it when called,
 * and say how to install it when it is missing.
 */
import { createRequire } from 'node:module'

type Pact = typeof import('@pact-foundation/pact')

export const PACT_INSTALL = 'npm install --save-dev @pact-foundation/pact@^16'

/** Thrown when a Pact helper is used in a project without @pact-foundation/pact. */
export class PactMissingError extends Error {
  constructor(what: string) {
    super(`${what} needs @pact-foundation/pact, which is not installed: ${PACT_INSTALL}`)
    this.name = 'PactMissingError'
  }
}

let pact: Pact | undefined

/** The Pact library (CommonJS), or a PactMissingError naming `what` needed it. */
export function loadPact(what = 'this'): Pact {
  if (pact) return pact
  // The Pact core reports usage over the network unless told not to; the fake never leaves the machine.
  process.env.PACT_DO_NOT_TRACK ??= 'true'
  try {
    pact = createRequire(import.meta.url)('@pact-foundation/pact') as Pact
  } catch (error) {
    // Only the package itself missing: a broken install (a dependency of Pact missing) keeps its own error.
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && /'@pact-foundation\/pact'/.test((error as Error).message)) throw new PactMissingError(what)
    throw error
  }
  return pact
}
