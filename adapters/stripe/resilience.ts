import { Cause, Data, Duration, Effect, Exit, Option, Schedule } from 'effect'
import type { Clock } from '../../ports/clock.js'

/** Stripe did not answer usefully: a network error, a timeout, 409 (a request in flight), 429 or 5xx. */
export class StripeTransient extends Data.TaggedError('StripeTransient')<{
  readonly reason: string
  readonly status: number | null
}> {}

/** The breaker is open: Stripe failed too often lately, so no request is sent for a while. */
export class CircuitOpen extends Data.TaggedError('CircuitOpen')<{ readonly retryAfterMs: number }> {}

export interface RetryOptions {
  /** Retries after the first attempt (default 2: three attempts in all). */
  readonly retries: number
  /** First backoff; each next one doubles, with jitter (default 200 ms). */
  readonly baseDelayMs: number
}

export const defaultRetry: RetryOptions = { retries: 2, baseDelayMs: 200 }

/**
 * Bounded retries with exponential backoff and jitter, for transient failures only. Every POST the
 * adapter retries carries the same idempotency key, so Stripe runs it at most once.
 */
export const retryTransient = <A, E>(
  self: Effect.Effect<A, E | StripeTransient>,
  options: RetryOptions,
): Effect.Effect<A, E | StripeTransient> =>
  Effect.retry(self, {
    schedule: Schedule.exponential(Duration.millis(options.baseDelayMs), 2).pipe(
      Schedule.jittered,
      Schedule.upTo({ times: options.retries }),
    ),
    while: (e) => isTransient(e),
  })

const isTransient = (e: unknown): e is StripeTransient =>
  typeof e === 'object' && e !== null && '_tag' in e && e._tag === 'StripeTransient'

export interface BreakerOptions {
  /** Calls in a row that fail transiently (after their retries) before the breaker opens (default 5). */
  readonly failureThreshold: number
  /** How long it stays open before one trial call may go through (default 30 s). */
  readonly openMs: number
}

export const defaultBreaker: BreakerOptions = { failureThreshold: 5, openMs: 30_000 }

export type BreakerState = 'closed' | 'open' | 'half_open'

/**
 * A circuit breaker on the Clock port. Closed, calls go through and transient failures are counted;
 * after `failureThreshold` in a row it opens and every call fails at once with `CircuitOpen` (no
 * request sent) until `openMs` have passed; then one trial call goes through (half-open): success
 * closes it, another transient failure opens it again. Any answer from Stripe, even a refusal,
 * counts as success: the provider is there.
 */
export class CircuitBreaker {
  private consecutive = 0
  private openedAt: number | null = null
  private trialInFlight = false
  /** Calls refused without a request since start (for metrics and tests). */
  rejected = 0

  constructor(
    private readonly clock: Clock,
    private readonly options: BreakerOptions = defaultBreaker,
  ) {}

  state(): BreakerState {
    if (this.openedAt === null) return 'closed'
    return this.clock.now() < this.openedAt + this.options.openMs ? 'open' : 'half_open'
  }

  /** How long until a call may go through again (0 when closed). */
  retryAfterMs(): number {
    if (this.openedAt === null) return 0
    return Math.max(0, this.openedAt + this.options.openMs - this.clock.now())
  }

  guard<A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, E | CircuitOpen> {
    return Effect.suspend((): Effect.Effect<A, E | CircuitOpen> => {
      let trial = false
      if (this.openedAt !== null) {
        if (this.state() === 'open' || this.trialInFlight) {
          this.rejected++
          return Effect.fail(new CircuitOpen({ retryAfterMs: Math.max(1_000, this.retryAfterMs()) }))
        }
        trial = true
        this.trialInFlight = true
      }
      return Effect.onExit(self, (exit) =>
        Effect.sync(() => {
          if (trial) this.trialInFlight = false
          const failure = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
          if (Option.isSome(failure) && isTransient(failure.value)) this.failed(trial)
          else if (Exit.isSuccess(exit) || Option.isSome(failure)) this.succeeded()
          // An interruption or a defect says nothing about Stripe: the state stays as it was.
        }),
      )
    })
  }

  private failed(trial: boolean): void {
    this.consecutive++
    if (trial || this.consecutive >= this.options.failureThreshold) {
      this.openedAt = this.clock.now()
      this.consecutive = 0
    }
  }

  private succeeded(): void {
    this.consecutive = 0
    this.openedAt = null
  }
}
