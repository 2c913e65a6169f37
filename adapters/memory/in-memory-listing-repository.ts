import { Effect, Option } from 'effect'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { cityKey, type ListingFilter, listingMatches } from '../../core/domain/listings/filter.js'
import type { Listing, ListingStatus } from '../../core/domain/listings/listing.js'
import { haversineKm, sortKey } from '../../core/domain/listings/search-order.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { ListingId, UserId } from '../../core/domain/shared/ids.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type {
  ListingCursor,
  ListingRepository,
  ListingSort,
  SearchPosition,
} from '../../ports/repositories.js'
import type { InMemoryOutbox } from './in-memory-outbox.js'
import { compareKeyed, type Entry, type ListWalker, SortedKeyList } from './sorted-key-list.js'
import { indexFor, pageOf, type SortedIndex, snapshot, versionFits } from './support.js'

/** The sorts whose key depends on the listing alone, so they can be kept in an index. */
const indexedSorts = ['price_asc', 'price_desc', 'rating', 'newest'] as const
type IndexedSort = (typeof indexedSorts)[number]
const isIndexed = (s: ListingSort): s is IndexedSort => s !== 'distance'

/** Listings of one scope (all, or one city) in each indexed order. */
/**
 * Where a listing's current version lives: index entries point at its slot, so walking an index
 * reaches the listing without a lookup by id, and a save that keeps the sort keys touches no index.
 */
interface Slot {
  listing: Listing
}

/**
 * The fields most searches filter on, copied into each index entry: a walk rejects most
 * candidates on these alone, without reaching for the listing (at 100k listings, touching each
 * listing is what a walk costs). Weekdays are bit masks (bit d = weekday d; 0 = any).
 */
interface Facts {
  readonly maxGuests: number
  readonly status: ListingStatus
  readonly minNights: number
  readonly maxNights: number
  readonly checkInDays: number
  readonly checkOutDays: number
}
interface SlotEntry extends Entry, Facts {
  readonly slot: Slot
}

const mask = (days: readonly number[]): number => days.reduce((m, d) => m | (1 << d), 0)
const factsOf = (l: Listing): Facts => ({
  maxGuests: l.maxGuests,
  status: l.status,
  minNights: l.restrictions.minNights,
  maxNights: l.restrictions.maxNights,
  checkInDays: mask(l.restrictions.checkInWeekdays),
  checkOutDays: mask(l.restrictions.checkOutWeekdays),
})
const sameFacts = (a: Facts, b: Facts): boolean =>
  a.maxGuests === b.maxGuests &&
  a.status === b.status &&
  a.minNights === b.minNights &&
  a.maxNights === b.maxNights &&
  a.checkInDays === b.checkInDays &&
  a.checkOutDays === b.checkOutDays

/**
 * The test a walk applies to each index entry, prepared once per search. The facts copied into the
 * entry (guests, status, nights, weekdays: checks `listingMatches` makes too) reject most
 * candidates without touching the listing; whatever passes them is decided by `listingMatches`,
 * the core's one definition of the filter, so the index only ever saves work, never decides.
 */
const entryTest = (f: ListingFilter): ((e: SlotEntry) => boolean) => {
  const minGuests = f.minGuests
  const statuses = f.statuses.length === 0 ? null : new Set<ListingStatus>(f.statuses)
  const nights = f.nights ?? null
  const inDay = f.checkInWeekday == null ? 0 : 1 << f.checkInWeekday
  const outDay = f.checkOutWeekday == null ? 0 : 1 << f.checkOutWeekday
  return (e) =>
    e.maxGuests >= minGuests &&
    (statuses === null || statuses.has(e.status)) &&
    (nights === null || (nights >= e.minNights && nights <= e.maxNights)) &&
    (inDay === 0 || e.checkInDays === 0 || (e.checkInDays & inDay) !== 0) &&
    (outDay === 0 || e.checkOutDays === 0 || (e.checkOutDays & outDay) !== 0) &&
    listingMatches(e.slot.listing, f)
}

/**
 * Guest capacity classes: each sort order is kept per class (most guests a listing takes, 1, 2,
 * 3-4, 5-6, 7+), so a search for 3 guests walks only the classes that can take 3, merged, and
 * never the many small rooms and bunks at the cheap end of a price order.
 */
