import { afterAll, describe, expect, inject, it } from 'vitest'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { engineOnMongo, openTestDatabase } from '../support/mongo.js'
import { activeListing, makeWorld, T0 } from './engine-fixtures.js'

/**
 * createEngine composes adapter families as Inversify ContainerModules: the memory family binds
 * what no other family took, so a shared store (Mongo) and in-memory infrastructure mix, and two
 * engines on one store share one state while each keeps its own in-memory ports.
 */

const database = await openTestDatabase(inject('mongoUrl'), 'compose')
afterAll(() => database.drop())

const onMongo = (namespace: string, background = true) =>
  engineOnMongo(database.db, T0, namespace, background)

describe('createEngine: any mix of adapter families', () => {
  it('the in-memory configuration binds every port to its in-memory adapter', () => {
    const engine = createInMemoryEngine({ start: T0 })
    expect(engine.store).toBe('memory')
    expect(engine.deps.bookings).toBe(engine.adapters.bookings)
    expect(engine.deps.availability).toBe(engine.adapters.availability)
    expect(engine.http.cache).toBe(engine.adapters.cache)
  })

  it('with a Mongo store the repositories, calendar, payout ledger and outbox are Mongo ones, and the rest stays in memory', () => {
    const engine = onMongo('m0')
    expect(engine.store).toBe('shared')
    expect(engine.deps.bookings).not.toBe(engine.adapters.bookings)
    expect(engine.deps.bookings.constructor.name).toBe('MongoBookingRepository')
    expect(engine.deps.availability.constructor.name).toBe('MongoAvailabilityStore')
    expect(engine.deps.outbox.constructor.name).toBe('MongoOutbox')
    expect(engine.deps.payouts).not.toBe(engine.adapters.payoutLedger)
    expect(engine.deps.payouts.constructor.name).toBe('MongoPayoutLedger')
    expect(engine.deps.clock).toBe(engine.adapters.clock)
    expect(engine.deps.sessions).toBe(engine.adapters.sessions)
    expect(engine.http.idempotency).toBe(engine.adapters.idempotency)
  })

  it('two engines on one store share bookings; the one running only webhooks leaves the outbox to the other', async () => {
    const api = onMongo('m1', false)
    const worker = onMongo('m2')
    const w = await makeWorld(api)
    const listing = await activeListing(w)
    const booking = await api.run(
      api.useCases.requestBooking.execute(w.guest, {
        listingId: listing.id,
        checkIn: '2026-04-06',
        checkOut: '2026-04-09',
        guests: 2,
      }),
    )
    const inMemory = await api.run(
      api.adapters.bookings.byGuest(booking.guestId, { limit: 10, cursor: null }),
    )
    expect(inMemory.items).toEqual([])
    const seen = await worker.run(worker.useCases.getBooking.execute(w.guest, booking.id))
    expect(seen.id).toBe(booking.id)
    // The API-side turn publishes nothing; the worker's turn relays what the API wrote.
    expect((await api.tick()).relayed).toBe(0)
    const published: string[] = []
    worker.adapters.publisher.subscribe((e) => published.push(e.type))
    expect((await worker.tick()).relayed).toBeGreaterThan(0)
    expect(published).toContain('innkeeper.booking.requested.v1')
  })
})
