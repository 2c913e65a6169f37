import type { Booking } from '../../core/domain/bookings/booking.js'
import { type BookingState, bookingStates } from '../../core/domain/bookings/lifecycle.js'
import type { EventType } from '../../core/domain/events/events.js'
import { averageRating } from '../../core/domain/listings/listing.js'
import type { Payment } from '../../core/domain/payments/payment.js'
import type { HostReport } from '../../core/domain/reports/host-report.js'
import type { NotificationTemplate } from '../../ports/notifier.js'
import type { Page } from '../../ports/pagination.js'
import type { HostKey } from './catalog.js'
import { formatMoney, percent, table } from './format.js'
import { DEMO_END, type ScenarioResult, type StoryLine } from './scenario.js'

/** Money of one currency, minor units. */
export interface CurrencyFigures {
  readonly currency: string
  /** Captured from guests, across every payment (bookings and modifications). */
  readonly captured: number
  readonly refunded: number
  /** captured − refunded: what the platform holds. */
  readonly net: number
  /** Guest service fees and host commissions of the stays that were kept. */
  readonly platformFees: number
}

export interface RefundLine {
  readonly booking: string
  readonly state: BookingState
  readonly amount: number
  readonly currency: string
}

export interface HostFigures {
  readonly host: HostKey
  readonly name: string
  readonly report: HostReport
}

/** The figures the demo prints; tests assert on them. */
export interface DemoSummary {
  readonly users: { readonly hosts: number; readonly guests: number; readonly admins: number }
  readonly listings: {
    readonly total: number
    readonly active: number
    readonly byCity: Readonly<Record<string, number>>
  }
  readonly search: { readonly hits: number; readonly firstQuoteTotal: number; readonly currency: string }
  readonly bookings: {
    readonly total: number
    readonly byState: Readonly<Record<BookingState, number>>
    /** The script's handle for each booking, with its final state. */
    readonly byKey: Readonly<Record<string, BookingState>>
  }
  readonly payments: { readonly total: number; readonly byStatus: Readonly<Record<string, number>> }
  readonly money: readonly CurrencyFigures[]
  readonly refunds: readonly RefundLine[]
  readonly events: {
    readonly relayed: number
    readonly pending: number
    readonly byType: Partial<Record<EventType, number>>
  }
  readonly notifications: {
    readonly total: number
    readonly byTemplate: Partial<Record<NotificationTemplate, number>>
  }
  readonly reviews: {
    readonly posted: number
    readonly revealed: number
    readonly ratings: Readonly<Record<string, number | null>>
  }
  readonly wishlist: number
  readonly hosts: readonly HostFigures[]
  readonly invariants: {
    /** Nights checked across every listing's calendar. */
    readonly nightsChecked: number
    /** Nights where held + booked exceeded the units: must be 0. */
    readonly oversold: number
    /** The most units of one night ever booked in a hotel room type, as seen at the end. */
    readonly maxBookedHotelNight: number
  }
  readonly story: readonly StoryLine[]
  readonly ticks: number
}

const count = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>

