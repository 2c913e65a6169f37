import { afterAll, inject, vi } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { createMongoAdapters } from '../../adapters/mongo/index.js'
import { openTestDatabase } from '../support/mongo.js'
import { availabilityStoreContract } from './availability-store.contract.js'
import { T0 } from './fixtures.js'

/**
 * The AvailabilityStore contract suite, unchanged, against MongoAvailabilityStore on the real
 * server (FerretDB from the global setup, or MONGO_URL).
 *
 * The crowded-night case places 5,000 one-unit holds on one night in `npm test` and the default
 * 70,000 under `npm run test:deep`: the Mongo store keeps no per-night counter that could wrap (a
 * night's held and booked units are counted from its claim documents, one per unit slot), and
 * 70,000 sequential holds are 140,000 round trips, about three minutes on FerretDB on a loaded
 * 2-core machine. 5,000 claims still span several cursor batches of the calendar read (the first
 * batch is 101 documents).
 */

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 })

const database = await openTestDatabase(inject('mongoUrl'), 'availability')
afterAll(() => database.drop())

availabilityStoreContract(
  'mongo',
  async () => {
    await database.clear()
    const clock = new ManualClock(T0)
    return { store: createMongoAdapters(database.db, { clock }).availability, clock }
  },
  { crowdedNightUnits: process.env.INNKEEPER_DEEP === '1' ? 70_000 : 5_000 },
)
