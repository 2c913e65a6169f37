import type { Effect } from 'effect'
import type { Listing } from '../domain/listings/listing.js'
import type { ListingNotFound } from '../domain/shared/errors.js'
import type { ListingId } from '../domain/shared/ids.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { loadVisibleListing } from './support/listing-access.js'

/** A listing's details: public once activated; drafts and archived listings only for their host. */
export class GetListing {
  constructor(private readonly deps: Pick<CoreDeps, 'listings'>) {}
  execute(caller: Caller, id: ListingId): Effect.Effect<Listing, ListingNotFound> {
    return loadVisibleListing(this.deps.listings, caller, id)
  }
}
