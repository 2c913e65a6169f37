import { Data, Effect, Result, Schema } from 'effect'
import Stripe from 'stripe'
import {
  InvalidProviderEvent,
  PaymentDeclined,
  PaymentProviderUnavailable,
} from '../../core/domain/shared/errors.js'
import { instant } from '../../core/domain/shared/time.js'
import type { Clock } from '../../ports/clock.js'
import type {
  CreateIntent,
  IgnoredProviderEvent,
  Intent,
  IntentStatus,
  PaymentGateway,
  ProviderEvent,
} from '../../ports/payment-gateway.js'
import { fromStripeAmount, stripeCurrency, toStripeAmount } from './amounts.js'
import { decodeStripeEvent, failureOf, PaymentIntentPayload } from './events.js'
import {
  type BreakerOptions,
  CircuitBreaker,
  type CircuitOpen,
  defaultBreaker,
  defaultRetry,
  type RetryOptions,
  retryTransient,
  StripeTransient,
} from './resilience.js'

/** Stripe answered and refused: a card error, an invalid request (a state that does not allow it). */
export class StripeRejected extends Data.TaggedError('StripeRejected')<{
  readonly status: number | null
  readonly type: string
  readonly code: string | null
  readonly declineCode: string | null
  readonly message: string
  /** The PaymentIntent the error is about, when Stripe names one (card errors do). */
  readonly paymentIntentId: string | null
}> {}

/** Stripe refused our credentials (401/403): a configuration error, not an outage. */
class StripeMisconfigured extends Data.TaggedError('StripeMisconfigured')<{ readonly message: string }> {}

/** An answer that says our request was wrong in a way no retry fixes (a reused idempotency key). */
class StripeBug extends Data.TaggedError('StripeBug')<{ readonly message: string }> {}

type CallError = StripeTransient | StripeRejected | StripeMisconfigured | StripeBug

/** An answer, as the SDK reports it. */
export interface StripeResponseRecord {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly requestId: string | undefined
}

/** Every request the SDK sends, as the SDK reports it (tests check shapes and idempotency keys). */
export interface StripeRequestRecord {
  readonly method: string
  readonly path: string
  readonly idempotencyKey: string | undefined
  readonly body: unknown
}

export interface StripePaymentGatewayOptions {
  /** `sk_test_…` or `sk_live_…` (or a restricted `rk_…` key with PaymentIntents, Customers, Refunds). */
  readonly secretKey: string
  /** The webhook endpoint's signing secret, `whsec_…`. */
  readonly webhookSecret: string
  /** Time for signature tolerance and the circuit breaker. */
  readonly clock: Clock
  /** Another Stripe-compatible API (stripe-mock, a test server): `http://127.0.0.1:12111`. */
  readonly apiBaseUrl?: string
  /** How old a webhook signature may be (default 300 s, Stripe's own). */
  readonly toleranceSeconds?: number
  /** Per request (default 10,000 ms). */
  readonly timeoutMs?: number
  readonly retry?: Partial<RetryOptions>
  readonly breaker?: Partial<BreakerOptions>
  /** Retry-After advised when a call fails while the breaker is still closed (default 5,000 ms). */
  readonly retryAfterMs?: number
  readonly onRequest?: (request: StripeRequestRecord) => void
  /** Every answer Stripe gave (network failures have none). */
  readonly onResponse?: (response: StripeResponseRecord) => void
}

const expandCharge = ['latest_charge']

/** What the adapter reads of a PaymentIntent the API returns (with its latest charge expanded). */
const IntentResponse = Schema.Struct({
  ...PaymentIntentPayload.fields,
  client_secret: Schema.NullOr(Schema.String),
  customer: Schema.optionalKey(
    Schema.NullOr(Schema.Union([Schema.String, Schema.Struct({ id: Schema.String })])),
  ),
  payment_method: Schema.optionalKey(
    Schema.NullOr(Schema.Union([Schema.String, Schema.Struct({ id: Schema.String })])),
  ),
  latest_charge: Schema.optionalKey(
    Schema.NullOr(Schema.Union([Schema.String, Schema.Struct({ amount_refunded: Schema.Int })])),
  ),
})
type IntentResponse = typeof IntentResponse.Type
const decodeIntentResponse = Schema.decodeUnknownResult(IntentResponse)

