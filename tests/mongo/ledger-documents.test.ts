import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { collectionNames, createMongoAdapters, type MongoAdapters } from '../../adapters/mongo/index.js'
import { asId, type BookingId, type PayoutId, type UserId } from '../../core/domain/shared/ids.js'
import type { Currency } from '../../core/domain/shared/money.js'
import { makeLedgerEntry, makePayout, makePayoutAccount, run, T0, USD } from '../contract/fixtures.js'
import { malformed, openTestDatabase } from '../support/mongo.js'

/**
 * The payout ledger's documents are a contract like every other Mongo document: each carries the
 * schema version and is decoded with its Schema (a malformed one is a MalformedDocument defect
 * naming the collection and the `_id`), and no operator-shaped value reaches its queries.
 */

const database = await openTestDatabase(inject('mongoUrl'), 'ledger_documents')
afterAll(() => database.drop())

let a: MongoAdapters
beforeEach(async () => {
  await database.clear()
  a = createMongoAdapters(database.db, { clock: new ManualClock(T0) })
})

const col = (name: keyof typeof collectionNames) =>
  database.db.collection<{ _id: string }>(collectionNames[name])

const h: UserId = asId('user', 'usr_doc_host')
const account = makePayoutAccount(h, 1, 1)
const entry = makeLedgerEntry(h, 1, 'doc')
const b = entry.bookingId as BookingId
const payout = makePayout(h, 'po_doc')
const seed = () => run(a.payoutLedger.save({ account, entries: [entry], payout }, []))

describe('payout ledger documents are decoded with their Schema', () => {
  it('an account of another schema version, an entry whose state breaks its schema, a payout with an unknown field: each is refused by name', async () => {
    await seed()
    await col('payoutAccounts').updateOne({ _id: `${h}/USD` }, { $set: { sv: 2 } })
    expect(await malformed(a.payoutLedger.account(h, USD))).toMatchObject({
      collection: 'payout_accounts',
      id: `${h}/USD`,
    })
    await col('ledgerEntries').updateOne(
      { _id: `${h}/USD/1` },
      { $set: { s: '{"id":"lge_doc","amount":"lots"}' } },
    )
    expect(await malformed(a.payoutLedger.entriesOfBooking(b))).toMatchObject({
      collection: 'ledger_entries',
      id: `${h}/USD/1`,
    })
    await col('payouts').updateOne({ _id: payout.id }, { $set: { extra: 1 } })
    expect(await malformed(a.payoutLedger.pending(10))).toMatchObject({
      collection: 'payouts',
      id: payout.id,
    })
  })
})

describe('no value reaches a payout ledger query as an operator', () => {
  const operators: unknown[] = [{ $gt: '' }, { $ne: null }, { $regex: '.*' }, { $exists: true }, ['$gt', '']]

  it('operator-shaped hosts, currencies, bookings and payout ids match nothing', async () => {
    await seed()
    for (const op of operators) {
      const id = op as string
      expect((await run(a.payoutLedger.account(id as UserId, id as Currency)))._tag).toBe('None')
      expect(await run(a.payoutLedger.accountsOf(id as UserId))).toEqual([])
      expect(await run(a.payoutLedger.entries(id as UserId, USD))).toEqual([])
      expect(await run(a.payoutLedger.entriesOfBooking(id as BookingId))).toEqual([])
      expect((await run(a.payoutLedger.payout(id as PayoutId)))._tag).toBe('None')
      expect((await run(a.payoutLedger.payoutsOf(id as UserId, { limit: 10, cursor: null }))).items).toEqual(
        [],
      )
      expect(await run(a.payoutLedger.pendingOf(id as UserId))).toEqual([])
    }
    // The real ones are there.
    expect(await run(a.payoutLedger.entriesOfBooking(b))).toEqual([entry])
    expect(await run(a.payoutLedger.pendingOf(h))).toEqual([payout])
  })
})
