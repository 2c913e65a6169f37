import { Effect, Schema } from 'effect'
import { newEvent } from '../domain/events/events.js'
import { isVisible, type Review } from '../domain/reviews/review.js'
import {
  type ConcurrentModification,
  Forbidden,
  ResponseAlreadyPosted,
  ReviewNotAllowed,
  ReviewNotFound,
  type ValidationFailed,
} from '../domain/shared/errors.js'
import { asId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { findReview } from './support/load.js'
import { retryOnConflict } from './support/retry.js'
import { NonBlank } from './support/schemas.js'

export const RespondToReviewInput = Schema.Struct({
  reviewId: NonBlank(64),
  comment: NonBlank(2000, 'multi_line'),
})
export type RespondToReviewInput = typeof RespondToReviewInput.Type

/**
 * The subject of a review (the host, for a guest → listing review; the guest, for host → guest)
 * answers it publicly, once, after it is revealed. Others may not; to them a review the public
 * cannot see does not exist.
 */
export class RespondToReview {
  constructor(private readonly deps: Pick<CoreDeps, 'reviews' | 'clock' | 'ids' | 'settings'>) {}

  execute(
    caller: Caller,
    raw: typeof RespondToReviewInput.Encoded,
  ): Effect.Effect<
    Review,
    | ValidationFailed
    | Forbidden
    | ReviewNotFound
    | ReviewNotAllowed
    | ResponseAlreadyPosted
    | ConcurrentModification
  > {
    const { reviews, clock, ids, settings } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(RespondToReviewInput, raw)
      const reviewId = asId('review', input.reviewId)
      const attempt = Effect.gen(function* () {
        const review = yield* findReview(reviews, reviewId)
        if (review.subjectId !== userId) {
          if (!isVisible(review) && review.authorId !== userId)
            return yield* Effect.fail(new ReviewNotFound({ reviewId }))
          return yield* Effect.fail(
            new Forbidden({ reason: 'only the subject of a review may respond to it' }),
          )
        }
        if (review.revealedAt === null)
          return yield* Effect.fail(new ReviewNotAllowed({ reason: 'the review is not revealed yet' }))
        if (review.hidden) return yield* Effect.fail(new ReviewNotAllowed({ reason: 'the review is hidden' }))
        if (review.response !== null) return yield* Effect.fail(new ResponseAlreadyPosted({ reviewId }))
        const now = clock.now()
        const updated: Review = {
          ...review,
          response: { comment: input.comment.trim(), at: now },
          version: review.version + 1,
        }
        yield* reviews.saveAll(
          [updated],
          [
            newEvent(ids, now, 'innkeeper.review.responded.v1', review.id, {
              reviewId: review.id,
              bookingId: review.bookingId,
              listingId: review.listingId,
              responderId: userId,
            }),
          ],
        )
        return updated
      })
      return yield* retryOnConflict(attempt, settings.concurrencyRetries)
    })
  }
}
