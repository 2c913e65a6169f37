import { Effect, Schema } from 'effect'
import type { ListingSort, SearchPosition } from '../../ports/repositories.js'
import { hasFreeUnit, type NightState } from '../domain/availability/night.js'
import { type ListingFilter, stayShape } from '../domain/listings/filter.js'
import type { Listing } from '../domain/listings/listing.js'
import { propertyTypes, roomTypes } from '../domain/listings/listing.js'
import { brokenStayRule } from '../domain/listings/restrictions.js'
import { haversineKm, sortKey } from '../domain/listings/search-order.js'
import { type Quote, quoteCalendarNights } from '../domain/pricing/quote.js'
import { decodeCursor, encodeCursor, fingerprintOf } from '../domain/shared/cursor.js'
import { localDateAt, type Stay, toEpochDay } from '../domain/shared/dates.js'
import { CursorMismatch, ValidationFailed } from '../domain/shared/errors.js'
import { convertAmount, type RateTable, rateOf } from '../domain/shared/exchange.js'
import type { ListingId, UserId } from '../domain/shared/ids.js'
import type { Currency, Money } from '../domain/shared/money.js'
import type { Instant } from '../domain/shared/time.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { CoreDeps } from './support/deps.js'
import { suspendedHosts } from './support/listing-access.js'
import { PageFields } from './support/page-input.js'
import { mergedByWorth, type PricePosition } from './support/price-order.js'
import { parseStay } from './support/price-stay.js'
import { Amount, CurrencyCode, Guests, LocalDateString, NonBlank } from './support/schemas.js'

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
  /**
   * The currency of the price range, the price sort and the prices shown (default: the exchange-rate
   * table's base). Listings priced in another currency are converted (`convertAmount`).
   */
  currency: Schema.optionalKey(
    CurrencyCode.annotate({ description: "ISO 4217; default the exchange-rate table's base (EUR)" }),
  ),
  /**
   * Price range, minor units of the search's currency, both inclusive, on the price a search uses
   * (`SearchHit.price`): the stay's total for the guest when dates are given, else the base nightly.
   */
  minPrice: Schema.optionalKey(
    Amount.annotate({ description: "Minor units of the search's currency; at most max_price" }),
  ),
  maxPrice: Schema.optionalKey(
    Amount.annotate({ description: "Minor units of the search's currency; at least min_price" }),
  ),
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
  /**
   * The one price the search filters and sorts by, in the search's currency: the stay's guest total
   * with dates, else the base nightly price; null when the rates do not convert the listing's currency
   * (such a listing is left out of searches that filter or sort by price).
   */
  readonly price: Money | null
}

export interface SearchResult {
  readonly items: readonly SearchHit[]
  readonly nextCursor: string | null
  /** The currency of every `price` and of the price range. */
  readonly currency: Currency
  /** The exchange rates the prices were converted with. */
  readonly exchangeRates: RateTable
}

/** How many candidates one page may examine before it returns what it has (bounded work per call). */
export const MAX_EXAMINED_PER_PAGE = 5_000

/** Where a page ends: a sort key and id, or (price order without dates) the last listing's own price. */
type Position =
  | { readonly kind: 'key'; readonly at: SearchPosition }
  | { readonly kind: 'worth'; readonly at: PricePosition }

/**
 * A search cursor: the fingerprint of the search that issued it (filters, sort, currency, rates),
 * then the position of the last listing examined.
 */
const positionCursor = (search: string, p: Position): string =>
  encodeCursor(
    p.kind === 'key' ? [search, 'k', p.at.key, p.at.id] : [search, 'w', p.at.currency, p.at.amount, p.at.id],
  )
const cursorOf = (c: string): { readonly search: string; readonly position: Position } | null => {
  const v = decodeCursor(c)
  if (!Array.isArray(v) || typeof v[0] !== 'string') return null
  if (v.length === 4 && v[1] === 'k' && typeof v[2] === 'number' && typeof v[3] === 'string')
    return { search: v[0], position: { kind: 'key', at: { key: v[2], id: v[3] } } }
  if (
    v.length === 5 &&
    v[1] === 'w' &&
    typeof v[2] === 'string' &&
    Number.isSafeInteger(v[3]) &&
    typeof v[4] === 'string'
  )
    return {
      search: v[0],
      position: { kind: 'worth', at: { currency: v[2], amount: v[3] as number, id: v[4] } },
    }
  return null
}

/** The most candidates a search by the stay's price ranks (every one is quoted to be ranked). */
export const MAX_PRICE_RANKED = 20_000

