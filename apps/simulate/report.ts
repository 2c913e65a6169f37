import { addDays, localDate } from '../../core/domain/shared/dates.js'
import type { AuditedState, CurrencyMoney, Invariants, Occupancy } from './audit.js'
import { cities } from './catalog.js'
import type { Marketplace } from './marketplace.js'
import { SIMULATION_PASSWORD_COST, type SimulationOptions } from './options.js'
import type { RunCounters } from './simulate.js'
import type { LatencySummary } from './timing.js'

/**
 * What a simulation reports. Everything but `performance` is a function of the options and seed:
 * two runs with the same ones give the same report apart from that section.
 */
export interface SimulationReport {
  readonly config: {
    readonly listings: number
    readonly guests: number
    readonly days: number
    readonly seed: number
    readonly paymentFailureRate: number
    readonly start: string
    /** The first day not simulated. */
    readonly end: string
    /** scrypt N used for the simulated users' passwords (production uses 2^17). */
    readonly passwordHashCost: number
    readonly cities: readonly string[]
  }
  readonly marketplace: {
    readonly hosts: number
    readonly guests: number
    readonly listings: number
    /** Bookable units (hotel room types have several). */
    readonly units: number
    readonly listingsByCity: Readonly<Record<string, number>>
    readonly instantBookShare: number
    readonly byPolicy: Readonly<Record<string, number>>
    readonly byPropertyType: Readonly<Record<string, number>>
    readonly calendarChanges: number
  }
  readonly activity: {
    readonly searches: number
    readonly searchesWithoutResults: number
    readonly browsedOnly: number
    readonly quotes: number
    readonly checkoutsAbandoned: number
    readonly paymentsDeclined: number
    readonly paymentRetries: number
    readonly tooManyPending: number
    readonly hostResponses: {
      readonly accepted: number
      readonly declined: number
      readonly tooLate: number
      readonly neverAnswered: number
    }
    readonly refusedActions: {
      readonly cancellations: number
      readonly modifications: number
      readonly reviews: number
    }
    readonly ticks: number
  }
  readonly bookings: {
    /** Booking requests made (a guest's quote held up and they asked to book). */
    readonly attempts: number
    /** Requests that held their nights and became bookings. */
    readonly created: number
    /** Bookings confirmed at some point. */
    readonly confirmed: number
    readonly declined: number
    readonly expired: number
    readonly cancelled: number
    readonly modified: number
    readonly completed: number
    readonly byState: Readonly<Record<string, number>>
    readonly cancelledBy: Readonly<Record<string, number>>
    /** Requests and changes refused because someone else had taken a night since the guest looked. */
    readonly conflictsPrevented: {
      readonly total: number
      readonly atQuote: number
      readonly atRequest: number
      readonly atModification: number
    }
    readonly modificationsDeclinedCard: number
    readonly refunded: number
    readonly refundedInFull: number
    readonly nightsSold: number
  }
  readonly occupancy: AuditedState['occupancy']
  readonly money: readonly CurrencyMoney[]
  readonly reviews: AuditedState['reviews']
  readonly events: {
    readonly published: number
    readonly byType: Readonly<Record<string, number>>
    readonly notifications: number
  }
  readonly invariants: Invariants
  readonly checked: AuditedState['checked']
  /** Timing and memory: the only figures that differ between two runs of the same options. */
  readonly performance: {
    readonly seconds: {
      readonly setup: number
      readonly run: number
      readonly audit: number
      readonly total: number
    }
    readonly memoryMB: { readonly rss: number; readonly heapUsed: number; readonly external: number }
    /** Per use case (and per background tick): calls, calls per second of time spent, latency in ms. */
    readonly useCases: Readonly<Record<string, LatencySummary>>
  }
}

const count = <T>(items: readonly T[], key: (t: T) => string): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const i of items) {
    const k = key(i)
    out[k] = (out[k] ?? 0) + 1
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)))
}
const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10
const sec = (ms: number): number => Math.round(ms / 10) / 100

