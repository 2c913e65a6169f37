import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, startTestApi, type TestApi } from './support/api.js'
import {
  activeListing,
  advanceTo,
  bookAndPay,
  expectProblem,
  expectStatus,
  getBooking,
  requestBooking,
  signIn,
} from './support/journey.js'

/*
 * The host's and the admin's side over HTTP: the calendar (per night available units, price, blocked),
 * the host report (bookings, occupancy, revenue, payouts), and the admin's suspension, reinstatement,
 * user list and review moderation.
 *
 * Home (1 unit): 100.00 a night, 20.00 cleaning, 10 % service fee, 3 % host commission (the default).
 *   2 nights: 220.00 → the guest pays 242.00, the host earns 220.00 − 6.60 = 213.40.
 * Hotel room type (3 units): 80.00 a night, no cleaning, 10 % service fee, 3 % commission.
 *   1 night: the guest pays 88.00, the host earns 80.00 − 2.40 = 77.60.
 */
const HOME_2N = { total: 24_200, payout: 21_340 }
const ROOM_1N = { total: 8_800, payout: 7_760 }

describe('journey: calendar, host report and the admin', () => {
  let api: TestApi
  let host: Account
  let otherHost: Account
  let guest: Account
  let guest2: Account
  let admin: Account
  let home: string
  let room: string
  beforeAll(async () => {
    api = await startTestApi()
    host = await api.account('h-host', ['guest', 'host'])
    otherHost = await api.account('h-other-host', ['guest', 'host'])
    guest = await api.account('h-guest')
    guest2 = await api.account('h-guest2')
    admin = await api.account('h-admin', ['admin'])
    home = (await activeListing(api, host, { title: 'Home' })).id
    room = (
      await activeListing(api, host, {
        title: 'Double room',
        property_type: 'hotel',
        room_type: 'hotel_room',
        units: 3,
        pricing: { base_nightly: 8_000, service_fee_bp: 1_000 },
      })
    ).id
  })
  afterAll(() => api.close())

  const calendar = async (listingId: string, from: string, to: string, who?: Account) => {
    const res = await api.request('GET', `/api/v1/listings/${listingId}/calendar?from=${from}&to=${to}`, {
      ...(who === undefined ? {} : { token: who.token }),
    })
    expectStatus(res, 200)
    return res.json.nights as {
      date: string
      available: number
      units: number
      blocked: boolean
      price: number
      held?: number
      booked?: number
    }[]
  }

  it('calendar PATCH: block, surge and override per night; GET shows available units, price and blocked', async () => {
    const blocked = await api.request('PATCH', `/api/v1/listings/${room}/calendar`, {
      token: host.token,
      body: { from: '2026-03-10', to: '2026-03-12', blocked: true },
    })
    expectStatus(blocked, 200)
    expect(
      blocked.json.nights.map((n: { date: string; blocked: boolean; available: number }) => [
        n.date,
        n.blocked,
        n.available,
      ]),
    ).toEqual([
      ['2026-03-10', true, 0],
      ['2026-03-11', true, 0],
    ])
    expectStatus(
      await api.request('PATCH', `/api/v1/listings/${room}/calendar`, {
        token: host.token,
        body: { from: '2026-03-12', to: '2026-03-13', surge_bp: 15_000 },
      }),
      200,
    )
    expectStatus(
      await api.request('PATCH', `/api/v1/listings/${room}/calendar`, {
        token: host.token,
        body: { from: '2026-03-13', to: '2026-03-14', price_override: 9_000 },
      }),
      200,
    )
    // Two guests take one unit each of 9 March.
    await bookAndPay(api, guest, room, { checkIn: '2026-03-09', checkOut: '2026-03-10' })
    await bookAndPay(api, guest2, room, { checkIn: '2026-03-09', checkOut: '2026-03-10' })

    const pub = await calendar(room, '2026-03-09', '2026-03-15')
    expect(pub).toEqual([
      { date: '2026-03-09', available: 1, units: 3, blocked: false, price: 8_000 },
      { date: '2026-03-10', available: 0, units: 3, blocked: true, price: 8_000 },
      { date: '2026-03-11', available: 0, units: 3, blocked: true, price: 8_000 },
      { date: '2026-03-12', available: 3, units: 3, blocked: false, price: 12_000 },
      { date: '2026-03-13', available: 3, units: 3, blocked: false, price: 9_000 },
      { date: '2026-03-14', available: 3, units: 3, blocked: false, price: 8_000 },
    ])
    // The host also sees what is held and booked.
    const own = await calendar(room, '2026-03-09', '2026-03-10', host)
    expect(own[0]).toMatchObject({ held: 0, booked: 2, available: 1 })

    // Blocked nights are never sold: the refusal names each of them.
    const refused = await requestBooking(api, guest, room, { checkIn: '2026-03-09', checkOut: '2026-03-12' })
    expectProblem(refused, 409, 'nights_unavailable')
    expect(refused.json.nights).toEqual(['2026-03-10', '2026-03-11'])

    // The quote prices the surge and the override.
    const q = await api.request(
      'GET',
      `/api/v1/listings/${room}/quote?check_in=2026-03-12&check_out=2026-03-14&guests=1`,
    )
    expectStatus(q, 200)
    expect(q.json.nights).toEqual([
      { date: '2026-03-12', amount: 12_000, source: 'base', surge_bp: 15_000 },
      { date: '2026-03-13', amount: 9_000, source: 'override', surge_bp: null },
    ])
    expect(q.json.guest_total).toBe(21_000 + 2_100)

    // Unblock and clear: back to 3 free units at the base price.
    expectStatus(
      await api.request('PATCH', `/api/v1/listings/${room}/calendar`, {
        token: host.token,
        body: { from: '2026-03-10', to: '2026-03-14', blocked: false, surge_bp: null, price_override: null },
      }),
      200,
    )
    expect((await calendar(room, '2026-03-10', '2026-03-14')).map((n) => [n.available, n.price])).toEqual([
      [3, 8_000],
      [3, 8_000],
      [3, 8_000],
      [3, 8_000],
    ])
  })

  it("calendar PATCH is the host's: to a guest or another host the listing is not found (404); a bad range is 400", async () => {
    const body = { from: '2026-03-20', to: '2026-03-21', blocked: true }
    expectProblem(
      await api.request('PATCH', `/api/v1/listings/${room}/calendar`, { token: guest.token, body }),
      404,
      'listing_not_found',
    )
    expectProblem(
      await api.request('PATCH', `/api/v1/listings/${room}/calendar`, { token: otherHost.token, body }),
      404,
      'listing_not_found',
    )
    expectProblem(
      await api.request('PATCH', `/api/v1/listings/${room}/calendar`, {
        token: host.token,
        body: { from: '2026-03-21', to: '2026-03-20', blocked: true },
      }),
      400,
      'validation_failed',
    )
    expectProblem(
      await api.request('GET', `/api/v1/listings/${room}/calendar?from=2026-03-20&to=tomorrow`),
      400,
      'validation_failed',
    )
    expect((await calendar(room, '2026-03-20', '2026-03-21'))[0]?.blocked).toBe(false)
  })

  it('host report: bookings by state, occupancy, revenue and payout pro-rated by night, refunds', async () => {
    // April 2026 (30 nights). On the home: a confirmed 2-night stay, a cancelled one (fully refunded),
    // a stay with 1 of its 2 nights inside April, and a pending one; on the room type: 1 night.
    await bookAndPay(api, guest, home, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    const cancelled = await bookAndPay(api, guest, home, { checkIn: '2026-04-14', checkOut: '2026-04-16' })
    const c = await api.request('POST', `/api/v1/bookings/${cancelled.id}/cancel`, { token: guest.token })
    expect(c.json).toMatchObject({ state: 'cancelled', refunded_amount: HOME_2N.total })
    await bookAndPay(api, guest2, home, { checkIn: '2026-04-30', checkOut: '2026-05-02' })
    expectStatus(
      await requestBooking(api, guest2, home, { checkIn: '2026-04-20', checkOut: '2026-04-22' }),
      201,
    )
    await bookAndPay(api, guest2, room, { checkIn: '2026-04-15', checkOut: '2026-04-16' })

    const res = await api.request('GET', '/api/v1/host/reports?from=2026-04-01&to=2026-05-01', {
      token: host.token,
    })
    expectStatus(res, 200)
    const r = res.json
    expect(r.period).toEqual({ from: '2026-04-01', to: '2026-05-01' })
    expect(r.nights).toBe(30)
    const homeRow = r.listings.find((l: { listing_id: string }) => l.listing_id === home)
    expect(homeRow).toMatchObject({
      units: 1,
      currency: 'EUR',
      booked_nights: 3,
      available_nights: 30,
      occupancy: 0.1,
      revenue: HOME_2N.total + HOME_2N.total / 2,
      host_payout: HOME_2N.payout + HOME_2N.payout / 2,
      refunds: HOME_2N.total,
    })
    expect(homeRow.bookings).toMatchObject({ confirmed: 2, cancelled: 1, pending_payment: 1, completed: 0 })
    const roomRow = r.listings.find((l: { listing_id: string }) => l.listing_id === room)
    // Only April's booking of the room counts (March's stays are outside the period).
    expect(roomRow).toMatchObject({
      units: 3,
      booked_nights: 1,
      available_nights: 90,
      revenue: ROOM_1N.total,
      host_payout: ROOM_1N.payout,
      refunds: 0,
    })
    expect(r.totals).toMatchObject({
      booked_nights: 4,
      available_nights: 120,
      money: [
        {
          currency: 'EUR',
          revenue: HOME_2N.total * 1.5 + ROOM_1N.total,
          host_payout: HOME_2N.payout * 1.5 + ROOM_1N.payout,
          refunds: HOME_2N.total,
        },
      ],
    })
    expect(r.totals.occupancy).toBeCloseTo(4 / 120, 10)

    // One listing only; an admin may ask for any host; nobody else may.
    const one = await api.request(
      'GET',
      `/api/v1/host/reports?from=2026-04-01&to=2026-05-01&listing_id=${room}`,
      {
        token: host.token,
      },
    )
    expect(one.json.listings.map((l: { listing_id: string }) => l.listing_id)).toEqual([room])
    const byAdmin = await api.request(
      'GET',
      `/api/v1/host/reports?from=2026-04-01&to=2026-05-01&host_id=${host.id}`,
      {
        token: admin.token,
      },
    )
    expectStatus(byAdmin, 200)
    expect(byAdmin.json).toEqual(r)
    expectProblem(
      await api.request('GET', `/api/v1/host/reports?from=2026-04-01&to=2026-05-01&listing_id=${room}`, {
        token: otherHost.token,
      }),
      404,
      'listing_not_found',
    )
    expectProblem(
      await api.request('GET', `/api/v1/host/reports?from=2026-04-01&to=2026-05-01&host_id=${host.id}`, {
        token: otherHost.token,
      }),
      403,
      'forbidden',
    )
    expectProblem(
      await api.request('GET', '/api/v1/host/reports?from=2026-04-01&to=2026-05-01', { token: guest.token }),
      403,
      'forbidden',
    )
    expectProblem(
      await api.request('GET', '/api/v1/host/reports?from=2026-05-01&to=2026-04-01', { token: host.token }),
      400,
      'validation_failed',
    )
  })

  it('search stays fresh: a cached result drops a listing once its nights sell, deactivation and archiving hide it', async () => {
    const porto = (
      await activeListing(api, host, {
        title: 'Porto flat',
        location: {
          address: 'Rua das Flores 1',
          city: 'Porto',
          country: 'PT',
          lat: 41.14,
          lng: -8.61,
          timezone: 'Europe/Lisbon',
        },
        amenities: ['wifi', 'kitchen'],
      })
    ).id
    const path =
      '/api/v1/listings?city=Porto&check_in=2026-07-01&check_out=2026-07-03&guests=2&amenities=wifi'
    const ids = (res: { json: { items: { listing: { id: string } }[] } }) =>
      res.json.items.map((h) => h.listing.id)
    const first = await api.request('GET', path)
    expectStatus(first, 200)
    expect(ids(first)).toEqual([porto])
    const cached = await api.request('GET', path)
    expect(cached.headers.get('x-cache')).toBe('hit')
    expect(cached.json).toEqual(first.json)
    // A filter that excludes it.
    expect(ids(await api.request('GET', `${path},pool`))).toEqual([])

    // Its nights sell: the cached search must not offer them any more.
    await bookAndPay(api, guest, porto, { checkIn: '2026-07-02', checkOut: '2026-07-03' })
    expect(ids(await api.request('GET', path))).toEqual([])
    expect(
      ids(
        await api.request(
          'GET',
          path.replace('2026-07-01&check_out=2026-07-03', '2026-07-03&check_out=2026-07-05'),
        ),
      ),
    ).toEqual([porto])

    const undated = '/api/v1/listings?city=Porto'
    expect(ids(await api.request('GET', undated))).toEqual([porto])
    const off = await api.request('POST', `/api/v1/listings/${porto}/deactivate`, { token: host.token })
    expectStatus(off, 200)
    expect(off.json.status).toBe('inactive')
    expect(ids(await api.request('GET', undated))).toEqual([])
    expectProblem(
      await requestBooking(api, guest, porto, { checkIn: '2026-07-10', checkOut: '2026-07-12' }),
      409,
      'listing_not_bookable',
    )
    expectStatus(await api.request('POST', `/api/v1/listings/${porto}/activate`, { token: host.token }), 200)
    expect(ids(await api.request('GET', undated))).toEqual([porto])
    expectStatus(await api.request('DELETE', `/api/v1/listings/${porto}`, { token: host.token }), 204)
    expect(ids(await api.request('GET', undated))).toEqual([])
    expectProblem(await api.request('GET', `/api/v1/listings/${porto}`), 404, 'listing_not_found')
    // The booking already made stays valid.
    const mine = await api.request('GET', '/api/v1/bookings', { token: guest.token })
    const sold = mine.json.items.find((b: { listing_id: string }) => b.listing_id === porto)
    expect(sold.state).toBe('confirmed')
  })

  it('admin lists users (cursor pages); a non-admin may not', async () => {
    expectProblem(await api.request('GET', '/api/v1/admin/users', { token: host.token }), 403, 'forbidden')
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await api.request(
        'GET',
        `/api/v1/admin/users?limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
        { token: admin.token },
      )
      expectStatus(page, 200)
      expect(page.json.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.json.items.map((u: { id: string }) => u.id))
      cursor = page.json.next_cursor
    } while (cursor !== null)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.sort()).toEqual([host.id, otherHost.id, guest.id, guest2.id, admin.id].sort())
  })

  it('admin suspends a guest: sessions revoked, login 403, booking refused; reinstated, all works again', async () => {
    const sam = await api.account('h-sam')
    expectProblem(
      await api.request('POST', `/api/v1/admin/users/${sam.id}/suspend`, { token: host.token }),
      403,
      'forbidden',
    )
    expectProblem(
      await api.request('POST', '/api/v1/admin/users/usr_nobody/suspend', { token: admin.token }),
      404,
      'user_not_found',
    )
    const suspended = await api.request('POST', `/api/v1/admin/users/${sam.id}/suspend`, {
      token: admin.token,
      body: { reason: 'chargebacks' },
    })
    expectStatus(suspended, 200)
    expect(suspended.json).toMatchObject({ id: sam.id, status: 'suspended' })

    expectProblem(await api.login(sam.email), 403, 'user_suspended')
    const refresh = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: sam.refreshToken },
    })
    expect([401, 403]).toContain(refresh.status)
    // The access token still in the client's hands cannot book.
    const booking = await requestBooking(api, sam, home, { checkIn: '2026-06-01', checkOut: '2026-06-03' })
    expectProblem(booking, 403, 'user_suspended')
    expect((await calendar(home, '2026-06-01', '2026-06-03')).map((n) => n.available)).toEqual([1, 1])

    const reinstated = await api.request('POST', `/api/v1/admin/users/${sam.id}/reinstate`, {
      token: admin.token,
    })
    expectStatus(reinstated, 200)
    expect(reinstated.json.status).toBe('active')
    const back = await signIn(api, sam)
    expectStatus(
      await requestBooking(api, back, home, { checkIn: '2026-06-01', checkOut: '2026-06-03' }),
      201,
    )
  })

  it('admin hides a revealed review: gone from the listing, out of its rating', async () => {
    const stay = await bookAndPay(api, guest, home, { checkIn: '2026-02-02', checkOut: '2026-02-04' })
    await advanceTo(api, Date.parse(stay.check_in_at as string))
    await advanceTo(api, Date.parse(stay.check_out_at as string))
    guest = await signIn(api, guest)
    host = await signIn(api, host)
    admin = await signIn(api, admin)
    expect((await getBooking(api, guest, stay.id)).state).toBe('completed')
    const review = await api.request('POST', `/api/v1/bookings/${stay.id}/reviews`, {
      token: guest.token,
      body: { rating: 1, comment: 'Rude words' },
    })
    expectStatus(review, 201)
    expectStatus(
      await api.request('POST', `/api/v1/bookings/${stay.id}/reviews`, {
        token: host.token,
        body: { rating: 4 },
      }),
      201,
    )
    expect((await api.request('GET', `/api/v1/listings/${home}/reviews`)).json.items).toHaveLength(1)
    expect((await api.request('GET', `/api/v1/listings/${home}`)).json.rating.count).toBe(1)

    expectProblem(
      await api.request('POST', `/api/v1/admin/reviews/${review.json.id}/hide`, { token: host.token }),
      403,
      'forbidden',
    )
    const hidden = await api.request('POST', `/api/v1/admin/reviews/${review.json.id}/hide`, {
      token: admin.token,
      body: { reason: 'abusive' },
    })
    expectStatus(hidden, 200)
    expect((await api.request('GET', `/api/v1/listings/${home}/reviews`)).json.items).toEqual([])
    const listing = await api.request('GET', `/api/v1/listings/${home}`)
    expect(listing.json.rating).toMatchObject({ count: 0, average: null })
  })

  it('every response matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
