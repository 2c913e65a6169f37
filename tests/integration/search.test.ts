import { describe, expect, it } from 'vitest'
import type { CreateListingInput } from '../../core/application/support/listing-input.js'
import type { Listing } from '../../core/domain/listings/listing.js'
import { activeListing, bookAndPay, listingInput, makeWorld, type World } from './engine-fixtures.js'
import { failure, ids, searchAll, stayAndReview } from './more-fixtures.js'

const at = (city: string, lat: number, lng: number, timezone = 'UTC') => ({
  address: `1 Main St, ${city}`,
  city,
  country: 'NL',
  lat,
  lng,
  timezone,
})

const listing = (w: World, title: string, over: Partial<CreateListingInput> = {}): Promise<Listing> =>
  activeListing(w, { title, ...over })

const search = (w: World, query: Record<string, unknown>) =>
  w.engine.run(w.engine.useCases.searchListings.execute(query))

describe('search', () => {
  it('by city: only active listings of that city, matched case-insensitively', async () => {
    const w = await makeWorld()
    const a = await listing(w, 'A', { location: at('Amsterdam', 52.37, 4.89) })
    const b = await listing(w, 'B', { location: at('Amsterdam', 52.36, 4.9) })
    await listing(w, 'C', { location: at('Utrecht', 52.09, 5.12) })
    await w.engine.run(w.engine.useCases.createListing.execute(w.host, listingInput({ title: 'draft' })))
    const r = await search(w, { city: 'amsterdam' })
    expect(ids(r.items).sort()).toEqual([a.id, b.id].sort())
    expect(r.nextCursor).toBeNull()
  })

  it('by point and radius: only listings within the radius, nearest first, with their distance', async () => {
    const w = await makeWorld()
    const centre = await listing(w, 'centre', { location: at('Amsterdam', 52.3731, 4.8922) })
    const east = await listing(w, 'east', { location: at('Amsterdam', 52.3608, 4.9386) }) // ≈ 3.5 km
    const north = await listing(w, 'north', { location: at('Amsterdam', 52.3961, 4.9) }) // ≈ 2.6 km
    await listing(w, 'utrecht', { location: at('Utrecht', 52.0907, 5.1214) }) // ≈ 35 km
    const r = await search(w, { lat: 52.3731, lng: 4.8922, radiusKm: 10 })
    expect(ids(r.items)).toEqual([centre.id, north.id, east.id])
    const d = r.items.map((h) => h.distanceKm ?? -1)
    expect(d[0]).toBeCloseTo(0, 5)
    expect(d[1]).toBeGreaterThan(2)
    expect(d[2]).toBeLessThan(10)
    expect(d).toEqual([...d].sort((x, y) => x - y))
  })

  it('by dates: a listing whose nights are booked is left out; other dates still find it, with a quote', async () => {
    const w = await makeWorld()
    const booked = await listing(w, 'booked')
    const free = await listing(w, 'free')
    await bookAndPay(w, booked.id, { checkIn: '2026-04-10', checkOut: '2026-04-13' })
    const overlapping = await search(w, { city: 'Amsterdam', checkIn: '2026-04-12', checkOut: '2026-04-14' })
    expect(ids(overlapping.items)).toEqual([free.id])
    expect(overlapping.items[0]?.quote?.nights).toHaveLength(2)
    const after = await search(w, { city: 'Amsterdam', checkIn: '2026-04-13', checkOut: '2026-04-15' })
    expect(ids(after.items).sort()).toEqual([booked.id, free.id].sort())
  })

  it('by guests: listings for fewer guests are left out', async () => {
    const w = await makeWorld()
    const big = await listing(w, 'big', { maxGuests: 6 })
    await listing(w, 'small', { maxGuests: 2 })
    expect(ids((await search(w, { city: 'Amsterdam', guests: 5 })).items)).toEqual([big.id])
  })

  it('by price with dates: the stay’s guest total decides the range and the order (issue 15), weekend prices included', async () => {
    const w = await makeWorld()
    // Base 100.00 but 200.00 on Friday and Saturday nights.
    const weekendy = await listing(w, 'weekendy', {
      pricing: { baseNightly: 10_000, weekendNightly: 20_000 },
    })
    const flat = await listing(w, 'flat', { pricing: { baseNightly: 15_000 } })
    // Without dates the base nightly price is compared.
    expect(ids((await search(w, { city: 'Amsterdam', maxPrice: 12_000 })).items)).toEqual([weekendy.id])
    expect(ids((await search(w, { city: 'Amsterdam', sort: 'price_asc' })).items)).toEqual([
      weekendy.id,
      flat.id,
    ])
    // Friday and Saturday nights (2026-04-10 is a Friday): the weekendy stay costs more in total.
    const weekend = { city: 'Amsterdam', checkIn: '2026-04-10', checkOut: '2026-04-12' }
    const all = await search(w, weekend)
    const total = (id: string) => all.items.find((h) => h.listing.id === id)!.quote!.guestTotal
    expect(
      all.items.every((h) => h.price?.amount === h.quote?.guestTotal && h.price?.currency === 'EUR'),
    ).toBe(true)
    expect(total(weekendy.id)).toBeGreaterThan(total(flat.id))
    expect(ids((await search(w, { ...weekend, sort: 'price_asc' })).items)).toEqual([flat.id, weekendy.id])
    expect(ids((await search(w, { ...weekend, sort: 'price_desc' })).items)).toEqual([weekendy.id, flat.id])
    expect(ids((await search(w, { ...weekend, maxPrice: total(flat.id) })).items)).toEqual([flat.id])
    expect(ids((await search(w, { ...weekend, minPrice: total(flat.id) + 1 })).items)).toEqual([weekendy.id])
    const exactly = total(weekendy.id)
    expect(ids((await search(w, { ...weekend, minPrice: exactly, maxPrice: exactly })).items)).toEqual([
      weekendy.id,
    ])
    // Sunday and Monday nights: no weekend, the weekendy stay is the cheaper one again.
    const weekdays = { city: 'Amsterdam', checkIn: '2026-04-12', checkOut: '2026-04-14' }
    expect(ids((await search(w, { ...weekdays, sort: 'price_asc' })).items)).toEqual([weekendy.id, flat.id])
  })

  it('by amenities: a listing must have every amenity asked for', async () => {
    const w = await makeWorld()
    const both = await listing(w, 'both', { amenities: ['wifi', 'pool', 'kitchen'] })
    await listing(w, 'wifi only', { amenities: ['wifi'] })
    await listing(w, 'none')
    expect(ids((await search(w, { city: 'Amsterdam', amenities: ['wifi', 'pool'] })).items)).toEqual([
      both.id,
    ])
    expect((await search(w, { city: 'Amsterdam', amenities: ['wifi'] })).items).toHaveLength(2)
  })

  it('by property and room types: any of the types asked for', async () => {
    const w = await makeWorld()
    const hotel = await listing(w, 'hotel', { propertyType: 'hotel', roomType: 'hotel_room', units: 5 })
    const house = await listing(w, 'house', { propertyType: 'house', roomType: 'entire_place' })
    const room = await listing(w, 'room', { propertyType: 'apartment', roomType: 'private_room' })
    expect(ids((await search(w, { city: 'Amsterdam', propertyTypes: ['hotel'] })).items)).toEqual([hotel.id])
    expect(
      ids((await search(w, { city: 'Amsterdam', propertyTypes: ['hotel', 'house'] })).items).sort(),
    ).toEqual([hotel.id, house.id].sort())
    expect(ids((await search(w, { city: 'Amsterdam', roomTypes: ['private_room'] })).items)).toEqual([
      room.id,
    ])
  })

  it('by instant book: true finds instant listings, false finds request-to-book ones', async () => {
    const w = await makeWorld()
    const instant = await listing(w, 'instant', { bookingMode: 'instant' })
    const request = await listing(w, 'request', { bookingMode: 'request' })
    expect(ids((await search(w, { city: 'Amsterdam', instantBook: true })).items)).toEqual([instant.id])
    expect(ids((await search(w, { city: 'Amsterdam', instantBook: false })).items)).toEqual([request.id])
  })

  it('by minimum rating: unrated listings and those rated below are left out', async () => {
    const w = await makeWorld()
    const good = await listing(w, 'good')
    const poor = await listing(w, 'poor')
    await listing(w, 'unrated')
    await stayAndReview(w, good.id, { checkIn: '2026-03-05', checkOut: '2026-03-07' }, 5)
    await stayAndReview(w, poor.id, { checkIn: '2026-03-10', checkOut: '2026-03-12' }, 2)
    expect(ids((await search(w, { city: 'Amsterdam', minRating: 4 })).items)).toEqual([good.id])
    expect(ids((await search(w, { city: 'Amsterdam', minRating: 2 })).items).sort()).toEqual(
      [good.id, poor.id].sort(),
    )
  })

  it('every sort orders the hits: price ascending and descending, rating, newest, distance', async () => {
    const w = await makeWorld()
    const { clock } = w.engine.adapters
    const cheap = await listing(w, 'cheap', {
      pricing: { baseNightly: 5_000 },
      location: at('Amsterdam', 52.2, 4.8),
    })
    clock.advance(1000)
    const mid = await listing(w, 'mid', {
      pricing: { baseNightly: 10_000 },
      location: at('Amsterdam', 52.3, 4.8),
    })
    clock.advance(1000)
    const dear = await listing(w, 'dear', {
      pricing: { baseNightly: 20_000 },
      location: at('Amsterdam', 52.4, 4.8),
    })
    await stayAndReview(w, mid.id, { checkIn: '2026-03-05', checkOut: '2026-03-07' }, 5)
    await stayAndReview(w, cheap.id, { checkIn: '2026-03-10', checkOut: '2026-03-12' }, 3)
    const by = async (sort: string, extra: Record<string, unknown> = {}) =>
      ids((await search(w, { city: 'Amsterdam', sort, ...extra })).items)
    expect(await by('price_asc')).toEqual([cheap.id, mid.id, dear.id])
    expect(await by('price_desc')).toEqual([dear.id, mid.id, cheap.id])
    expect(await by('rating')).toEqual([mid.id, cheap.id, dear.id])
    expect(await by('newest')).toEqual([dear.id, mid.id, cheap.id])
    expect(await by('distance', { lat: 52.41, lng: 4.8, radiusKm: 100 })).toEqual([dear.id, mid.id, cheap.id])
    // Without a point there is nothing to measure a distance from.
    expect(await failure(search(w, { city: 'Amsterdam', sort: 'distance' }))).toMatchObject({
      _tag: 'ValidationFailed',
    })
  })

  it('cursor pagination visits every match exactly once, for every sort, ties included', async () => {
    const w = await makeWorld()
    const all: Listing[] = []
    for (let i = 0; i < 9; i++) {
      w.engine.adapters.clock.advance(i % 3 === 0 ? 0 : 1000) // some share a creation time
      all.push(
        await listing(w, `L${i}`, {
          pricing: { baseNightly: 10_000 + (i % 3) * 1_000 }, // prices tie in threes
          location: at('Amsterdam', 52.3 + (i % 4) * 0.01, 4.89),
        }),
      )
    }
    const expected = all.map((l) => l.id).sort()
    for (const sort of ['price_asc', 'price_desc', 'rating', 'newest', 'distance']) {
      for (const limit of [1, 2, 4]) {
        const query =
          sort === 'distance' ? { lat: 52.3, lng: 4.89, radiusKm: 50, sort } : { city: 'Amsterdam', sort }
        const { hits, pages } = await searchAll(w, query, limit)
        const seen = ids(hits)
        expect(seen.length, `${sort} limit ${limit}`).toBe(expected.length)
        expect([...seen].sort(), `${sort} limit ${limit}`).toEqual(expected)
        expect(pages).toBeGreaterThanOrEqual(Math.ceil(9 / limit))
        const single = ids((await search(w, { ...query, limit: 100 })).items)
        expect(seen, `${sort} limit ${limit} pages in the order of one page`).toEqual(single)
      }
    }
  })

  it('cursor pagination with dates skips unavailable listings and still visits each free one once', async () => {
    const w = await makeWorld()
    const all: Listing[] = []
    for (let i = 0; i < 6; i++) all.push(await listing(w, `L${i}`, { pricing: { baseNightly: 10_000 + i } }))
    await bookAndPay(w, all[1]!.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    await bookAndPay(w, all[4]!.id, { checkIn: '2026-04-11', checkOut: '2026-04-13' })
    const { hits } = await searchAll(
      w,
      { city: 'Amsterdam', checkIn: '2026-04-10', checkOut: '2026-04-12' },
      2,
    )
    expect(ids(hits)).toEqual([all[0]!.id, all[2]!.id, all[3]!.id, all[5]!.id])
  })

  it('a cursor the search did not issue is a validation failure', async () => {
    const w = await makeWorld()
    expect(await failure(search(w, { city: 'Amsterdam', cursor: 'not-a-cursor' }))).toMatchObject({
      _tag: 'ValidationFailed',
      code: 'validation_failed',
    })
  })
})
