import { Effect } from 'effect'
import type { Clock } from '../../ports/clock.js'
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from '../../ports/rate-limiter.js'
import { MapSweeper } from './bounded.js'

interface Bucket {
  tokens: number
  updatedAt: number
  /** When the bucket is full again if nothing more is taken: from then on it can be forgotten. */
  fullAt: number
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
 * has refilled is the same as no bucket, so refilled buckets are swept as requests go on.
 */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly sweeper: MapSweeper<string, Bucket>

  constructor(
    private readonly clock: Clock,
    options: InMemoryRateLimiterOptions = {},
  ) {
    this.sweeper = new MapSweeper(this.buckets, {
      expired: (b, now) => b.fullAt <= now,
      maxEntries: options.maxKeys ?? 100_000,
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
    })
  }

  /** Test helper: how many keys are held (expired ones not yet swept included). */
  get size(): number {
    return this.buckets.size
  }
}
