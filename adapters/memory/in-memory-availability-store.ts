import { Effect, Option } from 'effect'
import { fromEpochDay, type LocalDate, type Stay, toEpochDay } from '../../core/shared/dates.js'
import { NightsUnavailable } from '../../core/shared/errors.js'
import type { BookingId, ListingId } from '../../core/shared/ids.js'
import type { Instant } from '../../core/shared/time.js'
import type {
  Allocation,
  AllocationKind,
  AvailabilityStore,
  CalendarPatch,
  NightState,
} from '../../ports/availability-store.js'
import type { Clock } from '../../ports/clock.js'

/** A night that differs from the default (nothing held, booked, blocked or overridden). */
interface Night {
  held: number
  booked: number
  blocked: boolean
  priceOverride: number | null
  surgeBp: number | null
}

interface Alloc {
  readonly bookingId: BookingId
  /** Epoch days of the stay: [start, end). */
  start: number
  end: number
  kind: AllocationKind
  expiresAt: number | null
}

interface ListingCalendar {
  units: number
  /** Only nights that differ from the default, by epoch day. */
  readonly nights: Map<number, Night>
  readonly allocs: Map<string, Alloc>
  /** The earliest hold expiry, so the lazy sweep is O(1) when nothing has expired. */
  nextExpiry: number
}

const isDefault = (n: Night): boolean =>
  n.held === 0 && n.booked === 0 && !n.blocked && n.priceOverride === null && n.surgeBp === null

const freeUnits = (units: number, n: Night | undefined): number =>
  n === undefined ? Math.max(0, units) : n.blocked ? 0 : Math.max(0, units - n.held - n.booked)

/**
 * Per-listing, per-night inventory in memory. Each operation does its check and its write inside
 * one synchronous step (`Effect.sync`), so no interleaving of concurrent fibers can split them.
 * Nights that equal the default are not stored, so a large, mostly empty calendar costs nothing.
 */
export class InMemoryAvailabilityStore implements AvailabilityStore {
  private readonly listings = new Map<string, ListingCalendar>()

  constructor(private readonly clock: Clock) {}

  setUnits(listingId: ListingId, units: number): Effect.Effect<void> {
    return Effect.sync(() => {
      this.calendarOf(listingId, true).units = Math.max(0, Math.floor(units))
    })
  }

  calendar(listingId: ListingId, from: LocalDate, to: LocalDate): Effect.Effect<readonly NightState[]> {
    return Effect.sync(() => {
      const cal = this.swept(listingId)
      const units = cal?.units ?? 0
      const out: NightState[] = []
      const end = toEpochDay(to)
      for (let d = toEpochDay(from); d < end; d++) {
        const n = cal?.nights.get(d)
        out.push({
          date: fromEpochDay(d),
          units,
          held: n?.held ?? 0,
          booked: n?.booked ?? 0,
          blocked: n?.blocked ?? false,
          priceOverride: n?.priceOverride ?? null,
          surgeBp: n?.surgeBp ?? null,
          available: freeUnits(units, n),
        })
      }
      return out
    })
  }

  hold(
    listingId: ListingId,
    bookingId: BookingId,
    stay: Stay,
    expiresAt: Instant,
  ): Effect.Effect<void, NightsUnavailable> {
    return Effect.suspend(() => {
      const cal = this.swept(listingId) ?? this.calendarOf(listingId, true)
      const start = toEpochDay(stay.checkIn)
      const end = toEpochDay(stay.checkOut)
      const own = cal.allocs.get(bookingId)
      if (own !== undefined) {
        if (own.start === start && own.end === end) return Effect.void
        // A hold for another stay replaces the booking's nights, like `move`.
        const failed = this.failingNights(cal, start, end, own)
        if (failed.length > 0) return Effect.fail(this.unavailable(listingId, failed))
        this.shift(cal, own, -1)
        own.start = start
        own.end = end
        if (own.kind === 'held') own.expiresAt = expiresAt
        this.shift(cal, own, 1)
        this.noteExpiry(cal, own)
        return Effect.void
      }
      const failed = this.failingNights(cal, start, end, undefined)
      if (failed.length > 0) return Effect.fail(this.unavailable(listingId, failed))
      const alloc: Alloc = { bookingId, start, end, kind: 'held', expiresAt }
      cal.allocs.set(bookingId, alloc)
      this.shift(cal, alloc, 1)
      this.noteExpiry(cal, alloc)
      return Effect.void
    })
  }

  extendHold(listingId: ListingId, bookingId: BookingId, expiresAt: Instant): Effect.Effect<void> {
    return Effect.sync(() => {
      const cal = this.swept(listingId)
      const own = cal?.allocs.get(bookingId)
      if (cal === undefined || own === undefined || own.kind !== 'held') return
      own.expiresAt = expiresAt
      this.noteExpiry(cal, own)
    })
  }

  confirm(listingId: ListingId, bookingId: BookingId): Effect.Effect<void, NightsUnavailable> {
    return Effect.suspend(() => {
      const cal = this.listings.get(listingId)
      const own = cal?.allocs.get(bookingId)
      if (cal === undefined || own === undefined) return Effect.fail(this.unavailable(listingId, []))
      if (own.kind === 'booked') return Effect.void
      if (own.expiresAt !== null && own.expiresAt <= this.clock.now()) {
        const nights = this.nightsOf(own.start, own.end)
        this.sweep(cal)
        return Effect.fail(this.unavailable(listingId, nights))
      }
      this.shift(cal, own, -1)
      own.kind = 'booked'
      own.expiresAt = null
      this.shift(cal, own, 1)
      return Effect.void
    })
  }

