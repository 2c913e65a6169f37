import { Schema } from 'effect'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { bookingStates, transitionNames } from '../../core/domain/bookings/lifecycle.js'
import { type DomainEvent, eventTypes } from '../../core/domain/events/events.js'
import {
  type Listing,
  propertyTypes,
  reviewCategories,
  roomTypes,
} from '../../core/domain/listings/listing.js'
import type { Payment } from '../../core/domain/payments/payment.js'
import type { LedgerEntry, Payout, PayoutAccount } from '../../core/domain/payouts/ledger.js'
import { cancellationPolicyNames } from '../../core/domain/policies/cancellation.js'
import { lineCodes } from '../../core/domain/pricing/quote.js'
import type { Review } from '../../core/domain/reviews/review.js'
import type { GuestProfile, User } from '../../core/domain/users/user.js'

/**
 * The stored shape of every entity, as effect Schemas: what a document's `s` (state) field must be.
 * They mirror the core's types field for field; `Same` below makes the compiler check that each
 * schema's type and the core type (brands set aside) are mutually assignable, so a field added to
 * an entity without its schema, or the reverse, does not compile.
 */

const Str = Schema.String
const Num = Schema.Finite
const Int = Schema.Int
const Bool = Schema.Boolean
const NullOr = Schema.NullOr
const Arr = Schema.Array
const Lit = Schema.Literals

const Stay = Schema.Struct({ checkIn: Str, checkOut: Str })

const QuoteLine = Schema.Struct({ code: Lit(lineCodes), quantity: Num, unitAmount: Int, amount: Int })

const Quote = Schema.Struct({
  listingId: Str,
  stay: Stay,
  guests: Int,
  currency: Str,
  nights: Arr(
    Schema.Struct({
      date: Str,
      amount: Int,
      source: Lit(['base', 'weekend', 'season', 'override']),
      surgeBp: NullOr(Int),
    }),
  ),
  guestLines: Arr(QuoteLine),
  hostLines: Arr(QuoteLine),
  guestTotal: Int,
  hostPayout: Int,
  platformFee: Int,
  tax: Int,
})

const Actor = Lit(['guest', 'host', 'admin', 'system'])
const TimePoints = Schema.Struct({
  requestedAt: NullOr(Num),
  authorizedAt: NullOr(Num),
  checkInAt: NullOr(Num),
  checkOutAt: NullOr(Num),
})

export const BookingState = Schema.Struct({
  id: Str,
  listingId: Str,
  hostId: Str,
  guestId: Str,
  stay: Stay,
  guests: Int,
  state: Lit(bookingStates),
  bookingMode: Lit(['instant', 'request']),
  quote: Quote,
  cancellationPolicy: Schema.Struct({
    name: Lit(cancellationPolicyNames),
    tiers: Arr(Schema.Struct({ minHoursBefore: Num, nightsRefundBp: Int, feesRefunded: Bool })),
  }),
  timezone: Str,
  points: TimePoints,
  paidAmount: Int,
  refundedAmount: Int,
  cancellation: NullOr(
    Schema.Struct({
      by: Actor,
      at: Num,
      reason: Str,
      refundAmount: Int,
      retainedAmount: Int,
    }),
  ),
  modifications: Arr(
    Schema.Struct({
      key: Str,
      at: Num,
      from: Schema.Struct({ stay: Stay, guests: Int, total: Int }),
      to: Schema.Struct({ stay: Stay, guests: Int, total: Int }),
    }),
  ),
  pendingChange: NullOr(
    Schema.Struct({
      key: Str,
      stay: Stay,
      guests: Int,
      quote: Quote,
      points: TimePoints,
      startedAt: Num,
    }),
  ),
  settling: NullOr(Schema.Struct({ by: Str, until: Num })),
  history: Arr(
    Schema.Struct({
      transition: Lit(transitionNames),
      from: Lit(bookingStates),
      to: Lit(bookingStates),
      actor: Actor,
      at: Num,
    }),
  ),
  message: Str,
  dueAt: NullOr(Num),
  createdAt: Num,
  updatedAt: Num,
  version: Int,
})

