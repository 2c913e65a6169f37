import { Effect, Option } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InMemoryAvailabilityStore } from '../../adapters/memory/in-memory-availability-store.js'
import { FIXED_RATE_TABLE, InMemoryExchangeRates } from '../../adapters/memory/in-memory-exchange-rates.js'
import { InMemoryOutbox } from '../../adapters/memory/in-memory-outbox.js'
import { InMemoryUserRepository } from '../../adapters/memory/in-memory-user-repository.js'
import { ManualClock } from '../../adapters/memory/manual-clock.js'
import { type SearchHit, SearchListings, type SearchResult } from '../../core/application/search-listings.js'
import { listingMatches } from '../../core/domain/listings/filter.js'
import type { Listing } from '../../core/domain/listings/listing.js'
import { sortKey } from '../../core/domain/listings/search-order.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import { compareWorth, convertAmount } from '../../core/domain/shared/exchange.js'
import { asId } from '../../core/domain/shared/ids.js'
import { type Currency, currency } from '../../core/domain/shared/money.js'
import type { OutboxSource } from '../../ports/events.js'
import type {
  ListingCursor,
  ListingFilter,
  ListingRepository,
  ListingSort,
} from '../../ports/repositories.js'
import { anyFilter, at, collectPages, event, failure, makeListing, rated, run } from './fixtures.js'

export interface ListingRepositoryHarness {
  readonly repo: ListingRepository
  readonly outbox: OutboxSource
  readonly cleanup?: () => Promise<void>
}

const host = (id: string) => asId('user', id)

/** Pulls up to `max` listings from a cursor in batches of `batch`, then closes it. */
const drain = async (
  cursor: ListingCursor,
  max = Number.POSITIVE_INFINITY,
  batch = 3,
): Promise<Listing[]> => {
  const out: Listing[] = []
  while (out.length < max) {
    const next = await run(cursor.next(Math.min(batch, max - out.length)))
    expect(next.length).toBeLessThanOrEqual(batch)
    if (next.length === 0) break
    out.push(...next)
  }
  await run(cursor.close())
  return out
}
const lisbon = { lat: 38.7223, lng: -9.1393 }