export const buildReport = (input: {
  readonly options: SimulationOptions
  readonly counters: RunCounters
  readonly state: AuditedState
  readonly timings: Record<string, LatencySummary>
  readonly wall: {
    readonly setupMs: number
    readonly runMs: number
    readonly auditMs: number
    readonly totalMs: number
  }
  readonly memory: NodeJS.MemoryUsage
  readonly market: Marketplace
}): SimulationReport => {
  const { options: o, counters: c, state: s, market: m } = input
  const listings = m.listings.map((l) => l.listing)
  return {
    config: {
      listings: o.listings,
      guests: o.guests,
      days: o.days,
      seed: o.seed,
      paymentFailureRate: o.paymentFailureRate,
      start: o.start,
      end: addDays(localDate(o.start), o.days),
      passwordHashCost: SIMULATION_PASSWORD_COST,
      cities: cities.map((x) => x.name),
    },
    marketplace: {
      hosts: m.hosts.length,
      guests: m.guests.length,
      listings: m.listings.length,
      units: m.listings.reduce((a, l) => a + l.units, 0),
      listingsByCity: count(m.listings, (l) => l.city.name),
      instantBookShare:
        listings.length > 0
          ? Math.round(
              (listings.filter((l) => l.bookingMode === 'instant').length / listings.length) * 1000,
            ) / 1000
          : 0,
      byPolicy: count(listings, (l) => l.cancellationPolicy),
      byPropertyType: count(listings, (l) => l.propertyType),
      calendarChanges: c.calendarChanges,
    },
    activity: {
      searches: c.searches,
      searchesWithoutResults: c.searchesWithoutResults,
      browsedOnly: c.browsedOnly,
      quotes: c.quotes,
      checkoutsAbandoned: c.checkoutsAbandoned,
      paymentsDeclined: c.paymentsDeclined,
      paymentRetries: c.paymentRetries,
      tooManyPending: c.tooManyPending,
      hostResponses: {
        accepted: c.hostAccepted,
        declined: c.hostDeclined,
        tooLate: c.hostLate,
        neverAnswered: c.hostSilent,
      },
      refusedActions: {
        cancellations: c.cancellationsRefused,
        modifications: c.modificationsRefused,
        reviews: c.reviewsRefused,
      },
      ticks: c.ticks,
    },
    bookings: {
      attempts: c.attempts,
      created: c.created,
      confirmed: s.bookings.everConfirmed,
      declined: s.bookings.byState.declined,
      expired: s.bookings.byState.expired,
      cancelled: s.bookings.byState.cancelled,
      modified: s.bookings.modified,
      completed: s.bookings.byState.completed,
      byState: s.bookings.byState,
      cancelledBy: s.bookings.cancelledBy,
      conflictsPrevented: {
        total: c.conflictsAtQuote + c.conflictsAtRequest + c.modificationConflicts,
        atQuote: c.conflictsAtQuote,
        atRequest: c.conflictsAtRequest,
        atModification: c.modificationConflicts,
      },
      modificationsDeclinedCard: c.modificationDeclinedCards,
      refunded: s.bookings.refunded,
      refundedInFull: s.bookings.refundedInFull,
      nightsSold: s.bookings.nightsSold,
    },
    occupancy: s.occupancy,
    money: s.money,
    reviews: s.reviews,
    events: {
      published: Object.values(c.eventsByType).reduce((a, b) => a + b, 0),
      byType: Object.fromEntries(Object.entries(c.eventsByType).sort(([a], [b]) => (a < b ? -1 : 1))),
      notifications: c.notifications,
    },
    invariants: s.invariants,
    checked: s.checked,
    performance: {
      seconds: {
        setup: sec(input.wall.setupMs),
        run: sec(input.wall.runMs),
        audit: sec(input.wall.auditMs),
        total: sec(input.wall.totalMs),
      },
      memoryMB: {
        rss: mb(input.memory.rss),
        heapUsed: mb(input.memory.heapUsed),
        external: mb(input.memory.external),
      },
      useCases: input.timings,
    },
  }
}

/** The report without its timing figures: what must be equal between runs of the same options. */
export const withoutTimings = (r: SimulationReport): Omit<SimulationReport, 'performance'> => {
  const { performance: _, ...rest } = r
  return rest
}

/** Money in minor units as text with the currency's own decimals (¥ has none). */
export const formatMoney = (amount: number, currency: string): string => {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency })
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2
  return format.format(amount / 10 ** digits)
}
export const pct = (x: number): string => `${(x * 100).toFixed(1)} %`
const n = (x: number): string => x.toLocaleString('en-US')

const table = (rows: readonly (readonly string[])[], indent = '  '): string[] => {
  const widths: number[] = []
  for (const r of rows)
    r.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length)
    })
  return rows.map(
    (r) =>
      indent +
      r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
  )
}

const occRow = (label: string, o: Occupancy): string[] => [
  label,
  pct(o.occupancy),
  `${n(o.bookedNights)} / ${n(o.sellableNights)}`,
]

