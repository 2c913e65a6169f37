import { Effect, Option, Result } from 'effect'
import {
  applyTransition,
  type Booking,
  PENDING_CHANGE_TIMEOUT_MS,
  SETTLEMENT_CLAIM_MS,
} from '../../domain/bookings/booking.js'
import { bookingEvent } from '../../domain/bookings/booking-events.js'
import { HOST_RESPONSE_WINDOW_MS, type TransitionName } from '../../domain/bookings/lifecycle.js'
import { netPaid, type Payment } from '../../domain/payments/payment.js'
import { type BookingNotFound, ConcurrentModification } from '../../domain/shared/errors.js'
import type { BookingId } from '../../domain/shared/ids.js'
import { sumAmounts } from '../../domain/shared/money.js'
import { addMs } from '../../domain/shared/time.js'
import { abandonChange, applyChange } from './booking-change.js'
import type { CoreDeps } from './deps.js'
import { findBooking } from './load.js'
import { foldPayment, intentState } from './payment-records.js'
import { retryOnConflict } from './retry.js'

export type SettleDeps = Pick<
  CoreDeps,
  'bookings' | 'payments' | 'availability' | 'gateway' | 'clock' | 'ids' | 'settings'
>

/**
 * How much of the booking's money the platform keeps once the booking has settled; anything paid
 * beyond it is refunded. Null while the booking is still waiting for payment or the host.
 */
export const retainedTarget = (b: Booking): number | null => {
  switch (b.state) {
    case 'pending_payment':
    case 'awaiting_host':
      return null
    case 'confirmed':
    case 'in_progress':
    case 'completed':
      return b.quote.guestTotal
    case 'cancelled':
      return b.cancellation?.retainedAmount ?? 0
    case 'declined':
    case 'expired':
      return 0
  }
}

const savePayment = (deps: SettleDeps, before: Payment, folded: ReturnType<typeof foldPayment>) =>
  folded === null
    ? Effect.succeed(before)
    : Effect.as(deps.payments.save(folded.payment, folded.events), folded.payment)

/**
 * Brings a booking and its payments into agreement; the one place where money and state meet.
 * Idempotent and safe to run any number of times, from any use case, after any provider event:
 *  - a pending instant booking whose payment is captured is confirmed (its hold becomes booked);
 *  - a pending request whose payment is authorized goes to the host, with 24 h to answer;
 *  - a booking that no longer needs its open payments has them voided;
 *  - whatever was paid beyond what the booking keeps (`retainedTarget`) is refunded.
 * Every provider call carries an idempotency key derived from stored state, so a retry after a
 * lost race repeats the same call instead of making a new one.
 *
 * Moving money (voids, refunds) needs the booking's settlement claim: a settlement that finds work
 * claims the booking (a versioned save), then reads the payments again and acts; one that finds
 * another's claim waits and retries. Without it, two settlements could each refund the excess they
 * saw: one deciding on payments another had already refunded at the provider but not yet recorded
 * (found by the booking-race property: a confirmed booking left holding half its total).
 */
