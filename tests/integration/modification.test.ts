import { describe, expect, it } from 'vitest'
import { activeListing, bookAndPay, bookingOf, makeWorld } from './engine-fixtures.js'
import { calendar, failure, paymentsOf } from './more-fixtures.js'

describe('modifying a booking', () => {
  it('a declined off-session charge for a dearer stay fails with PaymentDeclined and nothing changes', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const l = await activeListing(w)
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    adapters.gateway.declineNextOffSession()
    const err = await failure(run(useCases.modifyBooking.execute(w.guest, b.id, { checkOut: '2026-04-14' })))
    expect(err).toMatchObject({ _tag: 'PaymentDeclined', code: 'payment_declined' })
    const after = await bookingOf(w, b.id)
    expect(after.stay).toEqual(b.stay)
    expect(after.quote).toEqual(b.quote)
    expect(after.modifications).toHaveLength(0)
    expect(after.paidAmount).toBe(b.quote.guestTotal)
    expect(after.state).toBe('confirmed')
    expect((await calendar(w, l.id, '2026-04-10', '2026-04-14')).map((n) => n.booked)).toEqual([1, 1, 0, 0])
    const pays = await paymentsOf(w, b)
    expect(pays.reduce((a, p) => a + p.capturedAmount - p.refundedAmount, 0)).toBe(b.quote.guestTotal)
  })

  it('modifying onto nights booked by someone else fails with NightsUnavailable and nothing changes', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    const mine = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    await bookAndPay(w, l.id, { checkIn: '2026-04-12', checkOut: '2026-04-14' }, w.other)
    const err = await failure(
      run(useCases.modifyBooking.execute(w.guest, mine.id, { checkOut: '2026-04-13' })),
    )
    expect(err).toMatchObject({ _tag: 'NightsUnavailable', nights: ['2026-04-12'] })
    const after = await bookingOf(w, mine.id)
    expect(after.stay).toEqual(mine.stay)
    expect(after.quote).toEqual(mine.quote)
    expect(after.modifications).toHaveLength(0)
    // A top-up charged before the nights were tried is refunded: the guest has paid the original total.
    expect(after.paidAmount).toBe(mine.quote.guestTotal)
    const cal = await calendar(w, l.id, '2026-04-10', '2026-04-14')
    expect(cal.map((n) => n.booked)).toEqual([1, 1, 1, 1])
    expect(cal.map((n) => n.held)).toEqual([0, 0, 0, 0])
  })

  it('a pending booking can move its dates: the open checkout is replaced by one for the new total', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const l = await activeListing(w)
    const b = await run(
      useCases.requestBooking.execute(w.guest, {
        listingId: l.id,
        checkIn: '2026-04-10',
        checkOut: '2026-04-12',
        guests: 2,
      }),
    )
    const first = await run(useCases.startPayment.execute(w.guest, b.id))
    const moved = await run(
      useCases.modifyBooking.execute(w.guest, b.id, { checkIn: '2026-04-20', checkOut: '2026-04-23' }),
    )
    expect(moved.state).toBe('pending_payment')
    expect((await calendar(w, l.id, '2026-04-10', '2026-04-12')).map((n) => n.held)).toEqual([0, 0])
    expect((await calendar(w, l.id, '2026-04-20', '2026-04-23')).map((n) => n.held)).toEqual([1, 1, 1])
    const second = await run(useCases.startPayment.execute(w.guest, b.id))
    expect(second.payment.id).not.toBe(first.payment.id)
    expect(second.payment.amount).toBe(moved.quote.guestTotal)
    adapters.gateway.confirmPayment(second.payment.providerRef, 'succeed')
    await w.engine.deliverPaymentEvents()
    expect((await bookingOf(w, b.id)).state).toBe('confirmed')
  })

  it('after a declined off-session charge, trying again with a working card charges and applies the change', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const l = await activeListing(w)
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    adapters.gateway.declineNextOffSession()
    await failure(run(useCases.modifyBooking.execute(w.guest, b.id, { checkOut: '2026-04-14' })))
    const m = await run(useCases.modifyBooking.execute(w.guest, b.id, { checkOut: '2026-04-14' }))
    expect(m.stay.checkOut).toBe('2026-04-14')
    expect(m.paidAmount).toBe(m.quote.guestTotal)
    expect(m.quote.guestTotal).toBeGreaterThan(b.quote.guestTotal)
  })

  it('after a modification failed on booked nights, a modification onto free nights pays its own difference', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    const mine = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    await bookAndPay(w, l.id, { checkIn: '2026-04-12', checkOut: '2026-04-14' }, w.other)
    await failure(run(useCases.modifyBooking.execute(w.guest, mine.id, { checkOut: '2026-04-13' })))
    const m = await run(
      useCases.modifyBooking.execute(w.guest, mine.id, { checkIn: '2026-04-20', checkOut: '2026-04-23' }),
    )
    expect(m.quote.guestTotal).toBeGreaterThan(mine.quote.guestTotal)
    // Never a longer stay for the old price: the guest has paid exactly the new total.
    expect(m.paidAmount).toBe(m.quote.guestTotal)
    const pays = await paymentsOf(w, mine)
    expect(pays.reduce((a, p) => a + p.capturedAmount - p.refundedAmount, 0)).toBe(m.quote.guestTotal)
  })

  it('only the guest or an admin modifies: the host is Forbidden, a stranger gets BookingNotFound', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    expect(await failure(run(useCases.modifyBooking.execute(w.host, b.id, { guests: 1 })))).toMatchObject({
      _tag: 'Forbidden',
    })
    expect(await failure(run(useCases.modifyBooking.execute(w.other, b.id, { guests: 1 })))).toMatchObject({
      _tag: 'BookingNotFound',
    })
    expect((await run(useCases.modifyBooking.execute(w.admin, b.id, { guests: 1 }))).guests).toBe(1)
  })

  it('booking.modified.v1 after a paid longer stay carries what the booking has paid after the change, top-up included', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const l = await activeListing(w)
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    const longer = await run(useCases.modifyBooking.execute(w.guest, b.id, { checkOut: '2026-04-15' }))
    expect(longer.quote.guestTotal).toBeGreaterThan(b.quote.guestTotal)
    const after = await bookingOf(w, b.id)
    expect(after.paidAmount).toBe(longer.quote.guestTotal)
    const modified = adapters.outbox
      .pendingEvents()
      .filter((e) => e.type === 'innkeeper.booking.modified.v1' && e.subject === b.id)
    expect(modified).toHaveLength(1)
    expect(modified[0]!.data).toMatchObject({
      total: longer.quote.guestTotal,
      paidAmount: after.paidAmount,
      previousTotal: b.quote.guestTotal,
      checkOut: '2026-04-15',
    })
  })
})
