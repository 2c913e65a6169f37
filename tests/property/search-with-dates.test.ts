import { Effect, Result } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InMemoryAvailabilityStore } from '../../adapters/memory/in-memory-availability-store.js'
import { FIXED_RATE_TABLE, InMemoryExchangeRates } from '../../adapters/memory/in-memory-exchange-rates.js'
import { InMemoryListingRepository } from '../../adapters/memory/in-memory-listing-repository.js'
import { InMemoryOutbox } from '../../adapters/memory/in-memory-outbox.js'
import { InMemoryUserRepository } from '../../adapters/memory/in-memory-user-repository.js'
import { ManualClock } from '../../adapters/memory/manual-clock.js'
import { type SearchHit, SearchListings, type SearchResult } from '../../core/application/search-listings.js'
import type { Listing } from '../../core/domain/listings/listing.js'
import { checkStay } from '../../core/domain/listings/restrictions.js'
import { sortKey } from '../../core/domain/listings/search-order.js'
import { type NightPricing, quoteStay } from '../../core/domain/pricing/quote.js'
import { addDays, type LocalDate, localDate, localDateAt } from '../../core/domain/shared/dates.js'
import { convertAmount } from '../../core/domain/shared/exchange.js'
import { asId } from '../../core/domain/shared/ids.js'
import type { Currency } from '../../core/domain/shared/money.js'
import { DAY, type Instant } from '../../core/domain/shared/time.js'
import { makeListing, T0 } from '../contract/fixtures.js'

/**
 * Searches with dates through the use case (index walk, rules and `freeForStay` per batch, the
 * calendar and quote of each hit) against a brute-force model: every listing, the rules through
 * `checkStay`, every night's `available` from `calendar`, the quote through `quoteStay`, its guest
 * total converted into the search's currency (listings in EUR, USD and JPY; issue 15: the price
 * range and the price sorts use that one price), sorted by (sort key, id), the key of a price sort
 * being that price. Every page is followed, so batches, page ends and cursors are all covered.
 */

const RUNS = process.env.INNKEEPER_DEEP === '1' ? 2_000 : 150

const run = <A>(e: Effect.Effect<A, unknown>): A => Effect.runSync(e) as A
const FIRST = localDate('2026-01-02')
/** Mostly any weekday; sometimes a few. */
const weekdays = fc.oneof(
  { weight: 3, arbitrary: fc.constant<number[]>([]) },
  { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 4 }) },
)

const listingArb = fc.record({
  city: fc.constantFrom('Lisbon', 'Porto'),
  timezone: fc.constantFrom('Europe/Lisbon', 'America/New_York', 'Asia/Tokyo'),
  maxGuests: fc.integer({ min: 1, max: 5 }),
  units: fc.oneof(
    { weight: 3, arbitrary: fc.constant(1) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 }) },
  ),
  price: fc.constantFrom(5_000, 8_000, 12_000),
  currency: fc.constantFrom('EUR', 'USD', 'JPY'),
  weekend: fc.option(fc.constantFrom(9_000, 15_000), { nil: null }),
  createdAt: fc.integer({ min: 0, max: 4 }),
  active: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  minNights: fc.integer({ min: 1, max: 3 }),
  maxNights: fc.integer({ min: 3, max: 12 }),
  advanceNoticeDays: fc.integer({ min: 0, max: 2 }),
  bookingWindowDays: fc.integer({ min: 10, max: 60 }),
  checkInWeekdays: weekdays,
  checkOutWeekdays: weekdays,
  /** Stays booked or held (start offset, nights), blocked nights, and nights with a price override. */
  taken: fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 5 })), {
    maxLength: 4,
  }),
  blocked: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 3 }),
  overrides: fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1_000, max: 30_000 })), {
    maxLength: 3,
  }),
})
type Fields = typeof listingArb extends fc.Arbitrary<infer T> ? T : never

const searchArb = fc.record({
  city: fc.constantFrom('Lisbon', 'porto'),
  start: fc.integer({ min: -1, max: 30 }),
  nights: fc.integer({ min: 1, max: 5 }),
  guests: fc.integer({ min: 1, max: 4 }),
  sort: fc.constantFrom('price_asc' as const, 'price_desc' as const, 'rating' as const, 'newest' as const),
  limit: fc.integer({ min: 1, max: 4 }),
  currency: fc.constantFrom('EUR', 'USD', 'JPY'),
  minPrice: fc.option(fc.constantFrom(15_000, 30_000), { nil: undefined, freq: 3 }),
  maxPrice: fc.option(fc.constantFrom(30_000, 50_000), { nil: undefined, freq: 3 }),
})

const listingOf = (n: number, f: Fields): Listing => {
  const base = makeListing(`lst_${String(n).padStart(3, '0')}`)
  return {
    ...base,
    location: { ...base.location, city: f.city, timezone: f.timezone },
    currency: f.currency as Currency,
    maxGuests: f.maxGuests,
    units: f.units,
    status: f.active ? 'active' : 'inactive',
    restrictions: {
      minNights: f.minNights,
      maxNights: f.maxNights,
      advanceNoticeDays: f.advanceNoticeDays,
      bookingWindowDays: f.bookingWindowDays,
      checkInWeekdays: f.checkInWeekdays,
      checkOutWeekdays: f.checkOutWeekdays,
    },
    pricing: { ...base.pricing, baseNightly: f.price, weekendNightly: f.weekend, cleaningFee: 2_500 },
    createdAt: (T0 + f.createdAt * 1000) as Instant,
  }
}

