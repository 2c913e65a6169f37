import { Result, Schema } from 'effect'
import type { Redis } from 'ioredis'
import type { Connection } from 'rabbitmq-client'
import {
  AmqpConsumer,
  AmqpEventPublisher,
  type ConnectionStatus,
  createAmqpConnection,
  DEFAULT_EXCHANGE,
  type Outcome,
} from '../../adapters/amqp/index.js'
import { InMemoryRateLimiter } from '../../adapters/memory/index.js'
import { SystemClock } from '../../adapters/node/index.js'
import {
  CacheWithFallback,
  createRedisClient,
  type OutageReport,
  RateLimiterWithFallback,
  RedisCache,
  RedisIdempotencyStore,
  RedisRateLimiter,
  RedisSessionStore,
} from '../../adapters/redis/index.js'
import { issuesOf } from '../../core/domain/shared/validation.js'
import type { Clock } from '../../ports/clock.js'
import type { InfrastructurePorts } from './in-memory-engine.js'

/**
 * Which adapter serves each infrastructure port, from INNKEEPER_* variables. Everything defaults
 * to `memory`, so nothing needs a server unless asked to.
 *
 * | variable                  | values          | default                             |
 * |---------------------------|-----------------|-------------------------------------|
 * | INNKEEPER_EVENTS          | memory, amqp    | memory                              |
 * | INNKEEPER_CACHE           | memory, redis   | memory                              |
 * | INNKEEPER_RATE_LIMITER    | memory, redis   | memory                              |
 * | INNKEEPER_IDEMPOTENCY     | memory, redis   | memory                              |
 * | INNKEEPER_SESSIONS        | memory, redis   | memory                              |
 * | INNKEEPER_REDIS_URL       | redis[s]://…    | redis://127.0.0.1:6379              |
 * | INNKEEPER_AMQP_URL        | amqp[s]://…     | amqp://guest:guest@127.0.0.1:5672   |
 * | INNKEEPER_AMQP_EXCHANGE   | exchange name   | innkeeper.events                    |
 * | INNKEEPER_REDIS_PREFIX    | key prefix      | innkeeper:                          |
 */
const Choice = <const L extends readonly string[]>(values: L) =>
  Schema.Literals(values).annotate({ message: `Expected one of: ${values.join(', ')}` })
