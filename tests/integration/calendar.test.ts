import { describe, expect, it } from 'vitest'
import { activeListing, bookAndPay, makeWorld } from './engine-fixtures.js'
import { calendar, failure, newUser, requestStay } from './more-fixtures.js'

const stay = { checkIn: '2026-04-13', checkOut: '2026-04-16', guests: 2 } // Monday to Thursday

describe('calendar', () => {
  it('blocked nights: quote and booking fail with NightsUnavailable naming them; unblocking frees them', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    await run(
      useCases.setCalendar.execute(w.host, l.id, { from: '2026-04-14', to: '2026-04-16', blocked: true }),
    )
    const nights = await calendar(w, l.id, '2026-04-13', '2026-04-17', w.guest)
    expect(nights.map((n) => [n.blocked, n.available])).toEqual([
      [false, 1],
      [true, 0],
      [true, 0],
      [false, 1],
    ])
    const expected = {
      _tag: 'NightsUnavailable',
      code: 'nights_unavailable',
      nights: ['2026-04-14', '2026-04-15'],
    }
    expect(await failure(run(useCases.quoteStay.execute(w.guest, l.id, stay)))).toMatchObject(expected)
    expect(await failure(requestStay(w, l.id, stay))).toMatchObject(expected)
    await run(
      useCases.setCalendar.execute(w.host, l.id, { from: '2026-04-14', to: '2026-04-16', blocked: false }),
    )
    expect((await requestStay(w, l.id, stay)).state).toBe('pending_payment')
  })

  it('blocking nights never touches a booking already made', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w)
    const b = await bookAndPay(w, l.id, stay)
    await run(
      useCases.setCalendar.execute(w.host, l.id, { from: '2026-04-01', to: '2026-05-01', blocked: true }),
    )
    expect((await run(useCases.getBooking.execute(w.guest, b.id))).state).toBe('confirmed')
    const nights = await calendar(w, l.id, '2026-04-13', '2026-04-16')
    expect(nights.map((n) => n.booked)).toEqual([1, 1, 1])
  })

  it('a price override replaces the nightly price of its nights, and the quote follows', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w, { pricing: { baseNightly: 10_000 } })
    const before = await run(useCases.quoteStay.execute(w.guest, l.id, stay))
    expect(before.nights.map((n) => n.amount)).toEqual([10_000, 10_000, 10_000])
    await run(
      useCases.setCalendar.execute(w.host, l.id, {
        from: '2026-04-14',
        to: '2026-04-15',
        priceOverride: 25_000,
      }),
    )
    const after = await run(useCases.quoteStay.execute(w.guest, l.id, stay))
    expect(after.nights.map((n) => [n.amount, n.source])).toEqual([
      [10_000, 'base'],
      [25_000, 'override'],
      [10_000, 'base'],
    ])
    const nightsLines = (q: typeof before) =>
      q.guestLines.filter((x) => x.code === 'nights').reduce((a, x) => a + x.amount, 0)
    expect(nightsLines(after) - nightsLines(before)).toBe(15_000)
    expect(after.guestTotal).toBeGreaterThan(before.guestTotal)
    const nights = await calendar(w, l.id, '2026-04-13', '2026-04-16', w.guest)
    expect(nights.map((n) => n.price)).toEqual([10_000, 25_000, 10_000])
    // Clearing it brings the base price back.
    await run(
      useCases.setCalendar.execute(w.host, l.id, {
        from: '2026-04-14',
        to: '2026-04-15',
        priceOverride: null,
      }),
    )
    expect((await run(useCases.quoteStay.execute(w.guest, l.id, stay))).guestTotal).toBe(before.guestTotal)
  })

  it('a surge factor multiplies the nightly price of its nights (×1.5 = 15 000 bp)', async () => {
    const w = await makeWorld()
    const { run, useCases } = w.engine
    const l = await activeListing(w, { pricing: { baseNightly: 10_000 } })
    await run(
      useCases.setCalendar.execute(w.host, l.id, { from: '2026-04-13', to: '2026-04-15', surgeBp: 15_000 }),
    )
    const q = await run(useCases.quoteStay.execute(w.guest, l.id, stay))
    expect(q.nights.map((n) => [n.amount, n.surgeBp])).toEqual([
      [15_000, 15_000],
      [15_000, 15_000],
      [10_000, null],
    ])
    expect(q.guestLines.find((x) => x.code === 'nights' && x.unitAmount === 15_000)?.quantity).toBe(2)
    const b = await bookAndPay(w, l.id, stay)
    expect(b.quote.guestTotal).toBe(q.guestTotal)
  })

  it('the host sees held and booked counts; a guest sees only what is available', async () => {
    const w = await makeWorld()
    const l = await activeListing(w, { units: 3, propertyType: 'hotel', roomType: 'hotel_room' })
    await requestStay(w, l.id, { checkIn: '2026-04-13', checkOut: '2026-04-15' }) // held
    await bookAndPay(w, l.id, { checkIn: '2026-04-14', checkOut: '2026-04-16' }, w.other) // booked
    const host = await calendar(w, l.id, '2026-04-13', '2026-04-16', w.host)
    expect(host.map((n) => [n.units, n.held, n.booked, n.available])).toEqual([
      [3, 1, 0, 2],
      [3, 1, 1, 1],
      [3, 0, 1, 2],
    ])
    const guest = await calendar(w, l.id, '2026-04-13', '2026-04-16', w.guest)
    expect(guest.map((n) => n.available)).toEqual([2, 1, 2])
    for (const n of guest) {
      expect(n).not.toHaveProperty('held')
      expect(n).not.toHaveProperty('booked')
    }
  })

  it('another host cannot change the calendar: the listing is not found for them', async () => {
    const w = await makeWorld()
    const l = await activeListing(w)
    const otherHost = await newUser(w, ['host'])
    const err = await failure(
      w.engine.run(
        w.engine.useCases.setCalendar.execute(otherHost, l.id, {
          from: '2026-04-13',
          to: '2026-04-14',
          blocked: true,
        }),
      ),
    )
    expect(err).toMatchObject({ _tag: 'ListingNotFound' })
    expect((await calendar(w, l.id, '2026-04-13', '2026-04-14'))[0]?.blocked).toBe(false)
  })
})
