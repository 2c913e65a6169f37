import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PricingRules } from '../../core/domain/listings/listing.js'
import {
  type CancellationPolicyName,
  type Canceller,
  cancellationPolicies,
  cancellationPolicyNames,
  computeRefund,
} from '../../core/domain/policies/cancellation.js'
import type { Quote } from '../../core/domain/pricing/quote.js'
import { fromEpochDay } from '../../core/domain/shared/dates.js'
import { HOUR, type Instant, instant } from '../../core/domain/shared/time.js'
import { calendarOf, quote, stayOf } from './fixtures.js'

// The hand-computed quote of quote.test.ts: guest total 116 914.
const rules: PricingRules = {
  baseNightly: 10_000,
  weekendNightly: 12_500,
  weekendDays: [5, 6],
  seasons: [],
  weeklyDiscountBp: 1_000,
  monthlyDiscountBp: 2_000,
  cleaningFee: 5_000,
  extraGuestFee: 1_500,
  extraGuestThreshold: 2,
  serviceFeeBp: 1_400,
  commissionBp: 300,
  taxBp: 1_175,
}
const q = quote(
  rules,
  stayOf('2025-06-02', '2025-06-09'),
  4,
  calendarOf({ '2025-06-04': { priceOverride: 9_000 }, '2025-06-07': { surgeBp: 10_333 } }),
)
const NIGHTS = 74_416 - 7_442 // 66 974
const TAXABLE_FEES = 5_000 + 21_000
const SERVICE = 13_016
const TAX = 10_924
const TOTAL = 116_914

const checkInAt = instant(Date.UTC(2025, 5, 2, 19, 0)) // 15:00 in New York
const hoursBefore = (h: number, plusMs = 0): Instant => instant(checkInAt - h * HOUR + plusMs)

const refund = (
  policy: CancellationPolicyName,
  cancelledAt: Instant,
  cancelledBy: Canceller = 'guest',
  paid = TOTAL,
  qt: Quote = q,
) =>
  computeRefund({
    quote: qt,
    policy: cancellationPolicies[policy],
    cancelledBy,
    cancelledAt,
    checkInAt,
    paid,
  })

/** Written from DESIGN.md, independently of the module's table. */
const expectedTiers: Record<CancellationPolicyName, { hours: number; bp: number; fees: boolean }[]> = {
  flexible: [{ hours: 24, bp: 10_000, fees: true }],
  moderate: [{ hours: 5 * 24, bp: 10_000, fees: true }],
  firm: [
    { hours: 30 * 24, bp: 10_000, fees: true },
    { hours: 7 * 24, bp: 5_000, fees: false },
  ],
  strict: [{ hours: 7 * 24, bp: 5_000, fees: false }],
  non_refundable: [],
  '48h': [{ hours: 48, bp: 10_000, fees: true }],
}

// Hand-computed refunds of the quote above.
const FULL = { nights: NIGHTS, fees: TAXABLE_FEES + SERVICE, tax: TAX, total: TOTAL }
// 50 %: nights 33 487; tax 10 924 × 33 487 / 92 974 = 3 934.56… → 3 935
const HALF = { nights: 33_487, fees: 0, tax: 3_935, total: 37_422 }
const NONE = { nights: 0, fees: 0, tax: 0, total: 0 }
const amountsOf = (r: { nights: number; fees: number; tax: number; total: number }) => ({
  nights: r.nights,
  fees: r.fees,
  tax: r.tax,
  total: r.total,
})

describe('cancellation: presets match DESIGN.md', () => {
  it('every preset is defined and its tiers are what the design says', () => {
    expect([...cancellationPolicyNames].sort()).toEqual(Object.keys(expectedTiers).sort())
    for (const name of cancellationPolicyNames) {
      expect(
        cancellationPolicies[name].tiers.map((t) => ({
          hours: t.minHoursBefore,
          bp: t.nightsRefundBp,
          fees: t.feesRefunded,
        })),
      ).toEqual(expectedTiers[name])
      expect(cancellationPolicies[name].name).toBe(name)
    }
  })
})

describe('cancellation: each preset at each tier boundary (guest cancels)', () => {
  const cases: [CancellationPolicyName, number, typeof FULL, typeof FULL][] = [
    // policy, threshold hours, refund exactly at the threshold, refund 1 ms later
    ['flexible', 24, FULL, NONE],
    ['moderate', 120, FULL, NONE],
    ['firm', 720, FULL, HALF],
    ['firm', 168, HALF, NONE],
    ['strict', 168, HALF, NONE],
    ['48h', 48, FULL, NONE],
  ]
  it.each(cases)(
    '%s: exactly %i h before check-in the tier applies; 1 ms later the next one',
    (p, h, at, after) => {
      expect(amountsOf(refund(p, hoursBefore(h)))).toEqual(at)
      expect(amountsOf(refund(p, hoursBefore(h, 1)))).toEqual(after)
    },
  )

  it.each(cases)('%s: the tier that applied at %i h is reported', (p, h) => {
    const tier = refund(p, hoursBefore(h)).tier
    expect(tier?.minHoursBefore).toBe(h)
  })

  it('a full-refund tier refunds the whole guest total and says so', () => {
    const r = refund('moderate', hoursBefore(500))
    expect(r.total).toBe(TOTAL)
    expect(r.fullRefund).toBe(true)
  })

  it('a 50 % tier keeps the fees and refunds tax in proportion to the nights refunded', () => {
    const r = refund('strict', hoursBefore(200))
    expect(r.fees).toBe(0)
    expect(r.tax).toBe(Math.round((TAX * 33_487) / (NIGHTS + TAXABLE_FEES)))
    expect(r.total).toBe(r.nights + r.fees + r.tax)
    expect(r.fullRefund).toBe(false)
  })

  it('non_refundable refunds nothing, even a year ahead', () => {
    const r = refund('non_refundable', hoursBefore(365 * 24))
    expect(amountsOf(r)).toEqual(NONE)
    expect(r.tier).toBeNull()
  })

  it('a guest cancelling after check-in gets nothing under any preset', () => {
    for (const p of cancellationPolicyNames) expect(refund(p, hoursBefore(-1)).total).toBe(0)
  })
})

