import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { type BenchReport, type BenchSuite, fig, formatTable, writeResults } from '../report.js'
import type { BareBodies } from './bare.js'
import { type Load, runLoad } from './load.js'
import { type SpawnedServer, spawnServer } from './spawn.js'

/**
 * CPU per request of the API's cached `GET /api/v1/listings/{id}` beside two Koa servers answering
 * bodies of the same size (issue 11, item 8):
 *
 *   npx tsx bench/http/twin-cost.ts [--quick] [--profile DIR]
 *
 * - bare Koa: @koa/router and the route, nothing else (bench/http/bare.ts);
 * - the Koa twin: the API's kinds of middleware — request id, a pino line per request, prom-client
 *   counter and histogram, the precomputed security headers, as many routes (bench/http/twin.ts);
 * - the API: `startApiServer` on the in-memory engine, anonymous reads served from its cache, with
 *   its logging, headers, metrics, decoding and (in a second row) its rate limits on.
 *
 * Each server is a process of its own; the figure is the server process's CPU time (user + system,
 * from /proc) over a fixed number of requests, after a fixed number of warm-up requests. Rounds
 * alternate between the servers so that other load on the machine falls on all of them alike; the
 * median round counts. Figures are printed, never judged.
 */

export interface TwinCostOptions {
  /** Measured requests per server and round. */
  readonly requests: number
  /** Unmeasured requests before the first round (JIT, caches, connections). */
  readonly warmup: number
  readonly rounds: number
  readonly connections: number
  readonly listings: number
  /** Also measure the API with its rate limits on (in memory). */
  readonly withLimits: boolean
  /** Write a V8 CPU profile of each server's serving phase into this folder. */
  readonly profileDir?: string
}

export const fullTwinCostOptions: TwinCostOptions = {
  requests: 40_000,
  warmup: 10_000,
  rounds: 5,
  connections: 16,
  listings: 200,
  withLimits: true,
}

export const quickTwinCostOptions: TwinCostOptions = {
  ...fullTwinCostOptions,
  requests: 8_000,
  warmup: 4_000,
  rounds: 3,
  listings: 60,
}

export const tinyTwinCostOptions: TwinCostOptions = {
  ...fullTwinCostOptions,
  requests: 1_500,
  warmup: 100,
  rounds: 1,
  connections: 4,
  listings: 8,
  withLimits: false,
}

/** The API's budget: its CPU per cached listing read at most this many times the twin's. */
export const TWIN_TARGET = 1.25

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? 0 : (s[Math.floor((s.length - 1) / 2)] ?? 0)
}

