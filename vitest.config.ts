import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Starts FerretDB (or takes MONGO_URL) for the Mongo suites: see tests/support/services/ferretdb.ts.
    globalSetup: ['./tests/support/services/ferretdb.ts'],
    // Two cores here: keep worker count small so property suites do not starve each other.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    reporters: ['default', './tests/support/plain-summary-reporter.ts'],
    hookTimeout: 60_000,
  },
})
