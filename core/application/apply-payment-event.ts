import { Effect, Option } from 'effect'
import type { ProviderEvent } from '../../ports/payment-gateway.js'
import type { Booking } from '../domain/bookings/booking.js'
import type { ConcurrentModification, InvalidProviderEvent } from '../domain/shared/errors.js'
import type { CoreDeps } from './support/deps.js'
import { foldPayment } from './support/payment-records.js'
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

/**
 * A payment provider's webhook: verified, de-duplicated by event id, and folded into the payment by
 * cumulative amounts (so duplicates and out-of-order delivery converge); then the booking is settled
 * against its payments (confirm, send to host, or refund what a closed booking should not keep).
 */
export class ApplyPaymentEvent {
  constructor(private readonly deps: SettleDeps & Pick<CoreDeps, 'payments'>) {}

  execute(
    delivery: WebhookDelivery,
  ): Effect.Effect<PaymentEventOutcome, InvalidProviderEvent | ConcurrentModification> {
    const deps = this.deps
    return Effect.gen(function* () {
      const event = yield* deps.gateway.verifyEvent(delivery.rawBody, delivery.signature)
      const found = yield* deps.payments.byProviderRef(deps.gateway.provider, event.providerRef)
      if (Option.isNone(found)) return { kind: 'unknown_payment', event } as const
      const duplicate = yield* retryOnConflict(
        Effect.gen(function* () {
          const fresh = yield* deps.payments.byId(found.value.id)
          const p = Option.getOrElse(fresh, () => found.value)
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
      const booking = yield* settleBooking(deps, found.value.bookingId).pipe(
        Effect.map((b): Booking | null => b),
        Effect.catchTag('BookingNotFound', () => Effect.succeed(null)),
      )
      return { kind: duplicate ? 'duplicate' : 'applied', event, booking } as const
    })
  }
}
