import { Effect } from 'effect'
import type Koa from 'koa'
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from '../../ports/rate-limiter.js'
import { HttpProblem } from './problem.js'

/**
 * Rate limits: per client IP on every API request (before the body is read), and per signed-in user
 * on every route (after authentication). Responses of the API's routes carry the `RateLimit-*`
 * headers of the tighter check made; a refusal is a 429 with `Retry-After`.
 */

export interface RateLimitSettings {
  /** Per signed-in user (about 100 requests a minute with a small burst). */
  readonly perUser: RateLimitPolicy
  /** Per client IP (about 1000 a minute). */
  readonly perIp: RateLimitPolicy
}

export const defaultRateLimits: RateLimitSettings = {
  perUser: { capacity: 20, refillPerSecond: 100 / 60 },
  perIp: { capacity: 100, refillPerSecond: 1000 / 60 },
}

const rateHeaders = (d: RateLimitDecision): Record<string, string> => ({
  'RateLimit-Limit': String(d.limit),
  'RateLimit-Remaining': String(Math.max(0, d.remaining)),
  'RateLimit-Reset': String(Math.ceil(d.resetMs / 1000)),
})

const tooMany = (d: RateLimitDecision) =>
  new HttpProblem(
    429,
    'rate_limited',
    'Too many requests',
    'Slow down and retry after the delay given',
    {},
    {
      ...rateHeaders(d),
      'Retry-After': String(Math.max(1, Math.ceil(d.retryAfterMs / 1000))),
    },
  )

/** Per-IP limit of the requests under `prefix`. */
export const ipRateLimit =
  (limiter: RateLimiter, limits: RateLimitSettings, prefix: string): Koa.Middleware =>
  async (ctx, next) => {
    if (!ctx.path.startsWith(prefix)) return next()
    const d = await Effect.runPromise(limiter.consume(`ip:${ctx.ip}`, limits.perIp))
    if (!d.allowed) throw tooMany(d)
    ctx.state.rate = d
    return next()
  }

/** Per-user limit (after authentication), and the rate headers of the tighter check. */
export const userRateLimit =
  (limiter: RateLimiter, limits: RateLimitSettings): Koa.Middleware =>
  async (ctx, next) => {
    const userId = ctx.state.userId as string | null
    let rate = ctx.state.rate as RateLimitDecision | undefined
    if (userId !== null) {
      const d = await Effect.runPromise(limiter.consume(`user:${userId}`, limits.perUser))
      if (!d.allowed) throw tooMany(d)
      rate = d
    }
    if (rate) {
      const headers = rateHeaders(rate)
      for (const k in headers) ctx.set(k, headers[k] as string)
    }
    return next()
  }
