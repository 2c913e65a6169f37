/**
 * The convention for infrastructure that cannot be reached. Ports whose operations have no
 * business failures (cache, rate limiter, idempotency keys, sessions) keep those out of their error
 * channel; an adapter that cannot reach its service (Redis down or too slow) dies with an error that
 * carries `unavailable: true`. Callers may degrade (the cache falls back to the source, the rate
 * limiter to a local one); the HTTP layer answers what is left with 503 `service_unavailable` and
 * `Retry-After`, never 500, and such a request has changed nothing it reports as done.
 */
export interface UnavailableDefect {
  readonly unavailable: true
}

/** True for a defect raised because a backing service could not be reached. */
export const isUnavailable = (defect: unknown): defect is UnavailableDefect =>
  typeof defect === 'object' && defect !== null && (defect as { unavailable?: unknown }).unavailable === true
