import type { Effect } from 'effect'
import type {
  InvalidProviderEvent,
  PaymentDeclined,
  PaymentProviderUnavailable,
} from '../core/domain/shared/errors.js'
import type { Currency } from '../core/domain/shared/money.js'
import type { Instant } from '../core/domain/shared/time.js'
import { token } from './tokens.js'

/** The states of a provider-side payment, after Stripe's PaymentIntent. */
export type IntentStatus =
  | 'requires_payment_method'
  | 'requires_capture'
  | 'processing'
  | 'succeeded'
  | 'canceled'

export interface Intent {
  readonly providerRef: string
  readonly status: IntentStatus
  readonly amount: number
  readonly amountCapturable: number
  readonly amountReceived: number
  readonly amountRefunded: number
  readonly clientSecret: string
}

export interface CreateIntent {
  readonly amount: number
  readonly currency: Currency
  /** `manual` authorizes now and captures later (request-to-book); `automatic` captures at once. */
  readonly captureMethod: 'automatic' | 'manual'
  /** Same key, same intent: a retried create never charges twice. */
  readonly idempotencyKey: string
  readonly metadata: Readonly<Record<string, string>>
  /**
   * Charge the payer's saved method now, without them present (a modification's difference):
   * the result is final at once — succeeded, or declined with `PaymentDeclined` (also when the
   * bank asks for authentication the payer is not there to give; nothing is kept then).
   * `savedFrom` is the provider reference of the payer's earlier payment whose method the provider
   * kept for later charges (every on-session payment keeps its method).
   */
  readonly offSession?: { readonly savedFrom: string }
}

export type ProviderEventType =
  | 'payment_intent.amount_capturable_updated'
  | 'payment_intent.succeeded'
  | 'payment_intent.payment_failed'
  | 'payment_intent.canceled'
  | 'charge.refunded'
  | 'refund.updated'

/** A verified provider event. Amounts are cumulative totals, so applying them converges. */
export interface ProviderEvent {
  readonly kind: 'payment'
  readonly id: string
  readonly type: ProviderEventType
  readonly providerRef: string
  /** The intent's amount, and the metadata it was created with (empty when the event has none). */
  readonly amount: number
  readonly metadata: Readonly<Record<string, string>>
  readonly amountCapturable: number
  readonly amountReceived: number
  readonly amountRefunded: number
  readonly failureMessage: string | null
  readonly created: Instant
}

/** A genuine provider event of a type the core has no use for: acknowledged and ignored. */
export interface IgnoredProviderEvent {
  readonly kind: 'ignored'
  readonly id: string
  readonly type: string
}

/**
 * A payment provider, shaped after Stripe's PaymentIntent API. Creates, captures, cancels and
 * refunds are idempotent by key; the payer completes a payment on the provider's side, and the
 * provider then reports it through signed events (webhooks) that `verifyEvent` checks. Every call
 * fails with `PaymentProviderUnavailable` while the provider cannot be reached; a call that failed
 * so may or may not have happened at the provider, and repeating it with the same key is safe.
 */
export interface PaymentGateway {
  readonly provider: string
  createIntent(req: CreateIntent): Effect.Effect<Intent, PaymentDeclined | PaymentProviderUnavailable>
  retrieve(providerRef: string): Effect.Effect<Intent, PaymentProviderUnavailable>
  capture(
    providerRef: string,
    idempotencyKey: string,
  ): Effect.Effect<Intent, PaymentDeclined | PaymentProviderUnavailable>
  /** Voids an uncaptured intent; a succeeded or canceled intent is returned unchanged. */
  cancel(providerRef: string, idempotencyKey: string): Effect.Effect<Intent, PaymentProviderUnavailable>
  refund(
    providerRef: string,
    amount: number,
    idempotencyKey: string,
  ): Effect.Effect<
    { readonly refundRef: string; readonly intent: Intent },
    PaymentDeclined | PaymentProviderUnavailable
  >
  /**
   * Checks the signature over the raw body and decodes the event. A genuine event of a type the
   * core does not use comes back as `IgnoredProviderEvent`.
   */
  verifyEvent(
    rawBody: string,
    signature: string,
  ): Effect.Effect<ProviderEvent | IgnoredProviderEvent, InvalidProviderEvent | PaymentProviderUnavailable>
}
export const PaymentGateway = token<PaymentGateway>('PaymentGateway')