const CAPACITY_FLOORS = [1, 2, 3, 5, 7] as const
const capacityClass = (maxGuests: number): number => {
  let k = 0
  while (k + 1 < CAPACITY_FLOORS.length && maxGuests >= CAPACITY_FLOORS[k + 1]!) k++
  return k
}
/** The classes whose listings may take `guests`: those whose largest capacity reaches it. */
const classesFor = (guests: number): number[] =>
  CAPACITY_FLOORS.map((_, k) => k).filter(
    (k) => k + 1 >= CAPACITY_FLOORS.length || CAPACITY_FLOORS[k + 1]! - 1 >= guests,
  )

/** Listings of one scope (all, or one city) in each indexed order, per capacity class. */
type ScopeIndex = Record<IndexedSort, SortedKeyList<SlotEntry>[]>
const newScope = (): ScopeIndex => {
  const lists = () => CAPACITY_FLOORS.map(() => new SortedKeyList<SlotEntry>())
  return { price_asc: lists(), price_desc: lists(), rating: lists(), newest: lists() }
}
const scopeSize = (scope: ScopeIndex): number => scope.newest.reduce((n, l) => n + l.size, 0)

/** Degrees per side of a cell of the grid that finds listings near a point (about 1.1 km). */
const CELL_DEG = 0.01
const LNG_CELLS = Math.round(360 / CELL_DEG)
const ROWS = Math.round(180 / CELL_DEG)
const EARTH_KM = 6371
const RAD = Math.PI / 180

/** A group of cells and a lower bound on the distance of every listing in cells not yet given. */
interface CellGroup {
  readonly cells: readonly ReadonlySet<string>[]
  readonly boundAfter: number
}

/**
 * Listing ids bucketed by lat/lng cell, able to list the cells around a point nearest first: in
 * square rings around the point's cell while the rings are few, else the occupied cells sorted by
 * a lower bound of their distance. Either way each group comes with a lower bound on the distance
 * of everything still to come, so a caller can emit what is nearer for sure (best-first search).
 */
export class GeoGrid {
  private readonly cells = new Map<number, Set<string>>()

  add(id: string, lat: number, lng: number): void {
    const key = cellKey(lat, lng)
    let ids = this.cells.get(key)
    if (ids === undefined) {
      ids = new Set()
      this.cells.set(key, ids)
    }
    ids.add(id)
  }

  remove(id: string, lat: number, lng: number): void {
    const key = cellKey(lat, lng)
    const ids = this.cells.get(key)
    ids?.delete(id)
    if (ids?.size === 0) this.cells.delete(key)
  }

