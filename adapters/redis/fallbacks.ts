import { Effect, Option } from 'effect'
import type { Cache } from '../../ports/cache.js'
import type {
  BackoffDecision,
  BackoffPolicy,
  RateLimitDecision,
  RateLimiter,
  RateLimitPolicy,
} from '../../ports/rate-limiter.js'
import { RedisCommandFailed } from './client.js'

/** Told once when a port's Redis becomes unreachable and once when it answers again. */
export type OutageReport =
  | { readonly port: string; readonly state: 'down'; readonly reason: string }
  | { readonly port: string; readonly state: 'up'; readonly downForMs: number }

export interface FallbackOptions {
  readonly onOutage?: (report: OutageReport) => void
  /**
   * After a failed call, how long calls skip Redis and use the fallback at once (default 1,000 ms),
   * so that an outage does not cost every request the client's command timeout; then one call tries
   * Redis again.
   */
  readonly retryAfterMs?: number
  /** Wall clock in ms (tests pass their own). */
  readonly now?: () => number
}

/**
 * The degraded mode of one port: whether Redis is considered down, when to try it again, and the
 * down/up reports (once per outage, not per failed call). Only a `RedisCommandFailed` defect counts
 * as an outage; any other defect is passed on.
 */
class Degradation {
  private downSince: number | null = null
  private retryAt = 0
  private readonly report: (r: OutageReport) => void
  private readonly retryAfterMs: number
  private readonly now: () => number

  constructor(
    private readonly port: string,
    options: FallbackOptions,
  ) {
    this.report = options.onOutage ?? (() => {})
    this.retryAfterMs = Math.max(0, options.retryAfterMs ?? 1_000)
    this.now = options.now ?? Date.now
  }

  /** Runs `primary`, or `fallback` while Redis is down or when `primary` finds it down. */
  run<A>(primary: Effect.Effect<A>, fallback: () => Effect.Effect<A>): Effect.Effect<A> {
    return Effect.suspend(() => {
      if (this.downSince !== null && this.now() < this.retryAt) return fallback()
      return primary.pipe(
        Effect.tap(() => Effect.sync(() => this.succeeded())),
        Effect.catchDefect((defect) =>
          defect instanceof RedisCommandFailed
            ? Effect.andThen(
                Effect.sync(() => this.failed(defect)),
                Effect.suspend(fallback),
              )
            : Effect.die(defect),
        ),
      )
    })
  }

  private failed(defect: RedisCommandFailed): void {
    const now = this.now()
    this.retryAt = now + this.retryAfterMs
    if (this.downSince !== null) return
    this.downSince = now
    this.report({ port: this.port, state: 'down', reason: defect.message })
  }

  private succeeded(): void {
    if (this.downSince === null) return
    const downForMs = this.now() - this.downSince
    this.downSince = null
    this.report({ port: this.port, state: 'up', downForMs })
  }
}

/**
 * The response cache with Redis unreachable falls back to the source: a read is a miss (the use case
 * runs), a write or an invalidation is skipped. Entries written before the outage may then outlive
 * an invalidation that was skipped, by at most their TTL (seconds for the API's pages).
 */
export class CacheWithFallback implements Cache {
  private readonly state: Degradation

  constructor(
    private readonly primary: Cache,
    options: FallbackOptions = {},
  ) {
    this.state = new Degradation('cache', options)
  }

  get(key: string): Effect.Effect<Option.Option<string>> {
    return this.state.run(this.primary.get(key), () => Effect.succeed(Option.none()))
  }

  set(
    key: string,
    value: string,
    options: { readonly ttlMs: number; readonly tags?: readonly string[] },
  ): Effect.Effect<void> {
    return this.state.run(this.primary.set(key, value, options), () => Effect.void)
  }

  delete(key: string): Effect.Effect<void> {
    return this.state.run(this.primary.delete(key), () => Effect.void)
  }

  invalidateTags(tags: readonly string[]): Effect.Effect<void> {
    return this.state.run(this.primary.invalidateTags(tags), () => Effect.void)
  }
}

/**
 * The rate limiter with Redis unreachable fails open to a per-process limiter with the same
 * policies: each API process then limits on its own (a client spread over n processes gets up to n
 * times its allowance) instead of refusing everyone or limiting no one.
 */
export class RateLimiterWithFallback implements RateLimiter {
  private readonly state: Degradation

  constructor(
    private readonly primary: RateLimiter,
    private readonly local: RateLimiter,
    options: FallbackOptions = {},
  ) {
    this.state = new Degradation('rate-limiter', options)
  }

  consume(key: string, policy: RateLimitPolicy, cost?: number): Effect.Effect<RateLimitDecision> {
    return this.state.run(this.primary.consume(key, policy, cost), () =>
      this.local.consume(key, policy, cost),
    )
  }

  backoff(key: string, policy: BackoffPolicy): Effect.Effect<BackoffDecision> {
    return this.state.run(this.primary.backoff(key, policy), () => this.local.backoff(key, policy))
  }

  recordFailure(key: string, policy: BackoffPolicy): Effect.Effect<BackoffDecision> {
    return this.state.run(this.primary.recordFailure(key, policy), () =>
      this.local.recordFailure(key, policy),
    )
  }

  reset(key: string): Effect.Effect<void> {
    return Effect.andThen(
      this.state.run(this.primary.reset(key), () => Effect.void),
      this.local.reset(key),
    )
  }
}
