import { describe, expect, it } from 'vitest'
import { cityKey, type ListingFilter, listingMatches, stayShape } from '../../core/domain/listings/filter.js'
import { categoryAverage } from '../../core/domain/listings/listing.js'
import { anyFilter, makeListing, rated } from '../contract/fixtures.js'
import { stayOf } from './fixtures.js'

const matches = (f: Partial<ListingFilter>, l = makeListing('lst_1')) =>
  listingMatches(l, { ...anyFilter, ...f })

describe('listing filter semantics (listingMatches)', () => {
  it('city: trimmed and case-insensitive, otherwise exact', () => {
    expect(cityKey('  Lisbon ')).toBe('lisbon')
    expect(matches({ city: ' LISBON' })).toBe(true)
    expect(matches({ city: 'Lisbon Coast' })).toBe(false)
  })

  it('guests, price range (inclusive), amenities (all of them), types and booking mode', () => {
    expect(matches({ minGuests: 4 })).toBe(true)
    expect(matches({ minGuests: 5 })).toBe(false)
    expect(matches({ minPrice: 10_000, maxPrice: 10_000 })).toBe(true)
    expect(matches({ minPrice: 10_001 })).toBe(false)
    expect(matches({ amenities: ['wifi', 'kitchen'] })).toBe(true)
    expect(matches({ amenities: ['wifi', 'pool'] })).toBe(false)
    expect(matches({ propertyTypes: ['house', 'apartment'], roomTypes: ['entire_place'] })).toBe(true)
    expect(matches({ propertyTypes: ['house'] })).toBe(false)
    expect(matches({ bookingMode: 'request' })).toBe(false)
  })

  it('minimum rating is on the average; a listing without ratings fails it', () => {
    expect(matches({ minRating: 4 }, makeListing('a', { rating: rated(2, 4.5) }))).toBe(true)
    expect(matches({ minRating: 4 }, makeListing('b', { rating: rated(3, 3.9) }))).toBe(false)
    expect(matches({ minRating: 1 })).toBe(false)
  })

  it('stay shape: nights within min/max, weekdays among those allowed (none listed: any)', () => {
    const l = makeListing('lst_w', {
      restrictions: { ...makeListing('x').restrictions, minNights: 2, maxNights: 5, checkInWeekdays: [5, 6] },
    })
    const friday = stayShape(stayOf('2026-05-01', '2026-05-04'))
    expect(friday).toEqual({ nights: 3, checkInWeekday: 5, checkOutWeekday: 1 })
    expect(matches(friday, l)).toBe(true)
    expect(matches({ ...friday, nights: 1 }, l)).toBe(false)
    expect(matches({ ...friday, nights: 6 }, l)).toBe(false)
    expect(matches({ ...friday, checkInWeekday: 1 }, l)).toBe(false)
    expect(matches({ nights: null, checkInWeekday: null, checkOutWeekday: null }, l)).toBe(true)
  })

  it('status: any of those listed; none listed is any', () => {
    const draft = makeListing('d', { status: 'draft' })
    expect(matches({}, draft)).toBe(true)
    expect(matches({ statuses: ['active'] }, draft)).toBe(false)
  })

  it('a category average is null until a counted review rated it', () => {
    const r = { ...rated(2, 4), categorySums: { ...rated(0, 0).categorySums, value: 9 } }
    const withValue = { ...r, categoryCounts: { ...r.categoryCounts, value: 2 } }
    expect(categoryAverage(withValue, 'value')).toBe(4.5)
    expect(categoryAverage(withValue, 'location')).toBeNull()
  })
})
