import { Effect, Option } from 'effect'
import type {
  BookingRepository,
  ListingRepository,
  PaymentRepository,
  ReviewRepository,
  UserRepository,
} from '../../../ports/repositories.js'
import type { Booking } from '../../domain/bookings/booking.js'
import type { Listing } from '../../domain/listings/listing.js'
import type { Payment } from '../../domain/payments/payment.js'
import type { Review } from '../../domain/reviews/review.js'
import {
  BookingNotFound,
  ListingNotFound,
  PaymentNotFound,
  ReviewNotFound,
  UserNotFound,
} from '../../domain/shared/errors.js'
import type { BookingId, ListingId, PaymentId, ReviewId, UserId } from '../../domain/shared/ids.js'
import type { User } from '../../domain/users/user.js'

const orFail = <A, E>(o: Effect.Effect<Option.Option<A>>, err: () => E): Effect.Effect<A, E> =>
  Effect.flatMap(o, (x) => (Option.isSome(x) ? Effect.succeed(x.value) : Effect.fail(err())))

export const findUser = (repo: UserRepository, id: UserId): Effect.Effect<User, UserNotFound> =>
  orFail(repo.byId(id), () => new UserNotFound({ userId: id }))
export const findListing = (
  repo: ListingRepository,
  id: ListingId,
): Effect.Effect<Listing, ListingNotFound> =>
  orFail(repo.byId(id), () => new ListingNotFound({ listingId: id }))
export const findBooking = (
  repo: BookingRepository,
  id: BookingId,
): Effect.Effect<Booking, BookingNotFound> =>
  orFail(repo.byId(id), () => new BookingNotFound({ bookingId: id }))
export const findPayment = (
  repo: PaymentRepository,
  id: PaymentId,
): Effect.Effect<Payment, PaymentNotFound> =>
  orFail(repo.byId(id), () => new PaymentNotFound({ paymentId: id }))
export const findReview = (repo: ReviewRepository, id: ReviewId): Effect.Effect<Review, ReviewNotFound> =>
  orFail(repo.byId(id), () => new ReviewNotFound({ reviewId: id }))

/**
 * A repository save that loses a race it cannot lose by construction (a brand-new id) is a defect,
 * not an expected failure.
 */
export const dieOnConflict = <A, E extends { readonly _tag: string }>(self: Effect.Effect<A, E>) =>
  Effect.catchIf(
    self,
    (e): e is Extract<E, { _tag: 'ConcurrentModification' }> => e._tag === 'ConcurrentModification',
    (e) => Effect.die(e),
  ) as Effect.Effect<A, Exclude<E, { _tag: 'ConcurrentModification' }>>
