import { Effect, Schema } from 'effect'
import { SaveGuestProfileInput } from '../../../core/application/save-guest-profile.js'
import { PageInput } from '../../../core/application/support/page-input.js'
import { Id } from '../../../core/application/support/schemas.js'
import { UpdateProfileInput } from '../../../core/application/update-profile.js'
import { defineRoute, type Route } from '../route.js'
import {
  GuestProfileView,
  guestProfileView,
  listingView,
  MeView,
  meView,
  PageOf,
  PublicProfileView,
  publicProfileView,
  ReviewView,
  reviewView,
  WishlistItemView,
} from '../views.js'
import { bodyAs, IdParams, noContent, ok, type RouteDeps } from './common.js'

/** `{listing_id}` in the path, as the parameter is named on the wire (snake_case, like every field). */
const ListingIdParams = Schema.Struct({ listingId: Id() })

export const userRoutes = (deps: RouteDeps): Route[] => {
  const uc = deps.useCases
  return [
    defineRoute({
      method: 'get',
      path: '/users/me',
      operationId: 'getMe',
      summary: 'Your own account',
      tags: ['users'],
      auth: 'user',
      success: { status: 200, description: 'Your account', schema: MeView },
      errors: [404],
      handle: ({ caller }) => Effect.map(uc.getMe.execute(caller), (u) => ok(meView(u))),
    }),
    defineRoute({
      method: 'patch',
      path: '/users/me',
      operationId: 'updateMe',
      summary: 'Update your name and profile',
      tags: ['users'],
      auth: 'user',
      body: UpdateProfileInput,
      success: { status: 200, description: 'Your account', schema: MeView },
      errors: [404, 409],
      handle: ({ caller, body }) =>
        Effect.map(uc.updateProfile.execute(caller, bodyAs(UpdateProfileInput, body)), (u) => ok(meView(u))),
    }),
    defineRoute({
      method: 'get',
      path: '/users/me/wishlist',
      operationId: 'listWishlist',
      summary: 'Your saved listings, newest first',
      tags: ['wishlist'],
      auth: 'user',
      query: PageInput,
      success: { status: 200, description: 'A page of saved listings', schema: PageOf(WishlistItemView) },
      errors: [],
      handle: ({ caller, query }) =>
        Effect.map(uc.listWishlist.execute(caller, query), (page) =>
          ok({
            items: page.items.map((i) => ({
              listingId: i.listingId,
              addedAt: new Date(i.addedAt).toISOString(),
              listing: listingView(i.listing),
            })),
            nextCursor: page.nextCursor,
          }),
        ),
    }),
    defineRoute<typeof ListingIdParams.Type>({
      method: 'put',
      path: '/users/me/wishlist/{listing_id}',
      operationId: 'addToWishlist',
      summary: 'Save a listing (idempotent)',
      tags: ['wishlist'],
      auth: 'user',
      params: ListingIdParams,
      success: { status: 204, description: 'Saved' },
      errors: [404],
      handle: ({ caller, params }) =>
        Effect.as(uc.addToWishlist.execute(caller, { listingId: params.listingId }), noContent),
    }),
    defineRoute<typeof ListingIdParams.Type>({
      method: 'delete',
      path: '/users/me/wishlist/{listing_id}',
      operationId: 'removeFromWishlist',
      summary: 'Remove a listing from your wishlist (idempotent)',
      tags: ['wishlist'],
      auth: 'user',
      params: ListingIdParams,
      success: { status: 204, description: 'Removed' },
      errors: [],
      handle: ({ caller, params }) =>
        Effect.as(uc.removeFromWishlist.execute(caller, { listingId: params.listingId }), noContent),
    }),
    defineRoute({
      method: 'get',
      path: '/users/me/guests',
      operationId: 'listSavedGuests',
      summary: 'Your saved guest profiles',
      tags: ['users'],
      auth: 'user',
      success: {
        status: 200,
        description: 'Saved guests',
        schema: Schema.Struct({ items: Schema.Array(GuestProfileView) }),
      },
      errors: [],
      handle: ({ caller }) =>
        Effect.map(uc.listGuestProfiles.execute(caller), (items) =>
          ok({ items: items.map(guestProfileView) }),
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/users/me/guests',
      operationId: 'saveGuest',
      summary: 'Save a guest profile (with `id`: update that one)',
      tags: ['users'],
      auth: 'user',
      body: SaveGuestProfileInput,
      success: { status: 201, description: 'The saved profile', schema: GuestProfileView },
      errors: [404, 409],
      handle: ({ caller, body }) =>
        Effect.map(uc.saveGuestProfile.execute(caller, bodyAs(SaveGuestProfileInput, body)), (g) =>
          ok(guestProfileView(g)),
        ),
    }),
    defineRoute<IdParams>({
      method: 'delete',
      path: '/users/me/guests/{id}',
      operationId: 'deleteGuest',
      summary: 'Delete one of your saved guest profiles',
      tags: ['users'],
      auth: 'user',
      params: IdParams,
      success: { status: 204, description: 'Deleted' },
      errors: [404],
      handle: ({ caller, params }) =>
        Effect.as(uc.deleteGuestProfile.execute(caller, { id: params.id }), noContent),
    }),
    defineRoute<IdParams>({
      method: 'get',
      path: '/users/{id}',
      operationId: 'getUser',
      summary: "A user's public profile",
      tags: ['users'],
      auth: 'optional',
      params: IdParams,
      success: { status: 200, description: 'Public profile', schema: PublicProfileView },
      errors: [404],
      handle: ({ params }) =>
        Effect.map(uc.getUser.execute({ userId: params.id }), (p) => ok(publicProfileView(p))),
    }),
    defineRoute<IdParams, typeof PageInput.Type>({
      method: 'get',
      path: '/users/{id}/reviews',
      operationId: 'listUserReviews',
      summary: 'Revealed reviews about a user, newest first',
      tags: ['reviews'],
      auth: 'optional',
      params: IdParams,
      query: PageInput,
      success: { status: 200, description: 'A page of reviews', schema: PageOf(ReviewView) },
      errors: [404],
      handle: ({ params, query, userId }) =>
        Effect.map(uc.listUserReviews.execute({ userId: params.id, ...query }), (page) =>
          ok({ items: page.items.map((r) => reviewView(r, userId)), nextCursor: page.nextCursor }),
        ),
    }),
  ]
}
