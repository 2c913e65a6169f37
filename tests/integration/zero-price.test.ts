import { describe, expect, it } from 'vitest'
import { activeListing, listingInput, makeWorld } from './engine-fixtures.js'
import { failure } from './more-fixtures.js'

/**
 * Issue 15, money edge cases: a stay whose total is zero could be booked and then never paid (a
 * season at nightly 0 → quote 0 → booking 201 → checkout 402, stuck in pending_payment). The choice
 * made: it is refused. A nightly price (base, weekend, season, calendar override) must be at least
 * one minor unit when it is set, and a stay that still comes to nothing (a 100% length discount and
 * no fees) is refused when it is quoted or booked, with StayRestrictionViolated `zero_price`.
 */
describe('a stay must cost something', () => {
  it('a season or weekend price of 0 is refused when the price is set', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    for (const pricing of [
      { baseNightly: 10_000, seasons: [{ from: '2026-07-01', to: '2026-08-01', nightly: 0 }] },
      { baseNightly: 10_000, weekendNightly: 0 },
    ]) {
      const err = await failure(
        run(
          useCases.createListing.execute(w.host, {
            ...listingInput({}),
            pricing,
          }),
        ),
      )
      expect(err).toMatchObject({ _tag: 'ValidationFailed' })
    }
  })

  it('a stay discounted to nothing with no fees is refused as zero_price, and no booking is made', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w, { pricing: { baseNightly: 5_000, weeklyDiscountBp: 10_000 } })
    const stay = { listingId: l.id, checkIn: '2026-04-06', checkOut: '2026-04-13', guests: 1 }
    const quoted = await failure(
      run(
        useCases.quoteStay.execute(w.guest, l.id, {
          checkIn: stay.checkIn,
          checkOut: stay.checkOut,
          guests: 1,
        }),
      ),
    )
    expect(quoted).toMatchObject({ _tag: 'StayRestrictionViolated', rule: 'zero_price' })
    const booked = await failure(run(useCases.requestBooking.execute(w.guest, stay)))
    expect(booked).toMatchObject({ _tag: 'StayRestrictionViolated', rule: 'zero_price' })
    const mine = await run(useCases.listGuestBookings.execute(w.guest, {}))
    expect(mine.items).toEqual([])
    // Six nights are not discounted: they cost something and can be booked.
    const shorter = await run(useCases.requestBooking.execute(w.guest, { ...stay, checkOut: '2026-04-12' }))
    expect(shorter.quote.guestTotal).toBeGreaterThan(0)
  })
})
