import { Effect, Option } from 'effect'
import type { IgnoredProviderEvent, Intent, ProviderEvent } from '../../ports/payment-gateway.js'
import type { Booking } from '../domain/bookings/booking.js'
import type { Payment } from '../domain/payments/payment.js'
import type {
  ConcurrentModification,
  InvalidProviderEvent,
  PaymentProviderUnavailable,
} from '../domain/shared/errors.js'
import type { BookingId, PaymentId } from '../domain/shared/ids.js'
import type { CoreDeps } from './support/deps.js'
import { foldPayment, recordPayment } from './support/payment-records.js'
import { retryOnConflict } from './support/retry.js'
import { type SettleDeps, settleBooking } from './support/settle-booking.js'

export interface WebhookDelivery {
  /** The request body exactly as received: the signature covers these bytes. */
  readonly rawBody: string
  readonly signature: string
}

export type PaymentEventOutcome =
  | { readonly kind: 'applied'; readonly event: ProviderEvent; readonly booking: Booking | null }
  | { readonly kind: 'duplicate'; readonly event: ProviderEvent; readonly booking: Booking | null }
  /** Not about any payment of ours (another integration's intent): acknowledged and ignored. */
  | { readonly kind: 'unknown_payment'; readonly event: ProviderEvent }
  /** A genuine event of a type the core does not use: acknowledged and ignored. */
  | { readonly kind: 'ignored'; readonly event: IgnoredProviderEvent }

type Deps = SettleDeps & Pick<CoreDeps, 'payments'>

/**
 * A payment provider's webhook: verified, de-duplicated by event id, and folded into the payment by
 * cumulative amounts (so duplicates and out-of-order delivery converge); then the booking is settled
 * against its payments (confirm, send to host, or refund what a closed booking should not keep).
 *
 * An event that moved money for an intent we never recorded, but that names one of our bookings and
 * the payment it was created for (its metadata), is adopted: the provider took the money while our
 * side never heard back (a timeout after the provider acted). Recording it lets settling keep or
 * refund it like any other payment, so a lost response never leaves money taken and unaccounted.
 */
export class ApplyPaymentEvent {
  constructor(private readonly deps: Deps) {}

  execute(
    delivery: WebhookDelivery,
  ): Effect.Effect<
    PaymentEventOutcome,
    InvalidProviderEvent | ConcurrentModification | PaymentProviderUnavailable
  > {
    const deps = this.deps
    return Effect.gen(function* () {
      const verified = yield* deps.gateway.verifyEvent(delivery.rawBody, delivery.signature)
      if (verified.kind === 'ignored') return { kind: 'ignored', event: verified } as const
      const event = verified
      const known = yield* deps.payments.byProviderRef(deps.gateway.provider, event.providerRef)
      const found = Option.isSome(known) ? known.value : yield* adopt(deps, event)
      if (found === null) return { kind: 'unknown_payment', event } as const
      const duplicate = yield* retryOnConflict(
        Effect.gen(function* () {
          const fresh = yield* deps.payments.byId(found.id)
          const p = Option.getOrElse(fresh, () => found)
          if (p.processedEventIds.includes(event.id)) return true
          const folded = foldPayment(
            deps.ids,
            p,
            {
              amountCapturable: event.amountCapturable,
              amountReceived: event.amountReceived,
              amountRefunded: event.amountRefunded,
              canceled: event.type === 'payment_intent.canceled',
              failureMessage:
                event.type === 'payment_intent.payment_failed' ? (event.failureMessage ?? 'declined') : null,
            },
            deps.clock.now(),
            // Keep a bounded window of event ids: enough for any realistic redelivery.
            { processedEventIds: [...p.processedEventIds, event.id].slice(-200) },
          )
          if (folded) yield* deps.payments.save(folded.payment, folded.events)
          return false
        }),
        deps.settings.concurrencyRetries,
      )
      // Settle even for a duplicate: a crash after the payment write must still reach the booking.
      const booking = yield* settleBooking(deps, found.bookingId).pipe(
        Effect.map((b): Booking | null => b),
        Effect.catchTag('BookingNotFound', () => Effect.succeed(null)),
      )
      return { kind: duplicate ? 'duplicate' : 'applied', event, booking } as const
    })
  }
}

/**
 * Records an intent we created but never recorded, when its event shows money taken or held and its
 * metadata names our booking and the payment (by the same natural key the use case would have
 * used). Anything else is not ours to adopt.
 */
const adopt = (deps: Deps, event: ProviderEvent): Effect.Effect<Payment | null> =>
  Effect.gen(function* () {
    if (event.amountReceived <= 0 && event.amountCapturable <= 0) return null
    const { bookingId, paymentId, purpose: rawPurpose, changeKey: rawChangeKey } = event.metadata
    if (bookingId === undefined || paymentId === undefined) return null
    const purpose = rawPurpose === 'modification' ? 'modification' : 'booking'
    const changeKey = purpose === 'modification' ? (rawChangeKey ?? null) : null
    const expected =
      purpose === 'modification'
        ? changeKey !== null && paymentId === `pay_${changeKey}`
        : paymentId.startsWith(`pay_${bookingId}_`)
    if (!expected) return null
    const booking = yield* deps.bookings.byId(bookingId as BookingId)
    if (Option.isNone(booking)) return null
    const existing = yield* deps.payments.byId(paymentId as PaymentId)
    if (Option.isSome(existing))
      return existing.value.providerRef === event.providerRef ? existing.value : null
    const b = booking.value
    const intent: Intent = {
      providerRef: event.providerRef,
      status: 'requires_payment_method',
      amount: event.amount,
      amountCapturable: 0,
      amountReceived: 0,
      amountRefunded: 0,
      clientSecret: '',
    }
    const recorded = yield* recordPayment(deps, {
      id: paymentId as PaymentId,
      booking: b,
      intent,
      purpose,
      changeKey,
      captureMethod: purpose === 'modification' || b.bookingMode === 'instant' ? 'automatic' : 'manual',
      provider: deps.gateway.provider,
      now: deps.clock.now(),
    })
    return recorded.providerRef === event.providerRef ? recorded : null
  })
