import { Effect } from 'effect'
import type { BookingRepository } from '../../../ports/repositories.js'
import type { Booking } from '../../domain/bookings/booking.js'
import type { Actor } from '../../domain/bookings/lifecycle.js'
import { BookingNotFound, Forbidden } from '../../domain/shared/errors.js'
import type { BookingId } from '../../domain/shared/ids.js'
import { type Caller, isAdmin } from './caller.js'
import { findBooking } from './load.js'

/** The caller's part in a booking, or null when it is none of theirs. */
export const actorFor = (caller: Caller, b: Booking): Actor | null => {
  if (caller.kind === 'system') return 'system'
  if (caller.kind !== 'user') return null
  if (caller.userId === b.guestId) return 'guest'
  if (caller.userId === b.hostId) return 'host'
  if (isAdmin(caller)) return 'admin'
  return null
}

/**
 * Loads a booking the caller takes part in (guest, host, admin). Anyone else gets BookingNotFound:
 * never a hint that the booking exists.
 */
export const loadBookingFor = (
  repo: BookingRepository,
  caller: Caller,
  id: BookingId,
): Effect.Effect<{ booking: Booking; actor: Actor }, BookingNotFound> =>
  Effect.flatMap(findBooking(repo, id), (booking) => {
    const actor = actorFor(caller, booking)
    return actor === null
      ? Effect.fail(new BookingNotFound({ bookingId: id }))
      : Effect.succeed({ booking, actor })
  })

/**
 * Loads a booking for a host's answer (accept, decline): its guest takes part in it but may not
 * answer it, and gets Forbidden, not an illegal-transition conflict (a host can be a guest of
 * another host's listing).
 */
export const loadBookingForHost = (
  repo: BookingRepository,
  caller: Caller,
  id: BookingId,
  action: string,
): Effect.Effect<{ booking: Booking; actor: Actor }, BookingNotFound | Forbidden> =>
  Effect.flatMap(loadBookingFor(repo, caller, id), (found) =>
    found.actor === 'guest'
      ? Effect.fail(new Forbidden({ reason: `only the host or an admin can ${action} a booking request` }))
      : Effect.succeed(found),
  )
