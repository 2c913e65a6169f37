import { StripePaymentGateway } from '../../adapters/stripe/index.js'
import type { Clock } from '../../ports/clock.js'

export interface StripeSettings {
  readonly secretKey: string
  readonly webhookSecret: string
  /** Another Stripe-compatible API (stripe-mock, a test server); null for Stripe itself. */
  readonly apiBaseUrl: string | null
}

/**
 * The Stripe payment gateway for an engine, on the engine's clock (webhook tolerance and the circuit
 * breaker follow it). Pass it as `createInMemoryEngine({ paymentGateway: stripeGateway(settings) })`.
 */
export const stripeGateway =
  (settings: StripeSettings) =>
  (clock: Clock): StripePaymentGateway =>
    new StripePaymentGateway({
      secretKey: settings.secretKey,
      webhookSecret: settings.webhookSecret,
      clock,
      ...(settings.apiBaseUrl === null ? {} : { apiBaseUrl: settings.apiBaseUrl }),
    })
