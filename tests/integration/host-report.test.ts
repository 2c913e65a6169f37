import { describe, expect, it } from 'vitest'
import { DAY, MINUTE } from '../../core/domain/shared/time.js'
import { activeListing, bookAndPay, makeWorld } from './engine-fixtures.js'
import { failure, newUser, requestStay } from './more-fixtures.js'

/*
 * Fixture prices, two nights: guest total 253.00; host payout 220.00 − 3 % commission (6.60) = 213.40.
 * A firm cancellation 10 days out refunds 105.00, so 148.00 is retained; the host's share of it is
 * 213.40 × 148/253 = 124.83.
 */
describe('host report', () => {
  it('counts bookings by state, booked nights, occupancy, revenue, payout and refunds, pro-rated to the period', async () => {
    const w = await makeWorld()
    const { run, useCases, adapters } = w.engine
    const l = await activeListing(w, { cancellationPolicy: 'firm' })
    const completed = await bookAndPay(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    const cancelled = await bookAndPay(w, l.id, { checkIn: '2026-04-20', checkOut: '2026-04-22' })
    // Straddles the end of April: one of its two nights is in the period.
    const straddling = await bookAndPay(w, l.id, { checkIn: '2026-04-30', checkOut: '2026-05-02' })
    await requestStay(w, l.id, { checkIn: '2026-04-25', checkOut: '2026-04-27' }, w.other)
    adapters.clock.advance(15 * MINUTE)
    await w.engine.tick() // the unpaid request expires
    adapters.clock.set(cancelled.points.checkInAt! - 10 * DAY)
    await run(useCases.cancelBooking.execute(w.guest, cancelled.id))
    adapters.clock.set(completed.points.checkInAt!)
    await w.engine.tick()
    adapters.clock.set(completed.points.checkOutAt!)
    await w.engine.tick()

    const report = await run(useCases.hostReport.execute(w.host, { from: '2026-04-01', to: '2026-05-01' }))
    expect(report.nights).toBe(30)
    expect(report.listings).toHaveLength(1)
    const row = report.listings[0]!
    expect(row.bookings).toMatchObject({
      completed: 1,
      confirmed: 1,
      cancelled: 1,
      expired: 1,
      pending_payment: 0,
    })
    expect(row.bookedNights).toBe(3)
    expect(row.availableNights).toBe(30)
    expect(row.occupancy).toBeCloseTo(0.1, 10)
    expect(row.revenue).toBe(25_300 + 14_800 + 12_650)
    expect(row.hostPayout).toBe(21_340 + 12_483 + 10_670)
    expect(row.refunds).toBe(10_500)
    expect(report.totals.money).toEqual([
      { currency: 'EUR', revenue: row.revenue, hostPayout: row.hostPayout, refunds: 10_500 },
    ])
    expect(straddling.quote.guestTotal).toBe(25_300)

    // May holds the other half of the straddling stay: the two halves add up to its whole total.
    const may = await run(useCases.hostReport.execute(w.host, { from: '2026-05-01', to: '2026-06-01' }))
    expect(may.listings[0]?.revenue).toBe(25_300 - 12_650)
    expect(may.listings[0]?.bookedNights).toBe(1)
  })

  it('a host sees only their own listings; another host’s is ListingNotFound and naming another host is Forbidden', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    const otherHost = await newUser(w, ['host'])
    const theirs = await run(useCases.hostReport.execute(otherHost, { from: '2026-04-01', to: '2026-05-01' }))
    expect(theirs.listings).toHaveLength(0)
    expect(
      await failure(
        run(
          useCases.hostReport.execute(otherHost, { from: '2026-04-01', to: '2026-05-01', listingId: l.id }),
        ),
      ),
    ).toMatchObject({ _tag: 'ListingNotFound' })
    const hostId = w.host.kind === 'user' ? w.host.userId : ''
    expect(
      await failure(
        run(useCases.hostReport.execute(otherHost, { from: '2026-04-01', to: '2026-05-01', hostId })),
      ),
    ).toMatchObject({ _tag: 'Forbidden' })
    const byAdmin = await run(
      useCases.hostReport.execute(w.admin, { from: '2026-04-01', to: '2026-05-01', hostId }),
    )
    expect(byAdmin.listings.map((r) => r.listingId)).toEqual([l.id])
    expect(
      await failure(run(useCases.hostReport.execute(w.guest, { from: '2026-04-01', to: '2026-05-01' }))),
    ).toMatchObject({ _tag: 'Forbidden' })
  })

  it('a period longer than 366 nights, or empty, is a validation failure', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    expect(
      await failure(run(useCases.hostReport.execute(w.host, { from: '2026-01-01', to: '2027-01-03' }))),
    ).toMatchObject({
      _tag: 'ValidationFailed',
    })
    expect(
      await failure(run(useCases.hostReport.execute(w.host, { from: '2026-01-01', to: '2026-01-01' }))),
    ).toMatchObject({
      _tag: 'ValidationFailed',
    })
  })
})
