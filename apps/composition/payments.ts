import type { Effect } from 'effect'
import type { PaymentDeclined, PaymentProviderUnavailable } from '../../core/domain/shared/errors.js'
import type { Clock } from '../../ports/clock.js'
import type { Intent, PaymentGateway } from '../../ports/payment-gateway.js'

export interface StripeSettings {
  readonly secretKey: string
  readonly webhookSecret: string
  /** Another Stripe-compatible API (stripe-mock, a test server); null for Stripe itself. */
  readonly apiBaseUrl: string | null
}

/**
 * The Stripe payment gateway for an engine, built on the engine's clock (webhook tolerance and the
 * circuit breaker follow it): `createInMemoryEngine({ paymentGateway: await stripeGateway(s) })`.
 * The SDK is loaded only when Stripe is configured, so the default start stays light.
 */
export const stripeGateway = async (settings: StripeSettings): Promise<(clock: Clock) => PaymentGateway> => {
  const { StripePaymentGateway } = await import('../../adapters/stripe/index.js')
  return (clock) =>
    new StripePaymentGateway({
      secretKey: settings.secretKey,
      webhookSecret: settings.webhookSecret,
      clock,
      ...(settings.apiBaseUrl === null ? {} : { apiBaseUrl: settings.apiBaseUrl }),
    })
}

/** A gateway that can play the payer in development (`auto_confirm`), as the Stripe adapter can. */
export interface DevelopmentConfirmation {
  confirmForDevelopment(
    providerRef: string,
  ): Effect.Effect<Intent, PaymentDeclined | PaymentProviderUnavailable>
}

export const confirmsForDevelopment = (g: PaymentGateway): g is PaymentGateway & DevelopmentConfirmation =>
  typeof (g as Partial<DevelopmentConfirmation>).confirmForDevelopment === 'function'
