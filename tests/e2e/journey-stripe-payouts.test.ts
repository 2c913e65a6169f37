import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, startTestApi, type TestApi } from './support/api.js'
import { activeListing, bookAndPay, expectStatus, HOUR } from './support/journey.js'
import { checkInOf, moveAndSignIn, payoutBalance } from './support/payouts.js'

/*
 * Host payouts over real HTTP with INNKEEPER_PAYMENTS=stripe: the guest pays through
 * StripePaymentGateway and the host is paid through StripePayoutGateway (Connect transfers), both
 * against the stateful Stripe test server. 24 h after check-in the timer loop makes the payout due
 * and transfers it; GET /payouts shows it and the test server holds the transfer. A host cancellation
 * after the payout refunds the guest at Stripe and leaves the host a negative balance, which the
 * next transfer nets.
 *
 * The listing: 100.00 a night, 20.00 cleaning, 10 % service fee, 3 % host commission (the default).
 *   2 nights: 220.00 → the host earns 220.00 − 6.60 = 213.40.
 *   3 nights: 320.00 → the host earns 320.00 − 9.60 = 310.40.
 */
const TWO_NIGHTS = 21_340
const THREE_NIGHTS = 31_040
const ACCOUNT = 'acct_1E2eStripeHost'

describe('journey with Stripe: a host is paid by a Connect transfer after check-in', () => {
  let api: TestApi
  let stripe: NonNullable<TestApi['stripe']>
  let host: Account
  let guest: Account
  let listing: string
  /** The stay the first test paid out. */
  let paidStay: { id: string } | undefined
  beforeAll(async () => {
    api = await startTestApi({ payments: 'stripe' })
    stripe = api.stripe!
    host = await api.account('sp-host', ['guest', 'host'])
    guest = await api.account('sp-guest')
    listing = (await activeListing(api, host)).id
    const me = await api.request('PATCH', '/api/v1/users/me', {
      token: host.token,
      body: { payout_account_id: ACCOUNT },
    })
    expectStatus(me, 200)
  })
  afterAll(() => api.close())

  /** Moves the clock (the background loop runs) and signs both in again: tokens last 15 minutes. */
  const moveTo = async (at: number) => {
    ;[host, guest] = (await moveAndSignIn(api, at, host, guest)) as [Account, Account]
  }
  const balance = () => payoutBalance(api, host)
  const checkInAt = (id: string) => checkInOf(api, id)
  const payouts = async () => {
    const res = await api.request('GET', '/api/v1/payouts?limit=10', { token: host.token })
    expectStatus(res, 200)
    return res.json.items as { id: string; amount: number; status: string; transfer_ref: string | null }[]
  }
  const transfers = () => [...stripe.transfers.values()]

  it('paid through Stripe, upcoming until check-in + 24 h, then transferred once to the connected account', async () => {
    const b = await bookAndPay(api, guest, listing, { checkIn: '2026-02-10', checkOut: '2026-02-12' })
    expect(b.state).toBe('confirmed')
    paidStay = b
    expect(stripe.netCapturedFor(b.id)).toBe(24_200)
    await api.advance(1_000) // the outbox relay feeds the ledger
    expect((await balance()).balances[0]).toMatchObject({ upcoming: TWO_NIGHTS, available: 0 })
    expect(transfers()).toEqual([])

    await moveTo(checkInAt(b.id) + 24 * HOUR - 60_000)
    expect(await payouts()).toEqual([]) // not due a minute early

    await moveTo(checkInAt(b.id) + 24 * HOUR)
    const [paid] = await payouts()
    expect(paid).toMatchObject({
      amount: TWO_NIGHTS,
      status: 'paid',
      provider: 'stripe',
      destination: ACCOUNT,
    })
    // Stripe's side: one transfer in minor units, lower-case currency, the payout key as group.
    const [t] = transfers()
    expect(transfers()).toHaveLength(1)
    expect(t).toMatchObject({
      id: paid!.transfer_ref,
      amount: TWO_NIGHTS,
      currency: 'eur',
      destination: ACCOUNT,
      metadata: { payoutId: paid!.id, hostId: host.id },
    })
    expect(t!.transfer_group).toMatch(new RegExp(`^payout:${host.id}:EUR:\\d+$`))
    const posts = stripe.requests({ method: 'POST', path: /^\/v1\/transfers$/ })
    expect(posts.map((r) => r.idempotencyKey)).toEqual([t!.transfer_group])
    expect((await balance()).balances[0]).toMatchObject({ available: 0, upcoming: 0, paid_out: TWO_NIGHTS })

    // The loop runs on: nothing is paid twice.
    await moveTo(checkInAt(b.id) + 30 * HOUR)
    expect(transfers()).toHaveLength(1)
  })

  it('a host cancellation after the payout refunds the guest at Stripe and carries a negative balance; the next transfer nets it', async () => {
    const first = paidStay
    expect(first).toBeDefined()
    const second = await bookAndPay(api, guest, listing, { checkIn: '2026-03-01', checkOut: '2026-03-04' })
    expect(second.state).toBe('confirmed')

    const cancelled = await api.request('POST', `/api/v1/bookings/${first!.id}/cancel`, {
      token: host.token,
      body: { reason: 'the boiler broke' },
    })
    expectStatus(cancelled, 200)
    await api.advance(1_000) // settlement refunds at Stripe; the ledger takes the earning back
    expect(stripe.netCapturedFor(first!.id)).toBe(0)
    expect((await balance()).balances[0]).toMatchObject({
      available: -TWO_NIGHTS,
      upcoming: THREE_NIGHTS,
      paid_out: TWO_NIGHTS,
    })
    expect(transfers()).toHaveLength(1) // a negative balance pays nothing

    await moveTo(checkInAt(second.id) + 25 * HOUR)
    expect((await payouts()).map((p) => [p.amount, p.status])).toEqual([
      [THREE_NIGHTS - TWO_NIGHTS, 'paid'],
      [TWO_NIGHTS, 'paid'],
    ])
    expect(transfers().map((t) => t.amount)).toEqual([TWO_NIGHTS, THREE_NIGHTS - TWO_NIGHTS])
    // What reached the host's account is what the host kept: the second stay's earning.
    expect(transfers().reduce((sum, t) => sum + t.amount, 0)).toBe(THREE_NIGHTS)
    expect((await balance()).balances[0]).toMatchObject({ available: 0, paid_out: THREE_NIGHTS })
  })

  it('every response matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
