import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PricingRules } from '../../core/domain/listings/listing.js'
import {
  basePriceOf,
  feesAmount,
  type LineItem,
  type NightPricing,
  nightsAmount,
  priceNight,
} from '../../core/domain/pricing/quote.js'
import { addDays, fromEpochDay, type LocalDate, localDate } from '../../core/domain/shared/dates.js'
import { calendarOf, plainRules, quote, stayOf } from './fixtures.js'

const d = localDate
const codes = (lines: readonly LineItem[]) => lines.map((l) => l.code)
const lineOf = (lines: readonly LineItem[], code: LineItem['code']) => lines.find((l) => l.code === code)

describe('pricing: the price of one night', () => {
  const rules = plainRules({
    baseNightly: 10_000,
    weekendNightly: 12_000,
    seasons: [{ from: d('2025-07-01'), to: d('2025-07-08'), nightly: 15_000 }],
  })

  it('a weekday night costs the base price', () => {
    expect(basePriceOf(rules, d('2025-06-04'), undefined)).toEqual({ amount: 10_000, source: 'base' }) // Wed
  })

  it('Friday and Saturday nights are weekend nights with weekendDays [5, 6]; Sunday is not', () => {
    expect(basePriceOf(rules, d('2025-06-06'), undefined)).toEqual({ amount: 12_000, source: 'weekend' }) // Fri
    expect(basePriceOf(rules, d('2025-06-07'), undefined)).toEqual({ amount: 12_000, source: 'weekend' }) // Sat
    expect(basePriceOf(rules, d('2025-06-08'), undefined)).toEqual({ amount: 10_000, source: 'base' }) // Sun
    expect(basePriceOf(rules, d('2025-06-05'), undefined)).toEqual({ amount: 10_000, source: 'base' }) // Thu
  })

  it('without a weekend price, weekend nights cost the base price', () => {
    expect(basePriceOf(plainRules({ weekendNightly: null }), d('2025-06-06'), undefined).source).toBe('base')
  })

  it('a season beats the weekend price, and its range is half-open [from, to)', () => {
    expect(basePriceOf(rules, d('2025-07-04'), undefined)).toEqual({ amount: 15_000, source: 'season' }) // Fri
    expect(basePriceOf(rules, d('2025-07-01'), undefined).source).toBe('season')
    expect(basePriceOf(rules, d('2025-07-07'), undefined).source).toBe('season')
    expect(basePriceOf(rules, d('2025-07-08'), undefined).source).toBe('base')
    expect(basePriceOf(rules, d('2025-06-30'), undefined).source).toBe('base')
  })

  it('a per-date override beats the season and the weekend', () => {
    const p: NightPricing = { priceOverride: 9_000, surgeBp: null }
    expect(basePriceOf(rules, d('2025-07-04'), p)).toEqual({ amount: 9_000, source: 'override' })
    expect(basePriceOf(rules, d('2025-06-06'), p)).toEqual({ amount: 9_000, source: 'override' })
  })

  it('an override of 0 is an override, not "no override"', () => {
    expect(basePriceOf(rules, d('2025-06-04'), { priceOverride: 0, surgeBp: null })).toEqual({
      amount: 0,
      source: 'override',
    })
  })

  it('surge is applied on top of whichever price won and rounded per night (half away from zero)', () => {
    expect(priceNight(rules, d('2025-07-04'), { priceOverride: null, surgeBp: 12_500 })).toEqual({
      date: '2025-07-04',
      amount: 18_750,
      source: 'season',
      surgeBp: 12_500,
    })
    // 999 × 1.5 = 1498.5 → 1499 for each night
    const r = plainRules({ baseNightly: 999 })
    expect(priceNight(r, d('2025-06-04'), { priceOverride: null, surgeBp: 15_000 }).amount).toBe(1_499)
    expect(priceNight(r, d('2025-06-04'), { priceOverride: 333, surgeBp: 15_000 }).amount).toBe(500) // 499.5
  })

  it('surge rounding is per night: two surged nights cost 2 × the rounded night, not the rounded pair', () => {
    const r = plainRules({ baseNightly: 999 })
    const q = quote(
      r,
      stayOf('2025-06-03', '2025-06-05'),
      1,
      calendarOf({ '2025-06-03': { surgeBp: 15_000 }, '2025-06-04': { surgeBp: 15_000 } }),
    )
    expect(q.guestLines).toEqual([{ code: 'nights', quantity: 2, unitAmount: 1_499, amount: 2_998 }])
  })
})

