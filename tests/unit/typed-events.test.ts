import { Result } from 'effect'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { decodeEventData, type EventPayload, eventCatalogue } from '../../core/domain/events/catalogue.js'
import {
  type DomainEvent,
  type EventOf,
  type EventType,
  eventTypes,
  type JsonValue,
  newEvent,
} from '../../core/domain/events/events.js'
import { recipientsOf } from '../../core/domain/notifications/routing.js'
import { asId, type EventId } from '../../core/domain/shared/ids.js'
import { instant } from '../../core/domain/shared/time.js'

/*
 * Event payloads are typed by the catalogue schemas: `newEvent` only compiles with the payload of
 * the type it names, and a consumer that checks `type` reads that type's fields, typed. The
 * `@ts-expect-error` lines are the test: `npm test` type-checks this file, and an error that stops
 * happening (a wrong payload that compiles) fails the typecheck.
 */

let n = 0
const ids = { next: (_kind: 'event'): EventId => asId('event', `evt_t${++n}`) }
const T = instant(Date.UTC(2026, 0, 1))

const confirmed: EventPayload<'innkeeper.booking.confirmed.v1'> = {
  bookingId: 'bkg_1',
  listingId: 'lst_1',
  guestId: 'usr_g',
  hostId: 'usr_h',
  state: 'confirmed',
  checkIn: '2026-03-01',
  checkOut: '2026-03-04',
  guests: 2,
  total: 30_000,
  currency: 'EUR',
  paidAmount: 30_000,
  refundAmount: null,
  cancelledBy: null,
}

describe('typed events: the compiler checks each payload against the catalogue schema of its type', () => {
  it('newEvent builds an event of the type named, with that type’s payload', () => {
    const e = newEvent(ids, T, 'innkeeper.booking.confirmed.v1', 'bkg_1', confirmed)
    expectTypeOf(e).toEqualTypeOf<EventOf<'innkeeper.booking.confirmed.v1'>>()
    expectTypeOf(e.data.state).toEqualTypeOf<'confirmed'>()
    expectTypeOf(e).toExtend<DomainEvent>()
    expect(e).toEqual({
      id: 'evt_t1',
      type: 'innkeeper.booking.confirmed.v1',
      subject: 'bkg_1',
      time: T,
      data: confirmed,
    })
    // What compiles also decodes with the catalogue schema, strictly (no field it does not name).
    expect(Result.isSuccess(decodeEventData(e.type, e.data, { strict: true }))).toBe(true)
  })

  it('newEvent refuses a payload with a field missing, extra, mistyped, or of another type', () => {
    const { total: _total, ...withoutTotal } = confirmed
    // @ts-expect-error `total` is missing
    newEvent(ids, T, 'innkeeper.booking.confirmed.v1', 'bkg_1', withoutTotal)
    // @ts-expect-error a confirmed event says state 'confirmed', not another state
    newEvent(ids, T, 'innkeeper.booking.confirmed.v1', 'bkg_1', { ...confirmed, state: 'cancelled' })
    // @ts-expect-error `guests` is a number
    newEvent(ids, T, 'innkeeper.booking.confirmed.v1', 'bkg_1', { ...confirmed, guests: '2' })
    newEvent(ids, T, 'innkeeper.listing.activated.v1', 'lst_1', {
      listingId: 'lst_1',
      hostId: 'usr_h',
      // @ts-expect-error a field the catalogue does not name
      city: 'Lisbon',
    })
    const hidden: EventPayload<'innkeeper.review.hidden.v1'> = {
      reviewId: 'rev_1',
      listingId: 'lst_1',
      by: 'usr_a',
      reason: '',
    }
    // @ts-expect-error the payload of `review.hidden` is not the payload of `listing.activated`
    newEvent(ids, T, 'innkeeper.listing.activated.v1', 'lst_1', hidden)
    // @ts-expect-error not an event type
    newEvent(ids, T, 'innkeeper.booking.confirmed', 'bkg_1', confirmed)
  })

  it('a consumer narrows by type and reads that payload’s fields, typed', () => {
    const failed = newEvent(ids, T, 'innkeeper.payment.failed.v1', 'pay_1', {
      paymentId: 'pay_1',
      bookingId: 'bkg_1',
      payerId: 'usr_g',
      status: 'failed',
      amount: 100,
      capturedAmount: 0,
      refundedAmount: 0,
      currency: 'EUR',
      failureReason: 'card declined',
    })
    const payerOf = (e: DomainEvent): string | null => {
      // @ts-expect-error not every event has a payerId: the type must be narrowed first
      e.data.payerId
      if (e.type !== 'innkeeper.payment.failed.v1') return null
      expectTypeOf(e.data.failureReason).toEqualTypeOf<string | null>()
      return e.data.payerId
    }
    expect(payerOf(failed)).toBe('usr_g')
    expect(recipientsOf(failed)).toEqual([{ userId: 'usr_g', template: 'payment_failed' }])
  })

  it('payload types are the Type of the catalogue schemas, and plain JSON', () => {
    expectTypeOf<EventPayload<'innkeeper.review.revealed.v1'>>().toEqualTypeOf<
      (typeof eventCatalogue)['innkeeper.review.revealed.v1']['data']['Type']
    >()
    expectTypeOf<EventPayload<EventType>>().toExtend<{ readonly [k: string]: JsonValue }>()
    expectTypeOf<DomainEvent['type']>().toEqualTypeOf<EventType>()
    expect(Object.keys(eventCatalogue)).toEqual([...eventTypes])
  })
})
