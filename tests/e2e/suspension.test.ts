import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, startTestApi, type TestApi } from './support/api.js'
import {
  activeListing,
  bookAndPay,
  expectProblem,
  expectStatus,
  getBooking,
  requestBooking,
  sentTo,
} from './support/journey.js'

/**
 * Issue 15 over HTTP: suspension means suspension (writes refused at once, listings out of search
 * and unbookable, the admin's choice for upcoming bookings), refresh after logout, and the
 * verified-e-mail requirement.
 */

describe('suspension over HTTP', () => {
  let api: TestApi
  let admin: Account
  beforeAll(async () => {
    api = await startTestApi()
    admin = await api.account('s-admin', ['admin'])
  })
  afterAll(() => api.close())

  const suspend = (user: Account, body?: Record<string, unknown>) =>
    api.request('POST', `/api/v1/admin/users/${user.id}/suspend`, {
      token: admin.token,
      ...(body === undefined ? {} : { body }),
    })
  const searchIds = async (query: string) => {
    const res = await api.request('GET', `/api/v1/listings?${query}`)
    expectStatus(res, 200)
    return (res.json.items as { listing: { id: string } }[]).map((h) => h.listing.id)
  }

  it("every write with a suspended user's unexpired token is 403 user_suspended; reads stay open; refresh stops", async () => {
    const host = await api.account('s-writer', ['guest', 'host'])
    const listing = await activeListing(api, host)
    expectStatus(await suspend(host, { reason: 'fraud' }), 200)
    // Issue 15: these two answered 200 with the old token while POST /bookings was 403.
    expectProblem(
      await api.request('PATCH', '/api/v1/users/me', { token: host.token, body: { name: 'Still here' } }),
      403,
      'user_suspended',
    )
    expectProblem(
      await api.request('PATCH', `/api/v1/listings/${listing.id}`, {
        token: host.token,
        body: { title: 'Renamed while suspended' },
      }),
      403,
      'user_suspended',
    )
    expectProblem(
      await api.request('POST', `/api/v1/listings/${listing.id}/deactivate`, { token: host.token }),
      403,
      'user_suspended',
    )
    const me = await api.request('GET', '/api/v1/users/me', { token: host.token })
    expectStatus(me, 200)
    expect(me.json.status).toBe('suspended')
    const refreshed = await api.request('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: host.refreshToken },
    })
    expect([401, 403]).toContain(refreshed.status)
    // Nothing was changed by the refused writes.
    const page = await api.request('GET', `/api/v1/listings/${listing.id}`)
    expect(page.json.title).not.toBe('Renamed while suspended')
  })

  it("a suspended host's listing leaves search and refuses quotes and bookings (409 host_suspended); reinstated, it is back", async () => {
    const host = await api.account('s-host', ['guest', 'host'])
    const guest = await api.account('s-guest')
    const listing = await activeListing(api, host, { location: { ...cityOf('Porto') } })
    const stay = { checkIn: '2026-03-10', checkOut: '2026-03-12' }
    expect(await searchIds('city=Porto')).toEqual([listing.id])
    expectStatus(await suspend(host), 200)
    expect(await searchIds('city=Porto')).toEqual([])
    expect(await searchIds(`city=Porto&check_in=${stay.checkIn}&check_out=${stay.checkOut}`)).toEqual([])
    expectProblem(
      await api.request(
        'GET',
        `/api/v1/listings/${listing.id}/quote?check_in=${stay.checkIn}&check_out=${stay.checkOut}&guests=2`,
      ),
      409,
      'host_suspended',
    )
    expectProblem(await requestBooking(api, guest, listing.id, stay), 409, 'host_suspended')
    expectStatus(
      await api.request('POST', `/api/v1/admin/users/${host.id}/reinstate`, { token: admin.token }),
      200,
    )
    expect(await searchIds('city=Porto')).toEqual([listing.id])
    expectStatus(await requestBooking(api, guest, listing.id, stay), 201)
  })

  it('upcoming_bookings: cancel refunds every booking not yet started in full, with notices; keep leaves them', async () => {
    const host = await api.account('s-cancel-host', ['guest', 'host'])
    const keptHost = await api.account('s-keep-host', ['guest', 'host'])
    const guest = await api.account('s-cancel-guest')
    const listing = await activeListing(api, host)
    const kept = await activeListing(api, keptHost)
    const booking = await bookAndPay(api, guest, listing.id, {
      checkIn: '2026-04-01',
      checkOut: '2026-04-03',
    })
    const other = await bookAndPay(api, guest, kept.id, { checkIn: '2026-04-01', checkOut: '2026-04-03' })
    expect([booking.state, other.state]).toEqual(['confirmed', 'confirmed'])

    expectProblem(await suspend(host, { upcoming_bookings: 'half' }), 400, 'validation_failed')
    expectStatus(await suspend(host, { reason: 'fraud', upcoming_bookings: 'cancel' }), 200)
    expectStatus(await suspend(keptHost, { upcoming_bookings: 'keep' }), 200)

    const cancelled = await getBooking(api, guest, booking.id)
    expect(cancelled.state).toBe('cancelled')
    const total = (booking.quote as { guest_total: number }).guest_total
    expect(cancelled.cancellation).toMatchObject({ by: 'admin', refund_amount: total, retained_amount: 0 })
    expect((await getBooking(api, guest, other.id)).state).toBe('confirmed')
    await api.advance(1_000)
    expect(sentTo(api, guest.email, 'booking_cancelled').length).toBeGreaterThanOrEqual(1)
  })

  it('refresh after logout is 401 session_ended, not refresh_token_reused', async () => {
    const user = await api.account('s-logout')
    expectStatus(
      await api.request('POST', '/api/v1/auth/logout', {
        token: user.token,
        body: { refresh_token: user.refreshToken },
      }),
      204,
    )
    expectProblem(
      await api.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: user.refreshToken } }),
      401,
      'session_ended',
    )
  })

  it('every response above matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})

const cityOf = (city: string) => ({
  address: '1 Rua Nova',
  city,
  country: 'PT',
  lat: 41.15,
  lng: -8.61,
  timezone: 'Europe/Lisbon',
})

describe('INNKEEPER_REQUIRE_VERIFIED_EMAIL', () => {
  const verifiedTokenOf = (api: TestApi, email: string): string => {
    const token = sentTo(api, email, 'email_verification').at(-1)?.data.token
    if (typeof token !== 'string') throw new Error(`no verification token sent to ${email}`)
    return token
  }

  it('on: an unverified guest gets 403 email_not_verified; verified, the same request is 201', async () => {
    const api = await startTestApi({ env: { INNKEEPER_REQUIRE_VERIFIED_EMAIL: 'true' } })
    try {
      const host = await api.account('v-host', ['guest', 'host'])
      const guest = await api.account('v-guest')
      const listing = await activeListing(api, host)
      const stay = { checkIn: '2026-03-10', checkOut: '2026-03-12' }
      expectProblem(await requestBooking(api, guest, listing.id, stay), 403, 'email_not_verified')
      expectStatus(
        await api.request('POST', '/api/v1/auth/verify-email', {
          body: { token: verifiedTokenOf(api, guest.email) },
        }),
        200,
      )
      expectStatus(await requestBooking(api, guest, listing.id, stay), 201)
      expect(api.violations).toEqual([])
    } finally {
      await api.close()
    }
  })

  it('off: an unverified guest books', async () => {
    const api = await startTestApi({ env: { INNKEEPER_REQUIRE_VERIFIED_EMAIL: 'false' } })
    try {
      const host = await api.account('v-host', ['guest', 'host'])
      const guest = await api.account('v-guest')
      const listing = await activeListing(api, host)
      expectStatus(
        await requestBooking(api, guest, listing.id, { checkIn: '2026-03-10', checkOut: '2026-03-12' }),
        201,
      )
    } finally {
      await api.close()
    }
  })
})
