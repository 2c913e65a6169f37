import { Effect, Schema } from 'effect'
import { Id } from '../../../core/application/support/schemas.js'
import type { Cache } from '../../../ports/cache.js'
import type { Clock } from '../../../ports/clock.js'
import type { BackoffPolicy, RateLimiter, RateLimitPolicy } from '../../../ports/rate-limiter.js'
import type { AccessTokens } from '../auth.js'
import { HttpProblem } from '../problem.js'
import type { Reply } from '../route.js'
import type { HttpUseCases } from '../use-cases.js'

/**
 * Sign-in throttling (OWASP Authentication Cheat Sheet): nothing keyed on the account alone, so a
 * stranger's failures never lock the owner out from another address.
 */
export interface LoginLimits {
  /** Every login attempt per client address, whatever the account (password spraying, hashing cost). */
  readonly perIp: RateLimitPolicy
  /**
   * Failed logins per client address and account (normalized e-mail): a growing delay; a success
   * clears it. Repeated guessing slows down; the owner elsewhere is untouched.
   */
  readonly perIpAccount: BackoffPolicy
  /** Password-reset requests per account, from any address (keeps the owner's inbox from a flood). */
  readonly perAccount: RateLimitPolicy
}

export const defaultLoginLimits: LoginLimits = {
  perIp: { capacity: 20, refillPerSecond: 20 / 300 },
  perIpAccount: { freeFailures: 3, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000, forgetAfterMs: 3_600_000 },
  perAccount: { capacity: 5, refillPerSecond: 5 / 300 },
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
  /**
   * The currencies a search may name (those of the exchange-rate table at start), declared as the
   * `currency` parameter's enum; absent: any ISO 4217 code, the rest refused by the search.
   */
  readonly searchCurrencies?: readonly [string, ...string[]]
}

export const IdParams = Schema.Struct({ id: Id() })
export type IdParams = typeof IdParams.Type

export const ok = (value: unknown, status?: number): Reply =>
  status === undefined ? { value } : { value, status }
export const noContent: Reply = {}

/** The 429 of a refused attempt: `Retry-After` in whole seconds, at least 1. */
export const tooManyAttempts = (code: string, retryAfterMs: number): HttpProblem =>
  new HttpProblem(
    429,
    code,
    'Too many attempts',
    'Wait before trying again',
    {},
    { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  )

/** Consumes one token of a limit, or fails 429 with Retry-After. */
export const limit = (
  deps: RouteDeps,
  key: string,
  policy: RateLimitPolicy,
  code: string,
): Effect.Effect<void, HttpProblem> =>
  Effect.flatMap(deps.rateLimiter.consume(key, policy), (d) =>
    d.allowed ? Effect.void : Effect.fail(tooManyAttempts(code, d.retryAfterMs)),
  )

/**
 * A request body as the input a use case's signature names (its schema's encoded type). The API does
 * not decode bodies itself: the use case decodes its input at run time and answers anything else with
 * a typed ValidationFailed (422), so this only states which input the body is meant to be.
 */
export const bodyAs = <S extends { readonly Encoded: unknown }>(_schema: S, body: unknown): S['Encoded'] =>
  body as S['Encoded']
