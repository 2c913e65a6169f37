import { describe, expect, it } from 'vitest'
import { DAY, HOUR, MINUTE } from '../../core/domain/shared/time.js'
import { activeListing, bookAndPay, bookingOf, makeWorld } from './engine-fixtures.js'

describe('booking journey on the in-memory engine', () => {
  it('instant book: request holds the nights, payment confirms, check-in starts, check-out completes', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const listing = await activeListing(w)
    const b = await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-13' })
    expect(b.state).toBe('confirmed')
    expect(b.paidAmount).toBe(b.quote.guestTotal)
    // 3 nights × 100.00 + 20.00 cleaning = 320.00; 10 % service = 32.00; 5 % tax = 16.00
    expect(b.quote.guestTotal).toBe(32_000 + 3_200 + 1_600)
    const cal = await run(
      useCases.getCalendar.execute(w.host, listing.id, { from: '2026-04-09', to: '2026-04-14' }),
    )
    expect(cal.map((n) => n.available)).toEqual([1, 0, 0, 0, 1])
    adapters.clock.set(b.points.checkInAt!)
    await w.engine.tick()
    expect((await bookingOf(w, b.id)).state).toBe('in_progress')
    adapters.clock.set(b.points.checkOutAt!)
    await w.engine.tick()
    expect((await bookingOf(w, b.id)).state).toBe('completed')
  })

  it('a second guest cannot book the same nights (NightsUnavailable names them)', async () => {
    const w = await makeWorld()
    const listing = await activeListing(w)
    await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-13' })
    const err = await w.engine
      .run(
        w.engine.useCases.requestBooking.execute(w.other, {
          listingId: listing.id,
          checkIn: '2026-04-12',
          checkOut: '2026-04-14',
          guests: 1,
        }),
      )
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ _tag: 'NightsUnavailable', nights: ['2026-04-12'] })
  })

  it('an unpaid booking expires after 15 minutes and its nights are free again', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const listing = await activeListing(w)
    const b = await run(
      useCases.requestBooking.execute(w.guest, {
        listingId: listing.id,
        checkIn: '2026-04-10',
        checkOut: '2026-04-12',
        guests: 1,
      }),
    )
    adapters.clock.advance(15 * MINUTE)
    await w.engine.tick()
    expect((await bookingOf(w, b.id)).state).toBe('expired')
    const again = await run(
      useCases.requestBooking.execute(w.other, {
        listingId: listing.id,
        checkIn: '2026-04-10',
        checkOut: '2026-04-12',
        guests: 1,
      }),
    )
    expect(again.state).toBe('pending_payment')
  })

  it('request to book: authorization sends it to the host, accept captures and confirms', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const listing = await activeListing(w, { bookingMode: 'request' })
    const b = await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    expect(b.state).toBe('awaiting_host')
    const payments = await run(useCases.listPayments.execute(w.guest, {}))
    expect(payments.items[0]?.status).toBe('authorized')
    const accepted = await run(useCases.acceptBooking.execute(w.host, b.id))
    expect(accepted.state).toBe('confirmed')
    expect(accepted.paidAmount).toBe(b.quote.guestTotal)
  })

  it('request to book: declined → nights released and authorization voided', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const listing = await activeListing(w, { bookingMode: 'request' })
    const b = await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    const declined = await run(useCases.declineBooking.execute(w.host, b.id))
    expect(declined.state).toBe('declined')
    const payments = await run(useCases.listPayments.execute(w.guest, {}))
    expect(payments.items[0]?.status).toBe('voided')
  })

  it('request to book: unanswered for 24 h → expired', async () => {
    const w = await makeWorld()
    const listing = await activeListing(w, { bookingMode: 'request' })
    const b = await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    w.engine.adapters.clock.advance(24 * HOUR)
    await w.engine.tick()
    expect((await bookingOf(w, b.id)).state).toBe('expired')
  })

  it('guest cancels a moderate booking 6 days out → full refund; 4 days out → nothing', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const listing = await activeListing(w, { cancellationPolicy: 'moderate' })
    const a = await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    adapters.clock.set(a.points.checkInAt! - 6 * DAY)
    const ca = await run(useCases.cancelBooking.execute(w.guest, a.id))
    expect(ca.state).toBe('cancelled')
    expect(ca.refundedAmount).toBe(a.quote.guestTotal)
    expect(ca.paidAmount).toBe(0)
    const b = await bookAndPay(w, listing.id, { checkIn: '2026-04-20', checkOut: '2026-04-22' })
    adapters.clock.set(b.points.checkInAt! - 4 * DAY)
    const cb = await run(useCases.cancelBooking.execute(w.guest, b.id))
    expect(cb.refundedAmount).toBe(0)
    expect(cb.paidAmount).toBe(b.quote.guestTotal)
  })

  it('modify dates of a confirmed booking: nights move, a higher price is charged, a lower refunded', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const listing = await activeListing(w)
    const b = await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    const longer = await run(useCases.modifyBooking.execute(w.guest, b.id, { checkOut: '2026-04-14' }))
    expect(longer.quote.guestTotal).toBeGreaterThan(b.quote.guestTotal)
    expect(longer.paidAmount).toBe(longer.quote.guestTotal)
    const shorter = await run(
      useCases.modifyBooking.execute(w.guest, b.id, { checkIn: '2026-04-11', checkOut: '2026-04-12' }),
    )
    expect(shorter.paidAmount).toBe(shorter.quote.guestTotal)
    const cal = await run(
      useCases.getCalendar.execute(w.host, listing.id, { from: '2026-04-10', to: '2026-04-14' }),
    )
    expect(cal.map((n) => n.available)).toEqual([1, 0, 1, 1])
  })
})
