import type { IdGenerator } from '../../ports/id-generator.js'
import type { Intent } from '../../ports/payment-gateway.js'
import type { DomainEvent, EventType } from '../events/events.js'
import {
  mergeProviderState,
  type Payment,
  type PaymentStatus,
  type ProviderState,
} from '../payments/payment.js'
import type { Instant } from '../shared/time.js'
import { newEvent } from './new-event.js'

export const intentState = (i: Intent): ProviderState => ({
  amountCapturable: i.amountCapturable,
  amountReceived: i.amountReceived,
  amountRefunded: i.amountRefunded,
  canceled: i.status === 'canceled',
  failureMessage: null,
})

const statusEvents: Partial<Record<PaymentStatus, EventType>> = {
  authorized: 'innkeeper.payment.authorized.v1',
  captured: 'innkeeper.payment.captured.v1',
  failed: 'innkeeper.payment.failed.v1',
  voided: 'innkeeper.payment.voided.v1',
  partially_refunded: 'innkeeper.payment.refunded.v1',
  refunded: 'innkeeper.payment.refunded.v1',
}

/**
 * Folds provider facts into a payment and says what happened, as events. Returns null when nothing
 * changed, so callers skip the write.
 */
export const foldPayment = (
  ids: IdGenerator,
  p: Payment,
  state: ProviderState,
  now: Instant,
  extra: Partial<Pick<Payment, 'refunds' | 'processedEventIds'>> = {},
): { payment: Payment; events: DomainEvent[] } | null => {
  const merged = mergeProviderState(p, state)
  const changed =
    merged.status !== p.status ||
    merged.capturedAmount !== p.capturedAmount ||
    merged.refundedAmount !== p.refundedAmount ||
    extra.refunds !== undefined ||
    extra.processedEventIds !== undefined
  if (!changed) return null
  const payment: Payment = { ...p, ...merged, ...extra, updatedAt: now, version: p.version + 1 }
  const events: DomainEvent[] = []
  const type = statusEvents[merged.status]
  const moneyMoved = merged.refundedAmount !== p.refundedAmount || merged.capturedAmount !== p.capturedAmount
  if (type && (merged.status !== p.status || moneyMoved))
    events.push(
      newEvent(ids, now, type, p.id, {
        paymentId: p.id,
        bookingId: p.bookingId,
        payerId: p.payerId,
        status: merged.status,
        amount: p.amount,
        capturedAmount: merged.capturedAmount,
        refundedAmount: merged.refundedAmount,
        currency: p.currency,
        failureReason: merged.failureReason,
      }),
    )
  return { payment, events }
}
