import { Effect } from 'effect'
import type { Redis } from 'ioredis'
import {
  type BackoffDecision,
  type BackoffPolicy,
  backoffDelayMs,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitPolicy,
} from '../../ports/rate-limiter.js'
import { badReply, LUA_PRELUDE, LuaScript, redisCall } from './client.js'
import type { RedisAdapterOptions } from './options.js'
import { RedisAdapter } from './redis-adapter.js'

/** Stands for "never" in retryAfterMs and resetMs, as in the in-memory limiter. */
const NEVER = Number.MAX_SAFE_INTEGER

/**
 * The token bucket, one Lua script per decision so concurrent consumers (from any number of
 * processes) never spend the same token twice. The bucket is a hash { t: tokens, u: updated at }
 * that exists only while the bucket is not full; tokens are stored with 17 significant digits so
 * the arithmetic matches the in-memory limiter's doubles exactly.
 *
 * KEYS: bucket. ARGV: capacity, refill per second, cost, now, GC margin ms.
 * Returns { allowed (0/1), remaining, retryAfterMs, resetMs } as decimal strings: ioredis's reply
 * decoder rounds integers near 2^53, and "never" is 2^53 − 1.
 */
const CONSUME = new LuaScript(
  'rateLimiter.consume',
  `${LUA_PRELUDE}
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local margin = tonumber(ARGV[5])
local never = ${NEVER}
local function ms_for(missing)
  if missing <= 0 then return 0 end
  if rate > 0 then return math.min(math.ceil((missing / rate) * 1000), never) end
  return never
end
local b = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = capacity
local updated = now
if b[1] then
  tokens = tonumber(b[1])
  updated = tonumber(b[2])
end
local elapsed = math.max(0, now - updated)
tokens = math.min(capacity, tokens + (elapsed * rate) / 1000)
local allowed = tokens >= cost
if allowed then tokens = tokens - cost end
local reset = ms_for(capacity - tokens)
if tokens >= capacity then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 't', num(tokens), 'u', num(now))
  if rate > 0 then
    redis.call('PEXPIRE', KEYS[1], math.min(reset + margin, 70368744177664))
  else
    redis.call('PERSIST', KEYS[1])
  end
end
local retry = 0
if not allowed then
  if cost > capacity then retry = never else retry = ms_for(cost - tokens) end
end
local remaining = math.floor(tokens + 1e-9)
remaining = math.min(math.max(remaining, 0), never)
local function int(x) return string.format('%.0f', x) end
return { allowed and '1' or '0', int(remaining), int(retry), int(reset) }
`,
)

/**
 * Counts one failure of a key: a hash { n: count, a: last failure, f: forgotten at } beside the
 * bucket (its own key), so concurrent failures are each counted. The delay is the port's
 * `backoffDelayMs`, computed here the same way.
 *
 * KEYS: failures. ARGV: free failures, base delay ms, max delay ms, forget after ms, now, GC margin ms.
 * Returns { count, delayMs } as decimal strings.
 */
const RECORD_FAILURE = new LuaScript(
  'rateLimiter.recordFailure',
  `${LUA_PRELUDE}
local free = tonumber(ARGV[1])
local base = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local forget = tonumber(ARGV[4])
local now = tonumber(ARGV[5])
local margin = tonumber(ARGV[6])
local b = redis.call('HMGET', KEYS[1], 'n', 'f')
local n = 0
if b[1] and tonumber(b[2]) > now then n = tonumber(b[1]) end
n = n + 1
local delay = 0
if n > free then delay = math.min(max, base * 2 ^ math.min(n - free - 1, 60)) end
local keep = math.max(1, forget, delay)
redis.call('HSET', KEYS[1], 'n', n, 'a', num(now), 'f', num(now + keep))
redis.call('PEXPIRE', KEYS[1], math.min(keep + margin, 70368744177664))
local function int(x) return string.format('%.0f', x) end
return { int(n), int(delay) }
`,
)