const Url = (schemes: readonly string[]) =>
  Schema.String.check(
    Schema.makeFilter(
      (s: string) => {
        try {
          const u = new URL(s)
          return schemes.includes(u.protocol.slice(0, -1)) && u.hostname !== ''
        } catch {
          return false
        }
      },
      { message: `Expected a URL (${schemes.map((s) => `${s}://`).join(' or ')}) with a host` },
    ),
  )
const Name = (what: string) =>
  Schema.String.check(
    Schema.makeFilter((s: string) => /^[A-Za-z0-9._:-]{1,200}$/.test(s), {
      message: `Expected ${what}: 1 to 200 letters, digits, dots, dashes, underscores or colons`,
    }),
  )

export const InfrastructureEnv = Schema.Struct({
  INNKEEPER_EVENTS: Schema.optionalKey(Choice(['memory', 'amqp'])),
  INNKEEPER_CACHE: Schema.optionalKey(Choice(['memory', 'redis'])),
  INNKEEPER_RATE_LIMITER: Schema.optionalKey(Choice(['memory', 'redis'])),
  INNKEEPER_IDEMPOTENCY: Schema.optionalKey(Choice(['memory', 'redis'])),
  INNKEEPER_SESSIONS: Schema.optionalKey(Choice(['memory', 'redis'])),
  INNKEEPER_REDIS_URL: Schema.optionalKey(Url(['redis', 'rediss'])),
  INNKEEPER_AMQP_URL: Schema.optionalKey(Url(['amqp', 'amqps'])),
  INNKEEPER_AMQP_EXCHANGE: Schema.optionalKey(Name('an exchange name')),
  INNKEEPER_REDIS_PREFIX: Schema.optionalKey(Name('a key prefix')),
})

export type StoreChoice = 'memory' | 'redis'

export interface InfrastructureConfig {
  readonly events: 'memory' | 'amqp'
  readonly cache: StoreChoice
  readonly rateLimiter: StoreChoice
  readonly idempotency: StoreChoice
  readonly sessions: StoreChoice
  readonly redisUrl: string
  readonly amqpUrl: string
  readonly exchange: string
  readonly redisPrefix: string
}

export const defaultInfrastructureConfig: InfrastructureConfig = {
  events: 'memory',
  cache: 'memory',
  rateLimiter: 'memory',
  idempotency: 'memory',
  sessions: 'memory',
  redisUrl: 'redis://127.0.0.1:6379',
  amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
  exchange: DEFAULT_EXCHANGE,
  redisPrefix: 'innkeeper:',
}

/**
 * Decodes the variables `schema` names from `env` (the others are left out); every bad value is
 * reported as `VARIABLE: what is expected`.
 */
export const decodeEnv = <A>(
  schema: Schema.Decoder<A> & { readonly fields: object },
  env: Readonly<Record<string, string | undefined>>,
): Result.Result<A, string[]> => {
  const picked = Object.fromEntries(
    Object.keys(schema.fields)
      .filter((k) => env[k] !== undefined)
      .map((k) => [k, env[k]]),
  )
  const decoded = Schema.decodeUnknownResult(schema)(picked, { errors: 'all' })
  return Result.isFailure(decoded)
    ? Result.fail(issuesOf(decoded.failure.issue).issues.map((i) => `${i.path}: ${i.message}`))
    : Result.succeed(decoded.success)
}

/** Reads the infrastructure choices; every bad value is reported as `VARIABLE: what is expected`. */
export const loadInfrastructureConfig = (
  env: Readonly<Record<string, string | undefined>>,
): Result.Result<InfrastructureConfig, string[]> => {
  const decoded = decodeEnv(InfrastructureEnv, env)
  if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
  const e = decoded.success
  const d = defaultInfrastructureConfig
  return Result.succeed({
    events: e.INNKEEPER_EVENTS ?? d.events,
    cache: e.INNKEEPER_CACHE ?? d.cache,
    rateLimiter: e.INNKEEPER_RATE_LIMITER ?? d.rateLimiter,
    idempotency: e.INNKEEPER_IDEMPOTENCY ?? d.idempotency,
    sessions: e.INNKEEPER_SESSIONS ?? d.sessions,
    redisUrl: e.INNKEEPER_REDIS_URL ?? d.redisUrl,
    amqpUrl: e.INNKEEPER_AMQP_URL ?? d.amqpUrl,
    exchange: e.INNKEEPER_AMQP_EXCHANGE ?? d.exchange,
    redisPrefix: e.INNKEEPER_REDIS_PREFIX ?? d.redisPrefix,
  })
}

/** True if any port is served by Redis. */
export const usesRedis = (c: InfrastructureConfig): boolean =>
  [c.cache, c.rateLimiter, c.idempotency, c.sessions].includes('redis')

/** A URL without its password, for logs and messages. */
export const redactUrl = (url: string, what = 'url'): string => {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return `<invalid ${what}>`
  }
}

/** The AMQP URL without its password, for logs and messages. */
export const redactAmqpUrl = (url: string): string => redactUrl(url, 'amqp url')

export interface AmqpInfrastructure {
  readonly connection: Connection
  readonly publisher: AmqpEventPublisher
  /** The consumer runtime on the same connection (the worker's consumers use it). */
  readonly consumer: AmqpConsumer
  readonly exchange: string
}

export interface Infrastructure {
  readonly config: InfrastructureConfig
  /** The ports served out of process; a port left out stays on the engine's in-memory adapter. */
  readonly ports: InfrastructurePorts
  readonly redis: Redis | null
  readonly amqp: AmqpInfrastructure | null
  /** Closes consumers (draining them), the publisher, then the connections. Idempotent. */
  close(): Promise<void>
}

