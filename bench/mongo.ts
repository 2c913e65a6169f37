import { randomBytes } from 'node:crypto'
import { Effect, Result } from 'effect'
import { MongoClient } from 'mongodb'
import { createMongoAdapters, ensureIndexes } from '../adapters/mongo/index.js'
import { createEngine, type Engine } from '../apps/composition/engine.js'
import { pickCity } from '../apps/simulate/catalog.js'
import { buildMarketplace } from '../apps/simulate/marketplace.js'
import { Rng } from '../apps/simulate/rng.js'
import type { SearchListingsInput } from '../core/application/search-listings.js'
import { addDays, localDate } from '../core/domain/shared/dates.js'
import { instant } from '../core/domain/shared/time.js'
import { type BenchReport, fig, Sample } from './report.js'

/**
 * The Mongo store beside the in-memory engine, in the same run on the same marketplace (same seed):
 * booking attempts per second and search latency through the use cases. The server is MONGO_URL
 * when set (a real MongoDB), otherwise a FerretDB started for the run as the tests do (it needs the
 * local PostgreSQL, so the suite is optional). FerretDB answers each command in milliseconds, and
 * more slowly than MongoDB: read the figures as FerretDB's, with the round-trip counts of the README.
 */

const START = instant(Date.UTC(2026, 0, 1))
const FIRST_NIGHT = localDate('2026-01-01')

interface Options {
  readonly listings: number
  readonly guests: number
  readonly searches: number
  readonly attempts: number
}
const full: Options = { listings: 1_000, guests: 200, searches: 300, attempts: 300 }
const quick: Options = { listings: 100, guests: 40, searches: 40, attempts: 40 }

const stay = (rng: Rng): { checkIn: string; checkOut: string } => {
  const checkIn = addDays(FIRST_NIGHT, rng.int(1, 300))
  return { checkIn, checkOut: addDays(checkIn, rng.int(1, 7)) }
}

const measure = async (store: string, engine: Engine, o: Options) => {
  const rng = new Rng(7).fork('mongo-bench')
  const uc = engine.useCases
  const t0 = performance.now()
  const m = await buildMarketplace(engine, rng.fork('market'), {
    listings: o.listings,
    guests: o.guests,
    years: { first: 2026, last: 2027 },
    listingsPerHost: 25,
  })
  const setupSec = (performance.now() - t0) / 1000
  const search = new Sample()
  const srng = rng.fork('search')
  for (let i = 0; i < o.searches; i++) {
    const input: SearchListingsInput = { city: pickCity(srng).name, ...stay(srng), guests: 2, limit: 20 }
    const w0 = performance.now()
    await Effect.runPromise(Effect.result(uc.searchListings.execute(input)))
    search.add(performance.now() - w0)
  }
  const attempt = new Sample()
  let confirmed = 0
  const arng = rng.fork('attempts')
  for (let i = 0; i < o.attempts; i++) {
    const listing = m.listings[arng.int(0, m.listings.length - 1)]!
    const guest = m.guests[arng.int(0, m.guests.length - 1)]!.caller
    const book = Effect.gen(function* () {
      const b = yield* uc.requestBooking.execute(guest, { listingId: listing.id, ...stay(arng), guests: 1 })
      const checkout = yield* uc.startPayment.execute(guest, b.id)
      engine.adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
      yield* Effect.promise(() => engine.deliverPaymentEvents())
      return b
    })
    const w0 = performance.now()
    const r = await Effect.runPromise(Effect.result(book))
    attempt.add(performance.now() - w0)
    if (Result.isSuccess(r)) confirmed++
  }
  const s = search.summary()
  const a = attempt.summary()
  return {
    store,
    listings: o.listings,
    'setup s': fig(setupSec),
    'search p50 ms': fig(s.p50),
    'search p99 ms': fig(s.p99),
    'searches/s': fig(s.opsPerSec),
    'bookings/s': fig(a.opsPerSec),
    'booking p50 ms': fig(a.p50),
    'booking p99 ms': fig(a.p99),
    booked: `${confirmed}/${a.count}`,
  }
}

export const run = async ({ quick: q }: { readonly quick: boolean }): Promise<BenchReport> => {
  const o = q ? quick : full
  const server = await (await import('../tests/support/services/ferretdb.js')).mongoServerForRun()
  const external = server.kind === 'mongodb'
  const client = await MongoClient.connect(server.url, { serverSelectionTimeoutMS: 10_000 })
  const db = client.db(`innkeeper_bench_${randomBytes(4).toString('hex')}`)
  try {
    await ensureIndexes(db)
    const options = { start: START, passwordHashCost: 2, idNamespace: 'bench' }
    const memory = await measure('memory', createEngine(options), o)
    const mongo = await measure(
      external ? 'mongodb' : 'ferretdb',
      createEngine({ ...options, store: (clock) => createMongoAdapters(db, { clock }) }),
      o,
    )
    return {
      name: 'mongo',
      rows: [memory, mongo],
      notes: [
        `server: ${external ? 'MONGO_URL' : 'FerretDB 1.24.2 on the local PostgreSQL (synchronous_commit off), started for this run'}`,
        'the same seeded marketplace on each store, built through the use cases (setup s); no calendar pre-fill',
        'search: city + dates (1-7 nights) + 2 guests, 20 per page; booking: request (hold) + start payment + card confirmed + webhook applied, one at a time',
        'round trips per use case (tests/mongo/round-trips.test.ts, README "The Mongo store"): RequestBooking of 7 nights 9, a search page 25, GET listing 1',
      ],
    }
  } finally {
    await db.dropDatabase().catch(() => {})
    await client.close()
    await server.stop()
  }
}
