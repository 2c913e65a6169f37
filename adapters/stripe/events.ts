import { Result, Schema } from 'effect'
import type { ProviderEventType } from '../../ports/payment-gateway.js'

/**
 * The parts of Stripe's event payloads (API version pinned by the SDK) the adapter reads, decoded
 * at the boundary. Fields Stripe adds are ignored; a field the adapter needs that is missing or of
 * another type makes the event invalid rather than half-read.
 */
const Amount = Schema.Int

const LastPaymentError = Schema.Struct({
  code: Schema.optionalKey(Schema.NullOr(Schema.String)),
  decline_code: Schema.optionalKey(Schema.NullOr(Schema.String)),
  message: Schema.optionalKey(Schema.NullOr(Schema.String)),
})

export const PaymentIntentPayload = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal('payment_intent'),
  amount: Amount,
  amount_capturable: Amount,
  amount_received: Amount,
  currency: Schema.String,
  metadata: Schema.Record(Schema.String, Schema.String),
  status: Schema.String,
  last_payment_error: Schema.optionalKey(Schema.NullOr(LastPaymentError)),
})
export type PaymentIntentPayload = typeof PaymentIntentPayload.Type

const ChargePayload = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal('charge'),
  payment_intent: Schema.NullOr(Schema.String),
  amount: Amount,
  amount_captured: Amount,
  amount_refunded: Amount,
  currency: Schema.String,
  metadata: Schema.Record(Schema.String, Schema.String),
})

const RefundPayload = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal('refund'),
  payment_intent: Schema.optionalKey(Schema.NullOr(Schema.String)),
  status: Schema.optionalKey(Schema.NullOr(Schema.String)),
})

const Envelope = Schema.Struct({
  id: Schema.String,
  object: Schema.Literal('event'),
  type: Schema.String,
  created: Schema.Int,
  data: Schema.Struct({ object: Schema.Unknown }),
})

const decode = <S extends Schema.Top & { readonly DecodingServices: never }>(schema: S, value: unknown) =>
  Schema.decodeUnknownResult(schema)(value)

const intentTypes = [
  'payment_intent.succeeded',
  'payment_intent.amount_capturable_updated',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
] as const satisfies readonly ProviderEventType[]

/** The Stripe event types that say a refund changed (the refund object alone is not cumulative). */
const refundTypes = ['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated'] as const

export type DecodedStripeEvent =
  | {
      readonly kind: 'intent'
      readonly id: string
      readonly type: (typeof intentTypes)[number]
      readonly created: number
      readonly intent: PaymentIntentPayload
    }
  | {
      readonly kind: 'charge_refunded'
      readonly id: string
      readonly created: number
      readonly paymentIntent: string
      readonly amount: number
      readonly amountCaptured: number
      readonly amountRefunded: number
      readonly currency: string
      readonly metadata: Readonly<Record<string, string>>
    }
  | {
      readonly kind: 'refund'
      readonly id: string
      readonly type: string
      readonly created: number
      readonly paymentIntent: string
    }
  | { readonly kind: 'ignored'; readonly id: string; readonly type: string }

const message = (issue: unknown) => String(issue)

/**
 * Reads a verified Stripe event: the PaymentIntent events with the intent as it was, `charge.refunded`
 * with the charge's cumulative amounts, refund events as "look at the intent now". Any other type —
 * or a charge or refund that belongs to no PaymentIntent — is acknowledged and ignored.
 */
export const decodeStripeEvent = (raw: unknown): Result.Result<DecodedStripeEvent, string> => {
  const env = decode(Envelope, raw)
  if (Result.isFailure(env)) return Result.fail(`not a Stripe event: ${message(env.failure)}`)
  const { id, type, created, data } = env.success
  if ((intentTypes as readonly string[]).includes(type)) {
    const pi = decode(PaymentIntentPayload, data.object)
    if (Result.isFailure(pi)) return Result.fail(`${type}: not a PaymentIntent: ${message(pi.failure)}`)
    return Result.succeed({
      kind: 'intent',
      id,
      type: type as (typeof intentTypes)[number],
      created,
      intent: pi.success,
    })
  }
  if (type === 'charge.refunded') {
    const ch = decode(ChargePayload, data.object)
    if (Result.isFailure(ch)) return Result.fail(`${type}: not a Charge: ${message(ch.failure)}`)
    const c = ch.success
    if (c.payment_intent === null) return Result.succeed({ kind: 'ignored', id, type })
    return Result.succeed({
      kind: 'charge_refunded',
      id,
      created,
      paymentIntent: c.payment_intent,
      amount: c.amount,
      amountCaptured: c.amount_captured,
      amountRefunded: c.amount_refunded,
      currency: c.currency,
      metadata: c.metadata,
    })
  }
  if ((refundTypes as readonly string[]).includes(type)) {
    const re = decode(RefundPayload, data.object)
    if (Result.isFailure(re)) return Result.fail(`${type}: not a Refund: ${message(re.failure)}`)
    const pi = re.success.payment_intent
    if (pi === undefined || pi === null) return Result.succeed({ kind: 'ignored', id, type })
    return Result.succeed({ kind: 'refund', id, type, created, paymentIntent: pi })
  }
  return Result.succeed({ kind: 'ignored', id, type })
}

/** Why a payment failed, the way the core records it: the issuer's decline code when there is one. */
export const failureOf = (e: PaymentIntentPayload['last_payment_error']): string | null =>
  e === undefined || e === null ? null : (e.decline_code ?? e.code ?? e.message ?? 'declined')
