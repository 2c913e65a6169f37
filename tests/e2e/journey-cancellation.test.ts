import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Account, startTestApi, type TestApi } from './support/api.js'
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
  requestBooking,
  signIn,
} from './support/journey.js'

/*
 * Cancellation over HTTP at every tier of every policy, with the exact refund.
 *
 * Every listing is priced alike: 123.45 a night, 25.00 cleaning, 15.00 per extra guest per night above
 * 2 guests, 10 % service fee, 5 % tax. Every stay is 3 nights for 3 guests:
 *   nights 3 × 123.45 = 370.35; cleaning 25.00; extra guest 3 × 15.00 = 45.00 → subtotal 440.35
 *   service 10 % = 44.035 → 44.04 (half away from zero); tax 5 % = 22.0175 → 22.02
 *   the guest pays 440.35 + 44.04 + 22.02 = 506.41
 * A tier refunds its share of the nights and, when it says so, every fee; the tax follows the refunded
 * taxable part (nights and cleaning/extra-guest fees, not the service fee), rounded once:
 *   full tier  → 370.35 + (25.00 + 45.00 + 44.04) + 22.02 = 506.41
 *   half tier  → nights 185.175 → 185.18; no fees; tax 22.02 × 185.18 / 440.35 = 9.2600… → 9.26 → 194.44
 *   past every tier (or non-refundable) → 0
 * A host or admin cancellation refunds everything, whatever the policy.
 */
const TOTAL = 50_641
const FULL = TOTAL
const HALF = 19_444

const PRICING = {
  base_nightly: 12_345,
  cleaning_fee: 2_500,
  extra_guest_fee: 1_500,
  extra_guest_threshold: 2,
  service_fee_bp: 1_000,
  tax_bp: 500,
}

interface Line {
  readonly code: string
  readonly amount: number
}
interface Tier {
  readonly nightsRefundBp: number
  readonly feesRefunded: boolean
}

/** The refund a tier gives, computed from the quote's guest lines (the rule of DESIGN.md, re-derived here). */
const refundFromLines = (lines: readonly Line[], tier: Tier | null): number => {
  if (tier === null) return 0
  const sum = (codes: string[]) =>
    lines.filter((l) => codes.includes(l.code)).reduce((a, l) => a + l.amount, 0)
  const halfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x))
  const nightsTotal = sum(['nights', 'weekly_discount', 'monthly_discount'])
  const taxableFees = sum(['cleaning_fee', 'extra_guest_fee'])
  const serviceFee = sum(['service_fee'])
  const tax = sum(['occupancy_tax'])
  const nights = halfAway((nightsTotal * tier.nightsRefundBp) / 10_000)
  const fees = tier.feesRefunded ? taxableFees + serviceFee : 0
  const refundedTaxable = nights + (tier.feesRefunded ? taxableFees : 0)
  const taxShare = Math.round((tax * refundedTaxable) / (nightsTotal + taxableFees))
  return nights + fees + taxShare
}

type Policy = 'flexible' | 'moderate' | 'firm' | 'strict' | 'non_refundable' | '48h'
interface Case {
  readonly rule: string
  readonly policy: Policy
  /** When the cancellation happens, relative to check-in (positive: before). */
  readonly before: number
  readonly by: 'guest' | 'host' | 'admin'
  readonly refund: number
  readonly paymentStatus: 'refunded' | 'partially_refunded' | 'captured'
}

