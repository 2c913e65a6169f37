import { Effect, Result } from 'effect'
import type { SearchListingsInput } from '../../core/application/search-listings.js'
import { defaultSettings } from '../../core/application/support/deps.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { Listing } from '../../core/domain/listings/listing.js'
import { addDays, type LocalDate, localDate, toEpochDay, weekday } from '../../core/domain/shared/dates.js'
import type { BookingId } from '../../core/domain/shared/ids.js'
import { DAY, HOUR, instant, MINUTE } from '../../core/domain/shared/time.js'
import { createInMemoryEngine, type InMemoryEngine } from '../composition/in-memory-engine.js'
import { audit } from './audit.js'
import { type City, pickCity, seasonFactor } from './catalog.js'
import { buildMarketplace, type Marketplace, type SimListing } from './marketplace.js'
import { SIMULATION_PASSWORD_COST, type SimulationOptions } from './options.js'
import { buildReport, type SimulationReport } from './report.js'
import { Rng } from './rng.js'
import { Timings } from './timing.js'

/**
 * Search sessions a guest starts per year on average. About half only browse; the rest try to book.
 * With five guests per listing this keeps a year of 10,000 listings at a few hundred thousand
 * bookings (every booking, payment, event and review stays in memory for the final audit).
 */
const SESSIONS_PER_GUEST_YEAR = 12
/** Share of sessions that only look (search, perhaps a quote) and book nothing. */
const BROWSE_ONLY = 0.45
/** Relative search volume by weekday of the search (0 = Sunday) and by hour of day (UTC). */
const WEEKDAY_VOLUME = [1.15, 1.1, 1, 0.95, 0.9, 0.85, 0.95]
const HOUR_VOLUME = [
  0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 1, 1.1, 1.1, 1.2, 1.2, 1.1, 1.1, 1.2, 1.4, 1.6, 1.8, 1.9, 1.7,
  1.2, 0.6,
]
const HOUR_TOTAL = HOUR_VOLUME.reduce((a, b) => a + b, 0)
/** Nights a guest asks for, with weights. */
const STAY_LENGTHS = [1, 2, 3, 4, 5, 6, 7, 10, 14, 28]
const STAY_WEIGHTS = [10, 22, 22, 14, 9, 5, 10, 3, 3, 2]
const PARTY_SIZES = [1, 2, 3, 4, 5, 6]
const PARTY_WEIGHTS = [22, 45, 12, 13, 4, 4]

/** Behaviour knobs, as shares (0-1). */
const GUEST_ABANDONS_CHECKOUT = 0.03
const GUEST_RETRIES_DECLINED_CARD = 0.6
const GUEST_CANCELS = 0.07
const GUEST_MODIFIES = 0.05
const HOST_CANCELS = 0.008
const HOST_DECLINES = 0.12
const GUEST_REVIEWS = 0.72
const HOST_REVIEWS = 0.6

/** What the simulation reports while it runs. */
export interface Progress {
  readonly phase: 'setup' | 'run' | 'audit'
  readonly done: number
  readonly total: number
  readonly bookings: number
}

export interface SimulateHooks {
  readonly onProgress?: (p: Progress) => void
}

/** Counters the run keeps as it goes; everything else in the report comes from the final state. */
export interface RunCounters {
  searches: number
  searchesWithoutResults: number
  /** Sessions that found something and booked nothing, by choice. */
  browsedOnly: number
  quotes: number
  attempts: number
  created: number
  conflictsAtQuote: number
  conflictsAtRequest: number
  tooManyPending: number
  checkoutsAbandoned: number
  paymentsDeclined: number
  paymentRetries: number
  hostAccepted: number
  hostDeclined: number
  hostLate: number
  hostSilent: number
  guestCancellations: number
  hostCancellations: number
  cancellationsRefused: number
  modifications: number
  modificationConflicts: number
  modificationDeclinedCards: number
  modificationsRefused: number
  reviewsPosted: number
  reviewsRefused: number
  calendarChanges: number
  ticks: number
  eventsByType: Record<string, number>
  notifications: number
}

