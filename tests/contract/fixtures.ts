import { Effect } from 'effect'
import type { Booking } from '../../core/domain/bookings/booking.js'
import type { DomainEvent, EventType } from '../../core/domain/events/events.js'
import { emptyRating, type Listing } from '../../core/domain/listings/listing.js'
import type { Payment } from '../../core/domain/payments/payment.js'
import type { LedgerEntry, Payout, PayoutAccount } from '../../core/domain/payouts/ledger.js'
import { cancellationPolicies } from '../../core/domain/policies/cancellation.js'
import type { Review } from '../../core/domain/reviews/review.js'
import { localDate } from '../../core/domain/shared/dates.js'
import { asId, type EventId, type UserId } from '../../core/domain/shared/ids.js'
import { currency } from '../../core/domain/shared/money.js'
import { type Instant, instant } from '../../core/domain/shared/time.js'
import type { User } from '../../core/domain/users/user.js'
import type { ListingFilter } from '../../ports/repositories.js'

/** What contract suites need of a test clock. */
export interface ClockControl {
  now(): Instant
  advance(ms: number): void
}

export const T0 = instant(Date.UTC(2026, 0, 1))
export const at = (minutes: number): Instant => instant(T0 + minutes * 60_000)
export const USD = currency('USD')

export const run = <A, E>(e: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(e)
/** Runs an effect that must fail and returns its typed error (a success or a defect rejects). */
export const failure = <A, E>(e: Effect.Effect<A, E>): Promise<E> => Effect.runPromise(Effect.flip(e))

let eventCounter = 0
/**
 * An event for storage and delivery contracts, which keep events as they are given: its payload is
 * a marker (`subject`, a counter), not the catalogue payload of `type`, which they never read.
 */
export const event = (subject: string, type: EventType = 'innkeeper.booking.requested.v1'): DomainEvent => {
  eventCounter += 1
  return {
    id: asId('event', `evt_contract_${eventCounter}`) as EventId,
    type,
    subject,
    time: T0,
    data: { subject, n: eventCounter },
  } as unknown as DomainEvent
}

export const makeUser = (id: string, overrides: Partial<User> = {}): User => ({
  id: asId('user', id),
  email: `${id}@example.com`,
  name: `User ${id}`,
  roles: ['guest'],
  profile: { bio: '', avatarUrl: null, phone: null, languages: ['en'] },
  status: 'active',
  emailVerifiedAt: null,
  emailVerification: null,
  passwordReset: null,
  passwordHash: 'scrypt$hash',
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  ...overrides,
})

export const makeListing = (id: string, overrides: Partial<Listing> = {}): Listing => ({
  id: asId('listing', id),
  hostId: asId('user', 'usr_host1'),
  title: `Listing ${id}`,
  description: 'A place',
  propertyType: 'apartment',
  roomType: 'entire_place',
  location: {
    address: '1 Main St',
    city: 'Lisbon',
    country: 'PT',
    lat: 38.7223,
    lng: -9.1393,
    timezone: 'Europe/Lisbon',
  },
  amenities: ['wifi', 'kitchen'],
  photos: [],
  maxGuests: 4,
  units: 1,
  currency: USD,
  status: 'active',
  bookingMode: 'instant',
  cancellationPolicy: 'flexible',
  houseRules: [],
  restrictions: {
    minNights: 1,
    maxNights: 365,
    advanceNoticeDays: 0,
    bookingWindowDays: 365,
    checkInWeekdays: [],
    checkOutWeekdays: [],
  },
  pricing: {
    baseNightly: 10_000,
    weekendNightly: null,
    weekendDays: [5, 6],
    seasons: [],
    weeklyDiscountBp: 0,
    monthlyDiscountBp: 0,
    cleaningFee: 0,
    extraGuestFee: 0,
    extraGuestThreshold: 2,
    serviceFeeBp: 0,
    commissionBp: 0,
    taxBp: 0,
  },
  checkInHour: 15,
  checkOutHour: 11,
  rating: emptyRating(),
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  ...overrides,
})

export const rated = (count: number, average: number): Listing['rating'] => ({
  ...emptyRating(),
  count,
  overallSum: count * average,
})

export const anyFilter: ListingFilter = {
  city: null,
  near: null,
  minGuests: 1,
  minPrice: null,
  maxPrice: null,
  amenities: [],
  propertyTypes: [],
  roomTypes: [],
  bookingMode: null,
  minRating: null,
  statuses: [],
}

export const makeBooking = (id: string, overrides: Partial<Booking> = {}): Booking => {
  const stay = overrides.stay ?? { checkIn: localDate('2026-03-01'), checkOut: localDate('2026-03-04') }
  const listingId = overrides.listingId ?? asId('listing', 'lst_1')
  return {
    id: asId('booking', id),
    listingId,
    hostId: asId('user', 'usr_host1'),
    guestId: asId('user', 'usr_guest1'),
    stay,
    guests: 2,
    state: 'pending_payment',
    bookingMode: 'instant',
    quote: {
      listingId,
      stay,
      guests: 2,
      currency: USD,
      nights: [],
      guestLines: [],
      hostLines: [],
      guestTotal: 30_000,
      hostPayout: 27_000,
      platformFee: 3_000,
      tax: 0,
    },
    cancellationPolicy: cancellationPolicies.flexible,
    timezone: 'Europe/Lisbon',
    points: { requestedAt: T0, authorizedAt: null, checkInAt: null, checkOutAt: null },
    paidAmount: 0,
    refundedAmount: 0,
    cancellation: null,
    modifications: [],
    pendingChange: null,
    settling: null,
    history: [],
    message: '',
    dueAt: null,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    ...overrides,
  }
}

export const makePayment = (id: string, overrides: Partial<Payment> = {}): Payment => ({
  id: asId('payment', id),
  bookingId: asId('booking', 'bkg_1'),
  payerId: asId('user', 'usr_guest1'),
  amount: 30_000,
  currency: USD,
  method: 'card',
  purpose: 'booking',
  changeKey: null,
  provider: 'memory',
  providerRef: `pi_${id}`,
  clientSecret: `pi_${id}_secret`,
  captureMethod: 'automatic',
  status: 'requires_payment',
  capturedAmount: 0,
  refundedAmount: 0,
  refunds: [],
  processedEventIds: [],
  failureReason: null,
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  ...overrides,
})

/** A host's USD payout account at `lastSeq`, version `version`, due at T0. */
export const makePayoutAccount = (
  hostId: UserId,
  lastSeq: number,
  version: number,
  overrides: Partial<PayoutAccount> = {},
): PayoutAccount => ({ hostId, currency: USD, lastSeq, dueAt: T0, updatedAt: T0, version, ...overrides })

/** An earning of 10.00 USD at position `seq` of the host's account, about booking `bkg_<key>`. */
export const makeLedgerEntry = (
  hostId: UserId,
  seq: number,
  key: string,
  overrides: Partial<LedgerEntry> = {},
): LedgerEntry => ({
  id: asId('ledgerEntry', `lge_${key}`),
  key,
  hostId,
  currency: USD,
  seq,
  kind: 'earning',
  amount: 1_000,
  bookingId: asId('booking', `bkg_${key}`),
  payoutId: null,
  payableAt: T0,
  createdAt: T0,
  ...overrides,
})

/** A pending 10.00 USD payout of the host, version 1. */
export const makePayout = (hostId: UserId, id: string, overrides: Partial<Payout> = {}): Payout => ({
  id: asId('payout', id),
  key: `payout:${id}`,
  hostId,
  currency: USD,
  amount: 1_000,
  destination: 'acct_1',
  provider: 'memory',
  entrySeq: 1,
  status: 'pending',
  transferRef: null,
  failureReason: null,
  attempts: 0,
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  ...overrides,
})

export const makeReview = (id: string, overrides: Partial<Review> = {}): Review => ({
  id: asId('review', id),
  bookingId: asId('booking', 'bkg_1'),
  listingId: asId('listing', 'lst_1'),
  authorId: asId('user', 'usr_guest1'),
  subjectId: asId('user', 'usr_host1'),
  direction: 'guest_to_listing',
  rating: 5,
  categories: { cleanliness: 5 },
  comment: 'Lovely',
  response: null,
  hidden: false,
  revealedAt: null,
  windowClosesAt: at(14 * 24 * 60),
  createdAt: T0,
  version: 1,
  ...overrides,
})

/** Collects every item of a paginated listing, page by page. */
export const collectPages = async <T>(
  fetch: (
    cursor: string | null,
  ) => Promise<{ readonly items: readonly T[]; readonly nextCursor: string | null }>,
  maxPages = 1000,
): Promise<T[]> => {
  const out: T[] = []
  let cursor: string | null = null
  for (let i = 0; i < maxPages; i++) {
    const page = await fetch(cursor)
    out.push(...page.items)
    if (page.nextCursor === null) return out
    cursor = page.nextCursor
  }
  throw new Error('pagination did not terminate')
}

export const collect = async <T>(it: AsyncIterable<T>, max = Number.POSITIVE_INFINITY): Promise<T[]> => {
  const out: T[] = []
  for await (const x of it) {
    out.push(x)
    if (out.length >= max) break
  }
  return out
}
