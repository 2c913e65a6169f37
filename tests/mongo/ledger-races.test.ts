import { Effect, Option } from 'effect'
import { MongoClient } from 'mongodb'
import { afterAll, describe, expect, inject, it, vi } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { createMongoAdapters, type MongoAdapters } from '../../adapters/mongo/index.js'
import { asId, type BookingId, type UserId } from '../../core/domain/shared/ids.js'
import { event, makeLedgerEntry, makePayoutAccount, run, T0, USD } from '../contract/fixtures.js'
import { openTestDatabase } from '../support/mongo.js'

/**
 * The payout ledger's concurrency promises on the real server, with several connections each with
 * adapters of its own (as separate processes would have): of writers appending to the same account
 * version exactly one wins, and only its entry and events are stored; an entry key is taken once
 * even by writers of different accounts.
 */

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 })

const url = inject('mongoUrl')
const database = await openTestDatabase(url, 'ledger_races')
const CONNECTIONS = 4
const clients = await Promise.all(
  Array.from({ length: CONNECTIONS }, () => MongoClient.connect(url, { maxPoolSize: 8 })),
)
const clock = new ManualClock(T0)
const connections: MongoAdapters[] = clients.map((c) =>
  createMongoAdapters(c.db(database.db.databaseName), { clock }),
)
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await database.drop()
})

const ledger = (i: number) => connections[i % CONNECTIONS]!.payoutLedger
const host = (n: string): UserId => asId('user', `usr_ledger_${n}`)
const account = (hostId: UserId, lastSeq: number, version: number) =>
  makePayoutAccount(hostId, lastSeq, version)
const entry = (hostId: UserId, seq: number, key: string) => makeLedgerEntry(hostId, seq, key)

describe('Mongo payout ledger races across connections', () => {
  it('concurrent saves of one account version: exactly one wins, only its entry and events are stored, the losers keep no key', async () => {
    const rounds = 6
    const writers = 12
    for (let round = 0; round < rounds; round++) {
      const a = host(`race_${round}`)
      await run(ledger(0).save({ account: account(a, 1, 1), entries: [entry(a, 1, `r${round}_first`)] }, []))
      const events = Array.from({ length: writers }, () => event(a, 'innkeeper.payout.earning_recorded.v1'))
      const results = await run(
        Effect.all(
          events.map((e, i) =>
            Effect.result(
              ledger(i).save({ account: account(a, 2, 2), entries: [entry(a, 2, `r${round}_w${i}`)] }, [e]),
            ),
          ),
          { concurrency: 'unbounded' },
        ),
      )
      const winners = results.flatMap((r, i) => (r._tag === 'Success' ? [i] : []))
      expect(winners).toHaveLength(1)
      const w = winners[0]!
      for (const r of results) if (r._tag === 'Failure') expect(r.failure._tag).toBe('ConcurrentModification')
      expect((await run(ledger(1).entries(a, USD))).map((e) => e.key)).toEqual([
        `r${round}_first`,
        `r${round}_w${w}`,
      ])
      expect(Option.getOrThrow(await run(ledger(2).account(a, USD))).version).toBe(2)
      const pending = (await run(connections[3]!.outbox.pending(10_000))).map((p) => p.event.id)
      expect(events.filter((e) => pending.includes(e.id)).map((e) => e.id)).toEqual([events[w]!.id])
      // A loser gave its key back: the next version may record it.
      const loser = (w + 1) % writers
      await run(
        ledger(3).save({ account: account(a, 3, 3), entries: [entry(a, 3, `r${round}_w${loser}`)] }, []),
      )
    }
  })

  it('concurrent saves of one entry key to different accounts: exactly one records it', async () => {
    for (let round = 0; round < 4; round++) {
      const key = `earning:bkg_shared_${round}`
      const results = await run(
        Effect.all(
          Array.from({ length: 8 }, (_, i) => {
            const a = host(`key_${round}_${i}`)
            return Effect.result(
              ledger(i).save({ account: account(a, 1, 1), entries: [entry(a, 1, key)] }, []),
            )
          }),
          { concurrency: 'unbounded' },
        ),
      )
      expect(results.filter((r) => r._tag === 'Success')).toHaveLength(1)
      const recorded = await run(ledger(0).entriesOfBooking(asId('booking', `bkg_${key}`) as BookingId))
      expect(recorded.map((e) => e.key)).toEqual([key])
    }
  })
})