const idOf = (v: string | { readonly id: string } | null | undefined): string | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? v : v.id

const intentStatus = (s: string): IntentStatus => {
  switch (s) {
    case 'requires_capture':
    case 'processing':
    case 'succeeded':
    case 'canceled':
      return s
    default:
      // requires_payment_method, requires_confirmation, requires_action: nothing paid yet.
      return 'requires_payment_method'
  }
}

const classify = (e: unknown): CallError => {
  if (!(e instanceof Stripe.errors.StripeError))
    return new StripeBug({ message: e instanceof Error ? e.message : String(e) })
  const status = e.statusCode ?? null
  switch (e.type) {
    case 'StripeConnectionError':
    case 'StripeRateLimitError':
      return new StripeTransient({ reason: e.message, status })
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      return new StripeMisconfigured({ message: e.message })
    case 'StripeIdempotencyError':
      return new StripeBug({ message: e.message })
    case 'StripeAPIError':
      if (status === null || status >= 500 || status === 409)
        return new StripeTransient({ reason: e.message, status })
  }
  if (status !== null && status >= 500) return new StripeTransient({ reason: e.message, status })
  return new StripeRejected({
    status,
    type: e.type,
    code: e.code ?? null,
    declineCode: e.decline_code ?? null,
    message: e.message,
    paymentIntentId: e.payment_intent?.id ?? null,
  })
}

/**
 * The PaymentGateway port on Stripe's PaymentIntents, through the official SDK.
 *
 * - Amounts are innkeeper minor units, converted where Stripe differs (`amounts.ts`); JPY and the
 *   other zero-decimal currencies go as they are.
 * - Instant book captures automatically; request-to-book authorizes (`capture_method: manual`), is
 *   captured on accept and canceled on decline or expiry. Metadata carries the booking and payment ids.
 * - Every on-session payment has its own Customer and `setup_future_usage: off_session`, so the card
 *   stays on file; a modification's top-up charges it off-session (`off_session`, `confirm`). When the
 *   bank wants authentication (`authentication_required`, or `requires_action`) the attempt is
 *   canceled and the charge declined: nothing is kept.
 * - Every POST carries the idempotency key the core derived from stored state (sub-requests append a
 *   suffix to it), so retries never charge twice.
 * - Timeouts per request, bounded retries with exponential backoff on network errors, 409, 429 and
 *   5xx (effect `Schedule`), and a circuit breaker; when Stripe cannot be reached the call fails
 *   with `PaymentProviderUnavailable` and a Retry-After.
 * - Webhooks are verified by the SDK's `constructEvent` on the raw body, with the endpoint secret and
 *   the tolerance, at the Clock port's time.
 */
export class StripePaymentGateway implements PaymentGateway {
  readonly provider = 'stripe'
  readonly breaker: CircuitBreaker
  private readonly stripe: Stripe
  private readonly clock: Clock
  private readonly webhookSecret: string
  private readonly toleranceSeconds: number
  private readonly retry: RetryOptions
  private readonly retryAfterMs: number

