import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, listingBody, PASSWORD, startTestApi, type TestApi } from './support/api.js'
import {
  advanceTo,
  deliverWebhooks,
  expectProblem,
  expectStatus,
  getBooking,
  requestBooking,
  sentTo,
  signIn,
} from './support/journey.js'

/*
 * The main journey of issue 3, over real HTTP, one step after another on one server:
 * register → login → the host creates, prices and activates a listing → the guest searches, quotes,
 * books (and retries with the same Idempotency-Key) → checkout → the provider's signed webhook →
 * confirmed → the clock reaches check-in (in progress) and check-out (completed) → both review →
 * the reviews are revealed → the host responds.
 *
 * The listing (Lisbon, UTC+0 in February, check-in 15:00, check-out 11:00): 100.00 a night,
 * 130.00 on weekend nights (Friday and Saturday), a per-night override of 90.00 on Sunday 15 February,
 * 25.00 cleaning, 12 % guest service fee, 6 % tax, the default 3 % host commission.
 * Stay Thu 12 → Mon 16 February 2026, 2 guests:
 *   nights 90.00 + 100.00 + 2 × 130.00 = 450.00; + cleaning 25.00 = 475.00
 *   service 12 % of 475.00 = 57.00; tax 6 % of 475.00 = 28.50   → guest pays 560.50
 *   commission 3 % of 475.00 = 14.25                              → host earns 460.75
 */
const STAY = { checkIn: '2026-02-12', checkOut: '2026-02-16', guests: 2 }
const GUEST_TOTAL = 45_000 + 2_500 + 5_700 + 2_850
const HOST_PAYOUT = 47_500 - 1_425

