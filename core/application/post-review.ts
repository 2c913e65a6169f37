import { Effect, Schema } from 'effect'
import { REVIEW_WINDOW_MS } from '../domain/bookings/lifecycle.js'
import type { Review, ReviewDirection } from '../domain/reviews/review.js'
import { revealed } from '../domain/reviews/review.js'
import { reviewPostedEvent, reviewRevealedEvent } from '../domain/reviews/review-events.js'
import {
  BookingNotFound,
  type ConcurrentModification,
  type Forbidden,
  ReviewAlreadyPosted,
  ReviewNotAllowed,
  ValidationFailed,
} from '../domain/shared/errors.js'
import { asId } from '../domain/shared/ids.js'
import { addMs } from '../domain/shared/time.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { findBooking } from './support/load.js'
import { retryOnConflict } from './support/retry.js'
import { countInListings } from './support/review-support.js'
import { BoundedString, NonBlank } from './support/schemas.js'

/** A whole-star score, 1 to 5. */
export const Score = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5 }))

export const ReviewCategoriesInput = Schema.Struct({
  cleanliness: Schema.optionalKey(Score),
  accuracy: Schema.optionalKey(Score),
  check_in: Schema.optionalKey(Score),
  communication: Schema.optionalKey(Score),
  location: Schema.optionalKey(Score),
  value: Schema.optionalKey(Score),
})

export const PostReviewInput = Schema.Struct({
  bookingId: NonBlank(64),
  rating: Score,
  /** Only when the guest reviews the stay. */
  categories: Schema.optionalKey(
    ReviewCategoriesInput.annotate({
      description: 'Only when the guest reviews the stay; a host reviewing the guest sends none (400)',
    }),
  ),
  comment: Schema.optionalKey(BoundedString(2000, 'multi_line')),
})
export type PostReviewInput = typeof PostReviewInput.Type

export type PostReviewError =
  | ValidationFailed
  | Forbidden
  | BookingNotFound
  | ReviewNotAllowed
  | ReviewAlreadyPosted
  | ConcurrentModification

/**
 * Posts the caller's review of a completed stay. The direction follows from who asks: the booking's
 * guest reviews the listing (its host is the subject), the host reviews the guest; for anyone else
 * the booking does not exist. Allowed until 14 days after check-out, once per booking and direction.
 *
 * Double-blind: the review stays hidden until the other side has reviewed too (then both are
 * revealed in one write) or the window closes (`RevealDueReviews`). A revealed guest → listing
 * review is added to the listing's rating aggregate.
 */
export class PostReview {
  constructor(
    private readonly deps: Pick<CoreDeps, 'bookings' | 'reviews' | 'listings' | 'clock' | 'ids' | 'settings'>,
  ) {}

  execute(caller: Caller, raw: typeof PostReviewInput.Encoded): Effect.Effect<Review, PostReviewError> {
    const deps = this.deps
    const { bookings, reviews, clock, ids, settings } = deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(PostReviewInput, raw)
      const booking = yield* findBooking(bookings, asId('booking', input.bookingId))
      const direction: ReviewDirection | null =
        booking.guestId === userId ? 'guest_to_listing' : booking.hostId === userId ? 'host_to_guest' : null
      if (direction === null) return yield* Effect.fail(new BookingNotFound({ bookingId: booking.id }))
      const categories = input.categories ?? {}
      if (direction === 'host_to_guest' && Object.keys(categories).length > 0)
        return yield* Effect.fail(
          new ValidationFailed({
            issues: [{ path: 'categories', message: 'only a guest reviewing a stay rates categories' }],
          }),
        )
      if (booking.state !== 'completed')
        return yield* Effect.fail(
          new ReviewNotAllowed({ reason: `the stay is ${booking.state}, not completed` }),
        )
      const checkOutAt = booking.points.checkOutAt
      if (checkOutAt === null)
        return yield* Effect.fail(new ReviewNotAllowed({ reason: 'the stay has no check-out time' }))
      const windowClosesAt = addMs(checkOutAt, REVIEW_WINDOW_MS)

      // Read the booking's reviews and write in one attempt; a lost race re-reads them.
      const post = Effect.gen(function* () {
        const now = clock.now()
        if (now >= windowClosesAt)
          return yield* Effect.fail(
            new ReviewNotAllowed({ reason: 'the review window closed 14 days after check-out' }),
          )
        const existing = yield* reviews.byBooking(booking.id)
        if (existing.some((r) => r.direction === direction))
          return yield* Effect.fail(new ReviewAlreadyPosted({ bookingId: booking.id }))
        const review: Review = {
          // A natural key, one per booking and direction: of two concurrent posts by the same side,
          // the second save finds the id taken, re-reads, and gets ReviewAlreadyPosted.
          id: asId('review', `rev_${booking.id}_${direction === 'guest_to_listing' ? 'guest' : 'host'}`),
          bookingId: booking.id,
          listingId: booking.listingId,
          authorId: userId,
          subjectId: direction === 'guest_to_listing' ? booking.hostId : booking.guestId,
          direction,
          rating: input.rating,
          categories: direction === 'guest_to_listing' ? { ...categories } : {},
          comment: (input.comment ?? '').trim(),
          response: null,
          hidden: false,
          revealedAt: null,
          windowClosesAt,
          createdAt: now,
          version: 1,
        }
        const other = existing.find((r) => r.direction !== direction && r.revealedAt === null)
        if (other === undefined) {
          yield* reviews.saveAll([review], [reviewPostedEvent(ids, now, review)])
          return { review, revealedNow: [] as Review[] }
        }
        const mine: Review = { ...review, revealedAt: now }
        const theirs = revealed(other, now)
        yield* reviews.saveAll(
          [mine, theirs],
          [
            reviewPostedEvent(ids, now, mine),
            reviewRevealedEvent(ids, now, mine),
            reviewRevealedEvent(ids, now, theirs),
          ],
        )
        return { review: mine, revealedNow: [mine, theirs] }
      })
      const posted = yield* retryOnConflict(post, settings.concurrencyRetries)
      if (posted.revealedNow.length > 0) {
        yield* countInListings(deps, posted.revealedNow)
        return posted.review
      }
      // The other side may have posted at the same moment without seeing ours: whoever saved second
      // sees both here, and reveals them (only one such reveal can win, by version).
      return yield* revealIfBoth(deps, posted.review)
    })
  }
}

/** Reveals `mine` and the other side's review together if both exist and neither is revealed yet. */
const revealIfBoth = (
  deps: Pick<CoreDeps, 'reviews' | 'listings' | 'clock' | 'ids' | 'settings'>,
  mine: Review,
): Effect.Effect<Review, ConcurrentModification> =>
  Effect.gen(function* () {
    const { reviews, clock, ids, settings } = deps
    const attempt = Effect.gen(function* () {
      const all = yield* reviews.byBooking(mine.bookingId)
      const current = all.find((r) => r.id === mine.id) ?? mine
      const other = all.find((r) => r.direction !== mine.direction)
      if (other === undefined || other.revealedAt !== null || current.revealedAt !== null)
        return { review: current, revealedNow: [] as Review[] }
      const now = clock.now()
      const pair = [revealed(current, now), revealed(other, now)]
      yield* reviews.saveAll(
        pair,
        pair.map((r) => reviewRevealedEvent(ids, now, r)),
      )
      return { review: pair[0] ?? current, revealedNow: pair }
    })
    const result = yield* retryOnConflict(attempt, settings.concurrencyRetries)
    yield* countInListings(deps, result.revealedNow)
    return result.review
  })