const categoryRecord = Schema.Struct({
  cleanliness: Num,
  accuracy: Num,
  check_in: Num,
  communication: Num,
  location: Num,
  value: Num,
})

export const ListingState = Schema.Struct({
  id: Str,
  hostId: Str,
  title: Str,
  description: Str,
  propertyType: Lit(propertyTypes),
  roomType: Lit(roomTypes),
  location: Schema.Struct({
    address: Str,
    city: Str,
    country: Str,
    lat: Num,
    lng: Num,
    timezone: Str,
  }),
  amenities: Arr(Str),
  photos: Arr(Schema.Struct({ url: Str, caption: Str })),
  maxGuests: Int,
  units: Int,
  currency: Str,
  status: Lit(['draft', 'active', 'inactive', 'archived']),
  bookingMode: Lit(['instant', 'request']),
  cancellationPolicy: Lit(cancellationPolicyNames),
  houseRules: Arr(Str),
  restrictions: Schema.Struct({
    minNights: Int,
    maxNights: Int,
    advanceNoticeDays: Int,
    bookingWindowDays: Int,
    checkInWeekdays: Arr(Int),
    checkOutWeekdays: Arr(Int),
  }),
  pricing: Schema.Struct({
    baseNightly: Int,
    weekendNightly: NullOr(Int),
    weekendDays: Arr(Int),
    seasons: Arr(Schema.Struct({ from: Str, to: Str, nightly: Int })),
    weeklyDiscountBp: Int,
    monthlyDiscountBp: Int,
    cleaningFee: Int,
    extraGuestFee: Int,
    extraGuestThreshold: Int,
    serviceFeeBp: Int,
    commissionBp: Int,
    taxBp: Int,
  }),
  checkInHour: Int,
  checkOutHour: Int,
  rating: Schema.Struct({
    count: Int,
    overallSum: Num,
    categorySums: categoryRecord,
    categoryCounts: categoryRecord,
  }),
  createdAt: Num,
  updatedAt: Num,
  version: Int,
})

const PendingToken = Schema.Struct({ digest: Str, expiresAt: Num })

export const UserState = Schema.Struct({
  id: Str,
  email: Str,
  name: Str,
  roles: Arr(Lit(['guest', 'host', 'admin'])),
  profile: Schema.Struct({
    bio: Str,
    avatarUrl: NullOr(Str),
    phone: NullOr(Str),
    languages: Arr(Str),
    payoutAccountId: Schema.optionalKey(NullOr(Str)),
  }),
  status: Lit(['active', 'suspended']),
  emailVerifiedAt: NullOr(Num),
  emailVerification: NullOr(PendingToken),
  passwordReset: NullOr(PendingToken),
  passwordHash: Str,
  createdAt: Num,
  updatedAt: Num,
  version: Int,
})

export const GuestProfileState = Schema.Struct({
  id: Str,
  ownerId: Str,
  name: Str,
  email: NullOr(Str),
  ageGroup: Lit(['adult', 'child', 'infant']),
  createdAt: Num,
})

export const PaymentState = Schema.Struct({
  id: Str,
  bookingId: Str,
  payerId: Str,
  amount: Int,
  currency: Str,
  method: Schema.Literal('card'),
  purpose: Lit(['booking', 'modification']),
  changeKey: NullOr(Str),
  provider: Str,
  providerRef: Str,
  clientSecret: Str,
  captureMethod: Lit(['automatic', 'manual']),
  status: Lit([
    'requires_payment',
    'authorized',
    'captured',
    'failed',
    'voided',
    'partially_refunded',
    'refunded',
  ]),
  capturedAmount: Int,
  refundedAmount: Int,
  refunds: Arr(Schema.Struct({ id: Str, amount: Int, reason: Str, providerRef: Str, createdAt: Num })),
  processedEventIds: Arr(Str),
  failureReason: NullOr(Str),
  createdAt: Num,
  updatedAt: Num,
  version: Int,
})

