import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { addDays, localDate } from '../../core/domain/shared/dates.js'
import { type BenchReport, type BenchSuite, fig, formatTable, writeResults } from '../report.js'
import type { BareBodies } from './bare.js'
import type { ApiFixture } from './fixture.js'
import { type Load, type LoadResult, runLoad } from './load.js'
import { type SpawnedServer, spawnServer } from './spawn.js'

/**
 * HTTP throughput and latency of three routes of the real app, each beside a bare Koa route that
 * answers a body of the same size, with autocannon in this process and every server in its own:
 *
 *   npx tsx bench/http/http.ts [--quick] [--profile DIR] [--redis-url redis://127.0.0.1:6379]
 *
 * - `GET /api/v1/listings/{id}` over every searched listing (anonymous: the listing cache serves it);
 * - `GET /api/v1/listings?city=…&check_in=…&check_out=…&guests=…&limit=20` over distinct queries;
 * - `POST /api/v1/bookings` signed in, each request a distinct stay (listing × nights) of a distinct
 *   guest round (3 pending holds per guest at most), with an Idempotency-Key; 201s are counted.
 *
 * Headline rows run with rate limiting off; extra rows run the same loads with the limiter on
 * (in memory), and with Redis for the rate limiter, cache, idempotency keys and sessions. Limits in
 * those rows are high enough that every request passes, so the cost of the check is measured.
 */

export interface HttpBenchOptions {
  /** Measured seconds per route and server. */
  readonly seconds: number
  /** Unmeasured seconds before each measurement (JIT, caches, connections). */
  readonly warmupSeconds: number
  readonly connections: number
  readonly listings: number
  readonly poolListings: number
  readonly guests: number
  readonly searchQueries: number
  /** Extra rows: the API with rate limits on (in memory). */
  readonly withLimits: boolean
  /** Extra rows: the API with Redis (rate limits on, cache, idempotency, sessions). */
  readonly withRedis: boolean
  readonly redisUrl: string
  /** scrypt cost of the seeded accounts' passwords (sign-in runs the real hash check). */
  readonly hashCost: number
  /**
   * Write a V8 CPU profile of each server's serving phase here (`api.cpuprofile`, `api-limits…`,
   * `api-redis…`, `bare…`; open them in Chrome DevTools or speedscope).
   */
  readonly profileDir?: string
}

export const fullHttpOptions: HttpBenchOptions = {
  seconds: 10,
  warmupSeconds: 2,
  connections: 32,
  listings: 400,
  poolListings: 400,
  guests: 5_000,
  searchQueries: 3_000,
  withLimits: true,
  withRedis: true,
  redisUrl: 'redis://127.0.0.1:6379',
  hashCost: 2 ** 10,
}

export const quickHttpOptions: HttpBenchOptions = {
  ...fullHttpOptions,
  seconds: 2,
  warmupSeconds: 1,
  listings: 120,
  poolListings: 120,
  guests: 1_200,
  searchQueries: 600,
}

/** Fractions of a second per route on a handful of listings: the smoke test's size. */
export const tinyHttpOptions: HttpBenchOptions = {
  ...fullHttpOptions,
  seconds: 0.25,
  warmupSeconds: 0,
  connections: 8,
  listings: 18,
  poolListings: 10,
  guests: 60,
  searchQueries: 20,
  hashCost: 2 ** 4,
}

/** Throughput each route must reach, as a share of its bare twin's (issue 4). */
export const TARGETS = { listing: 0.75, search: 0.3, booking: 0.3 } as const

type LoadName = 'listing' | 'search' | 'searchUncached' | 'booking'

