import { afterAll, inject, vi } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { createMongoAdapters } from '../../adapters/mongo/index.js'
import { openTestDatabase } from '../support/mongo.js'
import { availabilityStoreContract } from './availability-store.contract.js'
import { T0 } from './fixtures.js'

/**
 * The AvailabilityStore contract suite, unchanged, against MongoAvailabilityStore on the real
 * server (FerretDB from the global setup, or MONGO_URL). One of its cases holds 70,000 units of one
 * night one after another: 70,000 claim documents, each a unique insert.
 */

vi.setConfig({ testTimeout: 600_000, hookTimeout: 120_000 })

const database = await openTestDatabase(inject('mongoUrl'), 'availability')
afterAll(() => database.drop())

availabilityStoreContract('mongo', async () => {
  await database.clear()
  const clock = new ManualClock(T0)
  return { store: createMongoAdapters(database.db, { clock }).availability, clock }
})
