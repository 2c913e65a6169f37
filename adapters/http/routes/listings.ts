import { createHash } from 'node:crypto'
import { Effect, Schema } from 'effect'
import { GetCalendarInput } from '../../../core/application/get-calendar.js'
import { QuoteStayInput } from '../../../core/application/quote-stay.js'
import { SearchListingsInput } from '../../../core/application/search-listings.js'
import { SetCalendarInput } from '../../../core/application/set-calendar.js'
import { CreateListingInput, UpdateListingInput } from '../../../core/application/support/listing-input.js'
import { PageInput } from '../../../core/application/support/page-input.js'
import type { ListingId } from '../../../core/domain/shared/ids.js'
import {
  LISTING_CACHE_TTL_MS,
  listingTag,
  ResponseCache,
  SEARCH_CACHE_TTL_MS,
  SEARCH_TAG,
} from '../response-cache.js'
import { defineRoute, type Route } from '../route.js'
import {
  CalendarView,
  calendarView,
  ListingView,
  listingView,
  PageOf,
  QuoteView,
  quoteView,
  ReviewView,
  reviewView,
  SearchPageView,
  searchPageView,
} from '../views.js'
import { wireEncoder } from '../wire-encoder.js'
import { bodyAs, IdParams, noContent, ok, type RouteDeps } from './common.js'

const asListingId = (id: string) => id as ListingId