  /** Cell groups that may hold points within `radiusKm` of the point, nearest first. */
  *around(lat: number, lng: number, radiusKm: number): Generator<CellGroup> {
    // Points within the radius lie within this latitude band; its widest |latitude| bounds how
    // narrow a degree of longitude gets.
    const maxAbsLat = Math.min(90, Math.abs(lat) + radiusKm / (EARTH_KM * RAD) + CELL_DEG)
    const cosL = Math.cos(maxAbsLat * RAD)
    const ringBound = (k: number): number => {
      if (k <= 1) return 0
      const deg = (k - 1) * CELL_DEG
      const byLat = EARTH_KM * deg * RAD
      const byLng = 2 * EARTH_KM * Math.asin(Math.min(1, cosL * Math.sin((deg * RAD) / 2)))
      return Math.min(byLat, byLng)
    }
    let rings = 0
    while (ringBound(rings) <= radiusKm && rings < LNG_CELLS / 4) rings++
    if ((2 * rings + 1) ** 2 <= 4 * this.cells.size && rings < LNG_CELLS / 4) {
      const row0 = Math.floor((lat + 90) / CELL_DEG)
      const col0 = Math.floor((lng + 180) / CELL_DEG)
      for (let k = 0; k < rings; k++) {
        const cells: Set<string>[] = []
        const take = (row: number, col: number) => {
          if (row < 0 || row >= ROWS) return
          const ids = this.cells.get(row * LNG_CELLS + (((col % LNG_CELLS) + LNG_CELLS) % LNG_CELLS))
          if (ids !== undefined) cells.push(ids)
        }
        if (k === 0) take(row0, col0)
        for (let d = -k; d <= k && k > 0; d++) {
          take(row0 - k, col0 + d)
          take(row0 + k, col0 + d)
        }
        for (let d = -k + 1; d <= k - 1; d++) {
          take(row0 + d, col0 - k)
          take(row0 + d, col0 + k)
        }
        yield { cells, boundAfter: k + 1 < rings ? ringBound(k + 1) : Number.POSITIVE_INFINITY }
      }
      return
    }
    // Few occupied cells for so wide a radius: order them by a lower bound of their distance.
    const order: { bound: number; ids: Set<string> }[] = []
    for (const [key, ids] of this.cells) {
      const row = Math.floor(key / LNG_CELLS)
      const col = key - row * LNG_CELLS
      const latMin = row * CELL_DEG - 90
      const lngMin = col * CELL_DEG - 180
      const cLat = latMin + CELL_DEG / 2
      const cLng = lngMin + CELL_DEG / 2
      // No point of the cell is farther from its centre than its corners.
      const reach = Math.max(
        haversineKm(cLat, cLng, latMin, lngMin),
        haversineKm(cLat, cLng, latMin + CELL_DEG, lngMin),
      )
      const bound = Math.max(0, haversineKm(lat, lng, cLat, cLng) - reach)
      if (bound <= radiusKm) order.push({ bound, ids })
    }
    order.sort((a, b) => a.bound - b.bound)
    for (let i = 0; i < order.length; i++)
      yield { cells: [order[i]!.ids], boundAfter: order[i + 1]?.bound ?? Number.POSITIVE_INFINITY }
  }
}

const cellKey = (lat: number, lng: number): number => {
  const row = Math.min(ROWS - 1, Math.max(0, Math.floor((lat + 90) / CELL_DEG)))
  const col = ((Math.floor((lng + 180) / CELL_DEG) % LNG_CELLS) + LNG_CELLS) % LNG_CELLS
  return row * LNG_CELLS + col
}

/** A binary min-heap of positions (key, then id). */
class PositionHeap<T extends Entry> {
  private readonly items: T[] = []

  get size(): number {
    return this.items.length
  }

  peek(): T | undefined {
    return this.items[0]
  }

  push(x: T): void {
    const a = this.items
    a.push(x)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >>> 1
      if (compareKeyed(a[parent]!, x) <= 0) break
      a[i] = a[parent]!
      i = parent
    }
    a[i] = x
  }

  pop(): T | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (top === undefined || last === undefined || a.length === 0) return top
    let i = 0
    while (true) {
      const l = 2 * i + 1
      if (l >= a.length) break
      const r = l + 1
      const c = r < a.length && compareKeyed(a[r]!, a[l]!) < 0 ? r : l
      if (compareKeyed(a[c]!, last) >= 0) break
      a[i] = a[c]!
      i = c
    }
    a[i] = last
    return top
  }
}

/**
 * Listings in memory with the indexes a search needs: for all listings and for each city, one
 * sorted index per sort order (price, rating, newest), and a lat/lng grid for searches near a
 * point. A search walks the index of its scope and sort from its position, checking the remaining
 * filters on each listing, so the first page costs about what it returns, not what is stored.
 */
export class InMemoryListingRepository implements ListingRepository {
  private readonly slots = new Map<string, Slot>()
  private readonly byHostIndex = new Map<string, SortedIndex>()
  private readonly all = newScope()
  private readonly byCity = new Map<string, ScopeIndex>()
  private readonly geo = new GeoGrid()

  constructor(private readonly outbox: InMemoryOutbox) {}

  byId(id: ListingId): Effect.Effect<Option.Option<Listing>> {
    return Effect.sync(() => Option.fromNullishOr(this.slots.get(id)?.listing))
  }