const SECOND = 1000
const CASES: readonly Case[] = [
  {
    rule: 'flexible: exactly 24 h before → full',
    policy: 'flexible',
    before: 24 * HOUR,
    by: 'guest',
    refund: FULL,
    paymentStatus: 'refunded',
  },
  {
    rule: 'flexible: 24 h minus 1 s → nothing',
    policy: 'flexible',
    before: 24 * HOUR - SECOND,
    by: 'guest',
    refund: 0,
    paymentStatus: 'captured',
  },
  {
    rule: 'flexible: after check-in (in progress) → nothing',
    policy: 'flexible',
    before: -HOUR,
    by: 'guest',
    refund: 0,
    paymentStatus: 'captured',
  },
  {
    rule: 'moderate: exactly 5 days before → full',
    policy: 'moderate',
    before: 5 * DAY,
    by: 'guest',
    refund: FULL,
    paymentStatus: 'refunded',
  },
  {
    rule: 'moderate: 5 days minus 1 s → nothing',
    policy: 'moderate',
    before: 5 * DAY - SECOND,
    by: 'guest',
    refund: 0,
    paymentStatus: 'captured',
  },
  {
    rule: 'firm: exactly 30 days before → full',
    policy: 'firm',
    before: 30 * DAY,
    by: 'guest',
    refund: FULL,
    paymentStatus: 'refunded',
  },
  {
    rule: 'firm: 30 days minus 1 s → half the nights and their tax',
    policy: 'firm',
    before: 30 * DAY - SECOND,
    by: 'guest',
    refund: HALF,
    paymentStatus: 'partially_refunded',
  },
  {
    rule: 'firm: exactly 7 days before → half',
    policy: 'firm',
    before: 7 * DAY,
    by: 'guest',
    refund: HALF,
    paymentStatus: 'partially_refunded',
  },
  {
    rule: 'firm: 7 days minus 1 s → nothing',
    policy: 'firm',
    before: 7 * DAY - SECOND,
    by: 'guest',
    refund: 0,
    paymentStatus: 'captured',
  },
  {
    rule: 'strict: 40 days before → half (strict never refunds in full)',
    policy: 'strict',
    before: 40 * DAY,
    by: 'guest',
    refund: HALF,
    paymentStatus: 'partially_refunded',
  },
  {
    rule: 'strict: exactly 7 days before → half',
    policy: 'strict',
    before: 7 * DAY,
    by: 'guest',
    refund: HALF,
    paymentStatus: 'partially_refunded',
  },
  {
    rule: 'strict: 7 days minus 1 s → nothing',
    policy: 'strict',
    before: 7 * DAY - SECOND,
    by: 'guest',
    refund: 0,
    paymentStatus: 'captured',
  },
  {
    rule: 'non_refundable: 60 days before → nothing',
    policy: 'non_refundable',
    before: 60 * DAY,
    by: 'guest',
    refund: 0,
    paymentStatus: 'captured',
  },
  {
    rule: '48h: exactly 48 h before → full',
    policy: '48h',
    before: 48 * HOUR,
    by: 'guest',
    refund: FULL,
    paymentStatus: 'refunded',
  },
  {
    rule: '48h: 48 h minus 1 s → nothing',
    policy: '48h',
    before: 48 * HOUR - SECOND,
    by: 'guest',
    refund: 0,
    paymentStatus: 'captured',
  },
  {
    rule: 'host cancels a non-refundable stay 1 h before → full',
    policy: 'non_refundable',
    before: HOUR,
    by: 'host',
    refund: FULL,
    paymentStatus: 'refunded',
  },
  {
    rule: 'admin cancels a strict stay 1 h before → full',
    policy: 'strict',
    before: HOUR,
    by: 'admin',
    refund: FULL,
    paymentStatus: 'refunded',
  },
]

/** Check-in dates 4 days apart from 1 April 2026: each case its own 3 nights. */
const checkInOf = (i: number): string =>
  new Date(Date.UTC(2026, 3, 1) + i * 4 * DAY).toISOString().slice(0, 10)
const plusDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10)

