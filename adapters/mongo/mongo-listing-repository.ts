import { Effect, type Option, Schema } from 'effect'
import type { Filter } from 'mongodb'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { averageRating, type Listing } from '../../core/domain/listings/listing.js'
import { haversineKm, type ListingSort, sortKey } from '../../core/domain/listings/search-order.js'
import type { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { ListingId, UserId } from '../../core/domain/shared/ids.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type {
  ListingCursor,
  ListingFilter,
  ListingRepository,
  SearchPosition,
} from '../../ports/repositories.js'
import { Aggregates, currentDocument, stateText } from './aggregates.js'
import type { ChangeMark } from './change-marks.js'
import type { Collections, StoredDocument } from './collections.js'
import { asListing, ListingState } from './entity-schemas.js'
import type { RevisionLog } from './revisions.js'
import { SCHEMA_VERSION } from './support.js'

const N = Schema.Finite
const ListingDocument = currentDocument({
  h: Schema.String,
  c: N,
  /** City, trimmed and lower-cased: the city filter is a case-insensitive exact match. */
  ck: Schema.String,
  lat: N,
  lng: N,
  g: Schema.Int,
  pr: Schema.Int,
  /** Currency (absent in documents written before searches converted prices: see `listingQuery`). */
  cu: Schema.optionalKey(Schema.String),
  am: Schema.Array(Schema.String),
  pt: Schema.String,
  rt: Schema.String,
  bm: Schema.String,
  /** Average rating, null while unrated. */
  avg: Schema.NullOr(N),
  st: Schema.String,
  mn: Schema.Int,
  mx: Schema.Int,
  ciw: Schema.Array(Schema.Int),
  cow: Schema.Array(Schema.Int),
  /** The sort keys of `price_asc`, `price_desc`, `rating` and `newest` (core's `sortKey`). */
  kpa: N,
  kpd: N,
  kr: N,
  kn: N,
})

const cityKey = (city: string): string => city.trim().toLowerCase()

const sortField = {
  price_asc: 'kpa',
  price_desc: 'kpd',
  rating: 'kr',
  newest: 'kn',
} as const satisfies Record<Exclude<ListingSort, 'distance'>, string>

const str = (v: string): string => {
  if (typeof v !== 'string') throw new TypeError('a listing filter value must be a string')
  return v
}
const num = (v: number): number => {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError('a listing filter value must be a number')
  return v
}

/** Degrees of latitude per km along a meridian, with a little slack so the box never cuts a match. */
const DEG_PER_KM = (180 / Math.PI / 6371) * 1.000_001

/**
 * The query of a search's static filter. Every value from the filter reaches it as a literal
 * (`$eq`, `$in`/`$all` of checked strings, numbers): never as an operator. A radius becomes its
 * bounding box here; the exact great-circle distance is checked on each match (`withinFilter`).
 */
export const listingQuery = (f: ListingFilter): Filter<StoredDocument> => {
  checkFilter(f)
  // Equalities stay top-level fields (FerretDB hands those to PostgreSQL); the rest go in `$and`.
  const top: Record<string, unknown> = {}
  const and: Filter<StoredDocument>[] = []
  if (f.city !== null) top.ck = { $eq: cityKey(str(f.city)) }
  if (f.near !== null) {
    const { lat, lng, radiusKm } = f.near
    const dLat = num(radiusKm) * DEG_PER_KM + 1e-9
    and.push({ lat: { $gte: num(lat) - dLat, $lte: lat + dLat } })
    const maxLat = Math.max(Math.abs(lat - dLat), Math.abs(lat + dLat))
    if (maxLat < 89.9) {
      const s = Math.sin(radiusKm / 6371) / Math.cos((maxLat * Math.PI) / 180)
      if (s < 1) {
        const dLng = (Math.asin(s) * 180) / Math.PI + 1e-6
        if (num(lng) - dLng >= -180 && lng + dLng <= 180)
          and.push({ lng: { $gte: lng - dLng, $lte: lng + dLng } })
      }
    }
  }
  if (f.minGuests > 1) and.push({ g: { $gte: num(f.minGuests) } })
  // Documents written before `cu` existed match too; `withinFilter` checks the listing itself.
  if (f.currency != null) and.push({ $or: [{ cu: { $eq: str(f.currency) } }, { cu: { $exists: false } }] })
  if (f.minPrice !== null) and.push({ pr: { $gte: num(f.minPrice) } })
  if (f.maxPrice !== null) and.push({ pr: { $lte: num(f.maxPrice) } })
  if (f.amenities.length > 0) and.push({ am: { $all: f.amenities.map(str) } })
  if (f.propertyTypes.length > 0) and.push({ pt: { $in: f.propertyTypes.map(str) } })
  if (f.roomTypes.length > 0) and.push({ rt: { $in: f.roomTypes.map(str) } })
  if (f.bookingMode !== null) top.bm = { $eq: str(f.bookingMode) }
  if (f.minRating !== null) and.push({ avg: { $gte: num(f.minRating) } })
  if (f.statuses.length === 1) top.st = { $eq: str(f.statuses[0]!) }
  else if (f.statuses.length > 1) and.push({ st: { $in: f.statuses.map(str) } })
  if (f.nights != null) and.push({ mn: { $lte: num(f.nights) } }, { mx: { $gte: f.nights } })
  if (f.checkInWeekday != null)
    and.push({ $or: [{ ciw: { $size: 0 } }, { ciw: { $eq: num(f.checkInWeekday) } }] })
  if (f.checkOutWeekday != null)
    and.push({ $or: [{ cow: { $size: 0 } }, { cow: { $eq: num(f.checkOutWeekday) } }] })
  return and.length === 0 ? top : { ...top, $and: and }
}

