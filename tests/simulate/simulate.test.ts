import { Effect, Option } from 'effect'
import { beforeAll, describe, expect, it } from 'vitest'
import { createInMemoryEngine, type InMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { audit } from '../../apps/simulate/audit.js'
import { renderHtml } from '../../apps/simulate/html.js'
import { buildMarketplace, type Marketplace } from '../../apps/simulate/marketplace.js'
import {
  defaultOptions,
  OptionsError,
  parseCli,
  type SimulationOptions,
} from '../../apps/simulate/options.js'
import { progressReporter } from '../../apps/simulate/progress.js'
import { renderText, type SimulationReport, withoutTimings } from '../../apps/simulate/report.js'
import { Rng } from '../../apps/simulate/rng.js'
import { simulate } from '../../apps/simulate/simulate.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { localDate } from '../../core/domain/shared/dates.js'
import { instant } from '../../core/domain/shared/time.js'

/** Small enough to run in a couple of seconds, big enough for every kind of event to happen. */
const tiny: SimulationOptions = { ...defaultOptions, listings: 40, guests: 400, days: 45, seed: 7 }

describe('simulate: a small marketplace end to end', () => {
  let first: SimulationReport
  let again: SimulationReport
  beforeAll(async () => {
    first = await simulate(tiny)
    again = await simulate(tiny)
  })

  it('keeps every invariant of the final state at 0, with real activity behind them', () => {
    expect(first.invariants).toEqual({
      oversold_nights: 0,
      confirmed_without_payment: 0,
      refunds_exceeding_payment: 0,
      illegal_transitions: 0,
      leaked_holds: 0,
      payouts_exceeding_earnings: 0,
    })
    // Hosts were paid: the payout invariant had payouts to check.
    expect(first.checked.payouts).toBeGreaterThan(0)
    const b = first.bookings
    expect(b.attempts).toBeGreaterThan(50)
    expect(b.confirmed).toBeGreaterThan(0)
    expect(b.completed).toBeGreaterThan(0)
    expect(b.cancelled + b.declined + b.expired).toBeGreaterThan(0)
    expect(first.reviews.guestToListing.count + first.reviews.hostToGuest.count).toBeGreaterThan(0)
    expect(first.checked.listingNights).toBeGreaterThanOrEqual(tiny.listings * tiny.days)
    // Every currency's books balance: what was captured net of refunds is what bookings account for.
    for (const m of first.money) expect(m.unaccounted).toBe(0)
    expect(first.occupancy.daily).toHaveLength(tiny.days)
  })

  it('is deterministic: the same seed and options give the same report apart from timings', () => {
    expect(withoutTimings(again)).toEqual(withoutTimings(first))
    expect(Object.keys(first.performance.useCases)).toContain('searchListings')
  })

  it('a different seed gives a different marketplace and history', async () => {
    const other = await simulate({ ...tiny, seed: 8 })
    expect(withoutTimings(other)).not.toEqual(withoutTimings(first))
    expect(other.invariants).toEqual(first.invariants)
  })

  it('the HTML report is one self-contained page: inline SVG charts, no URLs to fetch', () => {
    const html = renderHtml(first)
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html.match(/<svg/g)?.length ?? 0).toBeGreaterThanOrEqual(3)
    expect(html).not.toMatch(/https?:\/\//i)
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i)
    expect(html).toContain('oversold_nights')
  })

  it('the text report names the configuration, the outcomes and each invariant', () => {
    const text = renderText(first).join('\n')
    expect(text).toContain('seed 7')
    expect(text).toContain('password hash cost N=2')
    for (const k of Object.keys(first.invariants)) expect(text).toMatch(new RegExp(`${k}\\s+0\\s+ok`))
  })
})

