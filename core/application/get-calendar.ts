import { Effect, Schema } from 'effect'
import type { NightState } from '../domain/availability/night.js'
import type { Listing } from '../domain/listings/listing.js'
import { priceNight } from '../domain/pricing/quote.js'
import type { LocalDate } from '../domain/shared/dates.js'
import type { ListingNotFound, ValidationFailed } from '../domain/shared/errors.js'
import type { ListingId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { CALENDAR_RANGE_RULE, checkRange } from './support/calendar-range.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { loadVisibleListing } from './support/listing-access.js'
import { LocalDateString } from './support/schemas.js'

export interface CalendarNight {
  readonly date: LocalDate
  readonly available: number
  readonly units: number
  readonly blocked: boolean
  /** The nightly price a guest would pay for this night (before discounts and fees). */
  readonly price: number
  /** Only for the listing's host: held and booked counts. */
  readonly held?: number
  readonly booked?: number
}

export const GetCalendarInput = Schema.Struct({
  from: LocalDateString,
  to: LocalDateString.annotate({ description: CALENDAR_RANGE_RULE }),
})

export const describeNight = (listing: Listing, n: NightState, forOwner: boolean): CalendarNight => {
  const price = priceNight(listing.pricing, n.date, n).amount
  const base = { date: n.date, available: n.available, units: n.units, blocked: n.blocked, price }
  return forOwner ? { ...base, held: n.held, booked: n.booked } : base
}

/** Per night: units available, price, blocked. The host also sees held and booked counts. */
export class GetCalendar {
  constructor(private readonly deps: Pick<CoreDeps, 'listings' | 'availability'>) {}

  execute(
    caller: Caller,
    listingId: ListingId,
    raw: typeof GetCalendarInput.Encoded,
  ): Effect.Effect<readonly CalendarNight[], ValidationFailed | ListingNotFound> {
    const { listings, availability } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(GetCalendarInput, raw)
      yield* checkRange(input.from, input.to)
      const listing = yield* loadVisibleListing(listings, caller, listingId)
      const forOwner =
        caller.kind === 'user' && (caller.userId === listing.hostId || caller.roles.includes('admin'))
      const nights = yield* availability.calendar(listingId, input.from as LocalDate, input.to as LocalDate)
      return nights.map((n) => describeNight(listing, n, forOwner))
    })
  }
}
