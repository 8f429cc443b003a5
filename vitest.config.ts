import { defineConfig } from 'vitest/config'
import SummaryLineReporter from './test/reporters/summary-line.js'

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', new SummaryLineReporter()],
    // The Pact core reports usage over the network unless told not to; tests stay on the machine.
    env: { PACT_DO_NOT_TRACK: 'true' },
    projects: [
      {
        extends: true,
        test: { name: 'fake', include: ['test/**/*.test.ts', 'contracts/**/*.test.ts'], exclude: ['contracts/provider.pact.test.ts'], sequence: { groupOrder: 0 } },
      },
      // Provider verification reads the pact files the consumer tests write: it runs after them.
      { extends: true, test: { name: 'provider', include: ['contracts/provider.pact.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
})