// The same journey with the in-memory provider and with StripePaymentGateway against the stateful
// Stripe test server (refunds made through Stripe's API, its charge.refunded webhooks over HTTP).
describe.each(['memory', 'stripe'] as const)(
  'journey (%s payments): cancellation at each policy tier, with the exact refund',
  (payments) => {
    let api: TestApi
    let host: Account
    let guest: Account
    let admin: Account
    const listings = new Map<Policy, string>()
    /** Case index → booking id and check-in instant. */
    const booked = new Map<number, { id: string; checkInAt: number; checkIn: string }>()

    beforeAll(async () => {
      api = await startTestApi({ payments })
      host = await api.account('c-host', ['guest', 'host'])
      guest = await api.account('c-guest')
      admin = await api.account('c-admin', ['admin'])
      for (const policy of ['flexible', 'moderate', 'firm', 'strict', 'non_refundable', '48h'] as const)
        listings.set(
          policy,
          (await activeListing(api, host, { cancellation_policy: policy, pricing: PRICING })).id,
        )
    })
    afterAll(() => api.close())

    it('the quote prices every stay at 506.41, and the refunds above follow from its lines', async () => {
      const q = await api.request(
        'GET',
        `/api/v1/listings/${listings.get('firm')}/quote?check_in=2026-04-01&check_out=2026-04-04&guests=3`,
      )
      expectStatus(q, 200)
      expect(q.json.guest_lines).toEqual([
        { code: 'nights', quantity: 3, unit_amount: 12_345, amount: 37_035 },
        { code: 'cleaning_fee', quantity: 1, unit_amount: 2_500, amount: 2_500 },
        { code: 'extra_guest_fee', quantity: 3, unit_amount: 1_500, amount: 4_500 },
        { code: 'service_fee', quantity: 1, unit_amount: 4_404, amount: 4_404 },
        { code: 'occupancy_tax', quantity: 1, unit_amount: 2_202, amount: 2_202 },
      ])
      expect(q.json.guest_total).toBe(TOTAL)
      expect(refundFromLines(q.json.guest_lines, { nightsRefundBp: 10_000, feesRefunded: true })).toBe(FULL)
      expect(refundFromLines(q.json.guest_lines, { nightsRefundBp: 5_000, feesRefunded: false })).toBe(HALF)
      expect(refundFromLines(q.json.guest_lines, null)).toBe(0)
    })

    it('every case is booked and paid first (the booking snapshots its listing’s policy)', async () => {
      for (const [i, c] of CASES.entries()) {
        const checkIn = checkInOf(i)
        const b = await bookAndPay(api, guest, listings.get(c.policy)!, {
          checkIn,
          checkOut: plusDays(checkIn, 3),
          guests: 3,
        })
        expect(b.state).toBe('confirmed')
        expect(b.paid_amount).toBe(TOTAL)
        expect((b.cancellation_policy as { name: string }).name).toBe(c.policy)
        booked.set(i, { id: b.id, checkInAt: Date.parse(b.check_in_at as string), checkIn })
      }
      // Lisbon is on summer time from 29 March: check-in at 15:00 local is 14:00 UTC.
      expect(new Date(booked.get(0)!.checkInAt).toISOString()).toBe('2026-04-01T14:00:00.000Z')
    })

    it('each case, in the order the clock reaches it: refund, retained amount, payment and nights exactly', async () => {
      const order = [...CASES.keys()].sort(
        (a, b) => booked.get(a)!.checkInAt - CASES[a]!.before - (booked.get(b)!.checkInAt - CASES[b]!.before),
      )
      const tokens: Record<Case['by'], Account> = { guest, host, admin }
      for (const i of order) {
        const c = CASES[i]!
        const { id, checkInAt, checkIn } = booked.get(i)!
        await advanceTo(api, checkInAt - c.before)
        const who = await signIn(api, tokens[c.by])
        const before = await getBooking(api, who, id)
        expect(before.state, c.rule).toBe(c.before < 0 ? 'in_progress' : 'confirmed')

        const res = await api.request('POST', `/api/v1/bookings/${id}/cancel`, {
          token: who.token,
          body: { reason: c.rule },
        })
        expectStatus(res, 200)
        expect(res.json.state, c.rule).toBe('cancelled')
        expect(res.json.cancellation, c.rule).toMatchObject({
          by: c.by,
          reason: c.rule,
          refund_amount: c.refund,
          retained_amount: TOTAL - c.refund,
        })
        expect(res.json.refunded_amount, c.rule).toBe(c.refund)
        expect(res.json.paid_amount, c.rule).toBe(TOTAL - c.refund)

        // The provider's refund events arrive over HTTP and change nothing more.
        for (const w of await deliverWebhooks(api)) expectStatus(w, 200)
        const g = await signIn(api, guest)
        const after = await getBooking(api, g, id)
        expect([after.refunded_amount, after.paid_amount], c.rule).toEqual([c.refund, TOTAL - c.refund])
        // With Stripe, what Stripe holds is the same: captured once, refunded exactly the refund.
        if (api.stripe !== null) expect(api.stripe.netCapturedFor(id), c.rule).toBe(TOTAL - c.refund)
        const pays = await api.request('GET', '/api/v1/payments?limit=100', { token: g.token })
        const pay = pays.json.items.find((p: { booking_id: string }) => p.booking_id === id)
        expect(pay, c.rule).toMatchObject({
          status: c.paymentStatus,
          captured_amount: TOTAL,
          refunded_amount: c.refund,
        })
        // The nights are released (a stay in progress keeps nothing once cancelled either).
        const cal = await api.request(
          'GET',
          `/api/v1/listings/${listings.get(c.policy)}/calendar?from=${checkIn}&to=${plusDays(checkIn, 3)}`,
        )
        expect(
          cal.json.nights.map((n: { available: number }) => n.available),
          c.rule,
        ).toEqual([1, 1, 1])

        // Cancelling again is not a move of the transition table, and refunds nothing more.
        expectProblem(
          await api.request('POST', `/api/v1/bookings/${id}/cancel`, { token: who.token }),
          409,
          'invalid_transition',
        )
      }
    })

    it('a pending booking cancelled by its guest: nothing was paid, nothing refunded, the open checkout voided', async () => {
      guest = await signIn(api, guest)
      const now = api.engine.adapters.clock.now()
      const checkIn = new Date(now + 30 * DAY).toISOString().slice(0, 10)
      const b = await requestBooking(api, guest, listings.get('flexible')!, {
        checkIn,
        checkOut: plusDays(checkIn, 3),
        guests: 3,
      })
      expectStatus(b, 201)
      const checkout = await api.request('POST', `/api/v1/bookings/${b.json.id}/checkout`, {
        token: guest.token,
      })
      expectStatus(checkout, 200)
      const res = await api.request('POST', `/api/v1/bookings/${b.json.id}/cancel`, { token: guest.token })
      expectStatus(res, 200)
      expect(res.json).toMatchObject({ state: 'cancelled', paid_amount: 0, refunded_amount: 0 })
      const pay = await api.request('GET', `/api/v1/payments/${checkout.json.payment.id}`, {
        token: guest.token,
      })
      expect(pay.json).toMatchObject({ status: 'voided', captured_amount: 0, refunded_amount: 0 })
    })

    it("nobody else cancels a guest's booking: a stranger gets 404 (existence not leaked)", async () => {
      guest = await signIn(api, guest)
      const stranger = await api.account('c-stranger')
      const now = api.engine.adapters.clock.now()
      const checkIn = new Date(now + 40 * DAY).toISOString().slice(0, 10)
      const b = await bookAndPay(api, guest, listings.get('flexible')!, {
        checkIn,
        checkOut: plusDays(checkIn, 3),
        guests: 3,
      })
      expectProblem(
        await api.request('POST', `/api/v1/bookings/${b.id}/cancel`, { token: stranger.token }),
        404,
        'booking_not_found',
      )
      expect((await getBooking(api, guest, b.id)).state).toBe('confirmed')
    })

    it('every response matched the OpenAPI document', () => {
      expect(api.violations).toEqual([])
    })
  },
)
