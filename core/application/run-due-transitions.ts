import { Effect, Result } from 'effect'
import { applyTransition, type Booking } from '../domain/bookings/booking.js'
import { bookingEvent } from '../domain/bookings/booking-events.js'
import { nextTimer, releasesNights, type TransitionName, transitions } from '../domain/bookings/lifecycle.js'
import type { BookingNotFound, ConcurrentModification } from '../domain/shared/errors.js'
import type { BookingId } from '../domain/shared/ids.js'
import { RevealDueReviews } from './reveal-due-reviews.js'
import type { CoreDeps } from './support/deps.js'
import { findBooking } from './support/load.js'
import { retryOnConflict } from './support/retry.js'
import { type SettleDeps, thenSettle } from './support/settle-booking.js'

export interface DueReport {
  readonly applied: number
  readonly byTransition: Partial<Record<TransitionName, number>>
  /** Bookings a concurrent writer kept changing; they are picked up on the next run. */
  readonly skipped: number
  /** Reviews revealed because their 14-day window closed. */
  readonly reviewsRevealed: number
}

type DueDeps = SettleDeps & Pick<CoreDeps, 'reviews' | 'listings'>

/**
 * Applies every timed transition that is due: unpaid bookings expire after 15 minutes, unanswered
 * requests after 24 hours (both release their nights and void or refund their payments), confirmed
 * stays start on the check-in day and complete on the check-out day, and review windows that closed
 * 14 days after check-out reveal their reviews. Safe to run concurrently and repeatedly: a
 * transition that is no longer possible is skipped.
 */
export class RunDueTransitions {
  private readonly reveal: RevealDueReviews

  constructor(private readonly deps: DueDeps) {
    this.reveal = new RevealDueReviews(deps)
  }

  execute(options: { readonly limit: number } = { limit: 500 }): Effect.Effect<DueReport> {
    const deps = this.deps
    const reveal = this.reveal
    return Effect.gen(function* () {
      const due = yield* deps.bookings.due(deps.clock.now(), options.limit)
      const byTransition: Partial<Record<TransitionName, number>> = {}
      let applied = 0
      let skipped = 0
      for (const b of due) {
        // A booking may owe several transitions at once (a stay that started and ended while the
        // clock jumped): fire them in order until none is due. The table has no cycles.
        for (let step = 0; step < transitions.length; step++) {
          const r = yield* Effect.result(fireTimer(deps, b.id))
          if (Result.isFailure(r)) {
            skipped++
            break
          }
          if (r.success === null) break
          applied++
          byTransition[r.success] = (byTransition[r.success] ?? 0) + 1
        }
      }
      // The limit is validated by the reveal's own schema (1-1000); bookings may ask for more.
      const reviewsRevealed = yield* Effect.orDie(
        reveal.execute({ limit: Math.min(1_000, Math.max(1, options.limit)) }),
      )
      return { applied, byTransition, skipped, reviewsRevealed }
    })
  }
}

/** Fires the booking's next timed transition if it is due; returns its name, or null if none was. */
export const fireTimer = (
  deps: SettleDeps,
  bookingId: BookingId,
): Effect.Effect<TransitionName | null, BookingNotFound | ConcurrentModification> => {
  let fired: TransitionName | null = null
  const fire = Effect.gen(function* () {
    fired = null
    const booking = yield* findBooking(deps.bookings, bookingId)
    const now = deps.clock.now()
    const timer = nextTimer(booking.state, booking.points)
    if (timer === null || timer.at > now) return booking
    const r = applyTransition(booking, timer.name, 'system', now)
    if (Result.isFailure(r)) return booking
    const next: Booking = { ...r.success, version: booking.version + 1 }
    yield* deps.bookings.save(next, [bookingEvent(deps.ids, now, next)])
    if (releasesNights(booking.state, next.state))
      yield* deps.availability.release(booking.listingId, booking.id)
    fired = timer.name
    return next
  })
  return Effect.map(
    thenSettle(deps, bookingId, retryOnConflict(fire, deps.settings.concurrencyRetries)),
    () => fired,
  )
}
