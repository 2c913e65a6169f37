import { Result } from 'effect'
import { describe, expect, it } from 'vitest'
import { defaultRestrictions, type StayRestrictions } from '../../core/domain/listings/listing.js'
import { checkStay } from '../../core/domain/listings/restrictions.js'
import { addDays, localDate, type Stay } from '../../core/domain/shared/dates.js'
import type { StayRule } from '../../core/domain/shared/errors.js'
import { stayOf } from './fixtures.js'

const TODAY = localDate('2025-06-04') // a Wednesday

const check = (stay: Stay, r: Partial<StayRestrictions> = {}, guests = 2, maxGuests = 4) =>
  checkStay({ restrictions: { ...defaultRestrictions, ...r }, maxGuests, stay, guests, today: TODAY })
const nightsFrom = (offsetDays: number, n: number): Stay => {
  const ci = addDays(TODAY, offsetDays)
  return { checkIn: ci, checkOut: addDays(ci, n) }
}
const ruleOf = (r: ReturnType<typeof check>): StayRule | 'ok' => (Result.isSuccess(r) ? 'ok' : r.failure.rule)

describe('restrictions: checkStay at each boundary', () => {
  it('the default restrictions accept a 1-night stay starting today', () => {
    const r = check(nightsFrom(0, 1))
    expect(Result.isSuccess(r) && r.success).toEqual(nightsFrom(0, 1))
  })

  it('past_date: check-in yesterday is refused; today is fine', () => {
    expect(ruleOf(check(nightsFrom(-1, 3)))).toBe('past_date')
    expect(ruleOf(check(nightsFrom(0, 3)))).toBe('ok')
  })

  it('min_nights: exactly the minimum is fine, one night fewer is refused', () => {
    expect(ruleOf(check(nightsFrom(5, 3), { minNights: 3 }))).toBe('ok')
    expect(ruleOf(check(nightsFrom(5, 2), { minNights: 3 }))).toBe('min_nights')
  })

  it('max_nights: exactly the maximum is fine, one night more is refused', () => {
    expect(ruleOf(check(nightsFrom(5, 14), { maxNights: 14 }))).toBe('ok')
    expect(ruleOf(check(nightsFrom(5, 15), { maxNights: 14 }))).toBe('max_nights')
  })

  it('advance_notice: check-in exactly N days ahead is fine, N − 1 days is refused', () => {
    expect(ruleOf(check(nightsFrom(2, 1), { advanceNoticeDays: 2 }))).toBe('ok')
    expect(ruleOf(check(nightsFrom(1, 1), { advanceNoticeDays: 2 }))).toBe('advance_notice')
    expect(ruleOf(check(nightsFrom(0, 1), { advanceNoticeDays: 0 }))).toBe('ok')
  })

  it('booking_window: check-in exactly N days ahead is fine, N + 1 days is refused', () => {
    expect(ruleOf(check(nightsFrom(90, 1), { bookingWindowDays: 90 }))).toBe('ok')
    expect(ruleOf(check(nightsFrom(91, 1), { bookingWindowDays: 90 }))).toBe('booking_window')
  })

  it('check_in_weekday: only the listed weekdays (0 = Sunday) may start a stay; empty = any', () => {
    const sat = stayOf('2025-06-07', '2025-06-09')
    const sun = stayOf('2025-06-08', '2025-06-10')
    expect(ruleOf(check(sat, { checkInWeekdays: [6] }))).toBe('ok')
    expect(ruleOf(check(sun, { checkInWeekdays: [6] }))).toBe('check_in_weekday')
    expect(ruleOf(check(sun, { checkInWeekdays: [] }))).toBe('ok')
  })

  it('check_out_weekday: only the listed weekdays may end a stay', () => {
    expect(ruleOf(check(stayOf('2025-06-07', '2025-06-09'), { checkOutWeekdays: [1] }))).toBe('ok') // Mon
    expect(ruleOf(check(stayOf('2025-06-07', '2025-06-10'), { checkOutWeekdays: [1] }))).toBe(
      'check_out_weekday',
    )
  })

  it('max_guests: 1 to maxGuests are fine; 0 and maxGuests + 1 are refused', () => {
    expect(ruleOf(check(nightsFrom(1, 1), {}, 4, 4))).toBe('ok')
    expect(ruleOf(check(nightsFrom(1, 1), {}, 1, 4))).toBe('ok')
    expect(ruleOf(check(nightsFrom(1, 1), {}, 5, 4))).toBe('max_guests')
    expect(ruleOf(check(nightsFrom(1, 1), {}, 0, 4))).toBe('max_guests')
  })

  it('the failure is a StayRestrictionViolated with a stable code and a readable detail', () => {
    const r = check(nightsFrom(5, 2), { minNights: 3 })
    expect(Result.isFailure(r)).toBe(true)
    if (Result.isFailure(r)) {
      expect(r.failure._tag).toBe('StayRestrictionViolated')
      expect(r.failure.code).toBe('stay_restriction_violated')
      expect(r.failure.detail).toBe('2 nights; the minimum is 3')
    }
  })
})
