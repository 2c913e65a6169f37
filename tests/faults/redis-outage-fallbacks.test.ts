import { Effect, Option } from 'effect'
import { afterEach, describe, expect, it } from 'vitest'
import { InMemoryCache, InMemoryRateLimiter, ManualClock } from '../../adapters/memory/index.js'
import {
  CacheWithFallback,
  createRedisClient,
  type OutageReport,
  RateLimiterWithFallback,
  RedisCache,
  RedisRateLimiter,
} from '../../adapters/redis/index.js'
import { T0 } from '../contract/fixtures.js'
import { PrivateRedis } from '../support/private-redis.js'

/**
 * Issue 16, item 1, for the ports that may degrade instead of failing: with Redis killed (kill -9 of
 * a redis-server of this test's own) the response cache falls back to the source (reads are misses,
 * writes are skipped) and the rate limiter to a per-process limiter with the same policy; each
 * outage is reported once when it begins and once when it ends; after the restart Redis is used
 * again. No call fails and none waits for the client's command timeout once the outage is known.
 */
const run = <A>(e: Effect.Effect<A>) => Effect.runPromise(e)
let redis: PrivateRedis | undefined
afterEach(async () => {
  await redis?.dispose()
  redis = undefined
})

describe('Redis killed under the cache and the rate limiter', () => {
  it('reads fall back to the source, limits to a per-process limiter, the outage is reported once, and Redis is used again after the restart', async () => {
    redis = await PrivateRedis.start(false)
    const client = await createRedisClient(redis.url, { commandTimeoutMs: 500 })
    const clock = new ManualClock(T0)
    const reports: OutageReport[] = []
    const options = { onOutage: (r: OutageReport) => reports.push(r), retryAfterMs: 200 }
    const redisCache = new RedisCache(client, { clock, prefix: 'fallback-test:' })
    const cache = new CacheWithFallback(redisCache, options)
    const limiter = new RateLimiterWithFallback(
      new RedisRateLimiter(client, { clock, prefix: 'fallback-test:' }),
      new InMemoryRateLimiter(clock),
      options,
    )
    const policy = { capacity: 3, refillPerSecond: 0 }

    await run(cache.set('page', 'cached', { ttlMs: 60_000, tags: ['t'] }))
    expect(await run(cache.get('page'))).toEqual(Option.some('cached'))
    expect((await run(limiter.consume('ip:1', policy))).allowed).toBe(true)

    await redis.kill()
    const started = performance.now()
    const reads = await Promise.all(Array.from({ length: 50 }, () => run(cache.get('page'))))
    await run(cache.set('page', 'new', { ttlMs: 60_000 }))
    await run(cache.invalidateTags(['t']))
    const decisions = []
    for (let i = 0; i < 5; i++) decisions.push((await run(limiter.consume('ip:1', policy))).allowed)
    // Failure counts (login backoff) fall back to the per-process limiter too: counted and read back.
    const backoff = { freeFailures: 1, baseDelayMs: 1_000, maxDelayMs: 8_000, forgetAfterMs: 60_000 }
    await run(limiter.recordFailure('pair:1', backoff))
    expect(await run(limiter.recordFailure('pair:1', backoff))).toEqual({ failures: 2, retryAfterMs: 1_000 })
    expect(await run(limiter.backoff('pair:1', backoff))).toEqual({ failures: 2, retryAfterMs: 1_000 })
    const elapsed = performance.now() - started
    // Every read is a miss (the use case runs), nothing failed.
    expect(reads.every(Option.isNone)).toBe(true)
    // The per-process limiter applies the same policy: 3 of 5 allowed.
    expect(decisions).toEqual([true, true, true, false, false])
    // One report per port when the outage began; calls after the first failure did not wait for the
    // command timeout each (the first call of each port waited at most once).
    expect(reports.map((r) => `${r.port}:${r.state}`).sort()).toEqual(['cache:down', 'rate-limiter:down'])
    expect(elapsed).toBeLessThan(50 * 500)

    await redis.startProcess()
    for (let i = 0; i < 100 && client.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50))
    await new Promise((r) => setTimeout(r, 250)) // past retryAfterMs: the next call tries Redis
    await run(cache.set('page', 'after', { ttlMs: 60_000 }))
    expect(await run(redisCache.get('page'))).toEqual(Option.some('after'))
    expect((await run(limiter.consume('ip:2', policy))).allowed).toBe(true)
    expect(
      reports
        .filter((r) => r.state === 'up')
        .map((r) => r.port)
        .sort(),
    ).toEqual(['cache', 'rate-limiter'])
    client.disconnect()
  }, 60_000)

  it('a defect other than an unreachable Redis is not hidden by the fallback', async () => {
    const broken = new CacheWithFallback({
      get: () => Effect.die(new Error('bug')),
      set: () => Effect.void,
      delete: () => Effect.void,
      invalidateTags: () => Effect.void,
    })
    await expect(run(broken.get('k'))).rejects.toThrow('bug')
    const memory = new CacheWithFallback(new InMemoryCache(new ManualClock(T0)))
    await run(memory.set('k', 'v', { ttlMs: 1_000 }))
    expect(await run(memory.get('k'))).toEqual(Option.some('v'))
  })
})
