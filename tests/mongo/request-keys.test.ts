import { Effect } from 'effect'
import { MongoClient } from 'mongodb'
import { afterAll, describe, expect, inject, it, vi } from 'vitest'
import { createMongoAdapters } from '../../adapters/mongo/index.js'
import { createEngine } from '../../apps/composition/engine.js'
import { activeListing, makeWorld, T0 } from '../integration/engine-fixtures.js'
import { openTestDatabase } from '../support/mongo.js'

/**
 * Issue 16 item 2 on the shared store: attempts of one keyed booking request racing in two
 * processes (two engines, each on its own connection) write one booking, whichever process the
 * retry reaches. On FerretDB this rests on the unique revision id the keyed booking id makes.
 */
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

const url = inject('mongoUrl')
const database = await openTestDatabase(url, 'reqkeys')
const clients = await Promise.all([MongoClient.connect(url), MongoClient.connect(url)])
const engines = clients.map((c, i) =>
  createEngine({
    start: T0,
    passwordHashCost: 1024,
    idNamespace: `p${i}`,
    store: (clock) => createMongoAdapters(c.db(database.db.databaseName), { clock }),
  }),
)
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await database.drop()
})

describe('keyed booking requests on MongoDB across processes', () => {
  it('twelve attempts with one key, six per process, racing: one booking, its nights held once, every attempt answers with it', async () => {
    const [a, b] = engines as [(typeof engines)[number], (typeof engines)[number]]
    const w = await makeWorld(a)
    const listing = await activeListing(w, { units: 4 })
    const input = { listingId: listing.id, checkIn: '2026-05-04', checkOut: '2026-05-07', guests: 1 }
    const attempts = Array.from({ length: 12 }, (_, i) =>
      (i % 2 === 0 ? a : b).useCases.requestBooking.execute(w.guest, input, 'one-key'),
    )
    const answers = await Effect.runPromise(Effect.all(attempts, { concurrency: 'unbounded' }))
    expect(new Set(answers.map((x) => x.id)).size).toBe(1)
    const nights = await Effect.runPromise(
      b.useCases.getCalendar.execute(w.host, listing.id, { from: '2026-05-04', to: '2026-05-07' }),
    )
    expect(nights.map((n) => n.held)).toEqual([1, 1, 1])
    const mine = await Effect.runPromise(b.useCases.listGuestBookings.execute(w.guest, {}))
    expect(mine.items.map((x) => x.id)).toEqual([answers[0]?.id])
    // A later retry reaching the other process finds it too.
    const later = await Effect.runPromise(b.useCases.requestBooking.execute(w.guest, input, 'one-key'))
    expect(later.id).toBe(answers[0]?.id)
  })
})
