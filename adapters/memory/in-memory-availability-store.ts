import { Effect, Option } from 'effect'
import { availableUnits, type NightState } from '../../core/domain/availability/night.js'
import { fromEpochDay, type LocalDate, type Stay, toEpochDay } from '../../core/domain/shared/dates.js'
import { NightsUnavailable } from '../../core/domain/shared/errors.js'
import type { BookingId, ListingId } from '../../core/domain/shared/ids.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type {
  Allocation,
  AllocationKind,
  AvailabilityStore,
  CalendarPatch,
} from '../../ports/availability-store.js'
import type { Clock } from '../../ports/clock.js'

type Counts = Uint16Array | Uint32Array

/** Days added on either side when a table grows, so a calendar filled night by night grows rarely. */
const GROWTH_SLACK_DAYS = 32
const U16_MAX = 0xffff

/**
 * One listing's nights, dense: held and booked unit counts and the blocked flag live in typed arrays
 * indexed by epoch day − `base`, covering only the window of days ever written. Price overrides and
 * surges are rare and kept sparse. Counts start as 16-bit and widen to 32-bit if a night ever needs
 * it. A night outside the window (or in it with nothing set) is the default: nothing held, booked,
 * blocked or overridden. A listing whose calendar was never written costs no night storage at all.
 */
export class NightTable {
  private base = 0
  private length = 0
  private held: Counts = new Uint16Array(0)
  private booked: Counts = new Uint16Array(0)
  private blocked = new Uint8Array(0)
  private readonly overrides = new Map<number, number>()
  private readonly surges = new Map<number, number>()

  /** How many nights differ from the default (a scan: for tests and diagnostics, not hot paths). */
  get size(): number {
    const days = new Set<number>([...this.overrides.keys(), ...this.surges.keys()])
    for (let i = 0; i < this.length; i++)
      if (this.held[i] !== 0 || this.booked[i] !== 0 || this.blocked[i] !== 0) days.add(this.base + i)
    return days.size
  }

  /** Bytes of night storage this table holds (typed arrays, plus an estimate for sparse entries). */
  get bytes(): number {
    return (
      this.held.byteLength +
      this.booked.byteLength +
      this.blocked.byteLength +
      (this.overrides.size + this.surges.size) * 40
    )
  }

  heldOn(day: number): number {
    const i = day - this.base
    return i >= 0 && i < this.length ? this.held[i]! : 0
  }

  bookedOn(day: number): number {
    const i = day - this.base
    return i >= 0 && i < this.length ? this.booked[i]! : 0
  }

  blockedOn(day: number): boolean {
    const i = day - this.base
    return i >= 0 && i < this.length ? this.blocked[i] === 1 : false
  }

  overrideOn(day: number): number | null {
    return this.overrides.size === 0 ? null : (this.overrides.get(day) ?? null)
  }

  surgeOn(day: number): number | null {
    return this.surges.size === 0 ? null : (this.surges.get(day) ?? null)
  }

  /** Writes the state of each night of [start, end) to `out`, from index 0. */
  read(units: number, start: number, end: number, out: NightState[]): void {
    const { base, length, held, booked, blocked } = this
    const sparse = this.overrides.size > 0 || this.surges.size > 0
    for (let d = start; d < end; d++) {
      const i = d - base
      const inside = i >= 0 && i < length
      const h = inside ? held[i]! : 0
      const b = inside ? booked[i]! : 0
      const x = inside && blocked[i] === 1
      const priceOverride = sparse ? this.overrideOn(d) : null
      const surgeBp = sparse ? this.surgeOn(d) : null
      out[d - start] =
        priceOverride === null && surgeBp === null
          ? plainNight(d, units, h, b, x)
          : nightState(d, units, h, b, x, priceOverride, surgeBp)
    }
  }

