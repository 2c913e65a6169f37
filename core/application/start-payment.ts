import { Effect } from 'effect'
import type { Booking } from '../domain/bookings/booking.js'
import type { BookingState } from '../domain/bookings/lifecycle.js'
import type { Payment, PaymentStatus } from '../domain/payments/payment.js'
import {
  type BookingNotFound,
  type ConcurrentModification,
  Forbidden,
  type HostSuspended,
  InvalidTransition,
  type PaymentDeclined,
  type PaymentProviderUnavailable,
} from '../domain/shared/errors.js'
import type { BookingId, PaymentId } from '../domain/shared/ids.js'
import { loadBookingFor } from './support/booking-access.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { requireActiveHost } from './support/listing-access.js'
import { recordPayment } from './support/payment-records.js'
import { retryOnConflict } from './support/retry.js'

/** States a booking reaches only once its checkout's payment went through. */
const paidStates: ReadonlySet<BookingState> = new Set([
  'awaiting_host',
  'confirmed',
  'in_progress',
  'completed',
])
/** A booking payment that went through (and may since have been partly refunded by a change). */
const paymentPaid: ReadonlySet<PaymentStatus> = new Set(['authorized', 'captured', 'partially_refunded'])

export interface Checkout {
  readonly booking: Booking
  readonly payment: Payment
  /** Handed to the payer's client to confirm the payment with the provider. */
  readonly clientSecret: string
}

/**
 * The guest starts paying for a pending booking: a PaymentIntent for the quoted total, captured at
 * once for instant book, only authorized for request-to-book (captured when the host accepts).
 * Calling it again returns the payment still in progress instead of creating another; after a
 * failed attempt it creates a fresh one. A booking whose host is suspended is not paid for
 * (`HostSuspended`): unpaid, it expires.
 *
 * A keyed call (the client's Idempotency-Key) is a retry-safe one: once the booking is paid
 * (authorized or captured, so awaiting the host, confirmed or later) it answers with that payment
 * and the booking as it is now — what the first attempt would have answered — instead of refusing
 * a checkout of a booking that no longer awaits payment. A retry whose first answer was lost, even
 * after the HTTP layer forgot the key, is thus never told that a checkout that succeeded failed.
 */
export class StartPayment {
  constructor(
    private readonly deps: Pick<
      CoreDeps,
      'bookings' | 'payments' | 'gateway' | 'clock' | 'ids' | 'settings' | 'users'
    >,
  ) {}

  execute(
    caller: Caller,
    bookingId: BookingId,
    requestKey?: string,
  ): Effect.Effect<
    Checkout,
    | BookingNotFound
    | Forbidden
    | InvalidTransition
    | HostSuspended
    | PaymentDeclined
    | PaymentProviderUnavailable
    | ConcurrentModification
  > {
    const deps = this.deps
    const { bookings, payments, gateway, clock, settings, users } = deps
    return retryOnConflict(
      Effect.gen(function* () {
        const { booking, actor } = yield* loadBookingFor(bookings, caller, bookingId)
        if (actor !== 'guest')
          return yield* Effect.fail(new Forbidden({ reason: 'only the guest pays for a booking' }))
        if (booking.state !== 'pending_payment') {
          const paid =
            requestKey !== undefined && paidStates.has(booking.state)
              ? (yield* payments.byBooking(bookingId)).findLast(
                  (p) => p.purpose === 'booking' && paymentPaid.has(p.status),
                )
              : undefined
          if (paid !== undefined) return { booking, payment: paid, clientSecret: paid.clientSecret }
          return yield* Effect.fail(
            new InvalidTransition({
              from: booking.state,
              transition: 'checkout',
              reason: 'the booking is not awaiting payment',
            }),
          )
        }
        yield* requireActiveHost(users, { id: booking.listingId, hostId: booking.hostId })
        const existing = yield* payments.byBooking(bookingId)
        const open = existing.find(
          (p) =>
            p.purpose === 'booking' &&
            p.status === 'requires_payment' &&
            p.amount === booking.quote.guestTotal,
        )
        if (open) return { booking, payment: open, clientSecret: open.clientSecret }

        const now = clock.now()
        const attempt = existing.filter((p) => p.purpose === 'booking').length + 1
        // A natural key: concurrent checkouts of one booking create the same intent and record.
        const paymentId = `pay_${booking.id}_${attempt}` as PaymentId
        const captureMethod = booking.bookingMode === 'instant' ? 'automatic' : 'manual'
        const intent = yield* gateway.createIntent({
          amount: booking.quote.guestTotal,
          currency: booking.quote.currency,
          captureMethod,
          idempotencyKey: `checkout:${booking.id}:${attempt}`,
          metadata: { bookingId: booking.id, paymentId, guestId: booking.guestId },
        })
        const payment = yield* recordPayment(deps, {
          id: paymentId,
          booking,
          intent,
          purpose: 'booking',
          changeKey: null,
          captureMethod,
          provider: gateway.provider,
          now,
        })
        return { booking, payment, clientSecret: payment.clientSecret }
      }),
      settings.concurrencyRetries,
    )
  }
}
