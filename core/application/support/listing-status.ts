import { Effect } from 'effect'
import type { EventType } from '../../domain/events/events.js'
import { newEvent } from '../../domain/events/events.js'
import type { Listing, ListingStatus } from '../../domain/listings/listing.js'
import {
  type ConcurrentModification,
  InvalidTransition,
  type ListingNotFound,
} from '../../domain/shared/errors.js'
import type { ListingId } from '../../domain/shared/ids.js'
import type { Caller } from './caller.js'
import type { CoreDeps } from './deps.js'
import { loadOwnListing } from './listing-access.js'
import { retryOnConflict } from './retry.js'

/** The listing lifecycle: draft → active ⇄ inactive → archived (archived is final). */
export const listingMoves = {
  activate: { from: ['draft', 'inactive'], to: 'active', event: 'innkeeper.listing.activated.v1' },
  deactivate: { from: ['active'], to: 'inactive', event: 'innkeeper.listing.deactivated.v1' },
  archive: { from: ['draft', 'active', 'inactive'], to: 'archived', event: 'innkeeper.listing.archived.v1' },
} as const satisfies Record<string, { from: readonly ListingStatus[]; to: ListingStatus; event: EventType }>
export type ListingMove = keyof typeof listingMoves

export type Deps = Pick<CoreDeps, 'listings' | 'clock' | 'ids' | 'settings'>
export type StatusError = ListingNotFound | InvalidTransition | ConcurrentModification

export const changeStatus = (deps: Deps, move: ListingMove, caller: Caller, id: ListingId) =>
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
