import { describe, expect, it } from 'vitest'
import { GetHostReport } from '../../../core/application/get-host-report.js'
import { hostReport, proRate } from '../../../core/domain/reports/host-report.js'
import { localDate } from '../../../core/domain/shared/dates.js'
import { asId } from '../../../core/domain/shared/ids.js'
import { untyped } from '../../support/untyped.js'
import { as, EUR, failure, makeBooking, makeListing, run, stay, world } from './harness.js'

const period = { from: localDate('2026-03-01'), to: localDate('2026-03-11') }
const lst1 = makeListing('lst_1')
const hotel = makeListing('lst_h', { units: 3, currency: EUR })
const otherHosts = makeListing('lst_x', { hostId: asId('user', 'usr_other') })

const bookings = [
  // 5 nights, 3 before the period and 2 inside.
  makeBooking('b1', {
    state: 'confirmed',
    stay: stay('2026-02-26', '2026-03-03'),
    guestTotal: 50_000,
    hostPayout: 45_000,
  }),
  makeBooking('b2', {
    state: 'completed',
    stay: stay('2026-03-05', '2026-03-08'),
    guestTotal: 30_001,
    hostPayout: 27_000,
  }),
  // Cancelled: 10 000 of 30 000 kept, 20 000 refunded; no nights.
  makeBooking('b3', {
    state: 'cancelled',
    stay: stay('2026-03-08', '2026-03-10'),
    guestTotal: 30_000,
    hostPayout: 27_000,
    paidAmount: 10_000,
    refundedAmount: 20_000,
  }),
  makeBooking('b4', { state: 'pending_payment', stay: stay('2026-03-09', '2026-03-10'), paidAmount: 0 }),
  // 5 nights, 1 inside.
  makeBooking('b5', {
    state: 'completed',
    stay: stay('2026-03-10', '2026-03-15'),
    guestTotal: 10_000,
    hostPayout: 9_000,
  }),
  // Starts on the first night after the period: not part of it.
  makeBooking('b6', { state: 'confirmed', stay: stay('2026-03-11', '2026-03-12') }),
  makeBooking('b7', {
    listingId: hotel.id,
    state: 'in_progress',
    stay: stay('2026-03-01', '2026-03-11'),
    guestTotal: 100_000,
    hostPayout: 90_000,
  }),
]

describe('hostReport (pure)', () => {
  const report = hostReport([lst1, hotel], bookings, period)
  const row = report.listings[0]!

  it('counts bookings overlapping the period by state', () => {
    expect(row.bookings).toMatchObject({
      confirmed: 1,
      completed: 2,
      cancelled: 1,
      pending_payment: 1,
      expired: 0,
    })
    expect(report.nights).toBe(10)
  })

  it('booked nights are the occupied bookings’ nights inside the period; occupancy over units × nights', () => {
    expect(row.bookedNights).toBe(2 + 3 + 1)
    expect(row.availableNights).toBe(10)
    expect(row.occupancy).toBeCloseTo(0.6)
    const h = report.listings[1]!
    expect(h.bookedNights).toBe(10)
    expect(h.availableNights).toBe(30)
    expect(h.occupancy).toBeCloseTo(1 / 3)
  })

  it('revenue and payout are pro-rated by nights inside; a cancelled booking brings only what was retained', () => {
    // b1 2/5 of 50 000, b2 all of 30 001, b3 retained 10 000, b5 1/5 of 10 000.
    expect(row.revenue).toBe(20_000 + 30_001 + 10_000 + 2_000)
    // b3: the host's share of the retained 10 000 is 27 000 / 30 000 of it.
    expect(row.hostPayout).toBe(18_000 + 27_000 + 9_000 + 1_800)
    expect(row.refunds).toBe(20_000)
  })

  it('totals add the listings up, keeping each currency apart', () => {
    expect(report.totals.bookedNights).toBe(16)
    expect(report.totals.availableNights).toBe(40)
    expect(report.totals.occupancy).toBeCloseTo(0.4)
    expect(report.totals.bookings.in_progress).toBe(1)
    expect(report.totals.money).toEqual([
      { currency: 'EUR', revenue: 100_000, hostPayout: 90_000, refunds: 0 },
      { currency: 'USD', revenue: row.revenue, hostPayout: row.hostPayout, refunds: 20_000 },
    ])
  })

  it('a listing without bookings has zeros, not gaps', () => {
    const empty = hostReport([makeListing('lst_e')], [], period).listings[0]!
    expect(empty).toMatchObject({ bookedNights: 0, occupancy: 0, revenue: 0, hostPayout: 0, refunds: 0 })
  })

  it('pro-rating rounds cumulatively: the parts over adjacent periods add up to the whole', () => {
    expect([0, 1, 2].map((i) => proRate(10_000, 3, i, 1))).toEqual([3_333, 3_334, 3_333])
    const b = [
      makeBooking('b', { stay: stay('2026-03-01', '2026-03-04'), guestTotal: 10_001, hostPayout: 9_001 }),
    ]
    const days = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'].map(localDate)
    let revenue = 0
    let payout = 0
    for (let i = 0; i < 3; i++) {
      const r = hostReport([lst1], b, { from: days[i]!, to: days[i + 1]! }).listings[0]!
      revenue += r.revenue
      payout += r.hostPayout
    }
    expect([revenue, payout]).toEqual([10_001, 9_001])
  })
})

