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
import { indexFor, pageOf, type SortedIndex, snapshot, versionFits } from './support.js'

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
    for (const a of f.amenities) if (!l.amenities.includes(a)) return false
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

/** A position in a sort order: the sort key, ties broken by id. */
interface Entry {
  readonly key: number
  readonly id: string
}

const compare = (a: Entry, b: Entry): number =>
  a.key !== b.key ? (a.key < b.key ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/** Entries per chunk before a chunk splits in two. */
const CHUNK_MAX = 1_024

/**
 * Entries kept in (key, id) order as a list of sorted chunks (the "sorted list" of
 * sortedcontainers): an insert or removal is a binary search plus a splice within one chunk of at
 * most CHUNK_MAX entries, so a write costs O(log n + CHUNK_MAX) however many listings there are,
 * and finding the first entry after a position is two binary searches.
 */
export class SortedKeyList {
  private readonly chunks: Entry[][] = []
  private count = 0

  get size(): number {
    return this.count
  }

  insert(e: Entry): void {
    if (this.chunks.length === 0) {
      this.chunks.push([e])
      this.count = 1
      return
    }
    let c = this.chunkFor(e)
    if (c === this.chunks.length) c--
    const chunk = this.chunks[c]!
    chunk.splice(lowerBound(chunk, e), 0, e)
    this.count++
    if (chunk.length > CHUNK_MAX) this.chunks.splice(c + 1, 0, chunk.splice(CHUNK_MAX >>> 1))
  }

  /** Removes the entry equal to `e`; true if there was one. */
  remove(e: Entry): boolean {
    const c = this.chunkFor(e)
    const chunk = this.chunks[c]
    if (chunk === undefined) return false
    const i = lowerBound(chunk, e)
    const found = chunk[i]
    if (found === undefined || compare(found, e) !== 0) return false
    chunk.splice(i, 1)
    this.count--
    if (chunk.length === 0) this.chunks.splice(c, 1)
    return true
  }

  /** The first entry strictly after `after` (the very first when null). */
  firstAfter(after: Entry | null): Entry | undefined {
    if (after === null) return this.chunks[0]?.[0]
    // The first chunk whose last entry is after the position, then the first entry after it there.
    let lo = 0
    let hi = this.chunks.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const chunk = this.chunks[mid]!
      if (compare(chunk[chunk.length - 1]!, after) <= 0) lo = mid + 1
      else hi = mid
    }
    const chunk = this.chunks[lo]
    if (chunk === undefined) return undefined
    let a = 0
    let b = chunk.length
    while (a < b) {
      const mid = (a + b) >>> 1
      if (compare(chunk[mid]!, after) <= 0) a = mid + 1
      else b = mid
    }
    return chunk[a]
  }

  /** The chunk where `e` belongs: the first whose last entry is not before it (may be one past the end). */
  private chunkFor(e: Entry): number {
    let lo = 0
    let hi = this.chunks.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const chunk = this.chunks[mid]!
      if (compare(chunk[chunk.length - 1]!, e) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

const lowerBound = (chunk: readonly Entry[], e: Entry): number => {
  let lo = 0
  let hi = chunk.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compare(chunk[mid]!, e) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The sorts whose key depends on the listing alone, so they can be kept in an index. */
const indexedSorts = ['price_asc', 'price_desc', 'rating', 'newest'] as const
type IndexedSort = (typeof indexedSorts)[number]
const isIndexed = (s: ListingSort): s is IndexedSort => s !== 'distance'

/** Listings of one scope (all, or one city) in each indexed order. */
type ScopeIndex = Record<IndexedSort, SortedKeyList>
const newScope = (): ScopeIndex => ({
  price_asc: new SortedKeyList(),
  price_desc: new SortedKeyList(),
  rating: new SortedKeyList(),
  newest: new SortedKeyList(),
})

/** Degrees per cell of the grid that finds listings near a point (about 28 km of latitude). */
const CELL_DEG = 0.25
const LNG_CELLS = Math.round(360 / CELL_DEG)
const KM_PER_DEG_LAT = 111.2
const cellOf = (lat: number, lng: number): { row: number; col: number } => ({
  row: Math.floor((lat + 90) / CELL_DEG),
  col: ((Math.floor((lng + 180) / CELL_DEG) % LNG_CELLS) + LNG_CELLS) % LNG_CELLS,
})
const cellKey = (row: number, col: number): number => row * LNG_CELLS + col

/**
 * Listings in memory with the indexes a search needs: for all listings and for each city, one
 * sorted index per sort order (price, rating, newest), and a lat/lng grid for searches near a
 * point. A search walks the index of its scope and sort from its position, checking the remaining
 * filters on each listing, so the first page costs about what it returns, not what is stored.
 */
export class InMemoryListingRepository implements ListingRepository {
  private readonly listings = new Map<string, Listing>()
  private readonly byHostIndex = new Map<string, SortedIndex>()
  private readonly all = newScope()
  private readonly byCity = new Map<string, ScopeIndex>()
  private readonly grid = new Map<number, Set<string>>()

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
      if (stored !== undefined && stored.hostId !== listing.hostId)
        this.byHostIndex.get(stored.hostId)?.remove(listing.id)
      this.reindex(stored, copy)
      this.listings.set(listing.id, copy)
      indexFor(this.byHostIndex, listing.hostId).upsert(listing.id, listing.createdAt)
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
      if (filter.near === null && isIndexed(sort)) {
        const scope = filter.city === null ? this.all : this.byCity.get(cityKey(filter.city))
        return this.walk(scope?.[sort], filter, after)
      }
      return this.gathered(filter, sort, after)
    })
  }

  /**
   * Walks an index lazily from `after`, re-seeking from the last position at every step, so
   * listings saved while the caller is between steps neither break the walk nor repeat.
   */
  private walk(
    index: SortedKeyList | undefined,
    filter: ListingFilter,
    after: SearchPosition | null,
  ): AsyncIterable<Listing> {
    const listings = this.listings
    return {
      async *[Symbol.asyncIterator]() {
        if (index === undefined) return
        let position: Entry | null = after
        while (true) {
          const e = index.firstAfter(position)
          if (e === undefined) return
          position = e
          const listing = listings.get(e.id)
          if (listing !== undefined && matchesFilter(listing, filter)) yield listing
        }
      },
    }
  }

  /** Searches near a point (candidates from the grid) or in an order no index keeps: gather and sort. */
  private gathered(
    filter: ListingFilter,
    sort: ListingSort,
    after: SearchPosition | null,
  ): AsyncIterable<Listing> {
    const matching: { key: number; id: string; listing: Listing }[] = []
    for (const id of this.candidates(filter)) {
      const listing = this.listings.get(id)
      if (listing === undefined || !matchesFilter(listing, filter)) continue
      const e = { key: sortKey(listing, sort, filter.near), id, listing }
      if (after !== null && compare(e, after) <= 0) continue
      matching.push(e)
    }
    matching.sort(compare)
    return {
      async *[Symbol.asyncIterator]() {
        for (const m of matching) yield m.listing
      },
    }
  }

  private *candidates(filter: ListingFilter): Iterable<string> {
    if (filter.near === null) {
      if (filter.city === null) yield* this.listings.keys()
      else {
        const scope = this.byCity.get(cityKey(filter.city))
        if (scope === undefined) return
        for (let e = scope.newest.firstAfter(null); e !== undefined; e = scope.newest.firstAfter(e))
          yield e.id
      }
      return
    }
    const { lat, lng, radiusKm } = filter.near
    const dLat = radiusKm / KM_PER_DEG_LAT
    const minRow = Math.max(0, Math.floor((lat - dLat + 90) / CELL_DEG))
    const maxRow = Math.min(Math.floor(180 / CELL_DEG), Math.floor((lat + dLat + 90) / CELL_DEG))
    const maxAbsLat = Math.min(90, Math.abs(lat) + dLat)
    const cos = Math.cos((maxAbsLat * Math.PI) / 180)
    const dLng = cos <= 1e-6 ? 360 : radiusKm / (KM_PER_DEG_LAT * cos)
    const cols = Math.min(LNG_CELLS, Math.ceil((2 * dLng) / CELL_DEG) + 2)
    // A huge radius would visit more cells than there are occupied ones: walk the occupied instead.
    if ((maxRow - minRow + 1) * cols > this.grid.size) {
      for (const [key, ids] of this.grid) {
        const row = Math.floor(key / LNG_CELLS)
        if (row >= minRow && row <= maxRow) yield* ids
      }
      return
    }
    const firstCol = cellOf(lat, lng - Math.min(dLng, 180)).col
    for (let row = minRow; row <= maxRow; row++)
      for (let k = 0; k < cols; k++) {
        const ids = this.grid.get(cellKey(row, (firstCol + k) % LNG_CELLS))
        if (ids !== undefined) yield* ids
      }
  }

  /** Moves a listing's index entries from its stored version to the new one. */
  private reindex(stored: Listing | undefined, next: Listing): void {
    const id = next.id
    const oldCity = stored === undefined ? null : cityKey(stored.location.city)
    const newCity = cityKey(next.location.city)
    let cityScope = this.byCity.get(newCity)
    if (cityScope === undefined) {
      cityScope = newScope()
      this.byCity.set(newCity, cityScope)
    }
    const oldScope = oldCity === null ? undefined : this.byCity.get(oldCity)
    for (const sort of indexedSorts) {
      const key = sortKey(next, sort, null)
      if (stored !== undefined) {
        const oldKey = sortKey(stored, sort, null)
        if (oldKey === key && oldCity === newCity) continue
        const old = { key: oldKey, id }
        this.all[sort].remove(old)
        oldScope?.[sort].remove(old)
      }
      this.all[sort].insert({ key, id })
      cityScope[sort].insert({ key, id })
    }
    if (oldScope !== undefined && oldCity !== newCity && oldScope.newest.size === 0)
      this.byCity.delete(oldCity!)
    const oldCell = stored === undefined ? null : cellOf(stored.location.lat, stored.location.lng)
    const newCell = cellOf(next.location.lat, next.location.lng)
    if (oldCell !== null) {
      if (oldCell.row === newCell.row && oldCell.col === newCell.col) return
      const k = cellKey(oldCell.row, oldCell.col)
      const ids = this.grid.get(k)
      ids?.delete(id)
      if (ids?.size === 0) this.grid.delete(k)
    }
    const k = cellKey(newCell.row, newCell.col)
    let ids = this.grid.get(k)
    if (ids === undefined) {
      ids = new Set()
      this.grid.set(k, ids)
    }
    ids.add(id)
  }
}
