import { Effect, Schema } from 'effect'
import { newEvent } from '../domain/events/events.js'
import type { LocalDate } from '../domain/shared/dates.js'
import {
  type ConcurrentModification,
  InvalidTransition,
  type ListingNotFound,
  type ValidationFailed,
} from '../domain/shared/errors.js'
import type { ListingId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { CALENDAR_RANGE_RULE, checkRange } from './support/calendar-range.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { loadOwnListing } from './support/listing-access.js'
import { retryOnConflict } from './support/retry.js'
import { Amount, isAnyKeyOf, LocalDateString } from './support/schemas.js'

export const SetCalendarInput = Schema.Struct({
  /** First night changed. */
  from: LocalDateString,
  /** First night not changed (half-open). */
  to: LocalDateString.annotate({ description: CALENDAR_RANGE_RULE }),
  blocked: Schema.optionalKey(Schema.Boolean),
  /** A nightly price for these dates; null clears it. */
  priceOverride: Schema.optionalKey(Schema.NullOr(Amount.check(Schema.isGreaterThanOrEqualTo(1)))),
  /** Surge factor in basis points (10_000 = ×1, 15_000 = ×1.5), 0.5× to 5×; null clears it. */
  surgeBp: Schema.optionalKey(
    Schema.NullOr(Schema.Int.check(Schema.isBetween({ minimum: 5_000, maximum: 50_000 }))),
  ),
}).check(isAnyKeyOf(['blocked', 'priceOverride', 'surgeBp'], 'give blocked, priceOverride or surgeBp'))
export type SetCalendarInput = typeof SetCalendarInput.Type

/**
 * The host blocks or unblocks nights and sets per-date prices and surge. Blocking never touches
 * bookings already made; it only stops new ones.
 */
export class SetCalendar {
  constructor(
    private readonly deps: Pick<CoreDeps, 'listings' | 'availability' | 'clock' | 'ids' | 'settings'>,
  ) {}

  execute(
    caller: Caller,
    listingId: ListingId,
    raw: typeof SetCalendarInput.Encoded,
  ): Effect.Effect<void, ValidationFailed | ListingNotFound | InvalidTransition | ConcurrentModification> {
    const { listings, availability, clock, ids, settings } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(SetCalendarInput, raw)
      yield* checkRange(input.from, input.to)
      const { from, to, ...patch } = input
      const listing = yield* loadOwnListing(listings, caller, listingId)
      if (listing.status === 'archived')
        return yield* Effect.fail(
          new InvalidTransition({
            from: 'archived',
            transition: 'set_calendar',
            reason: 'archived listings are read-only',
          }),
        )
      yield* availability.patchNights(listingId, from as LocalDate, to as LocalDate, patch)
      // The change itself lives in the availability store; touching the listing records the event
      // in the outbox (and bumps the version caches key on).
      yield* retryOnConflict(
        Effect.gen(function* () {
          const current = yield* loadOwnListing(listings, caller, listingId)
          const now = clock.now()
          yield* listings.save({ ...current, updatedAt: now, version: current.version + 1 }, [
            newEvent(ids, now, 'innkeeper.listing.calendar_changed.v1', listingId, {
              listingId,
              from,
              to,
              blocked: patch.blocked ?? null,
              priceOverride: patch.priceOverride ?? null,
              surgeBp: patch.surgeBp ?? null,
            }),
          ])
        }),
        settings.concurrencyRetries,
      )
    })
  }
}
