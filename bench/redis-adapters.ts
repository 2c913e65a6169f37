import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Effect } from 'effect'
import type { Redis } from 'ioredis'
import { InMemoryCache, InMemoryIdempotencyStore, InMemoryRateLimiter } from '../adapters/memory/index.js'
import { SystemClock } from '../adapters/node/index.js'
import {
  createRedisClient,
  RedisCache,
  RedisIdempotencyStore,
  RedisRateLimiter,
} from '../adapters/redis/index.js'
import type { Cache } from '../ports/cache.js'
import type { IdempotencyStore } from '../ports/idempotency-store.js'
import type { RateLimiter } from '../ports/rate-limiter.js'
import { type BenchReport, fig, formatTable } from './report.js'

/**
 * Adapter-level throughput: the Redis adapters against their in-memory twins, one operation at a
 * time (latency-bound: one round trip each) and with many in flight (what a busy server sees).
 *
 *   npx tsx bench/redis-adapters.ts [--quick] [--redis-url=redis://127.0.0.1:6379]
 *
 * Writes bench/results/redis-adapters.json. Every key lives under a fresh prefix, deleted afterwards.
 */

export type { BenchReport }

export interface RedisBenchOptions {
  readonly quick: boolean
  /** Default redis://127.0.0.1:6379. */
  readonly redisUrl?: string
  /** Operations in flight for the concurrent column (default 32). */
  readonly concurrency?: number
}

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results', 'redis-adapters.json')

interface Subjects {
  readonly limiter: RateLimiter
  readonly idempotency: IdempotencyStore
  readonly cache: Cache
}

/** Policy large enough that every consume is allowed: we measure the decision, not refusals. */
const policy = { capacity: 1_000_000_000, refillPerSecond: 1_000_000 }
const response = {
  status: 201,
  body: '{"id":"bkg_000001","status":"confirmed"}',
  headers: { location: '/b/1' },
}
const cachedValue = JSON.stringify({ id: 'lst_1', title: 'Alfama loft', nightly: 9_500, amenities: ['wifi'] })

/** One benchmarked operation: `op(i)` is the i-th call against the given adapters. */
interface Operation {
  readonly name: string
  readonly prepare?: (s: Subjects) => Promise<void>
  readonly op: (s: Subjects, i: number, tag: string) => Effect.Effect<unknown>
}

const operations: readonly Operation[] = [
  {
    name: 'rateLimiter.consume',
    op: (s, i) => s.limiter.consume(`ip:${i % 1_000}`, policy),
  },
  {
    name: 'idempotency.begin+complete',
    op: (s, i, tag) =>
      Effect.flatMap(s.idempotency.begin(`${tag}:${i}`, 'fp', 60_000), () =>
        s.idempotency.complete(`${tag}:${i}`, response, 60_000),
      ),
  },
  {
    name: 'cache.set (2 tags)',
    op: (s, i) =>
      s.cache.set(`listing:${i % 1_000}`, cachedValue, { ttlMs: 60_000, tags: [`l:${i % 1_000}`, 'search'] }),
  },
  {
    name: 'cache.get (hit)',
    prepare: async (s) => {
      for (let i = 0; i < 1_000; i++)
        await Effect.runPromise(s.cache.set(`hot:${i}`, cachedValue, { ttlMs: 600_000 }))
    },
    op: (s, i) => s.cache.get(`hot:${i % 1_000}`),
  },
]

/** Runs `n` calls with `concurrency` in flight; returns operations per second. */
const measure = async (
  n: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<number> => {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++
        await call(i)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1_000
  return seconds > 0 ? n / seconds : 0
}

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

export const run = async (options: RedisBenchOptions): Promise<BenchReport> => {
  const url = options.redisUrl ?? 'redis://127.0.0.1:6379'
  const concurrency = Math.max(1, options.concurrency ?? 32)
  const n = options.quick ? 1_000 : 10_000
  const warmup = options.quick ? 300 : 2_000
  const repeats = options.quick ? 3 : 5
  const clock = new SystemClock()
  const prefix = `innkeeper:bench:${randomUUID()}:`
  const client = await createRedisClient(url, { connectionName: 'innkeeper-bench' })
  const memory: Subjects = {
    limiter: new InMemoryRateLimiter(clock),
    idempotency: new InMemoryIdempotencyStore(clock),
    cache: new InMemoryCache(clock),
  }
  const redis: Subjects = {
    limiter: new RedisRateLimiter(client, { prefix, clock }),
    idempotency: new RedisIdempotencyStore(client, { prefix, clock }),
    cache: new RedisCache(client, { prefix, clock }),
  }
  const rows: Array<Record<string, string | number>> = []
  let round = 0
  try {
    for (const o of operations) {
      await o.prepare?.(memory)
      await o.prepare?.(redis)
      // The median of `repeats` runs: the machine is shared, so single runs are noisy.
      const timed = async (s: Subjects, inFlight: number) => {
        round += 1
        const warm = `w${round}`
        await measure(warmup, inFlight, (i) => Effect.runPromise(o.op(s, i, warm)))
        const figures: number[] = []
        for (let r = 0; r < repeats; r++) {
          const tag = `m${round}.${r}`
          figures.push(await measure(n, inFlight, (i) => Effect.runPromise(o.op(s, i, tag))))
        }
        return figures.sort((a, b) => a - b)[Math.floor(repeats / 2)]!
      }
      const mem = await timed(memory, 1)
      const one = await timed(redis, 1)
      const many = await timed(redis, concurrency)
      rows.push({
        operation: o.name,
        'memory ops/s': fig(mem),
        'redis ops/s (1 in flight)': fig(one),
        [`redis ops/s (${concurrency} in flight)`]: fig(many),
        'memory ÷ redis (1)': fig(one > 0 ? mem / one : 0),
        [`memory ÷ redis (${concurrency})`]: fig(many > 0 ? mem / many : 0),
      })
    }
  } finally {
    await deleteUnder(client, prefix)
    client.disconnect()
  }
  return {
    name: 'redis-adapters',
    rows,
    notes: [
      `Each cell: the median of ${repeats} runs of ${n.toLocaleString('en-US')} operations after ${warmup.toLocaleString('en-US')} warm-up; Redis at ${url.replace(/\/\/[^@]*@/, '//***@')}, one ioredis connection.`,
      'Each Redis operation is one Lua script (one round trip); begin+complete is two. "1 in flight" is latency-bound, the other column shows what pipelining on one connection gives.',
      'Memory twins run in-process, so the ratio is the price of shared, durable state across processes.',
    ],
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) {
  const args = process.argv.slice(2)
  const urlArg = args.find((a) => a.startsWith('--redis-url='))
  const quick = args.includes('--quick')
  const report = await run({
    quick,
    ...(urlArg === undefined ? {} : { redisUrl: urlArg.slice('--redis-url='.length) }),
  })
  for (const line of formatTable(report)) console.log(line)
  mkdirSync(dirname(RESULTS), { recursive: true })
  writeFileSync(RESULTS, `${JSON.stringify({ at: new Date().toISOString(), quick, ...report }, null, 2)}\n`)
  console.log(`wrote ${RESULTS}`)
}
