import type { BookingId, PaymentId, RefundId, UserId } from '../shared/ids.js'
import type { Currency } from '../shared/money.js'
import type { Instant } from '../shared/time.js'

/** Follows Stripe's PaymentIntent: requires_payment → authorized (manual capture) → captured. */
export const paymentStatuses = [
  'requires_payment',
  'authorized',
  'captured',
  'failed',
  'voided',
  'partially_refunded',
  'refunded',
] as const
export type PaymentStatus = (typeof paymentStatuses)[number]

/** What a payment pays for: the booking's quote, or the top-up of a modification. */
export const paymentPurposes = ['booking', 'modification'] as const
export type PaymentPurpose = (typeof paymentPurposes)[number]

/** automatic: captured at once (instant book); manual: authorized, captured when the host accepts. */
export const captureMethods = ['automatic', 'manual'] as const
export type CaptureMethod = (typeof captureMethods)[number]

export interface Refund {
  readonly id: RefundId
  readonly amount: number
  readonly reason: string
  readonly providerRef: string
  readonly createdAt: Instant
}

export interface Payment {
  readonly id: PaymentId
  readonly bookingId: BookingId
  readonly payerId: UserId
  readonly amount: number
  readonly currency: Currency
  readonly method: 'card'
  readonly purpose: PaymentPurpose
  /** For a modification's top-up: the key of the booking's pending change it pays for. */
  readonly changeKey: string | null
  readonly provider: string
  readonly providerRef: string
  /** Handed to the client to confirm the payment with the provider. */
  readonly clientSecret: string
  readonly captureMethod: CaptureMethod
  readonly status: PaymentStatus
  readonly capturedAmount: number
  readonly refundedAmount: number
  readonly refunds: readonly Refund[]
  /** Provider event ids already applied: duplicates are ignored. */
  readonly processedEventIds: readonly string[]
  readonly failureReason: string | null
  readonly createdAt: Instant
  readonly updatedAt: Instant
  readonly version: number
}

/**
 * How far along a payment is. Provider events only ever move a payment forward in this order, so
 * duplicates and out-of-order delivery converge on the same state.
 */
const rank: Readonly<Record<PaymentStatus, number>> = {
  requires_payment: 0,
  failed: 1,
  authorized: 2,
  voided: 3,
  captured: 3,
  partially_refunded: 4,
  refunded: 5,
}
export const paymentRank = (s: PaymentStatus): number => rank[s]

export const netPaid = (p: Payment): number => p.capturedAmount - p.refundedAmount

export const statusAfterRefund = (p: Pick<Payment, 'capturedAmount' | 'refundedAmount'>): PaymentStatus =>
  p.refundedAmount <= 0
    ? 'captured'
    : p.refundedAmount >= p.capturedAmount
      ? 'refunded'
      : 'partially_refunded'

/** The provider's view of a payment: cumulative amounts, as in intents and their events. */
export interface ProviderState {
  readonly amountCapturable: number
  readonly amountReceived: number
  readonly amountRefunded: number
  readonly canceled: boolean
  readonly failureMessage: string | null
}

/**
 * Folds the provider's view into a payment. Amounts only grow and the status only moves forward
 * (see `paymentRank`), so applying the same facts twice, or in another order, gives the same result.
 */
export const mergeProviderState = (
  p: Payment,
  s: ProviderState,
): Pick<Payment, 'status' | 'capturedAmount' | 'refundedAmount' | 'failureReason'> => {
  const capturedAmount = Math.max(p.capturedAmount, s.amountReceived)
  const refundedAmount = Math.max(p.refundedAmount, Math.min(s.amountRefunded, capturedAmount))
  const candidate: PaymentStatus =
    refundedAmount > 0
      ? statusAfterRefund({ capturedAmount, refundedAmount })
      : capturedAmount > 0
        ? 'captured'
        : s.canceled
          ? 'voided'
          : s.amountCapturable > 0
            ? 'authorized'
            : s.failureMessage !== null
              ? 'failed'
              : 'requires_payment'
  const status = paymentRank(candidate) >= paymentRank(p.status) ? candidate : p.status
  const failureReason = status === 'failed' ? (s.failureMessage ?? p.failureReason) : p.failureReason
  return { status, capturedAmount, refundedAmount, failureReason }
}