  save(listing: Listing, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification> {
    return Effect.suspend(() => {
      const slot = this.slots.get(listing.id)
      const stored = slot?.listing
      if (!versionFits(stored, listing.version))
        return Effect.fail(new ConcurrentModification({ entity: 'listing', id: listing.id }))
      const copy = snapshot(listing)
      if (stored !== undefined && stored.hostId !== listing.hostId)
        this.byHostIndex.get(stored.hostId)?.remove(listing.id)
      if (slot === undefined) {
        const fresh = { listing: copy }
        this.slots.set(listing.id, fresh)
        this.reindex(undefined, fresh)
      } else {
        const before = slot.listing
        slot.listing = copy
        this.reindex(before, slot)
      }
      indexFor(this.byHostIndex, listing.hostId).upsert(listing.id, listing.createdAt)
      this.outbox.append(events)
      return Effect.void
    })
  }

  byHost(hostId: UserId, page: PageRequest): Effect.Effect<Page<Listing>> {
    return Effect.sync(() => pageOf(this.byHostIndex.get(hostId), page, (id) => this.slots.get(id)?.listing))
  }

  search(
    filter: ListingFilter,
    sort: ListingSort,
    after: SearchPosition | null,
  ): Effect.Effect<ListingCursor> {
    return Effect.sync(() => {
      if (filter.near !== null && sort === 'distance') return this.nearest(filter, filter.near, after)
      if (filter.near === null && isIndexed(sort)) {
        const classes = classesFor(filter.minGuests)
        if (filter.city === null)
          return this.walk(
            classes.map((k) => this.all[sort][k]!),
            filter,
            after,
          )
        // Every listing in a city's index is in that city (saves move it): no need to check again.
        const scope = this.byCity.get(cityKey(filter.city))
        return this.walk(
          scope === undefined ? [] : classes.map((k) => scope[sort][k]!),
          { ...filter, city: null },
          after,
        )
      }
      return this.gathered(filter, sort, after)
    })
  }

  /**
   * A cursor over index lists (merged) from `after`. Between batches each list's walker stays where
   * it was; one whose list changed meanwhile seeks again from the last entry visited, so listings
   * saved between batches neither break the walk nor repeat.
   */
  private walk(
    lists: readonly SortedKeyList<SlotEntry>[],
    filter: ListingFilter,
    after: SearchPosition | null,
  ): ListingCursor {
    const test = entryTest(filter)
    const walkers = lists.map((l) => l.walkerAfter(after))
    let last: Entry | null = after
    let done = walkers.length === 0
    return {
      next: (max) =>
        Effect.sync(() => {
          const batch: Listing[] = []
          if (done) return batch
          const want = Math.max(1, Math.floor(max))
          for (let k = 0; k < walkers.length; k++) walkers[k]!.sync(last)
          while (batch.length < want) {
            let best: ListWalker<SlotEntry> | null = null
            let head: SlotEntry | undefined
            for (let k = 0; k < walkers.length; k++) {
              const w = walkers[k]!
              const e = w.current()
              if (e !== undefined && (head === undefined || compareKeyed(e, head) < 0)) {
                head = e
                best = w
              }
            }
            if (best === null || head === undefined) break
            best.advance()
            last = head
            if (test(head)) batch.push(head.slot.listing)
          }
          if (batch.length === 0) done = true
          return batch
        }),
      close: () =>
        Effect.sync(() => {
          done = true
        }),
    }
  }

  /**
   * Nearest first around a point, lazily: cells are visited nearest first, their matching listings
   * go into a heap by distance, and a listing leaves the heap once no cell still to visit can hold a
   * nearer one. A page near a dense centre visits a few cells, however many listings the city has.
   */
  private nearest(
    filter: ListingFilter,
    near: NonNullable<ListingFilter['near']>,
    after: SearchPosition | null,
  ): ListingCursor {
    const slots = this.slots
    const rest = { ...filter, near: null }
    const groups = this.geo.around(near.lat, near.lng, near.radiusKm)
    const heap = new PositionHeap<{ key: number; id: string }>()
    const seen = new Set<string>()
    let bound = 0
    let more = true
    return {
      next: (max) =>
        Effect.sync(() => {
          const batch: Listing[] = []
          const want = Math.max(1, Math.floor(max))
          while (batch.length < want) {
            while (batch.length < want && heap.size > 0 && heap.peek()!.key < bound) {
              const e = heap.pop()!
              const listing = slots.get(e.id)?.listing
              // Emitted once, and only if it still matches (it may have changed since it was seen).
              if (listing === undefined || seen.has(e.id) || !listingMatches(listing, filter)) continue
              seen.add(e.id)
              batch.push(listing)
            }
            if (batch.length >= want) break
            if (!more) {
              if (heap.size === 0) break
              bound = Number.POSITIVE_INFINITY
              continue
            }
            const g = groups.next()
            if (g.done === true) {
              more = false
              continue
            }
            for (const cell of g.value.cells)
              for (const id of cell) {
                const listing = slots.get(id)?.listing
                if (listing === undefined || !listingMatches(listing, rest)) continue
                const key = haversineKm(near.lat, near.lng, listing.location.lat, listing.location.lng)
                if (key > near.radiusKm) continue
                const e = { key, id }
                if (after === null || compareKeyed(e, after) > 0) heap.push(e)
              }
            bound = g.value.boundAfter
          }
          return batch
        }),
      close: () =>
        Effect.sync(() => {
          more = false
          while (heap.size > 0) heap.pop()
        }),
    }
  }

  /** Searches near a point (candidates from the grid) or in an order no index keeps: gather and sort. */
  private gathered(filter: ListingFilter, sort: ListingSort, after: SearchPosition | null): ListingCursor {
    const matching: { key: number; id: string; listing: Listing }[] = []
    for (const id of this.candidates(filter)) {
      const listing = this.slots.get(id)?.listing
      if (listing === undefined || !listingMatches(listing, filter)) continue
      const e = { key: sortKey(listing, sort, filter.near), id, listing }
      if (after !== null && compareKeyed(e, after) <= 0) continue
      matching.push(e)
    }
    matching.sort(compareKeyed)
    let at = 0
    return {
      next: (max) =>
        Effect.sync(() => {
          const batch = matching.slice(at, at + Math.max(1, Math.floor(max))).map((m) => m.listing)
          at += batch.length
          return batch
        }),
      close: () =>
        Effect.sync(() => {
          at = matching.length
        }),
    }
  }

  private *candidates(filter: ListingFilter): Iterable<string> {
    if (filter.near === null) {
      if (filter.city === null) yield* this.slots.keys()
      else {
        const scope = this.byCity.get(cityKey(filter.city))
        if (scope === undefined) return
        const ids: string[] = []
        for (const list of scope.newest)
          list.forEachAfter(null, (e) => {
            ids.push(e.id)
            return true
          })
        yield* ids
      }
      return
    }
    for (const group of this.geo.around(filter.near.lat, filter.near.lng, filter.near.radiusKm))
      for (const ids of group.cells) yield* [...ids]
  }

  /** Moves a listing's index entries from its stored version to the one now in `slot`. */
  private reindex(stored: Listing | undefined, slot: Slot): void {
    const next = slot.listing
    const id = next.id
    const oldCity = stored === undefined ? null : cityKey(stored.location.city)
    const newCity = cityKey(next.location.city)
    let cityScope = this.byCity.get(newCity)
    if (cityScope === undefined) {
      cityScope = newScope()
      this.byCity.set(newCity, cityScope)
    }
    const oldScope = oldCity === null ? undefined : this.byCity.get(oldCity)
    const facts = factsOf(next)
    const factsKept = stored !== undefined && sameFacts(factsOf(stored), facts)
    const cls = capacityClass(facts.maxGuests)
    const oldCls = stored === undefined ? cls : capacityClass(stored.maxGuests)
    for (const sort of indexedSorts) {
      const key = sortKey(next, sort, null)
      if (stored !== undefined) {
        const oldKey = sortKey(stored, sort, null)
        if (oldKey === key && oldCity === newCity && factsKept) continue
        const old = { key: oldKey, id }
        this.all[sort][oldCls]!.remove(old)
        oldScope?.[sort][oldCls]?.remove(old)
      }
      this.all[sort][cls]!.insert({ key, id, slot, ...facts })
      cityScope[sort][cls]!.insert({ key, id, slot, ...facts })
    }
    if (oldScope !== undefined && oldCity !== newCity && scopeSize(oldScope) === 0)
      this.byCity.delete(oldCity!)
    if (
      stored !== undefined &&
      (stored.location.lat !== next.location.lat || stored.location.lng !== next.location.lng)
    )
      this.geo.remove(id, stored.location.lat, stored.location.lng)
    this.geo.add(id, next.location.lat, next.location.lng)
  }
}
