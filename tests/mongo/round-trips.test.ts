import { Effect } from 'effect'
import type { CommandStartedEvent } from 'mongodb'
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { createMongoAdapters, type MongoAdapters } from '../../adapters/mongo/index.js'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { localDate } from '../../core/domain/shared/dates.js'
import { asId } from '../../core/domain/shared/ids.js'
import { addMs, MINUTE } from '../../core/domain/shared/time.js'
import { activeListing, makeWorld, T0 } from '../integration/engine-fixtures.js'
import { openTestDatabase } from '../support/mongo.js'

/**
 * The engine's use cases on the Mongo adapters (repositories, calendar and outbox; the rest stays
 * in memory), with every command the driver sends counted, so that an N+1 in an adapter shows up
 * here. The counts are the README's.
 */

const database = await openTestDatabase(inject('mongoUrl'), 'round_trips', { monitorCommands: true })
afterAll(() => database.drop())
beforeEach(() => database.clear())

let sent: string[] = []
database.client.on('commandStarted', (e: CommandStartedEvent) => {
  if (!['hello', 'isMaster', 'ping', 'endSessions', 'buildInfo'].includes(e.commandName))
    sent.push(`${e.commandName} ${String(e.command[e.commandName])}`)
})
/** The commands `f` sends. */
const commandsOf = async (f: () => Promise<unknown>): Promise<string[]> => {
  sent = []
  await f()
  const out = sent
  sent = []
  return out
}

const portsOf = (m: MongoAdapters): Record<string, object> => ({
  UserRepository: m.users,
  ListingRepository: m.listings,
  BookingRepository: m.bookings,
  PaymentRepository: m.payments,
  ReviewRepository: m.reviews,
  WishlistRepository: m.wishlists,
  GuestProfileRepository: m.guestProfiles,
  AvailabilityStore: m.availability,
  OutboxSource: m.outbox,
})

let engines = 0
const mongoEngine = () => {
  let mongo: MongoAdapters | undefined
  const engine = createInMemoryEngine({
    start: T0,
    passwordHashCost: 1024,
    idNamespace: `e${++engines}`,
    decorate: (port, adapter) => {
      // The engine's clock, for the Mongo adapters too: they are built the first time a port asks.
      if (port === 'Clock') mongo = createMongoAdapters(database.db, { clock: adapter as never })
      return (
        ((mongo === undefined ? undefined : portsOf(mongo)[port]) as typeof adapter | undefined) ?? adapter
      )
    },
  })
  return engine
}

