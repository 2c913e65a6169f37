import { Result } from 'effect'
import { addDays, daysBetween, type LocalDate, nightCount, type Stay, weekday } from '../shared/dates.js'
import { StayRestrictionViolated } from '../shared/errors.js'
import type { StayRestrictions } from './listing.js'

const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/**
 * Checks a stay against a listing's restrictions, `today` being the listing-local date now.
 * Pure; the first rule broken is reported.
 */
export const checkStay = (input: {
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
