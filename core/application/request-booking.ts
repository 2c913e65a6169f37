import { Cause, Effect, Option, Result, Schema } from 'effect'
import type { Booking } from '../domain/bookings/booking.js'
import { applyTransition } from '../domain/bookings/booking.js'
import { bookingEvent, bookingRequestedEvent } from '../domain/bookings/booking-events.js'
import { PAYMENT_WINDOW_MS } from '../domain/bookings/lifecycle.js'
import { bookableBy, mayBook, newBooking } from '../domain/bookings/new-booking.js'
import type { Stay } from '../domain/shared/dates.js'
import {
  type EmailNotVerified,
  type Forbidden,
  type HostSuspended,
  type ListingNotBookable,
  type ListingNotFound,
  type NightsUnavailable,
  RequestKeyReused,
  type StayRestrictionViolated,
  TooManyPendingBookings,
  type UserNotFound,
  type UserSuspended,
  type ValidationFailed,
} from '../domain/shared/errors.js'
import type { ListingId } from '../domain/shared/ids.js'
import { addMs } from '../domain/shared/time.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { requireActiveHost } from './support/listing-access.js'
import { dieOnConflict, findListing, findUser } from './support/load.js'
import { parseStay, priceStay } from './support/price-stay.js'
import { BoundedString, Guests, isChars, LocalDateString } from './support/schemas.js'

export const RequestBookingInput = Schema.Struct({
  listingId: Schema.String.check(isChars(1, 64)),
  checkIn: LocalDateString,
  checkOut: LocalDateString.annotate({ description: 'Day of departure: after check_in' }),
  guests: Guests,
  /** A note to the host (request-to-book). */
  message: Schema.optionalKey(BoundedString(2000, 'multi_line')),
})
export type RequestBookingInput = typeof RequestBookingInput.Type

export type RequestBookingError =
  | ValidationFailed
  | Forbidden
  | UserNotFound
  | UserSuspended
  | EmailNotVerified
  | ListingNotFound
  | ListingNotBookable
  | HostSuspended
  | StayRestrictionViolated
  | NightsUnavailable
  | TooManyPendingBookings
  | RequestKeyReused

/** The booking an earlier attempt with the same key made, if it asked for the same stay. */
const sameRequest = (
  booking: Booking,
  listingId: string,
  stay: Stay,
  guests: number,
): Effect.Effect<Booking, RequestKeyReused> =>
  booking.listingId === listingId &&
  booking.stay.checkIn === stay.checkIn &&
  booking.stay.checkOut === stay.checkOut &&
  booking.guests === guests
    ? Effect.succeed(booking)
    : Effect.fail(new RequestKeyReused())

/**
 * A guest asks for a stay. The nights are held at once (all or none) for 15 minutes while the guest
 * pays; an instant-book listing confirms on payment, a request-to-book listing waits for the host
 * once the payment is authorized. The price is quoted by the server and stored as a snapshot. A
 * suspended host's listing takes no bookings (`HostSuspended`); with `requireVerifiedEmail` a guest
 * whose e-mail is not verified gets `EmailNotVerified`.
 *
 * With a request key (the client's Idempotency-Key) the booking's id is the one the key names
 * (`IdGenerator.fromKey`): a retry whose first attempt's answer was lost — even after the HTTP
 * layer forgot the key — finds the booking that attempt made and returns it as it is now, instead
 * of booking again; the same key with another stay is `RequestKeyReused`. Two attempts racing
 * with one key write one booking: the store's unique id refuses the second.
 */
export class RequestBooking {
  constructor(
    private readonly deps: Pick<
      CoreDeps,
      'users' | 'listings' | 'bookings' | 'availability' | 'clock' | 'ids' | 'settings'
    >,
  ) {}

