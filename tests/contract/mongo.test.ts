import { randomUUID } from 'node:crypto'
import { Effect } from 'effect'
import { afterAll, inject, vi } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { createMongoAdapters } from '../../adapters/mongo/index.js'
import { openTestDatabase } from '../support/mongo.js'
import { bookingRepositoryContract } from './booking-repository.contract.js'
import { T0 } from './fixtures.js'
import { guestProfileRepositoryContract } from './guest-profile-repository.contract.js'
import { listingRepositoryContract } from './listing-repository.contract.js'
import { outboxContract } from './outbox.contract.js'
import { paymentRepositoryContract } from './payment-repository.contract.js'
import { reviewRepositoryContract } from './review-repository.contract.js'
import { userRepositoryContract } from './user-repository.contract.js'
import { wishlistRepositoryContract } from './wishlist-repository.contract.js'

/**
 * The port contract suites, unchanged, against the Mongo repositories and outbox on a real server:
 * the FerretDB that the global setup started (or MONGO_URL). (The AvailabilityStore's suite is in
 * mongo-availability.test.ts, so the two heavy files run side by side.) This file has a database of
 * its own; each test starts from empty collections and fresh adapters, so nothing process-local
 * (known versions, read-ahead) carries over.
 */

// Some contract cases write thousands of documents one by one; FerretDB takes a few ms for each.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 120_000 })

const database = await openTestDatabase(inject('mongoUrl'), 'contract')
afterAll(() => database.drop())

const fresh = async () => {
  await database.clear()
  const clock = new ManualClock(T0)
  return { ...createMongoAdapters(database.db, { clock }), clock }
}

outboxContract('mongo', async () => {
  const a = await fresh()
  return {
    outbox: a.outbox,
    // The repositories' way: events go into the revision document a save inserts.
    append: async (events) => {
      await Effect.runPromise(a.log.insert('events', randomUUID(), 1, null, events))
    },
  }
})
userRepositoryContract('mongo', async () => {
  const a = await fresh()
  return { repo: a.users, outbox: a.outbox }
})
listingRepositoryContract('mongo', async () => {
  const a = await fresh()
  return { repo: a.listings, outbox: a.outbox }
})
bookingRepositoryContract('mongo', async () => {
  const a = await fresh()
  return { repo: a.bookings, outbox: a.outbox }
})
paymentRepositoryContract('mongo', async () => {
  const a = await fresh()
  return { repo: a.payments, outbox: a.outbox }
})
reviewRepositoryContract('mongo', async () => {
  const a = await fresh()
  return { repo: a.reviews, outbox: a.outbox }
})
wishlistRepositoryContract('mongo', async () => ({ repo: (await fresh()).wishlists }))
guestProfileRepositoryContract('mongo', async () => ({ repo: (await fresh()).guestProfiles }))
