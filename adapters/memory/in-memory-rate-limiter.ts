import { Effect } from 'effect'
import type { Clock } from '../../ports/clock.js'
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from '../../ports/rate-limiter.js'

interface Bucket {
  tokens: number
  updatedAt: number
}

/** Milliseconds until `missing` tokens are refilled; "never" is reported as MAX_SAFE_INTEGER. */
const msFor = (missing: number, refillPerSecond: number): number =>
  missing <= 0
    ? 0
    : refillPerSecond > 0
      ? Math.ceil((missing / refillPerSecond) * 1000)
      : Number.MAX_SAFE_INTEGER

/** A token bucket per key on the injected clock; each decision is one synchronous step. */
export class InMemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(private readonly clock: Clock) {}

  consume(key: string, policy: RateLimitPolicy, cost = 1): Effect.Effect<RateLimitDecision> {
    return Effect.sync(() => {
      const now = this.clock.now()
      const capacity = Math.max(0, policy.capacity)
      const rate = Math.max(0, policy.refillPerSecond)
      const b = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now }
      const elapsed = Math.max(0, now - b.updatedAt)
      b.tokens = Math.min(capacity, b.tokens + (elapsed * rate) / 1000)
      b.updatedAt = now
      const allowed = b.tokens >= cost
      if (allowed) b.tokens -= cost
      if (b.tokens >= capacity) this.buckets.delete(key)
      else this.buckets.set(key, b)
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
}
