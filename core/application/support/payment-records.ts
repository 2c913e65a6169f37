import { Effect, Option, Result } from 'effect'
import type { IdGenerator } from '../../../ports/id-generator.js'
import type { Intent } from '../../../ports/payment-gateway.js'
import type { PaymentRepository } from '../../../ports/repositories.js'
import type { Booking } from '../../domain/bookings/booking.js'
import type { DomainEvent, EventType } from '../../domain/events/events.js'
import {
  mergeProviderState,
  type Payment,
  type PaymentPurpose,
  type PaymentStatus,
  type ProviderState,
} from '../../domain/payments/payment.js'
import type { PaymentId } from '../../domain/shared/ids.js'
import type { Instant } from '../../domain/shared/time.js'
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

/**
 * Records the payment for a provider intent, idempotently. Its id is a natural key (`pay_` + what
 * it pays for), so two concurrent callers that created the same intent write the same record: the
 * second save finds it already there and both get the one payment.
 */
export const recordPayment = (
  deps: { readonly payments: PaymentRepository; readonly ids: IdGenerator },
  input: {
    readonly id: PaymentId
    readonly booking: Booking
    readonly intent: Intent
    readonly purpose: PaymentPurpose
    readonly changeKey: string | null
    readonly captureMethod: 'automatic' | 'manual'
    readonly provider: string
    readonly now: Instant
  },
): Effect.Effect<Payment> => {
  const { booking, intent, now } = input
  const draft: Payment = {
    id: input.id,
    bookingId: booking.id,
    payerId: booking.guestId,
    amount: intent.amount,
    currency: booking.quote.currency,
    method: 'card',
    purpose: input.purpose,
    changeKey: input.changeKey,
    provider: input.provider,
    providerRef: intent.providerRef,
    clientSecret: intent.clientSecret,
    captureMethod: input.captureMethod,
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
  // An off-session charge is already final: fold the intent's state into the new record.
  const folded = foldPayment(deps.ids, draft, intentState(intent), now)
  const created: Payment = { ...(folded?.payment ?? draft), version: 1 }
  const events = [
    newEvent(deps.ids, now, 'innkeeper.payment.created.v1', created.id, {
      paymentId: created.id,
      bookingId: booking.id,
      amount: created.amount,
      currency: created.currency,
      captureMethod: created.captureMethod,
      purpose: created.purpose,
    }),
    ...(folded?.events ?? []),
  ]
  return Effect.gen(function* () {
    const saved = yield* Effect.result(deps.payments.save(created, events))
    if (Result.isSuccess(saved)) return created
    // Already recorded by a concurrent caller: theirs is the one payment.
    const existing = yield* deps.payments.byId(created.id)
    return Option.isSome(existing) ? existing.value : yield* Effect.die(saved.failure)
  })
}
