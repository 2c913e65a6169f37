import type { Booking } from '../bookings/booking.js'
import { type BookingState, bookingStates } from '../bookings/lifecycle.js'
import type { Listing } from '../listings/listing.js'
import { daysBetween, type LocalDate, toEpochDay } from '../shared/dates.js'
import type { ListingId } from '../shared/ids.js'
import type { Currency } from '../shared/money.js'

/** A report period: the half-open range of nights `[from, to)`, like a stay. */
export interface ReportPeriod {
  readonly from: LocalDate
  readonly to: LocalDate
}

export type StateCounts = Readonly<Record<BookingState, number>>

/** One listing's figures for the period. Amounts are minor units of the listing's currency. */
export interface ListingReport {
  readonly listingId: ListingId
  readonly title: string
  readonly currency: Currency
  readonly units: number
  /** Bookings whose stay overlaps the period, by state. */
  readonly bookings: StateCounts
  /** Nights of occupied bookings (confirmed, in progress, completed) inside the period. */
  readonly bookedNights: number
  /** units × nights in the period. */
  readonly availableNights: number
  /** bookedNights / availableNights, 0 when there is nothing to sell. */
  readonly occupancy: number
  /** Guest totals of occupied bookings and retained amounts of cancelled ones, pro-rated by night. */
  readonly revenue: number
  /** The host's side of that revenue, pro-rated the same way. */
  readonly hostPayout: number
  /** Money given back to guests, pro-rated the same way. */
  readonly refunds: number
}

export interface MoneyTotals {
  readonly currency: Currency
  readonly revenue: number
  readonly hostPayout: number
  readonly refunds: number
}

export interface HostReport {
  readonly period: ReportPeriod
  /** Nights in the period. */
  readonly nights: number
  readonly listings: readonly ListingReport[]
  readonly totals: {
    readonly bookings: StateCounts
    readonly bookedNights: number
    readonly availableNights: number
    readonly occupancy: number
    /** Money never mixes currencies: one line per currency, sorted by code. */
    readonly money: readonly MoneyTotals[]
  }
}

/** States in which a booking occupies its nights for the report. */
export const occupiedStates: readonly BookingState[] = ['confirmed', 'in_progress', 'completed']

const zeroCounts = (): Record<BookingState, number> =>
  Object.fromEntries(bookingStates.map((s) => [s, 0])) as Record<BookingState, number>

/** Half away from zero, the one rounding rule of innkeeper. */
const round = (x: number): number => Math.sign(x) * Math.round(Math.abs(x))

/**
 * The part of `amount` (spread evenly over an `n`-night stay) that falls on the `inside` nights
 * after the first `before` ones. Rounded cumulatively, so the parts of one stay over adjacent
 * periods always add up to exactly `amount`.
 */
export const proRate = (amount: number, n: number, before: number, inside: number): number =>
  n <= 0 ? 0 : round((amount * (before + inside)) / n) - round((amount * before) / n)

/** How many of the stay's nights lie inside the period, and how many before it. */
export const nightsInPeriod = (
  b: Pick<Booking, 'stay'>,
  period: ReportPeriod,
): { before: number; inside: number } => {
  const checkIn = toEpochDay(b.stay.checkIn)
  const from = toEpochDay(period.from)
  const inside = Math.min(toEpochDay(b.stay.checkOut), toEpochDay(period.to)) - Math.max(checkIn, from)
  return { before: Math.max(0, from - checkIn), inside: Math.max(0, inside) }
}

const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0)

/** One booking's contribution to its listing's figures. */
const contribution = (b: Booking, period: ReportPeriod) => {
  const { before, inside } = nightsInPeriod(b, period)
  const n = daysBetween(b.stay.checkIn, b.stay.checkOut)
  const part = (amount: number) => proRate(amount, n, before, inside)
  const refunds = part(b.refundedAmount)
  if (occupiedStates.includes(b.state))
    return {
      nights: inside,
      revenue: part(b.quote.guestTotal),
      hostPayout: part(b.quote.hostPayout),
      refunds,
    }
  if (b.state === 'cancelled') {
    // What the guest did not get back is kept; the host's share of it is in proportion to the quote.
    const retained = Math.max(0, b.paidAmount)
    const hostShare =
      b.quote.guestTotal > 0
        ? Math.min(retained, round((b.quote.hostPayout * retained) / b.quote.guestTotal))
        : 0
    return { nights: 0, revenue: part(retained), hostPayout: part(hostShare), refunds }
  }
  return { nights: 0, revenue: 0, hostPayout: 0, refunds }
}

/**
 * A host's report over a period, per listing and in total: bookings by state, booked nights,
 * occupancy, revenue, payout and refunds. Only bookings whose stay overlaps the period count, and
 * money is pro-rated by the nights of each stay that lie inside it (from the quote snapshots).
 * Confirmed, in-progress and completed bookings occupy nights and bring their guest total; a
 * cancelled booking brings only what was retained (`paidAmount`), and no nights. Pure.
 */
export const hostReport = (
  listings: readonly Listing[],
  bookings: readonly Booking[],
  period: ReportPeriod,
): HostReport => {
  const nights = Math.max(0, daysBetween(period.from, period.to))
  const byListing = new Map<string, Booking[]>()
  for (const b of bookings) {
    if (!(b.stay.checkIn < period.to && period.from < b.stay.checkOut)) continue
    const list = byListing.get(b.listingId)
    if (list) list.push(b)
    else byListing.set(b.listingId, [b])
  }
  const seen = new Set<string>()
  const rows: ListingReport[] = []
  for (const l of listings) {
    if (seen.has(l.id)) continue
    seen.add(l.id)
    const counts = zeroCounts()
    let bookedNights = 0
    let revenue = 0
    let hostPayout = 0
    let refunds = 0
    for (const b of byListing.get(l.id) ?? []) {
      counts[b.state] += 1
      const c = contribution(b, period)
      bookedNights += c.nights
      revenue += c.revenue
      hostPayout += c.hostPayout
      refunds += c.refunds
    }
    const availableNights = l.units * nights
    rows.push({
      listingId: l.id,
      title: l.title,
      currency: l.currency,
      units: l.units,
      bookings: counts,
      bookedNights,
      availableNights,
      occupancy: ratio(bookedNights, availableNights),
      revenue,
      hostPayout,
      refunds,
    })
  }

  const totalCounts = zeroCounts()
  const money = new Map<Currency, { revenue: number; hostPayout: number; refunds: number }>()
  let bookedNights = 0
  let availableNights = 0
  for (const r of rows) {
    for (const s of bookingStates) totalCounts[s] += r.bookings[s]
    bookedNights += r.bookedNights
    availableNights += r.availableNights
    const m = money.get(r.currency) ?? { revenue: 0, hostPayout: 0, refunds: 0 }
    money.set(r.currency, {
      revenue: m.revenue + r.revenue,
      hostPayout: m.hostPayout + r.hostPayout,
      refunds: m.refunds + r.refunds,
    })
  }
  return {
    period,
    nights,
    listings: rows,
    totals: {
      bookings: totalCounts,
      bookedNights,
      availableNights,
      occupancy: ratio(bookedNights, availableNights),
      money: [...money]
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .map(([currency, m]) => ({ currency, ...m })),
    },
  }
}