/** The measured routes, in order; `bare` names the bare row each is compared with. */
const ROUTES: readonly {
  readonly load: LoadName
  readonly label: string
  readonly target: keyof typeof TARGETS
  /** Measured on the bare twin too (the uncached search shares the search's bare row). */
  readonly bare: boolean
  readonly cached: boolean
}[] = [
  { load: 'listing', label: 'GET /listings/{id}', target: 'listing', bare: true, cached: true },
  { load: 'search', label: 'GET /listings?city&dates', target: 'search', bare: true, cached: true },
  {
    load: 'searchUncached',
    label: 'GET /listings?city&dates (uncached)',
    target: 'search',
    bare: false,
    cached: true,
  },
  { load: 'booking', label: 'POST /bookings', target: 'booking', bare: true, cached: false },
]

const roundRobin = (paths: readonly string[]): Load => {
  let i = 0
  return { method: 'GET', next: () => ({ path: paths[i++ % paths.length]! }) }
}

/**
 * The same searches, each made unique by a price ceiling no listing reaches: the results (and so the
 * body sizes) are the same as the plain search's, but no request can be answered from the cache.
 */
const uncachedSearch = (paths: readonly string[]): Load => {
  let i = 0
  return {
    method: 'GET',
    next: () => {
      const n = i++
      return { path: `${paths[n % paths.length]!}&max_price=${500_000_000 + n}` }
    },
  }
}

/**
 * Booking requests that never collide: request i is guest i mod G (so no guest passes 3 pending
 * holds before i reaches 3G) on pool listing i mod P, nights from slot ⌊i / P⌋. A bounded load stops
 * when its distinct bookings run out; the bare twin's (which books nothing) is not bounded.
 */