type Action =
  | { readonly kind: 'host_response'; readonly booking: BookingId; readonly accept: boolean }
  | { readonly kind: 'guest_cancel'; readonly booking: BookingId }
  | { readonly kind: 'host_cancel'; readonly booking: BookingId }
  | {
      readonly kind: 'modify'
      readonly booking: BookingId
      readonly change: { checkIn?: string; checkOut?: string; guests?: number }
    }
  | {
      readonly kind: 'guest_review'
      readonly booking: BookingId
      readonly rating: number
      readonly categories: Record<string, number>
    }
  | { readonly kind: 'host_review'; readonly booking: BookingId; readonly rating: number }

interface Scheduled {
  readonly at: number
  readonly seq: number
  readonly action: Action
}

/** Actions due at a time, earliest first (ties in the order they were scheduled): a binary heap. */
class Agenda {
  private readonly items: Scheduled[] = []
  private seq = 0

  get size(): number {
    return this.items.length
  }

  add(at: number, action: Action): void {
    const a = this.items
    const x: Scheduled = { at, seq: this.seq++, action }
    a.push(x)
    let i = a.length - 1
    while (i > 0) {
      const p = (i - 1) >>> 1
      if (before(a[p]!, x)) break
      a[i] = a[p]!
      i = p
    }
    a[i] = x
  }

  /** The next action due at or before `now`, if any. */
  take(now: number): Action | undefined {
    const a = this.items
    const top = a[0]
    if (top === undefined || top.at > now) return undefined
    const last = a.pop()!
    if (a.length > 0) {
      let i = 0
      while (true) {
        const l = 2 * i + 1
        if (l >= a.length) break
        const r = l + 1
        const c = r < a.length && before(a[r]!, a[l]!) ? r : l
        if (before(last, a[c]!)) break
        a[i] = a[c]!
        i = c
      }
      a[i] = last
    }
    return top.action
  }
}
const before = (x: Scheduled, y: Scheduled): boolean => x.at < y.at || (x.at === y.at && x.seq < y.seq)

interface Session {
  readonly guest: number
  readonly city: City
  readonly checkIn: LocalDate
  readonly checkOut: LocalDate
  readonly party: number
  picks: Listing[]
  /** Whether the first pick's quote came back bookable. */
  quoted: boolean
}

const newCounters = (): RunCounters => ({
  searches: 0,
  searchesWithoutResults: 0,
  browsedOnly: 0,
  quotes: 0,
  attempts: 0,
  created: 0,
  conflictsAtQuote: 0,
  conflictsAtRequest: 0,
  tooManyPending: 0,
  checkoutsAbandoned: 0,
  paymentsDeclined: 0,
  paymentRetries: 0,
  hostAccepted: 0,
  hostDeclined: 0,
  hostLate: 0,
  hostSilent: 0,
  guestCancellations: 0,
  hostCancellations: 0,
  cancellationsRefused: 0,
  modifications: 0,
  modificationConflicts: 0,
  modificationDeclinedCards: 0,
  modificationsRefused: 0,
  reviewsPosted: 0,
  reviewsRefused: 0,
  calendarChanges: 0,
  ticks: 0,
  eventsByType: {},
  notifications: 0,
})

/** Runs an effect to its Result: expected failures come back as values; defects still throw. */
const attempt = <A, E>(e: Effect.Effect<A, E>): Promise<Result.Result<A, E>> =>
  Effect.runPromise(Effect.result(e))

/**
 * A whole marketplace on the real use cases with the in-memory adapters and a manual clock, hour by
 * hour: hosts and listings across several cities; guests who search (seasonal, weekly and lead-time
 * demand), quote, book, pay (some cards are declined), sometimes change or cancel, stay and review;
 * hosts who accept or decline requests and sometimes cancel. Timed transitions fire as the clock
 * advances. Deterministic: the same options give the same report, apart from the timing figures.
 */
