import { Effect, Option } from 'effect'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { type BookingState, bookingStates } from '../../core/domain/bookings/lifecycle.js'
import { fromEpochDay, type LocalDate, toEpochDay } from '../../core/domain/shared/dates.js'
import type { BookingId } from '../../core/domain/shared/ids.js'
import type { InMemoryEngine } from '../composition/in-memory-engine.js'
import type { Marketplace } from './marketplace.js'

/**
 * The final state, read straight from the adapters and checked by rules written out here, apart
 * from the code that produced it: the transition table of DESIGN.md, nights summed per listing
 * against the bookings that hold them, money against the payment provider's own records.
 */

/**
 * The moves DESIGN.md allows between the booking states, restated for the audit: the histories
 * the engine recorded are checked against this, not against the table that produced them.
 */
const MOVES = new Set([
  'pending_payment>confirmed',
  'pending_payment>awaiting_host',
  'awaiting_host>confirmed',
  'awaiting_host>declined',
  'pending_payment>expired',
  'awaiting_host>expired',
  'confirmed>in_progress',
  'in_progress>completed',
  'pending_payment>cancelled',
  'awaiting_host>cancelled',
  'confirmed>cancelled',
  'in_progress>cancelled',
])
/** States whose nights count as sold, and states whose nights are only held. */
const SOLD = new Set<string>(['confirmed', 'in_progress', 'completed'])
const HELD = new Set<string>(['pending_payment', 'awaiting_host'])
const RELEASED = new Set<string>(['cancelled', 'declined', 'expired'])

export interface Invariants {
  /** Listing-nights sold beyond their units, or where the calendar could sell a night already sold. */
  readonly oversold_nights: number
  /** Bookings in a sold state whose payments, at the provider, net less than their quote's total. */
  readonly confirmed_without_payment: number
  /** Payments or bookings with more refunded than was captured. */
  readonly refunds_exceeding_payment: number
  /** Recorded moves not in the transition table, or histories that do not end in the booking's state. */
  readonly illegal_transitions: number
  /**
   * Holds or nights still taken for bookings that no longer have them: allocations of closed
   * bookings, held nights no pending booking covers, pending bookings past their deadline.
   */
  readonly leaked_holds: number
  /**
   * Host payouts the bookings do not back: a payout after which a host had been paid, in total,
   * more than its bookings had earned and were payable by then (kept stays: the quote's host payout;
   * cancelled ones: the host's share of what was retained, from the cancellation on); and hosts
   * whose transfers at the provider differ from the payouts recorded as paid (a payout made twice).
   */
  readonly payouts_exceeding_earnings: number
}

export interface Occupancy {
  readonly bookedNights: number
  /** Unit-nights that could be sold: units × nights, less blocked nights nobody had booked. */
  readonly sellableNights: number
  readonly occupancy: number
}

export interface MonthMoney {
  readonly month: string
  readonly payIn: number
  readonly refunds: number
}

export interface CurrencyMoney {
  readonly currency: string
  /** Captured from guests (bookings and modification top-ups), at the provider. */
  readonly payIn: number
  readonly refunds: number
  /** payIn − refunds. */
  readonly net: number
  /** The hosts' side of kept stays, and their share of what cancelled bookings retained. */
  readonly hostPayouts: number
  /** Guest service fees and host commissions, in the same way. */
  readonly platformFees: number
  readonly taxes: number
  /** net − (payouts + fees + taxes): money captured that no booking accounts for. 0 when books balance. */
  readonly unaccounted: number
  readonly byMonth: readonly MonthMoney[]
}

export interface ReviewFigures {
  readonly count: number
  readonly revealed: number
  /** Average overall rating, 2 decimals; null with no reviews. */
  readonly average: number | null
}

