import { Result } from 'effect'
import { describe, expect, it } from 'vitest'
import { bookingExpiresAt } from '../../core/domain/bookings/booking.js'
import {
  bookingEvent,
  bookingModifiedEvent,
  bookingRequestedEvent,
} from '../../core/domain/bookings/booking-events.js'
import { bookingStates, PAYMENT_WINDOW_MS } from '../../core/domain/bookings/lifecycle.js'
import { bookableBy, mayBook, newBooking, takesBookings } from '../../core/domain/bookings/new-booking.js'
import { decodeEventData } from '../../core/domain/events/catalogue.js'
import { cancellationPolicies } from '../../core/domain/policies/cancellation.js'
import { asId, type EventId } from '../../core/domain/shared/ids.js'
import { instant } from '../../core/domain/shared/time.js'
import { makeListing, makeUser } from '../contract/fixtures.js'
import { plainRules, quote, stayOf } from './fixtures.js'

const NOW = instant(Date.UTC(2026, 2, 1, 9))
const listing = makeListing('lst_1', {
  hostId: asId('user', 'usr_host'),
  cancellationPolicy: 'firm',
  bookingMode: 'request',
  checkInHour: 15,
  checkOutHour: 11,
  location: { ...makeListing('x').location, timezone: 'Europe/Lisbon' },
})
const guest = asId('user', 'usr_guest')
const stay = stayOf('2026-04-10', '2026-04-13')
const request = () =>
  newBooking({
    id: asId('booking', 'bkg_1'),
    listing,
    guestId: guest,
    stay,
    guests: 2,
    quote: quote(plainRules(), stay, 2),
    message: 'hello',
    now: NOW,
  })
let n = 0
const ids = { next: (_kind: 'event'): EventId => asId('event', `evt_${++n}`) }

describe('bookability (core/domain/bookings/new-booking.ts)', () => {
  it('only an active user may book', () => {
    expect(Result.isSuccess(mayBook(makeUser('usr_a')))).toBe(true)
    const r = mayBook(makeUser('usr_s', { status: 'suspended' }))
    expect(Result.isFailure(r) && r.failure._tag).toBe('UserSuspended')
  })

  it('drafts and archived listings are not found, inactive ones not bookable, and hosts do not book their own', () => {
    const tagOf = (r: Result.Result<unknown, { readonly _tag: string }>) =>
      Result.isSuccess(r) ? 'ok' : r.failure._tag
    expect(tagOf(bookableBy(listing, guest))).toBe('ok')
    expect(tagOf(bookableBy({ ...listing, status: 'draft' }, guest))).toBe('ListingNotFound')
    expect(tagOf(bookableBy({ ...listing, status: 'archived' }, guest))).toBe('ListingNotFound')
    expect(tagOf(bookableBy({ ...listing, status: 'inactive' }, guest))).toBe('ListingNotBookable')
    expect(tagOf(bookableBy(listing, listing.hostId))).toBe('Forbidden')
    // A quote needs only an active listing (its host may quote it).
    expect(tagOf(takesBookings(listing))).toBe('ok')
    const inactive = takesBookings({ ...listing, status: 'inactive' })
    expect(Result.isFailure(inactive) && inactive.failure.reason).toBe('the listing is inactive')
  })
})

describe('a new booking (newBooking)', () => {
  it('is pending payment, snapshots quote and policy, and is due when the payment window closes', () => {
    const b = request()
    expect(b).toMatchObject({
      state: 'pending_payment',
      listingId: listing.id,
      hostId: listing.hostId,
      guestId: guest,
      bookingMode: 'request',
      cancellationPolicy: cancellationPolicies.firm,
      timezone: 'Europe/Lisbon',
      paidAmount: 0,
      refundedAmount: 0,
      cancellation: null,
      pendingChange: null,
      settling: null,
      history: [],
      message: 'hello',
      createdAt: NOW,
      updatedAt: NOW,
      version: 1,
    })
    expect(b.quote.guestTotal).toBe(30_000)
    expect(b.dueAt).toBe(NOW + PAYMENT_WINDOW_MS)
    expect(bookingExpiresAt(b)).toBe(NOW + PAYMENT_WINDOW_MS)
    // Check-in at 15:00 and check-out at 11:00 Lisbon time (UTC+1 in April).
    expect(new Date(b.points.checkInAt!).toISOString()).toBe('2026-04-10T14:00:00.000Z')
    expect(new Date(b.points.checkOutAt!).toISOString()).toBe('2026-04-13T10:00:00.000Z')
  })

  it('expires only while waiting (for payment or the host)', () => {
    const b = request()
    expect(bookingExpiresAt({ ...b, state: 'awaiting_host', dueAt: instant(NOW + 5) })).toBe(NOW + 5)
    expect(bookingExpiresAt({ ...b, state: 'confirmed', dueAt: instant(NOW + 5) })).toBeNull()
  })
})

describe('booking events (core/domain/bookings/booking-events.ts)', () => {
  it('a new booking’s event is booking.requested, with the booking mode', () => {
    const e = bookingRequestedEvent(ids, NOW, request())
    expect(e.type).toBe('innkeeper.booking.requested.v1')
    expect(e.data).toMatchObject({ bookingId: 'bkg_1', total: 30_000, bookingMode: 'request', guests: 2 })
    expect(bookingEvent(ids, NOW, request()).type).toBe('innkeeper.booking.requested.v1')
  })

  it('each state a booking enters has its event, whose payload fits the catalogue exactly', () => {
    const types = bookingStates.map((state) => {
      const e = bookingEvent(ids, NOW, { ...request(), state })
      expect(e.subject).toBe('bkg_1')
      expect(Result.isSuccess(decodeEventData(e.type, e.data, { strict: true })), e.type).toBe(true)
      if ('state' in e.data) expect(e.data.state).toBe(state)
      return e.type
    })
    expect(new Set(types).size).toBe(bookingStates.length)
  })

  it('a modification says what the booking was before', () => {
    const before = request()
    const after = { ...before, stay: stayOf('2026-04-11', '2026-04-15'), guests: 3 }
    const e = bookingModifiedEvent(ids, NOW, before, after)
    expect(e.data).toMatchObject({
      checkIn: '2026-04-11',
      checkOut: '2026-04-15',
      guests: 3,
      previousCheckIn: '2026-04-10',
      previousCheckOut: '2026-04-13',
      previousGuests: 2,
      previousTotal: 30_000,
    })
    expect(Result.isSuccess(decodeEventData(e.type, e.data, { strict: true }))).toBe(true)
  })
})