  /** Whether every night of [start, end) has a unit free (an empty range: true). */
  allFree(units: number, start: number, end: number): boolean {
    if (units < 1) return start >= end
    const { base, length, held, booked, blocked } = this
    for (let d = start; d < end; d++) {
      const i = d - base
      if (i < 0 || i >= length) continue
      if (availableUnits(units, held[i]!, booked[i]!, blocked[i] === 1) < 1) return false
    }
    return true
  }

  /** Units free on `day` out of `units` (`availableUnits`). */
  free(units: number, day: number): number {
    const i = day - this.base
    if (i < 0 || i >= this.length) return availableUnits(units, 0, 0, false)
    return availableUnits(units, this.held[i]!, this.booked[i]!, this.blocked[i] === 1)
  }

  /** Adds `delta` held (or booked) units on every night of [start, end), never below 0. */
  add(kind: AllocationKind, start: number, end: number, delta: 1 | -1): void {
    if (start >= end) return
    if (delta > 0) this.cover(start, end)
    else {
      // Removing from nights outside the window changes nothing: they hold 0 already.
      start = Math.max(start, this.base)
      end = Math.min(end, this.base + this.length)
    }
    let arr = kind === 'held' ? this.held : this.booked
    for (let d = start; d < end; d++) {
      const i = d - this.base
      const v = arr[i]! + delta
      if (v > U16_MAX && arr instanceof Uint16Array) arr = this.widen(kind)
      arr[i] = v < 0 ? 0 : v
    }
  }

  setBlocked(day: number, blocked: boolean): void {
    if (!blocked && (day < this.base || day >= this.base + this.length)) return
    this.cover(day, day + 1)
    this.blocked[day - this.base] = blocked ? 1 : 0
  }

  setOverride(day: number, amount: number | null): void {
    if (amount === null) this.overrides.delete(day)
    else this.overrides.set(day, amount)
  }

  setSurge(day: number, bp: number | null): void {
    if (bp === null) this.surges.delete(day)
    else this.surges.set(day, bp)
  }

  /** Grows the window so that it covers [start, end). */
  private cover(start: number, end: number): void {
    if (this.length > 0 && start >= this.base && end <= this.base + this.length) return
    const oldStart = this.base
    const oldEnd = this.base + this.length
    const newStart =
      this.length === 0 ? start - GROWTH_SLACK_DAYS : Math.min(oldStart, start - GROWTH_SLACK_DAYS)
    const newEnd = this.length === 0 ? end + GROWTH_SLACK_DAYS : Math.max(oldEnd, end + GROWTH_SLACK_DAYS)
    const size = newEnd - newStart
    const offset = oldStart - newStart
    const grow = <A extends Counts | Uint8Array>(old: A, make: (n: number) => A): A => {
      const next = make(size)
      if (this.length > 0) next.set(old.subarray(0, this.length), offset)
      return next
    }
    this.held = grow(this.held, (n) =>
      this.held instanceof Uint32Array ? new Uint32Array(n) : new Uint16Array(n),
    )
    this.booked = grow(this.booked, (n) =>
      this.booked instanceof Uint32Array ? new Uint32Array(n) : new Uint16Array(n),
    )
    this.blocked = grow(this.blocked, (n) => new Uint8Array(n))
    this.base = newStart
    this.length = size
  }

  private widen(kind: AllocationKind): Uint32Array {
    const wide = Uint32Array.from(kind === 'held' ? this.held : this.booked)
    if (kind === 'held') this.held = wide
    else this.booked = wide
    return wide
  }
}

interface Alloc {
  readonly bookingId: BookingId
  /** Epoch days of the stay: [start, end). */
  start: number
  end: number
  kind: AllocationKind
  expiresAt: number | null
}

/**
 * Booked nights are most of what a calendar keeps (a year of a busy listing is dozens of stays), and
 * a booked allocation is fully described by its start and length: it is kept as one small integer,
 * start · 2^14 + length (a Smi, no object), when they fit (epoch days 0-65535, i.e. 1970-2149, and
 * under 16384 nights), so that a large marketplace's old generation, which each scavenge walks,
 * stays small. Holds (which expire) and anything that does not fit stay objects.
 */
