import { Effect } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InMemoryAvailabilityStore } from '../../adapters/memory/in-memory-availability-store.js'
import { InMemoryListingRepository } from '../../adapters/memory/in-memory-listing-repository.js'
import { InMemoryOutbox } from '../../adapters/memory/in-memory-outbox.js'
import { listingMatches } from '../../core/domain/listings/filter.js'
import type { Listing, ListingStatus } from '../../core/domain/listings/listing.js'
import { propertyTypes, roomTypes } from '../../core/domain/listings/listing.js'
import { haversineKm, type ListingSort, sortKey } from '../../core/domain/listings/search-order.js'
import { addDays, type LocalDate, localDate, toEpochDay } from '../../core/domain/shared/dates.js'
import { asId } from '../../core/domain/shared/ids.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type { NightState } from '../../ports/availability-store.js'
import type { ListingFilter, SearchPosition } from '../../ports/repositories.js'
import { anyFilter, makeListing, rated, T0 } from '../contract/fixtures.js'

/**
 * The indexed in-memory search (sort orders per capacity class, facts in the entries, walkers kept
 * between batches, the geo grid) against a brute-force model: every stored listing through a naive
 * filter, sorted by (sort key, id), strictly after the position. Listings are saved, some saved
 * again with other fields between batches of a walk, so reindexing and resumed walks are covered.
 */

const run = <A>(e: Effect.Effect<A, unknown>): A => Effect.runSync(e) as A

const cityKey = (c: string) => c.trim().toLowerCase()
const modelMatches = (l: Listing, f: ListingFilter): boolean => {
  const r = l.restrictions
  const avg = l.rating.count === 0 ? null : l.rating.overallSum / l.rating.count
  return (
    (f.city === null || cityKey(l.location.city) === cityKey(f.city)) &&
    (f.near === null ||
      haversineKm(f.near.lat, f.near.lng, l.location.lat, l.location.lng) <= f.near.radiusKm) &&
    l.maxGuests >= f.minGuests &&
    (f.minPrice === null || l.pricing.baseNightly >= f.minPrice) &&
    (f.maxPrice === null || l.pricing.baseNightly <= f.maxPrice) &&
    f.amenities.every((a) => l.amenities.includes(a)) &&
    (f.propertyTypes.length === 0 || f.propertyTypes.includes(l.propertyType)) &&
    (f.roomTypes.length === 0 || f.roomTypes.includes(l.roomType)) &&
    (f.bookingMode === null || l.bookingMode === f.bookingMode) &&
    (f.minRating === null || (avg !== null && avg >= f.minRating)) &&
    (f.statuses.length === 0 || f.statuses.includes(l.status)) &&
    (f.nights == null || (f.nights >= r.minNights && f.nights <= r.maxNights)) &&
    (f.checkInWeekday == null ||
      r.checkInWeekdays.length === 0 ||
      r.checkInWeekdays.includes(f.checkInWeekday)) &&
    (f.checkOutWeekday == null ||
      r.checkOutWeekdays.length === 0 ||
      r.checkOutWeekdays.includes(f.checkOutWeekday))
  )
}
const order = (a: SearchPosition, b: SearchPosition): number =>
  a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

const statuses: readonly ListingStatus[] = ['draft', 'active', 'inactive', 'archived']
const cities = ['Lisbon', 'Porto', ' lisbon ', 'Faro'] as const
const weekdays = fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 3 })

/** The fields that searches filter and sort on, drawn from small sets so that ties are common. */
const listingFields = fc.record({
  city: fc.constantFrom(...cities),
  lat: fc.integer({ min: -300, max: 300 }),
  lng: fc.integer({ min: -300, max: 300 }),
  maxGuests: fc.integer({ min: 1, max: 9 }),
  price: fc.constantFrom(5_000, 8_000, 8_000, 12_000, 20_000),
  ratingCount: fc.integer({ min: 0, max: 3 }),
  ratingAvg: fc.constantFrom(3, 4, 4.5, 5),
  createdAt: fc.integer({ min: 0, max: 4 }),
  status: fc.constantFrom(...statuses, 'active', 'active'),
  minNights: fc.integer({ min: 1, max: 4 }),
  maxNights: fc.integer({ min: 3, max: 30 }),
  checkInWeekdays: weekdays,
  checkOutWeekdays: weekdays,
  amenities: fc.subarray(['wifi', 'kitchen', 'pool']),
  propertyType: fc.constantFrom(...propertyTypes.slice(0, 3)),
  roomType: fc.constantFrom(...roomTypes.slice(0, 2)),
  instant: fc.boolean(),
})
type Fields = typeof listingFields extends fc.Arbitrary<infer T> ? T : never

