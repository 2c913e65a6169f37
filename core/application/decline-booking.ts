import { Effect, Result } from 'effect'
import { applyTransition, type Booking } from '../domain/bookings/booking.js'
import { bookingEvent } from '../domain/bookings/booking-events.js'
import type {
  BookingNotFound,
  ConcurrentModification,
  Forbidden,
  InvalidTransition,
} from '../domain/shared/errors.js'
import type { BookingId } from '../domain/shared/ids.js'
import { loadBookingForHost } from './support/booking-access.js'
import type { Caller } from './support/caller.js'
import { retryOnConflict } from './support/retry.js'
import { type SettleDeps, thenSettle } from './support/settle-booking.js'

/** The host declines a request: the nights are released and the authorization voided. */
export class DeclineBooking {
  constructor(private readonly deps: SettleDeps) {}

  execute(
    caller: Caller,
    bookingId: BookingId,
    reason = '',
  ): Effect.Effect<Booking, BookingNotFound | Forbidden | InvalidTransition | ConcurrentModification> {
    const deps = this.deps
    const decline = Effect.gen(function* () {
      const { booking, actor } = yield* loadBookingForHost(deps.bookings, caller, bookingId, 'decline')
      const now = deps.clock.now()
      const r = applyTransition(booking, 'decline', actor, now)
      if (Result.isFailure(r)) return yield* Effect.fail(r.failure)
      const next: Booking = { ...r.success, message: reason || booking.message, version: booking.version + 1 }
      yield* deps.bookings.save(next, [bookingEvent(deps.ids, now, next)])
      yield* deps.availability.release(booking.listingId, booking.id)
      return next
    })
    return thenSettle(deps, bookingId, retryOnConflict(decline, deps.settings.concurrencyRetries))
  }
}