describe('pricing: discounts', () => {
  const rules = plainRules({ baseNightly: 10_000, weeklyDiscountBp: 1_000, monthlyDiscountBp: 2_500 })
  const nights = (n: number) => quote(rules, stayOf('2025-01-01', addDays(d('2025-01-01'), n)))

  it('no length discount at 6 nights', () => {
    expect(codes(nights(6).guestLines)).toEqual(['nights'])
    expect(nights(6).guestTotal).toBe(60_000)
  })

  it('the weekly discount starts at exactly 7 nights', () => {
    expect(lineOf(nights(7).guestLines, 'weekly_discount')).toEqual({
      code: 'weekly_discount',
      quantity: 1,
      unitAmount: -7_000,
      amount: -7_000,
    })
    expect(nights(7).guestTotal).toBe(63_000)
  })

  it('27 nights get the weekly discount, not the monthly one', () => {
    expect(codes(nights(27).guestLines)).toEqual(['nights', 'weekly_discount'])
    expect(lineOf(nights(27).guestLines, 'weekly_discount')?.amount).toBe(-27_000)
  })

  it('the monthly discount starts at exactly 28 nights and replaces the weekly one', () => {
    expect(codes(nights(28).guestLines)).toEqual(['nights', 'monthly_discount'])
    expect(lineOf(nights(28).guestLines, 'monthly_discount')?.amount).toBe(-70_000)
    expect(nights(28).guestTotal).toBe(210_000)
  })

  it('a zero monthly rate falls back to the weekly discount for long stays', () => {
    const q = quote({ ...rules, monthlyDiscountBp: 0 }, stayOf('2025-01-01', '2025-02-05'))
    expect(codes(q.guestLines)).toEqual(['nights', 'weekly_discount'])
  })

  it('the discount is a percentage of all nights, rounded once on its own line', () => {
    const q = quote(
      plainRules({ baseNightly: 1_001, weeklyDiscountBp: 1_500 }),
      stayOf('2025-01-01', '2025-01-08'),
    )
    // 7 × 1001 = 7007; 15 % = 1051.05 → 1051
    expect(lineOf(q.guestLines, 'weekly_discount')?.amount).toBe(-1_051)
    expect(q.guestTotal).toBe(5_956)
  })
})

describe('pricing: fees, tax and commission', () => {
  it('the cleaning fee is one line, charged once per stay', () => {
    const q = quote(plainRules({ cleaningFee: 4_500 }), stayOf('2025-01-01', '2025-01-04'))
    expect(lineOf(q.guestLines, 'cleaning_fee')).toEqual({
      code: 'cleaning_fee',
      quantity: 1,
      unitAmount: 4_500,
      amount: 4_500,
    })
    expect(q.guestTotal).toBe(34_500)
  })

  it('the extra-guest fee applies above the threshold: quantity = extra guests × nights', () => {
    const r = plainRules({ extraGuestFee: 1_500, extraGuestThreshold: 2 })
    const s = stayOf('2025-01-01', '2025-01-04')
    expect(lineOf(quote(r, s, 2).guestLines, 'extra_guest_fee')).toBeUndefined()
    expect(lineOf(quote(r, s, 3).guestLines, 'extra_guest_fee')).toEqual({
      code: 'extra_guest_fee',
      quantity: 3,
      unitAmount: 1_500,
      amount: 4_500,
    })
    expect(lineOf(quote(r, s, 5).guestLines, 'extra_guest_fee')).toEqual({
      code: 'extra_guest_fee',
      quantity: 9,
      unitAmount: 1_500,
      amount: 13_500,
    })
  })

  it('the guest service fee and occupancy tax are guest lines; commission is a negative host line', () => {
    const q = quote(
      plainRules({ serviceFeeBp: 1_200, taxBp: 1_000, commissionBp: 300 }),
      stayOf('2025-01-01', '2025-01-03'),
    )
    expect(q.guestLines).toEqual([
      { code: 'nights', quantity: 2, unitAmount: 10_000, amount: 20_000 },
      { code: 'service_fee', quantity: 1, unitAmount: 2_400, amount: 2_400 },
      { code: 'occupancy_tax', quantity: 1, unitAmount: 2_000, amount: 2_000 },
    ])
    expect(q.hostLines).toEqual([
      { code: 'nights', quantity: 2, unitAmount: 10_000, amount: 20_000 },
      { code: 'host_commission', quantity: 1, unitAmount: -600, amount: -600 },
    ])
    expect(q.guestTotal).toBe(24_400)
    expect(q.hostPayout).toBe(19_400)
    expect(q.platformFee).toBe(3_000)
    expect(q.tax).toBe(2_000)
  })

  it('percentages apply to the discounted subtotal including cleaning and extra-guest fees', () => {
    const q = quote(
      plainRules({ cleaningFee: 1_000, extraGuestFee: 500, extraGuestThreshold: 1, serviceFeeBp: 1_000 }),
      stayOf('2025-01-01', '2025-01-02'),
      2,
    )
    // 10 000 + 1 000 + 500 = 11 500; 10 % = 1 150
    expect(lineOf(q.guestLines, 'service_fee')?.amount).toBe(1_150)
  })
})