export const ReviewState = Schema.Struct({
  id: Str,
  bookingId: Str,
  listingId: Str,
  authorId: Str,
  subjectId: Str,
  direction: Lit(['guest_to_listing', 'host_to_guest']),
  rating: Num,
  categories: Schema.Struct(
    Object.fromEntries(reviewCategories.map((c) => [c, Schema.optionalKey(Num)])) as {
      readonly [K in (typeof reviewCategories)[number]]: Schema.optionalKey<typeof Num>
    },
  ),
  comment: Str,
  response: NullOr(Schema.Struct({ comment: Str, at: Num })),
  hidden: Bool,
  revealedAt: NullOr(Num),
  windowClosesAt: Num,
  createdAt: Num,
  version: Int,
})

export const PayoutAccountState = Schema.Struct({
  hostId: Str,
  currency: Str,
  lastSeq: Int,
  dueAt: NullOr(Num),
  updatedAt: Num,
  version: Int,
})

export const LedgerEntryState = Schema.Struct({
  id: Str,
  key: Str,
  hostId: Str,
  currency: Str,
  seq: Int,
  kind: Lit(['earning', 'adjustment', 'payout', 'reversal']),
  amount: Int,
  bookingId: NullOr(Str),
  payoutId: NullOr(Str),
  payableAt: Num,
  createdAt: Num,
})

export const PayoutState = Schema.Struct({
  id: Str,
  key: Str,
  hostId: Str,
  currency: Str,
  amount: Int,
  destination: Str,
  provider: Str,
  entrySeq: Int,
  status: Lit(['pending', 'paid', 'failed']),
  transferRef: NullOr(Str),
  failureReason: NullOr(Str),
  attempts: Int,
  createdAt: Num,
  updatedAt: Num,
  version: Int,
})

export const EventState = Schema.Struct({
  id: Str,
  type: Lit(eventTypes),
  subject: Str,
  time: Num,
  data: Schema.Record(Str, Schema.Json),
})

/* ---- compile-time agreement of each schema with its core type ---- */

/** A core type with its brands removed (a branded string is a string to the database). */
type Unbranded<T> = T extends { readonly __brand: string }
  ? T extends string
    ? string
    : T extends number
      ? number
      : never
  : T extends readonly (infer E)[]
    ? readonly Unbranded<E>[]
    : T extends object
      ? { readonly [K in keyof T]: Unbranded<T[K]> }
      : T
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const agrees = <_ extends true>() => undefined
agrees<Same<Unbranded<Booking>, typeof BookingState.Type>>()
agrees<Same<Unbranded<Listing>, typeof ListingState.Type>>()
agrees<Same<Unbranded<User>, typeof UserState.Type>>()
agrees<Same<Unbranded<GuestProfile>, typeof GuestProfileState.Type>>()
agrees<Same<Unbranded<Payment>, typeof PaymentState.Type>>()
agrees<Same<Unbranded<Review>, typeof ReviewState.Type>>()
agrees<Same<Unbranded<PayoutAccount>, typeof PayoutAccountState.Type>>()
agrees<Same<Unbranded<LedgerEntry>, typeof LedgerEntryState.Type>>()
agrees<Same<Unbranded<Payout>, typeof PayoutState.Type>>()
agrees<[Unbranded<Omit<DomainEvent, 'data'>>] extends [Omit<typeof EventState.Type, 'data'>] ? true : false>()

/** The schemas produce the core's values (the brands are the only difference, checked above). */
export const asBooking = (s: typeof BookingState.Type): Booking => s as unknown as Booking
export const asListing = (s: typeof ListingState.Type): Listing => s as unknown as Listing
export const asUser = (s: typeof UserState.Type): User => s as unknown as User
export const asGuestProfile = (s: typeof GuestProfileState.Type): GuestProfile => s as unknown as GuestProfile
export const asPayment = (s: typeof PaymentState.Type): Payment => s as unknown as Payment
export const asReview = (s: typeof ReviewState.Type): Review => s as unknown as Review
export const asPayoutAccount = (s: typeof PayoutAccountState.Type): PayoutAccount =>
  s as unknown as PayoutAccount
export const asLedgerEntry = (s: typeof LedgerEntryState.Type): LedgerEntry => s as unknown as LedgerEntry
export const asPayout = (s: typeof PayoutState.Type): Payout => s as unknown as Payout
export const asEvent = (s: typeof EventState.Type): DomainEvent => s as unknown as DomainEvent
