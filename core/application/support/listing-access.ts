import { Effect } from 'effect'
import type { ListingRepository } from '../../../ports/repositories.js'
import type { Listing } from '../../domain/listings/listing.js'
import { ListingNotFound } from '../../domain/shared/errors.js'
import type { ListingId } from '../../domain/shared/ids.js'
import { type Caller, isAdmin } from './caller.js'
import { findListing } from './load.js'

/** Whether the caller may edit the listing: its host, or an admin. */
export const ownsListing = (caller: Caller, l: Listing): boolean =>
  isAdmin(caller) || (caller.kind === 'user' && caller.userId === l.hostId)

/**
 * Loads a listing for editing. Someone else's listing is reported as not found, so ids of other
 * hosts' drafts do not leak.
 */
export const loadOwnListing = (
  repo: ListingRepository,
  caller: Caller,
  id: ListingId,
): Effect.Effect<Listing, ListingNotFound> =>
  Effect.flatMap(findListing(repo, id), (l) =>
    ownsListing(caller, l) ? Effect.succeed(l) : Effect.fail(new ListingNotFound({ listingId: id })),
  )

/** Loads a listing for viewing: active and inactive ones are public; drafts and archived only to the owner. */
export const loadVisibleListing = (
  repo: ListingRepository,
  caller: Caller,
  id: ListingId,
): Effect.Effect<Listing, ListingNotFound> =>
  Effect.flatMap(findListing(repo, id), (l) =>
    l.status === 'active' || l.status === 'inactive' || ownsListing(caller, l)
      ? Effect.succeed(l)
      : Effect.fail(new ListingNotFound({ listingId: id })),
  )