export const simulate = async (
  options: SimulationOptions,
  hooks: SimulateHooks = {},
): Promise<SimulationReport> => {
  const wallStart = performance.now()
  const progress = hooks.onProgress ?? (() => {})
  const startDate = localDate(options.start)
  const start = instant(toEpochDay(startDate) * DAY)
  const engine = createInMemoryEngine({
    start,
    passwordHashCost: SIMULATION_PASSWORD_COST,
    idNamespace: 'sim',
  })
  const root = new Rng(options.seed)
  const timings = new Timings()
  const counters = newCounters()
  const firstYear = Number(options.start.slice(0, 4))

  // ---- the marketplace ----
  const market = await buildMarketplace(
    engine,
    root.fork('market'),
    {
      listings: options.listings,
      guests: options.guests,
      years: { first: firstYear, last: firstYear + Math.ceil(options.days / 365) + 1 },
    },
    (done, total) => progress({ phase: 'setup', done, total, bookings: 0 }),
  )
  await hostCalendars(engine, market, root.fork('calendars'), startDate, counters)
  const setupMs = performance.now() - wallStart

  const world = new World(engine, market, options, root, timings, counters)
  engine.adapters.publisher.subscribe((e) => world.onEvent(e))
  await world.drain()

  // ---- hour by hour ----
  const demand = root.fork('demand')
  const dailySessions = (options.guests * SESSIONS_PER_GUEST_YEAR) / 365
  for (let day = 0; day < options.days; day++) {
    const date = addDays(startDate, day)
    const volume = dailySessions * WEEKDAY_VOLUME[weekday(date)]!
    for (let hour = 0; hour < 24; hour++) {
      const now = instant(start + day * DAY + hour * HOUR)
      engine.adapters.clock.set(now)
      await world.runAgenda(now)
      const expected = (volume * HOUR_VOLUME[hour]!) / HOUR_TOTAL
      const n = Math.floor(expected) + (demand.chance(expected - Math.floor(expected)) ? 1 : 0)
      await world.sessions(n, date)
      await world.tick()
    }
    progress({ phase: 'run', done: day + 1, total: options.days, bookings: world.bookingIds.length })
  }
  // The last hour's timers and webhooks, then the state is read as it stands.
  engine.adapters.clock.set(instant(start + options.days * DAY))
  await world.runAgenda(engine.adapters.clock.now())
  await world.drain()
  const runMs = performance.now() - wallStart - setupMs

  progress({ phase: 'audit', done: 0, total: 1, bookings: world.bookingIds.length })
  const auditStart = performance.now()
  const state = await audit(
    engine,
    market,
    world.bookingIds,
    { from: startDate, days: options.days },
    defaultSettings.payoutDelayHours,
  )
  const auditMs = performance.now() - auditStart
  progress({ phase: 'audit', done: 1, total: 1, bookings: world.bookingIds.length })
  return buildReport({
    options,
    counters,
    state,
    timings: timings.summary(),
    wall: { setupMs, runMs, auditMs, totalMs: performance.now() - wallStart },
    memory: process.memoryUsage(),
    market,
  })
}

/** Hosts block a week here and there and price a few holiday weekends up, through the calendar use case. */
const hostCalendars = async (
  engine: InMemoryEngine,
  market: Marketplace,
  rng: Rng,
  from: LocalDate,
  counters: RunCounters,
): Promise<void> => {
  for (const l of market.listings) {
    const host = market.hosts[l.host]!.caller
    if (rng.chance(0.06)) {
      const first = addDays(from, rng.int(7, 200))
      const r = await attempt(
        engine.useCases.setCalendar.execute(host, l.id, {
          from: first,
          to: addDays(first, 7),
          blocked: true,
        }),
      )
      if (Result.isSuccess(r)) counters.calendarChanges++
    }
    if (rng.chance(0.04)) {
      // A Friday and Saturday a few weeks out, priced up for an event in town.
      const d = addDays(from, rng.int(14, 150))
      const friday = addDays(d, (5 - weekday(d) + 7) % 7)
      const r = await attempt(
        engine.useCases.setCalendar.execute(host, l.id, {
          from: friday,
          to: addDays(friday, 2),
          surgeBp: rng.pick([12_500, 15_000, 20_000]),
        }),
      )
      if (Result.isSuccess(r)) counters.calendarChanges++
    }
  }
}

