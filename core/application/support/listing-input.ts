import { Schema } from 'effect'
import { bookingModes, propertyTypes, roomTypes } from '../../domain/listings/listing.js'
import { cancellationPolicyNames } from '../../domain/policies/cancellation.js'
import { isValidTimeZone } from '../../domain/shared/dates.js'
import {
  Amount,
  BasisPoints,
  BoundedString,
  CurrencyCode,
  isChars,
  LocalDateString,
  matches,
  NonBlank,
  NonNegativeInt,
  PositiveInt,
  Url,
  Weekday,
} from './schemas.js'

/**
 * An IANA time zone name the runtime's time zone database knows. No JSON Schema can list what a
 * database accepts (aliases such as Asia/Kolkata and Asia/Calcutta both pass), so the document states
 * the name's shape and length, and says in words that it must be a known zone.
 */
export const TimeZone = Schema.String.check(
  isChars(1, 64),
  matches(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, 'an IANA time zone name'),
  Schema.makeFilter((s: string) => isValidTimeZone(s) || 'Expected an IANA time zone', {
    description: 'An IANA time zone name known to the server, such as Europe/Lisbon',
    examples: ['Europe/Lisbon', 'America/New_York', 'Asia/Tokyo', 'UTC'],
    toJsonSchema: () => ({}),
  }),
)

export const LocationInput = Schema.Struct({
  address: NonBlank(300),
  city: NonBlank(100),
  country: Schema.String.check(matches(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code: two capital letters')),
  lat: Schema.Finite.check(Schema.isBetween({ minimum: -90, maximum: 90 })),
  lng: Schema.Finite.check(Schema.isBetween({ minimum: -180, maximum: 180 })),
  timezone: TimeZone,
})

/**
 * A nightly price is positive (at least one minor unit): a free night would make a stay that cannot
 * be paid for (issue 15: a season at 0 gave a booking stuck in pending_payment). A stay that is free
 * for another reason (discounts rounding it to nothing) is refused when it is quoted.
 */
const NightlyPrice = Amount.check(Schema.isGreaterThanOrEqualTo(1))

export const SeasonInput = Schema.Struct({
  from: LocalDateString,
  to: LocalDateString.annotate({ description: 'First night after the season: after from' }),
  nightly: NightlyPrice,
})

export const PricingInput = Schema.Struct({
  baseNightly: NightlyPrice,
  weekendNightly: Schema.optionalKey(Schema.NullOr(NightlyPrice)),
  weekendDays: Schema.optionalKey(Schema.Array(Weekday).check(Schema.isMaxLength(7))),
  seasons: Schema.optionalKey(
    Schema.Array(SeasonInput)
      .check(Schema.isMaxLength(50))
      .annotate({ description: 'Seasons must not overlap' }),
  ),
  weeklyDiscountBp: Schema.optionalKey(BasisPoints),
  monthlyDiscountBp: Schema.optionalKey(BasisPoints),
  cleaningFee: Schema.optionalKey(Amount),
  extraGuestFee: Schema.optionalKey(Amount),
  extraGuestThreshold: Schema.optionalKey(
    PositiveInt.annotate({ description: 'At most max_guests when extra_guest_fee is above 0' }),
  ),
  serviceFeeBp: Schema.optionalKey(BasisPoints),
  commissionBp: Schema.optionalKey(BasisPoints),
  taxBp: Schema.optionalKey(BasisPoints),
})

export const RestrictionsInput = Schema.Struct({
  minNights: Schema.optionalKey(
    PositiveInt.check(Schema.isLessThanOrEqualTo(365)).annotate({ description: 'At most max_nights' }),
  ),
  maxNights: Schema.optionalKey(PositiveInt.check(Schema.isLessThanOrEqualTo(730))),
  advanceNoticeDays: Schema.optionalKey(
    NonNegativeInt.check(Schema.isLessThanOrEqualTo(365)).annotate({
      description: 'At most booking_window_days',
    }),
  ),
  bookingWindowDays: Schema.optionalKey(NonNegativeInt.check(Schema.isLessThanOrEqualTo(730))),
  checkInWeekdays: Schema.optionalKey(Schema.Array(Weekday).check(Schema.isMaxLength(7))),
  checkOutWeekdays: Schema.optionalKey(Schema.Array(Weekday).check(Schema.isMaxLength(7))),
})

const Hour = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 23 }))

