import { Effect, Schema } from 'effect'
import { takesBookings } from '../domain/bookings/new-booking.js'
import type { Quote } from '../domain/pricing/quote.js'
import type {
  HostSuspended,
  ListingNotBookable,
  ListingNotFound,
  NightsUnavailable,
  StayRestrictionViolated,
  ValidationFailed,
} from '../domain/shared/errors.js'
import type { ListingId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { loadVisibleListing, requireActiveHost } from './support/listing-access.js'
import { parseStay, priceStay } from './support/price-stay.js'
import { Guests, LocalDateString } from './support/schemas.js'

export const QuoteStayInput = Schema.Struct({
  checkIn: LocalDateString,
  checkOut: LocalDateString,
  guests: Guests,
})
export type QuoteStayInput = typeof QuoteStayInput.Type

/**
 * The price of a stay as line items and totals, if the listing's rules and calendar allow it and
 * its host is not suspended.
 */
export class QuoteStay {
  constructor(private readonly deps: Pick<CoreDeps, 'listings' | 'availability' | 'clock' | 'users'>) {}

  execute(
    caller: Caller,
    listingId: ListingId,
    raw: typeof QuoteStayInput.Encoded,
  ): Effect.Effect<
    Quote,
    | ValidationFailed
    | ListingNotFound
    | ListingNotBookable
    | HostSuspended
    | StayRestrictionViolated
    | NightsUnavailable
  > {
    const { listings, availability, clock, users } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(QuoteStayInput, raw)
      const stay = yield* parseStay(input.checkIn, input.checkOut)
      const listing = yield* loadVisibleListing(listings, caller, listingId)
      yield* Effect.fromResult(takesBookings(listing))
      yield* requireActiveHost(users, listing)
      return yield* priceStay(availability, listing, stay, input.guests, clock.now())
    })
  }
}
