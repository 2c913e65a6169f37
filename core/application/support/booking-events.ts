import type { IdGenerator } from '../../../ports/id-generator.js'
import type { Booking } from '../../domain/bookings/booking.js'
import type { BookingState } from '../../domain/bookings/lifecycle.js'
import type { DomainEvent, EventType } from '../../domain/events/events.js'
import type { Instant } from '../../domain/shared/time.js'
import { newEvent } from './new-event.js'

const byState: Record<Exclude<BookingState, 'pending_payment'>, EventType> = {
  awaiting_host: 'innkeeper.booking.awaiting_host.v1',
  confirmed: 'innkeeper.booking.confirmed.v1',
  in_progress: 'innkeeper.booking.started.v1',
  completed: 'innkeeper.booking.completed.v1',
  cancelled: 'innkeeper.booking.cancelled.v1',
  declined: 'innkeeper.booking.declined.v1',
  expired: 'innkeeper.booking.expired.v1',
}

/** The payload every booking event carries: enough for consumers to act without a lookup. */
export const bookingPayload = (b: Booking): DomainEvent['data'] => ({
  bookingId: b.id,
  listingId: b.listingId,
  guestId: b.guestId,
  hostId: b.hostId,
  state: b.state,
  checkIn: b.stay.checkIn,
  checkOut: b.stay.checkOut,
  guests: b.guests,
  total: b.quote.guestTotal,
  currency: b.quote.currency,
  paidAmount: b.paidAmount,
  refundAmount: b.cancellation?.refundAmount ?? null,
  cancelledBy: b.cancellation?.by ?? null,
})

/** The event for the state a booking has just entered. */
export const bookingEvent = (ids: IdGenerator, now: Instant, b: Booking): DomainEvent => {
  const type = b.state === 'pending_payment' ? 'innkeeper.booking.requested.v1' : byState[b.state]
  return newEvent(ids, now, type, b.id, bookingPayload(b))
}