export interface AuditedState {
  readonly bookings: {
    readonly total: number
    readonly byState: Readonly<Record<BookingState, number>>
    /** Bookings that were confirmed at some point (instantly, or by the host accepting). */
    readonly everConfirmed: number
    /** Bookings whose dates or guests changed at least once. */
    readonly modified: number
    readonly cancelledBy: Readonly<Record<string, number>>
    /** Bookings refunded something, and how many were refunded in full. */
    readonly refunded: number
    readonly refundedInFull: number
    readonly nightsSold: number
  }
  readonly occupancy: {
    readonly overall: Occupancy
    readonly byCity: Readonly<Record<string, Occupancy>>
    readonly byMonth: Readonly<Record<string, Occupancy>>
    /** Overall occupancy of each simulated day, in order. */
    readonly daily: readonly number[]
  }
  readonly money: readonly CurrencyMoney[]
  readonly reviews: {
    readonly guestToListing: ReviewFigures
    readonly hostToGuest: ReviewFigures
    readonly categoryAverages: Readonly<Record<string, number>>
  }
  readonly invariants: Invariants
  /** How much the audit looked at. */
  readonly checked: {
    readonly bookings: number
    readonly payments: number
    readonly listingNights: number
    readonly reviews: number
    readonly payouts: number
  }
}

const occ = (booked: number, sellable: number): Occupancy => ({
  bookedNights: booked,
  sellableNights: sellable,
  occupancy: sellable > 0 ? Math.round((booked / sellable) * 10_000) / 10_000 : 0,
})
const round2 = (x: number): number => Math.round(x * 100) / 100
const monthOf = (t: number): string => new Date(t).toISOString().slice(0, 7)
/** Half away from zero, as the engine rounds. */
const roundHalf = (x: number): number => Math.sign(x) * Math.round(Math.abs(x))