/** The report as the text `npm run simulate` prints. */
export const renderText = (r: SimulationReport): string[] => {
  const out: string[] = []
  const section = (title: string) => out.push('', `== ${title} ${'='.repeat(Math.max(0, 66 - title.length))}`)
  const c = r.config
  out.push('innkeeper simulation — the real use cases on the in-memory engine with a manual clock')
  out.push(
    `seed ${c.seed} · ${n(c.listings)} listings · ${n(c.guests)} guests · ${c.days} days from ${c.start} to ${c.end} · ` +
      `${pct(c.paymentFailureRate)} of card payments declined · password hash cost N=${c.passwordHashCost} (simulation only)`,
  )
  out.push(
    `${n(r.marketplace.hosts)} hosts, ${n(r.marketplace.units)} bookable units in ${c.cities.length} cities; ` +
      `${pct(r.marketplace.instantBookShare)} instant book; ${n(r.marketplace.calendarChanges)} host calendar changes`,
  )

  section('Bookings')
  const b = r.bookings
  out.push(
    ...table([
      [
        'searches',
        n(r.activity.searches),
        `${n(r.activity.searchesWithoutResults)} found nothing, ${n(r.activity.browsedOnly)} only browsed`,
      ],
      ['booking attempts', n(b.attempts), `${n(b.created)} held their nights`],
      ['confirmed', n(b.confirmed), `${n(b.completed)} stays completed`],
      ['declined by hosts', n(b.declined), ''],
      ['expired', n(b.expired), `${n(r.activity.checkoutsAbandoned)} walked away at checkout`],
      [
        'cancelled',
        n(b.cancelled),
        Object.entries(b.cancelledBy)
          .map(([k, v]) => `${k} ${n(v)}`)
          .join(', '),
      ],
      ['modified', n(b.modified), `${n(b.modificationsDeclinedCard)} top-ups declined`],
      [
        'conflicts prevented',
        n(b.conflictsPrevented.total),
        `at quote ${n(b.conflictsPrevented.atQuote)}, at request ${n(b.conflictsPrevented.atRequest)}, at change ${n(b.conflictsPrevented.atModification)}`,
      ],
      [
        'card payments declined',
        n(r.activity.paymentsDeclined),
        `${n(r.activity.paymentRetries)} retried with another card`,
      ],
      [
        'host answers',
        n(r.activity.hostResponses.accepted + r.activity.hostResponses.declined),
        `${n(r.activity.hostResponses.tooLate)} too late, ${n(r.activity.hostResponses.neverAnswered)} never`,
      ],
    ]),
  )
  out.push(
    `  final states: ${Object.entries(b.byState)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ')}`,
  )

  section('Occupancy (booked unit-nights / sellable unit-nights)')
  out.push(...table([occRow('overall', r.occupancy.overall)]))
  out.push('  by city:')
  out.push(
    ...table(
      Object.entries(r.occupancy.byCity).map(([k, v]) => occRow(k, v)),
      '    ',
    ),
  )
  out.push('  by month:')
  out.push(
    ...table(
      Object.entries(r.occupancy.byMonth).map(([k, v]) => occRow(k, v)),
      '    ',
    ),
  )

  section('Money')
  out.push(
    ...table([
      ['currency', 'pay-in', 'refunds', 'net', 'host payouts', 'platform fees', 'taxes', 'unaccounted'],
      ...r.money.map((m) => [
        m.currency,
        formatMoney(m.payIn, m.currency),
        formatMoney(m.refunds, m.currency),
        formatMoney(m.net, m.currency),
        formatMoney(m.hostPayouts, m.currency),
        formatMoney(m.platformFees, m.currency),
        formatMoney(m.taxes, m.currency),
        formatMoney(m.unaccounted, m.currency),
      ]),
    ]),
  )
  out.push(`  ${n(b.refunded)} bookings refunded (${n(b.refundedInFull)} in full)`)

  section('Reviews')
  const rv = r.reviews
  const avg = (x: number | null) => (x === null ? '—' : `★ ${x.toFixed(2)}`)
  out.push(
    ...table([
      [
        'guest → listing',
        n(rv.guestToListing.count),
        avg(rv.guestToListing.average),
        `${n(rv.guestToListing.revealed)} revealed`,
      ],
      [
        'host → guest',
        n(rv.hostToGuest.count),
        avg(rv.hostToGuest.average),
        `${n(rv.hostToGuest.revealed)} revealed`,
      ],
    ]),
  )
  out.push(
    `  categories: ${Object.entries(rv.categoryAverages)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ')}`,
  )

  section('Events and notifications')
  out.push(`  ${n(r.events.published)} events published, ${n(r.events.notifications)} notifications sent`)

  section('Performance (wall clock; differs between runs)')
  const p = r.performance
  out.push(
    `  setup ${p.seconds.setup} s, run ${p.seconds.run} s, audit ${p.seconds.audit} s, total ${p.seconds.total} s · ` +
      `RSS ${p.memoryMB.rss} MB, heap ${p.memoryMB.heapUsed} MB`,
  )
  out.push(
    ...table([
      ['use case', 'calls', 'ops/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      ...Object.entries(p.useCases).map(([k, v]) => [
        k,
        n(v.count),
        n(v.opsPerSec),
        v.p50.toFixed(3),
        v.p95.toFixed(3),
        v.p99.toFixed(3),
        v.max.toFixed(1),
      ]),
    ]),
  )

  section('Invariants (checked on the final state; all must be 0)')
  out.push(...table(Object.entries(r.invariants).map(([k, v]) => [k, String(v), v === 0 ? 'ok' : 'BROKEN'])))
  out.push(
    `  checked ${n(r.checked.bookings)} bookings, ${n(r.checked.payments)} payments, ${n(r.checked.listingNights)} listing-nights, ${n(r.checked.reviews)} reviews, ${n(r.checked.payouts)} payouts`,
  )
  return out
}

/** Whether every invariant counter is 0. */
export const invariantsHold = (r: SimulationReport): boolean =>
  Object.values(r.invariants).every((v) => v === 0)