describe('simulate: the audit finds broken state (so zero means something)', () => {
  const T = instant(Date.UTC(2026, 0, 1))
  const period = { from: localDate('2026-01-01'), days: 60 }

  /** One confirmed booking on a fresh tiny marketplace; returns what the audit needs and the booking. */
  const oneBooking = async (): Promise<{ engine: InMemoryEngine; market: Marketplace; booking: Booking }> => {
    const engine = createInMemoryEngine({ start: T, passwordHashCost: 2 })
    const market = await buildMarketplace(engine, new Rng(3), {
      listings: 3,
      guests: 2,
      years: { first: 2026, last: 2026 },
    })
    const { useCases: uc, adapters } = engine
    const listing = market.listings.find((l) => l.listing.bookingMode === 'instant') ?? market.listings[0]!
    const guest = market.guests[0]!.caller
    const stay = { checkIn: '2026-01-20', checkOut: '2026-01-27', guests: 1 }
    const b = await engine.run(uc.requestBooking.execute(guest, { listingId: listing.id, ...stay }))
    const checkout = await engine.run(uc.startPayment.execute(guest, b.id))
    adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
    await engine.deliverPaymentEvents()
    if (listing.listing.bookingMode === 'request')
      await engine.run(uc.acceptBooking.execute(market.hosts[listing.host]!.caller, b.id))
    const booking = Option.getOrThrow(Effect.runSync(adapters.bookings.byId(b.id)))
    expect(booking.state).toBe('confirmed')
    return { engine, market, booking }
  }
  const check = async (w: { engine: InMemoryEngine; market: Marketplace; booking: Booking }) =>
    (await audit(w.engine, w.market, [w.booking.id], period)).invariants
  const save = (engine: InMemoryEngine, b: Booking) => Effect.runSync(engine.adapters.bookings.save(b, []))

  it('a clean booking passes', async () => {
    expect(Object.values(await check(await oneBooking()))).toEqual([0, 0, 0, 0, 0, 0])
  })

  it('oversold_nights: a confirmed booking whose nights the calendar gave back', async () => {
    const w = await oneBooking()
    Effect.runSync(w.engine.adapters.availability.release(w.booking.listingId, w.booking.id))
    expect((await check(w)).oversold_nights).toBe(7)
  })

  it('confirmed_without_payment: a confirmed booking refunded behind its back at the provider', async () => {
    const w = await oneBooking()
    const [p] = Effect.runSync(w.engine.adapters.payments.byBooking(w.booking.id))
    Effect.runSync(Effect.orDie(w.engine.adapters.gateway.refund(p!.providerRef, 100, 'tamper')))
    expect((await check(w)).confirmed_without_payment).toBe(1)
  })

  it('refunds_exceeding_payment: a payment recorded as refunded beyond what it captured', async () => {
    const w = await oneBooking()
    const [p] = Effect.runSync(w.engine.adapters.payments.byBooking(w.booking.id))
    Effect.runSync(
      w.engine.adapters.payments.save(
        { ...p!, refundedAmount: p!.capturedAmount + 1, version: p!.version + 1 },
        [],
      ),
    )
    expect((await check(w)).refunds_exceeding_payment).toBe(1)
  })

  it('illegal_transitions: a history with a move the table does not have', async () => {
    const w = await oneBooking()
    const b = w.booking
    save(w.engine, {
      ...b,
      state: 'pending_payment',
      history: [
        ...b.history,
        { transition: 'pay', from: 'confirmed', to: 'pending_payment', actor: 'system', at: T },
      ],
      version: b.version + 1,
    })
    expect((await check(w)).illegal_transitions).toBe(1)
  })

  it('leaked_holds: a cancelled booking that still has its nights', async () => {
    const w = await oneBooking()
    const b = w.booking
    save(w.engine, {
      ...b,
      state: 'cancelled',
      history: [
        ...b.history,
        { transition: 'cancel', from: 'confirmed', to: 'cancelled', actor: 'guest', at: T },
      ],
      version: b.version + 1,
    })
    // The allocation, and each of its 7 nights still booked in the calendar.
    expect((await check(w)).leaked_holds).toBe(8)
  })
})

