import { availableParallelism, loadavg } from 'node:os'
import { getHeapSpaceStatistics } from 'node:v8'
import { Effect, Result } from 'effect'
import { createInMemoryEngine } from '../apps/composition/in-memory-engine.js'
import { type City, cities, pickCity } from '../apps/simulate/catalog.js'
import { buildMarketplace } from '../apps/simulate/marketplace.js'
import { Rng } from '../apps/simulate/rng.js'
import type { SearchListingsInput } from '../core/application/search-listings.js'
import { addDays, type LocalDate, localDate } from '../core/domain/shared/dates.js'
import { DAY, instant } from '../core/domain/shared/time.js'
import type { AvailabilityStore } from '../ports/availability-store.js'
import { fillCalendars } from './calendar-fill.js'
import { collectGarbage } from './gc.js'
import { type BenchReport, fig, Sample } from './report.js'

/** Thursday 2026-01-01, 00:00 UTC: the benchmark's "now"; calendars run a year from here. */
const START = instant(Date.UTC(2026, 0, 1))
const FIRST_NIGHT = localDate('2026-01-01')

export interface CoreBenchOptions {
  /** Marketplace sizes (listings) to measure, each on a fresh engine. */
  readonly sizes: readonly number[]
  /** Nights of calendar filled ahead of "now" for every listing. */
  readonly nights: number
  /** Share of unit-nights booked before measuring (0-1). */
  readonly occupancy: number
  readonly searches: number
  readonly attempts: number
  readonly guests: number
  readonly seed: number
}

export const fullCoreOptions: CoreBenchOptions = {
  sizes: [1_000, 10_000, 100_000],
  nights: 365,
  occupancy: 0.55,
  searches: 3_000,
  attempts: 2_000,
  guests: 2_000,
  seed: 1,
}

export const quickCoreOptions: CoreBenchOptions = {
  sizes: [1_000, 10_000],
  nights: 365,
  occupancy: 0.55,
  searches: 500,
  attempts: 300,
  guests: 500,
  seed: 1,
}

/** Wall-clock and CPU time of the same operations: CPU time is what the engine spent, whatever else the machine ran. */
interface Timing {
  readonly wall: Sample
  readonly cpu: Sample
}
const timing = (): Timing => ({ wall: new Sample(), cpu: new Sample() })
const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
/** Runs `f`, adding its wall and CPU time to `t` (when given). */
const timed = async <A>(t: Timing | null, f: () => Promise<A>): Promise<A> => {
  const c0 = cpuMs()
  const w0 = performance.now()
  const a = await f()
  if (t !== null) {
    t.wall.add(performance.now() - w0)
    t.cpu.add(cpuMs() - c0)
  }
  return a
}

interface SizeResult {
  readonly listings: number
  readonly setupSec: number
  readonly fillSec: number
  readonly filledStays: number
  readonly search: Timing
  /** Availability reads (candidates checked against the calendar) per search. */
  readonly checks: Sample
  readonly searchHits: number
  readonly near: Timing
  readonly attempt: Timing
  readonly confirmed: number
  readonly conflicts: number
  readonly otherFailures: number
}

