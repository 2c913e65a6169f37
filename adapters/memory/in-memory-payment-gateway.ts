import { createHmac, timingSafeEqual } from 'node:crypto'
import { Effect, Result, Schema } from 'effect'
import { InvalidProviderEvent, PaymentDeclined } from '../../core/domain/shared/errors.js'
import type { Currency } from '../../core/domain/shared/money.js'
import { instant } from '../../core/domain/shared/time.js'
import type { Clock } from '../../ports/clock.js'
import type {
  CreateIntent,
  IgnoredProviderEvent,
  Intent,
  IntentStatus,
  PaymentGateway,
  ProviderEvent,
  ProviderEventType,
} from '../../ports/payment-gateway.js'

/** A queued webhook: what a provider would POST, exactly as signed. */
export interface ProviderDelivery {
  readonly rawBody: string
  readonly signature: string
}

export interface InMemoryPaymentGatewayOptions {
  readonly clock: Clock
  /** The webhook signing secret shared with `verifyEvent`. */
  readonly secret: string
  /** How far a signature's timestamp may be from now (default 300 s, as Stripe). */
  readonly toleranceSeconds?: number
}

interface IntentRecord {
  readonly providerRef: string
  readonly amount: number
  readonly currency: Currency
  readonly captureMethod: 'automatic' | 'manual'
  readonly metadata: Readonly<Record<string, string>>
  readonly clientSecret: string
  status: IntentStatus
  amountCapturable: number
  amountReceived: number
  amountRefunded: number
  lastError: string | null
}

const eventTypes = [
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
  'charge.refunded',
  'refund.updated',
] as const
const EventEnvelope = Schema.Struct({ id: Schema.String, type: Schema.String })
const ProviderEventBody = Schema.Struct({
  id: Schema.String,
  type: Schema.Literals(eventTypes),
  providerRef: Schema.String,
  amount: Schema.Int,
  metadata: Schema.Record(Schema.String, Schema.String),
  amountCapturable: Schema.Int,
  amountReceived: Schema.Int,
  amountRefunded: Schema.Int,
  failureMessage: Schema.NullOr(Schema.String),
  created: Schema.Int,
})
const decodeEnvelope = Schema.decodeUnknownResult(Schema.fromJsonString(EventEnvelope))
const decodeBody = Schema.decodeUnknownResult(Schema.fromJsonString(ProviderEventBody))
const knownType = (t: string): t is ProviderEventType => (eventTypes as readonly string[]).includes(t)

/** Signs a webhook body Stripe-style: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export const signPayload = (rawBody: string, secret: string, timestampSeconds: number): string =>
  `t=${timestampSeconds},v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`

const pad = (n: number): string => String(n).padStart(6, '0')

/**
 * A payment provider in memory, shaped after Stripe's PaymentIntent lifecycle. The payer's side is
 * simulated with `confirmPayment`; every state change queues a signed event (webhook) that tests
 * drain with `takeDeliveries` or receive through `onDelivery`. Deterministic: ids are counters.
 */
export class InMemoryPaymentGateway implements PaymentGateway {
  readonly provider = 'memory'
  private readonly clock: Clock
  private readonly secret: string
  private readonly toleranceSeconds: number
  private readonly intents = new Map<string, IntentRecord>()
  private readonly createKeys = new Map<string, { ref: string; declined: string | null }>()
  private readonly refundKeys = new Map<string, { refundRef: string; ref: string }>()
  private readonly deliveries: ProviderDelivery[] = []
  private readonly handlers = new Set<(d: ProviderDelivery) => void>()
  private offSessionDeclines: string[] = []
  private intentSeq = 0
  private eventSeq = 0
  private refundSeq = 0

  constructor(options: InMemoryPaymentGatewayOptions) {
    this.clock = options.clock
    this.secret = options.secret
    this.toleranceSeconds = options.toleranceSeconds ?? 300
  }

  createIntent(req: CreateIntent): Effect.Effect<Intent, PaymentDeclined> {
    return Effect.suspend(() => {
      const seen = this.createKeys.get(req.idempotencyKey)
      if (seen !== undefined) {
        if (seen.declined !== null) return Effect.fail(new PaymentDeclined({ reason: seen.declined }))
        return Effect.succeed(this.view(this.record(seen.ref)))
      }
      if (!Number.isSafeInteger(req.amount) || req.amount <= 0)
        return Effect.fail(new PaymentDeclined({ reason: `invalid amount ${req.amount}` }))
      this.intentSeq += 1
      const ref = `pi_mem_${pad(this.intentSeq)}`
      const rec: IntentRecord = {
        providerRef: ref,
        amount: req.amount,
        currency: req.currency,
        captureMethod: req.captureMethod,
        metadata: { ...req.metadata },
        clientSecret: `${ref}_secret_${pad(this.intentSeq)}`,
        status: 'requires_payment_method',
        amountCapturable: 0,
        amountReceived: 0,
        amountRefunded: 0,
        lastError: null,
      }
      if (req.offSession !== undefined) {
        const saved = this.intents.get(req.offSession.savedFrom)
        if (saved === undefined || saved.amountReceived === 0)
          return Effect.fail(
            new PaymentDeclined({ reason: `no payment method saved from ${req.offSession.savedFrom}` }),
          )
      }
      this.intents.set(ref, rec)
      if (req.offSession !== undefined) {
        const decline = this.offSessionDeclines.shift()
        if (decline !== undefined) {
          rec.lastError = decline
          this.emit('payment_intent.payment_failed', rec)
          this.createKeys.set(req.idempotencyKey, { ref, declined: decline })
          return Effect.fail(new PaymentDeclined({ reason: decline }))
        }
        this.authorize(rec)
      }
      this.createKeys.set(req.idempotencyKey, { ref, declined: null })
      return Effect.succeed(this.view(rec))
    })
  }