describe('search with dates: the use case against a brute-force model', () => {
  it('every page, in order, with the same quotes', () => {
    fc.assert(
      fc.property(fc.array(listingArb, { minLength: 10, maxLength: 40 }), searchArb, (fields, s) => {
        const now = (T0 + DAY) as Instant
        const clock = new ManualClock(now)
        const listings = new InMemoryListingRepository(new InMemoryOutbox())
        const availability = new InMemoryAvailabilityStore(clock)
        const all = fields.map((f, n) => listingOf(n, f))
        let booking = 0
        fields.forEach((f, n) => {
          const l = all[n]!
          run(listings.save(l, []))
          if (n % 5 === 4) return // a listing whose calendar was never written
          run(availability.setUnits(l.id, f.units))
          for (const [at, len] of f.taken) {
            const stay = { checkIn: addDays(FIRST, at), checkOut: addDays(FIRST, at + len) }
            const id = asId('booking', `bkg_${booking++}`)
            // Some holds expire before the search: those nights are free again.
            const expires = (booking % 3 === 0 ? now - 1 : now + DAY) as Instant
            const held = Effect.runSync(Effect.result(availability.hold(l.id, id, stay, expires)))
            if (Result.isSuccess(held) && booking % 2 === 0 && expires > now)
              run(availability.confirm(l.id, id))
          }
          for (const d of f.blocked)
            run(availability.patchNights(l.id, addDays(FIRST, d), addDays(FIRST, d + 1), { blocked: true }))
          for (const [d, amount] of f.overrides)
            run(
              availability.patchNights(l.id, addDays(FIRST, d), addDays(FIRST, d + 1), {
                priceOverride: amount,
              }),
            )
        })
        const checkIn = addDays(FIRST, s.start)
        const checkOut = addDays(checkIn, s.nights)
        const stay = { checkIn, checkOut }

        // The model.
        const expected = all
          .filter((l) => l.status === 'active' && l.location.city.toLowerCase() === s.city.toLowerCase())
          .filter((l) => l.maxGuests >= s.guests)
          .filter((l) =>
            Result.isSuccess(
              checkStay({
                restrictions: l.restrictions,
                maxGuests: l.maxGuests,
                stay,
                guests: s.guests,
                today: localDateAt(now, l.location.timezone),
              }),
            ),
          )
          .flatMap((l) => {
            const nights = run(availability.calendar(l.id, checkIn, checkOut))
            if (nights.some((n) => n.available < 1)) return []
            const calendar = new Map<LocalDate, NightPricing>(nights.map((n) => [n.date, n]))
            const quote = quoteStay({
              listingId: l.id,
              currency: l.currency,
              rules: l.pricing,
              stay,
              guests: s.guests,
              calendar,
            })
            const price = convertAmount(FIXED_RATE_TABLE, quote.guestTotal, l.currency, s.currency)!
            if (s.minPrice !== undefined && price < s.minPrice) return []
            if (s.maxPrice !== undefined && price > s.maxPrice) return []
            const key =
              s.sort === 'price_asc' ? price : s.sort === 'price_desc' ? -price : sortKey(l, s.sort, null)
            return [{ listing: l, quote, key, price }]
          })
          .sort((a, b) =>
            a.key !== b.key
              ? a.key < b.key
                ? -1
                : 1
              : a.listing.id < b.listing.id
                ? -1
                : a.listing.id > b.listing.id
                  ? 1
                  : 0,
          )

        // The use case, page by page.
        const search = new SearchListings({
          listings,
          availability,
          clock,
          exchangeRates: new InMemoryExchangeRates(),
          users: new InMemoryUserRepository(new InMemoryOutbox()),
        })
        const got: SearchHit[] = []
        let cursor: string | null = null
        for (let page = 0; page < 50; page++) {
          const r: SearchResult = run(
            search.execute({
              city: s.city,
              checkIn,
              checkOut,
              guests: s.guests,
              sort: s.sort,
              currency: s.currency,
              limit: s.limit,
              ...(s.minPrice === undefined ? {} : { minPrice: s.minPrice }),
              ...(s.maxPrice === undefined ? {} : { maxPrice: s.maxPrice }),
              ...(cursor === null ? {} : { cursor }),
            }),
          )
          got.push(...r.items)
          cursor = r.nextCursor
          if (cursor === null) break
        }
        expect(got.map((h) => h.listing.id)).toEqual(expected.map((e) => e.listing.id))
        expect(got.map((h) => h.quote)).toEqual(expected.map((e) => e.quote))
        expect(got.map((h) => h.price)).toEqual(
          expected.map((e) => ({ amount: e.price, currency: s.currency })),
        )
      }),
      { numRuns: RUNS },
    )
  })
})
