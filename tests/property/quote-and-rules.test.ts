import { Result } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { PricingRules, StayRestrictions } from '../../core/domain/listings/listing.js'
import { checkStay } from '../../core/domain/listings/restrictions.js'
import {
  averageNightly,
  basePriceOf,
  type LineCode,
  type LineItem,
  type NightPrice,
  type NightPricing,
  priceNight,
  type Quote,
  quoteCalendarNights,
  quoteStay,
} from '../../core/domain/pricing/quote.js'
import {
  addDays,
  daysBetween,
  fromEpochDay,
  type LocalDate,
  nightCount,
  nightsOf,
  type Stay,
  toEpochDay,
  weekday,
} from '../../core/domain/shared/dates.js'
import { StayRestrictionViolated } from '../../core/domain/shared/errors.js'
import { asId, type ListingId } from '../../core/domain/shared/ids.js'
import { applyBasisPoints, type Currency, currency, sumAmounts } from '../../core/domain/shared/money.js'

/**
 * Quotes and stay rules as searches compute them (`quoteCalendarNights` from the calendar's nights,
 * `checkStay`'s decision from numbers worked out once per search) against the quote and the check a
 * booking goes through, and both against the code as it was before they were made to allocate less
 * (kept below, verbatim, as the reference): same quote to the last line, same rule broken, same message.
 */

const RUNS = process.env.INNKEEPER_DEEP === '1' ? 20_000 : 1_000

// ---- the reference: quote.ts and restrictions.ts as they were ----

const line = (
  code: LineCode,
  quantity: number,
  unitAmount: number,
  amount = quantity * unitAmount,
): LineItem => ({
  code,
  quantity,
  unitAmount,
  amount,
})

const refBasePriceOf = (
  rules: PricingRules,
  date: LocalDate,
  pricing: NightPricing | undefined,
): { amount: number; source: NightPrice['source'] } => {
  if (pricing?.priceOverride != null) return { amount: pricing.priceOverride, source: 'override' }
  const season = rules.seasons.find((s) => s.from <= date && date < s.to)
  if (season) return { amount: season.nightly, source: 'season' }
  if (rules.weekendNightly !== null && rules.weekendDays.includes(weekday(date)))
    return { amount: rules.weekendNightly, source: 'weekend' }
  return { amount: rules.baseNightly, source: 'base' }
}

const refPriceNight = (
  rules: PricingRules,
  date: LocalDate,
  pricing: NightPricing | undefined,
): NightPrice => {
  const base = refBasePriceOf(rules, date, pricing)
  const surgeBp = pricing?.surgeBp ?? null
  const amount = surgeBp === null ? base.amount : applyBasisPoints(base.amount, surgeBp)
  return { date, amount, source: base.source, surgeBp }
}

/**
 * Prices a stay. Pure and server-authoritative: the same rules and calendar give the same quote.
 * Nights of equal price share a line; each percentage is rounded once, on its own line; totals are
 * sums of lines. Weekly (≥ 7 nights) and monthly (≥ 28 nights) discounts do not stack: monthly wins.
 */