  release(listingId: ListingId, bookingId: BookingId): Effect.Effect<void> {
    return Effect.sync(() => {
      const cal = this.listings.get(listingId)
      const own = cal?.allocs.get(bookingId)
      if (cal === undefined || own === undefined) return
      this.shift(cal, own, -1)
      cal.allocs.delete(bookingId)
    })
  }

  move(listingId: ListingId, bookingId: BookingId, newStay: Stay): Effect.Effect<void, NightsUnavailable> {
    return Effect.suspend(() => {
      const cal = this.swept(listingId)
      const own = cal?.allocs.get(bookingId)
      const start = toEpochDay(newStay.checkIn)
      const end = toEpochDay(newStay.checkOut)
      // Nothing to move (never held, released or expired): the new nights are not the booking's.
      if (cal === undefined || own === undefined)
        return Effect.fail(this.unavailable(listingId, this.nightsOf(start, end)))
      if (own.start === start && own.end === end) return Effect.void
      const failed = this.failingNights(cal, start, end, own)
      if (failed.length > 0) return Effect.fail(this.unavailable(listingId, failed))
      this.shift(cal, own, -1)
      own.start = start
      own.end = end
      this.shift(cal, own, 1)
      return Effect.void
    })
  }

  patchNights(
    listingId: ListingId,
    from: LocalDate,
    to: LocalDate,
    patch: CalendarPatch,
  ): Effect.Effect<void> {
    return Effect.sync(() => {
      const cal = this.calendarOf(listingId, true)
      const end = toEpochDay(to)
      for (let d = toEpochDay(from); d < end; d++) {
        const n = this.night(cal, d)
        if (patch.blocked !== undefined) n.blocked = patch.blocked
        if (patch.priceOverride !== undefined) n.priceOverride = patch.priceOverride
        if (patch.surgeBp !== undefined) n.surgeBp = patch.surgeBp
        if (isDefault(n)) cal.nights.delete(d)
      }
    })
  }

  allocation(listingId: ListingId, bookingId: BookingId): Effect.Effect<Option.Option<Allocation>> {
    return Effect.sync(() => {
      const own = this.swept(listingId)?.allocs.get(bookingId)
      if (own === undefined) return Option.none()
      return Option.some({
        listingId,
        bookingId,
        stay: { checkIn: fromEpochDay(own.start), checkOut: fromEpochDay(own.end) },
        kind: own.kind,
        expiresAt: own.expiresAt as Instant | null,
      })
    })
  }

  // ---- internals: all synchronous ----

  private calendarOf(listingId: string, create: true): ListingCalendar
  private calendarOf(listingId: string, create: false): ListingCalendar | undefined
  private calendarOf(listingId: string, create: boolean): ListingCalendar | undefined {
    let cal = this.listings.get(listingId)
    if (cal === undefined && create) {
      cal = { units: 0, nights: new Map(), allocs: new Map(), nextExpiry: Number.POSITIVE_INFINITY }
      this.listings.set(listingId, cal)
    }
    return cal
  }

  /** The listing's calendar with expired holds dropped. */
  private swept(listingId: string): ListingCalendar | undefined {
    const cal = this.listings.get(listingId)
    if (cal !== undefined) this.sweep(cal)
    return cal
  }

  private sweep(cal: ListingCalendar): void {
    const now = this.clock.now()
    if (now < cal.nextExpiry) return
    let next = Number.POSITIVE_INFINITY
    for (const [id, a] of cal.allocs) {
      if (a.kind !== 'held' || a.expiresAt === null) continue
      if (a.expiresAt <= now) {
        this.shift(cal, a, -1)
        cal.allocs.delete(id)
      } else if (a.expiresAt < next) next = a.expiresAt
    }
    cal.nextExpiry = next
  }

  private noteExpiry(cal: ListingCalendar, a: Alloc): void {
    if (a.kind === 'held' && a.expiresAt !== null && a.expiresAt < cal.nextExpiry)
      cal.nextExpiry = a.expiresAt
  }

  private night(cal: ListingCalendar, day: number): Night {
    let n = cal.nights.get(day)
    if (n === undefined) {
      n = { held: 0, booked: 0, blocked: false, priceOverride: null, surgeBp: null }
      cal.nights.set(day, n)
    }
    return n
  }

  /** Adds (+1) or removes (−1) the allocation's unit on each of its nights. */
  private shift(cal: ListingCalendar, a: Alloc, delta: 1 | -1): void {
    for (let d = a.start; d < a.end; d++) {
      const n = this.night(cal, d)
      if (a.kind === 'held') n.held = Math.max(0, n.held + delta)
      else n.booked = Math.max(0, n.booked + delta)
      if (isDefault(n)) cal.nights.delete(d)
    }
  }

  /** Nights of [start, end) with no unit free; nights the booking already has count as its own. */
  private failingNights(
    cal: ListingCalendar,
    start: number,
    end: number,
    own: Alloc | undefined,
  ): LocalDate[] {
    const failed: LocalDate[] = []
    for (let d = start; d < end; d++) {
      if (own !== undefined && own.start <= d && d < own.end) continue
      if (freeUnits(cal.units, cal.nights.get(d)) < 1) failed.push(fromEpochDay(d))
    }
    return failed
  }

  private nightsOf(start: number, end: number): LocalDate[] {
    const out: LocalDate[] = []
    for (let d = start; d < end; d++) out.push(fromEpochDay(d))
    return out
  }

  private unavailable(listingId: string, nights: readonly LocalDate[]): NightsUnavailable {
    return new NightsUnavailable({ listingId, nights })
  }
}
