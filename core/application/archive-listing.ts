import type { Effect } from 'effect'
import type { Listing } from '../domain/listings/listing.js'
import type { ListingId } from '../domain/shared/ids.js'
import type { Caller } from './support/caller.js'
import { changeStatus, type Deps, type StatusError } from './support/listing-status.js'

/** Retires a listing for good; existing bookings stand. Idempotent. */
export class ArchiveListing {
  constructor(private readonly deps: Deps) {}
  execute(caller: Caller, id: ListingId): Effect.Effect<Listing, StatusError> {
    return changeStatus(this.deps, 'archive', caller, id)
  }
}
