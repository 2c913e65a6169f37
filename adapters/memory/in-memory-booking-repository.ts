import { Effect, Option } from 'effect'
import type { Booking } from '../../core/domain/bookings/booking.js'
import type { BookingState } from '../../core/domain/bookings/lifecycle.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { BookingId, ListingId, UserId } from '../../core/domain/shared/ids.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { BookingRepository } from '../../ports/repositories.js'
import type { InMemoryOutbox } from './in-memory-outbox.js'
import { SortedKeyList } from './sorted-key-list.js'
import { bucket, indexFor, pageOf, type SortedIndex, snapshot, versionFits } from './support.js'

export class InMemoryBookingRepository implements BookingRepository {
  private readonly bookings = new Map<string, Booking>()
  private readonly byGuestIndex = new Map<string, SortedIndex>()
  private readonly byHostIndex = new Map<string, SortedIndex>()
  private readonly byListingIndex = new Map<string, Set<string>>()
  /**
   * Bookings with a timer, by (dueAt, id): a chunked sorted list, so that moving one booking's
   * timer costs O(log n + chunk) even with hundreds of thousands of timers pending, and `due` reads
   * the earliest ones in order without scanning the rest.
   */
  private readonly dueIndex = new SortedKeyList()
  private readonly dueAtOf = new Map<string, number>()

  constructor(private readonly outbox: InMemoryOutbox) {}

  byId(id: BookingId): Effect.Effect<Option.Option<Booking>> {
    return Effect.sync(() => Option.fromNullishOr(this.bookings.get(id)))
  }

  save(booking: Booking, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification> {
    return Effect.suspend(() => {
      const stored = this.bookings.get(booking.id)
      if (!versionFits(stored, booking.version))
        return Effect.fail(new ConcurrentModification({ entity: 'booking', id: booking.id }))
      const copy = snapshot(booking)
      if (stored !== undefined) {
        if (stored.guestId !== booking.guestId) this.byGuestIndex.get(stored.guestId)?.remove(booking.id)
        if (stored.hostId !== booking.hostId) this.byHostIndex.get(stored.hostId)?.remove(booking.id)
        if (stored.listingId !== booking.listingId)
          this.byListingIndex.get(stored.listingId)?.delete(booking.id)
      }
      this.bookings.set(booking.id, copy)
      indexFor(this.byGuestIndex, booking.guestId).upsert(booking.id, booking.createdAt)
      indexFor(this.byHostIndex, booking.hostId).upsert(booking.id, booking.createdAt)
      bucket(this.byListingIndex, booking.listingId).add(booking.id)
      this.setDue(booking.id, booking.dueAt)
      this.outbox.append(events)
      return Effect.void
    })
  }

  byGuest(guestId: UserId, page: PageRequest): Effect.Effect<Page<Booking>> {
    return Effect.sync(() => pageOf(this.byGuestIndex.get(guestId), page, (id) => this.bookings.get(id)))
  }

  byHost(hostId: UserId, page: PageRequest): Effect.Effect<Page<Booking>> {
    return Effect.sync(() => pageOf(this.byHostIndex.get(hostId), page, (id) => this.bookings.get(id)))
  }

  byListing(listingId: ListingId, from: string, to: string): Effect.Effect<readonly Booking[]> {
    return Effect.sync(() => {
      const out: Booking[] = []
      for (const id of this.byListingIndex.get(listingId) ?? []) {
        const b = this.bookings.get(id)
        if (b !== undefined && b.stay.checkIn < to && from < b.stay.checkOut) out.push(b)
      }
      return out.sort((a, b) =>
        a.stay.checkIn !== b.stay.checkIn ? (a.stay.checkIn < b.stay.checkIn ? -1 : 1) : a.id < b.id ? -1 : 1,
      )
    })
  }

  due(now: Instant, limit: number): Effect.Effect<readonly Booking[]> {
    return Effect.sync(() => {
      const out: Booking[] = []
      const max = Math.max(0, limit)
      if (max === 0) return out
      this.dueIndex.forEachAfter(null, (e) => {
        if (e.key > now) return false
        const b = this.bookings.get(e.id)
        if (b !== undefined) out.push(b)
        return out.length < max
      })
      return out
    })
  }

  countByGuest(guestId: UserId, states: readonly BookingState[]): Effect.Effect<number> {
    return Effect.sync(() => {
      const index = this.byGuestIndex.get(guestId)
      if (index === undefined) return 0
      let n = 0
      for (const id of index.ids()) {
        const b = this.bookings.get(id)
        if (b !== undefined && states.includes(b.state)) n++
      }
      return n
    })
  }

  private setDue(id: string, at: number | null): void {
    const current = this.dueAtOf.get(id)
    if (current === (at ?? undefined)) return
    if (current !== undefined) {
      this.dueIndex.remove({ key: current, id })
      this.dueAtOf.delete(id)
    }
    if (at === null) return
    this.dueIndex.insert({ key: at, id })
    this.dueAtOf.set(id, at)
  }
}
