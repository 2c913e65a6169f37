import type { CancellationPolicyName } from '../policies/cancellation.js'
import type { LocalDate } from '../shared/dates.js'
import type { ListingId, UserId } from '../shared/ids.js'
import type { Currency } from '../shared/money.js'
import type { Instant } from '../shared/time.js'

export const listingStatuses = ['draft', 'active', 'inactive', 'archived'] as const
export type ListingStatus = (typeof listingStatuses)[number]
export const propertyTypes = [
  'apartment',
  'house',
  'cabin',
  'villa',
  'cottage',
  'loft',
  'hotel',
  'hostel',
  'bnb',
] as const
export type PropertyType = (typeof propertyTypes)[number]
export const roomTypes = ['entire_place', 'private_room', 'shared_room', 'hotel_room'] as const
export type RoomType = (typeof roomTypes)[number]
/** instant: paying confirms; request: the host accepts or declines an authorized payment. */
export const bookingModes = ['instant', 'request'] as const
export type BookingMode = (typeof bookingModes)[number]

export interface Location {
  readonly address: string
  readonly city: string
  /** ISO 3166-1 alpha-2. */
  readonly country: string
  readonly lat: number
  readonly lng: number
  /** IANA time zone; the listing's nights and check-in times live here. */
  readonly timezone: string
}

export interface Photo {
  readonly url: string
  readonly caption: string
}

export interface StayRestrictions {
  readonly minNights: number
  readonly maxNights: number
  /** Whole days between today (listing-local) and check-in; 0 = same-day check-in allowed. */
  readonly advanceNoticeDays: number
  /** How far ahead check-in may be, in days from today (listing-local). */
  readonly bookingWindowDays: number
  /** Allowed check-in weekdays (0 = Sunday); empty = any. */
  readonly checkInWeekdays: readonly number[]
  /** Allowed check-out weekdays (0 = Sunday); empty = any. */
  readonly checkOutWeekdays: readonly number[]
}

export interface Season {
  /** First night of the season. */
  readonly from: LocalDate
  /** First night after the season (half-open, like stays). */
  readonly to: LocalDate
  readonly nightly: number
}

/** Percentages are basis points (1 bp = 0.01 %): integers, never floats. Amounts are minor units. */
export interface PricingRules {
  readonly baseNightly: number
  readonly weekendNightly: number | null
  /** Nights that count as weekend (0 = Sunday): by default Friday and Saturday nights. */
  readonly weekendDays: readonly number[]
  readonly seasons: readonly Season[]
  readonly weeklyDiscountBp: number
  readonly monthlyDiscountBp: number
  readonly cleaningFee: number
  /** Per night, per guest above `extraGuestThreshold`. */
  readonly extraGuestFee: number
  readonly extraGuestThreshold: number
  readonly serviceFeeBp: number
  readonly commissionBp: number
  readonly taxBp: number
}

export interface RatingSummary {
  readonly count: number
  /** Sum of overall ratings; the average is derived so it never drifts. */
  readonly overallSum: number
  readonly categorySums: Readonly<Record<ReviewCategory, number>>
  readonly categoryCounts: Readonly<Record<ReviewCategory, number>>
}
export const reviewCategories = [
  'cleanliness',
  'accuracy',
  'check_in',
  'communication',
  'location',
  'value',
] as const
export type ReviewCategory = (typeof reviewCategories)[number]

export interface Listing {
  readonly id: ListingId
  readonly hostId: UserId
  readonly title: string
  readonly description: string
  readonly propertyType: PropertyType
  readonly roomType: RoomType
  readonly location: Location
  readonly amenities: readonly string[]
  readonly photos: readonly Photo[]
  readonly maxGuests: number
  /** 1 for a home; N identical units for a hotel room type. */
  readonly units: number
  readonly currency: Currency
  readonly status: ListingStatus
  readonly bookingMode: BookingMode
  readonly cancellationPolicy: CancellationPolicyName
  readonly houseRules: readonly string[]
  readonly restrictions: StayRestrictions
  readonly pricing: PricingRules
  /** Local check-in hour (0-23) and check-out hour, in the listing's time zone. */
  readonly checkInHour: number
  readonly checkOutHour: number
  readonly rating: RatingSummary
  readonly createdAt: Instant
  readonly updatedAt: Instant
  readonly version: number
}

export const emptyRating = (): RatingSummary => ({
  count: 0,
  overallSum: 0,
  categorySums: { cleanliness: 0, accuracy: 0, check_in: 0, communication: 0, location: 0, value: 0 },
  categoryCounts: { cleanliness: 0, accuracy: 0, check_in: 0, communication: 0, location: 0, value: 0 },
})

/** The average overall rating; null with no reviews counted. */
export const averageRating = (r: RatingSummary): number | null =>
  r.count === 0 ? null : r.overallSum / r.count
/** The average of one category; null when no counted review rated it. */
export const categoryAverage = (r: RatingSummary, c: ReviewCategory): number | null =>
  r.categoryCounts[c] > 0 ? r.categorySums[c] / r.categoryCounts[c] : null
/** The averages of the categories some counted review rated. */
export const categoryAverages = (r: RatingSummary): Partial<Record<ReviewCategory, number>> => {
  const out: Partial<Record<ReviewCategory, number>> = {}
  for (const c of reviewCategories) {
    const avg = categoryAverage(r, c)
    if (avg !== null) out[c] = avg
  }
  return out
}

export const defaultRestrictions: StayRestrictions = {
  minNights: 1,
  maxNights: 365,
  advanceNoticeDays: 0,
  bookingWindowDays: 365,
  checkInWeekdays: [],
  checkOutWeekdays: [],
}
