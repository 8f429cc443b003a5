import { defineConfig } from 'vitest/config'
import SummaryLineReporter from './test/reporters/summary-line.js'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'contracts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', new SummaryLineReporter()],
  },
})
