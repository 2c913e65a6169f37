import { Effect, Option, Schema } from 'effect'
import type { Review } from '../domain/reviews/review.js'
import { revealed } from '../domain/reviews/review.js'
import { reviewRevealedEvent } from '../domain/reviews/review-events.js'
import type { ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { CoreDeps } from './support/deps.js'
import { retryOnConflict } from './support/retry.js'
import { countInListings } from './support/review-support.js'

export const RevealDueReviewsInput = Schema.Struct({
  limit: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 })),
})
export type RevealDueReviewsInput = typeof RevealDueReviewsInput.Type

/**
 * A timer's job: reveals up to `limit` reviews whose 14-day window has closed without the other side
 * reviewing, and adds the revealed guest → listing ones to their listings' ratings. Returns how many
 * it revealed. Reviews of one booking are revealed in one write. A booking whose reviews keep
 * changing under it is skipped and picked up on the next run.
 */
export class RevealDueReviews {
  constructor(private readonly deps: Pick<CoreDeps, 'reviews' | 'listings' | 'clock' | 'ids' | 'settings'>) {}

  execute(raw: typeof RevealDueReviewsInput.Encoded): Effect.Effect<number, ValidationFailed> {
    const deps = this.deps
    const { reviews, clock, ids, settings } = deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(RevealDueReviewsInput, raw)
      const due = yield* reviews.revealDue(clock.now(), input.limit)
      const byBooking = new Map<string, Review[]>()
      for (const r of due) {
        const group = byBooking.get(r.bookingId)
        if (group) group.push(r)
        else byBooking.set(r.bookingId, [r])
      }
      let count = 0
      for (const group of byBooking.values()) {
        const attempt = Effect.gen(function* () {
          const now = clock.now()
          const fresh = yield* Effect.forEach(group, (r) => reviews.byId(r.id))
          const toReveal = fresh
            .filter(Option.isSome)
            .map((o) => o.value)
            .filter((r) => r.revealedAt === null && r.windowClosesAt <= now)
          if (toReveal.length === 0) return [] as Review[]
          const next = toReveal.map((r) => revealed(r, now))
          yield* reviews.saveAll(
            next,
            next.map((r) => reviewRevealedEvent(ids, now, r)),
          )
          return next
        })
        const done = yield* retryOnConflict(attempt, settings.concurrencyRetries).pipe(
          Effect.catchTag('ConcurrentModification', () => Effect.succeed([] as Review[])),
        )
        count += done.length
        // The reveal is written; a listing that keeps losing races is left for an operator, not retried forever.
        yield* countInListings(deps, done).pipe(
          Effect.catchTag('ConcurrentModification', (e) => Effect.die(e)),
        )
      }
      return count
    })
  }
}
