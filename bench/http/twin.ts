import { randomUUID } from 'node:crypto'
import Router from '@koa/router'
import Koa from 'koa'
import type { Logger } from 'pino'
import { Counter, Histogram, Registry } from 'prom-client'
import { SECURITY_HEADERS } from '../../adapters/http/app.js'
import { securityHeaders } from '../../adapters/http/security-headers.js'
import { type BareBodies, paddedJson } from './bare.js'

/** A route of the API's table, as the twin registers it (method and OpenAPI-style path). */
export interface TwinRoute {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  readonly path: string
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * The Koa twin of the API: what a plain, hand-written Koa service with the API's kinds of middleware
 * costs, with none of the API's own work (no authentication, decoding, cache lookup, Effect run or
 * encoding). Every request gets a request id (taken from `X-Request-Id` when well-formed), one pino
 * line at info (to the logger given: /dev/null in the benchmark), a prom-client counter and
 * histogram, and the API's security headers (helmet's, precomputed, by the same middleware). The
 * router holds as many routes as the API, at the same paths under `/api/v1` plus the operations
 * routes; the measured ones answer a pre-built JSON body of the API's byte size, the others 404.
 */
export const twinApp = (bodies: BareBodies, routes: readonly TwinRoute[], logger: Logger): Koa => {
  const listing = new Map(Object.entries(bodies.listing).map(([id, n]) => [id, paddedJson(n)]))
  const search = new Map(Object.entries(bodies.search).map(([path, n]) => [path, paddedJson(n)]))
  const booking = paddedJson(bodies.booking)
  const registry = new Registry()
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route template',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })

  const koa = new Koa()
  koa.use(async (ctx, next) => {
    const started = process.hrtime.bigint()
    const given = ctx.get('x-request-id')
    const requestId = REQUEST_ID.test(given) ? given : randomUUID()
    ctx.state.requestId = requestId
    ctx.set('X-Request-Id', requestId)
    try {
      await next()
    } catch (err) {
      logger.error({ err, requestId }, 'unhandled error')
      ctx.status = 500
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const route = (ctx.state.routeTemplate as string | undefined) ?? 'unmatched'
    requests.inc({ method: ctx.method, route, status: String(ctx.status) })
    latency.observe({ method: ctx.method, route }, seconds)
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
  })
  koa.use(securityHeaders(SECURITY_HEADERS))

  const router = new Router()
  const json = (ctx: Koa.Context, body: Buffer | undefined, status = 200) => {
    if (body === undefined) return
    ctx.status = status
    ctx.type = 'application/json'
    ctx.body = body
  }
  for (const ops of ['/health/live', '/health/ready', '/openapi.json', '/docs', '/docs/:file'])
    router.get(ops, (ctx) => {
      ctx.state.routeTemplate = ops
    })
  for (const r of routes) {
    const template = `/api/v1${r.path}`
    const koaPath = template.replace(/\{([A-Za-z_]+)\}/g, ':$1')
    const measured =
      r.method === 'get' && r.path === '/listings/{id}'
        ? (ctx: Koa.Context) => json(ctx, listing.get(ctx.params.id ?? ''))
        : r.method === 'get' && r.path === '/listings'
          ? (ctx: Koa.Context) => json(ctx, search.get(ctx.url))
          : r.method === 'post' && r.path === '/bookings'
            ? (ctx: Koa.Context) => json(ctx, booking, 201)
            : undefined
    router[r.method](koaPath, (ctx) => {
      ctx.state.routeTemplate = template
      measured?.(ctx)
    })
  }
  koa.use(router.routes())
  return koa
}
