import type { Effect } from 'effect'
import { token } from './tokens.js'

/** A token bucket: `capacity` tokens (the burst), refilled at `refillPerSecond`. */
export interface RateLimitPolicy {
  readonly capacity: number
  readonly refillPerSecond: number
}

export interface RateLimitDecision {
  readonly allowed: boolean
  readonly limit: number
  /** Whole tokens left after this request. */
  readonly remaining: number
  /** When refused: how long until enough tokens are back. 0 when allowed. */
  readonly retryAfterMs: number
  /** How long until the bucket is full again. */
  readonly resetMs: number
}

/** Atomic per key: concurrent consumers never spend the same token twice. */
export interface RateLimiter {
  consume(key: string, policy: RateLimitPolicy, cost?: number): Effect.Effect<RateLimitDecision>
  reset(key: string): Effect.Effect<void>
}
export const RateLimiter = token<RateLimiter>('RateLimiter')
