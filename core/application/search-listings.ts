import { Effect, Schema } from 'effect'
import type { ListingSort, SearchPosition } from '../../ports/repositories.js'
import { hasFreeUnit, type NightState } from '../domain/availability/night.js'
import { type ListingFilter, stayShape } from '../domain/listings/filter.js'
import type { Listing } from '../domain/listings/listing.js'
import { propertyTypes, roomTypes } from '../domain/listings/listing.js'
import { brokenStayRule } from '../domain/listings/restrictions.js'
import { haversineKm, sortKey } from '../domain/listings/search-order.js'
import { averageNightly, type Quote, quoteCalendarNights } from '../domain/pricing/quote.js'
import { decodeCursor, encodeCursor } from '../domain/shared/cursor.js'
import { localDateAt, type Stay, toEpochDay } from '../domain/shared/dates.js'
import { ValidationFailed } from '../domain/shared/errors.js'
import type { ListingId, UserId } from '../domain/shared/ids.js'
import type { Instant } from '../domain/shared/time.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { CoreDeps } from './support/deps.js'
import { suspendedHosts } from './support/listing-access.js'
import { PageFields } from './support/page-input.js'
import { parseStay } from './support/price-stay.js'
import { Amount, Guests, LocalDateString, NonBlank } from './support/schemas.js'

export const SearchListingsInput = Schema.Struct({
  city: Schema.optionalKey(NonBlank(100)),
  lat: Schema.optionalKey(
    Schema.Finite.check(Schema.isBetween({ minimum: -90, maximum: 90 })).annotate({
      description: 'Latitude of the search point; lat and lng go together',
    }),
  ),
  lng: Schema.optionalKey(
    Schema.Finite.check(Schema.isBetween({ minimum: -180, maximum: 180 })).annotate({
      description: 'Longitude of the search point; lat and lng go together',
    }),
  ),
  radiusKm: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 0.1, maximum: 500 }))),
  checkIn: Schema.optionalKey(
    LocalDateString.annotate({ description: 'First night; check_in and check_out go together' }),
  ),
  checkOut: Schema.optionalKey(
    LocalDateString.annotate({ description: 'Day of departure: after check_in; the two go together' }),
  ),
  guests: Schema.optionalKey(Guests),
  /** Nightly price range, minor units: the average nightly price of the stay when dates are given. */
  minPrice: Schema.optionalKey(Amount.annotate({ description: 'Minor units; at most max_price' })),
  maxPrice: Schema.optionalKey(Amount.annotate({ description: 'Minor units; at least min_price' })),
  amenities: Schema.optionalKey(Schema.Array(NonBlank(60)).check(Schema.isMaxLength(20))),
  propertyTypes: Schema.optionalKey(Schema.Array(Schema.Literals(propertyTypes))),
  roomTypes: Schema.optionalKey(Schema.Array(Schema.Literals(roomTypes))),
  instantBook: Schema.optionalKey(Schema.Boolean),
  minRating: Schema.optionalKey(Schema.Finite.check(Schema.isBetween({ minimum: 1, maximum: 5 }))),
  sort: Schema.optionalKey(
    Schema.Literals(['price_asc', 'price_desc', 'rating', 'newest', 'distance']).annotate({
      description: '`distance` needs lat and lng (and is the default with them; else price_asc)',
    }),
  ),
  ...PageFields,
})
export type SearchListingsInput = typeof SearchListingsInput.Type

export interface SearchHit {
  readonly listing: Listing
  /** The stay's quote when dates were given. */
  readonly quote: Quote | null
  readonly distanceKm: number | null
}

export interface SearchResult {
  readonly items: readonly SearchHit[]
  readonly nextCursor: string | null
}

/** How many candidates one page may examine before it returns what it has (bounded work per call). */
export const MAX_EXAMINED_PER_PAGE = 5_000

/** A search cursor is the position of the last listing returned: `[sort key, id]`. */
const positionCursor = (p: SearchPosition): string => encodeCursor([p.key, p.id])
const positionOf = (c: string): SearchPosition | null => {
  const v = decodeCursor(c)
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string'
    ? { key: v[0], id: v[1] }
    : null
}