const setup = async () => {
  const w = world()
  for (const l of [lst1, hotel, otherHosts]) await run(w.listings.save(l, []))
  for (const b of bookings) await run(w.bookings.save(b, []))
  await run(w.bookings.save(makeBooking('bx', { listingId: otherHosts.id, hostId: otherHosts.hostId }), []))
  return { w, uc: new GetHostReport(w) }
}
const hostCaller = as('usr_host', 'host')
const input = { from: '2026-03-01', to: '2026-03-11' }

describe('GetHostReport', () => {
  it('reports on every listing of the calling host, and on no one else’s', async () => {
    const { uc } = await setup()
    const r = await run(uc.execute(hostCaller, input))
    expect(r.listings.map((l) => l.listingId).sort()).toEqual(['lst_1', 'lst_h'])
    expect(r.totals.bookedNights).toBe(16)
  })

  it('narrows to one of the host’s listings', async () => {
    const { uc } = await setup()
    const r = await run(uc.execute(hostCaller, { ...input, listingId: 'lst_h' }))
    expect(r.listings.map((l) => l.listingId)).toEqual(['lst_h'])
  })

  it('another host’s listing, or a missing one, is ListingNotFound', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute(hostCaller, { ...input, listingId: 'lst_x' })))._tag).toBe(
      'ListingNotFound',
    )
    expect((await failure(uc.execute(hostCaller, { ...input, listingId: 'lst_no' })))._tag).toBe(
      'ListingNotFound',
    )
  })

  it('an admin may report on any host', async () => {
    const { uc } = await setup()
    const r = await run(uc.execute(as('usr_admin', 'admin'), { ...input, hostId: 'usr_other' }))
    expect(r.listings.map((l) => l.listingId)).toEqual(['lst_x'])
    const one = await run(uc.execute(as('usr_admin', 'admin'), { ...input, listingId: 'lst_1' }))
    expect(one.listings.map((l) => l.listingId)).toEqual(['lst_1'])
  })

  it('a non-host, or a host asking about another host, is Forbidden', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute(as('usr_guest', 'guest'), input)))._tag).toBe('Forbidden')
    expect((await failure(uc.execute(hostCaller, { ...input, hostId: 'usr_other' })))._tag).toBe('Forbidden')
  })

  it('the period must be real dates, half-open, non-empty and at most 366 nights (else ValidationFailed)', async () => {
    const { uc } = await setup()
    for (const bad of [
      { from: '2026-03-01', to: '2026-03-01' },
      { from: '2026-03-02', to: '2026-03-01' },
      { from: '2026-01-01', to: '2027-01-03' },
      { from: '2026-02-30', to: '2026-03-10' },
      { from: '2026-03-01' },
    ])
      expect((await failure(uc.execute(hostCaller, untyped(bad))))._tag).toBe('ValidationFailed')
    const year = await run(uc.execute(hostCaller, { from: '2026-01-01', to: '2027-01-02' }))
    expect(year.nights).toBe(366)
  })
})
