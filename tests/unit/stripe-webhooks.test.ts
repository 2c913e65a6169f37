import { Effect } from 'effect'
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { StripePaymentGateway } from '../../adapters/stripe/index.js'
import { InvalidProviderEvent } from '../../core/domain/shared/errors.js'

/**
 * Webhook signatures as Stripe makes them (the SDK's `generateTestHeaderString`), checked by the
 * adapter with the SDK's real `constructEvent` on the raw body; and the mapping of each event type
 * innkeeper uses onto the core's provider events, from payloads typed by the SDK (pinned version).
 */

const SECRET = 'whsec_unit_test_secret'
const T = Date.UTC(2026, 5, 1, 12)
const clock = new ManualClock(T)
// The gateway never calls Stripe in these tests: only verifyEvent, which is local for these types.
const gateway = new StripePaymentGateway({
  secretKey: 'sk_test_unit',
  webhookSecret: SECRET,
  clock,
  apiBaseUrl: 'http://127.0.0.1:9',
})
const sign = (payload: string, secret = SECRET, timestamp = Math.floor(clock.now() / 1000)) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp })
const verify = (raw: string, header: string) =>
  Effect.runPromise(Effect.result(gateway.verifyEvent(raw, header)))

const intent = (patch: Partial<Stripe.PaymentIntent> = {}): Stripe.PaymentIntent =>
  ({
    id: 'pi_unit_1',
    object: 'payment_intent',
    amount: 12_000,
    amount_capturable: 0,
    amount_received: 0,
    currency: 'usd',
    metadata: { bookingId: 'bkg_1', paymentId: 'pay_bkg_1_1' },
    status: 'requires_payment_method',
    last_payment_error: null,
    capture_method: 'automatic',
    client_secret: 'pi_unit_1_secret_x',
    latest_charge: null,
    ...patch,
  }) as Stripe.PaymentIntent

const event = (type: string, object: object, id = 'evt_unit_1'): string =>
  JSON.stringify(
    {
      id,
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: Math.floor(T / 1000),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    },
    null,
    2,
  )

describe('Stripe webhook signatures (SDK signing, SDK constructEvent)', () => {
  const body = event('payment_intent.succeeded', intent({ status: 'succeeded', amount_received: 12_000 }))

  it('a valid signature on the raw body is accepted', async () => {
    const r = await verify(body, sign(body))
    expect(r._tag).toBe('Success')
  })

  it('a tampered body is rejected (the signature covers every byte)', async () => {
    const header = sign(body)
    const tampered = body.replace('"amount_received": 12000', '"amount_received": 99000')
    expect(tampered).not.toBe(body)
    const r = await verify(tampered, header)
    expect(r._tag).toBe('Failure')
    if (r._tag === 'Failure') expect(r.failure).toBeInstanceOf(InvalidProviderEvent)
  })

  it('a re-serialized body is rejected too: verification is on the raw bytes, not the JSON', async () => {
    const header = sign(body)
    const r = await verify(JSON.stringify(JSON.parse(body)), header)
    expect(r._tag).toBe('Failure')
  })

  it('an expired signature (older than the 300 s tolerance, by the Clock port) is rejected', async () => {
    const old = Math.floor(clock.now() / 1000) - 301
    const r = await verify(body, sign(body, SECRET, old))
    expect(r._tag).toBe('Failure')
    if (r._tag === 'Failure') expect(r.failure.reason).toMatch(/tolerance/i)
    const recent = Math.floor(clock.now() / 1000) - 299
    expect((await verify(body, sign(body, SECRET, recent)))._tag).toBe('Success')
  })

  it('a signature made with another secret is rejected', async () => {
    const r = await verify(body, sign(body, 'whsec_someone_else'))
    expect(r._tag).toBe('Failure')
  })

  it('a missing or malformed header is rejected', async () => {
    for (const header of ['', 'garbage', `t=${Math.floor(T / 1000)}`, 'v1=abc'])
      expect((await verify(body, header))._tag).toBe('Failure')
  })

  it('a signed body that is not a Stripe event is rejected', async () => {
    for (const raw of [
      '{}',
      JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded' }),
    ])
      expect((await verify(raw, sign(raw)))._tag).toBe('Failure')
  })
})

