import { Effect, Option } from 'effect'
import type { DomainEvent } from '../../core/events/events.js'
import { averageRating, type Listing } from '../../core/listings/listing.js'
import { haversineKm, sortKey } from '../../core/listings/search-order.js'
import { ConcurrentModification } from '../../core/shared/errors.js'
import type { ListingId, UserId } from '../../core/shared/ids.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type {
  ListingFilter,
  ListingRepository,
  ListingSort,
  SearchPosition,
} from '../../ports/repositories.js'
import type { InMemoryOutbox } from './in-memory-outbox.js'
import { bucket, indexFor, pageOf, type SortedIndex, snapshot, versionFits } from './support.js'

const cityKey = (city: string): string => city.trim().toLowerCase()

/** Whether a listing passes every field of the filter. */
export const matchesFilter = (l: Listing, f: ListingFilter): boolean => {
  if (f.city !== null && cityKey(l.location.city) !== cityKey(f.city)) return false
  if (
    f.near !== null &&
    haversineKm(f.near.lat, f.near.lng, l.location.lat, l.location.lng) > f.near.radiusKm
  )
    return false
  if (l.maxGuests < f.minGuests) return false
  if (f.minPrice !== null && l.pricing.baseNightly < f.minPrice) return false
  if (f.maxPrice !== null && l.pricing.baseNightly > f.maxPrice) return false
  if (f.amenities.length > 0) {
    const has = new Set(l.amenities)
    for (const a of f.amenities) if (!has.has(a)) return false
  }
  if (f.propertyTypes.length > 0 && !f.propertyTypes.includes(l.propertyType)) return false
  if (f.roomTypes.length > 0 && !f.roomTypes.includes(l.roomType)) return false
  if (f.bookingMode !== null && l.bookingMode !== f.bookingMode) return false
  if (f.minRating !== null) {
    const avg = averageRating(l.rating)
    if (avg === null || avg < f.minRating) return false
  }
  if (f.statuses.length > 0 && !f.statuses.includes(l.status)) return false
  return true
}

interface Keyed {
  readonly key: number
  readonly listing: Listing
}

const before = (a: { key: number; id: string }, b: { key: number; id: string }): boolean =>
  a.key < b.key || (a.key === b.key && a.id < b.id)

export class InMemoryListingRepository implements ListingRepository {
  private readonly listings = new Map<string, Listing>()
  private readonly byHostIndex = new Map<string, SortedIndex>()
  private readonly byCity = new Map<string, Set<string>>()

  constructor(private readonly outbox: InMemoryOutbox) {}

  byId(id: ListingId): Effect.Effect<Option.Option<Listing>> {
    return Effect.sync(() => Option.fromNullishOr(this.listings.get(id)))
  }

  save(listing: Listing, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification> {
    return Effect.suspend(() => {
      const stored = this.listings.get(listing.id)
      if (!versionFits(stored, listing.version))
        return Effect.fail(new ConcurrentModification({ entity: 'listing', id: listing.id }))
      const copy = snapshot(listing)
      if (stored !== undefined) {
        if (stored.hostId !== listing.hostId) this.byHostIndex.get(stored.hostId)?.remove(listing.id)
        const oldCity = cityKey(stored.location.city)
        if (oldCity !== cityKey(listing.location.city)) this.byCity.get(oldCity)?.delete(listing.id)
      }
      this.listings.set(listing.id, copy)
      indexFor(this.byHostIndex, listing.hostId).upsert(listing.id, listing.createdAt)
      bucket(this.byCity, cityKey(listing.location.city)).add(listing.id)
      this.outbox.append(events)
      return Effect.void
    })
  }

  byHost(hostId: UserId, page: PageRequest): Effect.Effect<Page<Listing>> {
    return Effect.sync(() => pageOf(this.byHostIndex.get(hostId), page, (id) => this.listings.get(id)))
  }

  search(
    filter: ListingFilter,
    sort: ListingSort,
    after: SearchPosition | null,
  ): Effect.Effect<AsyncIterable<Listing>> {
    return Effect.sync(() => {
      // Snapshot the candidates now (the stored listings are immutable); order and yield lazily.
      const candidates: Iterable<string> =
        filter.city !== null ? (this.byCity.get(cityKey(filter.city)) ?? []) : this.listings.keys()
      const matching: Keyed[] = []
      for (const id of candidates) {
        const listing = this.listings.get(id)
        if (listing === undefined || !matchesFilter(listing, filter)) continue
        const key = sortKey(listing, sort, filter.near)
        if (after !== null && !before(after, { key, id })) continue
        matching.push({ key, listing })
      }
      matching.sort((a, b) =>
        a.key !== b.key
          ? a.key - b.key
          : a.listing.id < b.listing.id
            ? -1
            : a.listing.id > b.listing.id
              ? 1
              : 0,
      )
      return {
        async *[Symbol.asyncIterator]() {
          for (const m of matching) yield m.listing
        },
      }
    })
  }
}
