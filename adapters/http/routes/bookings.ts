import { Effect, Schema } from 'effect'
import { CancelBookingInput } from '../../../core/application/cancel-booking.js'
import { CheckoutBookingInput } from '../../../core/application/checkout-booking.js'
import { ModifyBookingInput } from '../../../core/application/modify-booking.js'
import { PostReviewInput } from '../../../core/application/post-review.js'
import { RequestBookingInput } from '../../../core/application/request-booking.js'
import { PageInput } from '../../../core/application/support/page-input.js'
import { BoundedString } from '../../../core/application/support/schemas.js'
import type { Booking } from '../../../core/domain/bookings/booking.js'
import type { BookingId } from '../../../core/domain/shared/ids.js'
import { decodeInput } from '../../../core/domain/shared/validation.js'
import { defineRoute, type Route } from '../route.js'
import {
  BookingView,
  bookingView,
  CheckoutView,
  PageOf,
  paymentView,
  ReviewView,
  reviewView,
} from '../views.js'
import { bodyAs, IdParams, ok, type RouteDeps } from './common.js'

const DeclineInput = Schema.Struct({ reason: Schema.optionalKey(BoundedString(1000, 'multi_line')) })
const ReviewBody = PostReviewInput.mapFields(({ bookingId: _b, ...rest }) => rest)

const asBookingId = (id: string) => id as BookingId
const page = (p: { items: readonly Booking[]; nextCursor: string | null }) =>
  ok({ items: p.items.map(bookingView), nextCursor: p.nextCursor })

