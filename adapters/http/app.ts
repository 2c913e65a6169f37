import cors from '@koa/cors'
import Router, { type RouterMiddleware } from '@koa/router'
import type { HelmetOptions } from 'helmet'
import Koa from 'koa'
import type { Logger } from 'pino'
import type { IdempotencyStore } from '../../ports/idempotency-store.js'
import type { RateLimiter } from '../../ports/rate-limiter.js'
import type { AccessTokens } from './auth.js'
import { authentication, type WriteAuthorization, writeAuthorization } from './authentication.js'
import { decoding } from './decoding.js'
import { type DocsAssets, mountDocs } from './docs.js'
import { type CacheCoherence, handler } from './handler.js'
import { idempotency } from './idempotency.js'
import { jsonBody } from './json-body.js'
import type { HttpMetrics } from './metrics.js'
import { type OpenApiInfo, openApiDocument } from './openapi.js'
import { defaultRateLimits, ipRateLimit, type RateLimitSettings, userRateLimit } from './rate-limits.js'
import { writeResponse } from './rendering.js'
import { requestLog } from './request-log.js'
import type { Route } from './route.js'
import { securityHeaders } from './security-headers.js'

export { DOCS_INIT_JS } from './docs.js'
export { defaultRateLimits, type RateLimitSettings } from './rate-limits.js'

export const API_PREFIX = '/api/v1'

export interface HttpAppOptions {
  readonly routes: readonly Route[]
  readonly tokens: AccessTokens
  /**
   * Run before every authenticated write (`engine.useCases.authorizeWrite`): a suspended user's
   * writes are refused whatever the age of their access token.
   */
  readonly authorizeWrite: WriteAuthorization
  readonly rateLimiter: RateLimiter
  readonly idempotency: IdempotencyStore
  readonly metrics: HttpMetrics
  readonly logger: Logger
  readonly info: OpenApiInfo
  /** Limits; `false` turns rate limiting off (benchmarks of the bare engine). */
  readonly rateLimits?: RateLimitSettings | false
  /** Largest JSON body accepted (default 100kb). */
  readonly bodyLimit?: string
  /** Allowed CORS origins; empty = no CORS headers. `*` allows any origin (without credentials). */
  readonly corsOrigins?: readonly string[]
  /**
   * Behind how many proxies the API runs (0 or absent: none; `true`: one). The client address is
   * taken that many entries from the end of `X-Forwarded-For`, never from what a client wrote there.
   */
  readonly trustProxy?: boolean | number
  /** Idempotency keys are kept this long (default 24 h). */
  readonly idempotencyTtlMs?: number
  /** Readiness: resolves true when the app can serve (backing services reachable). */
  readonly ready?: () => Promise<boolean>
  /** The docs UI's static files (swagger-ui-dist's folder), served locally under /docs. */
  readonly docsAssets?: DocsAssets
  /**
   * The event-driven cache invalidation (CacheInvalidation): a request that changed something is
   * answered once the cached pages it made stale are dropped.
   */
  readonly cacheCoherence?: CacheCoherence
}

/** Helmet's options: its defaults (HSTS, nosniff, frame and referrer policies …) and a CSP for /docs. */
export const SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
    },
  },
}

/**
 * The response headers a browser client may read (CORS `Access-Control-Expose-Headers`): every header
 * the OpenAPI document declares that is not CORS-safelisted already (Cache-Control is).
 */
export const CORS_EXPOSED_HEADERS: readonly string[] = [
  'X-Request-Id',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'Location',
  'Idempotent-Replayed',
  'X-Cache',
  'WWW-Authenticate',
]

export interface HttpApp {
  readonly koa: Koa
  readonly openapi: Record<string, unknown>
}

/**
 * The Koa application, each concern a middleware of its own file, in this order: request id, access
 * log, metrics and problem+json for anything thrown or unanswered (request-log.ts) → security headers and CORS →
 * operations endpoints and docs (docs.ts) → per-IP rate limit (rate-limits.ts) → JSON body
 * (json-body.ts) → the API router, where each route runs: write the response (rendering.ts) ←
 * authentication (authentication.ts) → per-user rate limit → decoding (decoding.ts) → idempotency
 * (idempotency.ts, on routes that honour keys) → the route's handler: one use case, rendered
 * (handler.ts). Response caching and its event-driven invalidation: response-cache.ts and
 * cache-invalidation.ts.
 */
