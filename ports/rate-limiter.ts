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

/**
 * A growing delay after repeated failures (exponential backoff): the first `freeFailures` failures
 * cost nothing; failure number `freeFailures + k` (k ≥ 1) makes the key wait
 * `min(maxDelayMs, baseDelayMs × 2^(k−1))` from that failure. The count is forgotten
 * `forgetAfterMs` after the last failure (or once the delay in force has passed, if longer).
 */
export interface BackoffPolicy {
  readonly freeFailures: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly forgetAfterMs: number
}

export interface BackoffDecision {
  /** Failures counted for the key (0 once forgotten or reset). */
  readonly failures: number
  /** How long until the key may try again; 0 when it may now. */
  readonly retryAfterMs: number
}

/** The delay a key waits after its `failures`-th failure, by the policy. */
export const backoffDelayMs = (failures: number, policy: BackoffPolicy): number => {
  const over = failures - Math.max(0, policy.freeFailures)
  if (over <= 0) return 0
  const max = Math.max(0, policy.maxDelayMs)
  // 2^(over−1) overflows to Infinity long after it passed any sane maximum.
  return Math.min(max, Math.max(0, policy.baseDelayMs) * 2 ** Math.min(over - 1, 60))
}

/**
 * Atomic per key: concurrent consumers never spend the same token twice, and concurrent failures
 * are each counted. A key's token bucket and its failure count are separate records; `reset` clears
 * both.
 */
export interface RateLimiter {
  consume(key: string, policy: RateLimitPolicy, cost?: number): Effect.Effect<RateLimitDecision>
  /** The key's failure count and the delay in force now, without changing anything. */
  backoff(key: string, policy: BackoffPolicy): Effect.Effect<BackoffDecision>
  /** Counts one more failure; answers the count and the delay it puts in force. */
  recordFailure(key: string, policy: BackoffPolicy): Effect.Effect<BackoffDecision>
  reset(key: string): Effect.Effect<void>
}
export const RateLimiter = token<RateLimiter>('RateLimiter')