export const bookingRoutes = (deps: RouteDeps): Route[] => {
  const { useCases: uc } = deps
  const one = (b: Booking) => ok(bookingView(b))

  return [
    defineRoute({
      method: 'post',
      path: '/bookings',
      operationId: 'requestBooking',
      summary: 'Book a stay: the nights are held for 15 minutes while you pay',
      description:
        'Instant-book listings confirm when paid; request-to-book listings wait for the host (24 h) once the payment is authorized. Send an Idempotency-Key to retry safely.',
      tags: ['bookings'],
      auth: 'user',
      body: RequestBookingInput,
      idempotent: true,
      success: {
        status: 201,
        description: 'The pending booking',
        schema: BookingView,
        headers: ['Location'],
      },
      errors: [403, 404, 409, 422],
      handle: ({ caller, body, requestKey }) =>
        Effect.map(uc.requestBooking.execute(caller, bodyAs(RequestBookingInput, body), requestKey), (b) => ({
          value: bookingView(b),
          headers: { Location: `/api/v1/bookings/${b.id}` },
        })),
    }),
    defineRoute<Record<string, never>, typeof PageInput.Type>({
      method: 'get',
      path: '/bookings',
      operationId: 'listMyBookings',
      summary: 'Your bookings as a guest, newest first',
      tags: ['bookings'],
      auth: 'user',
      query: PageInput,
      success: { status: 200, description: 'A page of bookings', schema: PageOf(BookingView) },
      errors: [],
      handle: ({ caller, query }) => Effect.map(uc.listGuestBookings.execute(caller, query), page),
    }),
    defineRoute<Record<string, never>, typeof PageInput.Type>({
      method: 'get',
      path: '/host/bookings',
      operationId: 'listHostBookings',
      summary: 'Bookings of your listings, newest first',
      tags: ['host'],
      auth: 'user',
      roles: ['host'],
      query: PageInput,
      success: { status: 200, description: 'A page of bookings', schema: PageOf(BookingView) },
      errors: [403],
      handle: ({ caller, query }) => Effect.map(uc.listHostBookings.execute(caller, query), page),
    }),
    defineRoute<IdParams>({
      method: 'get',
      path: '/bookings/{id}',
      operationId: 'getBooking',
      summary: 'A booking you are the guest or host of',
      tags: ['bookings'],
      auth: 'user',
      params: IdParams,
      success: { status: 200, description: 'The booking', schema: BookingView },
      errors: [404],
      handle: ({ caller, params }) => Effect.map(uc.getBooking.execute(caller, asBookingId(params.id)), one),
    }),
    defineRoute<IdParams>({
      method: 'patch',
      path: '/bookings/{id}',
      operationId: 'modifyBooking',
      summary: 'Change dates or guests: re-quoted; a higher total is charged, a lower one refunded',
      tags: ['bookings'],
      auth: 'user',
      params: IdParams,
      body: ModifyBookingInput,
      success: { status: 200, description: 'The modified booking', schema: BookingView },
      errors: [402, 403, 404, 409, 422, 503],
      handle: ({ caller, params, body }) =>
        Effect.map(
          uc.modifyBooking.execute(caller, asBookingId(params.id), bodyAs(ModifyBookingInput, body)),
          one,
        ),
    }),
    defineRoute<IdParams>({
      method: 'post',
      path: '/bookings/{id}/cancel',
      operationId: 'cancelBooking',
      summary: 'Cancel: a guest is refunded by the policy, a host or admin cancellation refunds everything',
      description:
        'The cancellation takes effect at once. Its refund (or void) is made with the payment provider right after; should the provider be unreachable, it is retried until made.',
      tags: ['bookings'],
      auth: 'user',
      params: IdParams,
      body: CancelBookingInput,
      bodyOptional: true,
      success: { status: 200, description: 'The cancelled booking', schema: BookingView },
      errors: [404, 409],
      handle: ({ caller, params, body }) =>
        Effect.map(
          uc.cancelBooking.execute(caller, asBookingId(params.id), bodyAs(CancelBookingInput, body)),
          one,
        ),
    }),
    defineRoute<IdParams>({
      method: 'post',
      path: '/bookings/{id}/accept',
      operationId: 'acceptBooking',
      summary: 'Host: accept a booking request (the authorized payment is captured)',
      tags: ['host'],
      auth: 'user',
      roles: ['host'],
      params: IdParams,
      success: { status: 200, description: 'The confirmed booking', schema: BookingView },
      errors: [402, 403, 404, 409, 503],
      handle: ({ caller, params }) =>
        Effect.map(uc.acceptBooking.execute(caller, asBookingId(params.id)), one),
    }),
    defineRoute<IdParams>({
      method: 'post',
      path: '/bookings/{id}/decline',
      operationId: 'declineBooking',
      summary: 'Host: decline a booking request (the authorization is voided, the nights released)',
      tags: ['host'],
      auth: 'user',
      roles: ['host'],
      params: IdParams,
      body: DeclineInput,
      bodyOptional: true,
      success: { status: 200, description: 'The declined booking', schema: BookingView },
      errors: [403, 404, 409],
      handle: ({ caller, params, body }) =>
        // The use case takes the reason as a plain string: decode it here (type, length, no other
        // fields), or anything a client sends would be stored as the booking's message.
        Effect.gen(function* () {
          const input = yield* decodeInput(DeclineInput, body)
          const declined = yield* uc.declineBooking.execute(
            caller,
            asBookingId(params.id),
            input.reason ?? '',
          )
          return one(declined)
        }),
    }),
    defineRoute<IdParams>({
      method: 'post',
      path: '/bookings/{id}/checkout',
      operationId: 'checkout',
      summary: 'Start paying for a pending booking: returns the payment and its client secret',
      description:
        'The booking is confirmed (or sent to the host) when the payment provider reports the payment. In development mode `{"auto_confirm": true}` completes the in-memory payment at once. Send an Idempotency-Key to retry safely.',
      tags: ['bookings', 'payments'],
      auth: 'user',
      params: IdParams,
      body: CheckoutBookingInput,
      bodyOptional: true,
      idempotent: true,
      success: { status: 200, description: 'The payment to confirm', schema: CheckoutView },
      errors: [402, 403, 404, 409, 503],
      handle: ({ caller, params, body, requestKey }) =>
        Effect.map(
          uc.checkoutBooking.execute(
            caller,
            asBookingId(params.id),
            bodyAs(CheckoutBookingInput, body),
            requestKey,
          ),
          (c) =>
            ok({
              booking: bookingView(c.booking),
              payment: paymentView(c.payment),
              clientSecret: c.clientSecret,
            }),
        ),
    }),
    defineRoute<IdParams>({
      method: 'post',
      path: '/bookings/{id}/reviews',
      operationId: 'postReview',
      summary: 'Review a completed stay (guest → listing, host → guest), within 14 days of check-out',
      description: 'Reviews are double-blind: hidden until both sides reviewed or the window closed.',
      tags: ['reviews'],
      auth: 'user',
      params: IdParams,
      body: ReviewBody,
      success: { status: 201, description: 'Your review', schema: ReviewView },
      errors: [403, 404, 409, 422],
      handle: ({ caller, params, body, userId }) =>
        Effect.map(
          uc.postReview.execute(caller, { ...bodyAs(ReviewBody, body), bookingId: params.id }),
          (r) => ok(reviewView(r, userId)),
        ),
    }),
  ]
}