describe('cancellation: who cancels', () => {
  it.each(['host', 'admin', 'system'] as const)(
    'a %s cancellation refunds everything, whatever the policy',
    (by) => {
      for (const p of cancellationPolicyNames) {
        const r = refund(p, hoursBefore(-10), by)
        expect(amountsOf(r)).toEqual(FULL)
        expect(r.fullRefund).toBe(true)
        expect(r.tier).toBeNull()
      }
    },
  )

  it('a full refund is still capped at what was paid', () => {
    expect(refund('flexible', hoursBefore(100), 'host', 50_000).total).toBe(50_000)
    expect(refund('flexible', hoursBefore(100), 'guest', 50_000).total).toBe(50_000)
    expect(refund('firm', hoursBefore(200), 'guest', 10_000).total).toBe(10_000)
    expect(refund('flexible', hoursBefore(100), 'guest', 0).total).toBe(0)
  })
})

describe('cancellation: invariants (property)', () => {
  const arbQuote = fc
    .record({
      base: fc.integer({ min: 0, max: 100_000 }),
      nights: fc.integer({ min: 1, max: 40 }),
      guests: fc.integer({ min: 1, max: 8 }),
      cleaning: fc.integer({ min: 0, max: 20_000 }),
      extra: fc.integer({ min: 0, max: 5_000 }),
      weekly: fc.integer({ min: 0, max: 5_000 }),
      monthly: fc.integer({ min: 0, max: 5_000 }),
      service: fc.integer({ min: 0, max: 2_000 }),
      tax: fc.integer({ min: 0, max: 3_000 }),
    })
    .map((x) =>
      quote(
        {
          ...rules,
          baseNightly: x.base,
          weekendNightly: null,
          cleaningFee: x.cleaning,
          extraGuestFee: x.extra,
          weeklyDiscountBp: x.weekly,
          monthlyDiscountBp: x.monthly,
          serviceFeeBp: x.service,
          taxBp: x.tax,
        },
        { checkIn: fromEpochDay(20_000), checkOut: fromEpochDay(20_000 + x.nights) },
        x.guests,
      ),
    )

  it('never refunds more than paid, nor more than the guest total, and never a negative amount', () => {
    fc.assert(
      fc.property(
        arbQuote,
        fc.constantFrom(...cancellationPolicyNames),
        fc.constantFrom<Canceller>('guest', 'host', 'admin', 'system'),
        fc.integer({ min: -100 * 24 * HOUR, max: 400 * 24 * HOUR }),
        fc.integer({ min: -1_000, max: 5_000_000 }),
        (qt, p, by, msBefore, paid) => {
          const r = refund(p, instant(checkInAt - msBefore), by, paid, qt)
          expect(r.total).toBeLessThanOrEqual(Math.max(0, paid))
          expect(r.total).toBeLessThanOrEqual(qt.guestTotal)
          expect(r.total).toBeGreaterThanOrEqual(0)
          for (const v of [r.nights, r.fees, r.tax, r.total]) expect(Number.isSafeInteger(v)).toBe(true)
          // when the payment covers the quote, the total is exactly the sum of its parts
          if (paid >= qt.guestTotal) expect(r.total).toBe(r.nights + r.fees + r.tax)
          // refunded tax is never more than the tax charged
          expect(r.tax).toBeLessThanOrEqual(qt.tax)
        },
      ),
      { numRuns: 1000 },
    )
  })

  it('cancelling earlier never refunds less (property)', () => {
    fc.assert(
      fc.property(
        arbQuote,
        fc.constantFrom(...cancellationPolicyNames),
        fc.integer({ min: 0, max: 40 * 24 * HOUR }),
        fc.integer({ min: 0, max: 40 * 24 * HOUR }),
        (qt, p, a, b) => {
          const [early, late] = a >= b ? [a, b] : [b, a]
          const rEarly = refund(p, instant(checkInAt - early), 'guest', qt.guestTotal, qt)
          const rLate = refund(p, instant(checkInAt - late), 'guest', qt.guestTotal, qt)
          expect(rEarly.total).toBeGreaterThanOrEqual(rLate.total)
        },
      ),
    )
  })
})