/** `query` and one more condition. */
const also = (query: Filter<StoredDocument>, condition: Filter<StoredDocument>): Filter<StoredDocument> => {
  const { $and, ...top } = query as { $and?: Filter<StoredDocument>[] } & Record<string, unknown>
  return { ...top, $and: [...($and ?? []), condition] } as Filter<StoredDocument>
}

const isNumber = (v: unknown): boolean => typeof v === 'number' && !Number.isNaN(v)
const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string')
const optionalNumber = (v: unknown): boolean => v === null || v === undefined || isNumber(v)

/** Every field of the filter has the type the port says, or the search is refused (a defect). */
const checkFilter = (f: ListingFilter): void => {
  const near = f.near as unknown
  const ok =
    (f.city === null || typeof f.city === 'string') &&
    (f.currency == null || typeof f.currency === 'string') &&
    (near === null ||
      (typeof near === 'object' &&
        isNumber((near as Record<string, unknown>).lat) &&
        isNumber((near as Record<string, unknown>).lng) &&
        isNumber((near as Record<string, unknown>).radiusKm))) &&
    isNumber(f.minGuests) &&
    optionalNumber(f.minPrice) &&
    optionalNumber(f.maxPrice) &&
    isStrings(f.amenities) &&
    isStrings(f.propertyTypes) &&
    isStrings(f.roomTypes) &&
    (f.bookingMode === null || typeof f.bookingMode === 'string') &&
    optionalNumber(f.minRating) &&
    isStrings(f.statuses) &&
    optionalNumber(f.nights) &&
    optionalNumber(f.checkInWeekday) &&
    optionalNumber(f.checkOutWeekday)
  if (!ok) throw new TypeError('a listing filter field is not of its type: the search is refused')
}

/** What the query cannot decide exactly: the great-circle radius, and the currency of old documents. */
const withinFilter = (l: Listing, f: ListingFilter): boolean =>
  (f.near === null ||
    haversineKm(f.near.lat, f.near.lng, l.location.lat, l.location.lng) <= f.near.radiusKm) &&
  (f.currency == null || l.currency === f.currency)

/** How many listings a search cursor reads ahead once a caller pulls a second batch. */
const READ_AHEAD = 64

/** A position is (key, id); `a` comes strictly after `b`. */
const after = (key: number, id: string, b: SearchPosition): boolean =>
  key > b.key || (key === b.key && id > b.id)

/**
 * Listings. A search is keyset pagination over the index of its sort key: each batch is one query
 * that starts strictly after the last listing returned (key, then id), so listings saved between
 * batches are seen or not but none is repeated or skipped. A distance order depends on the search
 * point, so that search gathers the matches inside the circle's bounding box once and orders them.
 */
export class MongoListingRepository implements ListingRepository {
  private readonly store: Aggregates<Listing, typeof ListingState.Type, typeof ListingDocument>

  private readonly changes: ChangeMark

  constructor(log: RevisionLog, collections: Collections) {
    this.changes = log.markOf('listings')
    this.store = new Aggregates(log, collections, {
      kind: 'listing',
      entity: 'listing',
      collection: 'listings',
      state: ListingState,
      schema: ListingDocument,
      entityOf: asListing,
      idOf: (l) => l.id,
      versionOf: (l) => l.version,
      documentOf: (l, seq) => ({
        _id: l.id,
        sv: SCHEMA_VERSION,
        v: l.version,
        seq,
        s: stateText(l),
        h: l.hostId,
        c: l.createdAt,
        ck: cityKey(l.location.city),
        lat: l.location.lat,
        lng: l.location.lng,
        g: l.maxGuests,
        pr: l.pricing.baseNightly,
        cu: l.currency,
        am: [...l.amenities],
        pt: l.propertyType,
        rt: l.roomType,
        bm: l.bookingMode,
        avg: averageRating(l.rating),
        st: l.status,
        mn: l.restrictions.minNights,
        mx: l.restrictions.maxNights,
        ciw: [...l.restrictions.checkInWeekdays],
        cow: [...l.restrictions.checkOutWeekdays],
        kpa: sortKey(l, 'price_asc', null),
        kpd: sortKey(l, 'price_desc', null),
        kr: sortKey(l, 'rating', null),
        kn: sortKey(l, 'newest', null),
      }),
    })
  }

