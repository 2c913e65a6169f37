import { Effect } from 'effect'
import type { Clock } from '../../ports/clock.js'
import {
  type BackoffDecision,
  type BackoffPolicy,
  backoffDelayMs,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitPolicy,
} from '../../ports/rate-limiter.js'
import { MapSweeper } from './bounded.js'

interface Bucket {
  tokens: number
  updatedAt: number
  /** When the bucket is full again if nothing more is taken: from then on it can be forgotten. */
  fullAt: number
}

interface Failures {
  count: number
  /** When the last failure was counted. */
  lastAt: number
  /** When the count is forgotten. */
  forgetAt: number
}

/** Milliseconds until `missing` tokens are refilled; "never" is reported as MAX_SAFE_INTEGER. */
const msFor = (missing: number, refillPerSecond: number): number =>
  missing <= 0
    ? 0
    : refillPerSecond > 0
      ? Math.ceil((missing / refillPerSecond) * 1000)
      : Number.MAX_SAFE_INTEGER

export interface InMemoryRateLimiterOptions {
  /**
   * The most buckets kept (default 100,000). Past it the oldest are forgotten, which lets those keys
   * start afresh: under a flood of distinct keys the limiter gives up precision, not memory.
   */
  readonly maxKeys?: number
}

/**
 * A token bucket per key on the injected clock; each decision is one synchronous step. A bucket that
 * has refilled is the same as no bucket, so refilled buckets are swept as requests go on. Failure
 * counts (backoff) are kept beside the buckets, swept once forgotten.
 */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly sweeper: MapSweeper<string, Bucket>
  private readonly failures = new Map<string, Failures>()
  private readonly failureSweeper: MapSweeper<string, Failures>

  constructor(
    private readonly clock: Clock,
    options: InMemoryRateLimiterOptions = {},
  ) {
    this.sweeper = new MapSweeper(this.buckets, {
      expired: (b, now) => b.fullAt <= now,
      maxEntries: options.maxKeys ?? 100_000,
    })
    this.failureSweeper = new MapSweeper(this.failures, {
      expired: (f, now) => f.forgetAt <= now,
      maxEntries: options.maxKeys ?? 100_000,
    })
  }

  /** The live failure record of a key at `now` (a forgotten one is dropped). */
  private live(key: string, now: number): Failures | undefined {
    const f = this.failures.get(key)
    if (f !== undefined && f.forgetAt <= now) {
      this.failures.delete(key)
      return undefined
    }
    return f
  }

  backoff(key: string, policy: BackoffPolicy): Effect.Effect<BackoffDecision> {
    return Effect.sync(() => {
      const now = this.clock.now()
      const f = this.live(key, now)
      if (f === undefined) return { failures: 0, retryAfterMs: 0 }
      return {
        failures: f.count,
        retryAfterMs: Math.max(0, f.lastAt + backoffDelayMs(f.count, policy) - now),
      }
    })
  }

  recordFailure(key: string, policy: BackoffPolicy): Effect.Effect<BackoffDecision> {
    return Effect.sync(() => {
      const now = this.clock.now()
      const count = (this.live(key, now)?.count ?? 0) + 1
      const delay = backoffDelayMs(count, policy)
      // Re-inserted so the map's order stays "least recently failed first" for the size bound.
      this.failures.delete(key)
      this.failures.set(key, {
        count,
        lastAt: now,
        forgetAt: now + Math.max(1, policy.forgetAfterMs, delay),
      })
      this.failureSweeper.afterWrite(now)
      return { failures: count, retryAfterMs: delay }
    })
  }

  consume(key: string, policy: RateLimitPolicy, cost = 1): Effect.Effect<RateLimitDecision> {
    return Effect.sync(() => {
      const now = this.clock.now()
      const capacity = Math.max(0, policy.capacity)
      const rate = Math.max(0, policy.refillPerSecond)
      const b = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now, fullAt: now }
      const elapsed = Math.max(0, now - b.updatedAt)
      b.tokens = Math.min(capacity, b.tokens + (elapsed * rate) / 1000)
      b.updatedAt = now
      const allowed = b.tokens >= cost
      if (allowed) b.tokens -= cost
      b.fullAt = now + msFor(capacity - b.tokens, rate)
      if (b.tokens >= capacity) this.buckets.delete(key)
      else {
        this.buckets.set(key, b)
        this.sweeper.afterWrite(now)
      }
      return {
        allowed,
        limit: capacity,
        remaining: Math.max(0, Math.floor(b.tokens + 1e-9)),
        retryAfterMs: allowed ? 0 : cost > capacity ? Number.MAX_SAFE_INTEGER : msFor(cost - b.tokens, rate),
        resetMs: msFor(capacity - b.tokens, rate),
      }
    })
  }

  reset(key: string): Effect.Effect<void> {
    return Effect.sync(() => {
      this.buckets.delete(key)
      this.failures.delete(key)
    })
  }

  /** Test helper: how many keys are held (expired ones not yet swept included). */
  get size(): number {
    return this.buckets.size
  }
}
