import { Effect, Result, Schema } from 'effect'
import { type Booking, computeDueAt, type PendingChange } from '../domain/bookings/booking.js'
import { zonedInstant } from '../domain/shared/dates.js'
import {
  type BookingNotFound,
  ConcurrentModification,
  Forbidden,
  type HostSuspended,
  InvalidTransition,
  type ListingNotFound,
  type NightsUnavailable,
  PaymentDeclined,
  type PaymentProviderUnavailable,
  type StayRestrictionViolated,
  ValidationFailed,
} from '../domain/shared/errors.js'
import type { BookingId, PaymentId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { loadBookingFor } from './support/booking-access.js'
import { abandonChange, applyChange } from './support/booking-change.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { requireActiveHost } from './support/listing-access.js'
import { findListing } from './support/load.js'
import { recordPayment } from './support/payment-records.js'
import { parseStay, priceStay } from './support/price-stay.js'
import { retryOnConflict } from './support/retry.js'
import { Guests, LocalDateString } from './support/schemas.js'
import { type SettleDeps, thenSettle } from './support/settle-booking.js'

export const ModifyBookingInput = Schema.Struct({
  checkIn: Schema.optionalKey(LocalDateString),
  checkOut: Schema.optionalKey(LocalDateString),
  guests: Schema.optionalKey(Guests),
})
export type ModifyBookingInput = typeof ModifyBookingInput.Type

type Deps = SettleDeps & Pick<CoreDeps, 'listings' | 'users'>

/**
 * The guest (or an admin) changes the dates or the number of guests of a booking that is pending
 * payment or confirmed. The stay is re-checked and re-quoted at today's prices, then the change runs
 * as a small saga whose every step is safe to interrupt:
 *  1. claim: the change is saved on the booking as `pendingChange` (one change at a time; a second
 *     concurrent one gets ConcurrentModification);
 *  2. charge: for a confirmed booking a higher total is charged off-session (declined → abandon);
 *  3. move: the nights move atomically, new taken before old given up (unavailable → abandon);
 *  4. apply: the booking takes the new stay, guests and quote, and the claim is cleared.
 * Abandoning clears the claim; settling then refunds whatever the change had charged. A lower total
 * is refunded by settling too. A pending booking's open payment is voided: the guest pays the new total.
 * A booking whose host is suspended is not changed (`HostSuspended`).
 */
export class ModifyBooking {
  constructor(private readonly deps: Deps) {}

  execute(
    caller: Caller,
    bookingId: BookingId,
    raw: typeof ModifyBookingInput.Encoded,
  ): Effect.Effect<
    Booking,
    | ValidationFailed
    | BookingNotFound
    | ListingNotFound
    | HostSuspended
    | Forbidden
    | InvalidTransition
    | StayRestrictionViolated
    | NightsUnavailable
    | PaymentDeclined
    | PaymentProviderUnavailable
    | ConcurrentModification
  > {
    const deps = this.deps
    const { bookings, listings, availability, clock, users } = deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(ModifyBookingInput, raw)
      if (input.checkIn === undefined && input.checkOut === undefined && input.guests === undefined)
        return yield* Effect.fail(
          new ValidationFailed({ issues: [{ path: '', message: 'give checkIn, checkOut or guests' }] }),
        )

      // 1. Claim.
      const claim = retryOnConflict(
        Effect.gen(function* () {
          const { booking, actor } = yield* loadBookingFor(bookings, caller, bookingId)
          if (actor !== 'guest' && actor !== 'admin')
            return yield* Effect.fail(
              new Forbidden({ reason: 'only the guest or an admin changes a booking' }),
            )
          if (booking.state !== 'pending_payment' && booking.state !== 'confirmed')
            return yield* Effect.fail(
              new InvalidTransition({
                from: booking.state,
                transition: 'modify',
                reason: `not allowed from ${booking.state}`,
              }),
            )
          if (booking.pendingChange !== null)
            return yield* Effect.fail(new ConcurrentModification({ entity: 'booking', id: booking.id }))
          const stay = yield* parseStay(
            input.checkIn ?? booking.stay.checkIn,
            input.checkOut ?? booking.stay.checkOut,
          )
          const guests = input.guests ?? booking.guests
          const listing = yield* findListing(listings, booking.listingId)
          yield* requireActiveHost(users, listing)
          const now = clock.now()
          const quote = yield* priceStay(availability, listing, stay, guests, now, {
            requireAvailable: false,
          })
          const tz = booking.timezone
          const change: PendingChange = {
            key: `chg_${booking.id}_v${booking.version + 1}`,
            stay,
            guests,
            quote,
            points: {
              ...booking.points,
              checkInAt: zonedInstant(stay.checkIn, listing.checkInHour, 0, tz),
              checkOutAt: zonedInstant(stay.checkOut, listing.checkOutHour, 0, tz),
            },
            startedAt: now,
          }
          const claimed: Booking = {
            ...booking,
            pendingChange: change,
            dueAt: computeDueAt(booking.state, booking.points, change, booking.settling),
            updatedAt: now,
            version: booking.version + 1,
          }
          yield* bookings.save(claimed, [])
          return { booking: claimed, change }
        }),
        deps.settings.concurrencyRetries,
      )

      const run = Effect.gen(function* () {
        const { booking, change } = yield* claim
        const attempt = Effect.gen(function* () {
          yield* chargeDifference(deps, booking, change)
          // 3. Move: all or nothing.
          yield* availability.move(booking.listingId, booking.id, change.stay)
        })
        const outcome = yield* Effect.result(attempt)
        if (Result.isFailure(outcome)) {
          yield* abandonChange(deps, booking.id, change.key)
          return yield* Effect.fail(outcome.failure)
        }
        return yield* applyChange(deps, booking.id, change.key)
      })
      return yield* thenSettle(deps, bookingId, run)
    })
  }
}

/** 2. Charge a confirmed booking's higher total off-session, tagged with the change's key. */
const chargeDifference = (deps: Deps, booking: Booking, change: PendingChange) =>
  Effect.gen(function* () {
    const delta = change.quote.guestTotal - booking.quote.guestTotal
    if (booking.state !== 'confirmed' || delta <= 0) return
    const { gateway, clock } = deps
    const now = clock.now()
    // The payer's method was kept by the provider with the booking's first payment.
    const paid = (yield* deps.payments.byBooking(booking.id)).filter((p) => p.capturedAmount > 0)
    const saved = paid.find((p) => p.purpose === 'booking') ?? paid[0]
    if (saved === undefined)
      return yield* Effect.fail(new PaymentDeclined({ reason: 'no saved payment method for this booking' }))
    // One top-up per change, whoever retries it: the change's key names the charge and the record.
    const paymentId = `pay_${change.key}` as PaymentId
    const intent = yield* gateway.createIntent({
      amount: delta,
      currency: change.quote.currency,
      captureMethod: 'automatic',
      idempotencyKey: `modify:${change.key}`,
      metadata: { bookingId: booking.id, paymentId, purpose: 'modification', changeKey: change.key },
      offSession: { savedFrom: saved.providerRef },
    })
    yield* recordPayment(deps, {
      id: paymentId,
      booking,
      intent,
      purpose: 'modification',
      changeKey: change.key,
      captureMethod: 'automatic',
      provider: gateway.provider,
      now,
    })
  })