describe('simulate: the audit finds payouts the bookings do not back', () => {
  const T = instant(Date.UTC(2026, 0, 1))
  const period = { from: localDate('2026-01-01'), days: 60 }

  /** A confirmed stay, its check-in and a day passed, and its host paid by the engine. */
  const paidStay = async () => {
    const engine = createInMemoryEngine({ start: T, passwordHashCost: 2 })
    const market = await buildMarketplace(engine, new Rng(3), {
      listings: 3,
      guests: 2,
      years: { first: 2026, last: 2026 },
    })
    const { useCases: uc, adapters } = engine
    const listing = market.listings.find((l) => l.listing.bookingMode === 'instant')!
    const host = market.hosts[listing.host]!.caller
    await engine.run(uc.updateProfile.execute(host, { payoutAccountId: 'acct_audit' }))
    const guest = market.guests[0]!.caller
    const b = await engine.run(
      uc.requestBooking.execute(guest, {
        listingId: listing.id,
        checkIn: '2026-01-20',
        checkOut: '2026-01-23',
        guests: 1,
      }),
    )
    const checkout = await engine.run(uc.startPayment.execute(guest, b.id))
    adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
    await engine.tick()
    const booking = Option.getOrThrow(Effect.runSync(adapters.bookings.byId(b.id)))
    adapters.clock.set(instant(booking.points.checkInAt! + 25 * 3_600_000))
    await engine.tick()
    expect(adapters.payoutLedger.allPayouts()).toHaveLength(1)
    return { engine, market, booking }
  }
  const payoutsCheck = async (w: Awaited<ReturnType<typeof paidStay>>) =>
    (await audit(w.engine, w.market, [w.booking.id], period)).invariants.payouts_exceeding_earnings

  it('a paid stay passes; a cancellation after the payout does not count against it', async () => {
    const w = await paidStay()
    expect(await payoutsCheck(w)).toBe(0)
    const host = w.market.hosts.find((h) => h.id === w.booking.hostId)!.caller
    await w.engine.run(w.engine.useCases.cancelBooking.execute(host, w.booking.id, { reason: 'leak' }))
    await w.engine.tick()
    expect(await payoutsCheck(w)).toBe(0)
  })

  it('a payout of more than the stay earned, and a transfer made twice, are counted', async () => {
    const w = await paidStay()
    const p = w.engine.adapters.payoutLedger.allPayouts()[0]!
    // The provider paid the same payout again under another key.
    await Effect.runPromise(
      w.engine.adapters.payoutGateway.transfer({
        amount: p.amount,
        currency: p.currency,
        destination: p.destination,
        idempotencyKey: 'a second time',
        openedAt: p.createdAt,
        metadata: {},
      }),
    )
    expect(await payoutsCheck(w)).toBe(1)
    // A stay that earns less than was paid for it.
    Effect.runSync(
      w.engine.adapters.bookings.save(
        {
          ...w.booking,
          quote: { ...w.booking.quote, hostPayout: p.amount - 1 },
          version: w.booking.version + 2,
        },
        [],
      ),
    )
    expect(await payoutsCheck(w)).toBe(2)
  })
})

describe('simulate: command line', () => {
  it('defaults, every option, and the flags', () => {
    expect(parseCli([]).simulation).toEqual(defaultOptions)
    const cli = parseCli([
      '--listings',
      '10000',
      '--guests=50000',
      '--days',
      '365',
      '--seed',
      '42',
      '--payment-failure-rate',
      '0.1',
      '--start',
      '2027-03-01',
      '--json',
      '--report',
      'out/r.html',
    ])
    expect(cli.simulation).toEqual({
      listings: 10_000,
      guests: 50_000,
      days: 365,
      seed: 42,
      paymentFailureRate: 0.1,
      start: '2027-03-01',
    })
    expect(cli).toMatchObject({ json: true, reportFile: 'out/r.html', help: false })
  })

  it.each([
    [['--listings', '0'], '--listings must be between 1 and 200000'],
    [['--listings', 'ten'], '--listings must be a whole number'],
    [['--days', '2.5'], '--days must be a whole number'],
    [['--guests', '-3'], '--guests'],
    [['--payment-failure-rate', '1.5'], '--payment-failure-rate must be a number from 0 to 1'],
    [['--start', '2026-02-30'], '--start must be a date as YYYY-MM-DD'],
    [['--report', 'out.pdf'], '--report must name an .html file'],
    [['--colour'], "Unknown option '--colour'"],
    [['extra'], 'unexpected argument "extra"'],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(OptionsError)
    expect(() => parseCli(argv)).toThrow(message)
  })
})

describe('simulate: progress on stderr', () => {
  const sink = (isTTY: boolean) => {
    const out: string[] = []
    return { out, sink: { isTTY, columns: 100, write: (s: string) => out.push(s) } }
  }

  it('on a terminal: one bar redrawn in place, finished with a newline', () => {
    const { out, sink: s } = sink(true)
    let t = 0
    const p = progressReporter(s, () => t)
    for (let day = 1; day <= 10; day++) {
      t += 200
      p.update({ phase: 'run', done: day, total: 10, bookings: day * 3 })
    }
    p.done()
    expect(out.slice(0, -1).every((l) => l.startsWith('\r[') && !l.includes('\n'))).toBe(true)
    expect(out.at(-2)).toContain('100% simulating day 10/10 · 30 bookings')
    expect(out.at(-1)).toBe('\n')
  })

  it('elsewhere: plain lines, one per tenth of a phase', () => {
    const { out, sink: s } = sink(false)
    const p = progressReporter(s, () => 0)
    for (let day = 1; day <= 100; day++) p.update({ phase: 'run', done: day, total: 100, bookings: day })
    p.done()
    expect(out).toHaveLength(11)
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true)
  })
})
