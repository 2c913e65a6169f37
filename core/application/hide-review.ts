import { Effect, Schema } from 'effect'
import { newEvent } from '../domain/events/events.js'
import { countsInRating, removeFromRating } from '../domain/reviews/rating.js'
import type { Review } from '../domain/reviews/review.js'
import {
  type ConcurrentModification,
  Forbidden,
  type ReviewNotFound,
  type ValidationFailed,
} from '../domain/shared/errors.js'
import { asId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, isAdmin } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { findReview } from './support/load.js'
import { retryOnConflict } from './support/retry.js'
import { updateListingRating } from './support/review-support.js'
import { BoundedString, NonBlank } from './support/schemas.js'

export const HideReviewInput = Schema.Struct({
  reviewId: NonBlank(64),
  reason: Schema.optionalKey(BoundedString(500, 'multi_line')),
})
export type HideReviewInput = typeof HideReviewInput.Type

/**
 * An admin hides a review from the public. If it counted in its listing's rating it is taken out of
 * the aggregate. Idempotent: hiding a hidden review changes nothing and writes no event.
 */
export class HideReview {
  constructor(private readonly deps: Pick<CoreDeps, 'reviews' | 'listings' | 'clock' | 'ids' | 'settings'>) {}

  execute(
    caller: Caller,
    raw: typeof HideReviewInput.Encoded,
  ): Effect.Effect<Review, ValidationFailed | Forbidden | ReviewNotFound | ConcurrentModification> {
    const deps = this.deps
    const { reviews, clock, ids, settings } = deps
    return Effect.gen(function* () {
      if (caller.kind !== 'user' || !isAdmin(caller))
        return yield* Effect.fail(new Forbidden({ reason: 'only an admin may hide a review' }))
      const by = caller.userId
      const input = yield* decodeInput(HideReviewInput, raw)
      const reviewId = asId('review', input.reviewId)
      const attempt = Effect.gen(function* () {
        const review = yield* findReview(reviews, reviewId)
        if (review.hidden) return { review, wasCounted: false }
        const now = clock.now()
        const updated: Review = { ...review, hidden: true, version: review.version + 1 }
        yield* reviews.saveAll(
          [updated],
          [
            newEvent(ids, now, 'innkeeper.review.hidden.v1', review.id, {
              reviewId: review.id,
              listingId: review.listingId,
              by,
              reason: input.reason ?? '',
            }),
          ],
        )
        return { review: updated, wasCounted: countsInRating(review) }
      })
      const { review, wasCounted } = yield* retryOnConflict(attempt, settings.concurrencyRetries)
      if (wasCounted) yield* updateListingRating(deps, review.listingId, (s) => removeFromRating(s, review))
      return review
    })
  }
}
