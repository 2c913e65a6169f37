import { describe, expect, it } from 'vitest'
import { activeListing, bookAndPay, makeWorld } from './engine-fixtures.js'
import { failure, requestStay, worldWith } from './more-fixtures.js'

describe('pending-hold cap', () => {
  it('a guest may have 3 bookings pending at once: the 4th request is TooManyPendingBookings', async () => {
    const w = await makeWorld()
    const l = await activeListing(w)
    await requestStay(w, l.id, { checkIn: '2026-04-01', checkOut: '2026-04-02' })
    await requestStay(w, l.id, { checkIn: '2026-04-03', checkOut: '2026-04-04' })
    await requestStay(w, l.id, { checkIn: '2026-04-05', checkOut: '2026-04-06' })
    const err = await failure(requestStay(w, l.id, { checkIn: '2026-04-07', checkOut: '2026-04-08' }))
    expect(err).toMatchObject({ _tag: 'TooManyPendingBookings', code: 'too_many_pending_bookings', limit: 3 })
    // The nights of the refused request were not taken.
    const cal = await w.engine.run(
      w.engine.useCases.getCalendar.execute(w.host, l.id, { from: '2026-04-07', to: '2026-04-08' }),
    )
    expect(cal[0]?.held).toBe(0)
    // Another guest is not affected.
    expect(
      (await requestStay(w, l.id, { checkIn: '2026-04-07', checkOut: '2026-04-08' }, w.other)).state,
    ).toBe('pending_payment')
  })

  it('paid bookings do not count against the cap; the limit is a setting', async () => {
    const w = await worldWith({ maxPendingBookingsPerGuest: 1 })
    const l = await activeListing(w)
    await bookAndPay(w, l.id, { checkIn: '2026-04-01', checkOut: '2026-04-02' })
    await requestStay(w, l.id, { checkIn: '2026-04-03', checkOut: '2026-04-04' })
    expect(
      await failure(requestStay(w, l.id, { checkIn: '2026-04-05', checkOut: '2026-04-06' })),
    ).toMatchObject({
      _tag: 'TooManyPendingBookings',
      limit: 1,
    })
  })
})

describe('authorization', () => {
  it("another user's booking does not exist for them: BookingNotFound for every use case", async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    const notFound = { _tag: 'BookingNotFound', code: 'booking_not_found', bookingId: b.id }
    expect(await failure(run(useCases.getBooking.execute(w.other, b.id)))).toMatchObject(notFound)
    expect(await failure(run(useCases.cancelBooking.execute(w.other, b.id)))).toMatchObject(notFound)
    expect(await failure(run(useCases.startPayment.execute(w.other, b.id)))).toMatchObject(notFound)
    expect(await failure(run(useCases.acceptBooking.execute(w.other, b.id)))).toMatchObject(notFound)
    expect(await failure(run(useCases.declineBooking.execute(w.other, b.id)))).toMatchObject(notFound)
    expect(
      await failure(run(useCases.modifyBooking.execute(w.other, b.id, { checkOut: '2026-04-13' }))),
    ).toMatchObject(notFound)
    expect(
      await failure(run(useCases.postReview.execute(w.other, { bookingId: b.id, rating: 1 }))),
    ).toMatchObject(notFound)
    // The booking is untouched, and its own parties still see it.
    expect((await run(useCases.getBooking.execute(w.guest, b.id))).state).toBe('confirmed')
    expect((await run(useCases.getBooking.execute(w.host, b.id))).state).toBe('confirmed')
    expect((await run(useCases.getBooking.execute(w.admin, b.id))).state).toBe('confirmed')
  })

  it('a guest cannot accept or decline their own request, the host cannot pay (Forbidden each)', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w, { bookingMode: 'request' })
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    expect(b.state).toBe('awaiting_host')
    const accept = await failure(run(useCases.acceptBooking.execute(w.guest, b.id)))
    expect(accept).toMatchObject({ _tag: 'Forbidden', code: 'forbidden' })
    const decline = await failure(run(useCases.declineBooking.execute(w.guest, b.id)))
    expect(decline).toMatchObject({ _tag: 'Forbidden', code: 'forbidden' })
    const pending = await requestStay(w, l.id, { checkIn: '2026-04-20', checkOut: '2026-04-22' })
    expect(await failure(run(useCases.startPayment.execute(w.host, pending.id)))).toMatchObject({
      _tag: 'Forbidden',
      code: 'forbidden',
    })
    expect((await run(useCases.getBooking.execute(w.guest, b.id))).state).toBe('awaiting_host')
  })

  it('a host cannot book their own listing (Forbidden); a guest cannot create listings (Forbidden)', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    expect(
      await failure(requestStay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' }, w.host)),
    ).toMatchObject({ _tag: 'Forbidden' })
    const err = await failure(
      run(
        useCases.createListing.execute(w.guest, {
          title: 'Not mine to list',
          propertyType: 'house',
          roomType: 'entire_place',
          location: { address: 'x', city: 'X', country: 'NL', lat: 0, lng: 0, timezone: 'UTC' },
          maxGuests: 1,
          currency: 'EUR',
          pricing: { baseNightly: 1_000 },
        }),
      ),
    )
    expect(err).toMatchObject({ _tag: 'Forbidden' })
  })
})
