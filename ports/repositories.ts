import type { Effect, Option } from 'effect'
import type { Booking } from '../core/domain/bookings/booking.js'
import type { BookingState } from '../core/domain/bookings/lifecycle.js'
import type { DomainEvent } from '../core/domain/events/events.js'
import type { ListingFilter } from '../core/domain/listings/filter.js'
import type { Listing } from '../core/domain/listings/listing.js'
import type { ListingSort } from '../core/domain/listings/search-order.js'
import type { Payment } from '../core/domain/payments/payment.js'
import type { Review } from '../core/domain/reviews/review.js'
import type { ConcurrentModification, EmailAlreadyRegistered } from '../core/domain/shared/errors.js'
import type {
  BookingId,
  GuestProfileId,
  ListingId,
  PaymentId,
  ReviewId,
  UserId,
} from '../core/domain/shared/ids.js'
import type { Instant } from '../core/domain/shared/time.js'
import type { GuestProfile, User } from '../core/domain/users/user.js'
import type { Page, PageRequest } from './pagination.js'
import { token } from './tokens.js'

/*
 * Repositories share one write rule: `save(entity, events)` stores the entity and appends the
 * events to the outbox in one atomic step. Optimistic concurrency: an entity with `version` n
 * replaces the stored version n − 1 (n = 1 means "must not exist yet"); anything else fails with
 * `ConcurrentModification` and changes nothing.
 */

export interface UserRepository {
  byId(id: UserId): Effect.Effect<Option.Option<User>>
  /** By normalized e-mail. */
  byEmail(email: string): Effect.Effect<Option.Option<User>>
  save(
    user: User,
    events: readonly DomainEvent[],
  ): Effect.Effect<void, ConcurrentModification | EmailAlreadyRegistered>
  /** Newest first. */
  list(page: PageRequest): Effect.Effect<Page<User>>
}
export const UserRepository = token<UserRepository>('UserRepository')

/** The static part of a search; what it means is the core's `listingMatches`. */
export type { ListingFilter } from '../core/domain/listings/filter.js'
/** The orders a search can ask for; defined with the core's sort keys. */
export type { ListingSort } from '../core/domain/listings/search-order.js'

export interface ListingRepository {
  byId(id: ListingId): Effect.Effect<Option.Option<Listing>>
  save(listing: Listing, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification>
  byHost(hostId: UserId, page: PageRequest): Effect.Effect<Page<Listing>>
  /**
   * A cursor over the listings matching the filter in sort order (ties broken by id), starting
   * after `after` — the sort key and id of the last listing the caller consumed. Lazy: the caller
   * pulls batches of the size it wants and stops when it has enough.
   */
  search(filter: ListingFilter, sort: ListingSort, after: SearchPosition | null): Effect.Effect<ListingCursor>
}
export const ListingRepository = token<ListingRepository>('ListingRepository')

/** Pulls a search's listings in batches (a database adapter maps it onto its own cursor). */
export interface ListingCursor {
  /**
   * Up to `max` (≥ 1) more listings, continuing the order; an empty batch means there are no more.
   * Listings saved between two calls are seen or not, but the order never repeats or skips one
   * that matched throughout.
   */
  next(max: number): Effect.Effect<readonly Listing[]>
  /** Releases the cursor before its end; idempotent, and harmless after the end. */
  close(): Effect.Effect<void>
}

export interface SearchPosition {
  readonly key: number
  readonly id: string
}

export interface BookingRepository {
  byId(id: BookingId): Effect.Effect<Option.Option<Booking>>
  save(booking: Booking, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification>
  /** Newest first. */
  byGuest(guestId: UserId, page: PageRequest): Effect.Effect<Page<Booking>>
  /** Newest first. */
  byHost(hostId: UserId, page: PageRequest): Effect.Effect<Page<Booking>>
  /** Every booking of a listing whose stay overlaps [from, to), for reports and calendars. */
  byListing(listingId: ListingId, from: string, to: string): Effect.Effect<readonly Booking[]>
  /** Bookings whose `dueAt` ≤ now, earliest first. */
  due(now: Instant, limit: number): Effect.Effect<readonly Booking[]>
  /** How many of the guest's bookings are in the given states (the pending-hold cap). */
  countByGuest(guestId: UserId, states: readonly BookingState[]): Effect.Effect<number>
}
export const BookingRepository = token<BookingRepository>('BookingRepository')

export interface PaymentRepository {
  byId(id: PaymentId): Effect.Effect<Option.Option<Payment>>
  byProviderRef(provider: string, providerRef: string): Effect.Effect<Option.Option<Payment>>
  byBooking(bookingId: BookingId): Effect.Effect<readonly Payment[]>
  /** Newest first. */
  byPayer(payerId: UserId, page: PageRequest): Effect.Effect<Page<Payment>>
  save(payment: Payment, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification>
}
export const PaymentRepository = token<PaymentRepository>('PaymentRepository')

export interface ReviewRepository {
  byId(id: ReviewId): Effect.Effect<Option.Option<Review>>
  byBooking(bookingId: BookingId): Effect.Effect<readonly Review[]>
  /** Guest → listing reviews, newest first, hidden and unrevealed ones included (callers filter). */
  byListing(listingId: ListingId, page: PageRequest): Effect.Effect<Page<Review>>
  /** Reviews about a user (host → guest about a guest, guest → listing about a host), newest first. */
  bySubject(userId: UserId, page: PageRequest): Effect.Effect<Page<Review>>
  /** Unrevealed reviews whose window closed at or before `now`. */
  revealDue(now: Instant, limit: number): Effect.Effect<readonly Review[]>
  /** Saves several reviews of one booking at once (a reveal touches both sides). */
  saveAll(
    reviews: readonly Review[],
    events: readonly DomainEvent[],
  ): Effect.Effect<void, ConcurrentModification>
}
export const ReviewRepository = token<ReviewRepository>('ReviewRepository')

export interface WishlistEntry {
  readonly userId: UserId
  readonly listingId: ListingId
  readonly addedAt: Instant
}
export interface WishlistRepository {
  /** Idempotent: adding twice keeps the first `addedAt`. */
  add(entry: WishlistEntry): Effect.Effect<void>
  /** Idempotent. */
  remove(userId: UserId, listingId: ListingId): Effect.Effect<void>
  /** Newest first. */
  list(userId: UserId, page: PageRequest): Effect.Effect<Page<WishlistEntry>>
}
export const WishlistRepository = token<WishlistRepository>('WishlistRepository')

export interface GuestProfileRepository {
  byOwner(ownerId: UserId): Effect.Effect<readonly GuestProfile[]>
  save(profile: GuestProfile): Effect.Effect<void>
  /** True when something was deleted. */
  delete(ownerId: UserId, id: GuestProfileId): Effect.Effect<boolean>
}
export const GuestProfileRepository = token<GuestProfileRepository>('GuestProfileRepository')
