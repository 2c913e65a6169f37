import { type DomainEvent, type EventIds, type EventOf, newEvent } from '../events/events.js'
import type { Instant } from '../shared/time.js'
import type { Payment, PaymentStatus } from './payment.js'

/** A payment intent was created for a booking or a modification. */
export const paymentCreatedEvent = (
  ids: EventIds,
  now: Instant,
  p: Payment,
): EventOf<'innkeeper.payment.created.v1'> =>
  newEvent(ids, now, 'innkeeper.payment.created.v1', p.id, {
    paymentId: p.id,
    bookingId: p.bookingId,
    amount: p.amount,
    currency: p.currency,
    captureMethod: p.captureMethod,
    purpose: p.purpose,
  })

const statusPayload = <S extends PaymentStatus>(p: Payment, status: S) => ({
  paymentId: p.id,
  bookingId: p.bookingId,
  payerId: p.payerId,
  status,
  amount: p.amount,
  capturedAmount: p.capturedAmount,
  refundedAmount: p.refundedAmount,
  currency: p.currency,
  failureReason: p.failureReason,
})

/**
 * The event for the status a payment is in, with its amounts so far (also sent again when money
 * moves without the status changing); none while it still requires payment.
 */
export const paymentStatusEvent = (ids: EventIds, now: Instant, p: Payment): DomainEvent | null => {
  switch (p.status) {
    case 'requires_payment':
      return null
    case 'authorized':
      return newEvent(ids, now, 'innkeeper.payment.authorized.v1', p.id, statusPayload(p, p.status))
    case 'captured':
      return newEvent(ids, now, 'innkeeper.payment.captured.v1', p.id, statusPayload(p, p.status))
    case 'failed':
      return newEvent(ids, now, 'innkeeper.payment.failed.v1', p.id, statusPayload(p, p.status))
    case 'voided':
      return newEvent(ids, now, 'innkeeper.payment.voided.v1', p.id, statusPayload(p, p.status))
    case 'partially_refunded':
    case 'refunded':
      return newEvent(ids, now, 'innkeeper.payment.refunded.v1', p.id, statusPayload(p, p.status))
  }
}