  retrieve(providerRef: string): Effect.Effect<Intent> {
    return Effect.sync(() => this.view(this.record(providerRef)))
  }

  capture(providerRef: string, _idempotencyKey: string): Effect.Effect<Intent, PaymentDeclined> {
    return Effect.suspend(() => {
      const rec = this.record(providerRef)
      if (rec.status === 'succeeded') return Effect.succeed(this.view(rec))
      if (rec.status !== 'requires_capture')
        return Effect.fail(
          new PaymentDeclined({ reason: `cannot capture a payment in status ${rec.status}` }),
        )
      rec.amountReceived = rec.amountCapturable
      rec.amountCapturable = 0
      rec.status = 'succeeded'
      this.emit('payment_intent.succeeded', rec)
      return Effect.succeed(this.view(rec))
    })
  }

  /** Cancels an uncaptured intent; a succeeded intent is returned unchanged (refund it instead). */
  cancel(providerRef: string, _idempotencyKey: string): Effect.Effect<Intent> {
    return Effect.sync(() => {
      const rec = this.record(providerRef)
      if (rec.status === 'succeeded' || rec.status === 'canceled') return this.view(rec)
      rec.status = 'canceled'
      rec.amountCapturable = 0
      this.emit('payment_intent.canceled', rec)
      return this.view(rec)
    })
  }

  refund(
    providerRef: string,
    amount: number,
    idempotencyKey: string,
  ): Effect.Effect<{ readonly refundRef: string; readonly intent: Intent }, PaymentDeclined> {
    return Effect.suspend(() => {
      const seen = this.refundKeys.get(idempotencyKey)
      if (seen !== undefined)
        return Effect.succeed({ refundRef: seen.refundRef, intent: this.view(this.record(seen.ref)) })
      const rec = this.record(providerRef)
      if (rec.status !== 'succeeded')
        return Effect.fail(new PaymentDeclined({ reason: `cannot refund a payment in status ${rec.status}` }))
      if (!Number.isSafeInteger(amount) || amount <= 0)
        return Effect.fail(new PaymentDeclined({ reason: `invalid refund amount ${amount}` }))
      if (rec.amountRefunded + amount > rec.amountReceived)
        return Effect.fail(
          new PaymentDeclined({
            reason: `refund of ${amount} exceeds the ${rec.amountReceived - rec.amountRefunded} left to refund`,
          }),
        )
      rec.amountRefunded += amount
      this.refundSeq += 1
      const refundRef = `re_mem_${pad(this.refundSeq)}`
      this.refundKeys.set(idempotencyKey, { refundRef, ref: providerRef })
      this.emit('charge.refunded', rec)
      return Effect.succeed({ refundRef, intent: this.view(rec) })
    })
  }

  verifyEvent(
    rawBody: string,
    signature: string,
  ): Effect.Effect<ProviderEvent | IgnoredProviderEvent, InvalidProviderEvent> {
    return Effect.suspend((): Effect.Effect<ProviderEvent | IgnoredProviderEvent, InvalidProviderEvent> => {
      const fail = (reason: string) => Effect.fail(new InvalidProviderEvent({ reason }))
      let timestamp: number | undefined
      const candidates: string[] = []
      for (const part of signature.split(',')) {
        const eq = part.indexOf('=')
        if (eq < 0) continue
        const k = part.slice(0, eq).trim()
        const v = part.slice(eq + 1).trim()
        if (k === 't' && /^\d{1,12}$/.test(v)) timestamp = Number(v)
        else if (k === 'v1') candidates.push(v)
      }
      if (timestamp === undefined) return fail('signature header has no timestamp')
      if (candidates.length === 0) return fail('signature header has no v1 signature')
      const expected = createHmac('sha256', this.secret).update(`${timestamp}.${rawBody}`).digest()
      const matches = candidates.some((hex) => {
        if (!/^[0-9a-f]+$/i.test(hex)) return false
        const given = Buffer.from(hex, 'hex')
        return given.length === expected.length && timingSafeEqual(given, expected)
      })
      if (!matches) return fail('signature does not match the body')
      const nowSeconds = Math.floor(this.clock.now() / 1000)
      if (Math.abs(nowSeconds - timestamp) > this.toleranceSeconds)
        return fail('signature timestamp is outside the tolerance window')
      const envelope = decodeEnvelope(rawBody)
      if (Result.isFailure(envelope)) return fail(`malformed event body: ${String(envelope.failure)}`)
      if (!knownType(envelope.success.type)) {
        const ignored: IgnoredProviderEvent = {
          kind: 'ignored',
          id: envelope.success.id,
          type: envelope.success.type,
        }
        return Effect.succeed(ignored)
      }
      const decoded = decodeBody(rawBody)
      if (Result.isFailure(decoded)) return fail(`malformed event body: ${String(decoded.failure)}`)
      const e = decoded.success
      const event: ProviderEvent = { kind: 'payment', ...e, created: instant(e.created) }
      return Effect.succeed(event)
    })
  }