export const listingRoutes = (deps: RouteDeps): Route[] => {
  // The currencies the rate table converts, as the parameter's enum: a spec-valid search is accepted.
  const searchQuery =
    deps.searchCurrencies === undefined
      ? SearchListingsInput
      : Schema.Struct({
          ...SearchListingsInput.fields,
          currency: Schema.optionalKey(
            Schema.Literals(deps.searchCurrencies).annotate({
              description: "ISO 4217, one the exchange-rate table converts; default the table's base",
            }),
          ),
        })
  const { useCases: uc, cache } = deps
  const responses = new ResponseCache(cache)
  // Cached answers are stored as the body the app would write (see wire-encoder.ts).
  const renderSearch = wireEncoder(SearchPageView)
  const renderListing = wireEncoder(ListingView)

  return [
    defineRoute({
      method: 'post',
      path: '/listings',
      operationId: 'createListing',
      summary: 'Create a listing (a draft until activated)',
      tags: ['listings'],
      auth: 'user',
      roles: ['host'],
      body: CreateListingInput,
      success: {
        status: 201,
        description: 'The new draft listing',
        schema: ListingView,
        headers: ['Location'],
      },
      errors: [403],
      handle: ({ caller, body }) =>
        Effect.map(uc.createListing.execute(caller, bodyAs(CreateListingInput, body)), (l) => ({
          value: listingView(l),
          headers: { Location: `/api/v1/listings/${l.id}` },
        })),
    }),
    defineRoute<Record<string, never>, typeof SearchListingsInput.Type>({
      method: 'get',
      path: '/listings',
      operationId: 'searchListings',
      summary: 'Search active listings',
      description:
        "Filters: city or lat/lng/radius_km, dates (check_in, check_out: only listings with every night free, priced for the stay), guests, price range, amenities, property and room types, instant book, minimum rating. Sorts: price, rating, newest, distance. Price: one per hit (`price`), in the search's `currency` (default the rates' base): the stay's guest total with dates, else the base nightly price, converted with the `exchange_rates` the answer carries; `min_price`/`max_price` and the price sorts use it. Cursor pagination; a cursor sent with another search is refused (400 `cursor_mismatch`).",
      tags: ['listings'],
      auth: 'optional',
      query: searchQuery,
      success: {
        status: 200,
        description: 'A page of hits',
        schema: SearchPageView,
        headers: ['X-Cache'],
      },
      errors: [],
      handle: ({ query }) => {
        const key = `search-body:${createHash('sha256').update(JSON.stringify(query)).digest('hex')}`
        return responses.reply(key, renderSearch, () =>
          Effect.map(uc.searchListings.execute(query), (r) => ({
            value: searchPageView(r),
            store: true,
            tags: [SEARCH_TAG],
            ttlMs: SEARCH_CACHE_TTL_MS,
          })),
        )
      },
    }),
    defineRoute<IdParams>({
      method: 'get',
      path: '/listings/{id}',
      operationId: 'getListing',
      summary: 'A listing (drafts and archived ones only for their host)',
      tags: ['listings'],
      auth: 'optional',
      params: IdParams,
      success: { status: 200, description: 'The listing', schema: ListingView, headers: ['X-Cache'] },
      errors: [404],
      handle: ({ caller, params }) =>
        caller.kind === 'user'
          ? Effect.map(uc.getListing.execute(caller, asListingId(params.id)), (l) => ok(listingView(l)))
          : responses.reply(`listing-body:${params.id}`, renderListing, () =>
              Effect.map(uc.getListing.execute(caller, asListingId(params.id)), (l) => ({
                value: listingView(l),
                store: l.status === 'active',
                tags: [listingTag(l.id)],
                ttlMs: LISTING_CACHE_TTL_MS,
              })),
            ),
    }),
    defineRoute<IdParams>({
      method: 'patch',
      path: '/listings/{id}',
      operationId: 'updateListing',
      summary: 'Update your listing (pricing and restrictions merge field by field)',
      tags: ['listings'],
      auth: 'user',
      roles: ['host'],
      params: IdParams,
      body: UpdateListingInput,
      success: { status: 200, description: 'The updated listing', schema: ListingView },
      errors: [404, 409],
      handle: ({ caller, params, body }) =>
        Effect.map(
          uc.updateListing.execute(caller, asListingId(params.id), bodyAs(UpdateListingInput, body)),
          (l) => ok(listingView(l)),
        ),
    }),
    defineRoute<IdParams>({
      method: 'delete',
      path: '/listings/{id}',
      operationId: 'archiveListing',
      summary: 'Archive your listing (bookings already made stay valid)',
      tags: ['listings'],
      auth: 'user',
      roles: ['host'],
      params: IdParams,
      success: { status: 204, description: 'Archived' },
      errors: [404, 409],
      handle: ({ caller, params }) =>
        Effect.as(uc.archiveListing.execute(caller, asListingId(params.id)), noContent),
    }),
    defineRoute<IdParams>({
      method: 'post',
      path: '/listings/{id}/activate',
      operationId: 'activateListing',
      summary: 'Publish your listing',
      tags: ['listings'],
      auth: 'user',
      roles: ['host'],
      params: IdParams,
      success: { status: 200, description: 'The active listing', schema: ListingView },
      errors: [404, 409],
      handle: ({ caller, params }) =>
        Effect.map(uc.activateListing.execute(caller, asListingId(params.id)), (l) => ok(listingView(l))),
    }),
    defineRoute<IdParams>({
      method: 'post',
      path: '/listings/{id}/deactivate',
      operationId: 'deactivateListing',
      summary: 'Take your listing off search (bookings already made stay valid)',
      tags: ['listings'],
      auth: 'user',
      roles: ['host'],
      params: IdParams,
      success: { status: 200, description: 'The inactive listing', schema: ListingView },
      errors: [404, 409],
      handle: ({ caller, params }) =>
        Effect.map(uc.deactivateListing.execute(caller, asListingId(params.id)), (l) => ok(listingView(l))),
    }),
    defineRoute<IdParams, typeof GetCalendarInput.Type>({
      method: 'get',
      path: '/listings/{id}/calendar',
      operationId: 'getCalendar',
      summary: 'Per night: available units, price, blocked (the host also sees held and booked)',
      tags: ['listings'],
      auth: 'optional',
      params: IdParams,
      query: GetCalendarInput,
      success: { status: 200, description: 'The calendar, night by night', schema: CalendarView },
      errors: [404],
      handle: ({ caller, params, query }) =>
        Effect.map(uc.getCalendar.execute(caller, asListingId(params.id), query), (nights) =>
          ok(calendarView(params.id, nights)),
        ),
    }),
    defineRoute<IdParams>({
      method: 'patch',
      path: '/listings/{id}/calendar',
      operationId: 'setCalendar',
      summary: 'Block or unblock nights, set price overrides and surge for a range',
      tags: ['listings'],
      auth: 'user',
      roles: ['host'],
      params: IdParams,
      body: SetCalendarInput,
      success: { status: 200, description: 'The changed nights', schema: CalendarView },
      errors: [404, 409],
      handle: ({ caller, params, body }) =>
        Effect.gen(function* () {
          yield* uc.setCalendar.execute(caller, asListingId(params.id), bodyAs(SetCalendarInput, body))
          const range = body as { from: string; to: string }
          const nights = yield* uc.getCalendar.execute(caller, asListingId(params.id), {
            from: range.from,
            to: range.to,
          })
          return ok(calendarView(params.id, nights))
        }),
    }),
    defineRoute<IdParams, typeof QuoteStayInput.Type>({
      method: 'get',
      path: '/listings/{id}/quote',
      operationId: 'quoteStay',
      summary: 'The price of a stay, line by line, as the server will charge it',
      tags: ['listings'],
      auth: 'optional',
      params: IdParams,
      query: QuoteStayInput,
      success: { status: 200, description: 'The quote', schema: QuoteView },
      errors: [404, 409, 422],
      handle: ({ caller, params, query }) =>
        Effect.map(uc.quoteStay.execute(caller, asListingId(params.id), query), (q) => ok(quoteView(q))),
    }),
    defineRoute<IdParams, typeof PageInput.Type>({
      method: 'get',
      path: '/listings/{id}/reviews',
      operationId: 'listListingReviews',
      summary: 'Revealed guest reviews of a listing, newest first',
      tags: ['reviews'],
      auth: 'optional',
      params: IdParams,
      query: PageInput,
      success: { status: 200, description: 'A page of reviews', schema: PageOf(ReviewView) },
      errors: [404],
      handle: ({ caller, params, query, userId }) =>
        Effect.map(
          // The listing must be visible to the caller first: a draft is a 404 to everyone but its
          // host, here as on the listing itself, so its reviews do not reveal that it exists.
          Effect.andThen(uc.getListing.execute(caller, asListingId(params.id)), () =>
            uc.listListingReviews.execute({ listingId: params.id, ...query }),
          ),
          (page) => ok({ items: page.items.map((r) => reviewView(r, userId)), nextCursor: page.nextCursor }),
        ),
    }),
  ]
}
