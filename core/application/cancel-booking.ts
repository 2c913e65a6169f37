import { Effect, Result, Schema } from 'effect'
import { applyTransition, type Booking } from '../domain/bookings/booking.js'
import { bookingEvent } from '../domain/bookings/booking-events.js'
import { netPaid } from '../domain/payments/payment.js'
import { computeRefund } from '../domain/policies/cancellation.js'
import type {
  BookingNotFound,
  ConcurrentModification,
  InvalidTransition,
  ValidationFailed,
} from '../domain/shared/errors.js'
import type { BookingId } from '../domain/shared/ids.js'
import { sumAmounts } from '../domain/shared/money.js'
import { decodeInput } from '../domain/shared/validation.js'
import { loadBookingFor } from './support/booking-access.js'
import type { Caller } from './support/caller.js'
import { retryOnConflict } from './support/retry.js'
import { BoundedString } from './support/schemas.js'
import { type SettleDeps, thenSettle } from './support/settle-booking.js'

export const CancelBookingInput = Schema.Struct({
  reason: Schema.optionalKey(BoundedString(1000, 'multi_line')),
})

/**
 * Guest, host or admin cancels a booking that is pending, awaiting the host, confirmed or in
 * progress. A guest is refunded by the booking's policy snapshot (tiers by time before check-in);
 * a host or admin cancellation, or any cancellation before confirmation, refunds everything. The nights are released at once; refunds and
 * voids are made by settling the booking, never more than was paid.
 */
export class CancelBooking {
  constructor(private readonly deps: SettleDeps) {}

  execute(
    caller: Caller,
    bookingId: BookingId,
    raw: typeof CancelBookingInput.Encoded = {},
  ): Effect.Effect<Booking, ValidationFailed | BookingNotFound | InvalidTransition | ConcurrentModification> {
    const deps = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(CancelBookingInput, raw)
      const cancel = Effect.gen(function* () {
        const { booking, actor } = yield* loadBookingFor(deps.bookings, caller, bookingId)
        const now = deps.clock.now()
        // What the guest has paid for this booking, from the payments themselves, not a cached
        // total. A confirmed booking is owed at most its quote: anything above (a settlement still
        // under way, a top-up of a change in flight) is refunded whatever the policy says. A booking
        // that was never confirmed refunds everything it may have captured in a race.
        const captured = sumAmounts((yield* deps.payments.byBooking(booking.id)).map(netPaid))
        const confirmed = booking.state === 'confirmed' || booking.state === 'in_progress'
        const paid = confirmed ? Math.min(captured, booking.quote.guestTotal) : captured
        const refund = computeRefund({
          quote: booking.quote,
          policy: booking.cancellationPolicy,
          cancelledBy: confirmed ? actor : 'system',
          cancelledAt: now,
          checkInAt: booking.points.checkInAt ?? now,
          paid,
        })
        const r = applyTransition(booking, 'cancel', actor, now, {
          cancellation: {
            by: actor,
            at: now,
            reason: input.reason ?? '',
            refundAmount: refund.total,
            retainedAmount: paid - refund.total,
          },
        })
        if (Result.isFailure(r)) return yield* Effect.fail(r.failure)
        const next: Booking = { ...r.success, version: booking.version + 1 }
        yield* deps.bookings.save(next, [bookingEvent(deps.ids, now, next)])
        yield* deps.availability.release(booking.listingId, booking.id)
        return next
      })
      return yield* thenSettle(deps, bookingId, retryOnConflict(cancel, deps.settings.concurrencyRetries))
    })
  }
}