type StoredAlloc = Alloc | number
const PACKED_LENGTHS = 16_384
const PACKED_STARTS = 65_536

/** The allocation as kept in a calendar's map: packed if it can be. */
const stored = (a: Alloc): StoredAlloc => {
  const length = a.end - a.start
  return a.kind === 'booked' &&
    a.start >= 0 &&
    a.start < PACKED_STARTS &&
    length >= 0 &&
    length < PACKED_LENGTHS
    ? a.start * PACKED_LENGTHS + length
    : a
}

/** The allocation kept under `bookingId`: the object itself, or a fresh one for a packed booking. */
const unpacked = (bookingId: BookingId, v: StoredAlloc): Alloc => {
  if (typeof v !== 'number') return v
  const start = Math.floor(v / PACKED_LENGTHS)
  return { bookingId, start, end: start + (v % PACKED_LENGTHS), kind: 'booked', expiresAt: null }
}

interface ListingCalendar {
  units: number
  readonly nights: NightTable
  readonly allocs: Map<string, StoredAlloc>
  /** The earliest hold expiry, so the lazy sweep is O(1) when nothing has expired. */
  nextExpiry: number
}

/** Date strings of recent epoch days, so calendars do not format the same night again and again. */
const dateCache = new Map<number, LocalDate>()
const dateOf = (day: number): LocalDate => {
  let d = dateCache.get(day)
  if (d === undefined) {
    d = fromEpochDay(day)
    if (dateCache.size < 20_000) dateCache.set(day, d)
  }
  return d
}

const nightState = (
  day: number,
  units: number,
  held: number,
  booked: number,
  blocked: boolean,
  priceOverride: number | null,
  surgeBp: number | null,
): NightState =>
  Object.freeze({
    date: dateOf(day),
    units,
    held,
    booked,
    blocked,
    priceOverride,
    surgeBp,
    available: availableUnits(units, held, booked, blocked),
  })

/**
 * Nights without a price override or surge are fully described by (day, units, held, booked,
 * blocked): the same frozen object is handed out for the same values, so reading calendars (which
 * searches do for every candidate) allocates next to nothing. Kept per day (a small-integer key,
 * then the small counts packed in another), so a lookup is two small-integer map reads. Small
 * counts only, and a bounded cache.
 */
const plainNights = new Map<number, Map<number, NightState>>()
let plainNightCount = 0
const PLAIN_NIGHTS_MAX = 200_000
const plainNight = (
  day: number,
  units: number,
  held: number,
  booked: number,
  blocked: boolean,
): NightState => {
  if (units > 255 || held > 255 || booked > 255)
    return nightState(day, units, held, booked, blocked, null, null)
  // units, held, booked (8 bits each) · blocked (1 bit): below 2^25, a small integer.
  const key = ((((units << 8) | held) << 8) | booked) * 2 + (blocked ? 1 : 0)
  let ofDay = plainNights.get(day)
  if (ofDay === undefined) {
    ofDay = new Map()
    plainNights.set(day, ofDay)
  }
  let n = ofDay.get(key)
  if (n === undefined) {
    n = nightState(day, units, held, booked, blocked, null, null)
    if (plainNightCount >= PLAIN_NIGHTS_MAX) {
      plainNights.clear()
      plainNightCount = 0
      plainNights.set(day, ofDay)
      ofDay.clear()
    }
    ofDay.set(key, n)
    plainNightCount++
  }
  return n
}

/** Epoch days of recent date strings: a search reads many calendars for the same two dates. */
const dayCache = new Map<string, number>()
const dayOf = (d: LocalDate): number => {
  let day = dayCache.get(d)
  if (day === undefined) {
    day = toEpochDay(d)
    if (dayCache.size >= 20_000) dayCache.clear()
    dayCache.set(d, day)
  }
  return day
}