export const runTwinCost = async (o: TwinCostOptions): Promise<BenchReport> => {
  const started = Date.now()
  const load0 = loadavg()[0] ?? 0
  const profile = (name: string): string[] =>
    o.profileDir === undefined ? [] : ['--profile', join(o.profileDir, `${name}.cpuprofile`)]
  const fixtureArgs = [
    '--listings',
    String(o.listings),
    '--pool-listings',
    '4',
    '--guests',
    '4',
    '--search-queries',
    '4',
    '--hash-cost',
    String(2 ** 4),
  ]
  const servers: SpawnedServer[] = []
  const track = (p: Promise<SpawnedServer>) =>
    p.then((s) => {
      servers.push(s)
      return s
    })
  try {
    const api = await track(spawnServer(['--mode', 'api', '--measure', ...fixtureArgs, ...profile('api')]))
    const fixture = api.info.fixture
    if (fixture?.bytes == null) throw new Error('the API server sent no response sizes')
    const bodies = JSON.stringify(fixture.bytes satisfies BareBodies)
    const [bare, twin, limited] = await Promise.all([
      track(
        spawnServer(['--mode', 'bare', '--bodies', '-', ...profile('bare')], {
          input: Promise.resolve(bodies),
        }),
      ),
      track(
        spawnServer(['--mode', 'twin', '--bodies', '-', ...profile('twin')], {
          input: Promise.resolve(bodies),
        }),
      ),
      o.withLimits
        ? track(
            spawnServer(['--mode', 'api', '--rate-limit', 'on', ...fixtureArgs, ...profile('api-limits')]),
          )
        : Promise.resolve(null),
    ])
    const subjects: { label: string; server: SpawnedServer; ids: readonly string[] }[] = [
      { label: 'bare Koa', server: bare, ids: fixture.listingIds },
      { label: 'Koa twin', server: twin, ids: fixture.listingIds },
      { label: 'api (memory, no limits)', server: api, ids: fixture.listingIds },
    ]
    if (limited?.info.fixture)
      subjects.push({
        label: 'api + rate limits (memory)',
        server: limited,
        ids: limited.info.fixture.listingIds,
      })
    const listingLoad = (ids: readonly string[]): Load => {
      let i = 0
      return { method: 'GET', next: () => ({ path: `/api/v1/listings/${ids[i++ % ids.length]}` }) }
    }
    const perRequest = new Map<string, number[]>()
    const statuses = new Map<string, Record<string, number>>()
    for (const s of subjects)
      await runLoad(s.server.info.url, listingLoad(s.ids), {
        seconds: 600,
        requests: o.warmup,
        connections: o.connections,
      })
    for (let round = 0; round < o.rounds; round++)
      for (const s of subjects) {
        const cpu0 = s.server.cpuMs()
        const r = await runLoad(s.server.info.url, listingLoad(s.ids), {
          seconds: 600,
          requests: o.requests,
          connections: o.connections,
        })
        const cpuMs = s.server.cpuMs() - cpu0
        perRequest.set(s.label, [
          ...(perRequest.get(s.label) ?? []),
          (cpuMs * 1000) / Math.max(1, r.requests),
        ])
        const seen = statuses.get(s.label) ?? {}
        for (const [code, n] of Object.entries(r.statuses)) seen[code] = (seen[code] ?? 0) + n
        statuses.set(s.label, seen)
      }
    const us = (label: string) => median(perRequest.get(label) ?? [])
    const bareUs = us('bare Koa')
    const twinUs = us('Koa twin')
    const rows: BenchReport['rows'] = subjects.map((s) => ({
      route: 'GET /listings/{id}',
      server: s.label,
      'server us/req': Math.round(us(s.label)),
      'rounds us/req': (perRequest.get(s.label) ?? []).map((x) => Math.round(x)).join(' '),
      'x bare': bareUs > 0 ? fig(us(s.label) / bareUs) : '',
      'x twin': twinUs > 0 ? fig(us(s.label) / twinUs) : '',
      statuses: Object.entries(statuses.get(s.label) ?? {})
        .map(([c, n]) => `${c}:${n}`)
        .join(' '),
    }))
    const apiUs = us('api (memory, no limits)')
    return {
      name: 'http-twin',
      rows,
      notes: [
        `api/twin = ${fig(twinUs > 0 ? apiUs / twinUs : 0)} by CPU per request (target <= ${TWIN_TARGET}: ${apiUs <= TWIN_TARGET * twinUs ? 'met' : 'NOT met'}); api/bare = ${fig(bareUs > 0 ? apiUs / bareUs : 0)}`,
        `${o.rounds} round(s) of ${o.requests} requests per server after ${o.warmup} warm-up requests, ${o.connections} keep-alive connections, rounds alternating between servers; us/req: the server process's CPU time (user + system, /proc) per request, median of the rounds (node ${process.version}); load average ${fig(load0)} at start`,
        'x bare / x twin: this row over the bare / twin row (lower is cheaper); the API serves anonymous listing reads from its cache (X-Cache: hit after the first); all four log each request at info to /dev/null',
        `took ${Math.round((Date.now() - started) / 1000)} s`,
      ],
    }
  } finally {
    await Promise.all(servers.map((s) => s.close()))
  }
}

export const run = (options: { readonly quick: boolean }): Promise<BenchReport> =>
  runTwinCost(options.quick ? quickTwinCostOptions : fullTwinCostOptions)

export const twinCostSuite: BenchSuite = { name: 'http-twin', run }

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'http-twin.json')

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'string' },
      requests: { type: 'string' },
      rounds: { type: 'string' },
    },
  })
  const base = values.quick ? quickTwinCostOptions : fullTwinCostOptions
  const report = await runTwinCost({
    ...base,
    ...(values.profile === undefined ? {} : { profileDir: values.profile }),
    ...(values.requests === undefined ? {} : { requests: Number(values.requests) }),
    ...(values.rounds === undefined ? {} : { rounds: Number(values.rounds) }),
  })
  for (const line of formatTable(report)) process.stdout.write(`${line}\n`)
  writeResults(RESULTS, [report], { at: new Date(), quick: values.quick })
}
