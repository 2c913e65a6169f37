import { createHash, randomUUID } from 'node:crypto'
import { bodyParser } from '@koa/bodyparser'
import cors from '@koa/cors'
import Router from '@koa/router'
import { Cause, Effect, Exit, Option, Result, Schema } from 'effect'
import type { HelmetOptions } from 'helmet'
import Koa from 'koa'
import type { Logger } from 'pino'
import { anonymousCaller, type Caller, userCaller } from '../../core/application/support/caller.js'
import type { UserId } from '../../core/domain/shared/ids.js'
import { decodeInputResult } from '../../core/domain/shared/validation.js'
import type { IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js'
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from '../../ports/rate-limiter.js'
import { type AccessTokens, bearerToken } from './auth.js'
import type { HttpMetrics } from './metrics.js'
import { type OpenApiInfo, openApiDocument } from './openapi.js'
import {
  HttpProblem,
  headersOfCoreError,
  internalProblem,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  problemOfCoreError,
  problemOfHttp,
} from './problem.js'
import type { Reply, Route } from './route.js'
import { securityHeaders } from './security-headers.js'
import { fromWire, toCamel } from './wire.js'
import { wireEncoder } from './wire-encoder.js'

export const API_PREFIX = '/api/v1'

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

export interface HttpAppOptions {
  readonly routes: readonly Route[]
  readonly tokens: AccessTokens
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
  /** Trust `X-Forwarded-For` (behind a proxy). */
  readonly trustProxy?: boolean
  /** Idempotency keys are kept this long (default 24 h). */
  readonly idempotencyTtlMs?: number
  /** Readiness: resolves true when the app can serve (backing services reachable). */
  readonly ready?: () => Promise<boolean>
  /** The docs UI's static files (swagger-ui-dist's folder), served locally under /docs. */
  readonly docsAssets?: { readonly dir: string; readonly read: (file: string) => Promise<Buffer | undefined> }
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

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

/** JSON with sorted keys, so two bodies that mean the same have the same fingerprint. */
const canonical = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (typeof v === 'object' && v !== null)
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v) ?? 'null'
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

const isJsonType = (type: string | undefined): boolean =>
  type !== undefined && /^application\/([a-z0-9.+-]*\+)?json$/i.test(type.split(';')[0]?.trim() ?? '')

interface Compiled {
  readonly route: Route
  /** The response body of a success value (encoded through the route's schema, snake_case JSON). */
  readonly encode: ((v: unknown) => string) | undefined
  /** Path and query decoding are synchronous (no Effect run, no promise hop per request). */
  readonly decodeParams: ((raw: unknown) => Result.Result<unknown, unknown>) | undefined
  readonly decodeQuery: ((raw: unknown) => Result.Result<unknown, unknown>) | undefined
  readonly arrayQueryKeys: ReadonlySet<string>
}

const arrayKeysOf = (schema: Schema.Top | undefined): Set<string> => {
  if (!schema) return new Set()
  const doc = Schema.toJsonSchemaDocument(
    schema as Schema.Codec<unknown, unknown, never, never>,
  ) as unknown as {
    schema: { properties?: Record<string, { type?: string }> }
  }
  return new Set(
    Object.entries(doc.schema.properties ?? {})
      .filter(([, s]) => s.type === 'array')
      .map(([k]) => k),
  )
}

const compile = (route: Route): Compiled => {
  const { spec } = route
  const response = spec.success.schema
  const encode = response === undefined ? undefined : wireEncoder(response)
  const q = spec.query
  const p = spec.params
  const queryCodec = q === undefined ? undefined : Schema.toCodecStringTree(q)
  return {
    route,
    encode,
    decodeParams: p === undefined ? undefined : (raw) => decodeInputResult(p, raw),
    decodeQuery: queryCodec === undefined ? undefined : (raw) => decodeInputResult(queryCodec, raw),
    arrayQueryKeys: arrayKeysOf(q),
  }
}

/** Query string → camelCase object: repeated keys or comma lists for array fields, strings otherwise. */
const normalizeQuery = (
  query: Record<string, string | string[] | undefined>,
  arrayKeys: ReadonlySet<string>,
): { value: Record<string, unknown>; issues: { path: string; message: string }[] } => {
  const issues: { path: string; message: string }[] = []
  const asObject = fromWire(
    Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)),
    issues,
  ) as Record<string, string | string[]>
  const value: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(asObject)) {
    if (arrayKeys.has(k)) {
      const parts = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter((s) => s !== '')
      value[k] = parts
    } else if (Array.isArray(v)) {
      issues.push({ path: k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), message: 'Expected one value' })
    } else value[k] = v
  }
  return { value, issues }
}

