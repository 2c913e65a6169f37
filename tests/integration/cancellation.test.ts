import { describe, expect, it } from 'vitest'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { DAY } from '../../core/domain/shared/time.js'
import { activeListing, bookAndPay, bookingOf, makeWorld, type World } from './engine-fixtures.js'
import { calendar, paymentsOf } from './more-fixtures.js'

/*
 * The fixture listing: 100.00 a night, 20.00 cleaning, 10 % service fee, 5 % tax. Two nights:
 * nights 200.00 + cleaning 20.00 = 220.00; service 22.00; tax 11.00; the guest pays 253.00.
 * Firm, half tier: half the nights (100.00) and their share of the tax (11.00 × 100/220 = 5.00).
 */
const TOTAL = 25_300
const HALF = 10_500

const firmBooking = async (w: World, checkIn: string, checkOut: string): Promise<Booking> => {
  const l = await activeListing(w, { cancellationPolicy: 'firm' })
  const b = await bookAndPay(w, l.id, { checkIn, checkOut })
  expect(b.quote.guestTotal).toBe(TOTAL)
  return b
}

const cancelAt = async (w: World, b: Booking, msBeforeCheckIn: number, by = w.guest) => {
  w.engine.adapters.clock.set(b.points.checkInAt! - msBeforeCheckIn)
  return w.engine.run(w.engine.useCases.cancelBooking.execute(by, b.id, { reason: 'test' }))
}

describe('cancellation', () => {
  it('a host cancellation refunds everything, whatever the policy', async () => {
    const w = await makeWorld()
    const l = await activeListing(w, { cancellationPolicy: 'non_refundable' })
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    const c = await cancelAt(w, b, 1 * DAY, w.host)
    expect(c.state).toBe('cancelled')
    expect(c.cancellation).toMatchObject({ by: 'host', refundAmount: b.quote.guestTotal, retainedAmount: 0 })
    expect(c.refundedAmount).toBe(b.quote.guestTotal)
    expect(c.paidAmount).toBe(0)
    expect((await paymentsOf(w, b))[0]?.status).toBe('refunded')
    expect((await calendar(w, l.id, '2026-04-10', '2026-04-12')).map((n) => n.available)).toEqual([1, 1])
  })

  it('an admin cancellation refunds everything too', async () => {
    const w = await makeWorld()
    const l = await activeListing(w, { cancellationPolicy: 'strict' })
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    const c = await cancelAt(w, b, 2 * DAY, w.admin)
    expect(c.refundedAmount).toBe(b.quote.guestTotal)
  })

  it('firm, exactly 30 days before check-in: full refund (253.00)', async () => {
    const w = await makeWorld()
    const b = await firmBooking(w, '2026-05-10', '2026-05-12')
    const c = await cancelAt(w, b, 30 * DAY)
    expect(c.cancellation?.refundAmount).toBe(TOTAL)
    expect(c.refundedAmount).toBe(TOTAL)
    expect(c.paidAmount).toBe(0)
  })

  it('firm, 30 days minus a second before check-in: half the nights and their tax (105.00)', async () => {
    const w = await makeWorld()
    const b = await firmBooking(w, '2026-05-10', '2026-05-12')
    const c = await cancelAt(w, b, 30 * DAY - 1000)
    expect(c.cancellation?.refundAmount).toBe(HALF)
    expect(c.refundedAmount).toBe(HALF)
    expect(c.paidAmount).toBe(TOTAL - HALF)
    expect((await paymentsOf(w, b))[0]).toMatchObject({ status: 'partially_refunded', refundedAmount: HALF })
  })

  it('firm, exactly 7 days before check-in: still half (105.00)', async () => {
    const w = await makeWorld()
    const b = await firmBooking(w, '2026-05-10', '2026-05-12')
    const c = await cancelAt(w, b, 7 * DAY)
    expect(c.refundedAmount).toBe(HALF)
  })

  it('firm, 7 days minus a second before check-in: nothing refunded, the nights are still released', async () => {
    const w = await makeWorld()
    const b = await firmBooking(w, '2026-05-10', '2026-05-12')
    const c = await cancelAt(w, b, 7 * DAY - 1000)
    expect(c.state).toBe('cancelled')
    expect(c.cancellation?.refundAmount).toBe(0)
    expect(c.refundedAmount).toBe(0)
    expect(c.paidAmount).toBe(TOTAL)
    expect((await calendar(w, b.listingId, '2026-05-10', '2026-05-12')).map((n) => n.available)).toEqual([
      1, 1,
    ])
  })

  it('cancelling twice is InvalidTransition and refunds nothing more', async () => {
    const w = await makeWorld()
    const b = await firmBooking(w, '2026-05-10', '2026-05-12')
    await cancelAt(w, b, 10 * DAY)
    const err = await w.engine
      .run(w.engine.useCases.cancelBooking.execute(w.guest, b.id))
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ _tag: 'InvalidTransition' })
    expect((await bookingOf(w, b.id)).refundedAmount).toBe(HALF)
  })

  it('a pending booking cancelled by the guest refunds nothing (nothing was paid) and voids the checkout', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    const b = await run(
      useCases.requestBooking.execute(w.guest, {
        listingId: l.id,
        checkIn: '2026-04-10',
        checkOut: '2026-04-12',
        guests: 1,
      }),
    )
    await run(useCases.startPayment.execute(w.guest, b.id))
    const c = await run(useCases.cancelBooking.execute(w.guest, b.id))
    expect(c.state).toBe('cancelled')
    expect(c.refundedAmount).toBe(0)
    expect((await paymentsOf(w, b))[0]?.status).toBe('voided')
  })
})