export const bookingLoad = (f: ApiFixture, runId: string, bounded = true): Load => {
  const { listingIds, slots, nights } = f.pool
  const first = localDate(f.pool.firstNight)
  const capacity = Math.min(3 * f.tokens.length, listingIds.length * slots)
  let i = 0
  return {
    method: 'POST',
    ...(bounded ? { remaining: () => Math.max(0, capacity - i) } : {}),
    next: () => {
      const n = i++
      const checkIn = addDays(first, (Math.floor(n / listingIds.length) % slots) * nights)
      return {
        path: '/api/v1/bookings',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${f.tokens[n % f.tokens.length]}`,
          'idempotency-key': `bench-${runId}-${n}`,
        },
        body: JSON.stringify({
          listing_id: listingIds[n % listingIds.length],
          check_in: checkIn,
          check_out: addDays(checkIn, nights),
          guests: 1,
        }),
      }
    },
  }
}

const loadsOf = (f: ApiFixture, runId: string, bounded = true): Record<LoadName, () => Load> => ({
  listing: () => roundRobin(f.listingIds.map((id) => `/api/v1/listings/${id}`)),
  search: () => roundRobin(f.searchPaths),
  searchUncached: () => uncachedSearch(f.searchPaths),
  booking: () => bookingLoad(f, runId, bounded),
})

interface Subject {
  readonly label: string
  readonly server: SpawnedServer
  readonly loads: Record<LoadName, () => Load>
}

const apiArgs = (o: HttpBenchOptions, extra: readonly string[]): string[] => [
  '--mode',
  'api',
  '--listings',
  String(o.listings),
  '--pool-listings',
  String(o.poolListings),
  '--guests',
  String(o.guests),
  '--search-queries',
  String(o.searchQueries),
  '--redis-url',
  o.redisUrl,
  '--hash-cost',
  String(o.hashCost),
  ...extra,
]

const statusText = (s: Readonly<Record<string, number>>): string =>
  Object.entries(s)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${code}:${n}`)
    .join(' ')

/** Measures every route on every subject (bare first, then each API) and returns the table. */
export const runHttpBench = async (o: HttpBenchOptions): Promise<BenchReport> => {
  const started = Date.now()
  const load0 = loadavg()[0] ?? 0
  const profile = (name: string): string[] =>
    o.profileDir === undefined ? [] : ['--profile', join(o.profileDir, `${name}.cpuprofile`)]
  const servers: SpawnedServer[] = []
  const skipped: string[] = []
  try {
    const track = (p: Promise<SpawnedServer>): Promise<SpawnedServer> =>
      p.then((s) => {
        servers.push(s)
        return s
      })
    const spawnApi = (name: string, extra: readonly string[]) =>
      track(spawnServer([...apiArgs(o, extra), ...profile(name)]))
    // The bare twin starts beside the APIs and gets its body sizes on stdin once the first API knows them.
    let sendBodies: (line: string) => void = () => {}
    let noBodies: (e: unknown) => void = () => {}
    const bodiesLine = new Promise<string>((resolve, reject) => {
      sendBodies = resolve
      noBodies = reject
    })
    const starting = [
      spawnApi('api', ['--measure']),
      o.withLimits ? spawnApi('api-limits', ['--rate-limit', 'on']) : Promise.resolve(null),
      o.withRedis
        ? // Without Redis the in-memory figures still stand: the Redis rows are left out, and the notes say why.
          spawnApi('api-redis', ['--rate-limit', 'on', '--infra', 'redis']).catch((e: unknown) => {
            skipped.push(
              `Redis rows left out: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`,
            )
            return null
          })
        : Promise.resolve(null),
      track(spawnServer(['--mode', 'bare', '--bodies', '-', ...profile('bare')], { input: bodiesLine })),
    ] as const
    starting[0].then(
      (s) =>
        s.info.fixture?.bytes == null
          ? noBodies(new Error('the API server sent no response sizes'))
          : sendBodies(JSON.stringify(s.info.fixture.bytes satisfies BareBodies)),
      noBodies,
    )
    const settled = await Promise.allSettled(starting)
    const failure = settled.find((r) => r.status === 'rejected')
    if (failure !== undefined) throw failure.reason
    const [api, limited, redis, bare] = await Promise.all(starting)
    const fixture = api.info.fixture
    if (fixture === null) throw new Error('the API server sent no fixture')

    const runId = randomUUID().slice(0, 8)
    const subjects: Subject[] = [
      // The bare twin gets the same requests as the API (same paths, same booking bodies and headers).
      { label: 'bare Koa', server: bare, loads: loadsOf(fixture, `${runId}-bare`, false) },
      { label: 'api (memory, no limits)', server: api, loads: loadsOf(fixture, runId) },
    ]
    for (const [label, s] of [
      ['api + rate limits (memory)', limited],
      ['api + Redis (limits, cache, idempotency, sessions)', redis],
    ] as const)
      if (s?.info.fixture) subjects.push({ label, server: s, loads: loadsOf(s.info.fixture, runId) })

    const rows: BenchReport['rows'] = []
    const notes: string[] = [...skipped]
    const headlines: string[] = []
    let bareRps = 0
    let bareCpuPerRequest = 0
    for (const route of ROUTES) {
      for (const subject of subjects) {
        const isBare = subject.server === bare
        if (isBare && !route.bare) continue
        const load = subject.loads[route.load]()
        const tally = route.cached && !isBare ? { tally: 'x-cache' } : {}
        if (o.warmupSeconds > 0)
          await runLoad(subject.server.info.url, load, {
            seconds: o.warmupSeconds,
            connections: o.connections,
          })
        const cpu0 = subject.server.cpuMs()
        const r: LoadResult = await runLoad(subject.server.info.url, load, {
          seconds: o.seconds,
          connections: o.connections,
          ...tally,
        })
        const cpuMs = subject.server.cpuMs() - cpu0
        const serverCpu = r.seconds > 0 ? cpuMs / 1000 / r.seconds : 0
        const cpuPerRequest = r.requests > 0 ? (cpuMs * 1000) / r.requests : 0
        if (isBare) {
          bareRps = r.rps
          bareCpuPerRequest = cpuPerRequest
        }
        const ratio = bareRps > 0 ? r.rps / bareRps : 0
        const cpuRatio = cpuPerRequest > 0 ? bareCpuPerRequest / cpuPerRequest : 0
        const target = TARGETS[route.target]
        const headline = subject.server === api
        if (headline)
          headlines.push(
            `${route.label}: api/bare = ${fig(ratio)} by req/s, ${fig(cpuRatio)} by CPU per request (target >= ${target}): ${ratio >= target ? 'met' : 'NOT met'}`,
          )
        const hits = r.tally.hit ?? 0
        const cacheable = hits + (r.tally.miss ?? 0)
        rows.push({
          route: route.label,
          server: subject.label,
          'req/s': Math.round(r.rps),
          'x bare': isBare ? 1 : fig(ratio),
          'p50 ms': fig(r.latency.p50),
          'p97.5 ms': fig(r.latency.p97_5),
          'p99 ms': fig(r.latency.p99),
          requests: r.requests,
          '2xx': r.ok,
          'non-2xx': r.non2xx,
          errors: r.errors + r.timeouts,
          statuses: statusText(r.statuses),
          'cache hits': cacheable > 0 ? fig(hits / cacheable) : '',
          'client cpu': fig(r.clientCpu),
          'server cpu': fig(serverCpu),
          'server us/req': Math.round(cpuPerRequest),
          'x bare (cpu)': isBare ? 1 : fig(cpuRatio),
          target: headline ? `>= ${target}` : '',
          met: headline ? (ratio >= target ? 'yes' : 'NO') : '',
        })
      }
    }
    notes.push(...headlines)
    notes.push(
      `${o.seconds} s per route and server after ${o.warmupSeconds} s of warm-up, ${o.connections} keep-alive connections, autocannon in the parent process, each server a process of its own (node ${process.version}); load average ${fig(load0)} at start on ${'2'}-core machine`,
      `fixture: ${o.listings} listings in 6 cities (half their unit-nights of a year booked), ${o.poolListings} one-unit pool listings for bookings, ${o.guests} guests signed in over HTTP; API logs every request at info (to /dev/null), metrics on, background loop on`,
      'bare Koa: @koa/router only, answering a pre-built body of the same byte size as the API answered to the same request (per listing, per search query, one booking)',
      "cache hits: share of the API's answers served from its cache (X-Cache: hit); anonymous listing and search answers are cached (60 s and 10 s); the uncached search rows repeat the searches with a price ceiling no listing reaches, unique per request, so each one runs the search (their x bare is against the plain search's bare row: same results, same sizes)",
      "client cpu / server cpu: share of one core used by the load generator / the server during the run (client near 1 = the generator, not the server, was the limit); server us/req: server CPU time per request; x bare (cpu): bare us/req over this row's, the throughput ratio the server would reach if it had the core to itself (robust to other load on the machine)",
      'rate-limited rows: limits high enough that every request passes (each request still pays per-IP and per-user checks); Redis row: RedisRateLimiter, RedisCache, RedisIdempotencyStore, RedisSessionStore under a fresh key prefix, deleted afterwards',
      `took ${Math.round((Date.now() - started) / 1000)} s`,
    )
    return { name: 'http', rows, notes }
  } finally {
    await Promise.all(servers.map((s) => s.close()))
  }
}

export const run = (options: { readonly quick: boolean }): Promise<BenchReport> =>
  runHttpBench(options.quick ? quickHttpOptions : fullHttpOptions)

export const httpSuite: BenchSuite = { name: 'http', run }

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'http.json')

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'string' },
      'redis-url': { type: 'string' },
    },
  })
  const base = values.quick ? quickHttpOptions : fullHttpOptions
  const report = await runHttpBench({
    ...base,
    ...(values.profile === undefined ? {} : { profileDir: values.profile }),
    ...(values['redis-url'] === undefined ? {} : { redisUrl: values['redis-url'] }),
  })
  for (const line of formatTable(report)) process.stdout.write(`${line}\n`)
  writeResults(RESULTS, [report], { at: new Date(), quick: values.quick })
}
