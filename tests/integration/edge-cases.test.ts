import { describe, expect, it } from 'vitest'
import { DAY, HOUR } from '../../core/domain/shared/time.js'
import { activeListing, bookAndPay, bookingOf, makeWorld } from './engine-fixtures.js'
import { calendar, failure, newUser, paymentsOf, requestStay } from './more-fixtures.js'

describe('edge cases', () => {
  it('a 5-unit hotel room type sells 5 units of a night and refuses the 6th (NightsUnavailable)', async () => {
    const w = await makeWorld()
    const l = await activeListing(w, { units: 5, propertyType: 'hotel', roomType: 'hotel_room' })
    const stay = { checkIn: '2026-04-10', checkOut: '2026-04-12' }
    for (let i = 0; i < 5; i++) await bookAndPay(w, l.id, stay, await newUser(w))
    const err = await failure(requestStay(w, l.id, stay, await newUser(w)))
    expect(err).toMatchObject({ _tag: 'NightsUnavailable', nights: ['2026-04-10', '2026-04-11'] })
    const cal = await calendar(w, l.id, '2026-04-10', '2026-04-12')
    expect(cal.map((n) => [n.booked, n.available])).toEqual([
      [5, 0],
      [5, 0],
    ])
  })

  it('fewer guests on a confirmed booking: re-quoted lower and the difference refunded', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w, {
      pricing: { baseNightly: 10_000, extraGuestFee: 1_000, extraGuestThreshold: 2 },
    })
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12', guests: 4 })
    const m = await run(useCases.modifyBooking.execute(w.guest, b.id, { guests: 2 }))
    expect(m.quote.guestTotal).toBeLessThan(b.quote.guestTotal)
    expect(m.paidAmount).toBe(m.quote.guestTotal)
    expect(m.refundedAmount).toBe(b.quote.guestTotal - m.quote.guestTotal)
    expect(await failure(run(useCases.modifyBooking.execute(w.guest, b.id, { guests: 9 })))).toMatchObject({
      _tag: 'StayRestrictionViolated',
      rule: 'max_guests',
    })
  })

  it('stays in a listing’s own time zone: a Tokyo check-in at 15:00 JST starts the stay at 06:00 UTC', async () => {
    const w = await makeWorld()
    const l = await activeListing(w, {
      currency: 'JPY',
      location: {
        address: 'x',
        city: 'Tokyo',
        country: 'JP',
        lat: 35.68,
        lng: 139.76,
        timezone: 'Asia/Tokyo',
      },
    })
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    expect(new Date(b.points.checkInAt!).toISOString()).toBe('2026-04-10T06:00:00.000Z')
    expect(new Date(b.points.checkOutAt!).toISOString()).toBe('2026-04-12T02:00:00.000Z')
    w.engine.adapters.clock.set(b.points.checkInAt! - 1)
    await w.engine.tick()
    expect((await bookingOf(w, b.id)).state).toBe('confirmed')
    w.engine.adapters.clock.set(b.points.checkInAt!)
    await w.engine.tick()
    expect((await bookingOf(w, b.id)).state).toBe('in_progress')
  })

  it('a host cannot accept after the 24 h to answer: the request expires and the authorization is voided', async () => {
    const w = await makeWorld()
    const l = await activeListing(w, { bookingMode: 'request' })
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    w.engine.adapters.clock.advance(24 * HOUR)
    const err = await failure(w.engine.run(w.engine.useCases.acceptBooking.execute(w.host, b.id)))
    expect(err).toMatchObject({ _tag: 'InvalidTransition' })
    await w.engine.tick()
    expect((await bookingOf(w, b.id)).state).toBe('expired')
    expect((await paymentsOf(w, b))[0]?.status).toBe('voided')
  })

  it('a guest cancelling an in-progress stay gets nothing back; the remaining nights are released', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const l = await activeListing(w, { cancellationPolicy: 'flexible' })
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-13' })
    adapters.clock.set(b.points.checkInAt! + DAY)
    await w.engine.tick()
    expect((await bookingOf(w, b.id)).state).toBe('in_progress')
    const c = await run(useCases.cancelBooking.execute(w.guest, b.id))
    expect(c.refundedAmount).toBe(0)
    expect(c.paidAmount).toBe(b.quote.guestTotal)
  })

  it('lowering a hotel’s units below what coming nights have sold is refused with the nights named; above it is fine', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w, { units: 3, propertyType: 'hotel', roomType: 'hotel_room' })
    for (let i = 0; i < 3; i++)
      await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-11' }, await newUser(w))
    const err = await run(useCases.updateListing.execute(w.host, l.id, { units: 2 })).catch((e: unknown) => e)
    expect(err).toMatchObject({ _tag: 'ValidationFailed', issues: [{ path: 'units' }] })
    expect((err as { message: string }).message).toContain('2026-04-10')
    const cal = await calendar(w, l.id, '2026-04-10', '2026-04-11')
    expect(cal[0]).toMatchObject({ units: 3, available: 0 })
    const raised = await run(useCases.updateListing.execute(w.host, l.id, { units: 4 }))
    expect(raised.units).toBe(4)
    expect((await calendar(w, l.id, '2026-04-10', '2026-04-11'))[0]?.available).toBe(1)
  })

  it('a host cancelling a booking that was extended refunds both the original charge and the top-up', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    const b = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    const m = await run(useCases.modifyBooking.execute(w.guest, b.id, { checkOut: '2026-04-14' }))
    const c = await run(useCases.cancelBooking.execute(w.host, b.id))
    expect(c.refundedAmount).toBe(m.quote.guestTotal)
    expect(c.paidAmount).toBe(0)
    const pays = await paymentsOf(w, b)
    expect(pays).toHaveLength(2)
    expect(pays.map((p) => p.status)).toEqual(['refunded', 'refunded'])
  })

  it('a hotel with some units left on every night is found by a dated search; a full one is not', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w, { units: 2, propertyType: 'hotel', roomType: 'hotel_room' })
    const stay = { checkIn: '2026-04-10', checkOut: '2026-04-12' }
    await bookAndPay(w, l.id, stay, await newUser(w))
    const q = { city: 'Amsterdam', ...stay }
    expect((await run(useCases.searchListings.execute(q))).items).toHaveLength(1)
    await bookAndPay(w, l.id, { checkIn: '2026-04-11', checkOut: '2026-04-12' }, await newUser(w))
    expect((await run(useCases.searchListings.execute(q))).items).toHaveLength(0)
  })
})