/**
 * Per-listing, per-night inventory in memory. Each operation does its check and its write inside
 * one synchronous step (`Effect.sync`), so no interleaving of concurrent fibers can split them.
 * Nights are kept dense per listing (a few bytes each, see `NightTable`) over the window of days a
 * listing's calendar was ever written, so a year of calendar for 100k listings fits comfortably,
 * and a check of a stay's nights is a loop over typed arrays.
 */
export class InMemoryAvailabilityStore implements AvailabilityStore {
  private readonly listings = new Map<string, ListingCalendar>()

  constructor(private readonly clock: Clock) {}

  setUnits(listingId: ListingId, units: number): Effect.Effect<void> {
    return Effect.sync(() => {
      this.calendarOf(listingId).units = Math.max(0, Math.floor(units))
    })
  }

  calendar(listingId: ListingId, from: LocalDate, to: LocalDate): Effect.Effect<readonly NightState[]> {
    return Effect.sync(() => {
      const cal = this.swept(listingId)
      const start = dayOf(from)
      const end = dayOf(to)
      const out: NightState[] = new Array(Math.max(0, end - start))
      if (cal === undefined) for (let d = start; d < end; d++) out[d - start] = plainNight(d, 0, 0, 0, false)
      else cal.nights.read(cal.units, start, end, out)
      return out
    })
  }

  calendars(
    listingIds: readonly ListingId[],
    from: LocalDate,
    to: LocalDate,
  ): Effect.Effect<readonly (readonly NightState[])[]> {
    return Effect.forEach(listingIds, (id) => this.calendar(id, from, to))
  }