export const settleBooking = (
  deps: SettleDeps,
  bookingId: BookingId,
): Effect.Effect<Booking, BookingNotFound | ConcurrentModification> => {
  /** This settlement's claim, once it has made one (kept across its retries). */
  let mine: string | null = null
  return retryOnConflict(
    Effect.gen(function* () {
      const { bookings, payments, availability, gateway, clock, ids } = deps
      let booking = yield* findBooking(bookings, bookingId)
      const now = clock.now()
      const conflict = new ConcurrentModification({ entity: 'booking', id: bookingId })

      // Another settlement is moving this booking's money: wait for it (it settles for both).
      const claim = booking.settling
      if (claim !== null && claim.by !== mine && now < claim.until) return yield* Effect.fail(conflict)

      // 0. A change whose process died mid-way is finished if its nights moved, else abandoned.
      const change = booking.pendingChange
      if (change !== null && now - change.startedAt >= PENDING_CHANGE_TIMEOUT_MS) {
        const held = yield* availability.allocation(booking.listingId, booking.id)
        const moved =
          Option.isSome(held) &&
          held.value.stay.checkIn === change.stay.checkIn &&
          held.value.stay.checkOut === change.stay.checkOut
        yield* Effect.ignore(
          moved ? applyChange(deps, booking.id, change.key) : abandonChange(deps, booking.id, change.key),
        )
        booking = yield* findBooking(bookings, bookingId)
      }

      // A top-up for a change still in flight is neither the booking's money yet nor excess.
      const inFlight = booking.pendingChange?.key ?? null
      const readPayments = Effect.map(payments.byBooking(bookingId), (all) =>
        all.filter((p) => p.changeKey === null || p.changeKey !== inFlight),
      )
      let pays = yield* readPayments
      const total = booking.quote.guestTotal

      const move = (name: TransitionName, patch: Parameters<typeof applyTransition>[4] = {}) => {
        const r = applyTransition(booking, name, 'system', now, patch)
        return Result.isSuccess(r) ? r.success : null
      }

      // 1. The booking reacts to the money.
      if (booking.state === 'pending_payment') {
        const net = sumAmounts(pays.map(netPaid))
        if (booking.bookingMode === 'instant' && net >= total) {
          const confirmed = yield* Effect.result(availability.confirm(booking.listingId, booking.id))
          const next = Result.isSuccess(confirmed) ? move('pay', { paidAmount: net }) : move('expire_payment')
          if (next) {
            if (next.state === 'expired') yield* availability.release(booking.listingId, booking.id)
            yield* bookings.save({ ...next, version: booking.version + 1 }, [bookingEvent(ids, now, next)])
            booking = { ...next, version: booking.version + 1 }
          }
        } else if (
          booking.bookingMode === 'request' &&
          pays.some((p) => p.status === 'authorized' && p.amount >= total)
        ) {
          const next = move('authorize', { points: { ...booking.points, authorizedAt: now } })
          if (next) {
            yield* availability.extendHold(booking.listingId, booking.id, addMs(now, HOST_RESPONSE_WINDOW_MS))
            yield* bookings.save({ ...next, version: booking.version + 1 }, [bookingEvent(ids, now, next)])
            booking = { ...next, version: booking.version + 1 }
          }
        }
      }

      // 2. The money follows the booking.
      const target = retainedTarget(booking)
      if (target === null) {
        // Nothing to settle yet; a claim of ours from an earlier round is given back.
        if (booking.settling === null || booking.settling.by !== mine) return booking
        const released: Booking = { ...booking, settling: null, version: booking.version + 1 }
        yield* bookings.save(released, [])
        return released
      }
      // Money moves only on a consistent snapshot: the payments as they are now, and the booking
      // unchanged since (else a change claimed in between could have its top-up taken for excess).
      pays = [...(yield* readPayments)]
      const current = yield* findBooking(bookings, bookingId)
      if (current.version !== booking.version) return yield* Effect.fail(conflict)
      const isOpen = (p: Payment) =>
        p.status === 'requires_payment' || p.status === 'failed' || p.status === 'authorized'
      const work = pays.some(isOpen) || sumAmounts(pays.map(netPaid)) > target
      if (work && booking.settling?.by !== mine) {
        // Claim the booking's money, then go round again: the next round reads the payments
        // afresh under the claim (another settlement may have moved money before it).
        mine ??= ids.next('settlement')
        yield* bookings.save(
          {
            ...booking,
            settling: { by: mine, until: addMs(now, SETTLEMENT_CLAIM_MS) },
            version: booking.version + 1,
          },
          [],
        )
        return yield* Effect.fail(conflict)
      }
      // Settled: a payment still open (unpaid, failed or only authorized) is no longer needed.
      for (const [i, p] of pays.entries()) {
        if (isOpen(p)) {
          const intent = yield* gateway.cancel(p.providerRef, `void:${p.id}`)
          pays[i] = yield* savePayment(deps, p, foldPayment(ids, p, intentState(intent), now))
        }
      }
      let excess = sumAmounts(pays.map(netPaid)) - target
      // Refund newest payments first (a modification's top-up before the original charge).
      for (const [i, p] of [...pays.entries()].reverse()) {
        if (excess <= 0) break
        const amount = Math.min(excess, netPaid(p))
        if (amount <= 0) continue
        const key = `refund:${p.id}:${p.refundedAmount}:${amount}`
        const r = yield* Effect.result(gateway.refund(p.providerRef, amount, key))
        if (Result.isFailure(r)) continue // the provider refused (e.g. nothing left to refund); the next run retries
        const refund = {
          id: ids.next('refund'),
          amount,
          reason: booking.state,
          providerRef: r.success.refundRef,
          createdAt: now,
        }
        pays[i] = yield* savePayment(
          deps,
          p,
          foldPayment(ids, p, intentState(r.success.intent), now, { refunds: [...p.refunds, refund] }),
        )
        excess -= amount
      }

      const paidAmount = sumAmounts(pays.map(netPaid))
      const refundedAmount = sumAmounts(pays.map((p) => p.refundedAmount))
      if (
        paidAmount !== booking.paidAmount ||
        refundedAmount !== booking.refundedAmount ||
        booking.settling !== null
      ) {
        // Recorded, and the claim (ours, or one that lapsed) given back in the same save.
        const next: Booking = {
          ...booking,
          paidAmount,
          refundedAmount,
          settling: null,
          updatedAt: now,
          version: booking.version + 1,
        }
        yield* bookings.save(next, [])
        booking = next
      }
      return booking
    }),
    // Settling is idempotent and every use case ends with it, so it may lose many races in a row
    // under contention (and waits out other settlements' claims); it gets more attempts than a
    // single use case.
    deps.settings.concurrencyRetries * 4,
  )
}

/**
 * Runs a booking use case, then settles the booking whether it succeeded or not: money always
 * ends up following the booking's state, even when the use case lost a race halfway.
 */
export const thenSettle = <E>(
  deps: SettleDeps,
  bookingId: BookingId,
  self: Effect.Effect<Booking, E>,
): Effect.Effect<Booking, E> =>
  Effect.matchEffect(self, {
    onFailure: (e) => Effect.andThen(Effect.ignore(settleBooking(deps, bookingId)), Effect.fail(e)),
    onSuccess: (b) =>
      Effect.map(Effect.result(settleBooking(deps, bookingId)), (r) => (Result.isSuccess(r) ? r.success : b)),
  })
