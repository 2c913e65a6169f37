import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, startTestApi, type TestApi } from './support/api.js'
import { activeListing, bookAndPay, expectProblem, expectStatus, HOUR } from './support/journey.js'
import { checkInOf, moveAndSignIn, payoutBalance } from './support/payouts.js'

/*
 * Host payouts over HTTP: the host sets where payouts go on their profile, a paid stay shows as
 * upcoming, 24 h after check-in the background loop pays it (`GET /payouts`, `GET /payouts/balance`),
 * and a host cancellation after the payout leaves a negative balance that the next payout nets.
 *
 * The listing: 100.00 a night, 20.00 cleaning, 10 % service fee, 3 % host commission (the default).
 *   2 nights: 220.00 → the host earns 220.00 − 6.60 = 213.40.
 *   3 nights: 320.00 → the host earns 320.00 − 9.60 = 310.40.
 */
const TWO_NIGHTS = 21_340
const THREE_NIGHTS = 31_040
const ACCOUNT = 'acct_1E2eHostPayouts'

describe('journey: host payouts', () => {
  let api: TestApi
  let host: Account
  let guest: Account
  let listing: string
  beforeAll(async () => {
    api = await startTestApi()
    host = await api.account('p-host', ['guest', 'host'])
    guest = await api.account('p-guest')
    listing = (await activeListing(api, host)).id
  })
  afterAll(() => api.close())

  /** Moves the clock (the background loop runs) and signs both in again: tokens last 15 minutes. */
  const moveTo = async (at: number) => {
    ;[host, guest] = (await moveAndSignIn(api, at, host, guest)) as [Account, Account]
  }
  const balance = () => payoutBalance(api, host)
  const checkInAt = (id: string) => checkInOf(api, id)

  it('PATCH /users/me sets the payout account; a malformed one is a 400 naming the field', async () => {
    const bad = await api.request('PATCH', '/api/v1/users/me', {
      token: host.token,
      body: { payout_account_id: 'acct 1 with spaces' },
    })
    expectProblem(bad, 400, 'validation_failed')
    expect(JSON.stringify(bad.json.errors)).toContain('payout_account_id')
    const ok = await api.request('PATCH', '/api/v1/users/me', {
      token: host.token,
      body: { payout_account_id: ACCOUNT },
    })
    expectStatus(ok, 200)
    expect(ok.json.profile.payout_account_id).toBe(ACCOUNT)
    const me = await api.request('GET', '/api/v1/users/me', { token: guest.token })
    expect(me.json.profile.payout_account_id).toBeNull()
  })

  it('a paid stay is upcoming; 24 h after check-in it is paid to the account and listed', async () => {
    const empty = await balance()
    expect(empty).toEqual({ balances: [], payout_account_id: ACCOUNT, next_payout_at: null })

    const b = await bookAndPay(api, guest, listing, { checkIn: '2026-02-10', checkOut: '2026-02-12' })
    expect(b.state).toBe('confirmed')
    await api.advance(1_000) // the outbox relay feeds the ledger
    const before = await balance()
    const checkIn = checkInAt(b.id)
    expect(before.balances).toEqual([
      {
        currency: 'EUR',
        available: 0,
        upcoming: TWO_NIGHTS,
        in_transit: 0,
        paid_out: 0,
        earned: TWO_NIGHTS,
        next_payable_at: new Date(checkIn + 24 * HOUR).toISOString(),
      },
    ])
    expect(before.next_payout_at).toBe(new Date(checkIn + 24 * HOUR).toISOString())

    await moveTo(checkIn + 24 * HOUR)
    const list = await api.request('GET', '/api/v1/payouts?limit=10', { token: host.token })
    expectStatus(list, 200)
    expect(list.json.next_cursor).toBeNull()
    expect(list.json.items).toEqual([
      expect.objectContaining({
        amount: TWO_NIGHTS,
        currency: 'EUR',
        destination: ACCOUNT,
        provider: 'memory',
        status: 'paid',
        transfer_ref: expect.stringMatching(/^tr_/),
        failure_reason: null,
      }),
    ])
    expect((await balance()).balances[0]).toMatchObject({ available: 0, upcoming: 0, paid_out: TWO_NIGHTS })
    expect(api.engine.adapters.payoutGateway.totalTo(ACCOUNT, 'EUR' as never)).toBe(TWO_NIGHTS)
  })

  it('a host cancellation after the payout takes the earning back; the next payout nets the debt', async () => {
    const first = await bookAndPay(api, guest, listing, { checkIn: '2026-02-20', checkOut: '2026-02-22' })
    const second = await bookAndPay(api, guest, listing, { checkIn: '2026-03-01', checkOut: '2026-03-04' })
    await moveTo(checkInAt(first.id) + 25 * HOUR)
    expect((await balance()).balances[0]).toMatchObject({ paid_out: 2 * TWO_NIGHTS })

    const cancelled = await api.request('POST', `/api/v1/bookings/${first.id}/cancel`, {
      token: host.token,
      body: { reason: 'the boiler broke' },
    })
    expectStatus(cancelled, 200)
    await api.advance(1_000)
    expect((await balance()).balances[0]).toMatchObject({ available: -TWO_NIGHTS, upcoming: THREE_NIGHTS })

    await moveTo(checkInAt(second.id) + 25 * HOUR)
    const items = (await api.request('GET', '/api/v1/payouts', { token: host.token })).json.items
    expect(items.map((p: { amount: number }) => p.amount)).toEqual([
      THREE_NIGHTS - TWO_NIGHTS,
      TWO_NIGHTS,
      TWO_NIGHTS,
    ])
    expect((await balance()).balances[0]).toMatchObject({
      available: 0,
      paid_out: TWO_NIGHTS + THREE_NIGHTS,
      earned: TWO_NIGHTS + THREE_NIGHTS,
    })
  })

  it('payouts are the host’s own: a guest is 403, no token is 401', async () => {
    for (const path of ['/api/v1/payouts', '/api/v1/payouts/balance']) {
      expectProblem(await api.request('GET', path, { token: guest.token }), 403, 'forbidden')
      expectProblem(await api.request('GET', path), 401, 'unauthorized')
    }
    expectProblem(
      await api.request('GET', '/api/v1/payouts?limit=0', { token: host.token }),
      400,
      'validation_failed',
    )
  })

  it('every response matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
