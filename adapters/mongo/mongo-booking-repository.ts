import { Effect, type Option, Schema } from 'effect'
import type { Booking } from '../../core/domain/bookings/booking.js'
import type { BookingState } from '../../core/domain/bookings/lifecycle.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { BookingId, ListingId, UserId } from '../../core/domain/shared/ids.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { BookingRepository } from '../../ports/repositories.js'
import { Aggregates, currentDocument, stateText } from './aggregates.js'
import type { Collections } from './collections.js'
import { asBooking, BookingState as BookingStateSchema } from './entity-schemas.js'
import type { RevisionLog } from './revisions.js'
import { mongoCall, SCHEMA_VERSION } from './support.js'

const BookingDocument = currentDocument({
  g: Schema.String,
  h: Schema.String,
  l: Schema.String,
  c: Schema.Finite,
  st: Schema.String,
  ci: Schema.String,
  co: Schema.String,
  /** When the next timer is due; absent without one, so `due` never sees the booking. */
  d: Schema.optionalKey(Schema.Finite),
})

const MAX_LIMIT = 10_000

/** Bookings: each is an aggregate of the revision log; queries read the current documents. */
export class MongoBookingRepository implements BookingRepository {
  private readonly store: Aggregates<Booking, typeof BookingStateSchema.Type, typeof BookingDocument>

  constructor(
    log: RevisionLog,
    private readonly collections: Collections,
  ) {
    this.store = new Aggregates(log, collections, {
      kind: 'booking',
      entity: 'booking',
      collection: 'bookings',
      state: BookingStateSchema,
      schema: BookingDocument,
      entityOf: asBooking,
      idOf: (b) => b.id,
      versionOf: (b) => b.version,
      documentOf: (b, seq) => ({
        _id: b.id,
        sv: SCHEMA_VERSION,
        v: b.version,
        seq,
        s: stateText(b),
        g: b.guestId,
        h: b.hostId,
        l: b.listingId,
        c: b.createdAt,
        st: b.state,
        ci: b.stay.checkIn,
        co: b.stay.checkOut,
        ...(b.dueAt === null ? {} : { d: b.dueAt }),
      }),
    })
  }

  byId(id: BookingId): Effect.Effect<Option.Option<Booking>> {
    return this.store.byId(id)
  }

  save(booking: Booking, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification> {
    return this.store.save(booking, events)
  }

  byGuest(guestId: UserId, page: PageRequest): Effect.Effect<Page<Booking>> {
    return this.store.page({ g: { $eq: String(guestId) } }, 'c', page)
  }

  byHost(hostId: UserId, page: PageRequest): Effect.Effect<Page<Booking>> {
    return this.store.page({ h: { $eq: String(hostId) } }, 'c', page)
  }

  byListing(listingId: ListingId, from: string, to: string): Effect.Effect<readonly Booking[]> {
    return this.store.find(
      { l: { $eq: String(listingId) }, ci: { $lt: String(to) }, co: { $gt: String(from) } },
      { ci: 1, _id: 1 },
    )
  }

  due(now: Instant, limit: number): Effect.Effect<readonly Booking[]> {
    const max = Number.isFinite(limit) ? Math.min(MAX_LIMIT, Math.floor(limit)) : 0
    if (max <= 0) return Effect.succeed([])
    return this.store.find({ d: { $lte: Number(now) } }, { d: 1, _id: 1 }, max)
  }

  countByGuest(guestId: UserId, states: readonly BookingState[]): Effect.Effect<number> {
    if (states.length === 0) return Effect.succeed(0)
    return mongoCall('count bookings', () =>
      this.collections.bookings.countDocuments({
        g: { $eq: String(guestId) },
        st: { $in: states.map((s) => String(s)) },
      }),
    )
  }
}
