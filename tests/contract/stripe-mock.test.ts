import { Effect } from 'effect'
import Stripe from 'stripe'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import {
  KEY_WINDOW_MS,
  StripePaymentGateway,
  StripePayoutGateway,
  type StripeRequestRecord,
  type StripeResponseRecord,
} from '../../adapters/stripe/index.js'
import { PaymentDeclined } from '../../core/domain/shared/errors.js'
import type { Currency } from '../../core/domain/shared/money.js'
import { failure, run, T0 } from './fixtures.js'

/**
 * Request shapes against stripe-mock: Stripe's own mock, generated from Stripe's OpenAPI spec,
 * validates every parameter of every request (names, types, enums, required fields) and answers
 * 400 otherwise. Each gateway method is driven through the SDK against it, and the requests it made
 * are checked: the endpoints, the parameters innkeeper relies on, an idempotency key on every POST.
 * stripe-mock is stateless, so this proves shapes, not flows (the stateful test server does those).
 */

const url = inject('stripeMockUrl')
const JPY = 'JPY' as Currency
const USD = 'USD' as Currency

let requests: StripeRequestRecord[] = []
let responses: StripeResponseRecord[] = []
let gateway: StripePaymentGateway
beforeEach(() => {
  requests = []
  responses = []
  gateway = new StripePaymentGateway({
    secretKey: 'sk_test_123',
    webhookSecret: 'whsec_unused',
    clock: new ManualClock(T0),
    apiBaseUrl: url,
    retry: { retries: 0, baseDelayMs: 1 },
    onRequest: (r) => requests.push(r),
    onResponse: (r) => responses.push(r),
  })
})
afterEach(() => {
  // Every request was answered, and stripe-mock found nothing to object to in any of them.
  expect(responses.map((r) => r.status)).toEqual(requests.map(() => 200))
})

// biome-ignore lint/suspicious/noExplicitAny: request bodies are read field by field
const body = (r: StripeRequestRecord | undefined): any => r?.body
const posts = () => requests.filter((r) => r.method === 'POST')
/** `GET /v1/payment_intents/pi_1` (the query, where the SDK puts `expand`, left off). */
const line = (r: StripeRequestRecord) => `${r.method} ${r.path.split('?')[0]}`
const query = (r: StripeRequestRecord | undefined) => decodeURIComponent(r?.path.split('?')[1] ?? '')

