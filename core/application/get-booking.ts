import { Effect } from 'effect'
import type { Booking } from '../domain/bookings/booking.js'
import type { BookingNotFound } from '../domain/shared/errors.js'
import type { BookingId } from '../domain/shared/ids.js'
import { loadBookingFor } from './support/booking-access.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'

/** A booking, for its guest, its host or an admin; anyone else gets BookingNotFound. */
export class GetBooking {
  constructor(private readonly deps: Pick<CoreDeps, 'bookings'>) {}
  execute(caller: Caller, id: BookingId): Effect.Effect<Booking, BookingNotFound> {
    return Effect.map(loadBookingFor(this.deps.bookings, caller, id), (x) => x.booking)
  }
}