const listingFields = {
  title: NonBlank(120),
  description: BoundedString(5000, 'multi_line'),
  propertyType: Schema.Literals(propertyTypes),
  roomType: Schema.Literals(roomTypes),
  location: LocationInput,
  amenities: Schema.Array(NonBlank(60)).check(Schema.isMaxLength(100)),
  photos: Schema.Array(Schema.Struct({ url: Url, caption: BoundedString(300) })).check(
    Schema.isMaxLength(50),
  ),
  maxGuests: PositiveInt.check(Schema.isLessThanOrEqualTo(100)),
  units: PositiveInt.check(Schema.isLessThanOrEqualTo(10_000)),
  currency: CurrencyCode,
  bookingMode: Schema.Literals(bookingModes),
  cancellationPolicy: Schema.Literals(cancellationPolicyNames),
  houseRules: Schema.Array(NonBlank(300)).check(Schema.isMaxLength(50)),
  restrictions: RestrictionsInput,
  pricing: PricingInput,
  checkInHour: Hour,
  checkOutHour: Hour,
}

/** A new listing: the essentials are required, the rest has sensible defaults. */
export const CreateListingInput = Schema.Struct({
  title: listingFields.title,
  description: Schema.optionalKey(listingFields.description),
  propertyType: listingFields.propertyType,
  roomType: listingFields.roomType,
  location: listingFields.location,
  amenities: Schema.optionalKey(listingFields.amenities),
  photos: Schema.optionalKey(listingFields.photos),
  maxGuests: listingFields.maxGuests,
  units: Schema.optionalKey(listingFields.units),
  currency: listingFields.currency,
  bookingMode: Schema.optionalKey(listingFields.bookingMode),
  cancellationPolicy: Schema.optionalKey(listingFields.cancellationPolicy),
  houseRules: Schema.optionalKey(listingFields.houseRules),
  restrictions: Schema.optionalKey(listingFields.restrictions),
  pricing: listingFields.pricing,
  checkInHour: Schema.optionalKey(listingFields.checkInHour),
  checkOutHour: Schema.optionalKey(listingFields.checkOutHour),
})
export type CreateListingInput = typeof CreateListingInput.Type

/** A partial update: every field optional; pricing and restrictions are merged field by field. */
export const UpdateListingInput = Schema.Struct({
  title: Schema.optionalKey(listingFields.title),
  description: Schema.optionalKey(listingFields.description),
  propertyType: Schema.optionalKey(listingFields.propertyType),
  roomType: Schema.optionalKey(listingFields.roomType),
  location: Schema.optionalKey(listingFields.location),
  amenities: Schema.optionalKey(listingFields.amenities),
  photos: Schema.optionalKey(listingFields.photos),
  maxGuests: Schema.optionalKey(listingFields.maxGuests),
  units: Schema.optionalKey(listingFields.units),
  bookingMode: Schema.optionalKey(listingFields.bookingMode),
  cancellationPolicy: Schema.optionalKey(listingFields.cancellationPolicy),
  houseRules: Schema.optionalKey(listingFields.houseRules),
  restrictions: Schema.optionalKey(listingFields.restrictions),
  pricing: Schema.optionalKey(
    PricingInput.mapFields((f) => ({ ...f, baseNightly: Schema.optionalKey(f.baseNightly) })),
  ),
  checkInHour: Schema.optionalKey(listingFields.checkInHour),
  checkOutHour: Schema.optionalKey(listingFields.checkOutHour),
})
export type UpdateListingInput = typeof UpdateListingInput.Type