const listingOf = (n: number, f: Fields, version: number): Listing => {
  const base = makeListing(`lst_${String(n).padStart(3, '0')}`)
  return {
    ...base,
    location: {
      ...base.location,
      city: f.city,
      lat: 38.7 + f.lat / 10_000,
      lng: -9.1 + f.lng / 10_000,
    },
    maxGuests: f.maxGuests,
    status: f.status,
    bookingMode: f.instant ? 'instant' : 'request',
    amenities: f.amenities,
    propertyType: f.propertyType,
    roomType: f.roomType,
    restrictions: {
      ...base.restrictions,
      minNights: f.minNights,
      maxNights: f.maxNights,
      checkInWeekdays: f.checkInWeekdays,
      checkOutWeekdays: f.checkOutWeekdays,
    },
    pricing: { ...base.pricing, baseNightly: f.price },
    rating: rated(f.ratingCount, f.ratingAvg),
    createdAt: (T0 + f.createdAt * 1000) as Instant,
    version,
  }
}

const filterArb: fc.Arbitrary<ListingFilter> = fc.record({
  city: fc.option(fc.constantFrom('Lisbon', 'PORTO', 'Faro', 'Nowhere'), { nil: null }),
  near: fc.option(
    fc.record({
      lat: fc.constant(38.7),
      lng: fc.constant(-9.1),
      radiusKm: fc.constantFrom(0.5, 1, 2, 3, 5, 50),
    }),
    { nil: null, freq: 3 },
  ),
  minGuests: fc.integer({ min: 1, max: 8 }),
  minPrice: fc.option(fc.constantFrom(5_000, 8_000, 12_000), { nil: null, freq: 2 }),
  maxPrice: fc.option(fc.constantFrom(8_000, 12_000, 20_000), { nil: null, freq: 2 }),
  amenities: fc.subarray(['wifi', 'pool'], { maxLength: 1 }),
  propertyTypes: fc.subarray([...propertyTypes.slice(0, 3)], { maxLength: 2 }),
  roomTypes: fc.subarray([...roomTypes.slice(0, 2)], { maxLength: 1 }),
  bookingMode: fc.option(fc.constantFrom('instant' as const, 'request' as const), { nil: null, freq: 2 }),
  minRating: fc.option(fc.constantFrom(3, 4, 4.5), { nil: null, freq: 2 }),
  statuses: fc.constantFrom<readonly ListingStatus[]>([], ['active'], ['active', 'inactive']),
  nights: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
  checkInWeekday: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
  checkOutWeekday: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
})
const sortArb = fc.constantFrom<ListingSort>('price_asc', 'price_desc', 'rating', 'newest', 'distance')

describe('the core filter (listingMatches) = the naive filter written out here', () => {
  it('agrees on every listing and filter', () => {
    fc.assert(
      fc.property(listingFields, filterArb, (fields, f) => {
        const l = listingOf(0, fields, 1)
        expect(listingMatches(l, f)).toBe(modelMatches(l, f))
      }),
      { numRuns: 2_000 },
    )
  })
})

