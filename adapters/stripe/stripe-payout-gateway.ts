import { Effect } from 'effect'
import Stripe from 'stripe'
import { PayoutProviderUnavailable, PayoutRejected } from '../../core/domain/payouts/errors.js'
import type { Currency } from '../../core/domain/shared/money.js'
import type { PayoutGateway, Transfer, TransferRequest } from '../../ports/payouts.js'

export interface StripePayoutGatewayOptions {
  /** A configured client; or build one from the secret key and the options below. */
  readonly client?: Stripe
  readonly secretKey?: string
  /** A Stripe-compatible server instead of api.stripe.com (tests): `http://127.0.0.1:12111`. */
  readonly apiBase?: string
  /** Per request, ms (default 10 s). */
  readonly timeoutMs?: number
  /**
   * Retries of the SDK on network errors, 409, 429 and 5xx, with exponential backoff; each repeats
   * the same idempotency key (default 2).
   */
  readonly maxNetworkRetries?: number
}

/** Builds a Stripe client for the platform account, optionally aimed at a local Stripe-compatible server. */
export const stripeClient = (options: StripePayoutGatewayOptions): Stripe => {
  if (options.client !== undefined) return options.client
  if (options.secretKey === undefined || options.secretKey.length === 0)
    throw new Error('StripePayoutGateway needs a client or a secret key')
  const base = options.apiBase === undefined ? undefined : new URL(options.apiBase)
  return new Stripe(options.secretKey, {
    timeout: options.timeoutMs ?? 10_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    telemetry: false,
    ...(base === undefined
      ? {}
      : {
          host: base.hostname,
          port: base.port === '' ? (base.protocol === 'https:' ? 443 : 80) : Number(base.port),
          protocol: base.protocol === 'http:' ? ('http' as const) : ('https' as const),
        }),
  })
}

/** Errors after which nothing moved and the same request may succeed later. */
const isTransient = (e: unknown): boolean => {
  if (!(e instanceof Stripe.errors.StripeError)) return false
  if (
    e instanceof Stripe.errors.StripeConnectionError ||
    e instanceof Stripe.errors.StripeAPIError ||
    e instanceof Stripe.errors.StripeRateLimitError ||
    e instanceof Stripe.errors.StripeAuthenticationError
  )
    return true
  const status = e.statusCode ?? 0
  // The platform balance cannot cover the transfer yet: funds arrive, try again later.
  return status === 429 || status >= 500 || e.code === 'balance_insufficient'
}

/**
 * Host payouts through Stripe Connect: a transfer from the platform's balance to the host's
 * connected account (`POST /v1/transfers`, amount in minor units, currency in lower case, the
 * payout's key as the Idempotency-Key and `transfer_group`, so a retried transfer is the same
 * transfer). Network errors, timeouts, 429 and 5xx are retried by the SDK with backoff and then
 * reported as `PayoutProviderUnavailable`; a refusal (no such destination, a reused key with other
 * parameters) as `PayoutRejected`.
 */
export class StripePayoutGateway implements PayoutGateway {
  readonly provider = 'stripe'
  private readonly stripe: Stripe

  constructor(options: StripePayoutGatewayOptions) {
    this.stripe = stripeClient(options)
  }

  transfer(request: TransferRequest): Effect.Effect<Transfer, PayoutProviderUnavailable | PayoutRejected> {
    return Effect.tryPromise({
      try: () =>
        this.stripe.transfers.create(
          {
            amount: request.amount,
            currency: request.currency.toLowerCase(),
            destination: request.destination,
            transfer_group: request.idempotencyKey,
            metadata: { ...request.metadata },
          },
          { idempotencyKey: request.idempotencyKey },
        ),
      catch: (e): PayoutProviderUnavailable | PayoutRejected => {
        const reason = e instanceof Error ? e.message : String(e)
        return isTransient(e)
          ? new PayoutProviderUnavailable({ provider: this.provider, reason })
          : new PayoutRejected({ provider: this.provider, reason })
      },
    }).pipe(
      Effect.map((t) => ({
        transferRef: t.id,
        amount: t.amount,
        currency: t.currency.toUpperCase() as Currency,
        destination:
          typeof t.destination === 'string' ? t.destination : (t.destination?.id ?? request.destination),
      })),
    )
  }
}