const refQuoteStay = (input: {
  readonly listingId: ListingId
  readonly currency: Currency
  readonly rules: PricingRules
  readonly stay: Stay
  readonly guests: number
  readonly calendar: ReadonlyMap<LocalDate, NightPricing>
}): Quote => {
  const { rules, stay, guests } = input
  const nights = nightsOf(stay).map((d) => refPriceNight(rules, d, input.calendar.get(d)))
  const n = nights.length

  const accommodation: LineItem[] = []
  const byPrice = new Map<number, number>()
  for (const night of nights) byPrice.set(night.amount, (byPrice.get(night.amount) ?? 0) + 1)
  for (const [unit, qty] of [...byPrice].sort((a, b) => a[0] - b[0]))
    accommodation.push(line('nights', qty, unit))
  const nightsSubtotal = sumAmounts(accommodation.map((l) => l.amount))

  if (n >= 28 && rules.monthlyDiscountBp > 0) {
    const d = applyBasisPoints(nightsSubtotal, rules.monthlyDiscountBp)
    accommodation.push(line('monthly_discount', 1, -d))
  } else if (n >= 7 && rules.weeklyDiscountBp > 0) {
    const d = applyBasisPoints(nightsSubtotal, rules.weeklyDiscountBp)
    accommodation.push(line('weekly_discount', 1, -d))
  }
  if (rules.cleaningFee > 0) accommodation.push(line('cleaning_fee', 1, rules.cleaningFee))
  const extra = Math.max(0, guests - rules.extraGuestThreshold)
  if (extra > 0 && rules.extraGuestFee > 0)
    accommodation.push(line('extra_guest_fee', extra * n, rules.extraGuestFee))

  const subtotal = sumAmounts(accommodation.map((l) => l.amount))
  const serviceFee = applyBasisPoints(subtotal, rules.serviceFeeBp)
  const tax = applyBasisPoints(subtotal, rules.taxBp)
  const commission = applyBasisPoints(subtotal, rules.commissionBp)

  const guestLines = [...accommodation]
  if (serviceFee > 0) guestLines.push(line('service_fee', 1, serviceFee))
  if (tax > 0) guestLines.push(line('occupancy_tax', 1, tax))
  const hostLines = [...accommodation]
  if (commission > 0) hostLines.push(line('host_commission', 1, -commission))

  return {
    listingId: input.listingId,
    stay,
    guests,
    currency: input.currency,
    nights,
    guestLines,
    hostLines,
    guestTotal: sumAmounts(guestLines.map((l) => l.amount)),
    hostPayout: sumAmounts(hostLines.map((l) => l.amount)),
    platformFee: serviceFee + commission,
    tax,
  }
}

const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

const refCheckStay = (input: {
  readonly restrictions: StayRestrictions
  readonly maxGuests: number
  readonly stay: Stay
  readonly guests: number
  readonly today: LocalDate
}): Result.Result<Stay, StayRestrictionViolated> => {
  const { restrictions: r, stay, today } = input
  const fail = (rule: StayRestrictionViolated['rule'], detail: string) =>
    Result.fail(new StayRestrictionViolated({ rule, detail }))
  const n = nightCount(stay)
  if (stay.checkIn < today) return fail('past_date', `check-in ${stay.checkIn} is before today (${today})`)
  if (input.guests < 1 || input.guests > input.maxGuests)
    return fail('max_guests', `${input.guests} guests; this listing takes 1 to ${input.maxGuests}`)
  if (n < r.minNights) return fail('min_nights', `${n} nights; the minimum is ${r.minNights}`)
  if (n > r.maxNights) return fail('max_nights', `${n} nights; the maximum is ${r.maxNights}`)
  const lead = daysBetween(today, stay.checkIn)
  if (lead < r.advanceNoticeDays)
    return fail(
      'advance_notice',
      `check-in needs ${r.advanceNoticeDays} days' notice (earliest ${addDays(today, r.advanceNoticeDays)})`,
    )
  if (lead > r.bookingWindowDays)
    return fail(
      'booking_window',
      `check-in is at most ${r.bookingWindowDays} days ahead (latest ${addDays(today, r.bookingWindowDays)})`,
    )
  if (r.checkInWeekdays.length > 0 && !r.checkInWeekdays.includes(weekday(stay.checkIn)))
    return fail(
      'check_in_weekday',
      `check-in must be on ${r.checkInWeekdays.map((d) => dayNames[d]).join(' or ')}`,
    )
  if (r.checkOutWeekdays.length > 0 && !r.checkOutWeekdays.includes(weekday(stay.checkOut)))
    return fail(
      'check_out_weekday',
      `check-out must be on ${r.checkOutWeekdays.map((d) => dayNames[d]).join(' or ')}`,
    )
  return Result.succeed(stay)
}

// ---- generators ----

const DAY0 = toEpochDay('2026-01-01' as LocalDate)
const date = (min: number, max: number) => fc.integer({ min, max }).map((d) => fromEpochDay(DAY0 + d))
const money = fc.integer({ min: 0, max: 50_000 })
const bp = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000 }))

const rulesArb: fc.Arbitrary<PricingRules> = fc.record({
  baseNightly: money,
  weekendNightly: fc.option(money, { nil: null }),
  weekendDays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
  seasons: fc.array(
    fc
      .tuple(fc.integer({ min: -10, max: 80 }), fc.integer({ min: 1, max: 30 }), money)
      .map(([from, len, nightly]) => ({
        from: fromEpochDay(DAY0 + from),
        to: fromEpochDay(DAY0 + from + len),
        nightly,
      })),
    { maxLength: 3 },
  ),
  weeklyDiscountBp: bp,
  monthlyDiscountBp: bp,
  cleaningFee: fc.oneof(fc.constant(0), money),
  extraGuestFee: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000 })),
  extraGuestThreshold: fc.integer({ min: 0, max: 6 }),
  serviceFeeBp: bp,
  commissionBp: bp,
  taxBp: bp,
})

