import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, startTestApi, type TestApi } from './support/api.js'
import {
  activeListing,
  advanceTo,
  bookAndPay,
  deliverWebhooks,
  expectProblem,
  expectStatus,
  getBooking,
  MINUTE,
  payOverHttp,
  requestBooking,
  sentTo,
  signIn,
} from './support/journey.js'

/*
 * Modifying a booking, holds that expire, the cap on pending holds, and a failed payment — over HTTP.
 *
 * The listing: 100.00 a night, 20.00 cleaning, 5.00 per extra guest per night above 2 guests, 10 %
 * service fee, no tax, at least 2 nights. Totals used below (guest pays = subtotal + 10 %):
 *   2 nights, 2 guests: 200.00 + 20.00                 = 220.00 → 242.00
 *   4 nights, 2 guests: 400.00 + 20.00                 = 420.00 → 462.00  (+220.00 charged)
 *   4 nights, 3 guests: 400.00 + 20.00 + 4 × 5.00      = 440.00 → 484.00  (+22.00 charged)
 *   3 nights, 3 guests: 300.00 + 20.00 + 3 × 5.00      = 335.00 → 368.50  (115.50 refunded)
 */
const T_2N_2G = 24_200
const T_4N_2G = 46_200
const T_4N_3G = 48_400
const T_3N_3G = 36_850