  // ---- test controls (not part of the port) ----

  /**
   * Simulates the payer confirming the payment on the provider's side: `succeed` authorizes a
   * manual-capture intent (requires_capture) or captures an automatic one (succeeded); `fail`
   * leaves it in requires_payment_method with the error. Each queues its signed event.
   */
  confirmPayment(providerRef: string, outcome: 'succeed' | 'fail', failureMessage = 'card_declined'): Intent {
    const rec = this.record(providerRef)
    if (rec.status !== 'requires_payment_method')
      throw new Error(`cannot confirm ${providerRef}: status is ${rec.status}`)
    if (outcome === 'fail') {
      rec.lastError = failureMessage
      this.emit('payment_intent.payment_failed', rec)
    } else {
      this.authorize(rec)
    }
    return this.view(rec)
  }

  /** Makes the next `count` off-session charges decline with `reason`. */
  declineNextOffSession(count = 1, reason = 'card_declined'): void {
    for (let i = 0; i < count; i++) this.offSessionDeclines.push(reason)
  }

  /** Queues a signed event of a type the core does not use (e.g. `customer.created`). */
  emitUnusedEvent(type = 'customer.created'): void {
    this.eventSeq += 1
    const rawBody = JSON.stringify({ id: `evt_mem_${pad(this.eventSeq)}`, type })
    this.queue({ rawBody, signature: this.sign(rawBody) })
  }

  /** Queued webhooks, oldest first, without removing them. */
  pendingDeliveries(): ProviderDelivery[] {
    return [...this.deliveries]
  }

  /** Removes and returns every queued webhook, oldest first. */
  takeDeliveries(): ProviderDelivery[] {
    return this.deliveries.splice(0, this.deliveries.length)
  }

  /** Also pushes each new webhook to `handler` (on a microtask, like a network hop). Returns an unsubscribe. */
  onDelivery(handler: (delivery: ProviderDelivery) => void): () => void {
    this.handlers.add(handler)
    return () => {
      this.handlers.delete(handler)
    }
  }

  /** Signs any body with this gateway's secret, e.g. to replay or forge events in tests. */
  sign(rawBody: string, timestampSeconds = Math.floor(this.clock.now() / 1000)): string {
    return signPayload(rawBody, this.secret, timestampSeconds)
  }

  // ---- internals ----

  private authorize(rec: IntentRecord): void {
    rec.lastError = null
    if (rec.captureMethod === 'manual') {
      rec.status = 'requires_capture'
      rec.amountCapturable = rec.amount
      this.emit('payment_intent.amount_capturable_updated', rec)
    } else {
      rec.status = 'succeeded'
      rec.amountReceived = rec.amount
      this.emit('payment_intent.succeeded', rec)
    }
  }

  private record(providerRef: string): IntentRecord {
    const rec = this.intents.get(providerRef)
    if (rec === undefined) throw new Error(`no payment intent ${providerRef}`)
    return rec
  }

  private view(rec: IntentRecord): Intent {
    return {
      providerRef: rec.providerRef,
      status: rec.status,
      amount: rec.amount,
      amountCapturable: rec.amountCapturable,
      amountReceived: rec.amountReceived,
      amountRefunded: rec.amountRefunded,
      clientSecret: rec.clientSecret,
    }
  }

  private emit(type: ProviderEventType, rec: IntentRecord): void {
    this.eventSeq += 1
    const now = this.clock.now()
    const event: Omit<ProviderEvent, 'kind'> = {
      id: `evt_mem_${pad(this.eventSeq)}`,
      type,
      providerRef: rec.providerRef,
      amount: rec.amount,
      metadata: rec.metadata,
      amountCapturable: rec.amountCapturable,
      amountReceived: rec.amountReceived,
      amountRefunded: rec.amountRefunded,
      failureMessage: type === 'payment_intent.payment_failed' ? rec.lastError : null,
      created: now,
    }
    const rawBody = JSON.stringify(event)
    this.queue({ rawBody, signature: this.sign(rawBody, Math.floor(now / 1000)) })
  }

  private queue(delivery: ProviderDelivery): void {
    this.deliveries.push(delivery)
    for (const handler of this.handlers) queueMicrotask(() => handler(delivery))
  }
}
