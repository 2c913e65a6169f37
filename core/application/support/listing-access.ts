import { Effect } from 'effect'
import type { ListingRepository, UserRepository } from '../../../ports/repositories.js'
import type { Listing } from '../../domain/listings/listing.js'
import { HostSuspended, ListingNotFound } from '../../domain/shared/errors.js'
import type { ListingId, UserId } from '../../domain/shared/ids.js'
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

/**
 * Fails `HostSuspended` (409) when the host of the listing is suspended: a suspended host's
 * listings take no quotes, bookings or payments.
 */
export const requireActiveHost = (
  users: UserRepository,
  listing: Pick<Listing, 'id' | 'hostId'>,
): Effect.Effect<void, HostSuspended> =>
  Effect.flatMap(users.byId(listing.hostId), (host) =>
    host._tag === 'Some' && host.value.status === 'suspended'
      ? Effect.fail(new HostSuspended({ listingId: listing.id }))
      : Effect.void,
  )

/**
 * Which of these hosts are suspended, each looked up once: a search drops their listings.
 * `known` carries the answers across a search's batches.
 */
export const suspendedHosts = (
  users: UserRepository,
  hostIds: readonly UserId[],
  known: Map<UserId, boolean>,
): Effect.Effect<Map<UserId, boolean>> => {
  const missing = [...new Set(hostIds)].filter((id) => !known.has(id))
  if (missing.length === 0) return Effect.succeed(known)
  return Effect.map(
    Effect.forEach(missing, (id) => users.byId(id), { concurrency: 8 }),
    (found) => {
      missing.forEach((id, i) => {
        const u = found[i]
        known.set(id, u !== undefined && u._tag === 'Some' && u.value.status === 'suspended')
      })
      return known
    },
  )
}
