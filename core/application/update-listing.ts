import { Effect } from 'effect'
import { unitsTaken } from '../domain/availability/night.js'
import { newEvent } from '../domain/events/events.js'
import type { Listing } from '../domain/listings/listing.js'
import { addDays, localDateAt } from '../domain/shared/dates.js'
import {
  type ConcurrentModification,
  type Forbidden,
  InvalidTransition,
  type ListingNotFound,
  ValidationFailed,
} from '../domain/shared/errors.js'
import type { ListingId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { checkListingConsistency, mergePricing, mergeRestrictions } from './create-listing.js'
import { MAX_CALENDAR_DAYS } from './support/calendar-range.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { loadOwnListing } from './support/listing-access.js'
import { UpdateListingInput } from './support/listing-input.js'
import { retryOnConflict } from './support/retry.js'

/**
 * The host (or an admin) edits a listing. Price and policy changes affect only future quotes:
 * bookings keep their snapshots. Archived listings are read-only.
 */
export class UpdateListing {
  constructor(
    private readonly deps: Pick<CoreDeps, 'listings' | 'availability' | 'clock' | 'ids' | 'settings'>,
  ) {}

  execute(
    caller: Caller,
    listingId: ListingId,
    raw: typeof UpdateListingInput.Encoded,
  ): Effect.Effect<
    Listing,
    ValidationFailed | Forbidden | ListingNotFound | InvalidTransition | ConcurrentModification
  > {
    const { listings, availability, clock, ids, settings } = this.deps
    return Effect.gen(function* () {
      const patch = yield* decodeInput(UpdateListingInput, raw)
      const attempt = Effect.gen(function* () {
        const current = yield* loadOwnListing(listings, caller, listingId)
        if (current.status === 'archived')
          return yield* Effect.fail(
            new InvalidTransition({
              from: 'archived',
              transition: 'update',
              reason: 'archived listings are read-only',
            }),
          )
        const now = clock.now()
        const { pricing, restrictions, ...rest } = patch
        const next = yield* checkListingConsistency({
          ...current,
          ...rest,
          amenities: rest.amenities ? [...new Set(rest.amenities)] : current.amenities,
          pricing: pricing ? mergePricing(current.pricing, pricing) : current.pricing,
          restrictions: restrictions
            ? mergeRestrictions(current.restrictions, restrictions)
            : current.restrictions,
          updatedAt: now,
          version: current.version + 1,
        })
        if (next.units < current.units) {
          // Units sold are never taken back: refuse to go below what any coming night holds.
          const today = localDateAt(now, current.location.timezone)
          const nights = yield* availability.calendar(next.id, today, addDays(today, MAX_CALENDAR_DAYS))
          const over = nights.filter((n) => unitsTaken(n) > next.units)
          if (over.length > 0)
            return yield* Effect.fail(
              new ValidationFailed({
                issues: [
                  {
                    path: 'units',
                    message: `${over.length} coming night(s) already have more than ${next.units} units held or booked (first ${over[0]?.date}, ${over[0] === undefined ? 0 : unitsTaken(over[0])} taken)`,
                  },
                ],
              }),
            )
        }
        yield* listings.save(next, [
          newEvent(ids, now, 'innkeeper.listing.updated.v1', next.id, {
            listingId: next.id,
            fields: Object.keys(patch),
          }),
        ])
        if (next.units !== current.units) yield* availability.setUnits(next.id, next.units)
        return next
      })
      return yield* retryOnConflict(attempt, settings.concurrencyRetries)
    })
  }
}
