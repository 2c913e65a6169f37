import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, STRIPE_WEBHOOK_SECRET, startTestApi, type TestApi } from './support/api.js'
import {
  activeListing,
  advanceTo,
  bookAndPay,
  DAY,
  deliverWebhooks,
  expectProblem,
  expectStatus,
  getBooking,
  HOUR,
  payOverHttp,
  requestBooking,
  signIn,
} from './support/journey.js'

/*
 * The booking journeys over real HTTP with INNKEEPER_PAYMENTS=stripe: StripePaymentGateway talks to
 * the stateful Stripe test server through the SDK, the payer confirms on "Stripe's side" with
 * Stripe's test cards, and Stripe's signed webhooks (every event type, as an endpoint enabled for `*`
 * receives them) come back to POST /webhooks/payments/stripe. After each step the test reads both
 * sides: the booking as the API shows it, and the money as Stripe holds it.
 *
 * The listings: 100.00 EUR a night, 20.00 cleaning, 10 % service fee. Two nights: 242.00.
 */
const T_2N = 24_200
const T_3N = 35_200
const T_4N = 46_200

describe('journey with Stripe: instant book, request to book, modification, webhooks', () => {
  let api: TestApi
  let stripe: NonNullable<TestApi['stripe']>
  let host: Account
  let guest: Account
  let instant: string
  let request: string

  beforeAll(async () => {
    api = await startTestApi({ payments: 'stripe' })
    stripe = api.stripe!
    host = await api.account('s-host', ['guest', 'host'])
    guest = await api.account('s-guest')
    instant = (await activeListing(api, host, { cancellation_policy: 'flexible' })).id
    request = (await activeListing(api, host, { booking_mode: 'request', cancellation_policy: 'flexible' }))
      .id
  })
  afterAll(() => api.close())

  const payments = async (bookingId: string) => {
    const res = await api.request('GET', '/api/v1/payments?limit=100', { token: guest.token })
    expectStatus(res, 200)
    return (res.json.items as { booking_id: string; purpose: string; status: string }[]).filter(
      (p) => p.booking_id === bookingId,
    )
  }

  it('instant book: checkout creates a PaymentIntent at Stripe; the payer confirms; the succeeded webhook confirms the booking', async () => {
    const booked = await requestBooking(api, guest, instant, {
      checkIn: '2026-02-02',
      checkOut: '2026-02-04',
    })
    expectStatus(booked, 201)
    const checkout = await api.request('POST', `/api/v1/bookings/${booked.json.id}/checkout`, {
      token: guest.token,
      headers: { 'idempotency-key': 'pay-first' },
    })
    expectStatus(checkout, 200)
    const ref = checkout.json.payment.provider_ref as string
    expect(checkout.json.payment).toMatchObject({
      provider: 'stripe',
      amount: T_2N,
      capture_method: 'automatic',
    })
    expect(checkout.json.client_secret).toMatch(new RegExp(`^${ref}_secret_`))

    // Stripe's side: minor units, the ids in metadata, a customer, the card kept for later charges.
    const pi = stripe.intents.get(ref)!
    expect(pi).toMatchObject({
      amount: T_2N,
      currency: 'eur',
      capture_method: 'automatic',
      setup_future_usage: 'off_session',
      status: 'requires_payment_method',
      metadata: { bookingId: booked.json.id, paymentId: checkout.json.payment.id, guestId: guest.id },
    })
    expect(pi.customer).toMatch(/^cus_/)

    // A retried checkout (same Idempotency-Key, or none) makes no second intent.
    const again = await api.request('POST', `/api/v1/bookings/${booked.json.id}/checkout`, {
      token: guest.token,
    })
    expectStatus(again, 200)
    expect(again.json.payment.provider_ref).toBe(ref)
    expect(stripe.intentsFor(booked.json.id)).toHaveLength(1)

    await api.payments.confirm(ref, 'succeed')
    const answers = await deliverWebhooks(api)
    expect(answers.length).toBeGreaterThan(0)
    for (const a of answers) expectStatus(a, 200)
    const b = await getBooking(api, guest, booked.json.id)
    expect(b).toMatchObject({ state: 'confirmed', paid_amount: T_2N })
    expect(stripe.intents.get(ref)).toMatchObject({ status: 'succeeded', amount_received: T_2N })
    expect(stripe.netCapturedFor(booked.json.id)).toBe(T_2N)
    expect(await payments(booked.json.id)).toMatchObject([{ status: 'captured', purpose: 'booking' }])
  })

  it('webhooks delivered twice and shuffled converge: one confirmation, the same amounts', async () => {
    stripe.duplicate = true
    stripe.reorder = true
    try {
      const booked = await requestBooking(api, guest, instant, {
        checkIn: '2026-02-09',
        checkOut: '2026-02-11',
      })
      expectStatus(booked, 201)
      const { webhooks } = await payOverHttp(api, guest, booked.json.id)
      expect(webhooks.length).toBeGreaterThanOrEqual(4)
      const b = await getBooking(api, guest, booked.json.id)
      expect(b).toMatchObject({ state: 'confirmed', paid_amount: T_2N, refunded_amount: 0 })
      await api.advance(0)
      const confirmedEvents = api.engine.adapters.publisher
        .published()
        .filter((e) => e.type === 'innkeeper.booking.confirmed.v1' && e.subject === booked.json.id)
      expect(confirmedEvents).toHaveLength(1)
    } finally {
      stripe.duplicate = false
      stripe.reorder = false
    }
  })

  it('auto_confirm in development confirms the PaymentIntent with pm_card_visa through the adapter', async () => {
    const b = await bookAndPay(api, guest, instant, { checkIn: '2026-02-16', checkOut: '2026-02-18' })
    expect(b).toMatchObject({ state: 'confirmed', paid_amount: T_2N })
    const [pi] = stripe.intentsFor(b.id)
    expect(pi?.status).toBe('succeeded')
    expect(stripe.paymentMethods.get(pi?.payment_method as string)?.card?.last4).toBe('4242')
  })

  it('request to book accepted: authorized (manual capture), sent to the host, captured at Stripe on accept', async () => {
    const booked = await requestBooking(api, guest, request, {
      checkIn: '2026-03-02',
      checkOut: '2026-03-04',
    })
    expectStatus(booked, 201)
    const { checkout } = await payOverHttp(api, guest, booked.json.id)
    const ref = checkout.json.payment.provider_ref as string
    expect(stripe.intents.get(ref)).toMatchObject({
      capture_method: 'manual',
      status: 'requires_capture',
      amount_capturable: T_2N,
    })
    expect((await getBooking(api, guest, booked.json.id)).state).toBe('awaiting_host')
    expect(stripe.netCapturedFor(booked.json.id)).toBe(0)

    const accepted = await api.request('POST', `/api/v1/bookings/${booked.json.id}/accept`, {
      token: host.token,
    })
    expectStatus(accepted, 200)
    expect(accepted.json).toMatchObject({ state: 'confirmed', paid_amount: T_2N })
    expect(stripe.intents.get(ref)).toMatchObject({
      status: 'succeeded',
      amount_received: T_2N,
      amount_capturable: 0,
    })
    const captures = stripe.requests({
      method: 'POST',
      path: new RegExp(`^/v1/payment_intents/${ref}/capture$`),
    })
    expect(captures.map((r) => r.idempotencyKey)).toEqual([`capture:${checkout.json.payment.id}`])
    for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
    expect(await getBooking(api, guest, booked.json.id)).toMatchObject({
      state: 'confirmed',
      paid_amount: T_2N,
    })
  })

  it('request to book declined: the authorization is canceled at Stripe, nothing charged', async () => {
    const booked = await requestBooking(api, guest, request, {
      checkIn: '2026-03-09',
      checkOut: '2026-03-11',
    })
    expectStatus(booked, 201)
    const { checkout } = await payOverHttp(api, guest, booked.json.id)
    const ref = checkout.json.payment.provider_ref as string
    const declined = await api.request('POST', `/api/v1/bookings/${booked.json.id}/decline`, {
      token: host.token,
      body: { reason: 'not those dates' },
    })
    expectStatus(declined, 200)
    expect(declined.json.state).toBe('declined')
    expect(stripe.intents.get(ref)).toMatchObject({
      status: 'canceled',
      amount_capturable: 0,
      amount_received: 0,
    })
    for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
    expect(await payments(booked.json.id)).toMatchObject([{ status: 'voided' }])
    expect(stripe.netCapturedFor(booked.json.id)).toBe(0)
  })

  it('request to book unanswered for 24 h: expired by the timer, the authorization canceled at Stripe', async () => {
    const booked = await requestBooking(api, guest, request, {
      checkIn: '2026-03-16',
      checkOut: '2026-03-18',
    })
    expectStatus(booked, 201)
    const { checkout } = await payOverHttp(api, guest, booked.json.id)
    await api.advance(24 * HOUR)
    guest = await signIn(api, guest)
    expect((await getBooking(api, guest, booked.json.id)).state).toBe('expired')
    expect(stripe.intents.get(checkout.json.payment.provider_ref)?.status).toBe('canceled')
  })

  it('modification top-up: the difference is charged off-session on the card saved with the first payment', async () => {
    guest = await signIn(api, guest)
    const b = await bookAndPay(api, guest, instant, { checkIn: '2026-04-06', checkOut: '2026-04-08' })
    const [first] = stripe.intentsFor(b.id)
    const longer = await api.request('PATCH', `/api/v1/bookings/${b.id}`, {
      token: guest.token,
      body: { check_out: '2026-04-10' },
    })
    expectStatus(longer, 200)
    expect(longer.json).toMatchObject({ check_out: '2026-04-10', paid_amount: T_4N })
    const intents = stripe.intentsFor(b.id)
    expect(intents).toHaveLength(2)
    const topUp = intents.find((pi) => pi.id !== first?.id)!
    expect(topUp).toMatchObject({
      amount: T_4N - T_2N,
      status: 'succeeded',
      customer: first?.customer,
      payment_method: first?.payment_method,
      metadata: { bookingId: b.id, purpose: 'modification' },
    })
    const create = stripe
      .requests({ method: 'POST', path: /^\/v1\/payment_intents$/ })
      .find((r) => r.idempotencyKey?.startsWith('modify:'))
    expect(create?.idempotencyKey).toMatch(new RegExp(`^modify:chg_${b.id}_v\\d+$`))
    for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
    expect(stripe.netCapturedFor(b.id)).toBe(T_4N)

    // Shorter again: the excess is refunded through Stripe, the newest payment first.
    const shorter = await api.request('PATCH', `/api/v1/bookings/${b.id}`, {
      token: guest.token,
      body: { check_out: '2026-04-09' },
    })
    expectStatus(shorter, 200)
    expect(shorter.json).toMatchObject({ paid_amount: T_3N, refunded_amount: T_4N - T_3N })
    for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
    expect(stripe.netCapturedFor(b.id)).toBe(T_3N)
    expect(
      [...stripe.refunds.values()].filter((r) => r.payment_intent === topUp.id).map((r) => r.amount),
    ).toEqual([T_4N - T_3N])
  })

  for (const outcome of ['authentication_required', 'requires_action', 'card_declined'] as const)
    it(`modification whose off-session charge ends ${outcome}: 402, the booking unchanged, nothing kept at Stripe`, async () => {
      guest = await signIn(api, guest)
      const checkIn = {
        authentication_required: '2026-05-04',
        requires_action: '2026-05-11',
        card_declined: '2026-05-18',
      }[outcome]
      const checkOut = `2026-05-${String(Number(checkIn.slice(8)) + 2).padStart(2, '0')}`
      const longerTo = `2026-05-${String(Number(checkIn.slice(8)) + 3).padStart(2, '0')}`
      const b = await bookAndPay(api, guest, instant, { checkIn, checkOut })
      stripe.nextOffSession(outcome)
      const res = await api.request('PATCH', `/api/v1/bookings/${b.id}`, {
        token: guest.token,
        body: { check_out: longerTo },
      })
      expectProblem(res, 402, 'payment_declined')
      if (outcome !== 'card_declined') expect(res.json.reason).toBe('authentication_required')
      for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
      const after = await getBooking(api, guest, b.id)
      expect(after).toMatchObject({
        state: 'confirmed',
        check_out: checkOut,
        paid_amount: T_2N,
        change_in_progress: false,
      })
      expect(after.modifications).toEqual([])
      const attempt = stripe.intentsFor(b.id).find((pi) => pi.metadata.purpose === 'modification')
      expect(attempt?.status).toBe('canceled')
      expect(stripe.netCapturedFor(b.id)).toBe(T_2N)
      expect((await payments(b.id)).map((p) => p.purpose)).toEqual(['booking'])
      // The night the change wanted is still free.
      const cal = await api.request(
        'GET',
        `/api/v1/listings/${instant}/calendar?from=${checkOut}&to=${longerTo}`,
      )
      expect(cal.json.nights.map((n: { available: number }) => n.available)).toEqual([1])
    })

  it('webhook endpoint: a forged signature is 400 invalid_provider_event; an event type innkeeper does not use is acknowledged', async () => {
    const payload = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'payment_intent.succeeded' })
    const forged = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: 'whsec_not_the_endpoint_secret',
    })
    const bad = await api.request('POST', '/api/v1/webhooks/payments/stripe', {
      raw: payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': forged },
    })
    expectProblem(bad, 400, 'invalid_provider_event')

    const other = JSON.stringify({
      id: 'evt_other',
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: Math.floor(api.engine.adapters.clock.now() / 1000),
      data: { object: { id: 'po_1', object: 'payout' } },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'payout.paid',
    })
    const signed = Stripe.webhooks.generateTestHeaderString({
      payload: other,
      secret: STRIPE_WEBHOOK_SECRET,
      timestamp: Math.floor(api.engine.adapters.clock.now() / 1000),
    })
    const ok = await api.request('POST', '/api/v1/webhooks/payments/stripe', {
      raw: other,
      headers: { 'content-type': 'application/json', 'stripe-signature': signed },
    })
    expectStatus(ok, 200)
    expect(ok.json).toEqual({ received: true, outcome: 'ignored' })
    // Every webhook the server delivered during the suite was acknowledged.
    expect(stripe.deliveries.filter((d) => d.status !== 200)).toEqual([])
    expect(stripe.deliveries.map((d) => d.type)).toEqual(
      expect.arrayContaining(['customer.created', 'charge.succeeded', 'charge.refunded', 'refund.created']),
    )
  })

  it('a confirmed stay with Stripe payments runs to completion on the timer loop', async () => {
    guest = await signIn(api, guest)
    const b = await bookAndPay(api, guest, instant, { checkIn: '2026-06-01', checkOut: '2026-06-03' })
    await advanceTo(api, Date.parse(b.check_out_at as string) + DAY)
    guest = await signIn(api, guest)
    expect(await getBooking(api, guest, b.id)).toMatchObject({ state: 'completed', paid_amount: T_2N })
    expect(stripe.netCapturedFor(b.id)).toBe(T_2N)
  })

  it('every response matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
