import { Schema } from 'effect'
import type { CalendarNight } from '../../core/application/get-calendar.js'
import type { PayoutBalances } from '../../core/application/get-payout-balance.js'
import type { SearchHit, SearchResult } from '../../core/application/search-listings.js'
import { type Booking, bookingExpiresAt } from '../../core/domain/bookings/booking.js'
import { bookingStates } from '../../core/domain/bookings/lifecycle.js'
import {
  averageRating,
  bookingModes,
  categoryAverage,
  type Listing,
  listingStatuses,
  propertyTypes,
  reviewCategories,
  roomTypes,
} from '../../core/domain/listings/listing.js'
import {
  captureMethods,
  type Payment,
  paymentPurposes,
  paymentStatuses,
} from '../../core/domain/payments/payment.js'
import type { Payout } from '../../core/domain/payouts/ledger.js'
import { cancellationPolicyNames } from '../../core/domain/policies/cancellation.js'
import type { Quote } from '../../core/domain/pricing/quote.js'
import type { HostReport } from '../../core/domain/reports/host-report.js'
import {
  contentVisibleTo,
  isRevealed,
  type Review,
  reviewDirections,
} from '../../core/domain/reviews/review.js'
import { nightCount, type Stay } from '../../core/domain/shared/dates.js'
import type { Instant } from '../../core/domain/shared/time.js'
import {
  ageGroups,
  type GuestProfile,
  type PublicProfile,
  type User,
  userRoles,
  userStatuses,
} from '../../core/domain/users/user.js'

/*
 * What the API returns, as effect Schemas in the core's camelCase (the wire is snake_case by one
 * rule, see wire.ts). Every response body is encoded through its schema, so a field that is not
 * declared here never leaves the server, and the OpenAPI document is generated from the same schemas.
 */

const iso = (t: Instant): string => new Date(t).toISOString()
const isoOrNull = (t: Instant | null): string | null => (t === null ? null : iso(t))

const Timestamp = Schema.String.annotate({ description: 'RFC 3339 timestamp (UTC)', format: 'date-time' })
const LocalDay = Schema.String.annotate({ description: 'Local date, YYYY-MM-DD', format: 'date' })
const Id = Schema.String
const Amount = Schema.Int.annotate({ description: 'Integer minor units of `currency`' })
const Currency = Schema.String.annotate({ description: 'ISO 4217 code' })
const Nullable = Schema.NullOr

export const StayView = Schema.Struct({ checkIn: LocalDay, checkOut: LocalDay, nights: Schema.Int })
const stayView = (s: Stay) => ({ checkIn: s.checkIn, checkOut: s.checkOut, nights: nightCount(s) })

export const LineItemView = Schema.Struct({
  code: Schema.String,
  quantity: Schema.Int,
  unitAmount: Schema.Int,
  amount: Schema.Int,
})
export const QuoteView = Schema.Struct({
  listingId: Id,
  checkIn: LocalDay,
  checkOut: LocalDay,
  guests: Schema.Int,
  currency: Currency,
  nights: Schema.Array(
    Schema.Struct({
      date: LocalDay,
      amount: Amount,
      source: Schema.Literals(['base', 'weekend', 'season', 'override']),
      surgeBp: Nullable(Schema.Int),
    }),
  ),
  guestLines: Schema.Array(LineItemView),
  hostLines: Schema.Array(LineItemView),
  guestTotal: Amount,
  hostPayout: Amount,
  platformFee: Amount,
  tax: Amount,
})
export const quoteView = (q: Quote): typeof QuoteView.Type => ({
  listingId: q.listingId,
  checkIn: q.stay.checkIn,
  checkOut: q.stay.checkOut,
  guests: q.guests,
  currency: q.currency,
  nights: q.nights,
  guestLines: q.guestLines,
  hostLines: q.hostLines,
  guestTotal: q.guestTotal,
  hostPayout: q.hostPayout,
  platformFee: q.platformFee,
  tax: q.tax,
})

const RatingView = Schema.Struct({
  count: Schema.Int,
  average: Nullable(Schema.Number),
  categories: Schema.Struct(
    Object.fromEntries(reviewCategories.map((c) => [c, Nullable(Schema.Number)])) as Record<
      (typeof reviewCategories)[number],
      Schema.NullOr<Schema.Number>
    >,
  ),
})
const round2 = (n: number) => Math.round(n * 100) / 100
const round2OrNull = (n: number | null) => (n === null ? null : round2(n))

