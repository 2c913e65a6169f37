import type { Effect } from 'effect'
import type { Listing } from '../domain/listings/listing.js'
import type { ListingId } from '../domain/shared/ids.js'
import type { Caller } from './support/caller.js'
import { changeStatus, type Deps, type StatusError } from './support/listing-status.js'

/** Hides an active listing from search and new bookings; existing bookings stand. Idempotent. */
export class DeactivateListing {
  constructor(private readonly deps: Deps) {}
  execute(caller: Caller, id: ListingId): Effect.Effect<Listing, StatusError> {
    return changeStatus(this.deps, 'deactivate', caller, id)
  }
}
