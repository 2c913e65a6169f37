import { randomUUID } from 'node:crypto'
import type Koa from 'koa'
import type { Logger } from 'pino'
import { isUnavailable } from '../../ports/unavailable.js'
import type { HttpMetrics } from './metrics.js'
import { OutageLog } from './outage-log.js'
import {
  HttpProblem,
  internalProblem,
  problemOfHttp,
  UNAVAILABLE_RETRY_AFTER_S,
  unavailableProblem,
} from './problem.js'
import { sendProblem } from './rendering.js'

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * The first step of every request: its id (the client's `X-Request-Id` when well-formed, else a new
 * one, echoed back), one access-log line and the request metrics once it is answered, and the last
 * line of defence: a thrown HttpProblem becomes its problem+json, anything else a logged 500,
 * an unanswered request a 404 problem, and the API router's 405 and 501 problems too. `templateOf` names the route of a request that ended
 * before its handler (for metric labels: never the raw path, whose values are unbounded).
 */
export const requestLog = (
  logger: Logger,
  metrics: HttpMetrics,
  templateOf: (path: string, method: string) => string,
  apiPrefix: string,
): Koa.Middleware => {
  const outages = new OutageLog(logger)
  return async (ctx, next) => {
    const started = process.hrtime.bigint()
    const given = ctx.get('x-request-id')
    const requestId = REQUEST_ID.test(given) ? given : randomUUID()
    ctx.state.requestId = requestId
    ctx.set('X-Request-Id', requestId)
    try {
      await next()
      const status = ctx.status
      if (status === 404 && ctx.body === undefined)
        sendProblem(
          ctx,
          problemOfHttp(
            new HttpProblem(404, 'not_found', 'Not found', `No route for ${ctx.method} ${ctx.path}`),
          ),
        )
      // The 405 (or 501) the API router's allowedMethods answered, as problems.
      else if (status === 405 && ctx.path.startsWith(apiPrefix))
        sendProblem(
          ctx,
          problemOfHttp(
            new HttpProblem(
              405,
              'method_not_allowed',
              'Method not allowed',
              `${ctx.method} is not allowed here`,
            ),
          ),
          { Allow: String(ctx.response.get('Allow')) },
        )
      else if (status === 501 && ctx.path.startsWith(apiPrefix))
        sendProblem(
          ctx,
          problemOfHttp(
            new HttpProblem(501, 'not_implemented', 'Not implemented', `${ctx.method} is not supported`),
          ),
        )
    } catch (err) {
      if (err instanceof HttpProblem) sendProblem(ctx, problemOfHttp(err), { ...err.headers })
      else if (isUnavailable(err)) {
        outages.refused(err, { requestId, method: ctx.method, path: ctx.path })
        sendProblem(ctx, unavailableProblem(), { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S })
      } else {
        logger.error({ err, requestId, method: ctx.method, path: ctx.path }, 'unhandled error')
        sendProblem(ctx, internalProblem())
      }
    }
    if (ctx.status !== 503) outages.answered()
    const stored = ctx.state.idempotencyWarning as { what: string; err: unknown } | undefined
    if (stored !== undefined)
      logger.warn(
        { err: stored.err, requestId, path: ctx.path },
        `idempotency store unreachable at ${stored.what}: the answer was sent, the key's claim lapses by itself`,
      )
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const route = (ctx.state.routeTemplate as string | undefined) ?? templateOf(ctx.path, ctx.method)
    metrics.observeRequest(ctx.method, route, ctx.status, seconds)
    logger.info(
      {
        requestId,
        method: ctx.method,
        route,
        path: ctx.path,
        status: ctx.status,
        ms: Math.round(seconds * 1e4) / 10,
      },
      'request',
    )
  }
}
