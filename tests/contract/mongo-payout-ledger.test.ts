import { Effect } from 'effect'
import { afterAll, inject, vi } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { createMongoAdapters } from '../../adapters/mongo/index.js'
import { openTestDatabase } from '../support/mongo.js'
import { T0 } from './fixtures.js'
import { payoutLedgerContract } from './payout-ledger.contract.js'

/**
 * The PayoutLedger contract, unchanged, against MongoPayoutLedger on the FerretDB the global setup
 * started (or MONGO_URL). A database of its own; each test starts from empty collections and fresh
 * adapters, so nothing process-local (known revisions) carries over.
 */

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 })

const database = await openTestDatabase(inject('mongoUrl'), 'ledger')
afterAll(() => database.drop())

payoutLedgerContract('mongo', async () => {
  await database.clear()
  const a = createMongoAdapters(database.db, { clock: new ManualClock(T0) })
  return {
    ledger: a.payoutLedger,
    // The events a save wrote are in its revision, the outbox entry.
    pendingEvents: async () => (await Effect.runPromise(a.outbox.pending(1_000))).map((e) => e.event),
  }
})