export const createHttpApp = (options: HttpAppOptions): HttpApp => {
  const { tokens, rateLimiter, metrics, logger } = options
  const limits = options.rateLimits === undefined ? defaultRateLimits : options.rateLimits
  const idempotencyTtl = options.idempotencyTtlMs ?? 24 * 60 * 60 * 1000
  const hops =
    options.trustProxy === true ? 1 : typeof options.trustProxy === 'number' ? options.trustProxy : 0
  const koa = new Koa({ proxy: hops > 0, maxIpsCount: hops })
  // Errors of the request stream (an upload aborted halfway: "Parse Error") are the client's: logged
  // at debug. Without a listener Koa prints each one's stack to stderr, whatever the log level.
  koa.on('error', (err: unknown, ctx?: Koa.Context) =>
    logger.debug({ err, requestId: ctx?.state?.requestId }, 'request stream error'),
  )
  const openapi = openApiDocument(options.routes, API_PREFIX, options.info)
  const api = new Router({ prefix: API_PREFIX })

  /** The route template of a request that ended before its handler (415, 413, 429, 405 …). */
  const templateOf = (path: string, method: string): string => {
    const m = api.match(path, method)
    const layer =
      m.pathAndMethod.find((l) => l.methods.length > 0) ?? m.path.find((l) => l.methods.length > 0)
    return layer === undefined ? 'unmatched' : String(layer.path).replace(/:([A-Za-z_]+)/g, '{$1}')
  }

  koa.use(requestLog(logger, metrics, templateOf, `${API_PREFIX}/`))
  koa.use(securityHeaders(SECURITY_HEADERS))
  const origins = options.corsOrigins ?? []
  if (origins.length > 0)
    koa.use(
      cors({
        origin: (ctx) => {
          const o = ctx.get('origin')
          return origins.includes('*') ? '*' : origins.includes(o) ? o : ''
        },
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
        exposeHeaders: [...CORS_EXPOSED_HEADERS],
        maxAge: 600,
      }),
    )

  // Operations endpoints and docs (outside /api/v1, not rate-limited: probes must get through).
  // `/metrics` is not here: it has a listener of its own on an internal port (metricsListener).
  const ops = new Router()
  ops.get('/health/live', (ctx) => {
    ctx.state.routeTemplate = '/health/live'
    ctx.body = { status: 'ok' }
  })
  ops.get('/health/ready', async (ctx) => {
    ctx.state.routeTemplate = '/health/ready'
    const ok = options.ready ? await options.ready().catch(() => false) : true
    ctx.status = ok ? 200 : 503
    ctx.body = { status: ok ? 'ready' : 'unavailable' }
  })
  mountDocs(ops, openapi, options.docsAssets)
  // API requests never match an operations route: skip that router's dispatch for them.
  const opsRoutes = ops.routes()
  koa.use((ctx, next) =>
    ctx.path.startsWith(`${API_PREFIX}/`) ? next() : opsRoutes(ctx as Parameters<typeof opsRoutes>[0], next),
  )

  if (limits !== false) koa.use(ipRateLimit(rateLimiter, limits, `${API_PREFIX}/`))
  koa.use(jsonBody(options.bodyLimit))

  // The API routes: each a chain of the steps above, built once.
  for (const { spec } of options.routes) {
    const template = `${API_PREFIX}${spec.path}`
    const steps: Koa.Middleware[] = [writeResponse(template), authentication(tokens, spec.auth)]
    if (spec.auth !== 'public' && spec.method !== 'get')
      steps.push(writeAuthorization(options.authorizeWrite))
    if (limits !== false) steps.push(userRateLimit(rateLimiter, limits))
    steps.push(decoding(spec))
    if (spec.idempotent) steps.push(idempotency(options.idempotency, idempotencyTtl, spec.operationId))
    steps.push(handler(spec, logger, options.cacheCoherence))
    api[spec.method](spec.path.replace(/\{([A-Za-z_]+)\}/g, ':$1'), ...(steps as RouterMiddleware[]))
  }
  koa.use(api.routes())
  koa.use(api.allowedMethods({ throw: false }))

  return { koa, openapi }
}