/** A stay of 1-40 nights, with a price override and/or surge on some of its nights. */
const stayArb = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 40 }))
  .chain(([start, n]) =>
    fc
      .array(
        fc.option(
          fc.record({
            priceOverride: fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: null }),
            surgeBp: fc.option(fc.integer({ min: 5_000, max: 30_000 }), { nil: null }),
          }),
          { nil: undefined, freq: 3 },
        ),
        { minLength: n, maxLength: n },
      )
      .map((pricing) => ({
        stay: { checkIn: fromEpochDay(DAY0 + start), checkOut: fromEpochDay(DAY0 + start + n) } as Stay,
        pricing,
      })),
  )

describe('quotes: the search path and the booking path against the reference', () => {
  it('quoteStay and quoteCalendarNights give the reference quote; averageNightly its nightly average', () => {
    fc.assert(
      fc.property(rulesArb, stayArb, fc.integer({ min: 1, max: 10 }), (rules, { stay, pricing }, guests) => {
        const dates = nightsOf(stay)
        const calendar = new Map<LocalDate, NightPricing>()
        dates.forEach((d, i) => {
          const p = pricing[i]
          if (p !== undefined) calendar.set(d, p)
        })
        const base = { listingId: asId('listing', 'lst_q'), currency: currency('EUR'), rules, stay, guests }
        const expected: Quote = refQuoteStay({ ...base, calendar })
        expect(quoteStay({ ...base, calendar })).toEqual(expected)
        // What the calendar hands a search: every night, with nulls where nothing is set.
        const nights = dates.map((d, i) => ({
          date: d,
          priceOverride: pricing[i]?.priceOverride ?? null,
          surgeBp: pricing[i]?.surgeBp ?? null,
          available: 1,
        }))
        const q = quoteCalendarNights({ ...base, nights })
        expect(q).toEqual(expected)
        expect(q.guestTotal).toBe(expected.guestTotal)
        expect(averageNightly(q.nights)).toBe(
          Math.round(expected.nights.reduce((a, n) => a + n.amount, 0) / Math.max(1, expected.nights.length)),
        )
        dates.forEach((d, i) => {
          expect(priceNight(rules, d, pricing[i])).toEqual(refPriceNight(rules, d, pricing[i]))
          expect(basePriceOf(rules, d, pricing[i])).toEqual(refBasePriceOf(rules, d, pricing[i]))
        })
      }),
      { numRuns: RUNS },
    )
  })
})

const restrictionsArb: fc.Arbitrary<StayRestrictions> = fc
  .record({
    minNights: fc.integer({ min: 1, max: 8 }),
    extra: fc.integer({ min: 0, max: 30 }),
    advanceNoticeDays: fc.integer({ min: 0, max: 10 }),
    bookingWindowDays: fc.integer({ min: 0, max: 120 }),
    checkInWeekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
    checkOutWeekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
  })
  .map(({ extra, ...r }) => ({ ...r, maxNights: r.minNights + extra }))

describe('stay rules: checkStay against the reference', () => {
  it('the same rule broken, with the same message, or the same stay accepted', () => {
    fc.assert(
      fc.property(
        restrictionsArb,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 10 }),
        date(0, 30),
        fc.integer({ min: -5, max: 130 }),
        fc.integer({ min: 1, max: 14 }),
        (restrictions, maxGuests, guests, today, lead, n) => {
          const checkIn = addDays(today, lead)
          const stay = { checkIn, checkOut: addDays(checkIn, n) }
          const input = { restrictions, maxGuests, stay, guests, today }
          const got = checkStay(input)
          const want = refCheckStay(input)
          expect(Result.isSuccess(got)).toBe(Result.isSuccess(want))
          if (Result.isFailure(got) && Result.isFailure(want)) {
            expect(got.failure.rule).toBe(want.failure.rule)
            expect(got.failure.detail).toBe(want.failure.detail)
            expect(got.failure).toBeInstanceOf(StayRestrictionViolated)
          }
        },
      ),
      { numRuns: RUNS },
    )
  })
})
