import { afterAll, describe, inject, it } from 'vitest'
import { createMongoAdapters } from '../../adapters/mongo/index.js'
import { createEngine } from '../../apps/composition/engine.js'
import { openTestDatabase } from '../support/mongo.js'
import { DEEP, runBookingModel } from './booking-model.js'

/**
 * The model-based test (booking-model.ts) on the engine composed with the Mongo store (the FerretDB
 * of the global setup, or MONGO_URL): repositories, calendar and outbox in MongoDB, the rest in
 * memory. Every history starts on an emptied database. FerretDB answers in milliseconds per command,
 * so `npm test` runs a short count and `npm run test:deep` 1,000 histories.
 */
// FerretDB answers each command in milliseconds and a history sends hundreds: about 4 s a history
// here, so the in-memory count (10,000) would make `test:deep` run for about 11 hours. The same
// commands run 10,000 times on the in-memory engine; on the real server, 1,000 (about an hour).
const RUNS = DEEP ? 1_000 : 6
const database = await openTestDatabase(inject('mongoUrl'), 'model')
afterAll(() => database.drop())

let histories = 0
describe('booking engine model on the Mongo store (fast-check commands)', () => {
  it(`keeps every safety rule over ${RUNS} random marketplace histories`, async () => {
    await runBookingModel(
      async (options) => {
        await database.clear()
        return createEngine({
          ...options,
          idNamespace: `h${++histories}`,
          store: (clock) => createMongoAdapters(database.db, { clock }),
        })
      },
      { runs: RUNS, coverage: false },
    )
  }, 3_600_000)
})
