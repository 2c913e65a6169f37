import { type DomainEvent, type EventIds, type EventOf, newEvent } from '../events/events.js'
import type { Instant } from '../shared/time.js'
import type { Booking } from './booking.js'
import type { BookingState } from './lifecycle.js'

/** The fields every booking event carries: who, which listing, which nights, what it costs. */
const bookingCore = (b: Booking) => ({
  bookingId: b.id,
  listingId: b.listingId,
  guestId: b.guestId,
  hostId: b.hostId,
  checkIn: b.stay.checkIn,
  checkOut: b.stay.checkOut,
  guests: b.guests,
  total: b.quote.guestTotal,
  currency: b.quote.currency,
})

/** The payload of an event for a state a booking entered: enough for consumers to act without a lookup. */
const statePayload = <S extends BookingState>(b: Booking, state: S) => ({
  bookingId: b.id,
  listingId: b.listingId,
  guestId: b.guestId,
  hostId: b.hostId,
  state,
  checkIn: b.stay.checkIn,
  checkOut: b.stay.checkOut,
  guests: b.guests,
  total: b.quote.guestTotal,
  currency: b.quote.currency,
  paidAmount: b.paidAmount,
  refundAmount: b.cancellation?.refundAmount ?? null,
  cancelledBy: b.cancellation?.by ?? null,
})

/** A guest requested a stay: its nights are held, awaiting payment. */
export const bookingRequestedEvent = (
  ids: EventIds,
  now: Instant,
  b: Booking,
): EventOf<'innkeeper.booking.requested.v1'> =>
  newEvent(ids, now, 'innkeeper.booking.requested.v1', b.id, {
    ...bookingCore(b),
    bookingMode: b.bookingMode,
  })

/** The event for the state a booking has just entered (a new booking: `booking.requested`). */
export const bookingEvent = (ids: EventIds, now: Instant, b: Booking): DomainEvent => {
  switch (b.state) {
    case 'pending_payment':
      return bookingRequestedEvent(ids, now, b)
    case 'awaiting_host':
      return newEvent(ids, now, 'innkeeper.booking.awaiting_host.v1', b.id, statePayload(b, b.state))
    case 'confirmed':
      return newEvent(ids, now, 'innkeeper.booking.confirmed.v1', b.id, statePayload(b, b.state))
    case 'in_progress':
      return newEvent(ids, now, 'innkeeper.booking.started.v1', b.id, statePayload(b, b.state))
    case 'completed':
      return newEvent(ids, now, 'innkeeper.booking.completed.v1', b.id, statePayload(b, b.state))
    case 'cancelled':
      return newEvent(ids, now, 'innkeeper.booking.cancelled.v1', b.id, statePayload(b, b.state))
    case 'declined':
      return newEvent(ids, now, 'innkeeper.booking.declined.v1', b.id, statePayload(b, b.state))
    case 'expired':
      return newEvent(ids, now, 'innkeeper.booking.expired.v1', b.id, statePayload(b, b.state))
  }
}

/** The dates or guests of a booking changed: `next` as changed, with what it was before. */
export const bookingModifiedEvent = (
  ids: EventIds,
  now: Instant,
  before: Booking,
  next: Booking,
): EventOf<'innkeeper.booking.modified.v1'> =>
  newEvent(ids, now, 'innkeeper.booking.modified.v1', next.id, {
    ...statePayload(next, next.state),
    previousCheckIn: before.stay.checkIn,
    previousCheckOut: before.stay.checkOut,
    previousGuests: before.guests,
    previousTotal: before.quote.guestTotal,
  })
