import { Effect, Result } from 'effect'
import type { AvailabilityStore } from '../../../ports/availability-store.js'
import { hasFreeUnit } from '../../domain/availability/night.js'
import type { Listing } from '../../domain/listings/listing.js'
import { checkStay } from '../../domain/listings/restrictions.js'
import { type NightPricing, type Quote, quoteStay } from '../../domain/pricing/quote.js'
import { type LocalDate, localDateAt, makeStay, type Stay } from '../../domain/shared/dates.js'
import { NightsUnavailable, StayRestrictionViolated, ValidationFailed } from '../../domain/shared/errors.js'
import type { Instant } from '../../domain/shared/time.js'

/** Parses check-in/check-out into a half-open stay, or a field-level ValidationFailed. */
export const parseStay = (checkIn: string, checkOut: string): Effect.Effect<Stay, ValidationFailed> => {
  const r = makeStay(checkIn, checkOut)
  return Result.isSuccess(r)
    ? Effect.succeed(r.success)
    : Effect.fail(
        new ValidationFailed({
          issues: [
            {
              path: r.failure.field,
              message:
                r.failure.reason === 'invalid_date'
                  ? 'Expected a real date as YYYY-MM-DD'
                  : 'must be after check_in',
            },
          ],
        }),
      )
}

/**
 * Checks a stay against the listing's rules and calendar and prices it. With `requireAvailable`
 * (the default) every night must have a unit free: a quote for nights that cannot be booked is no
 * use. A modification turns it off: the booking's own nights count as taken until it moves.
 */
export const priceStay = (
  availability: AvailabilityStore,
  listing: Listing,
  stay: Stay,
  guests: number,
  now: Instant,
  options: { readonly requireAvailable: boolean } = { requireAvailable: true },
): Effect.Effect<Quote, StayRestrictionViolated | NightsUnavailable> =>
  Effect.gen(function* () {
    const today = localDateAt(now, listing.location.timezone)
    const checked = checkStay({
      restrictions: listing.restrictions,
      maxGuests: listing.maxGuests,
      stay,
      guests,
      today,
    })
    if (Result.isFailure(checked)) return yield* Effect.fail(checked.failure)
    const nights = yield* availability.calendar(listing.id, stay.checkIn, stay.checkOut)
    const unavailable = nights.filter((n) => !hasFreeUnit(n)).map((n) => n.date)
    if (options.requireAvailable && unavailable.length > 0)
      return yield* Effect.fail(new NightsUnavailable({ listingId: listing.id, nights: unavailable }))
    const calendar = new Map<LocalDate, NightPricing>(nights.map((n) => [n.date, n]))
    const quote = quoteStay({
      listingId: listing.id,
      currency: listing.currency,
      rules: listing.pricing,
      stay,
      guests,
      calendar,
    })
    if (quote.guestTotal <= 0)
      return yield* Effect.fail(
        new StayRestrictionViolated({
          rule: 'zero_price',
          detail: 'This stay is priced at nothing, so it cannot be paid for or booked',
        }),
      )
    return quote
  })
