import { describe, expect, it } from 'vitest'
import { runDemo } from '../../apps/demo/run-demo.js'

describe('npm start: the scripted marketplace demo', () => {
  it('runs the whole story and reports a confirmed, a completed, a cancelled, a declined and an expired booking', async () => {
    const lines: string[] = []
    const d = await runDemo({ write: (l) => lines.push(l) })
    expect(d.users).toEqual({ hosts: 2, guests: 3, admins: 1 })
    expect(d.listings).toMatchObject({
      total: 12,
      active: 12,
      byCity: { Lisbon: 4, 'New York': 4, Tokyo: 4 },
    })
    expect(d.search.hits).toBeGreaterThan(0)
    expect(d.bookings.byKey).toMatchObject({
      alfama: 'completed',
      belem: 'completed',
      brooklyn: 'completed',
      'midtown-emi': 'completed',
      nakameguro: 'confirmed',
      chiado: 'cancelled',
      asakusa: 'declined',
      shinjuku: 'expired',
    })
    expect(d.bookings.byState).toMatchObject({
      confirmed: 1,
      completed: 7,
      cancelled: 1,
      declined: 1,
      expired: 1,
    })
    expect(d.bookings.byState.pending_payment + d.bookings.byState.awaiting_host).toBe(0)
    // Firm policy 17 days out: half the nights (3 × €70.00 / 2) and their share of the 4 % tax.
    expect(d.refunds).toEqual([{ booking: 'chiado', state: 'cancelled', amount: 10_920, currency: 'EUR' }])
    const eur = d.money.find((m) => m.currency === 'EUR')
    expect(eur?.refunded).toBe(10_920)
    expect(eur?.net).toBe(eur!.captured - eur!.refunded)
    expect(d.payments.byStatus.voided).toBe(2) // the declined request's authorization and the failed card
    expect(d.reviews).toMatchObject({ posted: 7, revealed: 7 })
    expect(d.reviews.ratings.alfama).toBe(5)
    expect(d.events.pending).toBe(0)
    expect(d.events.byType['innkeeper.payment.failed.v1']).toBe(1)
    expect(d.events.byType['innkeeper.booking.modified.v1']).toBe(1)
    expect(d.notifications.byTemplate).toMatchObject({
      booking_declined: 1,
      payment_failed: 1,
      booking_expired: 1,
    })
    expect(d.wishlist).toBe(2)
    expect(d.hosts.map((h) => h.report.totals.bookedNights)).toEqual([14, 17])
    expect(lines.some((l) => l.includes('Bookings by state'))).toBe(true)
    expect(lines.some((l) => l.includes('€109.20'))).toBe(true)
  })

  it('never oversells a night: held + booked ≤ units on every listing calendar', async () => {
    const d = await runDemo()
    expect(d.invariants.nightsChecked).toBe(12 * 122)
    expect(d.invariants.oversold).toBe(0)
    expect(d.invariants.maxBookedHotelNight).toBeLessThanOrEqual(5)
  })

  it('is deterministic: two runs print the same lines', async () => {
    const a: string[] = []
    const b: string[] = []
    await runDemo({ write: (l) => a.push(l) })
    await runDemo({ write: (l) => b.push(l) })
    expect(a).toEqual(b)
  })
})
