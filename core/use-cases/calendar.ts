import { Effect, Schema } from 'effect'
import type { NightState } from '../../ports/availability-store.js'
import type { Listing } from '../listings/listing.js'
import { priceNight } from '../pricing/quote.js'
import { daysBetween, type LocalDate } from '../shared/dates.js'
import {
  type ConcurrentModification,
  InvalidTransition,
  type ListingNotFound,
  ValidationFailed,
} from '../shared/errors.js'
import type { ListingId } from '../shared/ids.js'
import { decodeInput } from '../shared/validation.js'
import type { Caller } from './caller.js'
import type { CoreDeps } from './deps.js'
import { loadOwnListing, loadVisibleListing } from './listing-access.js'
import { newEvent } from './new-event.js'
import { retryOnConflict } from './retry.js'
import { Amount, LocalDateString } from './schemas.js'

export const MAX_CALENDAR_DAYS = 731

const checkRange = (from: string, to: string): Effect.Effect<void, ValidationFailed> => {
  const span = daysBetween(from as LocalDate, to as LocalDate)
  if (span <= 0)
    return Effect.fail(new ValidationFailed({ issues: [{ path: 'to', message: 'must be after from' }] }))
  if (span > MAX_CALENDAR_DAYS)
    return Effect.fail(
      new ValidationFailed({
        issues: [{ path: 'to', message: `at most ${MAX_CALENDAR_DAYS} nights at once` }],
      }),
    )
  return Effect.void
}

export const SetCalendarInput = Schema.Struct({
  /** First night changed. */
  from: LocalDateString,
  /** First night not changed (half-open). */
  to: LocalDateString,
  blocked: Schema.optionalKey(Schema.Boolean),
  /** A nightly price for these dates; null clears it. */
  priceOverride: Schema.optionalKey(Schema.NullOr(Amount.check(Schema.isGreaterThanOrEqualTo(1)))),
  /** Surge factor in basis points (10_000 = ×1, 15_000 = ×1.5), 0.5× to 5×; null clears it. */
  surgeBp: Schema.optionalKey(
    Schema.NullOr(Schema.Int.check(Schema.isBetween({ minimum: 5_000, maximum: 50_000 }))),
  ),
})
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
    raw: unknown,
  ): Effect.Effect<void, ValidationFailed | ListingNotFound | InvalidTransition | ConcurrentModification> {
    const { listings, availability, clock, ids, settings } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(SetCalendarInput, raw)
      yield* checkRange(input.from, input.to)
      const { from, to, ...patch } = input
      if (Object.keys(patch).length === 0)
        return yield* Effect.fail(
          new ValidationFailed({ issues: [{ path: '', message: 'give blocked, priceOverride or surgeBp' }] }),
        )
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

export interface CalendarNight {
  readonly date: LocalDate
  readonly available: number
  readonly units: number
  readonly blocked: boolean
  /** The nightly price a guest would pay for this night (before discounts and fees). */
  readonly price: number
  /** Only for the listing's host: held and booked counts. */
  readonly held?: number
  readonly booked?: number
}

export const GetCalendarInput = Schema.Struct({ from: LocalDateString, to: LocalDateString })

export const describeNight = (listing: Listing, n: NightState, forOwner: boolean): CalendarNight => {
  const price = priceNight(listing.pricing, n.date, n).amount
  const base = { date: n.date, available: n.available, units: n.units, blocked: n.blocked, price }
  return forOwner ? { ...base, held: n.held, booked: n.booked } : base
}

/** Per night: units available, price, blocked. The host also sees held and booked counts. */
export class GetCalendar {
  constructor(private readonly deps: Pick<CoreDeps, 'listings' | 'availability'>) {}

  execute(
    caller: Caller,
    listingId: ListingId,
    raw: unknown,
  ): Effect.Effect<readonly CalendarNight[], ValidationFailed | ListingNotFound> {
    const { listings, availability } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(GetCalendarInput, raw)
      yield* checkRange(input.from, input.to)
      const listing = yield* loadVisibleListing(listings, caller, listingId)
      const forOwner =
        caller.kind === 'user' && (caller.userId === listing.hostId || caller.roles.includes('admin'))
      const nights = yield* availability.calendar(listingId, input.from as LocalDate, input.to as LocalDate)
      return nights.map((n) => describeNight(listing, n, forOwner))
    })
  }
}