describe('journey: modification, hold expiry, pending-holds cap, failed payment', () => {
  let api: TestApi
  let host: Account
  let guest: Account
  let other: Account
  let listingId: string
  beforeAll(async () => {
    api = await startTestApi()
    host = await api.account('m-host', ['guest', 'host'])
    guest = await api.account('m-guest')
    other = await api.account('m-other')
    listingId = (
      await activeListing(api, host, {
        pricing: {
          base_nightly: 10_000,
          cleaning_fee: 2_000,
          extra_guest_fee: 500,
          extra_guest_threshold: 2,
          service_fee_bp: 1_000,
        },
        restrictions: { min_nights: 2 },
      })
    ).id
  })
  afterAll(() => api.close())

  const available = async (from: string, to: string): Promise<number[]> => {
    const res = await api.request('GET', `/api/v1/listings/${listingId}/calendar?from=${from}&to=${to}`)
    expectStatus(res, 200)
    return res.json.nights.map((n: { available: number }) => n.available)
  }
  const netPaid = async (who: Account, bookingId: string): Promise<{ net: number; purposes: string[] }> => {
    const res = await api.request('GET', '/api/v1/payments?limit=100', { token: who.token })
    expectStatus(res, 200)
    const mine = res.json.items.filter((p: { booking_id: string }) => p.booking_id === bookingId) as {
      captured_amount: number
      refunded_amount: number
      purpose: string
    }[]
    return {
      net: mine.reduce((a, p) => a + p.captured_amount - p.refunded_amount, 0),
      purposes: mine.map((p) => p.purpose).sort(),
    }
  }

  it('modify a confirmed booking: longer → the difference is charged; more guests → charged; shorter → refunded', async () => {
    const b = await bookAndPay(api, guest, listingId, { checkIn: '2026-02-02', checkOut: '2026-02-04' })
    expect(b).toMatchObject({ state: 'confirmed', paid_amount: T_2N_2G })

    const longer = await api.request('PATCH', `/api/v1/bookings/${b.id}`, {
      token: guest.token,
      body: { check_out: '2026-02-06' },
    })
    expectStatus(longer, 200)
    expect(longer.json).toMatchObject({
      state: 'confirmed',
      check_in: '2026-02-02',
      check_out: '2026-02-06',
      nights: 4,
      paid_amount: T_4N_2G,
      change_in_progress: false,
    })
    expect(longer.json.quote.guest_total).toBe(T_4N_2G)
    expect(longer.json.modifications).toEqual([
      {
        at: expect.any(String),
        from: { check_in: '2026-02-02', check_out: '2026-02-04', guests: 2, total: T_2N_2G },
        to: { check_in: '2026-02-02', check_out: '2026-02-06', guests: 2, total: T_4N_2G },
      },
    ])
    expect(await available('2026-02-02', '2026-02-07')).toEqual([0, 0, 0, 0, 1])

    const moreGuests = await api.request('PATCH', `/api/v1/bookings/${b.id}`, {
      token: guest.token,
      body: { guests: 3 },
    })
    expectStatus(moreGuests, 200)
    expect(moreGuests.json).toMatchObject({ guests: 3, paid_amount: T_4N_3G })
    expect(moreGuests.json.quote.guest_lines).toContainEqual({
      code: 'extra_guest_fee',
      quantity: 4,
      unit_amount: 500,
      amount: 2_000,
    })

    const shorter = await api.request('PATCH', `/api/v1/bookings/${b.id}`, {
      token: guest.token,
      body: { check_in: '2026-02-03' },
    })
    expectStatus(shorter, 200)
    expect(shorter.json).toMatchObject({
      check_in: '2026-02-03',
      check_out: '2026-02-06',
      nights: 3,
      paid_amount: T_3N_3G,
      refunded_amount: T_4N_3G - T_3N_3G,
    })
    expect(shorter.json.modifications).toHaveLength(3)
    expect(await available('2026-02-02', '2026-02-07')).toEqual([1, 0, 0, 0, 1])

    // The provider's events for the charges and the refund arrive over HTTP and converge.
    for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
    const after = await getBooking(api, guest, b.id)
    expect([after.paid_amount, after.refunded_amount]).toEqual([T_3N_3G, T_4N_3G - T_3N_3G])
    // Money follows state: across the booking's payments the guest has paid exactly the new total.
    const paid = await netPaid(guest, b.id)
    expect(paid.net).toBe(T_3N_3G)
    expect(paid.purposes).toEqual(['booking', 'modification', 'modification'])
  })

  it('a modification that cannot happen changes nothing: taken nights 409, a rule 422, a declined card 402, the host 403', async () => {
    const mine = await bookAndPay(api, guest, listingId, { checkIn: '2026-02-09', checkOut: '2026-02-11' })
    await bookAndPay(api, other, listingId, { checkIn: '2026-02-11', checkOut: '2026-02-13' })

    const taken = await api.request('PATCH', `/api/v1/bookings/${mine.id}`, {
      token: guest.token,
      body: { check_out: '2026-02-12' },
    })
    expectProblem(taken, 409, 'nights_unavailable')
    expect(taken.json.nights).toEqual(['2026-02-11'])

    const tooShort = await api.request('PATCH', `/api/v1/bookings/${mine.id}`, {
      token: guest.token,
      body: { check_out: '2026-02-10' },
    })
    expectProblem(tooShort, 422, 'stay_restriction_violated')

    api.engine.adapters.gateway.declineNextOffSession()
    const declined = await api.request('PATCH', `/api/v1/bookings/${mine.id}`, {
      token: guest.token,
      body: { guests: 4 },
    })
    expectProblem(declined, 402, 'payment_declined')

    const byHost = await api.request('PATCH', `/api/v1/bookings/${mine.id}`, {
      token: host.token,
      body: { guests: 1 },
    })
    expectProblem(byHost, 403, 'forbidden')
    expectProblem(
      await api.request('PATCH', `/api/v1/bookings/${mine.id}`, { token: guest.token, body: {} }),
      400,
      'validation_failed',
    )

    for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
    const after = await getBooking(api, guest, mine.id)
    expect(after).toMatchObject({
      check_in: '2026-02-09',
      check_out: '2026-02-11',
      guests: 2,
      paid_amount: T_2N_2G,
      modifications: [],
      change_in_progress: false,
    })
    expect((await netPaid(guest, mine.id)).net).toBe(T_2N_2G)
    expect(await available('2026-02-09', '2026-02-13')).toEqual([0, 0, 0, 0])
  })

  it('a pending booking moves its held nights; checkout then asks for the new total', async () => {
    const b = await requestBooking(api, guest, listingId, { checkIn: '2026-02-16', checkOut: '2026-02-18' })
    expectStatus(b, 201)
    const moved = await api.request('PATCH', `/api/v1/bookings/${b.json.id}`, {
      token: guest.token,
      body: { check_in: '2026-02-23', check_out: '2026-02-27' },
    })
    expectStatus(moved, 200)
    expect(moved.json).toMatchObject({ state: 'pending_payment', nights: 4, paid_amount: 0 })
    expect(moved.json.quote.guest_total).toBe(T_4N_2G)
    expect(await available('2026-02-16', '2026-02-18')).toEqual([1, 1])
    expect(await available('2026-02-23', '2026-02-27')).toEqual([0, 0, 0, 0])
    const { checkout } = await payOverHttp(api, guest, b.json.id)
    expect(checkout.json.payment.amount).toBe(T_4N_2G)
    expect(await getBooking(api, guest, b.json.id)).toMatchObject({
      state: 'confirmed',
      paid_amount: T_4N_2G,
    })
  })

  it('hold expiry: unpaid for 15 minutes → expired by the timer, the open checkout voided, the nights free for others', async () => {
    const b = await requestBooking(api, guest, listingId, { checkIn: '2026-03-02', checkOut: '2026-03-04' })
    expectStatus(b, 201)
    const checkout = await api.request('POST', `/api/v1/bookings/${b.json.id}/checkout`, {
      token: guest.token,
    })
    expectStatus(checkout, 200)
    const due = Date.parse(b.json.expires_at)
    expect(due - api.engine.adapters.clock.now()).toBe(15 * MINUTE)
    expect(await available('2026-03-02', '2026-03-04')).toEqual([0, 0])
    // The other guest cannot take the held nights.
    const blocked = await requestBooking(api, other, listingId, {
      checkIn: '2026-03-03',
      checkOut: '2026-03-05',
    })
    expectProblem(blocked, 409, 'nights_unavailable')
    expect(blocked.json.nights).toEqual(['2026-03-03'])

    await advanceTo(api, due - 1)
    expect((await getBooking(api, guest, b.json.id)).state).toBe('pending_payment')
    await advanceTo(api, due)
    guest = await signIn(api, guest)
    other = await signIn(api, other)
    const expired = await getBooking(api, guest, b.json.id)
    expect(expired).toMatchObject({ state: 'expired', expires_at: null, paid_amount: 0 })
    expect((expired.history as { actor: string; to: string }[]).at(-1)).toMatchObject({
      to: 'expired',
      actor: 'system',
    })
    const pay = await api.request('GET', `/api/v1/payments/${checkout.json.payment.id}`, {
      token: guest.token,
    })
    expect(pay.json.status).toBe('voided')
    expect(await available('2026-03-02', '2026-03-04')).toEqual([1, 1])
    expect(sentTo(api, guest.email, 'booking_expired')).toHaveLength(1)
    // Paying now is too late.
    expectProblem(
      await api.request('POST', `/api/v1/bookings/${b.json.id}/checkout`, { token: guest.token }),
      409,
      'invalid_transition',
    )
    const taken = await requestBooking(api, other, listingId, {
      checkIn: '2026-03-02',
      checkOut: '2026-03-04',
    })
    expectStatus(taken, 201)
  })

  it('at most 3 pending holds per guest: the 4th is 409 too_many_pending_bookings until one is paid', async () => {
    const cap = await api.account('m-capped')
    const stays = [
      ['2026-04-06', '2026-04-08'],
      ['2026-04-13', '2026-04-15'],
      ['2026-04-20', '2026-04-22'],
      ['2026-04-27', '2026-04-29'],
    ] as const
    const ids: string[] = []
    for (const [checkIn, checkOut] of stays.slice(0, 3)) {
      const r = await requestBooking(api, cap, listingId, { checkIn, checkOut })
      expectStatus(r, 201)
      ids.push(r.json.id)
    }
    const [checkIn, checkOut] = stays[3]
    const fourth = await requestBooking(api, cap, listingId, { checkIn, checkOut })
    expectProblem(fourth, 409, 'too_many_pending_bookings')
    // The refused request held nothing.
    expect(await available(checkIn, checkOut)).toEqual([1, 1])
    // Another guest is not affected by this guest's cap.
    const others = await requestBooking(api, other, listingId, {
      checkIn: '2026-05-04',
      checkOut: '2026-05-06',
    })
    expectStatus(others, 201)

    await payOverHttp(api, cap, ids[0]!)
    const now = await requestBooking(api, cap, listingId, { checkIn, checkOut })
    expectStatus(now, 201)
  })

  it('a declined card: the webhook reports the failure, the booking stays pending and can be paid again', async () => {
    const b = await requestBooking(api, guest, listingId, { checkIn: '2026-05-11', checkOut: '2026-05-13' })
    expectStatus(b, 201)
    const { checkout, webhooks } = await payOverHttp(api, guest, b.json.id, 'fail')
    expect(webhooks.map((w) => w.json.outcome)).toEqual(['applied'])
    const pay = await api.request('GET', `/api/v1/payments/${checkout.json.payment.id}`, {
      token: guest.token,
    })
    expect(pay.json).toMatchObject({ status: 'failed', captured_amount: 0 })
    expect(pay.json.failure_reason).toBeTruthy()
    expect((await getBooking(api, guest, b.json.id)).state).toBe('pending_payment')
    await api.advance(0)
    expect(sentTo(api, guest.email, 'payment_failed')).toHaveLength(1)

    const retry = await payOverHttp(api, guest, b.json.id)
    expect(retry.checkout.json.payment.id).not.toBe(checkout.json.payment.id)
    expect(await getBooking(api, guest, b.json.id)).toMatchObject({
      state: 'confirmed',
      paid_amount: T_2N_2G,
    })
  })

  it('every response matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