describe('journey: instant booking from sign-up to the host answering a review', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi()
  })
  afterAll(() => api.close())

  // State carried from step to step (the tests of this describe run in order).
  let host: Account
  let guest: Account
  let listingId: string
  let bookingId: string
  let paymentId: string
  let guestReviewId: string

  it('register and login: 201 with the account (no password echoed), then tokens for it', async () => {
    const accounts: Account[] = []
    for (const [name, roles] of [
      ['hana', ['guest', 'host']],
      ['gil', ['guest']],
    ] as const) {
      const email = `${name}@journey.example`
      const reg = await api.request('POST', '/api/v1/auth/register', {
        body: { email, password: PASSWORD, name, roles },
      })
      expectStatus(reg, 201)
      expect(reg.json).toMatchObject({ email, name, roles, status: 'active', email_verified: false })
      expect(reg.text).not.toContain(PASSWORD)
      const login = await api.login(email)
      expectStatus(login, 200)
      expect(login.json).toMatchObject({ token_type: 'Bearer', expires_in: 900, user: { id: reg.json.id } })
      accounts.push({
        id: reg.json.id,
        email,
        token: login.json.access_token,
        refreshToken: login.json.refresh_token,
      })
    }
    ;[host, guest] = accounts as [Account, Account]
    // The same e-mail cannot register twice (normalised: case does not matter).
    const again = await api.request('POST', '/api/v1/auth/register', {
      body: { email: 'HANA@journey.example', password: PASSWORD, name: 'x', roles: ['guest'] },
    })
    expectProblem(again, 409, 'email_already_registered')
  })

  it('the host creates a draft, prices it, overrides one night and activates it; a guest may not create one', async () => {
    const draft = await api.request('POST', '/api/v1/listings', {
      token: host.token,
      body: listingBody({ title: 'Journey loft', pricing: { base_nightly: 10_000 } }),
    })
    expectStatus(draft, 201)
    expect(draft.json.status).toBe('draft')
    expect(draft.headers.get('location')).toBe(`/api/v1/listings/${draft.json.id}`)
    listingId = draft.json.id
    // A draft is not bookable and not visible to others.
    expectProblem(await api.request('GET', `/api/v1/listings/${listingId}`), 404, 'listing_not_found')

    const priced = await api.request('PATCH', `/api/v1/listings/${listingId}`, {
      token: host.token,
      body: { pricing: { weekend_nightly: 13_000, cleaning_fee: 2_500, service_fee_bp: 1_200, tax_bp: 600 } },
    })
    expectStatus(priced, 200)
    // Pricing merges field by field: the base price set at creation is kept.
    expect(priced.json.pricing).toMatchObject({
      base_nightly: 10_000,
      weekend_nightly: 13_000,
      weekend_days: [5, 6],
      cleaning_fee: 2_500,
      service_fee_bp: 1_200,
      tax_bp: 600,
      commission_bp: 300,
    })

    const cal = await api.request('PATCH', `/api/v1/listings/${listingId}/calendar`, {
      token: host.token,
      body: { from: '2026-02-15', to: '2026-02-16', price_override: 9_000 },
    })
    expectStatus(cal, 200)
    expect(cal.json.nights).toEqual([
      { date: '2026-02-15', available: 1, units: 1, blocked: false, price: 9_000, held: 0, booked: 0 },
    ])

    const activated = await api.request('POST', `/api/v1/listings/${listingId}/activate`, {
      token: host.token,
    })
    expectStatus(activated, 200)
    expect(activated.json.status).toBe('active')

    // Creating a listing needs the host role.
    const byGuest = await api.request('POST', '/api/v1/listings', { token: guest.token, body: listingBody() })
    expectProblem(byGuest, 403, 'forbidden')
  })

  it('the guest searches and quotes: the same server-side price, line by line', async () => {
    const search = await api.request(
      'GET',
      `/api/v1/listings?city=Lisbon&check_in=${STAY.checkIn}&check_out=${STAY.checkOut}&guests=2`,
      { token: guest.token },
    )
    expectStatus(search, 200)
    const hit = search.json.items.find((h: { listing: { id: string } }) => h.listing.id === listingId)
    expect(hit).toBeDefined()

    const quote = await api.request(
      'GET',
      `/api/v1/listings/${listingId}/quote?check_in=${STAY.checkIn}&check_out=${STAY.checkOut}&guests=2`,
    )
    expectStatus(quote, 200)
    expect(quote.json.nights).toEqual([
      { date: '2026-02-12', amount: 10_000, source: 'base', surge_bp: null },
      { date: '2026-02-13', amount: 13_000, source: 'weekend', surge_bp: null },
      { date: '2026-02-14', amount: 13_000, source: 'weekend', surge_bp: null },
      { date: '2026-02-15', amount: 9_000, source: 'override', surge_bp: null },
    ])
    expect(quote.json.guest_lines).toEqual([
      { code: 'nights', quantity: 1, unit_amount: 9_000, amount: 9_000 },
      { code: 'nights', quantity: 1, unit_amount: 10_000, amount: 10_000 },
      { code: 'nights', quantity: 2, unit_amount: 13_000, amount: 26_000 },
      { code: 'cleaning_fee', quantity: 1, unit_amount: 2_500, amount: 2_500 },
      { code: 'service_fee', quantity: 1, unit_amount: 5_700, amount: 5_700 },
      { code: 'occupancy_tax', quantity: 1, unit_amount: 2_850, amount: 2_850 },
    ])
    expect(quote.json).toMatchObject({
      currency: 'EUR',
      guest_total: GUEST_TOTAL,
      host_payout: HOST_PAYOUT,
      platform_fee: 5_700 + 1_425,
      tax: 2_850,
    })
    // Totals are sums of lines.
    const sum = (lines: { amount: number }[]) => lines.reduce((a, l) => a + l.amount, 0)
    expect(sum(quote.json.guest_lines)).toBe(GUEST_TOTAL)
    expect(sum(quote.json.host_lines)).toBe(HOST_PAYOUT)
    // The search hit carries the same quote.
    expect(hit.quote).toEqual(quote.json)
  })

  it('the guest books with an Idempotency-Key; the retry replays the same 201 and body and books nothing more', async () => {
    const first = await requestBooking(api, guest, listingId, STAY, 'journey-book-1')
    expectStatus(first, 201)
    expect(first.json).toMatchObject({
      state: 'pending_payment',
      guest_id: guest.id,
      host_id: host.id,
      nights: 4,
      paid_amount: 0,
      booking_mode: 'instant',
      check_in_at: '2026-02-12T15:00:00.000Z',
      check_out_at: '2026-02-16T11:00:00.000Z',
    })
    expect(first.json.quote.guest_total).toBe(GUEST_TOTAL)
    // Held for 15 minutes while the guest pays.
    expect(Date.parse(first.json.expires_at) - api.engine.adapters.clock.now()).toBe(15 * 60_000)
    bookingId = first.json.id

    const retry = await requestBooking(api, guest, listingId, STAY, 'journey-book-1')
    expectStatus(retry, 201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.text).toBe(first.text)
    expect(retry.headers.get('location')).toBe(`/api/v1/bookings/${bookingId}`)

    const mine = await api.request('GET', '/api/v1/bookings', { token: guest.token })
    expectStatus(mine, 200)
    expect(mine.json.items.map((b: { id: string }) => b.id)).toEqual([bookingId])
    // The host sees the nights held; the public calendar sees them unavailable.
    const hostCal = await api.request(
      'GET',
      `/api/v1/listings/${listingId}/calendar?from=2026-02-11&to=2026-02-17`,
      {
        token: host.token,
      },
    )
    expectStatus(hostCal, 200)
    expect(hostCal.json.nights.map((n: { held: number }) => n.held)).toEqual([0, 1, 1, 1, 1, 0])
    const publicCal = await api.request(
      'GET',
      `/api/v1/listings/${listingId}/calendar?from=2026-02-11&to=2026-02-17`,
    )
    expect(publicCal.json.nights.map((n: { available: number }) => n.available)).toEqual([1, 0, 0, 0, 0, 1])
    expect(publicCal.json.nights[0]).not.toHaveProperty('held')
  })

  it('checkout, then the provider’s signed webhook over HTTP confirms the booking; a replayed event is a duplicate', async () => {
    const checkout = await api.request('POST', `/api/v1/bookings/${bookingId}/checkout`, {
      token: guest.token,
    })
    expectStatus(checkout, 200)
    expect(checkout.json.payment).toMatchObject({
      amount: GUEST_TOTAL,
      currency: 'EUR',
      status: 'requires_payment',
      capture_method: 'automatic',
      purpose: 'booking',
    })
    expect(checkout.json.client_secret).toMatch(/_secret_/)
    expect(checkout.json.booking.state).toBe('pending_payment')
    paymentId = checkout.json.payment.id

    // A forged event (signature over another body) is refused and changes nothing.
    api.engine.adapters.gateway.confirmPayment(checkout.json.payment.provider_ref, 'succeed')
    const [delivery] = api.engine.adapters.gateway.pendingDeliveries()
    const forged = await api.request('POST', '/api/v1/webhooks/payments/memory', {
      raw: delivery!.rawBody.replace(`"amountReceived":${GUEST_TOTAL}`, '"amountReceived":1'),
      headers: { 'content-type': 'application/json', 'stripe-signature': delivery!.signature },
    })
    expectProblem(forged, 400, 'invalid_provider_event')
    expect((await getBooking(api, guest, bookingId)).state).toBe('pending_payment')

    const [applied] = await deliverWebhooks(api)
    expectStatus(applied!, 200)
    expect(applied!.json).toEqual({ received: true, outcome: 'applied' })
    const replay = await api.request('POST', '/api/v1/webhooks/payments/memory', {
      raw: delivery!.rawBody,
      headers: { 'content-type': 'application/json', 'stripe-signature': delivery!.signature },
    })
    expectStatus(replay, 200)
    expect(replay.json).toEqual({ received: true, outcome: 'duplicate' })

    const confirmed = await getBooking(api, guest, bookingId)
    expect(confirmed.state).toBe('confirmed')
    expect(confirmed.paid_amount).toBe(GUEST_TOTAL)
    expect((confirmed.history as { from: string; to: string }[]).map((h) => [h.from, h.to])).toEqual([
      ['pending_payment', 'confirmed'],
    ])
    expect(confirmed.expires_at).toBeNull()
  })

  it('payments list and get: the captured payment, for the guest only', async () => {
    const list = await api.request('GET', '/api/v1/payments', { token: guest.token })
    expectStatus(list, 200)
    expect(list.json.items).toHaveLength(1)
    expect(list.json.items[0]).toMatchObject({
      id: paymentId,
      booking_id: bookingId,
      status: 'captured',
      captured_amount: GUEST_TOTAL,
      refunded_amount: 0,
    })
    const one = await api.request('GET', `/api/v1/payments/${paymentId}`, { token: guest.token })
    expectStatus(one, 200)
    expect(one.json).toEqual(list.json.items[0])
    // Someone else's payment does not exist for a stranger.
    const stranger = await api.account('stranger')
    expectProblem(
      await api.request('GET', `/api/v1/payments/${paymentId}`, { token: stranger.token }),
      404,
      'payment_not_found',
    )
    expect((await api.request('GET', '/api/v1/payments', { token: stranger.token })).json.items).toEqual([])
  })

  it('the guest and the host are notified of the confirmation (through the outbox relay)', async () => {
    await api.advance(0)
    expect(sentTo(api, guest.email, 'booking_confirmed')).toHaveLength(1)
    expect(sentTo(api, host.email, 'booking_confirmed')).toHaveLength(1)
  })

  it('the clock reaches check-in: in progress; then check-out: completed', async () => {
    const booking = await getBooking(api, guest, bookingId)
    await advanceTo(api, Date.parse(booking.check_in_at as string) - 1)
    guest = await signIn(api, guest)
    expect((await getBooking(api, guest, bookingId)).state).toBe('confirmed')
    await advanceTo(api, Date.parse(booking.check_in_at as string))
    guest = await signIn(api, guest)
    expect((await getBooking(api, guest, bookingId)).state).toBe('in_progress')
    // Reviews are only for completed stays.
    expectProblem(
      await api.request('POST', `/api/v1/bookings/${bookingId}/reviews`, {
        token: guest.token,
        body: { rating: 5 },
      }),
      422,
      'review_not_allowed',
    )
    await advanceTo(api, Date.parse(booking.check_out_at as string))
    guest = await signIn(api, guest)
    host = await signIn(api, host)
    const done = await getBooking(api, guest, bookingId)
    expect(done.state).toBe('completed')
    // Only moves of the transition table, by the system's timers after the guest's payment.
    expect((done.history as { from: string; to: string }[]).map((h) => `${h.from}>${h.to}`)).toEqual([
      'pending_payment>confirmed',
      'confirmed>in_progress',
      'in_progress>completed',
    ])
    expect(done.paid_amount).toBe(GUEST_TOTAL)
  })

  it('both review: hidden (double-blind) until the second review reveals both; the rating aggregate counts it', async () => {
    const byGuest = await api.request('POST', `/api/v1/bookings/${bookingId}/reviews`, {
      token: guest.token,
      body: { rating: 4, categories: { cleanliness: 5, check_in: 4 }, comment: 'Bright and quiet' },
    })
    expectStatus(byGuest, 201)
    expect(byGuest.json).toMatchObject({ direction: 'guest_to_listing', visible: false, rating: 4 })
    guestReviewId = byGuest.json.id
    // Not public yet, and the author cannot post twice.
    expect((await api.request('GET', `/api/v1/listings/${listingId}/reviews`)).json.items).toEqual([])
    expectProblem(
      await api.request('POST', `/api/v1/bookings/${bookingId}/reviews`, {
        token: guest.token,
        body: { rating: 1 },
      }),
      409,
      'review_already_posted',
    )

    const byHost = await api.request('POST', `/api/v1/bookings/${bookingId}/reviews`, {
      token: host.token,
      body: { rating: 5, comment: 'Tidy guest' },
    })
    expectStatus(byHost, 201)
    expect(byHost.json).toMatchObject({ direction: 'host_to_guest', visible: true, subject_id: guest.id })

    const listingReviews = await api.request('GET', `/api/v1/listings/${listingId}/reviews`)
    expectStatus(listingReviews, 200)
    expect(listingReviews.json.items).toHaveLength(1)
    expect(listingReviews.json.items[0]).toMatchObject({
      id: guestReviewId,
      visible: true,
      rating: 4,
      comment: 'Bright and quiet',
      categories: { cleanliness: 5, check_in: 4 },
    })
    const aboutGuest = await api.request('GET', `/api/v1/users/${guest.id}/reviews`)
    expectStatus(aboutGuest, 200)
    expect(
      aboutGuest.json.items.map((r: { rating: number; comment: string }) => [r.rating, r.comment]),
    ).toEqual([[5, 'Tidy guest']])
    const listing = await api.request('GET', `/api/v1/listings/${listingId}`)
    expect(listing.json.rating).toMatchObject({
      count: 1,
      average: 4,
      categories: { cleanliness: 5, check_in: 4, accuracy: null },
    })
  })

  it('the host responds once; a second response is 409; the guest cannot respond', async () => {
    const byGuest = await api.request('POST', `/api/v1/reviews/${guestReviewId}/response`, {
      token: guest.token,
      body: { comment: 'Me too' },
    })
    expect([403, 404]).toContain(byGuest.status)
    const res = await api.request('POST', `/api/v1/reviews/${guestReviewId}/response`, {
      token: host.token,
      body: { comment: 'Thank you, come back!' },
    })
    expectStatus(res, 201)
    expect(res.json.response).toMatchObject({ comment: 'Thank you, come back!' })
    const again = await api.request('POST', `/api/v1/reviews/${guestReviewId}/response`, {
      token: host.token,
      body: { comment: 'Again' },
    })
    expectProblem(again, 409, 'response_already_posted')
    const listed = await api.request('GET', `/api/v1/listings/${listingId}/reviews`)
    expect(listed.json.items[0].response.comment).toBe('Thank you, come back!')
  })

  it('every response of the journey matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