describe('in-memory listing search = naive filter + sort', () => {
  it('every page, every batch size, from every position, with saves between batches', () => {
    fc.assert(
      fc.property(
        fc.array(listingFields, { minLength: 0, maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), listingFields), { maxLength: 10 }),
        filterArb,
        sortArb,
        fc.nat(),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        (fields, updates, f, sortPick, afterPick, batches) => {
          const sort: ListingSort = sortPick === 'distance' && f.near === null ? 'newest' : sortPick
          const repo = new InMemoryListingRepository(new InMemoryOutbox())
          const stored = new Map<string, Listing>()
          const save = (l: Listing) => {
            run(repo.save(l, []))
            stored.set(l.id, l)
          }
          fields.forEach((x, n) => {
            save(listingOf(n, x, 1))
          })
          const model = (after: SearchPosition | null) =>
            [...stored.values()]
              .filter((l) => modelMatches(l, f))
              .map((l) => ({ key: sortKey(l, sort, f.near), id: l.id as string }))
              .filter((p) => after === null || order(p, after) > 0)
              .sort(order)
          // A position: none, one the model holds, or just after one (a listing since changed).
          const all = model(null)
          const at = all.length === 0 ? null : all[afterPick % all.length]!
          const after =
            at === null || afterPick % 3 === 0
              ? null
              : afterPick % 3 === 1
                ? at
                : { key: at.key, id: `${at.id}~` }
          expect(drainIds(repo, f, sort, after, batches)).toEqual(model(after).map((p) => p.id))

          // Saves between batches: listings that keep their place and match are neither repeated
          // nor skipped, and everything returned is in order and matched when it was returned.
          const changed = new Set<string>()
          const pending = updates.filter(() => fields.length > 0)
          const seen: string[] = []
          const keys: SearchPosition[] = []
          const cursor = run(repo.search(f, sort, after))
          for (let b = 0; ; b++) {
            const batch = run(cursor.next(batches[b % batches.length]!))
            if (batch.length === 0) break
            for (const l of batch) {
              expect(modelMatches(l, f)).toBe(true)
              seen.push(l.id)
              keys.push({ key: sortKey(l, sort, f.near), id: l.id })
            }
            const u = pending.shift()
            if (u !== undefined) {
              const n = u[0] % fields.length
              const id = `lst_${String(n).padStart(3, '0')}`
              save(listingOf(n, u[1], stored.get(id)!.version + 1))
              changed.add(id)
            }
          }
          run(cursor.close())
          for (let k = 1; k < keys.length; k++) expect(order(keys[k - 1]!, keys[k]!)).toBeLessThan(0)
          expect(new Set(seen).size).toBe(seen.length)
          const steady = model(after)
            .map((p) => p.id)
            .filter((id) => !changed.has(id))
          expect(seen.filter((id) => !changed.has(id))).toEqual(steady)
        },
      ),
      { numRuns: 400 },
    )
  }, 60_000)
  it('a listing that moves into an empty capacity class between batches is not returned again', () => {
    // Found by the property above (seed 1885057667): the walker of an empty list sat at its start,
    // and an insert into an empty list did not count as a change, so after the listing moved
    // there (same price, fewer guests) the walk returned it a second time.
    const repo = new InMemoryListingRepository(new InMemoryOutbox())
    const fields: Fields = {
      city: 'Lisbon',
      lat: 0,
      lng: 0,
      maxGuests: 2,
      price: 5_000,
      ratingCount: 0,
      ratingAvg: 3,
      createdAt: 0,
      status: 'active',
      minNights: 1,
      maxNights: 3,
      checkInWeekdays: [],
      checkOutWeekdays: [],
      amenities: [],
      propertyType: 'apartment',
      roomType: 'entire_place',
      instant: false,
    }
    run(repo.save(listingOf(0, fields, 1), []))
    const cursor = run(repo.search(anyFilter, 'price_asc', null))
    expect(run(cursor.next(1)).map((l) => l.id)).toEqual(['lst_000'])
    run(repo.save(listingOf(0, { ...fields, maxGuests: 1 }, 2), []))
    expect(run(cursor.next(1))).toEqual([])
  })
})

/** Drains a search in batches of the given sizes (cycled). */
const drainIds = (
  repo: InMemoryListingRepository,
  f: ListingFilter,
  sort: ListingSort,
  after: SearchPosition | null,
  batches: readonly number[],
): string[] => {
  const cursor = run(repo.search(f, sort, after))
  const out: string[] = []
  for (let b = 0; ; b++) {
    const batch = run(cursor.next(batches[b % batches.length]!))
    if (batch.length === 0) break
    out.push(...batch.map((l) => l.id))
  }
  run(cursor.close())
  return out
}