describe('Stripe event types onto the core’s provider events', () => {
  const mapped = async (type: string, object: object) => {
    const raw = event(type, object)
    return Effect.runPromise(gateway.verifyEvent(raw, sign(raw)))
  }

  it('payment_intent.succeeded: received amount, metadata and amount', async () => {
    expect(
      await mapped('payment_intent.succeeded', intent({ status: 'succeeded', amount_received: 12_000 })),
    ).toEqual({
      kind: 'payment',
      id: 'evt_unit_1',
      type: 'payment_intent.succeeded',
      providerRef: 'pi_unit_1',
      amount: 12_000,
      metadata: { bookingId: 'bkg_1', paymentId: 'pay_bkg_1_1' },
      amountCapturable: 0,
      amountReceived: 12_000,
      amountRefunded: 0,
      failureMessage: null,
      created: T,
    })
  })

  it('payment_intent.amount_capturable_updated: the authorized amount', async () => {
    const e = await mapped(
      'payment_intent.amount_capturable_updated',
      intent({ status: 'requires_capture', capture_method: 'manual', amount_capturable: 12_000 }),
    )
    expect(e).toMatchObject({ type: 'payment_intent.amount_capturable_updated', amountCapturable: 12_000 })
  })

  it('payment_intent.payment_failed: the issuer’s decline code as the failure', async () => {
    const e = await mapped(
      'payment_intent.payment_failed',
      intent({
        last_payment_error: {
          type: 'card_error',
          code: 'card_declined',
          decline_code: 'insufficient_funds',
          message: 'Your card has insufficient funds.',
        },
      }),
    )
    expect(e).toMatchObject({ type: 'payment_intent.payment_failed', failureMessage: 'insufficient_funds' })
  })

  it('payment_intent.canceled', async () => {
    const e = await mapped(
      'payment_intent.canceled',
      intent({ status: 'canceled', cancellation_reason: null }),
    )
    expect(e).toMatchObject({ type: 'payment_intent.canceled', providerRef: 'pi_unit_1' })
  })

  it('charge.refunded: the charge’s cumulative captured and refunded amounts, for its PaymentIntent', async () => {
    const charge = {
      id: 'ch_1',
      object: 'charge',
      amount: 12_000,
      amount_captured: 12_000,
      amount_refunded: 4_000,
      currency: 'usd',
      payment_intent: 'pi_unit_1',
      metadata: { bookingId: 'bkg_1' },
      refunded: false,
      status: 'succeeded',
    } as Partial<Stripe.Charge>
    expect(await mapped('charge.refunded', charge)).toMatchObject({
      type: 'charge.refunded',
      providerRef: 'pi_unit_1',
      amountReceived: 12_000,
      amountRefunded: 4_000,
    })
  })

  it('zero-decimal JPY amounts come back as they are; ISK (two-decimal at Stripe) is scaled', async () => {
    expect(
      await mapped(
        'payment_intent.succeeded',
        intent({ currency: 'jpy', amount: 48_000, amount_received: 48_000 }),
      ),
    ).toMatchObject({ amount: 48_000, amountReceived: 48_000 })
    expect(
      await mapped(
        'payment_intent.succeeded',
        intent({ currency: 'isk', amount: 500_000, amount_received: 500_000 }),
      ),
    ).toMatchObject({ amount: 5_000, amountReceived: 5_000 })
  })

  it('types innkeeper does not use are acknowledged as ignored, as are refunds of charges without an intent', async () => {
    expect(await mapped('customer.created', { id: 'cus_1', object: 'customer' })).toEqual({
      kind: 'ignored',
      id: 'evt_unit_1',
      type: 'customer.created',
    })
    expect(
      await mapped('charge.refunded', {
        id: 'ch_2',
        object: 'charge',
        amount: 1,
        amount_captured: 1,
        amount_refunded: 1,
        currency: 'usd',
        payment_intent: null,
        metadata: {},
      }),
    ).toMatchObject({ kind: 'ignored' })
  })

  it('a PaymentIntent event whose object is not a PaymentIntent is invalid, not half-read', async () => {
    const raw = event('payment_intent.succeeded', { id: 'ch_1', object: 'charge' })
    const r = await Effect.runPromise(Effect.result(gateway.verifyEvent(raw, sign(raw))))
    expect(r._tag).toBe('Failure')
  })
})
