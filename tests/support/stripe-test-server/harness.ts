import Stripe from 'stripe'
import { ManualClock } from '../../../adapters/memory/index.js'
import { StripePaymentGateway, type StripePaymentGatewayOptions } from '../../../adapters/stripe/index.js'
import { StripeTestServer, type StripeTestServerOptions } from './server.js'

/** The webhook types a real endpoint for innkeeper subscribes to (see the README). */
export const SUBSCRIBED_EVENTS = [
  'payment_intent.succeeded',
  'payment_intent.amount_capturable_updated',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.refunded',
] as const

/** A Stripe client pointed at a local server, as the payer's browser (Stripe.js) would confirm. */
export const localStripe = (url: string, key = 'sk_test_payer'): Stripe => {
  const u = new URL(url)
  return new Stripe(key, {
    host: u.hostname,
    port: Number(u.port),
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  })
}

/** The payer's outcome as one of Stripe's test payment methods. */
export const testMethodFor = (outcome: 'succeed' | 'fail', failureMessage?: string): string =>
  outcome === 'succeed'
    ? 'pm_card_visa'
    : failureMessage === 'insufficient_funds'
      ? 'pm_card_chargeDeclinedInsufficientFunds'
      : 'pm_card_chargeDeclined'

/** Confirms an intent as the payer; a card decline is an outcome here, not an error. */
export const payerConfirms = async (payer: Stripe, ref: string, paymentMethod: string): Promise<void> => {
  try {
    await payer.paymentIntents.confirm(ref, { payment_method: paymentMethod })
  } catch (e) {
    if (!(e instanceof Stripe.errors.StripeCardError)) throw e
  }
}

export interface StripeRig {
  readonly clock: ManualClock
  readonly server: StripeTestServer
  readonly gateway: StripePaymentGateway
  readonly payer: Stripe
  readonly secret: string
  close(): Promise<void>
}

/** A stateful Stripe test server and the adapter pointed at it, on one manual clock. */
export const startStripeRig = async (
  options: {
    readonly start?: number
    readonly clock?: ManualClock
    readonly server?: Partial<StripeTestServerOptions>
    readonly gateway?: Partial<StripePaymentGatewayOptions>
  } = {},
): Promise<StripeRig> => {
  const clock = options.clock ?? new ManualClock(options.start)
  const secret = 'whsec_stripe_test_server_secret'
  const server = await StripeTestServer.start({
    now: () => clock.now(),
    webhookSecret: secret,
    enabledEvents: SUBSCRIBED_EVENTS,
    ...options.server,
  })
  const gateway = new StripePaymentGateway({
    secretKey: 'sk_test_innkeeper',
    webhookSecret: secret,
    clock,
    apiBaseUrl: server.url,
    timeoutMs: 2_000,
    retry: { retries: 2, baseDelayMs: 5 },
    ...options.gateway,
  })
  return { clock, server, gateway, payer: localStripe(server.url), secret, close: () => server.close() }
}