export const ListingView = Schema.Struct({
  id: Id,
  hostId: Id,
  title: Schema.String,
  description: Schema.String,
  propertyType: Schema.Literals(propertyTypes),
  roomType: Schema.Literals(roomTypes),
  location: Schema.Struct({
    address: Schema.String,
    city: Schema.String,
    country: Schema.String,
    lat: Schema.Number,
    lng: Schema.Number,
    timezone: Schema.String,
  }),
  amenities: Schema.Array(Schema.String),
  photos: Schema.Array(Schema.Struct({ url: Schema.String, caption: Schema.String })),
  maxGuests: Schema.Int,
  units: Schema.Int,
  currency: Currency,
  status: Schema.Literals(listingStatuses),
  bookingMode: Schema.Literals(bookingModes),
  cancellationPolicy: Schema.Literals(cancellationPolicyNames),
  houseRules: Schema.Array(Schema.String),
  restrictions: Schema.Struct({
    minNights: Schema.Int,
    maxNights: Schema.Int,
    advanceNoticeDays: Schema.Int,
    bookingWindowDays: Schema.Int,
    checkInWeekdays: Schema.Array(Schema.Int),
    checkOutWeekdays: Schema.Array(Schema.Int),
  }),
  pricing: Schema.Struct({
    baseNightly: Amount,
    weekendNightly: Nullable(Amount),
    weekendDays: Schema.Array(Schema.Int),
    seasons: Schema.Array(Schema.Struct({ from: LocalDay, to: LocalDay, nightly: Amount })),
    weeklyDiscountBp: Schema.Int,
    monthlyDiscountBp: Schema.Int,
    cleaningFee: Amount,
    extraGuestFee: Amount,
    extraGuestThreshold: Schema.Int,
    serviceFeeBp: Schema.Int,
    commissionBp: Schema.Int,
    taxBp: Schema.Int,
  }),
  checkInHour: Schema.Int,
  checkOutHour: Schema.Int,
  rating: RatingView,
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export const listingView = (l: Listing): typeof ListingView.Type => ({
  ...l,
  rating: {
    count: l.rating.count,
    average: round2OrNull(averageRating(l.rating)),
    categories: Object.fromEntries(
      reviewCategories.map((c) => [c, round2OrNull(categoryAverage(l.rating, c))]),
    ) as typeof ListingView.Type.rating.categories,
  },
  createdAt: iso(l.createdAt),
  updatedAt: iso(l.updatedAt),
})

export const SearchHitView = Schema.Struct({
  listing: ListingView,
  quote: Nullable(QuoteView),
  distanceKm: Nullable(Schema.Number),
  price: Nullable(
    Schema.Struct({ amount: Amount, currency: Currency }).annotate({
      description:
        "The price the search filters and sorts by, in the search's currency: the stay's guest total with dates, else the base nightly price, converted with `exchange_rates`; null when the rates do not convert the listing's currency",
    }),
  ),
})
export const searchHitView = (h: SearchHit): typeof SearchHitView.Type => ({
  listing: listingView(h.listing),
  quote: h.quote === null ? null : quoteView(h.quote),
  distanceKm: h.distanceKm === null ? null : round2(h.distanceKm),
  price: h.price === null ? null : { amount: h.price.amount, currency: h.price.currency },
})

/** A page of search hits, with the currency of their prices and the rates that converted them. */
export const SearchPageView = Schema.Struct({
  items: Schema.Array(SearchHitView),
  nextCursor: Nullable(Schema.String),
  currency: Currency,
  exchangeRates: Schema.Struct({
    asOf: Schema.String,
    base: Currency,
    rates: Schema.Array(
      Schema.Struct({ currency: Currency, numerator: Schema.Int, denominator: Schema.Int }).annotate({
        description: 'One minor unit of `currency` is worth numerator/denominator minor units of `base`',
      }),
    ),
  }),
})
export const searchPageView = (r: SearchResult): typeof SearchPageView.Type => ({
  items: r.items.map(searchHitView),
  nextCursor: r.nextCursor,
  currency: r.currency,
  exchangeRates: {
    asOf: r.exchangeRates.asOf,
    base: r.exchangeRates.base,
    rates: Object.entries(r.exchangeRates.rates)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, rate]) => ({ currency, numerator: rate.numerator, denominator: rate.denominator })),
  },
})

