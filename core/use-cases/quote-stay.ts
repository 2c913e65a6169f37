import { Effect, Schema } from 'effect'
import type { Quote } from '../pricing/quote.js'
import type {
  ListingNotBookable,
  ListingNotFound,
  NightsUnavailable,
  StayRestrictionViolated,
  ValidationFailed,
} from '../shared/errors.js'
import { ListingNotBookable as NotBookable } from '../shared/errors.js'
import type { ListingId } from '../shared/ids.js'
import { decodeInput } from '../shared/validation.js'
import type { Caller } from './caller.js'
import type { CoreDeps } from './deps.js'
import { loadVisibleListing } from './listing-access.js'
import { parseStay, priceStay } from './price-stay.js'
import { Guests, LocalDateString } from './schemas.js'

export const QuoteStayInput = Schema.Struct({
  checkIn: LocalDateString,
  checkOut: LocalDateString,
  guests: Guests,
})
export type QuoteStayInput = typeof QuoteStayInput.Type

/** The price of a stay as line items and totals, if the listing's rules and calendar allow it. */
export class QuoteStay {
  constructor(private readonly deps: Pick<CoreDeps, 'listings' | 'availability' | 'clock'>) {}

  execute(
    caller: Caller,
    listingId: ListingId,
    raw: unknown,
  ): Effect.Effect<
    Quote,
    ValidationFailed | ListingNotFound | ListingNotBookable | StayRestrictionViolated | NightsUnavailable
  > {
    const { listings, availability, clock } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(QuoteStayInput, raw)
      const stay = yield* parseStay(input.checkIn, input.checkOut)
      const listing = yield* loadVisibleListing(listings, caller, listingId)
      if (listing.status !== 'active')
        return yield* Effect.fail(new NotBookable({ listingId, reason: `the listing is ${listing.status}` }))
      return yield* priceStay(availability, listing, stay, input.guests, clock.now())
    })
  }
}