/**
 * Finds active listings: by city or by point and radius, with dates (every night free and the stay
 * allowed by the listing's rules), guests, nightly price range, amenities, property and room types,
 * instant book and minimum rating; sorted by price, rating, newest or distance; cursor-paginated.
 * Static filters and order come from the repository (which may index them); dates and prices for
 * the dates are checked here, candidate by candidate, until the page is full. Listings of a
 * suspended host are left out (each host of a batch looked up once per search).
 */
export class SearchListings {
  constructor(private readonly deps: Pick<CoreDeps, 'listings' | 'availability' | 'clock' | 'users'>) {}

  execute(raw: typeof SearchListingsInput.Encoded = {}): Effect.Effect<SearchResult, ValidationFailed> {
    const { listings, availability, clock, users } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(SearchListingsInput, raw)
      const issues: { path: string; message: string }[] = []
      const hasPoint = input.lat !== undefined || input.lng !== undefined
      if (hasPoint && (input.lat === undefined || input.lng === undefined))
        issues.push({ path: input.lat === undefined ? 'lat' : 'lng', message: 'lat and lng go together' })
      if ((input.checkIn === undefined) !== (input.checkOut === undefined))
        issues.push({
          path: input.checkIn === undefined ? 'checkIn' : 'checkOut',
          message: 'checkIn and checkOut go together',
        })
      const sort: ListingSort = input.sort ?? (hasPoint ? 'distance' : 'price_asc')
      if (sort === 'distance' && !hasPoint)
        issues.push({ path: 'sort', message: 'distance sort needs lat and lng' })
      if (input.minPrice !== undefined && input.maxPrice !== undefined && input.minPrice > input.maxPrice)
        issues.push({ path: 'minPrice', message: 'must not exceed maxPrice' })
      const after = input.cursor ? positionOf(input.cursor) : null
      if (input.cursor && after === null)
        issues.push({ path: 'cursor', message: 'not a cursor this search issued' })
      if (issues.length > 0) return yield* Effect.fail(new ValidationFailed({ issues }))

      let stay: Stay | null = null
      if (input.checkIn !== undefined && input.checkOut !== undefined)
        stay = yield* parseStay(input.checkIn, input.checkOut)
      const near =
        input.lat !== undefined && input.lng !== undefined
          ? { lat: input.lat, lng: input.lng, radiusKm: input.radiusKm ?? 25 }
          : null
      const guests = input.guests ?? 1
      const filter: ListingFilter = {
        city: input.city ?? null,
        near,
        minGuests: guests,
        // With dates the price range applies to the stay's own nightly average, checked below.
        minPrice: stay === null ? (input.minPrice ?? null) : null,
        maxPrice: stay === null ? (input.maxPrice ?? null) : null,
        amenities: input.amenities ?? [],
        propertyTypes: input.propertyTypes ?? [],
        roomTypes: input.roomTypes ?? [],
        bookingMode: input.instantBook === undefined ? null : input.instantBook ? 'instant' : 'request',
        minRating: input.minRating ?? null,
        statuses: ['active'],
        // With dates, listings whose stay-length and weekday rules refuse the stay are not candidates.
        ...(stay === null ? { nights: null, checkInWeekday: null, checkOutWeekday: null } : stayShape(stay)),
      }
      const limit = input.limit ?? 20
      // Hosts looked up so far: true for a suspended one, whose listings are no candidates.
      const suspended = new Map<UserId, boolean>()
      const rules = stay === null ? () => true : stayRules(clock.now(), guests, stay)
      const allowed = (l: Listing): boolean => suspended.get(l.hostId) !== true && rules(l)
      const cursor = yield* listings.search(filter, sort, after)
      const items: SearchHit[] = []
      let last: Listing | null = null
      let examined = 0
      let exhausted = true
      let batch: readonly Listing[] = []
      // With dates: for each listing of the batch, whether its rules allow the stay and every night
      // has a unit free (one availability call per batch, for the candidates the rules let through).
      let fits: readonly boolean[] = []
      let at = 0
      // The first batch is the page size (most pages fill from the first candidates); later ones
      // are sized by the share of candidates that made it so far, so a page rarely pulls far more
      // candidates than it uses.
      let want = limit
      while (true) {
        if (items.length >= limit || examined >= MAX_EXAMINED_PER_PAGE) {
          exhausted = false
          break
        }
        if (at >= batch.length) {
          if (examined > 0) {
            const rate = (items.length + 1) / (examined + 1)
            want = Math.min(MAX_BATCH, Math.max(limit, Math.ceil((limit - items.length) / rate)))
          }
          batch = yield* cursor.next(Math.min(want, MAX_EXAMINED_PER_PAGE - examined))
          at = 0
          if (batch.length === 0) break
          yield* suspendedHosts(
            users,
            batch.map((l) => l.hostId),
            suspended,
          )
          if (stay !== null) fits = yield* fitting(availability, batch, stay, allowed)
        }
        const listing = batch[at]!
        const fit = fits[at] === true
        at++
        examined++
        last = listing
        if (suspended.get(listing.hostId) === true) continue
        let quote: Quote | null = null
        if (stay !== null) {
          if (!fit) continue
          // The nights' prices for the quote; checked again, as they may have changed since the batch.
          const nights = yield* availability.calendar(listing.id, stay.checkIn, stay.checkOut)
          if (!allAvailable(nights)) continue
          quote = quoteCalendarNights({
            listingId: listing.id,
            currency: listing.currency,
            rules: listing.pricing,
            stay,
            guests,
            nights,
          })
          const nightly = averageNightly(quote.nights)
          if (input.minPrice !== undefined && nightly < input.minPrice) continue
          if (input.maxPrice !== undefined && nightly > input.maxPrice) continue
        }
        const distanceKm = near
          ? haversineKm(near.lat, near.lng, listing.location.lat, listing.location.lng)
          : null
        items.push({ listing, quote, distanceKm })
      }
      yield* cursor.close()
      return {
        items,
        nextCursor:
          !exhausted && last !== null
            ? positionCursor({ key: sortKey(last, sort, near), id: last.id })
            : null,
      }
    })
  }
}