/** Size of V8's young generation (both semi-spaces), MB. */
const youngGenerationMB = (): number =>
  Math.round((getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')?.space_size ?? 0) / 1e6)

/**
 * The availability store with the listings whose nights were checked counted into `reads`: each
 * listing of a `freeForStay` batch (a search checks its candidates so, then reads the calendar of
 * the hits it prices: those reads are not counted again).
 */
const countCalendarReads = <T extends object>(adapter: T, reads: { calendar: number }): T => {
  const store = adapter as T & AvailabilityStore
  const counted: AvailabilityStore = Object.create(store)
  counted.freeForStay = (listingIds, from, to) => {
    reads.calendar += listingIds.length
    return store.freeForStay(listingIds, from, to)
  }
  return counted as T
}

const stayFrom = (rng: Rng, nights: number): { checkIn: LocalDate; checkOut: LocalDate } => {
  const lead = rng.int(1, Math.max(2, nights - 30))
  const len = rng.int(1, 7)
  const checkIn = addDays(FIRST_NIGHT, lead)
  return { checkIn, checkOut: addDays(checkIn, len) }
}

const searchInput = (rng: Rng, city: City, nights: number): SearchListingsInput => {
  const { checkIn, checkOut } = stayFrom(rng, nights)
  const r = rng.float()
  return {
    city: city.name,
    checkIn,
    checkOut,
    guests: rng.int(1, 3),
    sort: r < 0.8 ? 'price_asc' : r < 0.9 ? 'rating' : 'newest',
    limit: 20,
  }
}

const measureSize = async (size: number, o: CoreBenchOptions): Promise<SizeResult> => {
  const rng = new Rng(o.seed).fork(`core-${size}`)
  // Counts the availability reads searches make: work per search, whatever the machine's speed.
  const reads = { calendar: 0 }
  const engine = createInMemoryEngine({
    start: START,
    passwordHashCost: 2,
    idNamespace: `bench${size}`,
    decorate: (port, adapter) =>
      port === 'AvailabilityStore' ? countCalendarReads(adapter, reads) : adapter,
  })
  const t0 = performance.now()
  const m = await buildMarketplace(engine, rng.fork('market'), {
    listings: size,
    guests: o.guests,
    years: { first: 2026, last: 2027 },
    listingsPerHost: 25,
  })
  const t1 = performance.now()
  const filledStays = fillCalendars(engine.adapters.availability, m.listings, rng.fork('fill'), {
    from: FIRST_NIGHT,
    nights: o.nights,
    occupancy: o.occupancy,
    holdUntil: instant(START + 400 * DAY),
  })
  const t2 = performance.now()
  engine.adapters.notifier.clear()
  engine.adapters.publisher.clear()

  const uc = engine.useCases
  collectGarbage()
  const search = timing()
  const near = timing()
  const checks = new Sample()
  let searchHits = 0
  const srng = rng.fork('search')
  const warm = Math.min(200, Math.ceil(o.searches / 10))
  for (let i = 0; i < o.searches + warm; i++) {
    const input = searchInput(srng, pickCity(srng), o.nights)
    const before = reads.calendar
    const r = await timed(i < warm ? null : search, () =>
      Effect.runPromise(Effect.result(uc.searchListings.execute(input))),
    )
    if (i < warm) continue
    checks.add(reads.calendar - before)
    if (Result.isSuccess(r)) searchHits += r.success.items.length
  }
  for (let i = 0; i < Math.ceil(o.searches / 5) + warm; i++) {
    const city = pickCity(srng)
    const { checkIn, checkOut } = stayFrom(srng, o.nights)
    const input: SearchListingsInput = {
      lat: city.lat,
      lng: city.lng,
      radiusKm: 3,
      checkIn,
      checkOut,
      guests: 2,
      sort: 'distance',
      limit: 20,
    }
    await timed(i < warm ? null : near, () =>
      Effect.runPromise(Effect.result(uc.searchListings.execute(input))),
    )
  }

  // Booking attempts: a guest picks a hit of a search (not timed), then quote + reserve + pay and
  // confirm (the host accepts a request-to-book at once) are timed together.
  const attempt = timing()
  let confirmed = 0
  let conflicts = 0
  let otherFailures = 0
  const arng = rng.fork('attempts')
  const hostOf = new Map(m.listings.map((l) => [l.id as string, m.hosts[l.host]!.caller]))
  for (let i = 0; i < o.attempts; i++) {
    const input = searchInput(arng, pickCity(arng), o.nights)
    const found = await Effect.runPromise(Effect.result(uc.searchListings.execute(input)))
    if (Result.isFailure(found) || found.success.items.length === 0) continue
    const hit = found.success.items[arng.int(0, found.success.items.length - 1)]!
    const guest = m.guests[arng.int(0, m.guests.length - 1)]!.caller
    const stay = { checkIn: input.checkIn!, checkOut: input.checkOut!, guests: input.guests ?? 1 }
    const book = Effect.gen(function* () {
      yield* uc.quoteStay.execute(guest, hit.listing.id, stay)
      const b = yield* uc.requestBooking.execute(guest, { listingId: hit.listing.id, ...stay })
      const checkout = yield* uc.startPayment.execute(guest, b.id)
      engine.adapters.gateway.confirmPayment(checkout.payment.providerRef, 'succeed')
      yield* Effect.promise(() => engine.deliverPaymentEvents())
      if (b.bookingMode === 'request') yield* uc.acceptBooking.execute(hostOf.get(b.listingId)!, b.id)
      return b
    })
    const outcome = await timed(attempt, () => Effect.runPromise(Effect.result(book)))
    if (Result.isSuccess(outcome)) confirmed++
    else if (outcome.failure._tag === 'NightsUnavailable') conflicts++
    else otherFailures++
  }
  return {
    listings: size,
    setupSec: (t1 - t0) / 1000,
    fillSec: (t2 - t1) / 1000,
    filledStays,
    search,
    checks,
    searchHits,
    near,
    attempt,
    confirmed,
    conflicts,
    otherFailures,
  }
}

/**
 * Core benchmark: searches and booking attempts per second on the in-memory engine at each size,
 * every listing with `nights` nights of calendar already about `occupancy` booked. Sizes are
 * measured one after another in the same process, so their figures compare side by side.
 */
export const benchCore = async (
  o: CoreBenchOptions,
  onSize: (size: number) => void = () => {},
): Promise<BenchReport> => {
  const results: SizeResult[] = []
  for (const size of o.sizes) {
    onSize(size)
    results.push(await measureSize(size, o))
  }
  const rows: BenchReport['rows'] = []
  for (const r of results) {
    const sw = r.search.wall.summary()
    const sc = r.search.cpu.summary()
    const ck = r.checks.summary()
    const nw = r.near.wall.summary()
    const aw = r.attempt.wall.summary()
    const ac = r.attempt.cpu.summary()
    rows.push({
      listings: r.listings,
      'searches/s': fig(sw.opsPerSec),
      'search p50 ms': fig(sw.p50),
      'search p95 ms': fig(sw.p95),
      'search p99 ms': fig(sw.p99),
      'search cpu p99 ms': fig(sc.p99),
      'checks p50': ck.p50,
      'checks p99': ck.p99,
      'near p50 ms': fig(nw.p50),
      'near p99 ms': fig(nw.p99),
      'attempts/s': fig(aw.opsPerSec),
      'attempt p50 ms': fig(aw.p50),
      'attempt p99 ms': fig(aw.p99),
      'attempt cpu p99 ms': fig(ac.p99),
      confirmed: `${r.confirmed}/${aw.count}`,
    })
  }
  const ratio = (a: number, b: number) => (b > 0 ? a / b : 0)
  const x = (a: number, b: number) => `×${fig(ratio(a, b))}`
  const notes: string[] = [
    `calendar: ${o.nights} nights per listing, ~${Math.round(o.occupancy * 100)} % of unit-nights booked before measuring (stays of 1-7 nights, exponential gaps); ${cities.length} cities`,
    'search: city + dates (1-7 nights) + guests, 20 per page, sorted by price (80 %), rating or newest; near: within 3 km of a city centre, by distance',
    'checks: candidates per search whose nights were checked against the calendar (`freeForStay` batches; machine-independent work per search); cpu: process CPU time of the same calls',
    'attempt: quote + request (hold) + start payment + card confirmed + webhooks applied (+ host accepts a request-to-book)',
    `setup (registering hosts and guests, creating and activating listings through the use cases) and calendar fill: ${results
      .map(
        (r) =>
          `${r.listings.toLocaleString('en-US')}: ${fig(r.setupSec)} s + ${fig(r.fillSec)} s (${r.filledStays.toLocaleString('en-US')} stays)`,
      )
      .join('; ')}`,
    `young generation: ${youngGenerationMB()} MB (node's default is about 32; \`node --max-semi-space-size=64\` makes it 4× larger and scavenges, whose pauses grow with the heap, 4× rarer)`,
    `load average during the run: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )} on ${availableParallelism()} cores (wall times inflate when the machine is shared; cpu and checks do not)`,
  ]
  const small = results.find((r) => r.listings === 10_000) ?? results[results.length - 2]
  const large = results.find((r) => r.listings === 100_000) ?? results[results.length - 1]
  if (small !== undefined && large !== undefined && small !== large) {
    const [s1, s2] = [small.search.wall.summary(), large.search.wall.summary()]
    const [c1, c2] = [small.search.cpu.summary(), large.search.cpu.summary()]
    const [k1, k2] = [small.checks.summary(), large.checks.summary()]
    const [n1, n2] = [small.near.wall.summary(), large.near.wall.summary()]
    const [a1, a2] = [small.attempt.wall.summary(), large.attempt.wall.summary()]
    const growth = large.listings / small.listings
    rows.push({
      listings: `×${fig(growth)} growth`,
      'searches/s': x(s2.opsPerSec, s1.opsPerSec),
      'search p50 ms': x(s2.p50, s1.p50),
      'search p95 ms': x(s2.p95, s1.p95),
      'search p99 ms': x(s2.p99, s1.p99),
      'search cpu p99 ms': x(c2.p99, c1.p99),
      'checks p50': x(k2.p50, k1.p50),
      'checks p99': x(k2.p99, k1.p99),
      'near p50 ms': x(n2.p50, n1.p50),
      'near p99 ms': x(n2.p99, n1.p99),
      'attempts/s': x(a2.opsPerSec, a1.opsPerSec),
      'attempt p50 ms': x(a2.p50, a1.p50),
      'attempt p99 ms': x(a2.p99, a1.p99),
    })
    notes.push(
      `growth ${small.listings.toLocaleString('en-US')} → ${large.listings.toLocaleString('en-US')} listings (×${fig(growth)}): search p50 ${x(s2.p50, s1.p50)}, p99 ${x(s2.p99, s1.p99)}, cpu p99 ${x(c2.p99, c1.p99)}, checks per search p50 ${x(k2.p50, k1.p50)}`,
    )
  }
  if (large !== undefined && large.listings >= 100_000) {
    const w = large.search.wall.summary().p99
    const c = large.search.cpu.summary().p99
    notes.push(
      `target search p99 < 5 ms at ${large.listings.toLocaleString('en-US')} listings: wall ${fig(w)} ms (${w < 5 ? 'met' : 'not met'}), cpu ${fig(c)} ms (${c < 5 ? 'met' : 'not met'})`,
    )
  }
  return { name: 'core', rows, notes }
}

export const run = ({ quick }: { readonly quick: boolean }): Promise<BenchReport> =>
  benchCore(quick ? quickCoreOptions : fullCoreOptions, (size) =>
    process.stderr.write(`core: ${size.toLocaleString('en-US')} listings…\n`),
  )
