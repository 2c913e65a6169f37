import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, startTestApi, type TestApi } from './support/api.js'
import {
  activeListing,
  advanceTo,
  deliverWebhooks,
  expectProblem,
  expectStatus,
  getBooking,
  HOUR,
  payOverHttp,
  requestBooking,
  sentTo,
  signIn,
} from './support/journey.js'

/*
 * Request to book over HTTP. The payment is only authorized (manual capture) when the guest pays; the
 * booking then waits for the host for 24 hours. Accept captures it; decline voids it and frees the
 * nights; silence expires it. The listing: 100.00 a night, 20.00 cleaning, 10 % service fee, no tax.
 * Two nights: 200.00 + 20.00 = 220.00, service 22.00 → the guest pays 242.00.
 */
const TOTAL = 24_200

describe('journey: request to book, accepted, declined and unanswered', () => {
  let api: TestApi
  let host: Account
  let guest: Account
  let listingId: string
  beforeAll(async () => {
    api = await startTestApi()
    host = await api.account('req-host', ['guest', 'host'])
    guest = await api.account('req-guest')
    listingId = (await activeListing(api, host, { booking_mode: 'request', cancellation_policy: 'strict' }))
      .id
  })
  afterAll(() => api.close())

  const calendar = async (from: string, to: string) => {
    const res = await api.request('GET', `/api/v1/listings/${listingId}/calendar?from=${from}&to=${to}`)
    expectStatus(res, 200)
    return res.json.nights.map((n: { available: number }) => n.available)
  }

  /** A request paid (authorized) over HTTP: awaiting the host. */
  const awaitingHost = async (checkIn: string, checkOut: string) => {
    const booked = await requestBooking(api, guest, listingId, { checkIn, checkOut })
    expectStatus(booked, 201)
    expect(booked.json).toMatchObject({ state: 'pending_payment', booking_mode: 'request' })
    expect(booked.json.quote.guest_total).toBe(TOTAL)
    const { checkout, webhooks } = await payOverHttp(api, guest, booked.json.id)
    expect(checkout.json.payment).toMatchObject({ capture_method: 'manual', amount: TOTAL })
    expect(webhooks.map((w) => w.json.outcome)).toEqual(['applied'])
    const b = await getBooking(api, guest, booked.json.id)
    expect(b.state).toBe('awaiting_host')
    // Nothing captured yet: the authorization only.
    expect(b.paid_amount).toBe(0)
    const pay = await api.request('GET', `/api/v1/payments/${checkout.json.payment.id}`, {
      token: guest.token,
    })
    expect(pay.json).toMatchObject({ status: 'authorized', captured_amount: 0 })
    return { booking: b, paymentId: checkout.json.payment.id as string }
  }

  it('accepted: the authorization is captured and the booking confirmed; the nights stay sold', async () => {
    const { booking, paymentId } = await awaitingHost('2026-03-02', '2026-03-04')
    // The host is told, and sees the request in the host's list; 24 h to answer.
    await api.advance(0)
    expect(sentTo(api, host.email, 'booking_awaiting_host')).toHaveLength(1)
    const inbox = await api.request('GET', '/api/v1/host/bookings', { token: host.token })
    expectStatus(inbox, 200)
    expect(inbox.json.items.map((b: { id: string }) => b.id)).toContain(booking.id)
    expect(Date.parse(booking.expires_at as string) - api.engine.adapters.clock.now()).toBe(24 * HOUR)

    // Only the host answers: the guest takes part in the booking but may not accept or decline it (403).
    const byGuest = await api.request('POST', `/api/v1/bookings/${booking.id}/accept`, { token: guest.token })
    expectProblem(byGuest, 403, 'forbidden')
    const declineByGuest = await api.request('POST', `/api/v1/bookings/${booking.id}/decline`, {
      token: guest.token,
    })
    expectProblem(declineByGuest, 403, 'forbidden')
    const accepted = await api.request('POST', `/api/v1/bookings/${booking.id}/accept`, { token: host.token })
    expectStatus(accepted, 200)
    expect(accepted.json).toMatchObject({ state: 'confirmed', paid_amount: TOTAL, expires_at: null })
    // The provider's capture event arrives over HTTP afterwards and changes nothing.
    for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
    const after = await getBooking(api, guest, booking.id)
    expect(after).toMatchObject({ state: 'confirmed', paid_amount: TOTAL, refunded_amount: 0 })
    const pay = await api.request('GET', `/api/v1/payments/${paymentId}`, { token: guest.token })
    expect(pay.json).toMatchObject({ status: 'captured', captured_amount: TOTAL })
    expect(await calendar('2026-03-02', '2026-03-04')).toEqual([0, 0])

    // A second answer is not a move of the transition table.
    expectProblem(
      await api.request('POST', `/api/v1/bookings/${booking.id}/decline`, { token: host.token }),
      409,
      'invalid_transition',
    )
    await api.advance(0)
    expect(sentTo(api, guest.email, 'booking_confirmed')).toHaveLength(1)
  })

  it('declined: the authorization is voided, nothing is charged and the nights are free again', async () => {
    const { booking, paymentId } = await awaitingHost('2026-03-09', '2026-03-11')
    expect(await calendar('2026-03-09', '2026-03-11')).toEqual([0, 0])
    const declined = await api.request('POST', `/api/v1/bookings/${booking.id}/decline`, {
      token: host.token,
      body: { reason: 'Closed for repairs' },
    })
    expectStatus(declined, 200)
    expect(declined.json).toMatchObject({ state: 'declined', paid_amount: 0, refunded_amount: 0 })
    for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
    const pay = await api.request('GET', `/api/v1/payments/${paymentId}`, { token: guest.token })
    expect(pay.json).toMatchObject({ status: 'voided', captured_amount: 0, refunded_amount: 0 })
    expect(await calendar('2026-03-09', '2026-03-11')).toEqual([1, 1])
    await api.advance(0)
    expect(sentTo(api, guest.email, 'booking_declined')).toHaveLength(1)
    // Accepting a declined request is a conflict.
    expectProblem(
      await api.request('POST', `/api/v1/bookings/${booking.id}/accept`, { token: host.token }),
      409,
      'invalid_transition',
    )
  })

  it('unanswered for 24 hours: expired by the timer, the authorization voided, the nights released', async () => {
    const { booking, paymentId } = await awaitingHost('2026-03-16', '2026-03-18')
    const due = Date.parse(booking.expires_at as string)
    await advanceTo(api, due - 1)
    guest = await signIn(api, guest)
    host = await signIn(api, host)
    expect((await getBooking(api, guest, booking.id)).state).toBe('awaiting_host')
    await advanceTo(api, due)
    for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
    const expired = await getBooking(api, guest, booking.id)
    expect(expired).toMatchObject({ state: 'expired', paid_amount: 0, expires_at: null })
    expect((expired.history as { actor: string; to: string }[]).at(-1)).toMatchObject({
      to: 'expired',
      actor: 'system',
    })
    const pay = await api.request('GET', `/api/v1/payments/${paymentId}`, { token: guest.token })
    expect(pay.json.status).toBe('voided')
    expect(await calendar('2026-03-16', '2026-03-18')).toEqual([1, 1])
    // Too late to accept.
    expectProblem(
      await api.request('POST', `/api/v1/bookings/${booking.id}/accept`, { token: host.token }),
      409,
      'invalid_transition',
    )
  })

  it('auto_confirm on a request-to-book listing only authorizes: the booking goes to the host', async () => {
    const booked = await requestBooking(api, guest, listingId, {
      checkIn: '2026-03-23',
      checkOut: '2026-03-25',
    })
    expectStatus(booked, 201)
    const paid = await api.request('POST', `/api/v1/bookings/${booked.json.id}/checkout`, {
      token: guest.token,
      body: { auto_confirm: true },
    })
    expectStatus(paid, 200)
    expect(paid.json.booking.state).toBe('awaiting_host')
    expect(paid.json.payment.status).toBe('authorized')
  })

  it('every response matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
