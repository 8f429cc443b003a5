import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import SummaryLineReporter from './test/reporters/summary-line.js'

export default defineConfig({
  // Examples import the package by name, as a user would; tests run them against the sources.
  resolve: {
    alias: [
      { find: /^tanma-mock$/, replacement: fileURLToPath(new URL('./mock/index.ts', import.meta.url)) },
      { find: /^tanma-mock\/contracts$/, replacement: fileURLToPath(new URL('./contracts/index.ts', import.meta.url)) },
      { find: /^tanma-mock\/push$/, replacement: fileURLToPath(new URL('./mock/push/receiver.ts', import.meta.url)) },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', new SummaryLineReporter()],
    // The Pact core reports usage over the network unless told not to; tests stay on the machine.
    env: { PACT_DO_NOT_TRACK: 'true' },
    projects: [
      {
        extends: true,
        test: { name: 'fake', include: ['test/**/*.test.ts', 'contracts/**/*.test.ts'], exclude: ['contracts/provider.pact.test.ts', 'contracts/push-provider.pact.test.ts'], sequence: { groupOrder: 0 } },
      },
      // Provider verification reads the pact files the consumer tests write: it runs after them.
      { extends: true, test: { name: 'provider', include: ['contracts/provider.pact.test.ts', 'contracts/push-provider.pact.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
})