  execute(
    caller: Caller,
    raw: typeof RequestBookingInput.Encoded,
    requestKey?: string,
  ): Effect.Effect<Booking, RequestBookingError> {
    const { users, listings, bookings, availability, clock, ids, settings } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(RequestBookingInput, raw)
      const stay = yield* parseStay(input.checkIn, input.checkOut)
      const keyedId =
        requestKey === undefined
          ? undefined
          : ids.fromKey('booking', `${userId}\nrequestBooking\n${requestKey}`)
      if (keyedId !== undefined) {
        const earlier = yield* bookings.byId(keyedId)
        if (Option.isSome(earlier))
          return yield* sameRequest(earlier.value, input.listingId, stay, input.guests)
      }
      const create = Effect.gen(function* () {
        yield* Effect.fromResult(mayBook(yield* findUser(users, userId), settings.requireVerifiedEmail))
        const found = yield* findListing(listings, input.listingId as ListingId)
        const listing = yield* Effect.fromResult(bookableBy(found, userId))
        yield* requireActiveHost(users, listing)
        const pending = yield* bookings.countByGuest(userId, ['pending_payment', 'awaiting_host'])
        if (pending >= settings.maxPendingBookingsPerGuest)
          return yield* Effect.fail(
            new TooManyPendingBookings({ limit: settings.maxPendingBookingsPerGuest }),
          )

        const now = clock.now()
        // A keyed attempt leaves the availability check to the hold (all nights or none): a twin
        // attempt with the same key may hold these nights already, under the same booking id, and
        // then this attempt's hold is a no-op and its answer the twin's booking, not a refusal.
        const quote = yield* priceStay(availability, listing, stay, input.guests, now, {
          requireAvailable: keyedId === undefined,
        })
        const booking = newBooking({
          id: keyedId ?? ids.next('booking'),
          listing,
          guestId: userId,
          stay,
          guests: input.guests,
          quote,
          message: input.message ?? '',
          now,
        })
        const { id } = booking
        // The hold is the reservation: all nights or none, whatever else runs concurrently.
        yield* availability.hold(listing.id, id, stay, addMs(now, PAYMENT_WINDOW_MS))
        const saved = bookings.save(booking, [bookingRequestedEvent(ids, now, booking)])
        if (keyedId === undefined)
          yield* dieOnConflict(saved).pipe(Effect.onError(() => availability.release(listing.id, id)))
        // Refused because a twin attempt with the same key saved first: its nights (which this
        // attempt's hold only repeated, a no-op) stay held; only a failed write frees them.
        else
          yield* saved.pipe(
            Effect.onError((cause) =>
              Cause.hasFails(cause) ? Effect.void : availability.release(listing.id, id),
            ),
          )

        // The cap checked above is read before the hold, so concurrent requests of one guest could all
        // pass it. Counting again after the save makes it strict: whoever sees more than the cap
        // withdraws its own request. Of the requests kept, the last to count saw all of them saved,
        // so at most `cap` are kept however the requests interleave.
        const after = yield* bookings.countByGuest(userId, ['pending_payment', 'awaiting_host'])
        if (after > settings.maxPendingBookingsPerGuest) {
          const r = applyTransition(booking, 'withdraw', 'system', now)
          if (Result.isSuccess(r)) {
            const withdrawn: Booking = { ...r.success, version: booking.version + 1 }
            yield* bookings
              .save(withdrawn, [bookingEvent(ids, now, withdrawn)])
              .pipe(Effect.catchTag('ConcurrentModification', () => Effect.void))
          }
          yield* availability.release(listing.id, id)
          return yield* Effect.fail(
            new TooManyPendingBookings({ limit: settings.maxPendingBookingsPerGuest }),
          )
        }
        return booking
      })
      if (keyedId === undefined) return yield* dieOnConflict(create)
      // A keyed attempt that failed may have lost to a twin with the same key (whose hold took the
      // last unit, or whose save came first): the twin's booking is then this attempt's answer too.
      return yield* create.pipe(
        Effect.catch((e) =>
          Effect.flatMap(bookings.byId(keyedId), (found): Effect.Effect<Booking, RequestBookingError> => {
            if (Option.isSome(found)) return sameRequest(found.value, input.listingId, stay, input.guests)
            if (e._tag === 'ConcurrentModification')
              return Effect.die(new Error(`booking ${keyedId} was refused as a duplicate but is not stored`))
            return Effect.fail(e)
          }),
        ),
      )
    })
  }
}
