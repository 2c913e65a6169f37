import { randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { Session } from 'node:inspector/promises'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { Result } from 'effect'
import type { Redis } from 'ioredis'
import { pino } from 'pino'
import type { RateLimitSettings } from '../../adapters/http/index.js'
import { SystemClock } from '../../adapters/node/index.js'
import {
  createRedisClient,
  RedisCache,
  RedisIdempotencyStore,
  RedisRateLimiter,
  RedisSessionStore,
} from '../../adapters/redis/index.js'
import { loadApiConfig } from '../../apps/api/config.js'
import { type ApiServer, startApiServer } from '../../apps/api/server.js'
import { createInMemoryEngine, type InfrastructurePorts } from '../../apps/composition/in-memory-engine.js'
import { type BareBodies, bareApp } from './bare.js'
import { type ApiFixture, seedFixture } from './fixture.js'
import { type TwinRoute, twinApp } from './twin.js'

/**
 * The HTTP benchmark's server, in a process of its own (the load generator runs in the parent):
 *
 *   node --import tsx bench/http/server.ts --mode api [--rate-limit on|off] [--infra memory|redis]
 *        [--listings 400] [--pool-listings 400] [--guests 3000] [--search-queries 2000] [--measure]
 *   node --import tsx bench/http/server.ts --mode bare --bodies sizes.json   (or --bodies - : one line of stdin)
 *   node --import tsx bench/http/server.ts --mode twin --bodies -            (the same, with the API's middleware kinds)
 *
 * `--profile FILE` writes a V8 CPU profile of the serving phase only (from the JSON line to the stop),
 * leaving out start-up and seeding, as `--cpu-prof` would not.
 *
 * `api` is the real app (`startApiServer`) on an in-memory engine on real time, seeded through the
 * use cases, its guests signed in over HTTP; `bare` is Koa with one route per measured route that
 * answers a body of the API's size; `twin` is the Koa twin (bench/http/twin.ts): the same bodies behind a
 * request id, a pino line per request, prom-client metrics, the security headers and the API's routes. When listening and seeded it prints one JSON line on stdout
 * (`ServerInfo`) and serves until SIGTERM, SIGINT or the end of its standard input.
 */

export interface ServerInfo {
  readonly url: string
  readonly mode: 'api' | 'bare' | 'twin'
  readonly infra: 'memory' | 'redis'
  readonly rateLimit: boolean
  readonly pid: number
  /** The API's data (api mode only). */
  readonly fixture: ApiFixture | null
}

/** Limits that let every request through while each one still consults the limiter (per IP and per user). */
export const generousLimits: RateLimitSettings = {
  perUser: { capacity: 1_000_000_000, refillPerSecond: 1_000_000 },
  perIp: { capacity: 1_000_000_000, refillPerSecond: 1_000_000 },
}

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'api' },
    'rate-limit': { type: 'string', default: 'off' },
    infra: { type: 'string', default: 'memory' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    listings: { type: 'string', default: '400' },
    'pool-listings': { type: 'string', default: '400' },
    guests: { type: 'string', default: '3000' },
    'search-queries': { type: 'string', default: '2000' },
    occupancy: { type: 'string', default: '0.5' },
    seed: { type: 'string', default: '1' },
    'hash-cost': { type: 'string', default: String(2 ** 10) },
    measure: { type: 'boolean', default: false },
    bodies: { type: 'string' },
    log: { type: 'string', default: 'info' },
    profile: { type: 'string' },
  },
})

const fail = (message: string): never => {
  process.stderr.write(`bench server: ${message}\n`)
  process.exit(2)
}

