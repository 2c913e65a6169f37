import { Effect } from 'effect'
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
import { convertAmount } from '../../core/domain/shared/exchange.js'
import type { Currency } from '../../core/domain/shared/money.js'
import type { Instant } from '../../core/domain/shared/time.js'
import { makeListing, T0 } from '../contract/fixtures.js'

/*
 * Issue 15 item 4, without dates: for any set of listings priced in EUR, USD, JPY, GBP (and XTS,
 * which the rates do not convert), every page followed, a search in any currency returns exactly
 * the active listings whose converted base nightly price is in [min_price, max_price], each once,
 * with that price, and a price sort orders them by it. Other sorts keep the range; without a range
 * they show the listings the rates cannot price too, with no price.
 */
const RUNS = process.env.INNKEEPER_DEEP === '1' ? 2_000 : 200
const run = <A>(e: Effect.Effect<A, unknown>): A => Effect.runSync(e) as A

const listingArb = fc.record({
  currency: fc.constantFrom('EUR', 'USD', 'JPY', 'GBP', 'XTS'),
  price: fc.integer({ min: 1, max: 40_000 }),
  active: fc.boolean(),
  createdAt: fc.integer({ min: 0, max: 9 }),
})
const searchArb = fc.record({
  currency: fc.constantFrom('EUR', 'USD', 'JPY', 'GBP'),
  sort: fc.constantFrom('price_asc' as const, 'price_desc' as const, 'newest' as const),
  limit: fc.integer({ min: 1, max: 6 }),
  minPrice: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: undefined }),
  maxPrice: fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined }),
})

describe('search by price in one currency, across listings priced in others', () => {
  it('respects the range in the search currency and sorts by that one price, page after page', () => {
    fc.assert(
      fc.property(fc.array(listingArb, { maxLength: 40 }), searchArb, (fields, s) => {
        fc.pre(s.minPrice === undefined || s.maxPrice === undefined || s.minPrice <= s.maxPrice)
        const clock = new ManualClock(T0)
        const listings = new InMemoryListingRepository(new InMemoryOutbox())
        const all: Listing[] = fields.map((f, i) => {
          const base = makeListing(`lst_${String(i).padStart(3, '0')}`)
          return {
            ...base,
            currency: f.currency as Currency,
            status: f.active ? 'active' : 'inactive',
            pricing: { ...base.pricing, baseNightly: f.price },
            createdAt: (T0 + f.createdAt * 1000) as Instant,
          }
        })
        for (const l of all) run(listings.save(l, []))
        const search = new SearchListings({
          listings,
          availability: new InMemoryAvailabilityStore(clock),
          clock,
          exchangeRates: new InMemoryExchangeRates(),
          users: new InMemoryUserRepository(new InMemoryOutbox()),
        })
        const got: SearchHit[] = []
        let cursor: string | null = null
        for (let page = 0; page < 100; page++) {
          const r: SearchResult = run(
            search.execute({
              currency: s.currency,
              sort: s.sort,
              limit: s.limit,
              ...(s.minPrice === undefined ? {} : { minPrice: s.minPrice }),
              ...(s.maxPrice === undefined ? {} : { maxPrice: s.maxPrice }),
              ...(cursor === null ? {} : { cursor }),
            }),
          )
          expect(r.currency).toBe(s.currency)
          expect(r.exchangeRates).toEqual(FIXED_RATE_TABLE)
          got.push(...r.items)
          cursor = r.nextCursor
          if (cursor === null) break
        }
        const priceOf = (l: Listing) =>
          convertAmount(FIXED_RATE_TABLE, l.pricing.baseNightly, l.currency, s.currency)
        // Searches that filter or sort by price leave out listings the rates cannot price; others
        // show them with no price.
        const priced = s.sort !== 'newest' || s.minPrice !== undefined || s.maxPrice !== undefined
        const expected = all.filter((l) => {
          const p = priceOf(l)
          return (
            l.status === 'active' &&
            (!priced ||
              (p !== undefined &&
                (s.minPrice === undefined || p >= s.minPrice) &&
                (s.maxPrice === undefined || p <= s.maxPrice)))
          )
        })
        const ids = got.map((h) => h.listing.id)
        expect(new Set(ids).size).toBe(ids.length)
        expect([...ids].sort()).toEqual(expected.map((l) => l.id).sort())
        for (const h of got) {
          const p = priceOf(h.listing)
          expect(h.price).toEqual(p === undefined ? null : { amount: p, currency: s.currency })
          if (s.minPrice !== undefined) expect(h.price!.amount).toBeGreaterThanOrEqual(s.minPrice)
          if (s.maxPrice !== undefined) expect(h.price!.amount).toBeLessThanOrEqual(s.maxPrice)
        }
        const prices = got.map((h) => h.price?.amount ?? -1)
        if (s.sort === 'price_asc') expect(prices).toEqual([...prices].sort((a, b) => a - b))
        if (s.sort === 'price_desc') expect(prices).toEqual([...prices].sort((a, b) => b - a))
      }),
      { numRuns: RUNS },
    )
  })
})
