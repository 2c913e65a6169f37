import type { Effect } from 'effect'
import { SystemClock } from '../../adapters/node/system-clock.js'
import type { PaymentDeclined, PaymentProviderUnavailable } from '../../core/domain/shared/errors.js'
import type { Clock } from '../../ports/clock.js'
import type { Intent, PaymentGateway } from '../../ports/payment-gateway.js'
import type { PayoutGateway } from '../../ports/payouts.js'

export interface StripeSettings {
  readonly secretKey: string
  readonly webhookSecret: string
  /** Another Stripe-compatible API (stripe-mock, a test server); null for Stripe itself. */
  readonly apiBaseUrl: string | null
}

/**
 * Stripe as the engine's money provider, both ways: the payment gateway (PaymentIntents, built on
 * the engine's clock, which webhook tolerance and the circuit breaker follow) and the payout
 * gateway (Connect transfers from the same platform account to the hosts' connected accounts).
 * Spread into the engine's options: `createInMemoryEngine({ ...(await stripeProviders(s)) })`.
 */
export interface StripeProviders {
  readonly paymentGateway: (clock: Clock) => PaymentGateway
  readonly payoutGateway: PayoutGateway
}

/**
 * Builds both Stripe gateways from one configuration. The SDK is loaded only when Stripe is
 * configured, so the default start stays light (and a missing `stripe` package fails the start with
 * its name). `payoutClock` tells the payout gateway how old a payout's idempotency key is: the wall
 * clock, as a live engine's is.
 */
export const stripeProviders = async (
  settings: StripeSettings,
  payoutClock: Clock = new SystemClock(),
): Promise<StripeProviders> => {
  const { StripePaymentGateway, StripePayoutGateway } = await import('../../adapters/stripe/index.js')
  const apiBase = settings.apiBaseUrl === null ? {} : { apiBaseUrl: settings.apiBaseUrl }
  return {
    paymentGateway: (clock) =>
      new StripePaymentGateway({
        secretKey: settings.secretKey,
        webhookSecret: settings.webhookSecret,
        clock,
        ...apiBase,
      }),
    payoutGateway: new StripePayoutGateway({
      secretKey: settings.secretKey,
      clock: payoutClock,
      ...(settings.apiBaseUrl === null ? {} : { apiBase: settings.apiBaseUrl }),
    }),
  }
}

/**
 * The Stripe payment gateway alone, for an engine that pays hosts otherwise:
 * `createInMemoryEngine({ paymentGateway: await stripeGateway(s) })`.
 */
export const stripeGateway = async (settings: StripeSettings): Promise<(clock: Clock) => PaymentGateway> =>
  (await stripeProviders(settings)).paymentGateway

/** A gateway that can play the payer in development (`auto_confirm`), as the Stripe adapter can. */
export interface DevelopmentConfirmation {
  confirmForDevelopment(
    providerRef: string,
  ): Effect.Effect<Intent, PaymentDeclined | PaymentProviderUnavailable>
}

export const confirmsForDevelopment = (g: PaymentGateway): g is PaymentGateway & DevelopmentConfirmation =>
  typeof (g as Partial<DevelopmentConfirmation>).confirmForDevelopment === 'function'
