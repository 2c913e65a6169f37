import type { Effect } from 'effect'
import type { InvalidProviderEvent, PaymentDeclined } from '../core/domain/shared/errors.js'
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
   * the result is final at once — succeeded, or declined with `PaymentDeclined`.
   */
  readonly offSession?: { readonly payerRef: string }
}

export type ProviderEventType =
  | 'payment_intent.amount_capturable_updated'
  | 'payment_intent.succeeded'
  | 'payment_intent.payment_failed'
  | 'payment_intent.canceled'
  | 'charge.refunded'

/** A verified provider event. Amounts are cumulative totals, so applying them converges. */
export interface ProviderEvent {
  readonly id: string
  readonly type: ProviderEventType
  readonly providerRef: string
  readonly amountCapturable: number
  readonly amountReceived: number
  readonly amountRefunded: number
  readonly failureMessage: string | null
  readonly created: Instant
}

/**
 * A payment provider, shaped after Stripe's PaymentIntent API. Creates, captures, cancels and
 * refunds are idempotent by key; the payer completes a payment on the provider's side, and the
 * provider then reports it through signed events (webhooks) that `verifyEvent` checks.
 */
export interface PaymentGateway {
  readonly provider: string
  createIntent(req: CreateIntent): Effect.Effect<Intent, PaymentDeclined>
  retrieve(providerRef: string): Effect.Effect<Intent>
  capture(providerRef: string, idempotencyKey: string): Effect.Effect<Intent, PaymentDeclined>
  cancel(providerRef: string, idempotencyKey: string): Effect.Effect<Intent>
  refund(
    providerRef: string,
    amount: number,
    idempotencyKey: string,
  ): Effect.Effect<{ readonly refundRef: string; readonly intent: Intent }, PaymentDeclined>
  /** Checks the signature over the raw body and decodes the event. */
  verifyEvent(rawBody: string, signature: string): Effect.Effect<ProviderEvent, InvalidProviderEvent>
}
export const PaymentGateway = token<PaymentGateway>('PaymentGateway')