export const CalendarView = Schema.Struct({
  listingId: Id,
  nights: Schema.Array(
    Schema.Struct({
      date: LocalDay,
      available: Schema.Int,
      units: Schema.Int,
      blocked: Schema.Boolean,
      price: Amount,
      held: Schema.optionalKey(Schema.Int),
      booked: Schema.optionalKey(Schema.Int),
    }),
  ),
})
export const calendarView = (listingId: string, nights: readonly CalendarNight[]) => ({ listingId, nights })

export const BookingView = Schema.Struct({
  id: Id,
  listingId: Id,
  hostId: Id,
  guestId: Id,
  checkIn: LocalDay,
  checkOut: LocalDay,
  nights: Schema.Int,
  guests: Schema.Int,
  state: Schema.Literals(bookingStates),
  bookingMode: Schema.Literals(bookingModes),
  quote: QuoteView,
  cancellationPolicy: Schema.Struct({
    name: Schema.Literals(cancellationPolicyNames),
    tiers: Schema.Array(
      Schema.Struct({
        minHoursBefore: Schema.Number,
        nightsRefundBp: Schema.Int,
        feesRefunded: Schema.Boolean,
      }),
    ),
  }),
  timezone: Schema.String,
  checkInAt: Nullable(Timestamp),
  checkOutAt: Nullable(Timestamp),
  paidAmount: Amount,
  refundedAmount: Amount,
  cancellation: Nullable(
    Schema.Struct({
      by: Schema.String,
      at: Timestamp,
      reason: Schema.String,
      refundAmount: Amount,
      retainedAmount: Amount,
    }),
  ),
  modifications: Schema.Array(
    Schema.Struct({
      at: Timestamp,
      from: Schema.Struct({ checkIn: LocalDay, checkOut: LocalDay, guests: Schema.Int, total: Amount }),
      to: Schema.Struct({ checkIn: LocalDay, checkOut: LocalDay, guests: Schema.Int, total: Amount }),
    }),
  ),
  changeInProgress: Schema.Boolean,
  history: Schema.Array(
    Schema.Struct({
      transition: Schema.String,
      from: Schema.String,
      to: Schema.String,
      actor: Schema.String,
      at: Timestamp,
    }),
  ),
  message: Schema.String,
  expiresAt: Nullable(Timestamp).annotate({
    description: 'When a pending booking expires unless paid (or accepted by the host)',
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export const bookingView = (b: Booking): typeof BookingView.Type => ({
  id: b.id,
  listingId: b.listingId,
  hostId: b.hostId,
  guestId: b.guestId,
  ...stayView(b.stay),
  guests: b.guests,
  state: b.state,
  bookingMode: b.bookingMode,
  quote: quoteView(b.quote),
  cancellationPolicy: b.cancellationPolicy,
  timezone: b.timezone,
  checkInAt: isoOrNull(b.points.checkInAt),
  checkOutAt: isoOrNull(b.points.checkOutAt),
  paidAmount: b.paidAmount,
  refundedAmount: b.refundedAmount,
  cancellation: b.cancellation === null ? null : { ...b.cancellation, at: iso(b.cancellation.at) },
  modifications: b.modifications.map((m) => ({
    at: iso(m.at),
    from: { ...m.from.stay, guests: m.from.guests, total: m.from.total },
    to: { ...m.to.stay, guests: m.to.guests, total: m.to.total },
  })),
  changeInProgress: b.pendingChange !== null,
  history: b.history.map((h) => ({ ...h, at: iso(h.at) })),
  message: b.message,
  expiresAt: isoOrNull(bookingExpiresAt(b)),
  createdAt: iso(b.createdAt),
  updatedAt: iso(b.updatedAt),
})

export const PaymentView = Schema.Struct({
  id: Id,
  bookingId: Id,
  amount: Amount,
  currency: Currency,
  method: Schema.Literal('card'),
  purpose: Schema.Literals(paymentPurposes),
  provider: Schema.String,
  providerRef: Schema.String,
  captureMethod: Schema.Literals(captureMethods),
  status: Schema.Literals(paymentStatuses),
  capturedAmount: Amount,
  refundedAmount: Amount,
  refunds: Schema.Array(
    Schema.Struct({ id: Id, amount: Amount, reason: Schema.String, createdAt: Timestamp }),
  ),
  failureReason: Nullable(Schema.String),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export const paymentView = (p: Payment): typeof PaymentView.Type => ({
  ...p,
  refunds: p.refunds.map((r) => ({
    id: r.id,
    amount: r.amount,
    reason: r.reason,
    createdAt: iso(r.createdAt),
  })),
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
})

export const PayoutView = Schema.Struct({
  id: Id,
  amount: Amount,
  currency: Currency,
  destination: Schema.String.annotate({ description: 'The payout account it was sent to' }),
  provider: Schema.String,
  status: Schema.Literals(['pending', 'paid', 'failed']).annotate({
    description:
      'pending: the transfer is being made; paid: the provider made it; failed: refused, the amount went back to your balance',
  }),
  transferRef: Nullable(Schema.String).annotate({ description: "The provider's transfer id once paid" }),
  failureReason: Nullable(Schema.String),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export const payoutView = (p: Payout): typeof PayoutView.Type => ({
  id: p.id,
  amount: p.amount,
  currency: p.currency,
  destination: p.destination,
  provider: p.provider,
  status: p.status,
  transferRef: p.transferRef,
  failureReason: p.failureReason,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
})

const SignedAmount = Schema.Int.annotate({ description: 'Signed integer minor units of `currency`' })
export const PayoutBalancesView = Schema.Struct({
  balances: Schema.Array(
    Schema.Struct({
      currency: Currency,
      available: SignedAmount.annotate({
        description:
          'Payable now, paid with the next payout; negative: refunds took back more than was left (netted later)',
      }),
      upcoming: SignedAmount.annotate({ description: 'Earned, payable after check-in' }),
      inTransit: Amount.annotate({ description: 'Payouts being transferred' }),
      paidOut: Amount.annotate({ description: 'Paid out in total' }),
      earned: SignedAmount.annotate({ description: 'Earnings less adjustments, in total' }),
      nextPayableAt: Nullable(Timestamp),
    }),
  ),
  payoutAccountId: Nullable(Schema.String).annotate({ description: 'Where payouts go (your profile)' }),
  nextPayoutAt: Nullable(Timestamp),
})
export const payoutBalancesView = (b: PayoutBalances): typeof PayoutBalancesView.Type => ({
  balances: b.balances.map((x) => ({ ...x, nextPayableAt: isoOrNull(x.nextPayableAt) })),
  payoutAccountId: b.payoutAccountId,
  nextPayoutAt: isoOrNull(b.nextPayoutAt),
})

export const CheckoutView = Schema.Struct({
  booking: BookingView,
  payment: PaymentView,
  clientSecret: Schema.String.annotate({
    description: "Confirms the payment with the provider's client SDK",
  }),
})

export const ReviewView = Schema.Struct({
  id: Id,
  bookingId: Id,
  listingId: Id,
  authorId: Id,
  subjectId: Id,
  direction: Schema.Literals(reviewDirections),
  rating: Nullable(Schema.Int),
  categories: Schema.Struct(
    Object.fromEntries(reviewCategories.map((c) => [c, Schema.optionalKey(Schema.Int)])) as Record<
      (typeof reviewCategories)[number],
      Schema.optionalKey<Schema.Int>
    >,
  ),
  comment: Nullable(Schema.String),
  response: Nullable(Schema.Struct({ comment: Schema.String, at: Timestamp })),
  visible: Schema.Boolean.annotate({ description: 'False until both sides reviewed or the window closed' }),
  revealedAt: Nullable(Timestamp),
  createdAt: Timestamp,
})
/** A review as its reader may see it: content stays hidden until revealed (double-blind). */
export const reviewView = (r: Review, viewerId: string | null): typeof ReviewView.Type => {
  const open = contentVisibleTo(r, viewerId)
  return {
    id: r.id,
    bookingId: r.bookingId,
    listingId: r.listingId,
    authorId: r.authorId,
    subjectId: r.subjectId,
    direction: r.direction,
    rating: open ? r.rating : null,
    categories: open ? r.categories : {},
    comment: open ? r.comment : null,
    response: r.response === null ? null : { comment: r.response.comment, at: iso(r.response.at) },
    visible: isRevealed(r),
    revealedAt: isoOrNull(r.revealedAt),
    createdAt: iso(r.createdAt),
  }
}

export const MeView = Schema.Struct({
  id: Id,
  email: Schema.String,
  name: Schema.String,
  roles: Schema.Array(Schema.Literals(userRoles)),
  profile: Schema.Struct({
    bio: Schema.String,
    avatarUrl: Nullable(Schema.String),
    phone: Nullable(Schema.String),
    languages: Schema.Array(Schema.String),
    payoutAccountId: Nullable(Schema.String).annotate({
      description: 'Your connected account at the payout provider, where host payouts go',
    }),
  }),
  status: Schema.Literals(userStatuses),
  emailVerified: Schema.Boolean,
  createdAt: Timestamp,
})
export const meView = (
  u: Pick<User, 'id' | 'email' | 'name' | 'roles' | 'profile' | 'status' | 'emailVerifiedAt' | 'createdAt'>,
): typeof MeView.Type => ({
  id: u.id,
  email: u.email,
  name: u.name,
  roles: u.roles,
  profile: {
    bio: u.profile.bio,
    avatarUrl: u.profile.avatarUrl,
    phone: u.profile.phone,
    languages: u.profile.languages,
    payoutAccountId: u.profile.payoutAccountId ?? null,
  },
  status: u.status,
  emailVerified: u.emailVerifiedAt !== null,
  createdAt: iso(u.createdAt),
})

export const PublicProfileView = Schema.Struct({
  id: Id,
  name: Schema.String,
  bio: Schema.String,
  avatarUrl: Nullable(Schema.String),
  languages: Schema.Array(Schema.String),
  memberSince: Timestamp,
  isHost: Schema.Boolean,
})
export const publicProfileView = (p: PublicProfile): typeof PublicProfileView.Type => ({
  ...p,
  memberSince: iso(p.memberSince),
})

export const GuestProfileView = Schema.Struct({
  id: Id,
  name: Schema.String,
  email: Nullable(Schema.String),
  ageGroup: Schema.Literals(ageGroups),
  createdAt: Timestamp,
})
export const guestProfileView = (g: GuestProfile): typeof GuestProfileView.Type => ({
  id: g.id,
  name: g.name,
  email: g.email,
  ageGroup: g.ageGroup,
  createdAt: iso(g.createdAt),
})

export const WishlistItemView = Schema.Struct({ listingId: Id, addedAt: Timestamp, listing: ListingView })

const StateCountsView = Schema.Struct(
  Object.fromEntries(bookingStates.map((s) => [s, Schema.Int])) as Record<
    (typeof bookingStates)[number],
    Schema.Int
  >,
)
export const HostReportView = Schema.Struct({
  period: Schema.Struct({ from: LocalDay, to: LocalDay }),
  nights: Schema.Int,
  listings: Schema.Array(
    Schema.Struct({
      listingId: Id,
      title: Schema.String,
      currency: Currency,
      units: Schema.Int,
      bookings: StateCountsView,
      bookedNights: Schema.Int,
      availableNights: Schema.Int,
      occupancy: Schema.Number,
      revenue: Amount,
      hostPayout: Amount,
      refunds: Amount,
    }),
  ),
  totals: Schema.Struct({
    bookings: StateCountsView,
    bookedNights: Schema.Int,
    availableNights: Schema.Int,
    occupancy: Schema.Number,
    money: Schema.Array(
      Schema.Struct({ currency: Currency, revenue: Amount, hostPayout: Amount, refunds: Amount }),
    ),
  }),
})
export const hostReportView = (r: HostReport): typeof HostReportView.Type => r

export const TokensView = Schema.Struct({
  accessToken: Schema.String,
  tokenType: Schema.Literal('Bearer'),
  expiresIn: Schema.Int.annotate({ description: 'Seconds until the access token expires' }),
  refreshToken: Schema.String,
  refreshExpiresIn: Schema.Int,
  user: MeView,
})

/** A page of items with the cursor of the next page (null on the last). */
export const PageOf = <S extends Schema.Top>(item: S) =>
  Schema.Struct({ items: Schema.Array(item), nextCursor: Nullable(Schema.String) })