export const listingRepositoryContract = (name: string, make: () => Promise<ListingRepositoryHarness>) =>
  describe(`ListingRepository contract: ${name}`, () => {
    let h: ListingRepositoryHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })
    const saveAll = async (ls: readonly Listing[]) => {
      for (const l of ls) await run(h.repo.save(l, []))
    }
    const search = async (filter: Partial<ListingFilter>, sort: ListingSort = 'price_asc') =>
      (await drain(await run(h.repo.search({ ...anyFilter, ...filter }, sort, null)))).map(
        (l) => l.id as string,
      )

    it('round trip: a saved listing is found by id, equal to what was saved', async () => {
      const l = makeListing('lst_a')
      await run(h.repo.save(l, []))
      expect(Option.getOrThrow(await run(h.repo.byId(l.id)))).toEqual(l)
      expect(Option.isNone(await run(h.repo.byId(asId('listing', 'lst_none'))))).toBe(true)
    })

    it('optimistic concurrency: only version n over n−1 is accepted, and a failure changes nothing', async () => {
      const l = makeListing('lst_a')
      await run(h.repo.save(l, []))
      expect(await failure(h.repo.save({ ...l, title: 'dup' }, []))).toBeInstanceOf(ConcurrentModification)
      await run(h.repo.save({ ...l, title: 'v2', version: 2 }, []))
      expect(await failure(h.repo.save({ ...l, title: 'v2b', version: 2 }, []))).toBeInstanceOf(
        ConcurrentModification,
      )
      expect(Option.getOrThrow(await run(h.repo.byId(l.id))).title).toBe('v2')
    })

    it('events are in the outbox with the save, and not when the save fails', async () => {
      const l = makeListing('lst_a')
      const ok = event(l.id, 'innkeeper.listing.created.v1')
      const bad = event(l.id, 'innkeeper.listing.updated.v1')
      await run(h.repo.save(l, [ok]))
      await failure(h.repo.save(l, [bad]))
      const ids = (await run(h.outbox.pending(10_000))).map((e) => e.event.id)
      expect(ids).toContain(ok.id)
      expect(ids).not.toContain(bad.id)
    })

    it("byHost pages the host's listings newest first, each exactly once", async () => {
      const mine = Array.from({ length: 11 }, (_, i) =>
        makeListing(`lst_m${String(i).padStart(2, '0')}`, { hostId: host('usr_h1'), createdAt: at(i % 3) }),
      )
      await saveAll([...mine, makeListing('lst_other', { hostId: host('usr_h2') })])
      const all = await collectPages((cursor) => run(h.repo.byHost(host('usr_h1'), { limit: 3, cursor })))
      expect(all.map((l) => l.id).sort()).toEqual(mine.map((l) => l.id).sort())
      for (let i = 1; i < all.length; i++)
        expect(all[i - 1]!.createdAt).toBeGreaterThanOrEqual(all[i]!.createdAt)
      const none = await run(h.repo.byHost(host('usr_nobody'), { limit: 3, cursor: null }))
      expect(none).toEqual({ items: [], nextCursor: null })
    })

    it('search filters by city, case-insensitive exact match', async () => {
      await saveAll([
        makeListing('lst_a'),
        makeListing('lst_b', { location: { ...makeListing('x').location, city: 'LISBON' } }),
        makeListing('lst_c', { location: { ...makeListing('x').location, city: 'Lisbon Coast' } }),
      ])
      expect((await search({ city: 'lisbon' })).sort()).toEqual(['lst_a', 'lst_b'])
    })

    it('search filters by distance within radiusKm of the point (haversine)', async () => {
      const base = makeListing('x').location
      await saveAll([
        makeListing('lst_near', { location: { ...base, lat: 38.73, lng: -9.14 } }),
        makeListing('lst_porto', { location: { ...base, city: 'Porto', lat: 41.1579, lng: -8.6291 } }),
      ])
      expect(await search({ near: { ...lisbon, radiusKm: 10 } })).toEqual(['lst_near'])
      expect((await search({ near: { ...lisbon, radiusKm: 400 } })).sort()).toEqual(['lst_near', 'lst_porto'])
    })

    it('search filters by currency (issue 15: a price order is merged per currency)', async () => {
      await saveAll([
        makeListing('lst_usd'),
        makeListing('lst_eur', { currency: currency('EUR') }),
        makeListing('lst_jpy', { currency: currency('JPY') }),
      ])
      expect(await search({ currency: 'EUR' })).toEqual(['lst_eur'])
      expect(await search({ currency: 'JPY' })).toEqual(['lst_jpy'])
      expect(await search({ currency: 'GBP' })).toEqual([])
      expect((await search({ currency: null })).sort()).toEqual(['lst_eur', 'lst_jpy', 'lst_usd'])
    })

    it('SearchListings over this repository: price order and range in one currency across EUR, USD and JPY, every page', async () => {
      // Issue 15: amounts in different currencies are never compared as such. Prices converted with
      // the fixed rates; a listing in a currency the table lacks (XTS) is left out of price searches.
      const table = {
        ...FIXED_RATE_TABLE,
        rates: {
          EUR: FIXED_RATE_TABLE.rates.EUR!,
          USD: FIXED_RATE_TABLE.rates.USD!,
          JPY: FIXED_RATE_TABLE.rates.JPY!,
        },
      }
      let seed = 7
      const rnd = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
        return seed % n
      }
      const ls = Array.from({ length: 40 }, (_, i) =>
        makeListing(`lst_${String(i).padStart(3, '0')}`, {
          currency: currency(['EUR', 'USD', 'JPY', 'XTS'][rnd(4)]!),
          pricing: {
            ...makeListing('x').pricing,
            baseNightly: [4_000, 6_100, 6_500, 9_200, 10_000, 15_000][rnd(6)]!,
          },
        }),
      )
      await saveAll(ls)
      const uc = new SearchListings({
        listings: h.repo,
        availability: new InMemoryAvailabilityStore(new ManualClock(at(0))),
        clock: new ManualClock(at(0)),
        // Three currencies: a price search queries the repository once per currency of the table.
        exchangeRates: new InMemoryExchangeRates(table),
        users: new InMemoryUserRepository(new InMemoryOutbox()),
      })
      const pages = async (input: Parameters<SearchListings['execute']>[0]): Promise<SearchHit[]> => {
        const out: SearchHit[] = []
        let cursor: string | null = null
        do {
          const r: SearchResult = await Effect.runPromise(
            uc.execute({ ...input, ...(cursor ? { cursor } : {}) }),
          )
          out.push(...r.items)
          cursor = r.nextCursor
        } while (cursor !== null)
        return out
      }
      for (const cur of ['EUR', 'USD', 'JPY'] as const)
        for (const sort of ['price_asc', 'price_desc'] as const)
          for (const range of [{}, { minPrice: 5_000, maxPrice: 9_000 }] as {
            minPrice?: number
            maxPrice?: number
          }[]) {
            const got = await pages({ currency: cur, sort, limit: 1 + rnd(7), ...range })
            const priceOf = (l: Listing) =>
              convertAmount(FIXED_RATE_TABLE, l.pricing.baseNightly, l.currency, cur)
            const expected = ls
              .filter((l) => l.currency !== 'XTS')
              .filter((l) => {
                const p = priceOf(l)!
                return (
                  (range.minPrice === undefined || p >= range.minPrice) &&
                  (range.maxPrice === undefined || p <= range.maxPrice)
                )
              })
              .sort(
                (a, b) =>
                  (sort === 'price_asc' ? 1 : -1) *
                    compareWorth(
                      table,
                      { amount: a.pricing.baseNightly, currency: a.currency },
                      { amount: b.pricing.baseNightly, currency: b.currency },
                    ) || (a.id < b.id ? -1 : 1),
              )
            expect(got.map((x) => x.listing.id)).toEqual(expected.map((l) => l.id))
            expect(got.every((x) => x.price?.currency === cur && x.price.amount === priceOf(x.listing))).toBe(
              true,
            )
          }
    })

    it('search filters by guests, price range, amenities, types, booking mode and status', async () => {
      await saveAll([
        makeListing('lst_small', { maxGuests: 2 }),
        makeListing('lst_cheap', { pricing: { ...makeListing('x').pricing, baseNightly: 5_000 } }),
        makeListing('lst_dear', { pricing: { ...makeListing('x').pricing, baseNightly: 50_000 } }),
        makeListing('lst_pool', { amenities: ['wifi', 'pool'] }),
        makeListing('lst_cabin', { propertyType: 'cabin', roomType: 'private_room' }),
        makeListing('lst_req', { bookingMode: 'request' }),
        makeListing('lst_draft', { status: 'draft' }),
      ])
      const all = ['lst_cabin', 'lst_cheap', 'lst_dear', 'lst_draft', 'lst_pool', 'lst_req', 'lst_small']
      expect((await search({})).sort()).toEqual(all)
      expect(await search({ minGuests: 3 })).not.toContain('lst_small')
      expect((await search({ minGuests: 2 })).sort()).toEqual(all)
      expect((await search({ minPrice: 6_000, maxPrice: 40_000 })).sort()).toEqual(
        all.filter((x) => x !== 'lst_cheap' && x !== 'lst_dear'),
      )
      expect(await search({ minPrice: 50_000, maxPrice: 50_000 })).toEqual(['lst_dear'])
      expect(await search({ amenities: ['pool', 'wifi'] })).toEqual(['lst_pool'])
      expect(await search({ propertyTypes: ['cabin', 'villa'] })).toEqual(['lst_cabin'])
      expect(await search({ roomTypes: ['private_room'] })).toEqual(['lst_cabin'])
      expect(await search({ bookingMode: 'request' })).toEqual(['lst_req'])
      expect(await search({ statuses: ['draft'] })).toEqual(['lst_draft'])
      expect(await search({ statuses: ['active'] })).not.toContain('lst_draft')
    })

    it("search by a stay's shape keeps listings whose nights and weekday rules allow it", async () => {
      const r = makeListing('x').restrictions
      await saveAll([
        makeListing('lst_any'),
        makeListing('lst_min3', { restrictions: { ...r, minNights: 3 } }),
        makeListing('lst_max2', { restrictions: { ...r, maxNights: 2 } }),
        makeListing('lst_sat', { restrictions: { ...r, checkInWeekdays: [6], checkOutWeekdays: [6] } }),
        makeListing('lst_fri_in', { restrictions: { ...r, checkInWeekdays: [5, 6] } }),
      ])
      expect((await search({ nights: 2 })).sort()).toEqual(['lst_any', 'lst_fri_in', 'lst_max2', 'lst_sat'])
      expect((await search({ nights: 3 })).sort()).toEqual(['lst_any', 'lst_fri_in', 'lst_min3', 'lst_sat'])
      expect((await search({ checkInWeekday: 5 })).sort()).toEqual([
        'lst_any',
        'lst_fri_in',
        'lst_max2',
        'lst_min3',
      ])
      expect((await search({ checkInWeekday: 6, checkOutWeekday: 6, nights: 7 })).sort()).toEqual([
        'lst_any',
        'lst_fri_in',
        'lst_min3',
        'lst_sat',
      ])
      expect((await search({ checkOutWeekday: 1 })).sort()).toEqual([
        'lst_any',
        'lst_fri_in',
        'lst_max2',
        'lst_min3',
      ])
      expect(await search({ nights: null, checkInWeekday: null, checkOutWeekday: null })).toHaveLength(5)
    })

    it('search minRating compares the average rating; listings without ratings fail it', async () => {
      await saveAll([
        makeListing('lst_unrated'),
        makeListing('lst_45', { rating: rated(2, 4.5) }),
        makeListing('lst_38', { rating: rated(5, 3.8) }),
      ])
      expect(await search({ minRating: 4 })).toEqual(['lst_45'])
      expect((await search({ minRating: 1 })).sort()).toEqual(['lst_38', 'lst_45'])
    })

    it('search returns exactly the listings listingMatches (the core filter) accepts, in sort order', async () => {
      // Varied listings and filters from a fixed seed: every field of the filter, alone and combined.
      let seed = 23
      const rnd = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
        return seed % n
      }
      const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!
      const some = <T>(xs: readonly T[]): T[] => xs.filter(() => rnd(3) === 0)
      const base = makeListing('x')
      const weekdays = () => (rnd(2) === 0 ? [] : some([0, 1, 2, 3, 4, 5, 6]))
      const ls = Array.from({ length: 240 }, (_, i) =>
        makeListing(`lst_${String(i).padStart(3, '0')}`, {
          location: {
            ...base.location,
            city: pick(['Lisbon', 'Porto', ' lisbon ', 'PORTO', 'Faro']),
            lat: 38.7 + rnd(200) / 1_000,
            lng: -9.2 + rnd(200) / 1_000,
          },
          maxGuests: 1 + rnd(8),
          status: pick(['draft', 'active', 'active', 'inactive', 'archived'] as const),
          bookingMode: pick(['instant', 'request'] as const),
          amenities: some(['wifi', 'kitchen', 'pool']),
          propertyType: pick(['apartment', 'house', 'cabin'] as const),
          roomType: pick(['entire_place', 'private_room'] as const),
          restrictions: {
            ...base.restrictions,
            minNights: 1 + rnd(4),
            maxNights: 3 + rnd(20),
            checkInWeekdays: weekdays(),
            checkOutWeekdays: weekdays(),
          },
          pricing: { ...base.pricing, baseNightly: pick([5_000, 8_000, 12_000, 20_000]) },
          currency: pick(['USD', 'USD', 'EUR', 'JPY'] as const) as Currency,
          rating: rnd(3) === 0 ? rated(0, 0) : rated(1 + rnd(4), pick([3, 3.9, 4, 4.5, 5])),
          createdAt: at(rnd(50)),
        }),
      )
      await saveAll(ls)
      const filters: ListingFilter[] = Array.from({ length: 60 }, (_, i) => {
        const on = (field: number) => i % 12 === field || rnd(6) === 0
        return {
          ...anyFilter,
          city: on(0) ? pick(['lisbon', 'PORTO', ' Faro', 'Nowhere']) : null,
          near: on(1) ? { lat: 38.75, lng: -9.1, radiusKm: pick([1, 3, 8, 30]) } : null,
          minGuests: on(2) ? 1 + rnd(8) : 1,
          minPrice: on(3) ? pick([5_000, 8_000, 12_000]) : null,
          maxPrice: on(3) ? pick([8_000, 12_000, 20_000]) : null,
          amenities: on(4) ? some(['wifi', 'pool']) : [],
          propertyTypes: on(5) ? some(['apartment', 'cabin', 'villa'] as const) : [],
          roomTypes: on(5) ? some(['private_room', 'entire_place'] as const) : [],
          bookingMode: on(6) ? pick(['instant', 'request'] as const) : null,
          minRating: on(7) ? pick([3, 4, 4.5]) : null,
          statuses: on(8) ? pick([['active'], ['active', 'inactive'], ['draft']] as const) : [],
          nights: on(9) ? 1 + rnd(10) : null,
          checkInWeekday: on(10) ? rnd(7) : null,
          checkOutWeekday: on(11) ? rnd(7) : null,
          currency: rnd(4) === 0 ? pick(['USD', 'EUR', 'JPY', 'GBP']) : null,
        }
      })
      let matched = 0
      for (const f of filters) {
        for (const sort of f.near === null ? (['price_asc', 'rating'] as const) : (['distance'] as const)) {
          const expected = ls
            .filter((l) => listingMatches(l, f))
            .map((l) => ({ id: l.id as string, key: sortKey(l, sort, f.near) }))
            .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : 1))
            .map((x) => x.id)
          matched += expected.length
          expect([f, sort, await search(f, sort)]).toEqual([f, sort, expected])
        }
      }
      // The filters select something, and not everything.
      expect(matched).toBeGreaterThan(200)
      expect(matched).toBeLessThan(ls.length * filters.length)
    })

    it('search orders by the sort key of each sort, ties broken by id', async () => {
      const p = makeListing('x').pricing
      const base = makeListing('x').location
      const ls = [
        makeListing('lst_b', { pricing: { ...p, baseNightly: 200 }, rating: rated(1, 4), createdAt: at(3) }),
        makeListing('lst_a', { pricing: { ...p, baseNightly: 200 }, rating: rated(1, 5), createdAt: at(1) }),
        makeListing('lst_c', {
          pricing: { ...p, baseNightly: 100 },
          createdAt: at(2),
          location: { ...base, lat: 39, lng: -9 },
        }),
        makeListing('lst_d', { pricing: { ...p, baseNightly: 300 }, rating: rated(3, 4), createdAt: at(3) }),
      ]
      await saveAll(ls)
      const near = { ...lisbon, radiusKm: 1000 }
      for (const sort of ['price_asc', 'price_desc', 'rating', 'newest', 'distance'] as const) {
        const expected = [...ls]
          .map((l) => ({ id: l.id as string, key: sortKey(l, sort, near) }))
          .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : 1))
          .map((x) => x.id)
        expect(await search({ near }, sort)).toEqual(expected)
      }
      expect(await search({}, 'price_asc')).toEqual(['lst_c', 'lst_a', 'lst_b', 'lst_d'])
      expect(await search({}, 'price_desc')).toEqual(['lst_d', 'lst_a', 'lst_b', 'lst_c'])
      expect(await search({}, 'rating')).toEqual(['lst_a', 'lst_b', 'lst_d', 'lst_c'])
      expect(await search({}, 'newest')).toEqual(['lst_b', 'lst_d', 'lst_c', 'lst_a'])
    })

    it('search starts strictly after the given position and resumes without gaps or repeats', async () => {
      const p = makeListing('x').pricing
      const ls = Array.from({ length: 17 }, (_, i) =>
        makeListing(`lst_${String(i).padStart(2, '0')}`, { pricing: { ...p, baseNightly: 100 * (i % 4) } }),
      )
      await saveAll(ls)
      const seen: string[] = []
      let after: { key: number; id: string } | null = null
      for (let guard = 0; guard < 20; guard++) {
        const batch: Listing[] = await drain(await run(h.repo.search(anyFilter, 'price_asc', after)), 5)
        if (batch.length === 0) break
        seen.push(...batch.map((l) => l.id))
        const last = batch[batch.length - 1]!
        after = { key: sortKey(last, 'price_asc', null), id: last.id }
      }
      expect(seen).toEqual(await search({}, 'price_asc'))
      expect(new Set(seen).size).toBe(ls.length)
    })

    it('search over thousands of listings keeps each sort order exact and resumes without gaps', async () => {
      // Enough listings that an adapter's index needs more than one page, block or chunk of entries.
      const p = makeListing('x').pricing
      const base = makeListing('x').location
      let seed = 7
      const next = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
        return seed
      }
      const ls = Array.from({ length: 2_500 }, (_, i) =>
        makeListing(`lst_${String(i).padStart(5, '0')}`, {
          pricing: { ...p, baseNightly: 1_000 + (next() % 400) * 25 },
          location: { ...base, city: i % 4 === 0 ? 'Lisbon' : 'Porto' },
          maxGuests: 1 + (next() % 6),
          createdAt: at(next() % 1_000),
        }),
      )
      await saveAll(ls)
      for (const sort of ['price_asc', 'price_desc', 'newest'] as const) {
        const expected = ls
          .filter((l) => l.location.city === 'Porto' && l.maxGuests >= 3)
          .map((l) => ({ id: l.id as string, key: sortKey(l, sort, null) }))
          .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : 1))
          .map((x) => x.id)
        expect(await search({ city: 'porto', minGuests: 3 }, sort)).toEqual(expected)
        // Resuming from every 97th position gives exactly the rest of the order.
        for (let i = 0; i < expected.length; i += 97) {
          const last = ls.find((l) => l.id === expected[i])!
          const rest = await drain(
            await run(
              h.repo.search({ ...anyFilter, city: 'Porto', minGuests: 3 }, sort, {
                key: sortKey(last, sort, null),
                id: last.id,
              }),
            ),
            5,
          )
          expect(rest.map((l) => l.id)).toEqual(expected.slice(i + 1, i + 6))
        }
      }
    })

    it('search orders by the current rating after ratings change', async () => {
      await saveAll([
        makeListing('lst_a', { rating: rated(1, 3) }),
        makeListing('lst_b', { rating: rated(1, 4) }),
        makeListing('lst_c'),
      ])
      expect(await search({}, 'rating')).toEqual(['lst_b', 'lst_a', 'lst_c'])
      const a = Option.getOrThrow(await run(h.repo.byId(asId('listing', 'lst_a'))))
      await run(h.repo.save({ ...a, rating: rated(2, 4.5), version: 2 }, []))
      expect(await search({}, 'rating')).toEqual(['lst_a', 'lst_b', 'lst_c'])
      expect(await search({ city: 'Lisbon' }, 'rating')).toEqual(['lst_a', 'lst_b', 'lst_c'])
    })

    it('search by distance over many scattered listings is exactly nearest first, near or wide, and resumes', async () => {
      // Enough listings, spread over enough cells, that an adapter's spatial index does real work.
      const base = makeListing('x').location
      let seed = 11
      const next = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
        return seed / 2_147_483_648
      }
      const spots = [
        { lat: 38.72, lng: -9.14, spread: 0.08 },
        { lat: 41.15, lng: -8.61, spread: 0.05 },
        { lat: 40.42, lng: -3.7, spread: 0.1 },
        { lat: 89.95, lng: 0, spread: 0.03 },
      ]
      const ls = Array.from({ length: 1_600 }, (_, i) => {
        const spot = spots[i % 7 === 0 ? 1 + (i % 3) : 0]!
        return makeListing(`lst_${String(i).padStart(5, '0')}`, {
          location: {
            ...base,
            lat: Math.min(90, spot.lat + (next() - 0.5) * spot.spread),
            lng: spot.lng + (next() - 0.5) * spot.spread,
          },
          maxGuests: 1 + Math.floor(next() * 5),
        })
      })
      await saveAll(ls)
      const cases = [
        { lat: 38.7, lng: -9.15, radiusKm: 4 },
        { lat: 38.7, lng: -9.15, radiusKm: 450 },
        { lat: 89.99, lng: 120, radiusKm: 10 },
        { lat: 0, lng: 0, radiusKm: 100 },
      ]
      for (const near of cases) {
        const expected = ls
          .filter((l) => l.maxGuests >= 2)
          .map((l) => ({ id: l.id as string, key: sortKey(l, 'distance', near), l }))
          .filter((x) => x.key <= near.radiusKm)
          .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : 1))
        expect(await search({ near, minGuests: 2 }, 'distance')).toEqual(expected.map((x) => x.id))
        for (let i = 0; i < expected.length; i += 211) {
          const cursor = await run(
            h.repo.search({ ...anyFilter, near, minGuests: 2 }, 'distance', {
              key: expected[i]!.key,
              id: expected[i]!.id,
            }),
          )
          expect((await drain(cursor, 4)).map((l) => l.id)).toEqual(
            expected.slice(i + 1, i + 5).map((x) => x.id),
          )
        }
      }
    })

    it('search near a point finds listings across the antimeridian and none twice', async () => {
      const base = makeListing('x').location
      await saveAll([
        makeListing('lst_east', { location: { ...base, city: 'Taveuni', lat: -16.8, lng: 179.95 } }),
        makeListing('lst_west', { location: { ...base, city: 'Taveuni', lat: -16.8, lng: -179.95 } }),
        makeListing('lst_far', { location: { ...base, city: 'Suva', lat: -18.14, lng: 178.44 } }),
      ])
      const narrow = await search({ near: { lat: -16.8, lng: 180, radiusKm: 20 } }, 'distance')
      expect(narrow.sort()).toEqual(['lst_east', 'lst_west'])
      const wide = await search({ near: { lat: -16.8, lng: 180, radiusKm: 500 } }, 'distance')
      expect(wide.sort()).toEqual(['lst_east', 'lst_far', 'lst_west'])
    })

    it('a search cursor gives the same order whatever the batch sizes; empty means the end; close ends it', async () => {
      const p = makeListing('x').pricing
      await saveAll(
        Array.from({ length: 40 }, (_, i) =>
          makeListing(`lst_${String(i).padStart(2, '0')}`, {
            pricing: { ...p, baseNightly: 100 + ((i * 7) % 13) },
          }),
        ),
      )
      const one = (await drain(await run(h.repo.search(anyFilter, 'price_asc', null)), Infinity, 1)).map(
        (l) => l.id,
      )
      const big = (await drain(await run(h.repo.search(anyFilter, 'price_asc', null)), Infinity, 1_000)).map(
        (l) => l.id,
      )
      expect(one).toHaveLength(40)
      expect(big).toEqual(one)
      const cursor = await run(h.repo.search(anyFilter, 'price_asc', null))
      expect(await run(cursor.next(100))).toHaveLength(40)
      expect(await run(cursor.next(100))).toEqual([])
      expect(await run(cursor.next(100))).toEqual([])
      const closed = await run(h.repo.search(anyFilter, 'price_asc', null))
      expect(await run(closed.next(5))).toHaveLength(5)
      await run(closed.close())
      await run(closed.close())
      expect(await run(closed.next(5))).toEqual([])
    })

    it('a search cursor sees saves between batches without repeating or skipping steady listings', async () => {
      const p = makeListing('x').pricing
      const ls = Array.from({ length: 10 }, (_, i) =>
        makeListing(`lst_${i}`, { pricing: { ...p, baseNightly: 100 * (i + 1) } }),
      )
      await saveAll(ls)
      const cursor = await run(h.repo.search(anyFilter, 'price_asc', null))
      const first = await run(cursor.next(4))
      expect(first.map((l) => l.id)).toEqual(['lst_0', 'lst_1', 'lst_2', 'lst_3'])
      // Between batches: one listing moves behind the position, one ahead, one new one appears ahead.
      await run(h.repo.save({ ...ls[6]!, pricing: { ...p, baseNightly: 50 }, version: 2 }, []))
      await run(h.repo.save({ ...ls[1]!, pricing: { ...p, baseNightly: 950 }, version: 2 }, []))
      await run(h.repo.save(makeListing('lst_new', { pricing: { ...p, baseNightly: 450 } }), []))
      const rest = (await drain(cursor)).map((l) => l.id)
      expect(rest).toEqual(['lst_new', 'lst_4', 'lst_5', 'lst_7', 'lst_8', 'lst_1', 'lst_9'])
    })

    it('search reflects later saves: an updated listing moves in or out of a filter', async () => {
      const l = makeListing('lst_a')
      await run(h.repo.save(l, []))
      await run(h.repo.save({ ...l, status: 'inactive', version: 2 }, []))
      expect(await search({ statuses: ['active'] })).toEqual([])
      await run(
        h.repo.save({ ...l, location: { ...l.location, city: 'Porto' }, status: 'active', version: 3 }, []),
      )
      expect(await search({ city: 'Lisbon' })).toEqual([])
      expect(await search({ city: 'porto' })).toEqual(['lst_a'])
    })
  })
