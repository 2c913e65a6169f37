import { randomUUID } from 'node:crypto'
import { Cause, Effect, Exit, Option } from 'effect'
import type { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import {
  createRedisClient,
  RedisCache,
  RedisCommandFailed,
  RedisIdempotencyStore,
  RedisRateLimiter,
  RedisSessionStore,
} from '../../adapters/redis/index.js'
import { asId } from '../../core/domain/shared/ids.js'
import { addMs, DAY } from '../../core/domain/shared/time.js'
import { cacheContract } from './cache.contract.js'
import { run, T0 } from './fixtures.js'
import { idempotencyStoreContract } from './idempotency-store.contract.js'
import { rateLimiterContract } from './rate-limiter.contract.js'
import { sessionStoreContract } from './session-store.contract.js'

/**
 * The Redis adapters against the real Redis (INNKEEPER_REDIS_URL, default 127.0.0.1:6379), which is
 * a required service here: when it is unreachable this file fails at import, loudly. Every key of
 * this run lives under one unique prefix, and every test under its own prefix below that, so runs
 * and tests cannot collide; the keys are deleted afterwards.
 */
const REDIS_URL = process.env.INNKEEPER_REDIS_URL ?? 'redis://127.0.0.1:6379'
const RUN_PREFIX = `innkeeper:test:${randomUUID()}:`

const client: Redis = await createRedisClient(REDIS_URL).catch((e: unknown) => {
  throw new Error(
    `Redis is required for tests/contract/redis.test.ts and is not reachable at ${REDIS_URL} ` +
      `(start it, or set INNKEEPER_REDIS_URL): ${e instanceof Error ? e.message : String(e)}`,
  )
})

const keysUnder = async (prefix: string): Promise<string[]> => {
  const found: string[] = []
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000)
    cursor = next
    found.push(...keys)
  } while (cursor !== '0')
  return found
}
const deleteUnder = async (prefix: string): Promise<void> => {
  const keys = await keysUnder(prefix)
  if (keys.length > 0) await client.del(...keys)
}

let testCount = 0
/** A fresh prefix and manual clock per test; cleanup deletes that test's keys. */
const fresh = () => {
  testCount += 1
  const prefix = `${RUN_PREFIX}${testCount}:`
  const clock = new ManualClock(T0)
  return { prefix, clock, options: { prefix, clock }, cleanup: () => deleteUnder(prefix) }
}

afterAll(async () => {
  await deleteUnder(RUN_PREFIX)
  client.disconnect()
})

cacheContract('redis', async () => {
  const f = fresh()
  return { cache: new RedisCache(client, f.options), clock: f.clock, cleanup: f.cleanup }
})
rateLimiterContract('redis', async () => {
  const f = fresh()
  return { limiter: new RedisRateLimiter(client, f.options), clock: f.clock, cleanup: f.cleanup }
})
idempotencyStoreContract('redis', async () => {
  const f = fresh()
  return { store: new RedisIdempotencyStore(client, f.options), clock: f.clock, cleanup: f.cleanup }
})
sessionStoreContract('redis', async () => {
  const f = fresh()
  return { store: new RedisSessionStore(client, f.options), clock: f.clock, cleanup: f.cleanup }
})

describe('redis adapters: specifics beyond the port contracts', () => {
  const alice = asId('user', 'usr_alice')
  const policy = { capacity: 5, refillPerSecond: 1 }

  it('every key written lives under the given prefix and carries a Redis TTL (garbage collection)', async () => {
    const f = fresh()
    try {
      const cache = new RedisCache(client, f.options)
      await run(cache.set('listing:1', 'x', { ttlMs: 10_000, tags: ['listing:1', 'search'] }))
      await run(new RedisRateLimiter(client, f.options).consume('ip:1', policy))
      const idem = new RedisIdempotencyStore(client, f.options)
      await run(idem.begin('k1', 'fp', 60_000))
      await run(idem.complete('k1', { status: 201, body: '{}', headers: {} }, 60_000))
      await run(idem.begin('k2', 'fp', 60_000))
      const sessions = new RedisSessionStore(client, f.options)
      await run(
        sessions.issue({ familyId: 'fam_1', userId: alice, tokenHash: 'h1', expiresAt: addMs(T0, DAY) }),
      )
      await run(sessions.rotate('h1', { tokenHash: 'h2', expiresAt: addMs(T0, 2 * DAY) }, T0))
      const keys = await keysUnder(f.prefix)
      // entry + 2 tag sets, 1 bucket, 2 idempotency records, 2 tokens + family + its set + user set.
      expect(keys).toHaveLength(11)
      for (const k of keys) {
        const ttl = await client.pttl(k)
        expect({ key: k, hasTtl: ttl > 0 }).toEqual({ key: k, hasTtl: true })
      }
    } finally {
      await f.cleanup()
    }
  })

  it('two processes (two connections) sharing a prefix see one state: of concurrent begins exactly one starts', async () => {
    const f = fresh()
    const other = await createRedisClient(REDIS_URL)
    try {
      const a = new RedisIdempotencyStore(client, f.options)
      const b = new RedisIdempotencyStore(other, f.options)
      const results = await run(
        Effect.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).begin('shared', 'fp', 60_000)),
          { concurrency: 'unbounded' },
        ),
      )
      expect(results.filter((r) => r.kind === 'started')).toHaveLength(1)
      const limiterA = new RedisRateLimiter(client, f.options)
      const limiterB = new RedisRateLimiter(other, f.options)
      const decisions = await run(
        Effect.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? limiterA : limiterB).consume('ip:x', policy)),
          { concurrency: 'unbounded' },
        ),
      )
      expect(decisions.filter((d) => d.allowed)).toHaveLength(5)
    } finally {
      other.disconnect()
      await f.cleanup()
    }
  })

  it('adapters with different prefixes do not see each other', async () => {
    const f = fresh()
    const g = fresh()
    try {
      await run(new RedisCache(client, f.options).set('k', 'v', { ttlMs: 10_000 }))
      expect(await run(new RedisCache(client, g.options).get('k'))).toEqual(Option.none())
      expect(await run(new RedisCache(client, f.options).get('k'))).toEqual(Option.some('v'))
    } finally {
      await f.cleanup()
      await g.cleanup()
    }
  })

  it('the script cache being flushed (as after a restart) is recovered from: EVALSHA falls back to EVAL', async () => {
    const f = fresh()
    try {
      const limiter = new RedisRateLimiter(client, f.options)
      expect((await run(limiter.consume('ip:1', policy))).remaining).toBe(4)
      await client.script('FLUSH')
      expect((await run(limiter.consume('ip:1', policy))).remaining).toBe(3)
    } finally {
      await f.cleanup()
    }
  })

  it('a Redis that cannot be reached is a RedisCommandFailed defect, not a typed failure and not a hang', async () => {
    const down = await createRedisClient(REDIS_URL)
    down.disconnect()
    const exit = await Effect.runPromiseExit(
      new RedisIdempotencyStore(down, { clock: new ManualClock(T0) }).begin('k', 'fp', 1_000),
    )
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) {
      const defect = Cause.squash(exit.cause)
      expect(defect).toBeInstanceOf(RedisCommandFailed)
      expect((defect as RedisCommandFailed).operation).toBe('idempotency.begin')
    }
  })

  it('createRedisClient rejects at once when nothing listens at the URL', async () => {
    await expect(createRedisClient('redis://127.0.0.1:1')).rejects.toBeInstanceOf(RedisCommandFailed)
  })
})
