import { Effect, Schema } from 'effect'
import type { Forbidden, ValidationFailed } from '../domain/shared/errors.js'
import { asId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { NonBlank } from './support/schemas.js'

export const RemoveFromWishlistInput = Schema.Struct({ listingId: NonBlank(64) })
export type RemoveFromWishlistInput = typeof RemoveFromWishlistInput.Type

/** Removes a listing from the caller's wishlist; idempotent (removing what is not there succeeds). */
export class RemoveFromWishlist {
  constructor(private readonly deps: Pick<CoreDeps, 'wishlists'>) {}

  execute(
    caller: Caller,
    raw: typeof RemoveFromWishlistInput.Encoded,
  ): Effect.Effect<void, ValidationFailed | Forbidden> {
    const { wishlists } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(RemoveFromWishlistInput, raw)
      yield* wishlists.remove(userId, asId('listing', input.listingId))
    })
  }
}
