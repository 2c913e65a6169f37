import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { Effect, Option, Result } from 'effect'
import type { Redis } from 'ioredis'
import type { Connection } from 'rabbitmq-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AmqpEventPublisher,
  createAmqpConnection,
  deadLetterQueueOf,
  retryQueueOf,
} from '../../adapters/amqp/index.js'
import { listingTag, SEARCH_TAG } from '../../adapters/http/cache-invalidation.js'
import { SystemClock } from '../../adapters/node/index.js'
import { createRedisClient, RedisCache } from '../../adapters/redis/index.js'
import { loadInfrastructureConfig } from '../../apps/composition/infrastructure.js'
import { loadWorkerConfig } from '../../apps/worker/config.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { EventId } from '../../core/domain/shared/ids.js'
import { instant } from '../../core/domain/shared/time.js'
import { alive, descendants, killTree } from './support/processes.js'

/**
 * `npm run worker` as a process (through npm), on the real RabbitMQ and Redis: configuration errors are refused
 * with one line per variable; a running worker invalidates the shared Redis cache when a listing
 * event arrives, and SIGTERM drains it and exits 0.
 */
const RUN = `innkeeper.proc.${randomUUID().slice(0, 8)}`
const exchange = `${RUN}.events`
const queuePrefix = `${RUN}.worker`
const redisPrefix = `${RUN}:`
let conn: Connection
let redis: Redis

beforeAll(async () => {
  conn = createAmqpConnection({ connectionName: RUN })
  await conn.onConnect(5_000)
  redis = await createRedisClient('redis://127.0.0.1:6379')
})

/** Every worker this file started: one a failed test left running is killed at the end. */
const started = new Set<ChildProcess>()

