import { Effect, Result } from 'effect'
import { type Booking, computeDueAt } from '../../domain/bookings/booking.js'
import { bookingModifiedEvent } from '../../domain/bookings/booking-events.js'
import { netPaid } from '../../domain/payments/payment.js'
import { ConcurrentModification, InvalidTransition } from '../../domain/shared/errors.js'
import type { BookingId } from '../../domain/shared/ids.js'
import { sumAmounts } from '../../domain/shared/money.js'
import type { CoreDeps } from './deps.js'
import { findBooking } from './load.js'
import { foldPayment, intentState } from './payment-records.js'
import { retryOnConflict } from './retry.js'

/** What finishing or abandoning a booking's pending change touches. */
export type ChangeDeps = Pick<CoreDeps, 'bookings' | 'payments' | 'gateway' | 'clock' | 'ids' | 'settings'>

/** Clears the claim without applying it (if it is still ours). Settling refunds its top-up. */
export const abandonChange = (deps: ChangeDeps, bookingId: BookingId, key: string) =>
  retryOnConflict(
    Effect.gen(function* () {
      const b = yield* findBooking(deps.bookings, bookingId)
      if (b.pendingChange?.key !== key) return
      const now = deps.clock.now()
      yield* deps.bookings.save(
        {
          ...b,
          pendingChange: null,
          dueAt: computeDueAt(b.state, b.points, null, b.settling),
          updatedAt: now,
          version: b.version + 1,
        },
        [],
      )
    }),
    deps.settings.concurrencyRetries * 4,
  )

/**
 * 4. Apply: the booking takes the change (if its claim is still there). A booking that meanwhile
 * left its reserving states (cancelled, expired) only drops the claim: its nights were released.
 */
export const applyChange = (deps: ChangeDeps, bookingId: BookingId, key: string) =>
  retryOnConflict(
    Effect.gen(function* () {
      const { bookings, payments, gateway, clock, ids } = deps
      const b = yield* findBooking(bookings, bookingId)
      const change = b.pendingChange
      if (change === null || change.key !== key)
        return yield* Effect.fail(new ConcurrentModification({ entity: 'booking', id: bookingId }))
      const now = clock.now()
      const live =
        b.state === 'pending_payment' ||
        b.state === 'awaiting_host' ||
        b.state === 'confirmed' ||
        b.state === 'in_progress'
      if (!live) {
        yield* abandonChange(deps, bookingId, change.key)
        return yield* Effect.fail(
          new InvalidTransition({
            from: b.state,
            transition: 'modify',
            reason: `the booking became ${b.state}`,
          }),
        )
      }
      if (b.state === 'pending_payment') {
        // The open payment was for the old total: void it; the guest checks out again.
        // Best effort: with the provider unreachable the payment stays open, and settling voids it
        // once the booking no longer needs it (StartPayment never reuses a payment of another amount).
        for (const p of yield* payments.byBooking(b.id)) {
          if (p.status !== 'requires_payment' || p.amount === change.quote.guestTotal) continue
          const voided = yield* Effect.result(gateway.cancel(p.providerRef, `void:${p.id}`))
          if (Result.isFailure(voided)) continue
          const folded = foldPayment(ids, p, intentState(voided.success), now)
          if (folded) yield* payments.save(folded.payment, folded.events)
        }
      }
      // The payments as they stand now (a top-up was charged before this step): the event says what
      // the booking has paid after the change, not before it.
      const pays = yield* payments.byBooking(b.id)
      const points = change.points
      const next: Booking = {
        ...b,
        paidAmount: sumAmounts(pays.map(netPaid)),
        refundedAmount: sumAmounts(pays.map((p) => p.refundedAmount)),
        stay: change.stay,
        guests: change.guests,
        quote: change.quote,
        points,
        pendingChange: null,
        dueAt: computeDueAt(b.state, points, null, b.settling),
        modifications: [
          ...b.modifications,
          {
            key: change.key,
            at: now,
            from: { stay: b.stay, guests: b.guests, total: b.quote.guestTotal },
            to: { stay: change.stay, guests: change.guests, total: change.quote.guestTotal },
          },
        ],
        updatedAt: now,
        version: b.version + 1,
      }
      yield* bookings.save(next, [bookingModifiedEvent(ids, now, b, next)])
      return next
    }),
    deps.settings.concurrencyRetries * 4,
  )
