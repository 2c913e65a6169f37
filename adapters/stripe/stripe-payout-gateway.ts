import { Effect } from 'effect'
import Stripe from 'stripe'
import { PayoutRejected } from '../../core/domain/payouts/errors.js'
import { PaymentProviderUnavailable } from '../../core/domain/shared/errors.js'
import type { Currency } from '../../core/domain/shared/money.js'
import { HOUR } from '../../core/domain/shared/time.js'
import type { Clock } from '../../ports/clock.js'
import type { PayoutGateway, Transfer, TransferRequest } from '../../ports/payouts.js'

export interface StripePayoutGatewayOptions {
  /** The engine's clock: how old a payout's idempotency key is (Stripe forgets keys after 24 h). */
  readonly clock: Clock
  /** Retry-After advised when Stripe cannot be reached (default 5,000 ms). */
  readonly retryAfterMs?: number
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
export const stripeClient = (options: Omit<StripePayoutGatewayOptions, 'clock'>): Stripe => {
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
 * How long a payout's idempotency key is trusted: Stripe keeps keys for at least 24 hours, so a key
 * is used for 23 hours from the payout's opening and each later attempt window has a key of its own.
 */
export const KEY_WINDOW_MS = 23 * HOUR

/**
 * The idempotency key of an attempt: the payout's own key in its first window, then the key and the
 * window's number (`payout:usr_1:EUR:7~w1`), the same for every attempt in that window.
 */
export const attemptKey = (request: TransferRequest, now: number): string => {
  const window = Math.floor(Math.max(0, now - request.openedAt) / KEY_WINDOW_MS)
  return window === 0 ? request.idempotencyKey : `${request.idempotencyKey}~w${window}`
}

/**
 * Host payouts through Stripe Connect: a transfer from the platform's balance to the host's
 * connected account (`POST /v1/transfers`, amount in minor units, currency in lower case, the
 * payout's key as `transfer_group` and, for its first 23 hours, as the Idempotency-Key, so a retried
 * transfer is the same transfer). Stripe forgets an idempotency key after 24 hours; a payout still
 * pending after its first window (an outage, a lost answer) is looked up first (`GET /v1/transfers`
 * by `transfer_group`): a transfer already made is adopted, else it is made under the key of the
 * current window. Network errors, timeouts, 429 and 5xx are retried by the SDK with backoff and then
 * reported as `PaymentProviderUnavailable` with a Retry-After; a refusal (no such destination, a
 * reused key with other parameters) as `PayoutRejected`.
 */
export class StripePayoutGateway implements PayoutGateway {
  readonly provider = 'stripe'
  private readonly stripe: Stripe
  private readonly clock: Clock
  private readonly retryAfterMs: number

  constructor(options: StripePayoutGatewayOptions) {
    this.stripe = stripeClient(options)
    this.clock = options.clock
    this.retryAfterMs = options.retryAfterMs ?? 5_000
  }

  transfer(request: TransferRequest): Effect.Effect<Transfer, PaymentProviderUnavailable | PayoutRejected> {
    const key = attemptKey(request, this.clock.now())
    const made =
      key === request.idempotencyKey
        ? Effect.succeed(null)
        : this.call(() =>
            this.stripe.transfers.list({ transfer_group: request.idempotencyKey, limit: 10 }),
          ).pipe(
            Effect.map((page) => page.data.find((t) => !t.reversed && t.amount === request.amount) ?? null),
          )
    return Effect.flatMap(made, (found) =>
      found !== null
        ? Effect.succeed(found)
        : this.call(() =>
            this.stripe.transfers.create(
              {
                amount: request.amount,
                currency: request.currency.toLowerCase(),
                destination: request.destination,
                transfer_group: request.idempotencyKey,
                metadata: { ...request.metadata },
              },
              { idempotencyKey: key },
            ),
          ),
    ).pipe(
      Effect.map((t) => ({
        transferRef: t.id,
        amount: t.amount,
        currency: t.currency.toUpperCase() as Currency,
        destination:
          typeof t.destination === 'string' ? t.destination : (t.destination?.id ?? request.destination),
      })),
    )
  }

  private call<A>(f: () => Promise<A>): Effect.Effect<A, PaymentProviderUnavailable | PayoutRejected> {
    return Effect.tryPromise({
      try: f,
      catch: (e): PaymentProviderUnavailable | PayoutRejected => {
        const reason = e instanceof Error ? e.message : String(e)
        return isTransient(e)
          ? new PaymentProviderUnavailable({
              provider: this.provider,
              reason,
              retryAfterMs: this.retryAfterMs,
            })
          : new PayoutRejected({ provider: this.provider, reason })
      },
    })
  }
}