  freeForStay(
    listingIds: readonly ListingId[],
    from: LocalDate,
    to: LocalDate,
  ): Effect.Effect<readonly boolean[]> {
    return Effect.sync(() => {
      const start = dayOf(from)
      const end = dayOf(to)
      const out: boolean[] = new Array(listingIds.length)
      for (let k = 0; k < listingIds.length; k++) {
        const cal = this.swept(listingIds[k]!)
        out[k] = cal === undefined ? start >= end : cal.nights.allFree(cal.units, start, end)
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
      const start = toEpochDay(stay.checkIn)
      const end = toEpochDay(stay.checkOut)
      const cal = this.swept(listingId)
      if (cal === undefined) return Effect.fail(this.unavailable(listingId, this.nightsOf(start, end)))
      const own = this.allocOf(cal, bookingId)
      if (own !== undefined) {
        if (own.start === start && own.end === end) return Effect.void
        // A hold for another stay replaces the booking's nights, like `move`.
        const refused = this.reallocate(listingId, cal, own, start, end)
        if (refused !== null) return Effect.fail(refused)
        if (own.kind === 'held') own.expiresAt = expiresAt
        cal.allocs.set(bookingId, stored(own))
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
      const own = cal === undefined ? undefined : this.allocOf(cal, bookingId)
      if (cal === undefined || own === undefined || own.kind !== 'held') return
      own.expiresAt = expiresAt
      this.noteExpiry(cal, own)
    })
  }

  confirm(listingId: ListingId, bookingId: BookingId): Effect.Effect<void, NightsUnavailable> {
    return Effect.suspend(() => {
      const cal = this.listings.get(listingId)
      const own = cal === undefined ? undefined : this.allocOf(cal, bookingId)
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
      cal.allocs.set(bookingId, stored(own))
      return Effect.void
    })
  }

  release(listingId: ListingId, bookingId: BookingId): Effect.Effect<void> {
    return Effect.sync(() => {
      const cal = this.listings.get(listingId)
      const own = cal === undefined ? undefined : this.allocOf(cal, bookingId)
      if (cal === undefined || own === undefined) return
      this.shift(cal, own, -1)
      cal.allocs.delete(bookingId)
    })
  }

  move(listingId: ListingId, bookingId: BookingId, newStay: Stay): Effect.Effect<void, NightsUnavailable> {
    return Effect.suspend(() => {
      const cal = this.swept(listingId)
      const own = cal === undefined ? undefined : this.allocOf(cal, bookingId)
      const start = toEpochDay(newStay.checkIn)
      const end = toEpochDay(newStay.checkOut)
      // Nothing to move (never held, released or expired): the new nights are not the booking's.
      if (cal === undefined || own === undefined)
        return Effect.fail(this.unavailable(listingId, this.nightsOf(start, end)))
      if (own.start === start && own.end === end) return Effect.void
      const refused = this.reallocate(listingId, cal, own, start, end)
      if (refused !== null) return Effect.fail(refused)
      cal.allocs.set(bookingId, stored(own))
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
      const t = this.calendarOf(listingId).nights
      const end = toEpochDay(to)
      for (let d = toEpochDay(from); d < end; d++) {
        if (patch.blocked !== undefined) t.setBlocked(d, patch.blocked)
        if (patch.priceOverride !== undefined) t.setOverride(d, patch.priceOverride)
        if (patch.surgeBp !== undefined) t.setSurge(d, patch.surgeBp)
      }
    })
  }

  allocation(listingId: ListingId, bookingId: BookingId): Effect.Effect<Option.Option<Allocation>> {
    return Effect.sync(() => {
      const cal = this.swept(listingId)
      const own = cal === undefined ? undefined : this.allocOf(cal, bookingId)
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

  // ---- not part of the port: for benchmarks and diagnostics ----

  /** Bytes of night storage across every listing (typed arrays, estimated sparse entries). */
  nightStorageBytes(): number {
    let bytes = 0
    for (const cal of this.listings.values()) bytes += cal.nights.bytes
    return bytes
  }

  // ---- internals: all synchronous ----

  private calendarOf(listingId: string): ListingCalendar {
    let cal = this.listings.get(listingId)
    if (cal === undefined) {
      cal = { units: 0, nights: new NightTable(), allocs: new Map(), nextExpiry: Number.POSITIVE_INFINITY }
      this.listings.set(listingId, cal)
    }
    return cal
  }

  /** The booking's allocation on the calendar (a copy for a packed booking: write it back with `stored`). */
  private allocOf(cal: ListingCalendar, bookingId: BookingId): Alloc | undefined {
    const v = cal.allocs.get(bookingId)
    return v === undefined ? undefined : unpacked(bookingId, v)
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
      if (typeof a === 'number' || a.kind !== 'held' || a.expiresAt === null) continue
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

  /** Adds (+1) or removes (−1) the allocation's unit on each of its nights. */
  private shift(cal: ListingCalendar, a: Alloc, delta: 1 | -1): void {
    cal.nights.add(a.kind, a.start, a.end, delta)
  }

  /**
   * Moves the booking's allocation to the nights [start, end), keeping its kind: the new nights are
   * taken (those it already has count as its own) and the old ones given up, in one step; or,
   * when a night has no unit free, nothing changes and the failure names every such night.
   * The caller writes the allocation back (`stored`).
   */
  private reallocate(
    listingId: string,
    cal: ListingCalendar,
    own: Alloc,
    start: number,
    end: number,
  ): NightsUnavailable | null {
    const failed = this.failingNights(cal, start, end, own)
    if (failed.length > 0) return this.unavailable(listingId, failed)
    this.shift(cal, own, -1)
    own.start = start
    own.end = end
    this.shift(cal, own, 1)
    return null
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
      if (cal.nights.free(cal.units, d) < 1) failed.push(dateOf(d))
    }
    return failed
  }

  private nightsOf(start: number, end: number): LocalDate[] {
    const out: LocalDate[] = []
    for (let d = start; d < end; d++) out.push(dateOf(d))
    return out
  }

  private unavailable(listingId: string, nights: readonly LocalDate[]): NightsUnavailable {
    return new NightsUnavailable({ listingId, nights })
  }
}
