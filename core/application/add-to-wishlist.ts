import { Effect, Schema } from 'effect'
import type { WishlistEntry } from '../../ports/repositories.js'
import { type Forbidden, ListingNotFound, type ValidationFailed } from '../domain/shared/errors.js'
import { asId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { findListing } from './support/load.js'
import { NonBlank } from './support/schemas.js'

export const AddToWishlistInput = Schema.Struct({ listingId: NonBlank(64) })
export type AddToWishlistInput = typeof AddToWishlistInput.Type

/**
 * Saves an active listing to the caller's wishlist. A listing that is not active (draft, inactive,
 * archived) is `ListingNotFound`, as the public cannot see it. Adding twice keeps the first entry.
 */
export class AddToWishlist {
  constructor(private readonly deps: Pick<CoreDeps, 'listings' | 'wishlists' | 'clock'>) {}

  execute(
    caller: Caller,
    raw: typeof AddToWishlistInput.Encoded,
  ): Effect.Effect<WishlistEntry, ValidationFailed | Forbidden | ListingNotFound> {
    const { listings, wishlists, clock } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(AddToWishlistInput, raw)
      const listing = yield* findListing(listings, asId('listing', input.listingId))
      if (listing.status !== 'active')
        return yield* Effect.fail(new ListingNotFound({ listingId: listing.id }))
      const entry: WishlistEntry = { userId, listingId: listing.id, addedAt: clock.now() }
      yield* wishlists.add(entry)
      return entry
    })
  }
}
