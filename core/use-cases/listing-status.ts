import { Effect } from 'effect'
import type { EventType } from '../events/events.js'
import type { Listing, ListingStatus } from '../listings/listing.js'
import { type ConcurrentModification, InvalidTransition, type ListingNotFound } from '../shared/errors.js'
import type { ListingId } from '../shared/ids.js'
import type { Caller } from './caller.js'
import type { CoreDeps } from './deps.js'
import { loadOwnListing } from './listing-access.js'
import { newEvent } from './new-event.js'
import { retryOnConflict } from './retry.js'

/** The listing lifecycle: draft → active ⇄ inactive → archived (archived is final). */
export const listingMoves = {
  activate: { from: ['draft', 'inactive'], to: 'active', event: 'innkeeper.listing.activated.v1' },
  deactivate: { from: ['active'], to: 'inactive', event: 'innkeeper.listing.deactivated.v1' },
  archive: { from: ['draft', 'active', 'inactive'], to: 'archived', event: 'innkeeper.listing.archived.v1' },
} as const satisfies Record<string, { from: readonly ListingStatus[]; to: ListingStatus; event: EventType }>
export type ListingMove = keyof typeof listingMoves

type Deps = Pick<CoreDeps, 'listings' | 'clock' | 'ids' | 'settings'>
type StatusError = ListingNotFound | InvalidTransition | ConcurrentModification

const changeStatus = (deps: Deps, move: ListingMove, caller: Caller, id: ListingId) =>
  retryOnConflict(
    Effect.gen(function* () {
      const rule = listingMoves[move]
      const current = yield* loadOwnListing(deps.listings, caller, id)
      if (current.status === rule.to) return current
      if (!(rule.from as readonly ListingStatus[]).includes(current.status))
        return yield* Effect.fail(
          new InvalidTransition({
            from: current.status,
            transition: move,
            reason: `not allowed from ${current.status}`,
          }),
        )
      const now = deps.clock.now()
      const next: Listing = { ...current, status: rule.to, updatedAt: now, version: current.version + 1 }
      yield* deps.listings.save(next, [
        newEvent(deps.ids, now, rule.event, id, { listingId: id, hostId: next.hostId }),
      ])
      return next
    }),
    deps.settings.concurrencyRetries,
  )

/** Makes a draft or inactive listing bookable and searchable. Idempotent. */
export class ActivateListing {
  constructor(private readonly deps: Deps) {}
  execute(caller: Caller, id: ListingId): Effect.Effect<Listing, StatusError> {
    return changeStatus(this.deps, 'activate', caller, id)
  }
}

/** Hides an active listing from search and new bookings; existing bookings stand. Idempotent. */
export class DeactivateListing {
  constructor(private readonly deps: Deps) {}
  execute(caller: Caller, id: ListingId): Effect.Effect<Listing, StatusError> {
    return changeStatus(this.deps, 'deactivate', caller, id)
  }
}

/** Retires a listing for good; existing bookings stand. Idempotent. */
export class ArchiveListing {
  constructor(private readonly deps: Deps) {}
  execute(caller: Caller, id: ListingId): Effect.Effect<Listing, StatusError> {
    return changeStatus(this.deps, 'archive', caller, id)
  }
}
