import { Effect } from 'effect'
import { describe, expect, it } from 'vitest'
import type { Booking } from '../../../core/domain/bookings/booking.js'
import { localDate } from '../../../core/domain/shared/dates.js'
import { activeListing, makeWorld, type World } from '../../integration/engine-fixtures.js'
import { failure, run } from './harness.js'

/**
 * Issue 16 item 2: a request whose outcome is unknown to the client (its answer was lost, and the
 * HTTP layer's idempotency record with it) is found on retry, never run twice and never reported as
 * a failure. The client's Idempotency-Key reaches the use case as a request key.
 */
const stay = (listingId: string) => ({ listingId, checkIn: '2026-04-10', checkOut: '2026-04-13', guests: 2 })

const requested = (w: World): number =>
  w.engine.adapters.outbox.pendingEvents().filter((e) => e.type === 'innkeeper.booking.requested.v1').length

const heldNights = async (w: World, listingId: string): Promise<number[]> => {
  const nights = await run(
    w.engine.adapters.availability.calendar(
      listingId as Booking['listingId'],
      localDate('2026-04-10'),
      localDate('2026-04-13'),
    ),
  )
  return nights.map((n) => n.held)
}

describe('RequestBooking with a request key', () => {
  it('a retry with the same key returns the booking the first attempt made: one booking, one hold, one event', async () => {
    const w = await makeWorld()
    const listing = await activeListing(w, { units: 3 })
    const rb = w.engine.useCases.requestBooking
    const events = requested(w)
    const first = await run(rb.execute(w.guest, stay(listing.id), 'key-1'))
    const again = await run(rb.execute(w.guest, stay(listing.id), 'key-1'))
    expect(again.id).toBe(first.id)
    expect(again).toEqual(first)
    expect(requested(w) - events).toBe(1)
    expect(await heldNights(w, listing.id)).toEqual([1, 1, 1])
    const mine = await run(w.engine.useCases.listGuestBookings.execute(w.guest, {}))
    expect(mine.items.map((b) => b.id)).toEqual([first.id])
  })

  it('the retry answers with the booking as it is now, even after the listing stopped taking bookings', async () => {
    const w = await makeWorld()
    const listing = await activeListing(w)
    const rb = w.engine.useCases.requestBooking
    const first = await run(rb.execute(w.guest, stay(listing.id), 'key-now'))
    await run(w.engine.useCases.deactivateListing.execute(w.host, listing.id))
    const again = await run(rb.execute(w.guest, stay(listing.id), 'key-now'))
    expect(again.id).toBe(first.id)
  })

  it('the same key with another stay, listing or guest count is RequestKeyReused (code idempotency_key_reused) and books nothing', async () => {
    const w = await makeWorld()
    const listing = await activeListing(w, { units: 3 })
    const other = await activeListing(w)
    const rb = w.engine.useCases.requestBooking
    await run(rb.execute(w.guest, stay(listing.id), 'key-2'))
    for (const changed of [
      { ...stay(listing.id), checkOut: '2026-04-14' },
      { ...stay(listing.id), guests: 3 },
      stay(other.id),
    ]) {
      const e = await failure(rb.execute(w.guest, changed, 'key-2'))
      expect(e._tag).toBe('RequestKeyReused')
      expect(e.code).toBe('idempotency_key_reused')
    }
    expect(await heldNights(w, listing.id)).toEqual([1, 1, 1])
    expect((await run(w.engine.useCases.listGuestBookings.execute(w.guest, {}))).items).toHaveLength(1)
  })

  it('keys belong to their guest: another guest with the same key books a booking of their own', async () => {
    const w = await makeWorld()
    const listing = await activeListing(w, { units: 3 })
    const rb = w.engine.useCases.requestBooking
    const mine = await run(rb.execute(w.guest, stay(listing.id), 'shared-key'))
    const theirs = await run(rb.execute(w.other, stay(listing.id), 'shared-key'))
    expect(theirs.id).not.toBe(mine.id)
    expect(await heldNights(w, listing.id)).toEqual([2, 2, 2])
  })

  it('twenty attempts with one key racing each other write one booking and hold its nights once; all answer with it', async () => {
    const w = await makeWorld()
    const listing = await activeListing(w, { units: 5 })
    const rb = w.engine.useCases.requestBooking
    const events = requested(w)
    const all = await run(
      Effect.all(
        Array.from({ length: 20 }, () => rb.execute(w.guest, stay(listing.id), 'race-key')),
        { concurrency: 'unbounded' },
      ),
    )
    expect(new Set(all.map((b) => b.id)).size).toBe(1)
    expect(requested(w) - events).toBe(1)
    expect(await heldNights(w, listing.id)).toEqual([1, 1, 1])
  })

  it('without a key every call is a new booking (the key is what makes a retry a retry)', async () => {
    const w = await makeWorld()
    const listing = await activeListing(w, { units: 3 })
    const rb = w.engine.useCases.requestBooking
    const a = await run(rb.execute(w.guest, stay(listing.id)))
    const b = await run(rb.execute(w.guest, stay(listing.id)))
    expect(a.id).not.toBe(b.id)
    expect(await heldNights(w, listing.id)).toEqual([2, 2, 2])
  })
})

describe('CheckoutBooking with a request key', () => {
  const paid = async (w: World) => {
    const listing = await activeListing(w)
    const b = await run(w.engine.useCases.requestBooking.execute(w.guest, stay(listing.id), 'bk'))
    const checkout = await run(w.engine.useCases.checkoutBooking.execute(w.guest, b.id, {}, 'co'))
    w.engine.adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
    await w.engine.deliverPaymentEvents()
    return { booking: b, checkout }
  }

  it('a keyed retry after the payment went through answers with that payment and the booking as it is now, not a conflict', async () => {
    const w = await makeWorld()
    const { booking, checkout } = await paid(w)
    const retry = await run(w.engine.useCases.checkoutBooking.execute(w.guest, booking.id, {}, 'co'))
    expect(retry.booking.state).toBe('confirmed')
    expect(retry.payment.id).toBe(checkout.payment.id)
    expect(retry.payment.status).toBe('captured')
    expect(retry.clientSecret).toBe(checkout.clientSecret)
    const payments = await run(w.engine.useCases.listPayments.execute(w.guest, {}))
    expect(payments.items).toHaveLength(1)
  })

  it('an unkeyed checkout of a paid booking is still refused (InvalidTransition), and a keyed one of a cancelled booking too', async () => {
    const w = await makeWorld()
    const { booking } = await paid(w)
    expect((await failure(w.engine.useCases.checkoutBooking.execute(w.guest, booking.id)))._tag).toBe(
      'InvalidTransition',
    )
    await run(w.engine.useCases.cancelBooking.execute(w.guest, booking.id, {}))
    const e = await failure(w.engine.useCases.checkoutBooking.execute(w.guest, booking.id, {}, 'co'))
    expect(e._tag).toBe('InvalidTransition')
  })
})