/** The running marketplace: who is who, what is scheduled, and what happened. */
class World {
  readonly bookingIds: BookingId[] = []
  private readonly agenda = new Agenda()
  private readonly listingById: Map<string, SimListing>
  private readonly guestIndex: Map<string, number>
  private readonly hostIndex: Map<string, number>
  private readonly behave: Rng
  private readonly searching: Rng
  /** Off-session card declines queued at the provider and not yet used by a top-up. */
  private declineArmed = false

  constructor(
    private readonly engine: InMemoryEngine,
    private readonly market: Marketplace,
    private readonly options: SimulationOptions,
    root: Rng,
    private readonly timings: Timings,
    private readonly counters: RunCounters,
  ) {
    this.listingById = new Map(market.listings.map((l) => [l.id as string, l]))
    this.guestIndex = new Map(market.guests.map((g, i) => [g.id as string, i]))
    this.hostIndex = new Map(market.hosts.map((h, i) => [h.id as string, i]))
    this.behave = root.fork('behaviour')
    this.searching = root.fork('searching')
  }

  private time<A>(name: string, f: () => Promise<A>): Promise<A> {
    return this.timings.time(name, f)
  }

  /** One turn of background work: webhooks, due transitions, review reveals, outbox relay. */
  async tick(): Promise<void> {
    await this.time('tick', () => this.engine.tick())
    this.counters.ticks++
    // Counted as they are published (onEvent); the logs themselves need not grow for a year.
    this.counters.notifications += this.engine.adapters.notifier.sent().length
    this.engine.adapters.notifier.clear()
    this.engine.adapters.publisher.clear()
  }