  constructor(options: StripePaymentGatewayOptions) {
    const base = options.apiBaseUrl === undefined ? null : new URL(options.apiBaseUrl)
    const protocol = base?.protocol === 'http:' ? 'http' : 'https'
    this.stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: 0, // the adapter retries, with backoff and the breaker
      timeout: options.timeoutMs ?? 10_000,
      telemetry: false,
      appInfo: { name: 'innkeeper' },
      emitEventBodies: options.onRequest !== undefined,
      ...(base === null
        ? {}
        : {
            host: base.hostname,
            port: base.port === '' ? (protocol === 'http' ? 80 : 443) : Number(base.port),
            protocol,
          }),
    })
    const onRequest = options.onRequest
    if (onRequest !== undefined)
      this.stripe.on(
        'request',
        (r: { method: string; path: string; idempotency_key?: string; body?: unknown }) =>
          onRequest({ method: r.method, path: r.path, idempotencyKey: r.idempotency_key, body: r.body }),
      )
    const onResponse = options.onResponse
    if (onResponse !== undefined)
      this.stripe.on('response', (r: { method: string; path: string; status: number; request_id?: string }) =>
        onResponse({ method: r.method, path: r.path, status: r.status, requestId: r.request_id }),
      )
    this.clock = options.clock
    this.webhookSecret = options.webhookSecret
    this.toleranceSeconds = options.toleranceSeconds ?? 300
    this.retry = { ...defaultRetry, ...options.retry }
    this.retryAfterMs = options.retryAfterMs ?? 5_000
    this.breaker = new CircuitBreaker(options.clock, { ...defaultBreaker, ...options.breaker })
  }

  createIntent(req: CreateIntent): Effect.Effect<Intent, PaymentDeclined | PaymentProviderUnavailable> {
    const self = this
    return Effect.gen(function* () {
      const amount = toStripeAmount(req.amount, req.currency)
      if (Result.isFailure(amount)) return yield* Effect.fail(new PaymentDeclined({ reason: amount.failure }))
      if (req.offSession !== undefined)
        return yield* self.chargeOffSession({ ...req, offSession: req.offSession }, amount.success)
      const customer = yield* self.orDecline(
        self.call(() =>
          self.stripe.customers.create(
            req.metadata.guestId === undefined ? {} : { metadata: { innkeeper_payer: req.metadata.guestId } },
            { idempotencyKey: `${req.idempotencyKey}:customer` },
          ),
        ),
      )
      const pi = yield* self.orDecline(
        self.intent(() =>
          self.stripe.paymentIntents.create(
            {
              amount: amount.success,
              currency: stripeCurrency(req.currency),
              capture_method: req.captureMethod,
              customer: customer.id,
              setup_future_usage: 'off_session',
              allowed_payment_method_types: ['card'],
              metadata: { ...req.metadata },
              expand: expandCharge,
            },
            { idempotencyKey: req.idempotencyKey },
          ),
        ),
      )
      return self.view(pi)
    })
  }

  retrieve(providerRef: string): Effect.Effect<Intent, PaymentProviderUnavailable> {
    return Effect.map(this.retrieveRaw(providerRef), (pi) => this.view(pi))
  }

  capture(
    providerRef: string,
    idempotencyKey: string,
  ): Effect.Effect<Intent, PaymentDeclined | PaymentProviderUnavailable> {
    const self = this
    return Effect.gen(function* () {
      const r = yield* Effect.result(
        self.intent(() =>
          self.stripe.paymentIntents.capture(providerRef, { expand: expandCharge }, { idempotencyKey }),
        ),
      )
      if (Result.isSuccess(r)) return self.view(r.success)
      if (r.failure._tag !== 'StripeRejected') return yield* Effect.fail(r.failure)
      // Already captured (by this key's lost answer, or another): that is the outcome wanted.
      const now = yield* self.retrieveRaw(providerRef)
      if (now.status === 'succeeded') return self.view(now)
      return yield* Effect.fail(
        new PaymentDeclined({
          reason: `cannot capture a payment in status ${now.status}: ${r.failure.message}`,
        }),
      )
    })
  }

  cancel(providerRef: string, idempotencyKey: string): Effect.Effect<Intent, PaymentProviderUnavailable> {
    const self = this
    return Effect.gen(function* () {
      const r = yield* Effect.result(
        self.intent(() =>
          self.stripe.paymentIntents.cancel(providerRef, { expand: expandCharge }, { idempotencyKey }),
        ),
      )
      if (Result.isSuccess(r)) return self.view(r.success)
      if (r.failure._tag !== 'StripeRejected') return yield* Effect.fail(r.failure)
      // Succeeded (refund it instead) or already canceled: returned as it is.
      const now = yield* self.retrieveRaw(providerRef)
      if (now.status === 'succeeded' || now.status === 'canceled') return self.view(now)
      return yield* Effect.die(new Error(`Stripe refused to cancel ${providerRef}: ${r.failure.message}`))
    })
  }

  refund(
    providerRef: string,
    amount: number,
    idempotencyKey: string,
  ): Effect.Effect<
    { readonly refundRef: string; readonly intent: Intent },
    PaymentDeclined | PaymentProviderUnavailable
  > {
    const self = this
    return Effect.gen(function* () {
      // The intent's currency says how Stripe counts the amount. Whether it can be refunded (paid,
      // and not above what is left) is Stripe's call: it refuses, and that is a decline.
      const before = yield* self.retrieveRaw(providerRef)
      const stripeAmount = toStripeAmount(amount, before.currency)
      if (Result.isFailure(stripeAmount))
        return yield* Effect.fail(new PaymentDeclined({ reason: `invalid refund: ${stripeAmount.failure}` }))
      // Stripe refuses a refund above what is left of the charge; the same key replays the first.
      const refund = yield* self.orDecline(
        self.call(() =>
          self.stripe.refunds.create(
            { payment_intent: providerRef, amount: stripeAmount.success },
            { idempotencyKey },
          ),
        ),
      )
      const after = yield* self.retrieveRaw(providerRef)
      return { refundRef: refund.id, intent: self.view(after) }
    })
  }

  verifyEvent(
    rawBody: string,
    signature: string,
  ): Effect.Effect<ProviderEvent | IgnoredProviderEvent, InvalidProviderEvent | PaymentProviderUnavailable> {
    const self = this
    return Effect.gen(function* () {
      let parsed: unknown
      try {
        parsed = self.stripe.webhooks.constructEvent(
          rawBody,
          signature,
          self.webhookSecret,
          self.toleranceSeconds,
          undefined,
          self.clock.now(),
        )
      } catch (e) {
        return yield* Effect.fail(
          new InvalidProviderEvent({ reason: e instanceof Error ? e.message : 'signature check failed' }),
        )
      }
      const decoded = decodeStripeEvent(parsed)
      if (Result.isFailure(decoded))
        return yield* Effect.fail(new InvalidProviderEvent({ reason: decoded.failure }))
      const e = decoded.success
      switch (e.kind) {
        case 'ignored':
          return { kind: 'ignored', id: e.id, type: e.type } satisfies IgnoredProviderEvent
        case 'intent': {
          const pi = e.intent
          const c = pi.currency
          return {
            kind: 'payment',
            id: e.id,
            type: e.type,
            providerRef: pi.id,
            amount: fromStripeAmount(pi.amount, c),
            metadata: pi.metadata,
            amountCapturable: fromStripeAmount(pi.amount_capturable, c),
            amountReceived: fromStripeAmount(pi.amount_received, c),
            // A PaymentIntent payload does not carry refunds; charge.refunded events do.
            amountRefunded: 0,
            failureMessage:
              e.type === 'payment_intent.payment_failed'
                ? (failureOf(pi.last_payment_error) ?? 'declined')
                : null,
            created: instant(e.created * 1000),
          } satisfies ProviderEvent
        }
        case 'charge_refunded':
          return {
            kind: 'payment',
            id: e.id,
            type: 'charge.refunded',
            providerRef: e.paymentIntent,
            amount: fromStripeAmount(e.amount, e.currency),
            metadata: e.metadata,
            amountCapturable: 0,
            amountReceived: fromStripeAmount(e.amountCaptured, e.currency),
            amountRefunded: fromStripeAmount(e.amountRefunded, e.currency),
            failureMessage: null,
            created: instant(e.created * 1000),
          } satisfies ProviderEvent
        case 'refund': {
          // A refund object is one refund, not the total: read the intent's totals as they are now
          // (amounts only grow, so a later state folds in the same as the event's own would).
          const found = yield* Effect.result(
            self.intent(() => self.stripe.paymentIntents.retrieve(e.paymentIntent, { expand: expandCharge })),
          )
          if (Result.isFailure(found)) {
            if (found.failure._tag === 'PaymentProviderUnavailable') return yield* Effect.fail(found.failure)
            // Not an intent this account can read: not one of ours.
            return { kind: 'ignored', id: e.id, type: e.type } satisfies IgnoredProviderEvent
          }
          const pi = found.success
          const intent = self.view(pi)
          return {
            kind: 'payment',
            id: e.id,
            type: 'refund.updated',
            providerRef: pi.id,
            amount: intent.amount,
            metadata: pi.metadata,
            amountCapturable: intent.amountCapturable,
            amountReceived: intent.amountReceived,
            amountRefunded: intent.amountRefunded,
            failureMessage: null,
            created: instant(e.created * 1000),
          } satisfies ProviderEvent
        }
      }
    })
  }

  /**
   * Development only (`auto_confirm`): confirms the intent as the payer's browser would, with a
   * Stripe test payment method (`pm_card_visa` succeeds). Stripe then sends its webhooks as usual.
   */
  confirmForDevelopment(
    providerRef: string,
    paymentMethod = 'pm_card_visa',
  ): Effect.Effect<Intent, PaymentDeclined | PaymentProviderUnavailable> {
    return Effect.map(
      this.orDecline(
        this.intent(() =>
          this.stripe.paymentIntents.confirm(
            providerRef,
            { payment_method: paymentMethod, expand: expandCharge },
            { idempotencyKey: `dev-confirm:${providerRef}:${paymentMethod}` },
          ),
        ),
      ),
      (pi) => this.view(pi),
    )
  }

  // ---- internals ----

  /** The off-session top-up: the saved card of an earlier payment, charged and final at once. */
  private chargeOffSession(
    req: CreateIntent & { readonly offSession: { readonly savedFrom: string } },
    amount: number,
  ): Effect.Effect<Intent, PaymentDeclined | PaymentProviderUnavailable> {
    const self = this
    return Effect.gen(function* () {
      const saved = yield* self.retrieveRaw(req.offSession.savedFrom, ['customer', 'payment_method'])
      const customer = idOf(saved.customer)
      const method = idOf(saved.payment_method)
      if (customer === null || method === null)
        return yield* Effect.fail(
          new PaymentDeclined({ reason: `no payment method saved from ${req.offSession.savedFrom}` }),
        )
      const r = yield* Effect.result(
        self.intent(() =>
          self.stripe.paymentIntents.create(
            {
              amount,
              currency: stripeCurrency(req.currency),
              capture_method: 'automatic',
              customer,
              payment_method: method,
              allowed_payment_method_types: ['card'],
              off_session: true,
              confirm: true,
              metadata: { ...req.metadata },
              expand: expandCharge,
            },
            { idempotencyKey: req.idempotencyKey },
          ),
        ),
      )
      if (Result.isFailure(r)) {
        if (r.failure._tag !== 'StripeRejected') return yield* Effect.fail(r.failure)
        const rejected = r.failure
        // The attempt holds nothing; cancel it so it cannot be completed later either.
        if (rejected.paymentIntentId !== null)
          yield* self.voidQuietly(rejected.paymentIntentId, req.idempotencyKey)
        return yield* Effect.fail(
          new PaymentDeclined({ reason: rejected.declineCode ?? rejected.code ?? rejected.message }),
        )
      }
      const pi = r.success
      if (pi.status === 'succeeded' || pi.status === 'processing') return self.view(pi)
      yield* self.voidQuietly(pi.id, req.idempotencyKey)
      const reason =
        pi.status === 'requires_action'
          ? 'authentication_required'
          : (failureOf(pi.last_payment_error) ?? `off-session charge ended ${pi.status}`)
      return yield* Effect.fail(new PaymentDeclined({ reason }))
    })
  }

  /** Best effort: a declined attempt is canceled; if Stripe cannot be reached it expires by itself. */
  private voidQuietly(id: string, key: string): Effect.Effect<void> {
    return Effect.ignore(
      this.call(() => this.stripe.paymentIntents.cancel(id, {}, { idempotencyKey: `${key}:void` })),
    )
  }

  private retrieveRaw(
    providerRef: string,
    more: readonly string[] = [],
  ): Effect.Effect<IntentResponse, PaymentProviderUnavailable> {
    return Effect.catchTag(
      this.intent(() =>
        this.stripe.paymentIntents.retrieve(providerRef, { expand: [...expandCharge, ...more] }),
      ),
      'StripeRejected',
      (e) => Effect.die(new Error(`no PaymentIntent ${providerRef} at Stripe: ${e.message}`)),
    )
  }

  /** A request that answers with a PaymentIntent, read through `IntentResponse`. */
  private intent(
    request: () => Promise<unknown>,
  ): Effect.Effect<IntentResponse, StripeRejected | PaymentProviderUnavailable> {
    return Effect.flatMap(this.call(request), (raw) => {
      const decoded = decodeIntentResponse(raw)
      return Result.isSuccess(decoded)
        ? Effect.succeed(decoded.success)
        : Effect.die(new Error(`Stripe returned an unreadable PaymentIntent: ${String(decoded.failure)}`))
    })
  }

  private orDecline<A>(
    self: Effect.Effect<A, StripeRejected | PaymentProviderUnavailable>,
  ): Effect.Effect<A, PaymentDeclined | PaymentProviderUnavailable> {
    return Effect.catchTag(self, 'StripeRejected', (e) =>
      Effect.fail(new PaymentDeclined({ reason: e.declineCode ?? e.code ?? e.message })),
    )
  }

  /**
   * One Stripe request: classified failures, bounded retries of the transient ones, all behind the
   * breaker. What is left is a refusal (`StripeRejected`) or `PaymentProviderUnavailable`.
   */
  private call<A>(request: () => Promise<A>): Effect.Effect<A, StripeRejected | PaymentProviderUnavailable> {
    const attempt = Effect.tryPromise({ try: request, catch: classify })
    return this.breaker.guard(retryTransient(attempt, this.retry)).pipe(
      Effect.catchTags({
        StripeTransient: (e: StripeTransient) => Effect.fail(this.unavailable(e.reason)),
        CircuitOpen: (e: CircuitOpen) =>
          Effect.fail(
            new PaymentProviderUnavailable({
              provider: this.provider,
              reason: 'Stripe failed repeatedly; requests are paused (circuit open)',
              retryAfterMs: e.retryAfterMs,
            }),
          ),
        StripeMisconfigured: (e: StripeMisconfigured) =>
          Effect.fail(
            new PaymentProviderUnavailable({
              provider: this.provider,
              reason: `Stripe refused the API key: ${e.message}`,
              retryAfterMs: this.retryAfterMs,
            }),
          ),
        StripeBug: (e: StripeBug) => Effect.die(new Error(`Stripe request failed: ${e.message}`)),
      }),
    )
  }

  private unavailable(reason: string): PaymentProviderUnavailable {
    return new PaymentProviderUnavailable({
      provider: this.provider,
      reason,
      retryAfterMs: Math.max(this.retryAfterMs, this.breaker.retryAfterMs()),
    })
  }

  private view(pi: IntentResponse): Intent {
    const c = pi.currency
    const charge = typeof pi.latest_charge === 'object' && pi.latest_charge !== null ? pi.latest_charge : null
    return {
      providerRef: pi.id,
      status: intentStatus(pi.status),
      amount: fromStripeAmount(pi.amount, c),
      amountCapturable: fromStripeAmount(pi.amount_capturable, c),
      amountReceived: fromStripeAmount(pi.amount_received, c),
      amountRefunded: charge === null ? 0 : fromStripeAmount(charge.amount_refunded, c),
      clientSecret: pi.client_secret ?? '',
    }
  }
}