export interface InfrastructureOptions {
  /** The clock the Redis adapters measure expiry on (default: the system clock). */
  readonly clock?: Clock
  /** How long start-up waits for RabbitMQ before failing (default 10,000 ms). */
  readonly connectTimeoutMs?: number
  /** Errors the connections recover from by themselves (reconnects), for the log. */
  readonly onError?: (source: 'amqp' | 'redis', error: unknown) => void
  /** Shown in the brokers' connection lists (default `innkeeper`). */
  readonly connectionName?: string
  /**
   * The API's degraded modes with Redis unreachable: the response cache falls back to the source
   * and the rate limiter to a per-process limiter, each outage reported once through `onOutage`.
   * Off for the worker, whose de-duplication must not silently forget while Redis is away.
   */
  readonly degrade?: boolean
  /** A port's Redis went away or came back (once per outage): log at warn, count it. */
  readonly onOutage?: (report: OutageReport) => void
  /** The broker connection was lost or is back (once per outage). */
  readonly onBrokerStatus?: (status: ConnectionStatus) => void
  /** What the consumers did with each message (handled, duplicate, retry, dead-lettered). */
  readonly onOutcome?: (queue: string, outcome: Outcome) => void
}

/**
 * Connects what the configuration asks for and builds its adapters. Fails loudly at start-up when
 * Redis or RabbitMQ cannot be reached, naming the server (without its password).
 */
export const createInfrastructure = async (
  config: InfrastructureConfig,
  options: InfrastructureOptions = {},
): Promise<Infrastructure> => {
  const name = options.connectionName ?? 'innkeeper'
  const clock = options.clock ?? new SystemClock()
  let redis: Redis | null = null
  let amqp: AmqpInfrastructure | null = null
  const ports: {
    -readonly [K in keyof InfrastructurePorts]: InfrastructurePorts[K]
  } = {}
  try {
    if (usesRedis(config)) {
      redis = await createRedisClient(config.redisUrl, { connectionName: name })
      redis.on('error', (err: unknown) => options.onError?.('redis', err))
      const o = { prefix: config.redisPrefix, clock }
      const degrade = { ...(options.onOutage === undefined ? {} : { onOutage: options.onOutage }) }
      if (config.cache === 'redis') {
        const cache = new RedisCache(redis, o)
        ports.cache = options.degrade === true ? new CacheWithFallback(cache, degrade) : cache
      }
      if (config.rateLimiter === 'redis') {
        const limiter = new RedisRateLimiter(redis, o)
        ports.rateLimiter =
          options.degrade === true
            ? new RateLimiterWithFallback(limiter, new InMemoryRateLimiter(clock), degrade)
            : limiter
      }
      if (config.idempotency === 'redis') ports.idempotency = new RedisIdempotencyStore(redis, o)
      if (config.sessions === 'redis') ports.sessions = new RedisSessionStore(redis, o)
    }
    if (config.events === 'amqp') {
      const connection = createAmqpConnection({
        url: config.amqpUrl,
        connectionName: name,
        onError: (err) => options.onError?.('amqp', err),
        ...(options.onBrokerStatus === undefined ? {} : { onStatus: options.onBrokerStatus }),
      })
      try {
        await connection.onConnect(options.connectTimeoutMs ?? 10_000)
      } catch (err) {
        connection.unsafeDestroy()
        throw new Error(
          `cannot connect to RabbitMQ at ${redactAmqpUrl(config.amqpUrl)}: ${err instanceof Error ? err.message : String(err)}`,
        )
      }
      const publisher = new AmqpEventPublisher(connection, { exchange: config.exchange })
      const consumer = new AmqpConsumer(connection, {
        ...(options.onOutcome === undefined ? {} : { onOutcome: options.onOutcome }),
        exchange: config.exchange,
        onError: (_queue, err) => options.onError?.('amqp', err),
      })
      amqp = { connection, publisher, consumer, exchange: config.exchange }
      ports.publisher = publisher
    }
  } catch (err) {
    // createRedisClient's error already names the server (password redacted).
    redis?.disconnect()
    throw err
  }
  let closing: Promise<void> | null = null
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (amqp !== null) {
        await amqp.consumer.close()
        await amqp.publisher.close()
        await amqp.connection.close()
      }
      if (redis !== null) await redis.quit().catch(() => redis?.disconnect())
    })()
    return closing
  }
  return { config, ports, redis, amqp, close }
}
