import { Effect, Option, Result } from 'effect'
import type { IdGenerator } from '../../../ports/id-generator.js'
import type { Intent } from '../../../ports/payment-gateway.js'
import type { PaymentRepository } from '../../../ports/repositories.js'
import type { Booking } from '../../domain/bookings/booking.js'
import type { DomainEvent } from '../../domain/events/events.js'
import {
  type CaptureMethod,
  mergeProviderState,
  type Payment,
  type PaymentPurpose,
  type ProviderState,
} from '../../domain/payments/payment.js'
import { paymentCreatedEvent, paymentStatusEvent } from '../../domain/payments/payment-events.js'
import type { PaymentId } from '../../domain/shared/ids.js'
import type { Instant } from '../../domain/shared/time.js'

export const intentState = (i: Intent): ProviderState => ({
  amountCapturable: i.amountCapturable,
  amountReceived: i.amountReceived,
  amountRefunded: i.amountRefunded,
  canceled: i.status === 'canceled',
  failureMessage: null,
})

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
  const moneyMoved = merged.refundedAmount !== p.refundedAmount || merged.capturedAmount !== p.capturedAmount
  if (merged.status !== p.status || moneyMoved) {
    const event = paymentStatusEvent(ids, now, payment)
    if (event !== null) events.push(event)
  }
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
    readonly captureMethod: CaptureMethod
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
  const events = [paymentCreatedEvent(deps.ids, now, created), ...(folded?.events ?? [])]
  return Effect.gen(function* () {
    const saved = yield* Effect.result(deps.payments.save(created, events))
    if (Result.isSuccess(saved)) return created
    // Already recorded by a concurrent caller: theirs is the one payment.
    const existing = yield* deps.payments.byId(created.id)
    return Option.isSome(existing) ? existing.value : yield* Effect.die(saved.failure)
  })
}
