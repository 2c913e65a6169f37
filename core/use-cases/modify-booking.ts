import { Effect, Schema } from 'effect'
import { type Booking, computeDueAt } from '../bookings/booking.js'
import type { Payment } from '../payments/payment.js'
import { zonedInstant } from '../shared/dates.js'
import {
  type BookingNotFound,
  type ConcurrentModification,
  Forbidden,
  InvalidTransition,
  type ListingNotFound,
  type NightsUnavailable,
  type PaymentDeclined,
  type StayRestrictionViolated,
  ValidationFailed,
} from '../shared/errors.js'
import type { BookingId } from '../shared/ids.js'
import { decodeInput } from '../shared/validation.js'
import { loadBookingFor } from './booking-access.js'
import { bookingPayload } from './booking-events.js'
import type { Caller } from './caller.js'
import type { CoreDeps } from './deps.js'
import { findListing } from './load.js'
import { newEvent } from './new-event.js'
import { foldPayment, intentState } from './payment-records.js'
import { parseStay, priceStay } from './price-stay.js'
import { retryOnConflict } from './retry.js'
import { Guests, LocalDateString } from './schemas.js'
import { type SettleDeps, thenSettle } from './settle-booking.js'

export const ModifyBookingInput = Schema.Struct({
  checkIn: Schema.optionalKey(LocalDateString),
  checkOut: Schema.optionalKey(LocalDateString),
  guests: Schema.optionalKey(Guests),
})
export type ModifyBookingInput = typeof ModifyBookingInput.Type

/**
 * The guest (or an admin) changes the dates or the number of guests of a booking that is pending
 * payment or confirmed. The stay is re-checked and re-quoted at today's prices; the nights move
 * atomically (new nights taken before old ones are given up, all or nothing). For a confirmed
 * booking a higher price is charged off-session first (declined → nothing changes) and a lower one
 * is refunded by settling. A pending booking's open payment is voided: the guest pays the new total.
 */
export class ModifyBooking {
  constructor(private readonly deps: SettleDeps & Pick<CoreDeps, 'listings'>) {}

  execute(
    caller: Caller,
    bookingId: BookingId,
    raw: unknown,
  ): Effect.Effect<
    Booking,
    | ValidationFailed
    | BookingNotFound
    | ListingNotFound
    | Forbidden
    | InvalidTransition
    | StayRestrictionViolated
    | NightsUnavailable
    | PaymentDeclined
    | ConcurrentModification
  > {
    const deps = this.deps
    const { bookings, payments, listings, availability, gateway, clock, ids } = deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(ModifyBookingInput, raw)
      if (input.checkIn === undefined && input.checkOut === undefined && input.guests === undefined)
        return yield* Effect.fail(
          new ValidationFailed({ issues: [{ path: '', message: 'give checkIn, checkOut or guests' }] }),
        )
      const modify = Effect.gen(function* () {
        const { booking, actor } = yield* loadBookingFor(bookings, caller, bookingId)
        if (actor !== 'guest' && actor !== 'admin')
          return yield* Effect.fail(new Forbidden({ reason: 'only the guest or an admin changes a booking' }))
        if (booking.state !== 'pending_payment' && booking.state !== 'confirmed')
          return yield* Effect.fail(
            new InvalidTransition({
              from: booking.state,
              transition: 'modify',
              reason: `not allowed from ${booking.state}`,
            }),
          )
        const stay = yield* parseStay(
          input.checkIn ?? booking.stay.checkIn,
          input.checkOut ?? booking.stay.checkOut,
        )
        const guests = input.guests ?? booking.guests
        const listing = yield* findListing(listings, booking.listingId)
        const now = clock.now()
        const quote = yield* priceStay(availability, listing, stay, guests, now, { requireAvailable: false })
        const seq = booking.modifications.length + 1
        const delta = quote.guestTotal - booking.quote.guestTotal
        const pays = yield* payments.byBooking(booking.id)

        if (booking.state === 'confirmed' && delta > 0) {
          // Charge the difference before touching the nights; a decline leaves everything as it was.
          const paymentId = ids.next('payment')
          const intent = yield* gateway.createIntent({
            amount: delta,
            currency: quote.currency,
            captureMethod: 'automatic',
            idempotencyKey: `modify:${booking.id}:${seq}`,
            metadata: { bookingId: booking.id, paymentId, purpose: 'modification' },
            offSession: { payerRef: booking.guestId },
          })
          if (!pays.some((p) => p.providerRef === intent.providerRef)) {
            const draft: Payment = {
              id: paymentId,
              bookingId: booking.id,
              payerId: booking.guestId,
              amount: delta,
              currency: quote.currency,
              method: 'card',
              purpose: 'modification',
              provider: gateway.provider,
              providerRef: intent.providerRef,
              clientSecret: intent.clientSecret,
              captureMethod: 'automatic',
              status: 'requires_payment',
              capturedAmount: 0,
              refundedAmount: 0,
              refunds: [],
              processedEventIds: [],
              failureReason: null,
              createdAt: now,
              updatedAt: now,
              version: 0,
            }
            const folded = foldPayment(ids, draft, intentState(intent), now)
            const created = folded?.payment ?? { ...draft, version: 1 }
            yield* payments.save({ ...created, version: 1 }, [
              newEvent(ids, now, 'innkeeper.payment.created.v1', created.id, {
                paymentId: created.id,
                bookingId: booking.id,
                amount: delta,
                currency: quote.currency,
                captureMethod: 'automatic',
              }),
              ...(folded?.events ?? []),
            ])
          }
        }

        // All or nothing: on NightsUnavailable the old nights stay, and settling refunds any top-up.
        yield* availability.move(booking.listingId, booking.id, stay)

        if (booking.state === 'pending_payment') {
          for (const p of pays) {
            if (p.status !== 'requires_payment' || p.amount === quote.guestTotal) continue
            const intent = yield* gateway.cancel(p.providerRef, `void:${p.id}`)
            const folded = foldPayment(ids, p, intentState(intent), now)
            if (folded) yield* payments.save(folded.payment, folded.events)
          }
        }

        const points = {
          ...booking.points,
          checkInAt: zonedInstant(stay.checkIn, listing.checkInHour, 0, booking.timezone),
          checkOutAt: zonedInstant(stay.checkOut, listing.checkOutHour, 0, booking.timezone),
        }
        const next: Booking = {
          ...booking,
          stay,
          guests,
          quote,
          points,
          dueAt: computeDueAt(booking.state, points),
          modifications: [
            ...booking.modifications,
            {
              at: now,
              from: { stay: booking.stay, guests: booking.guests, total: booking.quote.guestTotal },
              to: { stay, guests, total: quote.guestTotal },
            },
          ],
          updatedAt: now,
          version: booking.version + 1,
        }
        yield* bookings.save(next, [
          newEvent(ids, now, 'innkeeper.booking.modified.v1', next.id, {
            ...bookingPayload(next),
            previousCheckIn: booking.stay.checkIn,
            previousCheckOut: booking.stay.checkOut,
            previousGuests: booking.guests,
            previousTotal: booking.quote.guestTotal,
          }),
        ])
        return next
      })
      return yield* thenSettle(deps, bookingId, retryOnConflict(modify, deps.settings.concurrencyRetries))
    })
  }
}