/**
 * Finds active listings: by city or by point and radius, with dates (every night free and the stay
 * allowed by the listing's rules), guests, price range, amenities, property and room types, instant
 * book and minimum rating; sorted by price, rating, newest or distance; cursor-paginated.
 *
 * Price: one price per listing, in the search's currency: the stay's guest total when dates are
 * given, else the base nightly price, converted with the ExchangeRates table (the answer carries the
 * table). The range and the price sorts use that price; amounts in different currencies are never
 * compared as such. Without dates, a price sort merges the repository's price order of each
 * currency (conversion keeps the order); with dates every candidate is quoted and ranked (at most
 * MAX_PRICE_RANKED of them).
 *
 * A cursor is bound to its search: sent with another one (other filters, sort, currency or rates)
 * it is refused with CursorMismatch. Listings of a suspended host are left out (each host of a
 * batch looked up once per search).
 */
export class SearchListings {
  constructor(
    private readonly deps: Pick<CoreDeps, 'listings' | 'availability' | 'clock' | 'exchangeRates' | 'users'>,
  ) {}

  execute(
    raw: typeof SearchListingsInput.Encoded = {},
  ): Effect.Effect<SearchResult, ValidationFailed | CursorMismatch> {
    const { listings, availability, clock, exchangeRates, users } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(SearchListingsInput, raw)
      const table = yield* exchangeRates.current()
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
      const currency = (input.currency ?? table.base) as Currency
      if (rateOf(table, currency) === undefined)
        issues.push({
          path: 'currency',
          message: `prices convert into ${Object.keys(table.rates).sort().join(', ')} only`,
        })
      // What the cursor is bound to: everything that shapes the order and the matches.
      const { cursor: _cursor, limit: _limit, ...shape } = input
      const search = fingerprintOf([shape, sort, currency, table.asOf])
      const sent = input.cursor ? cursorOf(input.cursor) : null
      if (input.cursor && sent === null)
        issues.push({ path: 'cursor', message: 'not a cursor this search issued' })
      if (issues.length > 0) return yield* Effect.fail(new ValidationFailed({ issues }))
      if (sent !== null && sent.search !== search) return yield* Effect.fail(new CursorMismatch())

      let stay: Stay | null = null
      if (input.checkIn !== undefined && input.checkOut !== undefined)
        stay = yield* parseStay(input.checkIn, input.checkOut)
      const near =
        input.lat !== undefined && input.lng !== undefined
          ? { lat: input.lat, lng: input.lng, radiusKm: input.radiusKm ?? 25 }
          : null
      const guests = input.guests ?? 1
      const byPrice = sort === 'price_asc' || sort === 'price_desc'
      const priced = byPrice || input.minPrice !== undefined || input.maxPrice !== undefined
      const filter: ListingFilter = {
        city: input.city ?? null,
        near,
        minGuests: guests,
        // The price range is on the converted price, checked here listing by listing.
        minPrice: null,
        maxPrice: null,
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
      /** Looks up the hosts of a batch not seen yet (before `allowed` or `hitOf` is asked about it). */
      const hostsOf = (batch: readonly Listing[]) =>
        suspendedHosts(
          users,
          batch.map((l) => l.hostId),
          suspended,
        )
      /** The hit of a listing that passed the static filter, or null when the dates or price rule it out. */
      /**
       * The hit of a listing that passed the static filter, or null when the dates or price rule it
       * out. `read` are the stay's nights when the caller read them already (a ranked search reads a
       * batch's calendars at once).
       */
      const hitOf = (
        listing: Listing,
        fit: boolean,
        read?: readonly NightState[],
      ): Effect.Effect<SearchHit | null> =>
        Effect.gen(function* () {
          if (suspended.get(listing.hostId) === true) return null
          let quote: Quote | null = null
          if (stay !== null) {
            if (!fit) return null
            // The nights' prices for the quote; checked again, as they may have changed since the batch.
            const nights = read ?? (yield* availability.calendar(listing.id, stay.checkIn, stay.checkOut))
            if (!allAvailable(nights)) return null
            quote = quoteCalendarNights({
              listingId: listing.id,
              currency: listing.currency,
              rules: listing.pricing,
              stay,
              guests,
              nights,
            })
          }
          const amount = convertAmount(
            table,
            quote === null ? listing.pricing.baseNightly : quote.guestTotal,
            listing.currency,
            currency,
          )
          if (priced) {
            if (amount === undefined) return null
            if (input.minPrice !== undefined && amount < input.minPrice) return null
            if (input.maxPrice !== undefined && amount > input.maxPrice) return null
          }
          const distanceKm = near
            ? haversineKm(near.lat, near.lng, listing.location.lat, listing.location.lng)
            : null
          return { listing, quote, distanceKm, price: amount === undefined ? null : { amount, currency } }
        })
      const answer = (items: readonly SearchHit[], next: Position | null): SearchResult => ({
        items,
        nextCursor: next === null ? null : positionCursor(search, next),
        currency,
        exchangeRates: table,
      })

      // By the stay's price: every candidate is quoted, then ranked by (price, id).
      if (byPrice && stay !== null) {
        const ranked = yield* rankByStayPrice(listings, availability, filter, stay, allowed, hostsOf, hitOf)
        if (ranked === null)
          return yield* Effect.fail(
            new ValidationFailed({
              issues: [
                {
                  path: 'sort',
                  message: `more than ${MAX_PRICE_RANKED} listings match: narrow the search (city, guests, filters) to sort by the stay's price`,
                },
              ],
            }),
          )
        const sign = sort === 'price_asc' ? 1 : -1
        const keyed = ranked
          .map((h) => ({ h, key: sign * (h.price?.amount ?? 0) }))
          .sort((x, y) => x.key - y.key || (x.h.listing.id < y.h.listing.id ? -1 : 1))
        const at = sent?.position.kind === 'key' ? sent.position.at : null
        const rest =
          at === null
            ? keyed
            : keyed.filter((e) => e.key > at.key || (e.key === at.key && e.h.listing.id > at.id))
        const page = rest.slice(0, limit)
        const last = page[page.length - 1]
        return answer(
          page.map((e) => e.h),
          rest.length > limit && last !== undefined
            ? { kind: 'key', at: { key: last.key, id: last.h.listing.id } }
            : null,
        )
      }

      const cursor = byPrice
        ? yield* mergedByWorth(
            listings,
            table,
            filter,
            sort,
            sent?.position.kind === 'worth' ? sent.position.at : null,
          )
        : yield* listings.search(filter, sort, sent?.position.kind === 'key' ? sent.position.at : null)
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
          yield* hostsOf(batch)
          if (stay !== null) fits = yield* fitting(availability, batch, stay, allowed)
        }
        const listing = batch[at]!
        const fit = fits[at] === true
        at++
        examined++
        last = listing
        const hit = yield* hitOf(listing, fit)
        if (hit !== null) items.push(hit)
      }
      yield* cursor.close()
      if (exhausted || last === null) return answer(items, null)
      return answer(
        items,
        byPrice
          ? { kind: 'worth', at: { currency: last.currency, amount: last.pricing.baseNightly, id: last.id } }
          : { kind: 'key', at: { key: sortKey(last, sort, near), id: last.id } },
      )
    })
  }
}