  byId(id: ListingId): Effect.Effect<Option.Option<Listing>> {
    return this.store.byId(id)
  }

  save(listing: Listing, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification> {
    return this.store.save(listing, events)
  }

  byHost(hostId: UserId, page: PageRequest): Effect.Effect<Page<Listing>> {
    return this.store.page({ h: { $eq: String(hostId) } }, 'c', page)
  }

  search(
    filter: ListingFilter,
    sort: ListingSort,
    start: SearchPosition | null,
  ): Effect.Effect<ListingCursor> {
    return Effect.sync(() => {
      const query = listingQuery(filter)
      return sort === 'distance'
        ? this.byDistance(query, filter, start)
        : this.keyset(query, filter, sort, start)
    })
  }

  /** Batches in index order of the sort key, each one query continuing after the last listing returned. */
  private keyset(
    query: Filter<StoredDocument>,
    filter: ListingFilter,
    sort: Exclude<ListingSort, 'distance'>,
    start: SearchPosition | null,
  ): ListingCursor {
    const field = sortField[sort]
    const store = this.store
    const changes = this.changes
    /** The last listing handed out (or skipped by the radius check): the next batch starts after it. */
    let position: SearchPosition | null = start
    /** Listings read ahead, in order, after `position`; valid while the change mark is `mark`. */
    let ahead: Listing[] = []
    let mark: string | null = null
    /** Nothing in the index after `ahead`. */
    let end = false
    let closed = false
    let queries = 0
    const take = (want: number, out: Listing[]): void => {
      while (out.length < want && ahead.length > 0) {
        const l = ahead.shift()!
        position = { key: sortKey(l, sort, null), id: l.id }
        if (withinFilter(l, filter)) out.push(l)
      }
    }
    const fetch = (want: number, out: Listing[]): Effect.Effect<readonly Listing[]> =>
      Effect.suspend(() => {
        if (out.length >= want || end) return Effect.succeed(out)
        // The first batch reads what was asked; later ones read ahead, as callers pulling small
        // batches would otherwise send a query for each.
        const limit = queries === 0 ? want - out.length : Math.max(want - out.length, READ_AHEAD)
        queries++
        const p = position
        const from =
          p === null
            ? query
            : also(query, {
                $or: [{ [field]: { $gt: p.key } }, { [field]: { $eq: p.key }, _id: { $gt: p.id } }],
              })
        const markFirst =
          limit > want - out.length
            ? Effect.map(changes.read, (m) => m as string | null)
            : Effect.succeed(null)
        return markFirst.pipe(
          Effect.flatMap((m) =>
            store.find(from, { [field]: 1, _id: 1 }, limit).pipe(
              Effect.flatMap((found) => {
                if (found.length < limit) end = true
                ahead = [...found]
                mark = m
                take(want, out)
                return fetch(want, out)
              }),
            ),
          ),
        )
      })
    return {
      next: (max) =>
        Effect.suspend(() => {
          if (closed) return Effect.succeed([] as readonly Listing[])
          const want = Math.max(1, Math.floor(max))
          if (ahead.length === 0) return fetch(want, [])
          // Listings read ahead are handed out only while no listing was saved since they were read.
          return changes.read.pipe(
            Effect.flatMap((m) => {
              const out: Listing[] = []
              if (m === mark) take(want, out)
              else {
                ahead = []
                end = false
              }
              return fetch(want, out)
            }),
          )
        }),
      close: () =>
        Effect.sync(() => {
          closed = true
          ahead = []
        }),
    }
  }

  /** Every match inside the circle, nearest first (ties by id), from the first one after `start`. */
  private byDistance(
    query: Filter<StoredDocument>,
    filter: ListingFilter,
    start: SearchPosition | null,
  ): ListingCursor {
    let ordered: { readonly key: number; readonly listing: Listing }[] | null = null
    let index = 0
    const near = filter.near
    const load = Effect.suspend(() =>
      ordered !== null
        ? Effect.void
        : this.store.find(query, { _id: 1 }).pipe(
            Effect.tap((found) => {
              ordered = found
                .filter((l) => withinFilter(l, filter))
                .map((l) => ({ key: sortKey(l, 'distance', near), listing: l }))
                .filter((x) => start === null || after(x.key, x.listing.id, start))
                .sort(
                  (a, b) =>
                    a.key - b.key || (a.listing.id < b.listing.id ? -1 : a.listing.id > b.listing.id ? 1 : 0),
                )
              return Effect.void
            }),
          ),
    )
    return {
      next: (max) =>
        Effect.map(load, () => {
          const list = ordered ?? []
          const batch = list.slice(index, index + Math.max(1, Math.floor(max))).map((x) => x.listing)
          index += batch.length
          return batch
        }),
      close: () =>
        Effect.sync(() => {
          ordered = []
          index = 0
        }),
    }
  }
}