/** Reads the final state back through the use cases (as the admin, the hosts and the guests). */
export const summarize = async (s: ScenarioResult): Promise<DemoSummary> => {
  const { engine, admin } = s
  const { run, useCases: uc, adapters } = engine

  const bookings: [string, Booking][] = []
  for (const [key, id] of s.bookings) bookings.push([key, await run(uc.getBooking.execute(admin.caller, id))])
  const byState = count(bookingStates)
  const byKey: Record<string, BookingState> = {}
  for (const [key, b] of bookings) {
    byState[b.state]++
    byKey[key] = b.state
  }

  const payments: Payment[] = []
  for (const g of s.guests) {
    let cursor: string | null = null
    do {
      const page: Page<Payment> = await run(uc.listPayments.execute(g.caller, { limit: 100, cursor }))
      payments.push(...page.items)
      cursor = page.nextCursor
    } while (cursor !== null)
  }
  const byStatus: Record<string, number> = {}
  for (const p of payments) byStatus[p.status] = (byStatus[p.status] ?? 0) + 1

  const money = new Map<string, { captured: number; refunded: number; platformFees: number }>()
  const m = (c: string) => {
    const row = money.get(c) ?? { captured: 0, refunded: 0, platformFees: 0 }
    money.set(c, row)
    return row
  }
  for (const p of payments) {
    const row = m(p.currency)
    row.captured += p.capturedAmount
    row.refunded += p.refundedAmount
  }
  for (const [, b] of bookings)
    if (b.state === 'confirmed' || b.state === 'in_progress' || b.state === 'completed')
      m(b.quote.currency).platformFees += b.quote.platformFee
  const moneyRows = [...money]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, r]) => ({ currency, ...r, net: r.captured - r.refunded }))

  const refunds = bookings
    .filter(([, b]) => b.refundedAmount > 0)
    .map(([key, b]) => ({
      booking: key,
      state: b.state,
      amount: b.refundedAmount,
      currency: b.quote.currency,
    }))

  const published = adapters.publisher.published()
  const byType: Partial<Record<EventType, number>> = {}
  for (const e of published) byType[e.type] = (byType[e.type] ?? 0) + 1
  const sent = adapters.notifier.sent()
  const byTemplate: Partial<Record<NotificationTemplate, number>> = {}
  for (const n of sent) byTemplate[n.template] = (byTemplate[n.template] ?? 0) + 1

  const ratings: Record<string, number | null> = {}
  let nightsChecked = 0
  let oversold = 0
  let maxBookedHotelNight = 0
  for (const [key, l] of s.listings) {
    const listing = await run(uc.getListing.execute(admin.caller, l.id))
    ratings[key] = averageRating(listing.rating)
    const host =
      s.hosts.ana.caller.kind === 'user' && s.hosts.ana.caller.userId === l.hostId ? s.hosts.ana : s.hosts.ben
    const nights = await run(
      uc.getCalendar.execute(host.caller, l.id, { from: '2026-03-01', to: '2026-07-01' }),
    )
    for (const n of nights) {
      nightsChecked++
      if ((n.held ?? 0) + (n.booked ?? 0) > n.units) oversold++
      if (l.units > 1) maxBookedHotelNight = Math.max(maxBookedHotelNight, n.booked ?? 0)
    }
  }
  const posted = published.filter((e) => e.type === 'innkeeper.review.posted.v1').length
  const revealed = published.filter((e) => e.type === 'innkeeper.review.revealed.v1').length

  const wish = await run(uc.listWishlist.execute(s.guests[2]!.caller, {}))
  const hosts: HostFigures[] = []
  for (const key of ['ana', 'ben'] as const) {
    const report = await run(
      uc.hostReport.execute(s.hosts[key].caller, { from: '2026-03-01', to: '2026-07-01' }),
    )
    hosts.push({ host: key, name: s.hosts[key].name, report })
  }

  const byCity: Record<string, number> = {}
  for (const l of s.listings.values()) byCity[l.location.city] = (byCity[l.location.city] ?? 0) + 1

  return {
    users: { hosts: 2, guests: s.guests.length, admins: 1 },
    listings: {
      total: s.listings.size,
      active: [...s.listings.values()].filter((l) => l.status === 'active').length,
      byCity,
    },
    search: {
      hits: s.search.items.length,
      firstQuoteTotal: s.firstQuote.guestTotal,
      currency: s.firstQuote.currency,
    },
    bookings: { total: bookings.length, byState, byKey },
    payments: { total: payments.length, byStatus },
    money: moneyRows,
    refunds,
    events: { relayed: published.length, pending: adapters.outbox.pendingEvents().length, byType },
    notifications: { total: sent.length, byTemplate },
    reviews: { posted, revealed, ratings },
    wishlist: wish.items.length,
    hosts,
    invariants: { nightsChecked, oversold, maxBookedHotelNight },
    story: s.story,
    ticks: s.ticks,
  }
}

