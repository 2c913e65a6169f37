import { Effect } from 'effect'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { InMemoryIdempotencyStore, ManualClock } from '../../adapters/memory/index.js'
import { instant } from '../../core/domain/shared/time.js'
import type { IdempotencyStore } from '../../ports/idempotency-store.js'
import { type Account, startTestApi, type TestApi } from './support/api.js'
import { activeListing, expectProblem, expectStatus, requestBooking } from './support/journey.js'

/**
 * Issue 16 item 2, "a request whose outcome is unknown (store unreachable after the work was done)
 * is found and completed on retry, never run twice and never reported as a failure that actually
 * succeeded". The idempotency store here takes claims but cannot store results while `down`, as a
 * Redis that stalls mid-request; its claims then lapse (IDEMPOTENCY_CLAIM_TTL_MS), so the retry
 * reaches the use case again. The key reaches the use case too, which finds what the first
 * attempt did.
 */
const storeClock = new ManualClock(instant(Date.UTC(2026, 0, 1)))
const inner = new InMemoryIdempotencyStore(storeClock)
let down = false
const lossy: IdempotencyStore = {
  begin: (key, fingerprint, ttlMs) => inner.begin(key, fingerprint, ttlMs),
  complete: (key, response, ttlMs) =>
    down
      ? Effect.die(
          Object.assign(new Error('Redis complete failed: Command timed out'), { unavailable: true }),
        )
      : inner.complete(key, response, ttlMs),
  abandon: (key) => inner.abandon(key),
}
/** The claims of the requests whose results were lost lapse. */
const lapse = () => storeClock.advance(121_000)

let api: TestApi
let host: Account
let guest: Account
let listingId: string
beforeAll(async () => {
  api = await startTestApi({ ports: { idempotency: lossy } })
  host = await api.account('lost-host', ['host'])
  guest = await api.account('lost-guest', ['guest'])
  listingId = (await activeListing(api, host, { units: 3 })).id
})
afterAll(() => api.close())
afterEach(() => {
  down = false
})

const STAY = { checkIn: '2026-03-02', checkOut: '2026-03-05' }

describe('answers lost after the work was done', () => {
  it('a booking retried after its stored answer was lost returns the same booking (201), books nothing more', async () => {
    down = true
    const first = await requestBooking(api, guest, listingId, STAY, 'lost-booking-1')
    expectStatus(first, 201)
    lapse()
    const retry = await requestBooking(api, guest, listingId, STAY, 'lost-booking-1')
    expectStatus(retry, 201)
    expect(retry.json.id).toBe(first.json.id)
    expect(retry.json.state).toBe('pending_payment')
    expect(retry.headers.get('location')).toBe(`/api/v1/bookings/${first.json.id}`)
    const mine = await api.request('GET', '/api/v1/bookings', { token: guest.token })
    expect(mine.json.items.map((b: { id: string }) => b.id)).toEqual([first.json.id])
    const calendar = await api.request(
      'GET',
      `/api/v1/listings/${listingId}/calendar?from=${STAY.checkIn}&to=${STAY.checkOut}`,
      { token: host.token },
    )
    expect(calendar.json.nights.map((n: { held: number }) => n.held)).toEqual([1, 1, 1])
    // Another stay under the key the lost request used: refused, as the stored answer would have.
    const other = await requestBooking(
      api,
      guest,
      listingId,
      { ...STAY, checkOut: '2026-03-06' },
      'lost-booking-1',
    )
    expectProblem(other, 422, 'idempotency_key_reused')
  })

  it('a checkout retried after its stored answer was lost answers with the payment it made (200), not 409', async () => {
    down = false
    const booked = await requestBooking(
      api,
      guest,
      listingId,
      { checkIn: '2026-03-10', checkOut: '2026-03-12' },
      'lost-booking-2',
    )
    expectStatus(booked, 201)
    down = true
    const first = await api.request('POST', `/api/v1/bookings/${booked.json.id}/checkout`, {
      token: guest.token,
      headers: { 'idempotency-key': 'lost-checkout-2' },
      body: { auto_confirm: true },
    })
    expectStatus(first, 200)
    expect(first.json.booking.state).toBe('confirmed')
    lapse()
    const retry = await api.request('POST', `/api/v1/bookings/${booked.json.id}/checkout`, {
      token: guest.token,
      headers: { 'idempotency-key': 'lost-checkout-2' },
      body: { auto_confirm: true },
    })
    expectStatus(retry, 200)
    expect(retry.json.payment.id).toBe(first.json.payment.id)
    expect(retry.json.booking.state).toBe('confirmed')
    const payments = await api.request('GET', '/api/v1/payments', { token: guest.token })
    expect(
      payments.json.items.filter((p: { booking_id: string }) => p.booking_id === booked.json.id),
    ).toHaveLength(1)
  })

  it('with the store working, a retry is answered from the stored response (Idempotent-Replayed), as before', async () => {
    const first = await requestBooking(
      api,
      guest,
      listingId,
      { checkIn: '2026-03-20', checkOut: '2026-03-21' },
      'kept-3',
    )
    expectStatus(first, 201)
    const retry = await requestBooking(
      api,
      guest,
      listingId,
      { checkIn: '2026-03-20', checkOut: '2026-03-21' },
      'kept-3',
    )
    expectStatus(retry, 201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.text).toBe(first.text)
  })
})