/** A finite, non-negative number, or `fallback`. */
const nonNegative = (n: number, fallback: number): number => (Number.isFinite(n) ? Math.max(0, n) : fallback)

/** A whole number the script sent as a decimal string, or undefined. */
const wholeNumber = (v: unknown): number | undefined => {
  if (typeof v !== 'string' || !/^\d{1,16}$/.test(v)) return undefined
  const n = Number(v)
  return Number.isSafeInteger(n) ? n : undefined
}

/** The RateLimiter port on Redis: a token bucket per key, on the injected clock. */
export class RedisRateLimiter extends RedisAdapter implements RateLimiter {
  constructor(client: Redis, options: RedisAdapterOptions) {
    super(client, options, 'rl:')
  }

  consume(key: string, policy: RateLimitPolicy, cost = 1): Effect.Effect<RateLimitDecision> {
    return Effect.suspend(() => {
      // A policy that is not a finite number admits nothing rather than everything.
      const capacity = nonNegative(policy.capacity, 0)
      const rate = nonNegative(policy.refillPerSecond, 0)
      const spend = nonNegative(cost, NEVER)
      return CONSUME.run(
        this.client,
        [this.prefix + key],
        [capacity, rate, spend, this.clock.now(), this.gcTtlAfter(0)],
      ).pipe(
        Effect.flatMap((reply) => {
          const n = Array.isArray(reply) ? reply.map(wholeNumber) : []
          const [allowed, remaining, retryAfterMs, resetMs] = n
          if (
            n.length !== 4 ||
            allowed === undefined ||
            remaining === undefined ||
            retryAfterMs === undefined ||
            resetMs === undefined
          )
            return badReply(CONSUME.name, reply)
          return Effect.succeed({ allowed: allowed === 1, limit: capacity, remaining, retryAfterMs, resetMs })
        }),
      )
    })
  }

  backoff(key: string, policy: BackoffPolicy): Effect.Effect<BackoffDecision> {
    return redisCall('rateLimiter.backoff', () =>
      this.client.hmget(this.failuresKey(key), 'n', 'a', 'f'),
    ).pipe(
      Effect.map(([n, a, f]) => {
        const now = this.clock.now()
        const count = Number(n)
        const lastAt = Number(a)
        if (!(Number(f) > now) || !Number.isSafeInteger(count) || count < 1 || !Number.isFinite(lastAt))
          return { failures: 0, retryAfterMs: 0 }
        return {
          failures: count,
          retryAfterMs: Math.max(0, lastAt + backoffDelayMs(count, policy) - now),
        }
      }),
    )
  }

  recordFailure(key: string, policy: BackoffPolicy): Effect.Effect<BackoffDecision> {
    return Effect.suspend(() =>
      RECORD_FAILURE.run(
        this.client,
        [this.failuresKey(key)],
        [
          nonNegative(policy.freeFailures, 0),
          nonNegative(policy.baseDelayMs, 0),
          nonNegative(policy.maxDelayMs, 0),
          nonNegative(policy.forgetAfterMs, 0),
          this.clock.now(),
          this.gcMarginMs,
        ],
      ).pipe(
        Effect.flatMap((reply) => {
          const n = Array.isArray(reply) ? reply.map(wholeNumber) : []
          const [failures, retryAfterMs] = n
          if (n.length !== 2 || failures === undefined || retryAfterMs === undefined)
            return badReply(RECORD_FAILURE.name, reply)
          return Effect.succeed({ failures, retryAfterMs })
        }),
      ),
    )
  }

  reset(key: string): Effect.Effect<void> {
    return redisCall('rateLimiter.reset', () =>
      this.client.del(this.prefix + key, this.failuresKey(key)),
    ).pipe(Effect.asVoid)
  }

  /** The failure count's key: apart from the bucket's, so the two records never share a hash. */
  private failuresKey(key: string): string {
    return `${this.prefix}fail:${key}`
  }
}