describe('stripe-mock validates every request the StripePaymentGateway makes', () => {
  it('the stand-in is strict: a PaymentIntent without a currency is refused with 400', async () => {
    const u = new URL(url)
    const sdk = new Stripe('sk_test_123', { host: u.hostname, port: Number(u.port), protocol: 'http' })
    const err = await sdk.paymentIntents
      .create({ amount: 100 } as unknown as Stripe.PaymentIntentCreateParams)
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect((err as Stripe.errors.StripeError).statusCode).toBe(400)
  })

  it('createIntent (instant book): a customer, then a PaymentIntent in minor units with automatic capture, the card kept for later', async () => {
    const intent = await run(
      gateway.createIntent({
        amount: 12_345,
        currency: USD,
        captureMethod: 'automatic',
        idempotencyKey: 'checkout:bkg_1:1',
        metadata: { bookingId: 'bkg_1', paymentId: 'pay_bkg_1_1', guestId: 'usr_1' },
      }),
    )
    expect(intent.providerRef).toMatch(/^pi_/)
    expect(intent.clientSecret).toContain('_secret_')
    expect(requests.map(line)).toEqual(['POST /v1/customers', 'POST /v1/payment_intents'])
    const [customer, pi] = requests
    expect(customer?.idempotencyKey).toBe('checkout:bkg_1:1:customer')
    expect(body(customer)).toEqual({ metadata: { innkeeper_payer: 'usr_1' } })
    expect(pi?.idempotencyKey).toBe('checkout:bkg_1:1')
    expect(body(pi)).toMatchObject({
      amount: 12_345,
      currency: 'usd',
      capture_method: 'automatic',
      setup_future_usage: 'off_session',
      allowed_payment_method_types: ['card'],
      metadata: { bookingId: 'bkg_1', paymentId: 'pay_bkg_1_1', guestId: 'usr_1' },
    })
    expect(typeof body(pi).customer).toBe('string')
  })

  it('createIntent (request to book) asks for manual capture; JPY, zero-decimal, goes as whole yen', async () => {
    await run(
      gateway.createIntent({
        amount: 48_000,
        currency: JPY,
        captureMethod: 'manual',
        idempotencyKey: 'checkout:bkg_2:1',
        metadata: { bookingId: 'bkg_2', paymentId: 'pay_bkg_2_1' },
      }),
    )
    const pi = requests.find((r) => r.path === '/v1/payment_intents')
    expect(body(pi)).toMatchObject({ amount: 48_000, currency: 'jpy', capture_method: 'manual' })
  })

  it('createIntent off-session: the saved card of an earlier payment, confirmed at once without the payer; an unfinished attempt is canceled', async () => {
    // stripe-mock answers with its canned intent, which is not succeeded: the adapter cancels the
    // attempt and declines. What counts here is that Stripe's spec accepts all three requests.
    const declined = await failure(
      gateway.createIntent({
        amount: 2_500,
        currency: USD,
        captureMethod: 'automatic',
        idempotencyKey: 'modify:chg_bkg_1_v4',
        metadata: { bookingId: 'bkg_1', paymentId: 'pay_chg_bkg_1_v4', purpose: 'modification' },
        offSession: { savedFrom: 'pi_first' },
      }),
    )
    expect(declined).toBeInstanceOf(PaymentDeclined)
    expect(requests.map(line)).toEqual([
      'GET /v1/payment_intents/pi_first',
      'POST /v1/payment_intents',
      expect.stringMatching(/^POST \/v1\/payment_intents\/pi_\w+\/cancel$/),
    ])
    expect(requests[2]?.idempotencyKey).toBe('modify:chg_bkg_1_v4:void')
    expect(query(requests[0])).toBe('expand[0]=latest_charge&expand[1]=customer&expand[2]=payment_method')
    const pi = requests[1]
    expect(pi?.idempotencyKey).toBe('modify:chg_bkg_1_v4')
    expect(body(pi)).toMatchObject({
      amount: 2_500,
      currency: 'usd',
      capture_method: 'automatic',
      off_session: true,
      confirm: true,
      metadata: { purpose: 'modification' },
    })
    expect(typeof body(pi).customer).toBe('string')
    expect(typeof body(pi).payment_method).toBe('string')
  })

  it('retrieve reads the intent with its latest charge expanded (for the refunded total)', async () => {
    const intent = await run(gateway.retrieve('pi_123'))
    expect(intent.providerRef).toBeTruthy()
    expect(requests.map(line)).toEqual(['GET /v1/payment_intents/pi_123'])
    expect(query(requests[0])).toBe('expand[0]=latest_charge')
  })

  it('capture and cancel POST with the key the core derived', async () => {
    await run(gateway.capture('pi_123', 'capture:pay_bkg_3_1'))
    await run(gateway.cancel('pi_456', 'void:pay_bkg_4_1'))
    expect(posts().map((r) => [r.path, r.idempotencyKey])).toEqual([
      ['/v1/payment_intents/pi_123/capture', 'capture:pay_bkg_3_1'],
      ['/v1/payment_intents/pi_456/cancel', 'void:pay_bkg_4_1'],
    ])
  })

  it('refund: a Refund for the PaymentIntent with the amount in minor units, then the intent read back', async () => {
    const r = await run(gateway.refund('pi_123', 700, 'refund:pay_bkg_5_1:0:700'))
    expect(r.refundRef).toMatch(/^re_/)
    expect(requests.map(line)).toEqual([
      'GET /v1/payment_intents/pi_123',
      'POST /v1/refunds',
      'GET /v1/payment_intents/pi_123',
    ])
    expect(requests[1]?.idempotencyKey).toBe('refund:pay_bkg_5_1:0:700')
    expect(body(requests[1])).toEqual({ payment_intent: 'pi_123', amount: 700 })
  })

  it('auto_confirm in development confirms with the test card pm_card_visa', async () => {
    await run(gateway.confirmForDevelopment('pi_789'))
    expect(posts()).toHaveLength(1)
    expect(posts()[0]).toMatchObject({ path: '/v1/payment_intents/pi_789/confirm' })
    expect(body(posts()[0])).toMatchObject({ payment_method: 'pm_card_visa' })
    expect(posts()[0]?.idempotencyKey).toBe('dev-confirm:pi_789:pm_card_visa')
  })

  it('every POST carried an idempotency key, and stripe-mock accepted every request', async () => {
    await run(
      Effect.all([
        gateway.createIntent({
          amount: 100,
          currency: USD,
          captureMethod: 'manual',
          idempotencyKey: 'k1',
          metadata: {},
        }),
        gateway.capture('pi_1', 'k2'),
        gateway.cancel('pi_1', 'k3'),
        gateway.refund('pi_1', 100, 'k4'),
      ]),
    )
    for (const r of posts()) expect(r.idempotencyKey).toBeTruthy()
  })
})

