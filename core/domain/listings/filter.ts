import { nightCount, type Stay, weekday } from '../shared/dates.js'
import {
  averageRating,
  type BookingMode,
  type Listing,
  type ListingStatus,
  type PropertyType,
  type RoomType,
} from './listing.js'
import { haversineKm } from './search-order.js'

/**
 * The static part of a listing search: what a listing repository filters on. Dates, availability
 * and date-specific prices are the search use case's business. `listingMatches` is what the
 * filter means; every ListingRepository returns exactly the listings it accepts (the contract
 * suite checks each adapter against it).
 */
export interface ListingFilter {
  /** Same city: trimmed and case-insensitive, otherwise exact (`cityKey`). */
  readonly city: string | null
  /** Within `radiusKm` of the point, great-circle distance (`haversineKm`). */
  readonly near: { readonly lat: number; readonly lng: number; readonly radiusKm: number } | null
  /** Listings taking at least this many guests. */
  readonly minGuests: number
  /** Listings priced in this currency (absent or null: any). */
  readonly currency?: string | null
  /** On the base nightly price, minor units of the listing's own currency, both inclusive. */
  readonly minPrice: number | null
  readonly maxPrice: number | null
  /** Listings having every one of these. */
  readonly amenities: readonly string[]
  /** Any of these (none listed = any). */
  readonly propertyTypes: readonly PropertyType[]
  readonly roomTypes: readonly RoomType[]
  readonly bookingMode: BookingMode | null
  /** On the average overall rating; a listing with no ratings fails it. */
  readonly minRating: number | null
  /** Any of these (none listed = any). */
  readonly statuses: readonly ListingStatus[]
  /**
   * The stay's shape, when the search has dates: only listings whose min/max nights allow a stay of
   * `nights`, and whose check-in/check-out weekdays (0 = Sunday; none listed = any) allow these.
   * Absent or null: no constraint. (The core still checks every rule of the stay itself.)
   */
  readonly nights?: number | null
  readonly checkInWeekday?: number | null
  readonly checkOutWeekday?: number | null
}

/** What a city is compared by: trimmed, lower case. */
export const cityKey = (city: string): string => city.trim().toLowerCase()

/** The shape of a stay, as a filter asks for it: its nights and the weekdays it starts and ends on. */
export const stayShape = (
  stay: Stay,
): { readonly nights: number; readonly checkInWeekday: number; readonly checkOutWeekday: number } => ({
  nights: nightCount(stay),
  checkInWeekday: weekday(stay.checkIn),
  checkOutWeekday: weekday(stay.checkOut),
})

/** Whether `allowed` (none listed = any) admits `day`. */
const weekdayAllowed = (allowed: readonly number[], day: number | null | undefined): boolean =>
  day == null || allowed.length === 0 || allowed.includes(day)

/** Whether a listing passes every field of the filter: the one definition of a listing search. */
export const listingMatches = (l: Listing, f: ListingFilter): boolean => {
  if (f.city !== null && cityKey(l.location.city) !== cityKey(f.city)) return false
  if (
    f.near !== null &&
    haversineKm(f.near.lat, f.near.lng, l.location.lat, l.location.lng) > f.near.radiusKm
  )
    return false
  if (l.maxGuests < f.minGuests) return false
  if (f.currency != null && l.currency !== f.currency) return false
  if (f.minPrice !== null && l.pricing.baseNightly < f.minPrice) return false
  if (f.maxPrice !== null && l.pricing.baseNightly > f.maxPrice) return false
  for (const a of f.amenities) if (!l.amenities.includes(a)) return false
  if (f.propertyTypes.length > 0 && !f.propertyTypes.includes(l.propertyType)) return false
  if (f.roomTypes.length > 0 && !f.roomTypes.includes(l.roomType)) return false
  if (f.bookingMode !== null && l.bookingMode !== f.bookingMode) return false
  if (f.minRating !== null) {
    const avg = averageRating(l.rating)
    if (avg === null || avg < f.minRating) return false
  }
  if (f.statuses.length > 0 && !f.statuses.includes(l.status)) return false
  const r = l.restrictions
  if (f.nights != null && (f.nights < r.minNights || f.nights > r.maxNights)) return false
  return (
    weekdayAllowed(r.checkInWeekdays, f.checkInWeekday) &&
    weekdayAllowed(r.checkOutWeekdays, f.checkOutWeekday)
  )
}
