import { Effect, Schema } from 'effect'
import { Id } from '../../../core/application/support/schemas.js'
import type { Cache } from '../../../ports/cache.js'
import type { Clock } from '../../../ports/clock.js'
import type { RateLimiter, RateLimitPolicy } from '../../../ports/rate-limiter.js'
import type { AccessTokens } from '../auth.js'
import { HttpProblem } from '../problem.js'
import type { Reply } from '../route.js'
import type { HttpUseCases } from '../use-cases.js'

export interface LoginLimits {
  /** Attempts per account (e-mail). */
  readonly perAccount: RateLimitPolicy
  /** Attempts per client IP. */
  readonly perIp: RateLimitPolicy
}

export const defaultLoginLimits: LoginLimits = {
  perAccount: { capacity: 5, refillPerSecond: 5 / 300 },
  perIp: { capacity: 20, refillPerSecond: 20 / 300 },
}

/** What the route handlers need besides the request. */
export interface RouteDeps {
  readonly useCases: HttpUseCases
  readonly tokens: AccessTokens
  readonly clock: Clock
  /** The response cache's store (public listing pages and searches). */
  readonly cache: Cache
  readonly rateLimiter: RateLimiter
  /** `false` turns the login and password-reset limits off. */
  readonly loginLimits: LoginLimits | false
  /** Payment providers whose webhooks are accepted, by the `{provider}` path segment. */
  readonly paymentProviders: readonly string[]
}

export const IdParams = Schema.Struct({ id: Id() })
export type IdParams = typeof IdParams.Type

export const ok = (value: unknown, status?: number): Reply =>
  status === undefined ? { value } : { value, status }
export const noContent: Reply = {}

/** Consumes one token of a limit, or fails 429 with Retry-After. */
export const limit = (
  deps: RouteDeps,
  key: string,
  policy: RateLimitPolicy,
  code: string,
): Effect.Effect<void, HttpProblem> =>
  Effect.flatMap(deps.rateLimiter.consume(key, policy), (d) =>
    d.allowed
      ? Effect.void
      : Effect.fail(
          new HttpProblem(
            429,
            code,
            'Too many attempts',
            'Wait before trying again',
            {},
            {
              'Retry-After': String(Math.max(1, Math.ceil(d.retryAfterMs / 1000))),
            },
          ),
        ),
  )

/**
 * A request body as the input a use case's signature names (its schema's encoded type). The API does
 * not decode bodies itself: the use case decodes its input at run time and answers anything else with
 * a typed ValidationFailed (422), so this only states which input the body is meant to be.
 */
export const bodyAs = <S extends { readonly Encoded: unknown }>(_schema: S, body: unknown): S['Encoded'] =>
  body as S['Encoded']
