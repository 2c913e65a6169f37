import { describe, it } from 'vitest'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { MEMORY_RUNS, runBookingModel } from './booking-model.js'

/**
 * The model-based test (booking-model.ts) on the in-memory engine: 200 random marketplace histories
 * in `npm test`, 10,000 in `npm run test:deep`, each step checked against every safety rule, and the
 * histories together reaching every state.
 */
describe('booking engine model (fast-check commands)', () => {
  it(`keeps every safety rule over ${MEMORY_RUNS} random marketplace histories`, async () => {
    await runBookingModel(async (options) => createInMemoryEngine(options), {
      runs: MEMORY_RUNS,
      coverage: true,
    })
  }, 900_000)
})