describe('pricing: a full quote computed by hand', () => {
  // Mon 2025-06-02 → Mon 2025-06-09: 7 nights, Fri 6 and Sat 7 are weekend nights.
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
  const calendar = calendarOf({
    '2025-06-04': { priceOverride: 9_000 }, // Wed: override
    '2025-06-07': { surgeBp: 10_333 }, // Sat: 12 500 × 1.0333 = 12 916.25 → 12 916
  })
  const q = quote(rules, stayOf('2025-06-02', '2025-06-09'), 4, calendar)

  it('prices each night: base, override, weekend, surged weekend', () => {
    expect(q.nights.map((n) => [n.date, n.amount, n.source])).toEqual([
      ['2025-06-02', 10_000, 'base'],
      ['2025-06-03', 10_000, 'base'],
      ['2025-06-04', 9_000, 'override'],
      ['2025-06-05', 10_000, 'base'],
      ['2025-06-06', 12_500, 'weekend'],
      ['2025-06-07', 12_916, 'weekend'],
      ['2025-06-08', 10_000, 'base'],
    ])
  })

  it('guest lines to the minor unit', () => {
    // nights 9 000 + 40 000 + 12 500 + 12 916 = 74 416; weekly 10 % = 7 441.6 → 7 442
    // subtotal = 74 416 − 7 442 + 5 000 + 2 extra guests × 7 nights × 1 500 (21 000) = 92 974
    // service 14 % = 13 016.36 → 13 016; tax 11.75 % = 10 924.445 → 10 924
    expect(q.guestLines).toEqual([
      { code: 'nights', quantity: 1, unitAmount: 9_000, amount: 9_000 },
      { code: 'nights', quantity: 4, unitAmount: 10_000, amount: 40_000 },
      { code: 'nights', quantity: 1, unitAmount: 12_500, amount: 12_500 },
      { code: 'nights', quantity: 1, unitAmount: 12_916, amount: 12_916 },
      { code: 'weekly_discount', quantity: 1, unitAmount: -7_442, amount: -7_442 },
      { code: 'cleaning_fee', quantity: 1, unitAmount: 5_000, amount: 5_000 },
      { code: 'extra_guest_fee', quantity: 14, unitAmount: 1_500, amount: 21_000 },
      { code: 'service_fee', quantity: 1, unitAmount: 13_016, amount: 13_016 },
      { code: 'occupancy_tax', quantity: 1, unitAmount: 10_924, amount: 10_924 },
    ])
    expect(q.guestTotal).toBe(116_914)
    expect(q.tax).toBe(10_924)
  })

  it('host lines to the minor unit: commission 3 % of 92 974 = 2 789.22 → 2 789', () => {
    expect(q.hostLines.at(-1)).toEqual({
      code: 'host_commission',
      quantity: 1,
      unitAmount: -2_789,
      amount: -2_789,
    })
    expect(q.hostLines.slice(0, -1)).toEqual(q.guestLines.slice(0, 7))
    expect(q.hostPayout).toBe(90_185)
    expect(q.platformFee).toBe(13_016 + 2_789)
  })

  it('nightsAmount is nights after discount; feesAmount is cleaning + extra guests + service fee', () => {
    expect(nightsAmount(q)).toBe(74_416 - 7_442)
    expect(feesAmount(q)).toBe(5_000 + 21_000 + 13_016)
  })
})

