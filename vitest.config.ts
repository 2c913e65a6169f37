import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Two cores here: keep worker count small so property suites do not starve each other.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    reporters: ['default', './tests/support/plain-summary-reporter.ts'],
    hookTimeout: 60_000,
    // Servers the suites need, each started once per run by its own entry: FerretDB (or MONGO_URL)
    // for the Mongo suites, stripe-mock for the Stripe request-shape suite.
    globalSetup: ['./tests/support/services/ferretdb.ts', './tests/support/stripe-mock.global.ts'],
  },
})