describe('round trips of the hot use cases on the Mongo adapters', () => {
  it('RequestBooking of a 7-night stay, a search page with dates and GET listing send a fixed number of commands', async () => {
    const engine = mongoEngine()
    const w = await makeWorld(engine)
    const { run, useCases } = engine
    const listings = []
    for (let i = 0; i < 25; i++)
      listings.push(
        await activeListing(w, { title: `Loft ${i}`, pricing: { baseNightly: 10_000 + i * 100 } }),
      )
    const listing = listings[0]!
    const stay = { checkIn: '2026-04-06', checkOut: '2026-04-13' }

    const request = await commandsOf(() =>
      run(useCases.requestBooking.execute(w.guest, { listingId: listing.id, ...stay, guests: 2 })),
    )
    const search = await commandsOf(() =>
      run(
        useCases.searchListings.execute({ city: 'Amsterdam', ...stay, guests: 2, limit: 20, sort: 'newest' }),
      ),
    )
    const byPrice = await commandsOf(() =>
      run(useCases.searchListings.execute({ city: 'Amsterdam', ...stay, guests: 2, limit: 20 })),
    )
    const get = await commandsOf(() => run(useCases.getListing.execute(w.guest, listing.id)))
    console.info(
      `[mongo round trips] RequestBooking (7 nights): ${request.length} [${request.join(', ')}]\n` +
        `[mongo round trips] search page (20 of 25, with dates): ${search.length} [${search.join(', ')}]\n` +
        `[mongo round trips] search page by price (20 of 25, with dates): ${byPrice.length} [${byPrice.join(', ')}]\n` +
        `[mongo round trips] GET listing: ${get.length} [${get.join(', ')}]`,
    )
    // GET listing: the listing's current document.
    expect(get).toEqual(['find listings'])
    // RequestBooking: guest, listing, the host's account (a suspended host's listing takes no
    // booking), the pending-bookings count; the stay's calendar for the quote; the hold (one read of
    // the nights, one ordered insert of its claims); the booking's revision and current document; the
    // count again.
    expect(request).toHaveLength(10)
    // A page of 20 with dates: per batch of candidates one listing query and one availability check
    // for the whole batch, then each hit's calendar (the core re-reads the nights it quotes). The
    // booked listing is not free, so a second batch supplies the 20th hit; that batch reads ahead,
    // so it first reads the listings' change mark: 2 × 2 + 1 + 20, and the host's account once
    // (suspended hosts are left out; each host looked up once per search).
    expect(search).toHaveLength(26)
    expect(search.filter((c) => c === 'find listings')).toHaveLength(2)
    // By price (the default sort) with dates, the order is the stays' totals (issue 15): every
    // candidate is checked and quoted before the page is cut: per batch of candidates one listing
    // query, its hosts' accounts (suspended hosts are left out), one availability check, and one read
    // of the free candidates' calendars (`calendars`).
    expect(byPrice).toEqual(['find listings', 'find users', 'find calendar', 'find calendar'])
  })

  it('a booking journey runs on the Mongo adapters: request, pay, confirm, cancel with refund', async () => {
    const engine = mongoEngine()
    const w = await makeWorld(engine)
    const { run, useCases, adapters } = engine
    const listing = await activeListing(w)
    const b = await run(
      useCases.requestBooking.execute(w.guest, {
        listingId: listing.id,
        checkIn: '2026-05-04',
        checkOut: '2026-05-07',
        guests: 2,
      }),
    )
    const checkout = await run(useCases.startPayment.execute(w.guest, b.id))
    adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
    await engine.deliverPaymentEvents()
    const confirmed = await run(useCases.getBooking.execute(w.guest, b.id))
    expect(confirmed.state).toBe('confirmed')
    const nights = await run(
      useCases.getCalendar.execute(w.host, listing.id, { from: '2026-05-03', to: '2026-05-08' }),
    )
    expect(nights.map((n: { available: number }) => n.available)).toEqual([1, 0, 0, 0, 1])
    const cancelled = await run(useCases.cancelBooking.execute(w.guest, b.id, {}))
    expect(cancelled.state).toBe('cancelled')
    await engine.deliverPaymentEvents()
    const relayed = await run(useCases.relayOutbox.execute({ batchSize: 1000 }))
    expect(relayed.published).toBeGreaterThan(0)
  })
})

describe('round trips of the calendar hold on the Mongo adapters', () => {
  it('holds built before any of them runs still take the hinted path: one insert and one read of the mark each', async () => {
    const clock = new ManualClock(T0)
    const store = createMongoAdapters(database.db, { clock }).availability
    const listing = asId('listing', 'lst_round_trips_hints')
    const night = { checkIn: localDate('2026-03-01'), checkOut: localDate('2026-03-02') }
    const until = addMs(T0, 15 * MINUTE)
    await Effect.runPromise(store.setUnits(listing, 50))
    // Every hold's effect is built first and run later, one after another (as Effect.all does).
    const holds = Array.from({ length: 30 }, (_, i) =>
      store.hold(listing, asId('booking', `bkg_hint_${i}`), night, until),
    )
    const perHold: string[][] = []
    for (const hold of holds) perHold.push(await commandsOf(() => Effect.runPromise(hold)))
    // The first two read the night (and then the settings mark); from the third on, the hints those
    // reads left guide the hold: its claim is inserted while the mark is read, nothing else.
    for (const commands of perHold.slice(2))
      expect([...commands].sort()).toEqual(['find change_marks', 'insert calendar'])
  })
})
