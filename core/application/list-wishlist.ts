import { Effect, Option } from 'effect'
import type { Page } from '../../ports/pagination.js'
import type { WishlistEntry } from '../../ports/repositories.js'
import type { Listing } from '../domain/listings/listing.js'
import type { Forbidden, ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { PageInput, toPageRequest } from './support/page-input.js'

export const ListWishlistInput = PageInput
export type ListWishlistInput = typeof ListWishlistInput.Type

/** A wishlist entry with its listing as it is now (its `status` tells whether it can still be booked). */
export interface WishlistItem extends WishlistEntry {
  readonly listing: Listing
}

/**
 * The caller's wishlist, newest first, each entry with its listing. Entries whose listing no longer
 * exists are left out of the page.
 */
export class ListWishlist {
  constructor(private readonly deps: Pick<CoreDeps, 'wishlists' | 'listings'>) {}

  execute(
    caller: Caller,
    raw: typeof ListWishlistInput.Encoded = {},
  ): Effect.Effect<Page<WishlistItem>, ValidationFailed | Forbidden> {
    const { wishlists, listings } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(ListWishlistInput, raw)
      const page = yield* wishlists.list(userId, toPageRequest(input))
      const found = yield* Effect.forEach(page.items, (e) => listings.byId(e.listingId))
      const items: WishlistItem[] = []
      page.items.forEach((entry, i) => {
        const listing = found[i]
        if (listing !== undefined && Option.isSome(listing)) items.push({ ...entry, listing: listing.value })
      })
      return { items, nextCursor: page.nextCursor }
    })
  }
}