const int = (name: keyof typeof args): number => {
  const n = Number(args[name])
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a whole number`)
  return n
}

const mode =
  args.mode === 'api' || args.mode === 'bare' || args.mode === 'twin'
    ? args.mode
    : fail('--mode is api, bare or twin')
const infra =
  args.infra === 'memory' || args.infra === 'redis' ? args.infra : fail('--infra is memory or redis')
const rateLimit =
  args['rate-limit'] === 'on'
    ? true
    : args['rate-limit'] === 'off'
      ? false
      : fail('--rate-limit is on or off')

const closers: (() => Promise<void>)[] = []
let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  for (const close of closers.reverse()) await close().catch(() => undefined)
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
process.stdin.on('end', () => void stop())
process.stdin.resume()

/** The first line of standard input (the parent may send the bare twin its sizes once it knows them). */
const firstLine = (): Promise<string> =>
  new Promise((resolve) => {
    let text = ''
    const onData = (d: Buffer) => {
      text += d.toString()
      const nl = text.indexOf('\n')
      if (nl < 0) return
      process.stdin.off('data', onData)
      resolve(text.slice(0, nl))
    }
    process.stdin.on('data', onData)
  })

const listen = async (koa: {
  listen: (port: number, host: string, cb: () => void) => Server
}): Promise<string> => {
  const server: Server = await new Promise((resolve) => {
    const s = koa.listen(0, '127.0.0.1', () => resolve(s))
  })
  server.keepAliveTimeout = 5_000
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Deletes every key under `prefix`; returns how many there were. */
const deleteUnder = async (client: Redis, prefix: string): Promise<number> => {
  let cursor = '0'
  let deleted = 0
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000)
    cursor = next
    if (keys.length > 0) deleted += await client.del(...keys)
  } while (cursor !== '0')
  return deleted
}

const startApi = async (): Promise<ServerInfo> => {
  const loaded = loadApiConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: args.log,
    INNKEEPER_MODE: 'production',
    INNKEEPER_JWT_SECRET: `bench-${randomUUID()}-${randomUUID()}`,
    // Production refuses the in-memory payment provider; the engine built below is passed to the
    // server as is (payments in memory, no network), so these keys only satisfy the checks.
    INNKEEPER_PAYMENTS: 'stripe',
    INNKEEPER_STRIPE_SECRET_KEY: 'sk_test_bench_unused',
    INNKEEPER_STRIPE_WEBHOOK_SECRET: 'whsec_bench_unused',
    INNKEEPER_SEED: 'false',
    INNKEEPER_RATE_LIMIT: rateLimit ? 'on' : 'off',
  })
  if (Result.isFailure(loaded)) return fail(loaded.failure.join('; '))
  const config = loaded.success

  let ports: InfrastructurePorts | undefined
  if (infra === 'redis') {
    const client = await createRedisClient(args['redis-url'], { connectionName: 'innkeeper-bench-http' })
    const prefix = `innkeeper:bench:http:${randomUUID()}:`
    const clock = new SystemClock()
    ports = {
      cache: new RedisCache(client, { prefix, clock }),
      rateLimiter: new RedisRateLimiter(client, { prefix, clock }),
      idempotency: new RedisIdempotencyStore(client, { prefix, clock }),
      sessions: new RedisSessionStore(client, { prefix, clock }),
    }
    closers.push(async () => {
      // Requests whose client hung up (a load's end) may still be running and writing keys: delete
      // until a pass finds none.
      for (let pass = 0; pass < 10 && (await deleteUnder(client, prefix)) > 0; pass++)
        await new Promise((resolve) => setTimeout(resolve, 200))
      await client.quit()
    })
  }
  const engine = createInMemoryEngine({
    passwordHashCost: int('hash-cost'),
    liveClock: true,
    randomIds: true,
    paymentWebhookSecret: config.paymentWebhookSecret,
    ...(ports === undefined ? {} : { ports }),
  })
  // Logs are written as in production (every request at info), to /dev/null: their cost counts, a pipe's does not.
  const logger = pino(
    { level: config.logLevel, base: { service: 'innkeeper-api' } },
    pino.destination({ dest: '/dev/null', sync: false }),
  )
  const api: ApiServer = await startApiServer({
    config,
    engine,
    logger,
    ...(ports === undefined ? {} : { ports }),
    rateLimits: rateLimit ? generousLimits : false,
    loginLimits: false,
  })
  closers.push(() => api.close())
  const fixture = await seedFixture(engine, ports?.cache ?? engine.adapters.cache, api.url, {
    listings: int('listings'),
    poolListings: int('pool-listings'),
    guests: int('guests'),
    searchQueries: int('search-queries'),
    occupancy: Number(args.occupancy),
    measure: args.measure,
    seed: int('seed'),
  })
  return { url: api.url, mode, infra, rateLimit, pid: process.pid, fixture }
}

/** The API's route table (method and path), read from the route definitions without an engine. */
const apiRouteTable = async (): Promise<TwinRoute[]> => {
  const { apiRoutes } = await import('../../adapters/http/index.js')
  const routes = apiRoutes({
    useCases: {} as never,
    tokens: {} as never,
    clock: {} as never,
    cache: {} as never,
    rateLimiter: {} as never,
    loginLimits: false,
    paymentProviders: ['memory'],
  })
  return routes.map((r) => ({ method: r.spec.method, path: r.spec.path }))
}

const startBare = async (): Promise<ServerInfo> => {
  if (args.bodies === undefined) return fail(`--mode ${mode} needs --bodies <file> or --bodies -`)
  const text = args.bodies === '-' ? await firstLine() : readFileSync(args.bodies, 'utf8')
  const bodies = JSON.parse(text) as BareBodies
  const app =
    mode === 'twin'
      ? twinApp(
          bodies,
          await apiRouteTable(),
          pino(
            { level: args.log, base: { service: 'twin' } },
            pino.destination({ dest: '/dev/null', sync: false }),
          ),
        )
      : bareApp(bodies)
  const url = await listen(app)
  return { url, mode, infra, rateLimit: false, pid: process.pid, fixture: null }
}

/** Profiles from now until the process stops, into `file`. */
const startProfile = async (file: string): Promise<void> => {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  closers.push(async () => {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(file, JSON.stringify(profile))
    session.disconnect()
  })
}

try {
  const info = mode === 'api' ? await startApi() : await startBare()
  if (args.profile !== undefined) await startProfile(args.profile)
  process.stdout.write(`${JSON.stringify(info)}\n`)
} catch (err) {
  process.stderr.write(
    `bench server: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  )
  process.exit(1)
}