const day = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ')

/** The summary as the lines `npm start` prints. */
export const render = (d: DemoSummary): string[] => {
  const out: string[] = []
  const section = (title: string) => out.push('', `== ${title} ${'='.repeat(Math.max(0, 60 - title.length))}`)
  out.push('innkeeper demo — a scripted marketplace on the in-memory engine')
  out.push(
    `${d.users.hosts} hosts, ${d.users.guests} guests, ${d.users.admins} admin · ${d.listings.total} listings (` +
      Object.entries(d.listings.byCity)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ') +
      `) · clock stopped at ${day(DEMO_END)} UTC after ${d.ticks} ticks`,
  )

  section('Story')
  for (const line of d.story) out.push(`  ${day(line.at)}  ${line.text}`)

  section('Bookings by state')
  out.push(
    ...table(
      bookingStates
        .filter((s) => d.bookings.byState[s] > 0)
        .map((s) => [s, String(d.bookings.byState[s])] as const),
    ),
  )
  out.push(`  ${'total'.padEnd(9)}  ${d.bookings.total}`)

  section('Money (captured − refunded = held)')
  out.push(
    ...table(
      d.money.map(
        (r) =>
          [
            r.currency,
            `${formatMoney(r.captured, r.currency)} − ${formatMoney(r.refunded, r.currency)} = ${formatMoney(r.net, r.currency)}` +
              `   platform fees ${formatMoney(r.platformFees, r.currency)}`,
          ] as const,
      ),
    ),
  )
  out.push(
    `  payments: ${d.payments.total} (${Object.entries(d.payments.byStatus)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')})`,
  )

  section('Refunds')
  out.push(
    ...table(d.refunds.map((r) => [r.booking, `${formatMoney(r.amount, r.currency)} (${r.state})`] as const)),
  )

  section('Host reports, Mar–Jun 2026')
  for (const h of d.hosts) {
    const t = h.report.totals
    out.push(
      `  ${h.name}: ${t.bookedNights}/${t.availableNights} nights booked (${percent(t.occupancy)}), ` +
        t.money
          .map(
            (m) =>
              `revenue ${formatMoney(m.revenue, m.currency)}, payout ${formatMoney(m.hostPayout, m.currency)}`,
          )
          .join('; '),
    )
    for (const l of h.report.listings)
      if (l.bookedNights > 0 || l.revenue > 0)
        out.push(
          `    ${l.title.padEnd(30)} ${String(l.bookedNights).padStart(3)} nights  ${percent(l.occupancy).padStart(7)}  ${formatMoney(l.hostPayout, l.currency)}`,
        )
  }

  section('Reviews')
  out.push(`  posted ${d.reviews.posted}, revealed ${d.reviews.revealed}`)
  out.push(
    ...table(
      Object.entries(d.reviews.ratings)
        .filter(([, r]) => r !== null)
        .map(([k, r]) => [k, `★ ${(r ?? 0).toFixed(1)}`] as const),
    ),
  )

  section('Outbox events relayed, by type')
  out.push(
    ...table(
      Object.entries(d.events.byType)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([t, n]) => [t, String(n)] as const),
    ),
  )
  out.push(`  total ${d.events.relayed}, still pending ${d.events.pending}`)

  section('Notifications recorded')
  out.push(...table(Object.entries(d.notifications.byTemplate).map(([t, n]) => [t, String(n)] as const)))
  out.push(`  total ${d.notifications.total} · wishlist entries ${d.wishlist}`)

  section('Invariants')
  out.push(
    `  ${d.invariants.nightsChecked} listing-nights checked: ${d.invariants.oversold} oversold (held + booked > units)`,
  )
  out.push(`  busiest hotel night: ${d.invariants.maxBookedHotelNight} of 5 rooms booked`)
  return out
}
