import { Effect, Option } from 'effect'
import type { RatingSummary } from '../../domain/listings/listing.js'
import { addToRating, countsInRating } from '../../domain/reviews/rating.js'
import type { Review } from '../../domain/reviews/review.js'
import type { ConcurrentModification } from '../../domain/shared/errors.js'
import type { ListingId } from '../../domain/shared/ids.js'
import type { CoreDeps } from './deps.js'
import { retryOnConflict } from './retry.js'

/**
 * Applies `change` to a listing's rating aggregate: read, change, save at the next version, retried
 * when another writer got there first. A listing that does not exist is left alone.
 */
export const updateListingRating = (
  deps: Pick<CoreDeps, 'listings' | 'settings'>,
  listingId: ListingId,
  change: (summary: RatingSummary) => RatingSummary,
): Effect.Effect<void, ConcurrentModification> =>
  retryOnConflict(
    Effect.gen(function* () {
      const found = yield* deps.listings.byId(listingId)
      if (Option.isNone(found)) return
      const listing = found.value
      yield* deps.listings.save(
        { ...listing, rating: change(listing.rating), version: listing.version + 1 },
        [],
      )
    }),
    deps.settings.concurrencyRetries,
  )

/** Adds every review of `reviews` that now counts (revealed, not hidden, guest → listing) to its listing. */
export const countInListings = (
  deps: Pick<CoreDeps, 'listings' | 'settings'>,
  reviews: readonly Review[],
): Effect.Effect<void, ConcurrentModification> =>
  Effect.forEach(
    reviews.filter(countsInRating),
    (r) => updateListingRating(deps, r.listingId, (s) => addToRating(s, r)),
    { discard: true },
  )