/**
 * For each listing of a batch, whether the stay fits: its rules allow the stay (checked first, it
 * costs no read) and every night has a unit free (one `freeForStay` for those the rules let through).
 */
const fitting = (
  availability: CoreDeps['availability'],
  batch: readonly Listing[],
  stay: Stay,
  allowed: (listing: Listing) => boolean,
): Effect.Effect<readonly boolean[]> => {
  const ok: boolean[] = new Array(batch.length)
  const ids: ListingId[] = []
  for (let k = 0; k < batch.length; k++) {
    const l = batch[k]!
    ok[k] = allowed(l)
    if (ok[k]) ids.push(l.id)
  }
  if (ids.length === 0) return Effect.succeed(ok)
  return Effect.map(availability.freeForStay(ids, stay.checkIn, stay.checkOut), (free) => {
    let j = 0
    for (let k = 0; k < ok.length; k++) if (ok[k]) ok[k] = free[j++] === true
    return ok
  })
}

const allAvailable = (nights: readonly NightState[]): boolean => {
  for (const n of nights) if (!hasFreeUnit(n)) return false
  return true
}

/** The largest batch a search pulls from the repository at once. */
const MAX_BATCH = 512

/**
 * Whether a listing's rules allow the stay now: `brokenStayRule`, the decision `checkStay` (the rule
 * a booking goes through) explains, applied to the stay's facts worked out once per search (nights,
 * weekdays) and the listing-local today once per time zone, so passing over a candidate builds no
 * error, message or key.
 */
const stayRules = (now: Instant, guests: number, stay: Stay): ((listing: Listing) => boolean) => {
  const todayByZone = new Map<string, number>()
  const checkIn = toEpochDay(stay.checkIn)
  const facts = { ...stayShape(stay), leadDays: 0, guests }
  return (listing) => {
    const zone = listing.location.timezone
    let today = todayByZone.get(zone)
    if (today === undefined) {
      today = toEpochDay(localDateAt(now, zone))
      todayByZone.set(zone, today)
    }
    facts.leadDays = checkIn - today
    return brokenStayRule(listing.restrictions, listing.maxGuests, facts) === null
  }
}