describe('stripe-mock validates every request the StripePayoutGateway makes', () => {
  const seen: { method: string; path: string; idempotencyKey: string | undefined; status?: number }[] = []
  const client = () => {
    const u = new URL(url)
    const sdk = new Stripe('sk_test_123', {
      host: u.hostname,
      port: Number(u.port),
      protocol: 'http',
      maxNetworkRetries: 0,
      telemetry: false,
    })
    sdk.on('request', (e: Stripe.RequestEvent) =>
      seen.push({ method: e.method, path: e.path, idempotencyKey: e.idempotency_key }),
    )
    sdk.on('response', (e: Stripe.ResponseEvent) => {
      const r = seen.find((s) => s.status === undefined && s.path === e.path)
      if (r !== undefined) r.status = e.status
    })
    return sdk
  }
  const clock = new ManualClock(T0)
  const request = {
    amount: 25_050,
    currency: 'EUR' as Currency,
    destination: 'acct_1Lisbon',
    idempotencyKey: 'payout:usr_1:EUR:7',
    openedAt: T0,
    metadata: { payoutId: 'po_1', hostId: 'usr_1' },
  }
  beforeEach(() => {
    seen.length = 0
  })

  it('transfer: POST /v1/transfers with the payout key as Idempotency-Key; stripe-mock accepts its parameters', async () => {
    const t = await run(new StripePayoutGateway({ client: client(), clock }).transfer(request))
    expect(t.transferRef).toMatch(/^tr_/)
    expect(seen).toEqual([
      { method: 'POST', path: '/v1/transfers', idempotencyKey: 'payout:usr_1:EUR:7', status: 200 },
    ])
  })

  it('a payout past its first key window: GET /v1/transfers?transfer_group=…, then POST under the window key; both accepted', async () => {
    const late = new ManualClock(T0)
    late.advance(KEY_WINDOW_MS)
    // stripe-mock's fixture transfer is not this payout's (another amount), so it is made.
    await run(new StripePayoutGateway({ client: client(), clock: late }).transfer(request))
    expect(seen.map((s) => [s.method, s.path.split('?')[0], s.status])).toEqual([
      ['GET', '/v1/transfers', 200],
      ['POST', '/v1/transfers', 200],
    ])
    expect(decodeURIComponent(seen[0]!.path.split('?')[1] ?? '')).toContain(
      'transfer_group=payout:usr_1:EUR:7',
    )
    expect(seen[1]!.idempotencyKey).toBe('payout:usr_1:EUR:7~w1')
  })
})
