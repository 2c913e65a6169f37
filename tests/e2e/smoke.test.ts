import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listingBody, startTestApi, type TestApi } from './support/api.js'

describe('API smoke: instant booking over HTTP', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi()
  })
  afterAll(() => api.close())

  it('host lists, guest books and pays with auto_confirm; every response matches the OpenAPI document', async () => {
    const host = await api.account('host', ['guest', 'host'])
    const guest = await api.account('guest')
    const created = await api.request('POST', '/api/v1/listings', { token: host.token, body: listingBody() })
    expect(created.status, created.text).toBe(201)
    const id = created.json.id
    expect((await api.request('POST', `/api/v1/listings/${id}/activate`, { token: host.token })).status).toBe(
      200,
    )
    const search = await api.request(
      'GET',
      '/api/v1/listings?city=Lisbon&check_in=2026-02-10&check_out=2026-02-13&guests=2',
    )
    expect(search.status, search.text).toBe(200)
    expect(search.json.items[0].listing.id).toBe(id)
    const booking = await api.request('POST', '/api/v1/bookings', {
      token: guest.token,
      headers: { 'idempotency-key': 'b1' },
      body: { listing_id: id, check_in: '2026-02-10', check_out: '2026-02-13', guests: 2 },
    })
    expect(booking.status, booking.text).toBe(201)
    const pay = await api.request('POST', `/api/v1/bookings/${booking.json.id}/checkout`, {
      token: guest.token,
      body: { auto_confirm: true },
    })
    expect(pay.status, pay.text).toBe(200)
    expect(pay.json.booking.state).toBe('confirmed')
    expect(api.violations).toEqual([])
  })
})
