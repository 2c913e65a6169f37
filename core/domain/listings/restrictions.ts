import { Result } from 'effect'
import { addDays, type LocalDate, nightCount, type Stay, toEpochDay, weekday } from '../shared/dates.js'
import { StayRestrictionViolated, type StayRule } from '../shared/errors.js'
import type { StayRestrictions } from './listing.js'

const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** What a listing's rules look at in a stay, as numbers (a search works them out once for all candidates). */
export interface StayFacts {
  readonly nights: number
  /** Days from the listing-local today to check-in (negative: check-in is in the past). */
  readonly leadDays: number
  readonly checkInWeekday: number
  readonly checkOutWeekday: number
  readonly guests: number
}

/**
 * The first rule the stay breaks, or null if it breaks none: the one decision `checkStay` explains
 * and a search applies to each candidate (no error or message built for the many it passes over).
 */
export const brokenStayRule = (r: StayRestrictions, maxGuests: number, s: StayFacts): StayRule | null => {
  if (s.leadDays < 0) return 'past_date'
  if (s.guests < 1 || s.guests > maxGuests) return 'max_guests'
  if (s.nights < r.minNights) return 'min_nights'
  if (s.nights > r.maxNights) return 'max_nights'
  if (s.leadDays < r.advanceNoticeDays) return 'advance_notice'
  if (s.leadDays > r.bookingWindowDays) return 'booking_window'
  if (r.checkInWeekdays.length > 0 && !r.checkInWeekdays.includes(s.checkInWeekday)) return 'check_in_weekday'
  if (r.checkOutWeekdays.length > 0 && !r.checkOutWeekdays.includes(s.checkOutWeekday))
    return 'check_out_weekday'
  return null
}

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
  const n = nightCount(stay)
  const rule = brokenStayRule(r, input.maxGuests, {
    nights: n,
    leadDays: toEpochDay(stay.checkIn) - toEpochDay(today),
    checkInWeekday: weekday(stay.checkIn),
    checkOutWeekday: weekday(stay.checkOut),
    guests: input.guests,
  })
  if (rule === null) return Result.succeed(stay)
  const detail = (() => {
    switch (rule) {
      case 'past_date':
        return `check-in ${stay.checkIn} is before today (${today})`
      case 'max_guests':
        return `${input.guests} guests; this listing takes 1 to ${input.maxGuests}`
      case 'min_nights':
        return `${n} nights; the minimum is ${r.minNights}`
      case 'max_nights':
        return `${n} nights; the maximum is ${r.maxNights}`
      case 'advance_notice':
        return `check-in needs ${r.advanceNoticeDays} days' notice (earliest ${addDays(today, r.advanceNoticeDays)})`
      case 'booking_window':
        return `check-in is at most ${r.bookingWindowDays} days ahead (latest ${addDays(today, r.bookingWindowDays)})`
      case 'check_in_weekday':
        return `check-in must be on ${r.checkInWeekdays.map((d) => dayNames[d]).join(' or ')}`
      case 'check_out_weekday':
        return `check-out must be on ${r.checkOutWeekdays.map((d) => dayNames[d]).join(' or ')}`
      case 'zero_price':
        return 'the stay is priced at nothing'
    }
  })()
  return Result.fail(new StayRestrictionViolated({ rule, detail }))
}