/**
 * Every candidate of a search by the stay's price that fits the stay, with its hit (quote and
 * converted price), or null when more than MAX_PRICE_RANKED listings pass the static filter.
 */
const rankByStayPrice = (
  listings: CoreDeps['listings'],
  availability: CoreDeps['availability'],
  filter: ListingFilter,
  stay: Stay,
  allowed: (listing: Listing) => boolean,
  hostsOf: (batch: readonly Listing[]) => Effect.Effect<unknown>,
  hitOf: (
    listing: Listing,
    fit: boolean,
    nights: readonly NightState[] | undefined,
  ) => Effect.Effect<SearchHit | null>,
): Effect.Effect<SearchHit[] | null> =>
  Effect.gen(function* () {
    const cursor = yield* listings.search(filter, 'newest', null)
    const hits: SearchHit[] = []
    let examined = 0
    while (true) {
      const batch = yield* cursor.next(MAX_BATCH)
      if (batch.length === 0) break
      examined += batch.length
      if (examined > MAX_PRICE_RANKED) {
        yield* cursor.close()
        return null
      }
      yield* hostsOf(batch)
      const fits = yield* fitting(availability, batch, stay, allowed)
      // The calendars of the batch's free candidates, in one read, to quote each.
      const free = batch.filter((_, k) => fits[k] === true)
      const nights = yield* availability.calendars(
        free.map((l) => l.id),
        stay.checkIn,
        stay.checkOut,
      )
      for (let k = 0; k < free.length; k++) {
        const hit = yield* hitOf(free[k]!, true, nights[k])
        if (hit !== null) hits.push(hit)
      }
    }
    yield* cursor.close()
    return hits
  })

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
