import { Effect, Schema } from 'effect'
import type { Page } from '../../ports/pagination.js'
import { isVisible, type Review } from '../domain/reviews/review.js'
import type { ListingNotFound, ValidationFailed } from '../domain/shared/errors.js'
import { asId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { CoreDeps } from './support/deps.js'
import { findListing } from './support/load.js'
import { PageFields, toPageRequest } from './support/page-input.js'
import { NonBlank } from './support/schemas.js'

export const ListListingReviewsInput = Schema.Struct({ listingId: NonBlank(64), ...PageFields })
export type ListListingReviewsInput = typeof ListListingReviewsInput.Type

/**
 * The public reviews of a listing (guest → listing), newest first: only revealed, not hidden ones.
 * Blind and hidden reviews are dropped from the page, so a page may hold fewer than `limit` items
 * while `nextCursor` still points further.
 */
export class ListListingReviews {
  constructor(private readonly deps: Pick<CoreDeps, 'listings' | 'reviews'>) {}

  execute(
    raw: typeof ListListingReviewsInput.Encoded,
  ): Effect.Effect<Page<Review>, ValidationFailed | ListingNotFound> {
    const { listings, reviews } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(ListListingReviewsInput, raw)
      const listing = yield* findListing(listings, asId('listing', input.listingId))
      const page = yield* reviews.byListing(listing.id, toPageRequest(input))
      return { items: page.items.filter(isVisible), nextCursor: page.nextCursor }
    })
  }
}
