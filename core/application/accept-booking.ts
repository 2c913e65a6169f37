import { Effect, Option, Result } from 'effect'
import { applyTransition, type Booking } from '../domain/bookings/booking.js'
import { bookingEvent } from '../domain/bookings/booking-events.js'
import { HOST_RESPONSE_WINDOW_MS } from '../domain/bookings/lifecycle.js'
import { netPaid } from '../domain/payments/payment.js'
import {
  type BookingNotFound,
  type ConcurrentModification,
  type Forbidden,
  InvalidTransition,
  type NightsUnavailable,
  type PaymentDeclined,
} from '../domain/shared/errors.js'
import type { BookingId } from '../domain/shared/ids.js'
import { sumAmounts } from '../domain/shared/money.js'
import { loadBookingForHost } from './support/booking-access.js'
import type { Caller } from './support/caller.js'
import { foldPayment, intentState } from './support/payment-records.js'
import { type SettleDeps, thenSettle } from './support/settle-booking.js'

/**
 * The host accepts a request within 24 h of its authorization: the authorized payment is captured,
 * the held nights become booked, the booking is confirmed. Whatever happens, the booking is settled
 * afterwards, so a capture that raced a cancellation is refunded.
 */
export class AcceptBooking {
  constructor(private readonly deps: SettleDeps) {}

  execute(
    caller: Caller,
    bookingId: BookingId,
  ): Effect.Effect<
    Booking,
    | BookingNotFound
    | Forbidden
    | InvalidTransition
    | PaymentDeclined
    | NightsUnavailable
    | ConcurrentModification
  > {
    const deps = this.deps
    const { bookings, payments, availability, gateway, clock, ids } = deps
    const accept = Effect.gen(function* () {
      const { booking, actor } = yield* loadBookingForHost(bookings, caller, bookingId, 'accept')
      const now = clock.now()
      const checked = applyTransition(booking, 'accept', actor, now)
      if (Result.isFailure(checked)) return yield* Effect.fail(checked.failure)
      const authorizedAt = booking.points.authorizedAt
      if (authorizedAt === null || now >= authorizedAt + HOST_RESPONSE_WINDOW_MS)
        return yield* Effect.fail(
          new InvalidTransition({
            from: booking.state,
            transition: 'accept',
            reason: 'the 24 h to answer have passed',
          }),
        )
      const hold = yield* availability.allocation(booking.listingId, booking.id)
      if (Option.isNone(hold) || (hold.value.expiresAt !== null && hold.value.expiresAt <= now))
        return yield* Effect.fail(
          new InvalidTransition({
            from: booking.state,
            transition: 'accept',
            reason: 'the nights are no longer held',
          }),
        )
      const pays = [...(yield* payments.byBooking(booking.id))]
      for (const [i, p] of pays.entries()) {
        if (p.status !== 'authorized') continue
        const intent = yield* gateway.capture(p.providerRef, `capture:${p.id}`)
        const folded = foldPayment(ids, p, intentState(intent), now)
        if (folded) {
          yield* payments.save(folded.payment, folded.events)
          pays[i] = folded.payment
        }
      }
      yield* availability.confirm(booking.listingId, booking.id)
      const paidAmount = sumAmounts(pays.map(netPaid))
      const next = { ...checked.success, paidAmount, version: booking.version + 1 }
      yield* bookings.save(next, [bookingEvent(ids, now, next)])
      return next
    })
    return thenSettle(deps, bookingId, accept)
  }
}
