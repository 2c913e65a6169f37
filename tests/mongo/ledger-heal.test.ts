import { Option } from 'effect'
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { createMongoAdapters, type MongoAdapters } from '../../adapters/mongo/index.js'
import type { LedgerEntry } from '../../core/domain/payouts/ledger.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import { asId, type UserId } from '../../core/domain/shared/ids.js'
import {
  event,
  failure,
  makeLedgerEntry,
  makePayout,
  makePayoutAccount,
  run,
  T0,
  USD,
} from '../contract/fixtures.js'
import { openTestDatabase } from '../support/mongo.js'

/**
 * A payout ledger save is a revision of the account (the commit point: the write and its events in
 * one insert) and then the roll-forward of the entries, the payout and the account document. Here
 * a process stops between the two (it inserts the revision alone) and the ledger catches up.
 */

const database = await openTestDatabase(inject('mongoUrl'), 'ledger_heal')
afterAll(() => database.drop())

let crashed: MongoAdapters
let other: MongoAdapters
beforeEach(async () => {
  await database.clear()
  const clock = new ManualClock(T0)
  crashed = createMongoAdapters(database.db, { clock })
  other = createMongoAdapters(database.db, { clock })
})

const a: UserId = asId('user', 'usr_heal_host')
const account = (lastSeq: number, version: number) => makePayoutAccount(a, lastSeq, version)
const entry = (seq: number, over: Partial<LedgerEntry> = {}) =>
  makeLedgerEntry(a, seq, `heal_${seq}`, { bookingId: null, ...over })
const payout = makePayout(a, 'po_heal', { entrySeq: 2 })

describe('a payout ledger save interrupted between its revision and its current documents heals', () => {
  it('the next save of the account is refused, and its refusal rolls entries, payout and account forward', async () => {
    await run(crashed.payoutLedger.save({ account: account(1, 1), entries: [entry(1)] }, []))
    const created = event(a, 'innkeeper.payout.created.v1')
    const payoutEntry = entry(2, { kind: 'payout', amount: -1_000, key: payout.key, payoutId: payout.id })
    // Revision 2 of the account is written … and the process dies before rolling anything forward.
    await run(
      crashed.log.insert(
        'ledger',
        `${a}/USD`,
        2,
        { account: account(2, 2), entries: [payoutEntry], payout },
        [created],
      ),
    )
    // Readers see revision 1 until something heals it: stale, never wrong about what was committed.
    expect(Option.getOrThrow(await run(other.payoutLedger.account(a, USD))).version).toBe(1)
    expect(Option.isNone(await run(other.payoutLedger.payout(payout.id)))).toBe(true)
    // A writer building on that stale read is refused …
    const err = await failure(
      other.payoutLedger.save(
        { account: account(2, 2), entries: [entry(2, { key: 'adjustment:heal' })] },
        [],
      ),
    )
    expect(err).toBeInstanceOf(ConcurrentModification)
    // … and the refusal rolled the committed revision forward: the retry reads the truth.
    expect(Option.getOrThrow(await run(other.payoutLedger.account(a, USD)))).toEqual(account(2, 2))
    expect(await run(other.payoutLedger.entries(a, USD))).toEqual([entry(1), payoutEntry])
    expect((await run(other.payoutLedger.pending(10))).map((p) => p.id)).toEqual([payout.id])
    expect((await run(other.outbox.pending(10))).map((p) => p.event.id)).toEqual([created.id])
    await run(
      other.payoutLedger.save(
        { account: account(3, 3), entries: [entry(3, { key: 'adjustment:heal' })] },
        [],
      ),
    )
    expect((await run(crashed.payoutLedger.entries(a, USD))).map((e) => e.seq)).toEqual([1, 2, 3])
  })

  it('the outbox relay marking the revision sent rolls the account forward too', async () => {
    await run(crashed.payoutLedger.save({ account: account(1, 1), entries: [entry(1)] }, []))
    const created = event(a, 'innkeeper.payout.created.v1')
    await run(
      crashed.log.insert('ledger', `${a}/USD`, 2, { account: account(1, 1), entries: [], payout }, [created]),
    )
    await run(other.outbox.markSent([created.id]))
    expect(Option.getOrThrow(await run(other.payoutLedger.payout(payout.id)))).toEqual(payout)
    await run(other.payoutLedger.save({ payout: { ...payout, status: 'paid', version: 2 } }, []))
    expect(await run(other.payoutLedger.pendingOf(a))).toEqual([])
  })
})
