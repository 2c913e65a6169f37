import { Result } from 'effect'
import type { Listing } from '../listings/listing.js'
import { cancellationPolicies } from '../policies/cancellation.js'
import type { Quote } from '../pricing/quote.js'
import { type Stay, zonedInstant } from '../shared/dates.js'
import {
  EmailNotVerified,
  Forbidden,
  ListingNotBookable,
  ListingNotFound,
  UserSuspended,
} from '../shared/errors.js'
import type { BookingId, UserId } from '../shared/ids.js'
import type { Instant } from '../shared/time.js'
import type { User } from '../users/user.js'
import { type Booking, computeDueAt } from './booking.js'

// ---- bookability: who may book what ----

/**
 * Only an active user may book (a suspended one keeps read access to what they have); where the
 * deployment requires it, only one whose e-mail is verified.
 */
export const mayBook = (
  guest: User,
  requireVerifiedEmail = false,
): Result.Result<User, UserSuspended | EmailNotVerified> =>
  guest.status !== 'active'
    ? Result.fail(new UserSuspended({ userId: guest.id }))
    : requireVerifiedEmail && guest.emailVerifiedAt === null
      ? Result.fail(new EmailNotVerified({ userId: guest.id }))
      : Result.succeed(guest)

/** Whether a listing takes bookings (and quotes) now: only an active one does. */
export const takesBookings = (listing: Listing): Result.Result<Listing, ListingNotBookable> =>
  listing.status === 'active'
    ? Result.succeed(listing)
    : Result.fail(
        new ListingNotBookable({ listingId: listing.id, reason: `the listing is ${listing.status}` }),
      )

/**
 * Whether `guestId` may book the listing. Drafts and archived listings are not public: they are not
 * found, so their ids do not leak; an inactive one is not bookable; and no host books their own.
 */
export const bookableBy = (
  listing: Listing,
  guestId: UserId,
): Result.Result<Listing, ListingNotFound | ListingNotBookable | Forbidden> => {
  if (listing.status === 'draft' || listing.status === 'archived')
    return Result.fail(new ListingNotFound({ listingId: listing.id }))
  const open = takesBookings(listing)
  if (Result.isFailure(open)) return open
  if (listing.hostId === guestId)
    return Result.fail(new Forbidden({ reason: 'hosts cannot book their own listing' }))
  return Result.succeed(listing)
}

// ---- a new booking ----

export interface BookingRequest {
  readonly id: BookingId
  readonly listing: Listing
  readonly guestId: UserId
  readonly stay: Stay
  readonly guests: number
  /** The server's quote of the stay: kept as a snapshot. */
  readonly quote: Quote
  /** A note to the host. */
  readonly message: string
  readonly now: Instant
}

/**
 * A booking as a guest requests it: pending payment, due to expire unpaid after the payment
 * window; the quote and the listing's cancellation policy as snapshots; check-in and check-out at
 * the listing's hours in its time zone.
 */
export const newBooking = (r: BookingRequest): Booking => {
  const { listing, stay, now } = r
  const tz = listing.location.timezone
  const points = {
    requestedAt: now,
    authorizedAt: null,
    checkInAt: zonedInstant(stay.checkIn, listing.checkInHour, 0, tz),
    checkOutAt: zonedInstant(stay.checkOut, listing.checkOutHour, 0, tz),
  }
  return {
    id: r.id,
    listingId: listing.id,
    hostId: listing.hostId,
    guestId: r.guestId,
    stay,
    guests: r.guests,
    state: 'pending_payment',
    bookingMode: listing.bookingMode,
    quote: r.quote,
    cancellationPolicy: cancellationPolicies[listing.cancellationPolicy],
    timezone: tz,
    points,
    paidAmount: 0,
    refundedAmount: 0,
    cancellation: null,
    modifications: [],
    pendingChange: null,
    settling: null,
    history: [],
    message: r.message,
    dueAt: computeDueAt('pending_payment', points),
    createdAt: now,
    updatedAt: now,
    version: 1,
  }
}
