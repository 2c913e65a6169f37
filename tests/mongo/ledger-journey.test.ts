import { afterAll, describe, expect, inject, it } from 'vitest'
import { HOUR } from '../../core/domain/shared/time.js'
import { activeListing, bookAndPay, makeWorld, T0 } from '../integration/engine-fixtures.js'
import { engineOnMongo, openTestDatabase } from '../support/mongo.js'

/**
 * The host payout ledger on a shared Mongo store: earnings recorded by one worker, the due payout
 * opened and paid by two workers running at once, and all of it still there for a process started
 * afterwards (with the ledger in process memory, a restart lost it).
 */

const database = await openTestDatabase(inject('mongoUrl'), 'ledger_journey')
afterAll(() => database.drop())

const onMongo = (namespace: string, background = true) =>
  engineOnMongo(database.db, T0, namespace, background)

describe('payout ledger on the Mongo store', () => {
  it('earnings and the paid payout are shared by every process and survive a restart; two payout runs pay once', async () => {
    const api = onMongo('lj1', false)
    const w = await makeWorld(api)
    await api.run(api.useCases.updateProfile.execute(w.host, { payoutAccountId: 'acct_1LedgerHost' }))
    const listing = await activeListing(w)
    const stay = await bookAndPay(w, listing.id, { checkIn: '2026-03-10', checkOut: '2026-03-12' })

    // A worker relays the booking's events and records the host's earning in the shared ledger.
    const first = onMongo('lj2')
    await first.tick()
    const second = onMongo('lj3')
    const earned = await second.run(second.useCases.getPayoutBalance.execute(w.host))
    expect(earned.balances.map((b) => b.currency)).toEqual(['EUR'])

    // Once payable, two workers run the payouts at the same moment: one payout, paid once.
    const payable = stay.points.checkInAt! + 24 * HOUR
    first.adapters.clock.set(payable)
    second.adapters.clock.set(payable)
    await Promise.all([first.tick(), second.tick()])
    await Promise.all([first.tick(), second.tick()])

    // A process started now reads it all from the store.
    const restarted = onMongo('lj4', false)
    const page = await restarted.run(restarted.useCases.listPayouts.execute(w.host))
    expect(page.items).toEqual([expect.objectContaining({ amount: stay.quote.hostPayout, status: 'paid' })])
    const entries = await restarted.run(restarted.deps.payouts.entriesOfBooking(stay.id))
    expect(entries.map((e) => e.kind)).toEqual(['earning'])
    expect(restarted.adapters.payoutLedger.allPayouts()).toEqual([])
  })
})