  /** Ticks until the background work is done. */
  async drain(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const pending = this.engine.adapters.outbox.pendingEvents().length
      await this.tick()
      if (pending === 0 && this.engine.adapters.gateway.pendingDeliveries().length === 0) break
    }
  }

  /** Reacts to published events as a consumer would: hosts answer requests, stays lead to reviews. */
  onEvent(e: DomainEvent): void {
    const c = this.counters
    c.eventsByType[e.type] = (c.eventsByType[e.type] ?? 0) + 1
    const r = this.behave
    const bookingId = e.subject as BookingId
    if (e.type === 'innkeeper.booking.awaiting_host.v1') {
      const host = this.market.hosts[this.hostIndex.get(e.data.hostId) ?? -1]
      if (host === undefined) return
      if (!r.chance(host.diligence)) {
        c.hostSilent++
        return
      }
      // Most hosts answer within hours; a few take longer than the 24 h they have.
      const delay = Math.min(30 * HOUR, Math.floor(-Math.log(1 - r.float()) * 5 * HOUR) + 5 * MINUTE)
      this.agenda.add(e.time + delay, {
        kind: 'host_response',
        booking: bookingId,
        accept: !r.chance(HOST_DECLINES),
      })
      return
    }
    if (e.type === 'innkeeper.booking.confirmed.v1') {
      const checkIn = toEpochDay(localDate(e.data.checkIn)) * DAY + 15 * HOUR
      const lead = checkIn - e.time
      if (lead <= HOUR) return
      const when = () => e.time + Math.floor(r.float() * (lead - HOUR))
      if (r.chance(GUEST_CANCELS)) this.agenda.add(when(), { kind: 'guest_cancel', booking: bookingId })
      else if (r.chance(HOST_CANCELS)) this.agenda.add(when(), { kind: 'host_cancel', booking: bookingId })
      else if (r.chance(GUEST_MODIFIES) && lead > 2 * DAY) {
        const checkInDate = localDate(e.data.checkIn)
        const checkOutDate = localDate(e.data.checkOut)
        const listing = this.listingById.get(e.data.listingId)
        const pick = r.float()
        const change =
          pick < 0.45
            ? { checkOut: addDays(checkOutDate, r.int(1, 2)) }
            : pick < 0.75
              ? (() => {
                  const shift = r.pick([-2, -1, 1, 2, 3])
                  return { checkIn: addDays(checkInDate, shift), checkOut: addDays(checkOutDate, shift) }
                })()
              : {
                  guests: Math.max(
                    1,
                    Math.min(listing?.listing.maxGuests ?? 2, e.data.guests + r.pick([-1, 1])),
                  ),
                }
        this.agenda.add(when(), { kind: 'modify', booking: bookingId, change })
      }
      return
    }
    if (e.type === 'innkeeper.booking.completed.v1') {
      const listing = this.listingById.get(e.data.listingId)
      const guest = this.market.guests[this.guestIndex.get(e.data.guestId) ?? -1]
      if (listing === undefined || guest === undefined) return
      if (r.chance(GUEST_REVIEWS)) {
        const score = (x: number) => Math.max(1, Math.min(5, Math.round(x)))
        const base = listing.quality + guest.bias
        const rating = score(base + r.normal() * 0.6)
        const categories = {
          cleanliness: score(base + r.normal() * 0.8),
          accuracy: score(base + r.normal() * 0.7),
          check_in: score(base + 0.3 + r.normal() * 0.6),
          communication: score(base + 0.2 + r.normal() * 0.6),
          location: score(base + 0.2 + r.normal() * 0.7),
          value: score(base - 0.2 + r.normal() * 0.8),
        }
        this.agenda.add(e.time + HOUR + Math.floor(r.float() * 13 * DAY), {
          kind: 'guest_review',
          booking: bookingId,
          rating,
          categories,
        })
      }
      if (r.chance(HOST_REVIEWS))
        this.agenda.add(e.time + HOUR + Math.floor(r.float() * 13 * DAY), {
          kind: 'host_review',
          booking: bookingId,
          rating: r.chance(0.85) ? 5 : r.int(2, 4),
        })
    }
  }

  /** Runs every scheduled action due by `now`, in order. */
  async runAgenda(now: number): Promise<void> {
    const uc = this.engine.useCases
    const c = this.counters
    for (let a = this.agenda.take(now); a !== undefined; a = this.agenda.take(now)) {
      const booking = await attempt(this.engine.adapters.bookings.byId(a.booking))
      if (Result.isFailure(booking) || booking.success._tag === 'None') continue
      const b: Booking = booking.success.value
      const host = this.market.hosts[this.hostIndex.get(b.hostId) ?? -1]!
      const guest = this.market.guests[this.guestIndex.get(b.guestId) ?? -1]!
      switch (a.kind) {
        case 'host_response': {
          const r = a.accept
            ? await this.time('acceptBooking', () => attempt(uc.acceptBooking.execute(host.caller, b.id)))
            : await this.time('declineBooking', () =>
                attempt(uc.declineBooking.execute(host.caller, b.id, 'not available for these dates')),
              )
          if (Result.isSuccess(r)) {
            if (a.accept) c.hostAccepted++
            else c.hostDeclined++
          } else c.hostLate++
          await this.settlePayments()
          break
        }
        case 'guest_cancel':
        case 'host_cancel': {
          const who = a.kind === 'guest_cancel' ? guest.caller : host.caller
          const r = await this.time('cancelBooking', () =>
            attempt(
              uc.cancelBooking.execute(who, b.id, {
                reason: a.kind === 'guest_cancel' ? 'plans changed' : 'host unavailable',
              }),
            ),
          )
          if (Result.isSuccess(r)) {
            if (a.kind === 'guest_cancel') c.guestCancellations++
            else c.hostCancellations++
          } else c.cancellationsRefused++
          await this.settlePayments()
          break
        }
        case 'modify': {
          // Some top-ups are declined like any card payment: the provider declines the next one.
          if (!this.declineArmed && this.behave.chance(this.options.paymentFailureRate)) {
            this.engine.adapters.gateway.declineNextOffSession(1)
            this.declineArmed = true
          }
          const r = await this.time('modifyBooking', () =>
            attempt(uc.modifyBooking.execute(guest.caller, b.id, a.change)),
          )
          if (Result.isSuccess(r)) c.modifications++
          else if (r.failure._tag === 'NightsUnavailable') c.modificationConflicts++
          else if (r.failure._tag === 'PaymentDeclined') {
            c.modificationDeclinedCards++
            this.declineArmed = false
          } else c.modificationsRefused++
          await this.settlePayments()
          break
        }
        case 'guest_review':
        case 'host_review': {
          const r =
            a.kind === 'guest_review'
              ? await this.time('postReview', () =>
                  attempt(
                    uc.postReview.execute(guest.caller, {
                      bookingId: b.id,
                      rating: a.rating,
                      categories: a.categories,
                      comment:
                        a.rating >= 4
                          ? 'Lovely stay, would come back.'
                          : 'It was fine, some things could be better.',
                    }),
                  ),
                )
              : await this.time('postReview', () =>
                  attempt(
                    uc.postReview.execute(host.caller, {
                      bookingId: b.id,
                      rating: a.rating,
                      comment: 'Thanks for staying.',
                    }),
                  ),
                )
          if (Result.isSuccess(r)) c.reviewsPosted++
          else c.reviewsRefused++
          break
        }
      }
    }
  }

  /** Applies the payment provider's queued webhooks (settlement follows each). */
  private async settlePayments(): Promise<void> {
    await this.time('applyPaymentEvents', () => this.engine.deliverPaymentEvents())
  }

  /**
   * `n` guests look in this hour: each searches, picks up to three hits and asks the price of the
   * first. Then those who want to book ask for it, in the same order: between a guest's quote and
   * request another may have taken the nights, and the engine refuses the second request.
   */
  async sessions(n: number, today: LocalDate): Promise<void> {
    if (n === 0) return
    const uc = this.engine.useCases
    const c = this.counters
    const s = this.searching
    const booking: Session[] = []
    for (let i = 0; i < n; i++) {
      const session = this.newSession(s, today)
      const input = this.searchInput(s, session)
      const found = await this.time('searchListings', () => attempt(uc.searchListings.execute(input)))
      c.searches++
      if (Result.isFailure(found) || found.success.items.length === 0) {
        c.searchesWithoutResults++
        continue
      }
      // Guests mostly look at the top of the page: pick up to three, nearer the top more likely.
      const hits = found.success.items.map((h) => h.listing)
      const picks: Listing[] = []
      const weights = hits.map((_, r) => 0.8 ** r)
      for (let k = 0; k < 3 && k < hits.length; k++) {
        const j = s.weighted(weights)
        picks.push(hits[j]!)
        weights[j] = 0
      }
      session.picks = picks
      const browsing = s.chance(BROWSE_ONLY)
      if (!browsing || s.chance(0.3)) session.quoted = await this.quote(session, picks[0]!)
      if (browsing) c.browsedOnly++
      else booking.push(session)
    }
    for (const session of booking) await this.book(session)
  }

  /** The guest asks the price of a stay at a listing; true if it is bookable now. */
  private async quote(session: Session, listing: Listing): Promise<boolean> {
    const guest = this.market.guests[session.guest]!.caller
    const stay = { checkIn: session.checkIn, checkOut: session.checkOut, guests: session.party }
    const q = await this.time('quoteStay', () =>
      attempt(this.engine.useCases.quoteStay.execute(guest, listing.id, stay)),
    )
    this.counters.quotes++
    if (Result.isSuccess(q)) return true
    if (q.failure._tag === 'NightsUnavailable') this.counters.conflictsAtQuote++
    return false
  }

  private newSession(s: Rng, today: LocalDate): Session {
    const guest = s.int(0, this.market.guests.length - 1)
    const city = pickCity(s)
    const nights = STAY_LENGTHS[s.weighted(STAY_WEIGHTS)]!
    // Lead time: some last-minute, most a few weeks out, some months ahead; seasons pull demand.
    let checkIn = today
    for (let tries = 0; tries < 6; tries++) {
      const r = s.float()
      const lead = r < 0.22 ? s.int(0, 7) : r < 0.62 ? s.int(8, 45) : s.int(46, 200)
      checkIn = addDays(today, lead)
      const month = Number(checkIn.slice(5, 7)) - 1
      if (s.chance(seasonFactor(city, month) / 1.5)) break
    }
    // Short stays lean to weekends: half of them start on the Friday of their week.
    if (nights <= 3 && s.chance(0.5)) {
      const shifted = addDays(checkIn, (5 - weekday(checkIn) + 7) % 7)
      if (toEpochDay(shifted) - toEpochDay(today) <= 200) checkIn = shifted
    }
    return {
      guest,
      city,
      checkIn,
      checkOut: addDays(checkIn, nights),
      party: PARTY_SIZES[s.weighted(PARTY_WEIGHTS)]!,
      picks: [],
      quoted: false,
    }
  }

  private searchInput(s: Rng, session: Session): SearchListingsInput {
    const r = s.float()
    const near = r >= 0.85 && r < 0.95
    return {
      ...(near
        ? { lat: session.city.lat, lng: session.city.lng, radiusKm: 5, sort: 'distance' as const }
        : {
            city: session.city.name,
            sort: r < 0.7 ? ('price_asc' as const) : r < 0.85 ? ('rating' as const) : ('newest' as const),
          }),
      checkIn: session.checkIn,
      checkOut: session.checkOut,
      guests: session.party,
      ...(s.chance(0.15) ? { instantBook: true } : {}),
      ...(s.chance(0.12) ? { maxPrice: Math.round(session.city.typicalNightly * 1.4) } : {}),
      ...(s.chance(0.06) ? { propertyTypes: ['apartment' as const, 'loft' as const, 'house' as const] } : {}),
      limit: 20,
    }
  }

  /** Request and pay for the first pick still free (quoting the next ones first); the next pick on a conflict. */
  private async book(session: Session): Promise<void> {
    const uc = this.engine.useCases
    const c = this.counters
    const guest = this.market.guests[session.guest]!.caller
    const stay = { checkIn: session.checkIn, checkOut: session.checkOut, guests: session.party }
    for (const [k, listing] of session.picks.entries()) {
      if (k === 0 ? !session.quoted : !(await this.quote(session, listing))) continue
      c.attempts++
      const requested = await this.time('requestBooking', () =>
        attempt(uc.requestBooking.execute(guest, { listingId: listing.id, ...stay })),
      )
      if (Result.isFailure(requested)) {
        if (requested.failure._tag === 'NightsUnavailable') {
          c.conflictsAtRequest++
          continue
        }
        if (requested.failure._tag === 'TooManyPendingBookings') c.tooManyPending++
        return
      }
      c.created++
      this.bookingIds.push(requested.success.id)
      await this.pay(session, requested.success)
      return
    }
  }

  /** The guest pays (or walks away); a declined card is retried once with another card, or not. */
  private async pay(session: Session, b: Booking): Promise<void> {
    const uc = this.engine.useCases
    const c = this.counters
    const r = this.behave
    const guest = this.market.guests[session.guest]!.caller
    if (r.chance(GUEST_ABANDONS_CHECKOUT)) {
      c.checkoutsAbandoned++
      return
    }
    for (let round = 0; round < 2; round++) {
      const checkout = await this.time('startPayment', () => attempt(uc.startPayment.execute(guest, b.id)))
      if (Result.isFailure(checkout)) return
      const declined = r.chance(this.options.paymentFailureRate)
      this.engine.adapters.gateway.confirmPayment(
        checkout.success.payment.providerRef,
        declined ? 'fail' : 'succeed',
      )
      await this.settlePayments()
      if (!declined) return
      c.paymentsDeclined++
      if (round > 0 || !r.chance(GUEST_RETRIES_DECLINED_CARD)) return
      c.paymentRetries++
    }
  }
}