afterAll(async () => {
  // npm and, under it, the worker itself.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) killTree(child)
  const q = `${queuePrefix}.cache-invalidation`
  for (const name of [q, retryQueueOf(q), deadLetterQueueOf(q)])
    await conn.queueDelete({ queue: name }).catch(() => undefined)
  await conn.exchangeDelete({ exchange }).catch(() => undefined)
  await conn.close()
  const keys = await redis.keys(`${redisPrefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()
})

const worker = (
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } => {
  // Through npm, as `npm run worker` runs it: npm must hand SIGTERM on to the worker itself.
  const child = spawn('npm', ['run', '--silent', 'worker'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.add(child)
  let out = ''
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => out, exit }
}

const until = async (
  what: string,
  ok: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('worker configuration', () => {
  it('defaults every port to memory; INNKEEPER_* variables switch them, each bad value named', () => {
    const d = Result.getOrThrow(loadInfrastructureConfig({}))
    expect(d).toMatchObject({ events: 'memory', cache: 'memory', rateLimiter: 'memory', sessions: 'memory' })
    const c = Result.getOrThrow(
      loadInfrastructureConfig({
        INNKEEPER_EVENTS: 'amqp',
        INNKEEPER_CACHE: 'redis',
        INNKEEPER_IDEMPOTENCY: 'redis',
        INNKEEPER_AMQP_URL: 'amqp://u:p@rabbit:5672/vh',
        INNKEEPER_AMQP_EXCHANGE: 'bookings.events',
      }),
    )
    expect(c).toMatchObject({ events: 'amqp', cache: 'redis', idempotency: 'redis', rateLimiter: 'memory' })
    expect(c.exchange).toBe('bookings.events')
    const bad = loadInfrastructureConfig({
      INNKEEPER_EVENTS: 'kafka',
      INNKEEPER_SESSIONS: 'postgres',
      INNKEEPER_REDIS_URL: 'localhost:6379',
      INNKEEPER_AMQP_EXCHANGE: 'has spaces',
    })
    expect(Result.isFailure(bad) && bad.failure).toEqual([
      'INNKEEPER_EVENTS: Expected one of: memory, amqp',
      'INNKEEPER_SESSIONS: Expected one of: memory, redis',
      'INNKEEPER_REDIS_URL: Expected a URL (redis:// or rediss://) with a host',
      'INNKEEPER_AMQP_EXCHANGE: Expected an exchange name: 1 to 200 letters, digits, dots, dashes, underscores or colons',
    ])
  })

  it('refuses what a separate worker process cannot do, saying why', () => {
    const r = loadWorkerConfig({ INNKEEPER_WORKER_CONSUMERS: 'notifications,cache-invalidation' })
    const problems = Result.isFailure(r) ? r.failure : []
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'INNKEEPER_EVENTS',
      'INNKEEPER_WORKER_CONSUMERS',
      'INNKEEPER_CACHE',
    ])
    const typo = loadWorkerConfig({ INNKEEPER_EVENTS: 'amqp', INNKEEPER_WORKER_CONSUMERS: 'emails' })
    expect(Result.isFailure(typo) && typo.failure[0]).toMatch(/INNKEEPER_WORKER_CONSUMERS: .*got emails/)
    const ok = loadWorkerConfig({
      INNKEEPER_EVENTS: 'amqp',
      INNKEEPER_CACHE: 'redis',
      INNKEEPER_WORKER_MAX_RETRIES: '2',
    })
    expect(Result.isSuccess(ok) && ok.success).toMatchObject({
      consumers: ['cache-invalidation'],
      maxRetries: 2,
    })
  })
})

describe('npm run worker (a process)', () => {
  it('exits 2 with one line per bad variable', async () => {
    const p = worker({
      INNKEEPER_EVENTS: 'amqp',
      INNKEEPER_CACHE: 'redis',
      INNKEEPER_WORKER_CONCURRENCY: '0',
    })
    expect(await p.exit).toBe(2)
    expect(p.output()).toContain('INNKEEPER_WORKER_CONCURRENCY: Expected a whole number between 1 and 1000')
  }, 20_000)

  it('invalidates the shared Redis cache when a listing event arrives, and drains and exits 0 on SIGTERM', async () => {
    const p = worker({
      INNKEEPER_EVENTS: 'amqp',
      INNKEEPER_CACHE: 'redis',
      INNKEEPER_AMQP_EXCHANGE: exchange,
      INNKEEPER_REDIS_PREFIX: redisPrefix,
      INNKEEPER_WORKER_QUEUE_PREFIX: queuePrefix,
      INNKEEPER_WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'info',
    })
    // Start-up (tsx compiling the worker) takes seconds, many more on a loaded 2-core machine.
    await until('the worker consuming', () => p.output().includes('innkeeper worker consuming'), 60_000)
    // The API side: its cache (same Redis, same prefix) and its publisher.
    const cache = new RedisCache(redis, { prefix: redisPrefix, clock: new SystemClock() })
    await Effect.runPromise(
      cache.set('listing:lst_7:page', 'x', { ttlMs: 60_000, tags: [listingTag('lst_7')] }),
    )
    await Effect.runPromise(cache.set('search:page:1', 'x', { ttlMs: 60_000, tags: [SEARCH_TAG] }))
    await Effect.runPromise(
      cache.set('listing:lst_8:page', 'x', { ttlMs: 60_000, tags: [listingTag('lst_8')] }),
    )
    const publisher = new AmqpEventPublisher(conn, { exchange })
    const updated: DomainEvent = {
      id: `evt_${RUN}_1` as EventId,
      type: 'innkeeper.listing.updated.v1',
      subject: 'lst_7',
      time: instant(Date.UTC(2026, 0, 1)),
      data: { listingId: 'lst_7', fields: ['title'] },
    }
    await Effect.runPromise(publisher.publish([updated]))
    await publisher.close()
    await until('the listing page invalidated', async () =>
      Option.isNone(await Effect.runPromise(cache.get('listing:lst_7:page'))),
    )
    expect(Option.isNone(await Effect.runPromise(cache.get('search:page:1')))).toBe(true)
    expect(Option.isSome(await Effect.runPromise(cache.get('listing:lst_8:page')))).toBe(true)
    // The processed id is remembered in Redis, for every replica.
    expect(await redis.keys(`${redisPrefix}*processed*`)).not.toEqual([])
    // Its metrics (issue 16 item 3: outages and consumer outcomes are visible): the broker connection
    // and what the consumer did with the message, on the worker's own /metrics.
    const metricsUrl = /"url":"(http:[^"]+\/metrics)"/.exec(p.output())?.[1]
    expect(metricsUrl).toBeDefined()
    const metrics = await (await fetch(metricsUrl as string)).text()
    expect(metrics).toContain('innkeeper_broker_connected 1')
    expect(metrics).toContain(
      `innkeeper_consumer_messages_total{queue="${queuePrefix}.cache-invalidation",outcome="handled"} 1`,
    )
    expect(metrics).toContain('process_cpu_user_seconds_total')
    const tree = descendants(p.child.pid as number)
    expect(tree.length).toBeGreaterThan(0)
    p.child.kill('SIGTERM')
    expect(await p.exit).toBe(0)
    // No process left behind: npm forwarded the signal to the worker, which was its child.
    expect(tree.filter(alive)).toEqual([])
    expect(p.output()).toContain('draining messages in flight')
    expect(p.output()).toContain('"msg":"stopped"')
  }, 90_000)
})