const validation = (issues: readonly { path: string; message: string }[]) =>
  problemOfCoreError({ code: 'validation_failed', issues, message: '' }) as Problem

/** The body of a stored idempotent response as the client saw it. */
const storedOf = (status: number, body: string, headers: Record<string, string>): StoredResponse => ({
  status,
  body,
  headers,
})

export interface HttpApp {
  readonly koa: Koa
  readonly openapi: Record<string, unknown>
}

/**
 * The Koa application: operations endpoints, docs, and the API routes under `/api/v1`, each request
 * going through request id → logging and metrics → security headers and CORS → IP rate limit →
 * body parsing (JSON only, size-limited) → authentication → user rate limit → decoding → idempotency →
 * the use case → response encoding through the route's schema → problem+json on any failure.
 */
export const createHttpApp = (options: HttpAppOptions): HttpApp => {
  const { tokens, rateLimiter, idempotency, metrics, logger } = options
  const limits = options.rateLimits === undefined ? defaultRateLimits : options.rateLimits
  const idempotencyTtl = options.idempotencyTtlMs ?? 24 * 60 * 60 * 1000
  const koa = new Koa({ proxy: options.trustProxy === true })
  const compiled = options.routes.map(compile)
  const openapi = openApiDocument(options.routes, API_PREFIX, options.info)
  const openapiJson = JSON.stringify(openapi)

  const sendProblem = (ctx: Koa.Context, problem: Problem, headers: Record<string, string> = {}) => {
    ctx.status = problem.status
    for (const [k, v] of Object.entries(headers)) ctx.set(k, v)
    ctx.type = PROBLEM_CONTENT_TYPE
    ctx.body = JSON.stringify({ ...problem, instance: ctx.path, request_id: ctx.state.requestId })
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

  /**
   * The route template of a request that ended before its handler (415, 413, 429, 405 …), for metric
   * labels: never the raw path, whose values are unbounded and would grow the registry without end.
   */
  const templateOf = (path: string, method: string): string => {
    const m = api.match(path, method)
    const layer =
      m.pathAndMethod.find((l) => l.methods.length > 0) ?? m.path.find((l) => l.methods.length > 0)
    return layer === undefined ? 'unmatched' : String(layer.path).replace(/:([A-Za-z_]+)/g, '{$1}')
  }

  // 1. Request id, access log, metrics, and the last line of defence: nothing escapes as a raw 500.
  koa.use(async (ctx, next) => {
    const started = process.hrtime.bigint()
    const given = ctx.get('x-request-id')
    const requestId = REQUEST_ID.test(given) ? given : randomUUID()
    ctx.state.requestId = requestId
    ctx.set('X-Request-Id', requestId)
    try {
      await next()
      if (ctx.status === 404 && ctx.body === undefined)
        sendProblem(
          ctx,
          problemOfHttp(
            new HttpProblem(404, 'not_found', 'Not found', `No route for ${ctx.method} ${ctx.path}`),
          ),
        )
    } catch (err) {
      if (err instanceof HttpProblem) sendProblem(ctx, problemOfHttp(err), { ...err.headers })
      else {
        logger.error({ err, requestId, method: ctx.method, path: ctx.path }, 'unhandled error')
        sendProblem(ctx, internalProblem())
      }
    }
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
  })

  // 2. Security headers (helmet's, computed once at start) and CORS.
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
        exposeHeaders: [
          'X-Request-Id',
          'RateLimit-Limit',
          'RateLimit-Remaining',
          'RateLimit-Reset',
          'Retry-After',
        ],
        maxAge: 600,
      }),
    )

  // 3. Operations endpoints (outside /api/v1, not rate-limited: probes and scrapers must get through).
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
  ops.get('/metrics', async (ctx) => {
    ctx.state.routeTemplate = '/metrics'
    ctx.type = metrics.contentType
    ctx.body = await metrics.text()
  })
  ops.get('/openapi.json', (ctx) => {
    ctx.state.routeTemplate = '/openapi.json'
    ctx.type = 'application/json'
    ctx.body = openapiJson
  })
  const docs = options.docsAssets
  if (docs) {
    ops.get('/docs', (ctx) => {
      ctx.state.routeTemplate = '/docs'
      ctx.type = 'text/html'
      ctx.body = docsPage
    })
    ops.get('/docs/:file', async (ctx) => {
      ctx.state.routeTemplate = '/docs/{file}'
      const file = ctx.params.file ?? ''
      if (!/^[A-Za-z0-9._-]+$/.test(file) || !DOCS_FILES.has(file)) return
      const content = await docs.read(file)
      if (content === undefined) return
      ctx.type = file.split('.').pop() ?? 'application/octet-stream'
      ctx.set('Cache-Control', 'public, max-age=3600')
      ctx.body = content
    })
  }
  // API requests never match an operations route: skip that router's dispatch for them.
  const opsRoutes = ops.routes()
  koa.use((ctx, next) =>
    ctx.path.startsWith(`${API_PREFIX}/`) ? next() : opsRoutes(ctx as Parameters<typeof opsRoutes>[0], next),
  )

  // 4. Per-IP rate limit on the API.
  koa.use(async (ctx, next) => {
    if (!ctx.path.startsWith(`${API_PREFIX}/`) || limits === false) return next()
    const d = await Effect.runPromise(rateLimiter.consume(`ip:${ctx.ip}`, limits.perIp))
    if (!d.allowed) throw tooMany(d)
    ctx.state.rate = d
    return next()
  })

  // 5. Body: JSON only, size-limited; the raw text is kept for webhook signatures.
  const parse = bodyParser({
    enableTypes: ['json'],
    // Parse every type the gate below lets through as JSON (`application/merge-patch+json` …), not
    // only the parser's own short list: an accepted body must never be silently dropped.
    detectJSON: (ctx) => isJsonType(ctx.get('content-type')),
    jsonLimit: options.bodyLimit ?? '100kb',
    encoding: 'utf-8',
    onError: (err) => {
      throw err
    },
  })
  koa.use(async (ctx, next) => {
    const hasBody = ctx.request.length > 0 || ctx.get('transfer-encoding') !== ''
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method) || !hasBody) return next()
    if (!isJsonType(ctx.get('content-type')))
      throw new HttpProblem(
        415,
        'unsupported_media_type',
        'Unsupported media type',
        'Send the body as application/json',
      )
    try {
      await parse(ctx, async () => {})
    } catch (e) {
      const status = typeof e === 'object' && e !== null && 'status' in e ? Number(e.status) : 400
      if (status === 413)
        throw new HttpProblem(
          413,
          'payload_too_large',
          'Payload too large',
          `The body is larger than ${options.bodyLimit ?? '100kb'}`,
        )
      if (status === 415)
        throw new HttpProblem(415, 'unsupported_media_type', 'Unsupported media type', 'Send UTF-8 JSON')
      throw new HttpProblem(400, 'malformed_json', 'Malformed JSON', 'The body is not valid JSON')
    }
    return next()
  })

  // 6. The API routes.
  const api = new Router({ prefix: API_PREFIX })
  for (const c of compiled) {
    const { spec } = c.route
    const koaPath = spec.path.replace(/\{([A-Za-z_]+)\}/g, ':$1')
    api[spec.method](koaPath, async (ctx) => {
      ctx.state.routeTemplate = `${API_PREFIX}${spec.path}`
      await handle(ctx, c)
    })
  }
  // Registered before the router so that it sees the 405 (or 501) allowedMethods sets on the way out.
  koa.use(async (ctx, next) => {
    await next()
    if (ctx.status === 405 && ctx.path.startsWith(`${API_PREFIX}/`))
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
        {
          Allow: String(ctx.response.get('Allow')),
        },
      )
    else if (ctx.status === 501 && ctx.path.startsWith(`${API_PREFIX}/`))
      sendProblem(
        ctx,
        problemOfHttp(
          new HttpProblem(501, 'not_implemented', 'Not implemented', `${ctx.method} is not supported`),
        ),
      )
  })
  koa.use(api.routes())
  koa.use(api.allowedMethods({ throw: false }))

  const authenticate = async (ctx: Koa.Context, mode: Route['spec']['auth']): Promise<Caller> => {
    const header = ctx.get('authorization')
    if (mode === 'public' || (mode === 'optional' && header === '')) return anonymousCaller
    const claims = await Effect.runPromise(
      Effect.flatMap(bearerToken(header), (t) => tokens.verify(t)).pipe(Effect.result),
    )
    if (claims._tag === 'Failure') throw claims.failure
    return userCaller(claims.success.userId as UserId, claims.success.roles)
  }

  async function handle(ctx: Koa.Context, c: Compiled): Promise<void> {
    const { spec } = c.route
    const caller = await authenticate(ctx, spec.auth)
    const userId = caller.kind === 'user' ? caller.userId : null

    let rate = ctx.state.rate as RateLimitDecision | undefined
    if (userId !== null && limits !== false) {
      const d = await Effect.runPromise(rateLimiter.consume(`user:${userId}`, limits.perUser))
      if (!d.allowed) throw tooMany(d)
      rate = d
    }
    if (rate) for (const [k, v] of Object.entries(rateHeaders(rate))) ctx.set(k, v)

    const issues: { path: string; message: string }[] = []
    let params: unknown = {}
    if (c.decodeParams) {
      const raw = Object.fromEntries(Object.entries(ctx.params ?? {}).map(([k, v]) => [toCamel(k), v]))
      const r = c.decodeParams(raw)
      if (Result.isFailure(r)) return sendProblem(ctx, problemOfCoreError(r.failure) ?? validation([]))
      params = r.success
    }
    let query: unknown = {}
    if (c.decodeQuery) {
      const q = normalizeQuery(ctx.query as Record<string, string | string[] | undefined>, c.arrayQueryKeys)
      issues.push(...q.issues)
      if (issues.length === 0) {
        const r = c.decodeQuery(q.value)
        if (Result.isFailure(r)) return sendProblem(ctx, problemOfCoreError(r.failure) ?? validation([]))
        query = r.success
      }
    }
    const rawBody = typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : ''
    const parsed: unknown = ctx.request.body
    const hasBody =
      rawBody !== '' ||
      (parsed !== undefined &&
        !(typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length === 0))
    let body: unknown = spec.rawBody ? parsed : fromWire(parsed ?? {}, issues)
    if (spec.body && !spec.rawBody) {
      if (!hasBody && spec.bodyOptional !== true)
        issues.push({ path: '', message: 'A JSON body is required' })
      if (!hasBody && spec.bodyOptional === true) body = {}
    } else if (!spec.rawBody && hasBody && spec.method !== 'get') {
      if (typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length > 0)
        issues.push({ path: '', message: 'This operation takes no body' })
    }
    if (issues.length > 0) return sendProblem(ctx, validation(issues))

    const run = async (): Promise<{
      status: number
      body: string | undefined
      headers: Record<string, string>
    }> => {
      const exit = await Effect.runPromiseExit(
        spec.handle({
          caller,
          userId,
          params,
          query,
          body,
          rawBody,
          header: (name) => {
            const v = ctx.get(name)
            return v === '' ? undefined : v
          },
          requestId: ctx.state.requestId as string,
          ip: ctx.ip,
        }),
      )
      if (Exit.isSuccess(exit)) return render(exit.value)
      const failure = Cause.findErrorOption(exit.cause)
      if (Option.isSome(failure)) {
        const e = failure.value
        if (e instanceof HttpProblem)
          return {
            status: e.status,
            body: problemBody(problemOfHttp(e)),
            headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...e.headers },
          }
        const p = problemOfCoreError(e)
        if (p)
          return {
            status: p.status,
            body: problemBody(p),
            headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headersOfCoreError(e) },
          }
      }
      logger.error(
        { requestId: ctx.state.requestId, cause: Cause.pretty(exit.cause), route: spec.operationId },
        'request failed',
      )
      const p = internalProblem()
      return { status: 500, body: problemBody(p), headers: { 'content-type': PROBLEM_CONTENT_TYPE } }
    }

    const problemBody = (p: Problem) =>
      JSON.stringify({ ...p, instance: ctx.path, request_id: ctx.state.requestId as string })

    const render = (reply: Reply) => {
      const status = reply.status ?? spec.success.status
      const headers: Record<string, string> = { ...reply.headers }
      if (reply.rendered !== undefined) {
        headers['content-type'] = 'application/json; charset=utf-8'
        return { status, body: reply.rendered, headers }
      }
      if (c.encode === undefined || reply.value === undefined) return { status, body: undefined, headers }
      let body: string
      try {
        body = c.encode(reply.value)
      } catch (err) {
        logger.error(
          { err, requestId: ctx.state.requestId, route: spec.operationId },
          'response does not match its schema',
        )
        return {
          status: 500,
          body: problemBody(internalProblem()),
          headers: { 'content-type': PROBLEM_CONTENT_TYPE },
        }
      }
      headers['content-type'] = 'application/json; charset=utf-8'
      return { status, body, headers }
    }

    const write = (r: { status: number; body: string | undefined; headers: Record<string, string> }) => {
      for (const [k, v] of Object.entries(r.headers)) if (k !== 'content-type') ctx.set(k, v)
      if (r.body === undefined) {
        // An explicit null body, then the status: otherwise Koa answers a body-less 202 with the text "Accepted".
        ctx.body = null
        ctx.status = r.status
      } else {
        ctx.status = r.status
        ctx.type = r.headers['content-type'] ?? 'application/json'
        ctx.body = r.body
      }
    }

    const key = spec.idempotent ? ctx.get('idempotency-key') : ''
    if (key === '') return write(await run())
    if (!IDEMPOTENCY_KEY.test(key))
      return sendProblem(
        ctx,
        validation([{ path: 'Idempotency-Key', message: 'Expected 1 to 255 printable ASCII characters' }]),
      )
    const scoped = `${userId ?? 'anonymous'}:${spec.operationId}:${key}`
    const fingerprint = sha256(`${ctx.method} ${ctx.path}\n${canonical(parsed ?? null)}`)
    const begun = await Effect.runPromise(idempotency.begin(scoped, fingerprint, idempotencyTtl))
    switch (begun.kind) {
      case 'mismatch':
        throw new HttpProblem(
          422,
          'idempotency_key_reused',
          'Idempotency key reused',
          'This Idempotency-Key was used with another request body',
        )
      case 'in_progress':
        throw new HttpProblem(
          409,
          'idempotency_key_in_use',
          'Request in progress',
          'A request with this Idempotency-Key is still running; retry shortly',
          {},
          { 'Retry-After': '1' },
        )
      case 'completed': {
        const s = begun.response
        ctx.set('Idempotent-Replayed', 'true')
        return write({
          status: s.status,
          body: s.body === '' ? undefined : s.body,
          headers: { ...s.headers },
        })
      }
      case 'started': {
        let result: Awaited<ReturnType<typeof run>>
        try {
          result = await run()
        } catch (err) {
          await Effect.runPromise(idempotency.abandon(scoped))
          throw err
        }
        if (result.status >= 500) await Effect.runPromise(idempotency.abandon(scoped))
        else
          await Effect.runPromise(
            idempotency.complete(
              scoped,
              storedOf(result.status, result.body ?? '', result.headers),
              idempotencyTtl,
            ),
          )
        return write(result)
      }
    }
  }

  return { koa, openapi }
}

/** Files of swagger-ui-dist the docs page loads. */
const DOCS_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'docs-init.js',
])

const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>innkeeper API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/docs-init.js"></script>
</body>
</html>`

/** The docs page's own script (a file, not inline, so the Content-Security-Policy can forbid inline scripts). */
export const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout', persistAuthorization: true })`
