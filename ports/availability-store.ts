import type { Effect, Option } from 'effect'
import type { NightState } from '../core/domain/availability/night.js'
import type { LocalDate, Stay } from '../core/domain/shared/dates.js'
import type { NightsUnavailable } from '../core/domain/shared/errors.js'
import type { BookingId, ListingId } from '../core/domain/shared/ids.js'
import type { Instant } from '../core/domain/shared/time.js'
import { token } from './tokens.js'

/** One night of one listing's calendar: the core owns the type and its arithmetic (`availableUnits`). */
export type { NightState } from '../core/domain/availability/night.js'

export type AllocationKind = 'held' | 'booked'

/** What one booking has of a listing's calendar. */
export interface Allocation {
  readonly listingId: ListingId
  readonly bookingId: BookingId
  readonly stay: Stay
  readonly kind: AllocationKind
  /** For holds: after this instant the hold no longer counts and may be dropped. */
  readonly expiresAt: Instant | null
}

export interface CalendarPatch {
  readonly blocked?: boolean
  /** null clears the override. */
  readonly priceOverride?: number | null
  /** null clears the surge. */
  readonly surgeBp?: number | null
}

/**
 * Per-listing, per-night inventory. Reservations are all nights of a stay at once or none; confirm
 * and release are idempotent; expired holds stop counting at their expiry even before anyone
 * releases them. Implementations are safe under any interleaving of concurrent calls.
 */
export interface AvailabilityStore {
  /** Sets how many identical units the listing has (1 for a home). */
  setUnits(listingId: ListingId, units: number): Effect.Effect<void>
  /** Every night in [from, to), in order. */
  calendar(listingId: ListingId, from: LocalDate, to: LocalDate): Effect.Effect<readonly NightState[]>
  /**
   * For each listing, in order, every night in [from, to): `calendar` of many listings in one call
   * (a search ranking stays by price quotes each candidate from it).
   */
  calendars(
    listingIds: readonly ListingId[],
    from: LocalDate,
    to: LocalDate,
  ): Effect.Effect<readonly (readonly NightState[])[]>
  /**
   * For each listing, in order, whether every night of [from, to) has a unit available (what
   * `calendar` would report as `available ≥ 1` on each night): the check a search makes of many
   * candidates at once, one call per batch instead of a calendar per candidate.
   */
  freeForStay(
    listingIds: readonly ListingId[],
    from: LocalDate,
    to: LocalDate,
  ): Effect.Effect<readonly boolean[]>
  /**
   * Holds one unit on every night of `stay` for `bookingId` until `expiresAt`, or fails with
   * `NightsUnavailable` naming every night that has no unit free (or is blocked) and holds nothing.
   * Repeating the call for a booking that already has this stay is a no-op.
   */
  hold(
    listingId: ListingId,
    bookingId: BookingId,
    stay: Stay,
    expiresAt: Instant,
  ): Effect.Effect<void, NightsUnavailable>
  /** Moves a live hold's expiry (request-to-book: the host's 24 h). */
  extendHold(listingId: ListingId, bookingId: BookingId, expiresAt: Instant): Effect.Effect<void>
  /** Turns the booking's hold into booked nights; idempotent; fails if the hold is gone or expired. */
  confirm(listingId: ListingId, bookingId: BookingId): Effect.Effect<void, NightsUnavailable>
  /** Frees whatever the booking holds or has booked; idempotent. */
  release(listingId: ListingId, bookingId: BookingId): Effect.Effect<void>
  /**
   * Moves the booking to `newStay` atomically: the new nights are taken (counting the booking's own
   * current nights as free to it) and the old ones given up in one step, keeping the kind (held or
   * booked). On `NightsUnavailable` nothing changes.
   */
  move(listingId: ListingId, bookingId: BookingId, newStay: Stay): Effect.Effect<void, NightsUnavailable>
  /** Applies a patch to each night of [from, to). Blocking never cancels existing allocations. */
  patchNights(listingId: ListingId, from: LocalDate, to: LocalDate, patch: CalendarPatch): Effect.Effect<void>
  allocation(listingId: ListingId, bookingId: BookingId): Effect.Effect<Option.Option<Allocation>>
}
export const AvailabilityStore = token<AvailabilityStore>('AvailabilityStore')
