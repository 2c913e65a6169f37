import { Effect, Result, Schema } from 'effect'
import type { Booking } from '../domain/bookings/booking.js'
import { applyTransition } from '../domain/bookings/booking.js'
import { bookingEvent, bookingRequestedEvent } from '../domain/bookings/booking-events.js'
import { PAYMENT_WINDOW_MS } from '../domain/bookings/lifecycle.js'
import { bookableBy, mayBook, newBooking } from '../domain/bookings/new-booking.js'
import {
  type Forbidden,
  type ListingNotBookable,
  type ListingNotFound,
  type NightsUnavailable,
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
import { dieOnConflict, findListing, findUser } from './support/load.js'
import { parseStay, priceStay } from './support/price-stay.js'
import { BoundedString, Guests, LocalDateString } from './support/schemas.js'

export const RequestBookingInput = Schema.Struct({
  listingId: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(64)),
  checkIn: LocalDateString,
  checkOut: LocalDateString,
  guests: Guests,
  /** A note to the host (request-to-book). */
  message: Schema.optionalKey(BoundedString(2000, 'multi_line')),
})
export type RequestBookingInput = typeof RequestBookingInput.Type

/**
 * A guest asks for a stay. The nights are held at once (all or none) for 15 minutes while the guest
 * pays; an instant-book listing confirms on payment, a request-to-book listing waits for the host
 * once the payment is authorized. The price is quoted by the server and stored as a snapshot.
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
  ): Effect.Effect<
    Booking,
    | ValidationFailed
    | Forbidden
    | UserNotFound
    | UserSuspended
    | ListingNotFound
    | ListingNotBookable
    | StayRestrictionViolated
    | NightsUnavailable
    | TooManyPendingBookings
  > {
    const { users, listings, bookings, availability, clock, ids, settings } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(RequestBookingInput, raw)
      const stay = yield* parseStay(input.checkIn, input.checkOut)
      yield* Effect.fromResult(mayBook(yield* findUser(users, userId)))
      const found = yield* findListing(listings, input.listingId as ListingId)
      const listing = yield* Effect.fromResult(bookableBy(found, userId))
      const pending = yield* bookings.countByGuest(userId, ['pending_payment', 'awaiting_host'])
      if (pending >= settings.maxPendingBookingsPerGuest)
        return yield* Effect.fail(new TooManyPendingBookings({ limit: settings.maxPendingBookingsPerGuest }))

      const now = clock.now()
      const quote = yield* priceStay(availability, listing, stay, input.guests, now)
      const booking = newBooking({
        id: ids.next('booking'),
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
      yield* dieOnConflict(bookings.save(booking, [bookingRequestedEvent(ids, now, booking)])).pipe(
        Effect.onError(() => availability.release(listing.id, id)),
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
        return yield* Effect.fail(new TooManyPendingBookings({ limit: settings.maxPendingBookingsPerGuest }))
      }
      return booking
    })
  }
}