describe('pricing: invariants over random rules (property)', () => {
  const bp = fc.integer({ min: 0, max: 5_000 })
  const amount = fc.integer({ min: 0, max: 500_000 })
  const day0 = 20_000 // 2024-10-04
  const arbRules: fc.Arbitrary<PricingRules> = fc.record({
    baseNightly: amount,
    weekendNightly: fc.option(amount, { nil: null }),
    weekendDays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
    seasons: fc
      .array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 20 }), amount), {
        maxLength: 3,
      })
      .map((xs) =>
        xs.map(([from, len, nightly]) => ({
          from: fromEpochDay(day0 + from),
          to: fromEpochDay(day0 + from + len),
          nightly,
        })),
      ),
    weeklyDiscountBp: bp,
    monthlyDiscountBp: bp,
    cleaningFee: amount,
    extraGuestFee: fc.integer({ min: 0, max: 10_000 }),
    extraGuestThreshold: fc.integer({ min: 1, max: 6 }),
    serviceFeeBp: bp,
    commissionBp: bp,
    taxBp: bp,
  })
  const arbCalendar = fc
    .array(
      fc.tuple(
        fc.integer({ min: 0, max: 70 }),
        fc.option(amount, { nil: null }),
        fc.option(fc.integer({ min: 5_000, max: 30_000 }), { nil: null }),
      ),
      { maxLength: 20 },
    )
    .map(
      (xs) =>
        new Map<LocalDate, NightPricing>(
          xs.map(([i, priceOverride, surgeBp]) => [fromEpochDay(day0 + i), { priceOverride, surgeBp }]),
        ),
    )

  it('amounts are integers, totals are sums of lines, equal nightly prices share one line', () => {
    fc.assert(
      fc.property(
        arbRules,
        arbCalendar,
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 35 }),
        fc.integer({ min: 1, max: 10 }),
        (rules, calendar, start, n, guests) => {
          const stay = { checkIn: fromEpochDay(day0 + start), checkOut: fromEpochDay(day0 + start + n) }
          const q = quote(rules, stay, guests, calendar)
          for (const l of [...q.guestLines, ...q.hostLines]) {
            expect(Number.isSafeInteger(l.amount)).toBe(true)
            expect(Number.isSafeInteger(l.unitAmount)).toBe(true)
            expect(l.amount).toBe(l.quantity * l.unitAmount)
          }
          const sum = (ls: readonly LineItem[]) => ls.reduce((a, l) => a + l.amount, 0)
          expect(q.guestTotal).toBe(sum(q.guestLines))
          expect(q.hostPayout).toBe(sum(q.hostLines))
          expect(q.nights).toHaveLength(n)
          // nights lines: one per distinct nightly price, quantities add up to the number of nights
          const nightLines = q.guestLines.filter((l) => l.code === 'nights')
          const distinct = new Set(q.nights.map((x) => x.amount))
          expect(nightLines.map((l) => l.unitAmount).sort((a, b) => a - b)).toEqual(
            [...distinct].sort((a, b) => a - b),
          )
          expect(nightLines.reduce((a, l) => a + l.quantity, 0)).toBe(n)
          for (const l of nightLines)
            expect(l.quantity).toBe(q.nights.filter((x) => x.amount === l.unitAmount).length)
          // each night's price is its integer base price with surge, rounded on that night
          for (const x of q.nights) expect(Number.isSafeInteger(x.amount)).toBe(true)
          // at most one length discount, chosen by the number of nights
          const disc = q.guestLines.filter(
            (l) => l.code === 'weekly_discount' || l.code === 'monthly_discount',
          )
          expect(disc.length).toBeLessThanOrEqual(1)
          if (n < 7) expect(disc).toEqual([])
          if (disc[0]?.code === 'weekly_discount') expect(n).toBeGreaterThanOrEqual(7)
          if (disc[0]?.code === 'monthly_discount') expect(n).toBeGreaterThanOrEqual(28)
          // platform revenue and tax are the lines that carry them
          const get = (ls: readonly LineItem[], c: LineItem['code']) => sum(ls.filter((l) => l.code === c))
          expect(q.tax).toBe(get(q.guestLines, 'occupancy_tax'))
          expect(q.platformFee).toBe(get(q.guestLines, 'service_fee') - get(q.hostLines, 'host_commission'))
          // guest and host share the accommodation lines
          expect(q.guestTotal - q.hostPayout).toBe(q.platformFee + q.tax)
        },
      ),
      { numRuns: 500 },
    )
  })
})