/** Reads and checks everything; `from` + `days` is the simulated period (for occupancy). */
export const audit = (
  engine: InMemoryEngine,
  market: Marketplace,
  bookingIds: readonly BookingId[],
  period: { readonly from: LocalDate; readonly days: number },
  /** Hours after check-in when a stay's earning becomes payable to its host (the engine's setting). */
  payoutDelayHours = 24,
): Promise<AuditedState> => {
  const a = engine.adapters
  const now = a.clock.now()
  return Effect.runPromise(
    Effect.gen(function* () {
      const inv = {
        oversold_nights: 0,
        confirmed_without_payment: 0,
        refunds_exceeding_payment: 0,
        illegal_transitions: 0,
        leaked_holds: 0,
        payouts_exceeding_earnings: 0,
      }
      /** Per host and currency: what each booking earns, from when, and from when a cancellation cuts it. */
      const earnings = new Map<
        string,
        {
          payableAt: number
          confirmedAt: number | null
          full: number
          cancelledAt: number | null
          cut: number
        }[]
      >()
      const byState = Object.fromEntries(bookingStates.map((s) => [s, 0])) as Record<BookingState, number>
      const cancelledBy: Record<string, number> = {}
      let everConfirmed = 0
      let modified = 0
      let refunded = 0
      let refundedInFull = 0
      let paymentsChecked = 0
      let nightsSold = 0
      const money = new Map<
        string,
        {
          payIn: number
          refunds: number
          payouts: number
          fees: number
          taxes: number
          months: Map<string, MonthMoney>
        }
      >()
      const moneyOf = (c: string) => {
        let m = money.get(c)
        if (m === undefined) {
          m = { payIn: 0, refunds: 0, payouts: 0, fees: 0, taxes: 0, months: new Map() }
          money.set(c, m)
        }
        return m
      }
      const addMonth = (c: string, month: string, payIn: number, refunds: number) => {
        const m = moneyOf(c).months
        const row = m.get(month) ?? { month, payIn: 0, refunds: 0 }
        m.set(month, { month, payIn: row.payIn + payIn, refunds: row.refunds + refunds })
      }

      const bookingsByListing = new Map<string, Booking[]>()
      const reviewStats = {
        guest_to_listing: { count: 0, revealed: 0, sum: 0 },
        host_to_guest: { count: 0, revealed: 0, sum: 0 },
      }
      const categorySums: Record<string, { sum: number; n: number }> = {}
      let reviewsChecked = 0

      for (const id of bookingIds) {
        const found = yield* a.bookings.byId(id)
        if (Option.isNone(found)) {
          inv.illegal_transitions++
          continue
        }
        const b = found.value
        byState[b.state]++
        const list = bookingsByListing.get(b.listingId)
        if (list === undefined) bookingsByListing.set(b.listingId, [b])
        else list.push(b)

        // The history walks the table from pending_payment and ends in the booking's state.
        let state: string = 'pending_payment'
        let confirmedAt: number | null = null
        for (const h of b.history) {
          if (h.from !== state || !MOVES.has(`${h.from}>${h.to}`)) inv.illegal_transitions++
          if (h.to === 'confirmed' && confirmedAt === null) confirmedAt = h.at
          state = h.to
        }
        if (state !== b.state) inv.illegal_transitions++
        if (confirmedAt !== null) everConfirmed++
        if (b.modifications.length > 0) modified++
        if (b.state === 'cancelled') {
          const by = b.cancellation?.by ?? 'unknown'
          cancelledBy[by] = (cancelledBy[by] ?? 0) + 1
        }
        if (SOLD.has(b.state)) nightsSold += toEpochDay(b.stay.checkOut) - toEpochDay(b.stay.checkIn)

        // Money, at the provider: what each payment really captured and refunded.
        const payments = yield* a.payments.byBooking(b.id)
        let received = 0
        let refundedHere = 0
        for (const p of payments) {
          paymentsChecked++
          const intent = yield* a.gateway.retrieve(p.providerRef)
          // At the provider and in the engine's own record of the payment.
          if (intent.amountRefunded > intent.amountReceived || p.refundedAmount > p.capturedAmount)
            inv.refunds_exceeding_payment++
          received += intent.amountReceived
          refundedHere += intent.amountRefunded
          const c = moneyOf(p.currency)
          c.payIn += intent.amountReceived
          c.refunds += intent.amountRefunded
          const capturedAt = p.purpose === 'booking' ? (confirmedAt ?? p.createdAt) : p.createdAt
          if (intent.amountReceived > 0) addMonth(p.currency, monthOf(capturedAt), intent.amountReceived, 0)
          for (const r of p.refunds) addMonth(p.currency, monthOf(r.createdAt), 0, r.amount)
        }
        // What the booking earns its host, restated: the host payout of a kept stay; of a cancelled
        // one, the host's part of what was retained (in proportion to the quote), from the cancellation on.
        {
          const q = b.quote
          const retained = b.cancellation?.retainedAmount ?? 0
          const key = `${b.hostId}/${q.currency}`
          const list = earnings.get(key) ?? []
          list.push({
            payableAt: (b.points.checkInAt ?? Number.POSITIVE_INFINITY) + payoutDelayHours * 3_600_000,
            confirmedAt,
            full: Math.max(0, q.hostPayout),
            cancelledAt: b.state === 'cancelled' ? (b.cancellation?.at ?? 0) : null,
            cut:
              q.guestTotal > 0
                ? Math.max(0, Math.min(q.hostPayout, roundHalf((q.hostPayout * retained) / q.guestTotal)))
                : 0,
          })
          earnings.set(key, list)
        }
        if (refundedHere > received) inv.refunds_exceeding_payment++
        if (refundedHere > 0) refunded++
        if (refundedHere > 0 && refundedHere === received) refundedInFull++
        const net = received - refundedHere
        if (SOLD.has(b.state) && net < b.quote.guestTotal) inv.confirmed_without_payment++
        // Where the money a booking keeps goes: a kept stay by its quote, a cancelled one pro rata.
        const q = b.quote
        const c = moneyOf(q.currency)
        if (SOLD.has(b.state)) {
          c.payouts += q.hostPayout
          c.fees += q.platformFee
          c.taxes += q.tax
        } else if (b.state === 'cancelled' && net > 0 && q.guestTotal > 0) {
          const host = roundHalf((q.hostPayout * net) / q.guestTotal)
          const fees = roundHalf((q.platformFee * net) / q.guestTotal)
          c.payouts += host
          c.fees += fees
          c.taxes += net - host - fees
        }

        // Holds: a closed booking keeps none; a pending one is never past its deadline.
        const alloc = yield* a.availability.allocation(b.listingId, b.id)
        if (Option.isSome(alloc)) {
          const kind = alloc.value.kind
          if (RELEASED.has(b.state)) inv.leaked_holds++
          else if (kind === 'held' && !HELD.has(b.state)) inv.leaked_holds++
          else if (kind === 'booked' && !SOLD.has(b.state)) inv.leaked_holds++
        }
        if (HELD.has(b.state) && b.dueAt !== null && b.dueAt <= now) inv.leaked_holds++

        if (b.state === 'completed') {
          for (const r of yield* a.reviews.byBooking(b.id)) {
            reviewsChecked++
            const s = reviewStats[r.direction]
            s.count++
            s.sum += r.rating
            if (r.revealedAt !== null) s.revealed++
            for (const [k, v] of Object.entries(r.categories)) {
              if (typeof v !== 'number') continue
              const cs = categorySums[k] ?? { sum: 0, n: 0 }
              cs.sum += v
              cs.n++
              categorySums[k] = cs
            }
          }
        }
      }

      // Payouts against what the bookings earned when each was made, and against the provider's transfers.
      const payouts = [...a.payoutLedger.allPayouts()].sort(
        (x, y) => x.createdAt - y.createdAt || x.entrySeq - y.entrySeq,
      )
      const paidSoFar = new Map<string, number>()
      for (const p of payouts) {
        if (p.status === 'failed') continue
        const key = `${p.hostId}/${p.currency}`
        const total = (paidSoFar.get(key) ?? 0) + p.amount
        paidSoFar.set(key, total)
        let earned = 0
        for (const e of earnings.get(key) ?? []) {
          if (e.payableAt > p.createdAt) continue
          // A cancellation at the payout's very instant may have come before or after it: the payout may rely on either.
          if (e.cancelledAt !== null && e.cancelledAt < p.createdAt) earned += e.cut
          else if (e.confirmedAt !== null && e.confirmedAt <= p.createdAt) earned += e.full
        }
        if (total > earned) inv.payouts_exceeding_earnings++
      }
      const transferred = new Map<string, number>()
      const destinations = new Map<string, string>()
      for (const p of payouts) destinations.set(`${p.destination}/${p.currency}`, `${p.hostId}/${p.currency}`)
      for (const t of a.payoutGateway.transfers()) {
        const key = destinations.get(`${t.destination}/${t.currency}`) ?? `unknown:${t.destination}`
        transferred.set(key, (transferred.get(key) ?? 0) + t.amount)
      }
      const paid = new Map<string, number>()
      for (const p of payouts)
        if (p.status === 'paid')
          paid.set(`${p.hostId}/${p.currency}`, (paid.get(`${p.hostId}/${p.currency}`) ?? 0) + p.amount)
      for (const key of new Set([...transferred.keys(), ...paid.keys()]))
        if ((transferred.get(key) ?? 0) !== (paid.get(key) ?? 0)) inv.payouts_exceeding_earnings++

      // Nights, listing by listing: the calendar against the bookings that hold them.
      const from = toEpochDay(period.from)
      const to = from + period.days
      const daily = new Float64Array(period.days)
      const dailySellable = new Float64Array(period.days)
      const byCity = new Map<string, { booked: number; sellable: number }>()
      const byMonth = new Map<string, { booked: number; sellable: number }>()
      let listingNights = 0
      for (const l of market.listings) {
        const stored = yield* a.listings.byId(l.id)
        const units = Option.isSome(stored) ? stored.value.units : l.units
        const mine = bookingsByListing.get(l.id) ?? []
        let last = to
        for (const b of mine) last = Math.max(last, toEpochDay(b.stay.checkOut))
        const span = last - from
        const sold = new Int32Array(span + 1)
        const held = new Int32Array(span + 1)
        for (const b of mine) {
          const target = SOLD.has(b.state) ? sold : HELD.has(b.state) ? held : null
          if (target === null) continue
          const s = Math.max(0, toEpochDay(b.stay.checkIn) - from)
          const e = toEpochDay(b.stay.checkOut) - from
          for (let d = s; d < e; d++) target[d]!++
        }
        const nights = yield* a.availability.calendar(l.id, period.from, fromEpochDay(last))
        const city = byCity.get(l.city.name) ?? { booked: 0, sellable: 0 }
        byCity.set(l.city.name, city)
        for (let d = 0; d < nights.length; d++) {
          const n = nights[d]!
          listingNights++
          if (sold[d]! > units || n.held + n.booked > units || n.booked < sold[d]!) inv.oversold_nights++
          if (n.booked > sold[d]! || n.held > held[d]!) inv.leaked_holds++
          if (d < period.days) {
            const sellable = n.blocked ? n.booked : units
            city.booked += n.booked
            city.sellable += sellable
            daily[d]! += n.booked
            dailySellable[d]! += sellable
            const month = n.date.slice(0, 7)
            const m = byMonth.get(month) ?? { booked: 0, sellable: 0 }
            m.booked += n.booked
            m.sellable += sellable
            byMonth.set(month, m)
          }
        }
      }
      let totalBooked = 0
      let totalSellable = 0
      for (let d = 0; d < period.days; d++) {
        totalBooked += daily[d]!
        totalSellable += dailySellable[d]!
      }

      const reviewFigures = (s: { count: number; revealed: number; sum: number }): ReviewFigures => ({
        count: s.count,
        revealed: s.revealed,
        average: s.count > 0 ? round2(s.sum / s.count) : null,
      })
      return {
        bookings: {
          total: bookingIds.length,
          byState,
          everConfirmed,
          modified,
          cancelledBy,
          refunded,
          refundedInFull,
          nightsSold,
        },
        occupancy: {
          overall: occ(totalBooked, totalSellable),
          byCity: Object.fromEntries(
            [...byCity].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, occ(v.booked, v.sellable)]),
          ),
          byMonth: Object.fromEntries(
            [...byMonth].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, occ(v.booked, v.sellable)]),
          ),
          daily: Array.from(daily, (b, d) =>
            dailySellable[d]! > 0 ? Math.round((b / dailySellable[d]!) * 10_000) / 10_000 : 0,
          ),
        },
        money: [...money]
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([currency, m]) => ({
            currency,
            payIn: m.payIn,
            refunds: m.refunds,
            net: m.payIn - m.refunds,
            hostPayouts: m.payouts,
            platformFees: m.fees,
            taxes: m.taxes,
            unaccounted: m.payIn - m.refunds - m.payouts - m.fees - m.taxes,
            byMonth: [...m.months.values()].sort((x, y) => (x.month < y.month ? -1 : 1)),
          })),
        reviews: {
          guestToListing: reviewFigures(reviewStats.guest_to_listing),
          hostToGuest: reviewFigures(reviewStats.host_to_guest),
          categoryAverages: Object.fromEntries(
            Object.entries(categorySums)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, v]) => [k, round2(v.sum / v.n)]),
          ),
        },
        invariants: inv,
        checked: {
          bookings: bookingIds.length,
          payments: paymentsChecked,
          listingNights,
          reviews: reviewsChecked,
          payouts: payouts.length,
        },
      }
    }),
  )
}