describe('in-memory calendar = naive night model', () => {
  it('calendar reads match the nights written (units, holds, blocks, overrides, surges)', () => {
    const from = localDate('2026-03-01')
    const day = (n: number): LocalDate => addDays(from, n)
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('hold' as const),
        start: fc.integer({ min: -5, max: 40 }),
        len: fc.integer({ min: 1, max: 6 }),
      }),
      fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
      fc.record({
        kind: fc.constant('patch' as const),
        start: fc.integer({ min: -5, max: 40 }),
        len: fc.integer({ min: 1, max: 4 }),
        blocked: fc.option(fc.boolean(), { nil: undefined }),
        priceOverride: fc.option(fc.option(fc.constantFrom(7_000, 9_000), { nil: null }), { nil: undefined }),
        surgeBp: fc.option(fc.option(fc.constantFrom(12_000, 15_000), { nil: null }), { nil: undefined }),
      }),
    )
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(op, { maxLength: 30 }),
        fc.integer({ min: -8, max: 45 }),
        fc.integer({ min: 0, max: 9 }),
        (units, ops, readStart, readLen) => {
          const store = new InMemoryAvailabilityStore({ now: () => T0 } as never)
          const id = asId('listing', 'lst_cal')
          run(store.setUnits(id, units))
          const held = new Map<string, { start: number; end: number; kind: 'held' | 'booked' }>()
          const night = new Map<
            number,
            { blocked: boolean; priceOverride: number | null; surgeBp: number | null }
          >()
          const nightAt = (d: number) =>
            night.get(d) ?? { blocked: false, priceOverride: null, surgeBp: null }
          const free = (d: number) => {
            let used = 0
            for (const a of held.values()) if (a.start <= d && d < a.end) used++
            return nightAt(d).blocked ? 0 : Math.max(0, units - used)
          }
          ops.forEach((o, n) => {
            if (o.kind === 'hold') {
              const b = asId('booking', `bk_${n}`)
              const ok = Effect.runSync(
                Effect.result(
                  store.hold(
                    id,
                    b,
                    { checkIn: day(o.start), checkOut: day(o.start + o.len) },
                    (T0 + 1e9) as Instant,
                  ),
                ),
              )
              const start = toEpochDay(day(o.start))
              let fits = true
              for (let d = start; d < start + o.len; d++) if (free(d) < 1) fits = false
              expect(ok._tag === 'Success').toBe(fits)
              if (fits) held.set(b, { start, end: start + o.len, kind: 'held' })
            } else if (o.kind === 'confirm' || o.kind === 'release') {
              const ids = [...held.keys()]
              if (ids.length === 0) return
              const b = ids[o.pick % ids.length]!
              if (o.kind === 'confirm') {
                run(store.confirm(id, b as never))
                held.get(b)!.kind = 'booked'
              } else {
                run(store.release(id, b as never))
                held.delete(b)
              }
            } else {
              const { kind: _, start, len, ...patch } = o
              run(store.patchNights(id, day(start), day(start + len), patch))
              const s = toEpochDay(day(start))
              for (let d = s; d < s + len; d++) {
                const x = { ...nightAt(d) }
                if (patch.blocked !== undefined) x.blocked = patch.blocked
                if (patch.priceOverride !== undefined) x.priceOverride = patch.priceOverride
                if (patch.surgeBp !== undefined) x.surgeBp = patch.surgeBp
                night.set(d, x)
              }
            }
          })
          const got = run(store.calendar(id, day(readStart), day(readStart + readLen)))
          const want: NightState[] = []
          const s = toEpochDay(day(readStart))
          for (let d = s; d < s + readLen; d++) {
            let h = 0
            let b = 0
            for (const a of held.values())
              if (a.start <= d && d < a.end) {
                if (a.kind === 'held') h++
                else b++
              }
            const x = nightAt(d)
            want.push({
              date: day(readStart + (d - s)),
              units,
              held: h,
              booked: b,
              blocked: x.blocked,
              priceOverride: x.priceOverride,
              surgeBp: x.surgeBp,
              available: free(d),
            })
          }
          expect(got).toEqual(want)
        },
      ),
      { numRuns: 300 },
    )
  }, 60_000)
})
