import { randomBytes } from 'node:crypto'
import { Result, Schema } from 'effect'
import { issueLines } from '../../core/domain/shared/validation.js'

const Bool = Schema.Literals(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])

/** INNKEEPER_TRUST_PROXY: off (0), on (one proxy), or a count of proxies. */
const proxyHops = (v: string | undefined): number =>
  v === undefined || ['false', '0', 'no', 'off'].includes(v)
    ? 0
    : ['true', 'yes', 'on'].includes(v)
      ? 1
      : Number(v)
const truthy = (v: string | undefined, fallback: boolean): boolean =>
  v === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(v)
const num = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : Number(v))
const IntString = (min: number, max: number) =>
  Schema.String.check(
    Schema.makeFilter((s: string) => {
      if (!/^\d+$/.test(s)) return `Expected a whole number between ${min} and ${max}`
      const n = Number(s)
      return (n >= min && n <= max) || `Expected a whole number between ${min} and ${max}`
    }),
  )

/** The payment provider's variables: read by the API, and by the worker on a shared store. */
export const PaymentsEnv = Schema.Struct({
  INNKEEPER_PAYMENT_WEBHOOK_SECRET: Schema.optionalKey(Schema.String.check(Schema.isMinLength(16))),
  INNKEEPER_PAYMENTS: Schema.optionalKey(
    Schema.Literals(['memory', 'stripe']).annotate({ message: 'Expected one of: memory, stripe' }),
  ),
  INNKEEPER_STRIPE_SECRET_KEY: Schema.optionalKey(
    Schema.String.check(
      Schema.makeFilter((s: string) => /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/.test(s), {
        message: 'Expected a Stripe secret key: sk_test_…, sk_live_… (or a restricted rk_… key)',
      }),
    ),
  ),
  INNKEEPER_STRIPE_WEBHOOK_SECRET: Schema.optionalKey(
    Schema.String.check(
      Schema.makeFilter((s: string) => /^whsec_[A-Za-z0-9_]{8,}$/.test(s), {
        message: "Expected the webhook endpoint's signing secret: whsec_…",
      }),
    ),
  ),
  INNKEEPER_STRIPE_API_BASE: Schema.optionalKey(
    Schema.String.check(
      Schema.makeFilter(
        (s: string) => {
          try {
            const u = new URL(s)
            return (
              (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && u.pathname === '/'
            )
          } catch {
            return false
          }
        },
        { message: 'Expected an http(s) URL with a host and no path, like http://127.0.0.1:12111' },
      ),
    ),
  ),
})

/** The environment variables the API reads, each validated. */
const Env = Schema.Struct({
  PORT: Schema.optionalKey(IntString(0, 65_535)),
  HOST: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1))),
  NODE_ENV: Schema.optionalKey(Schema.String),
  LOG_LEVEL: Schema.optionalKey(
    Schema.Literals(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  ),
  INNKEEPER_MODE: Schema.optionalKey(Schema.Literals(['development', 'production'])),
  INNKEEPER_JWT_SECRET: Schema.optionalKey(Schema.String.check(Schema.isMinLength(32))),
  INNKEEPER_JWT_ISSUER: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1))),
  INNKEEPER_JWT_AUDIENCE: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1))),
  INNKEEPER_CORS_ORIGINS: Schema.optionalKey(Schema.String),
  INNKEEPER_BODY_LIMIT: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^\d+(b|kb|mb)$/))),
  INNKEEPER_RATE_LIMIT: Schema.optionalKey(Bool),
  INNKEEPER_TRUST_PROXY: Schema.optionalKey(
    Schema.Union([Bool, IntString(1, 10)]).annotate({
      message: 'Expected on/off, or the number of proxies in front of the API (1-10)',
    }),
  ),
  INNKEEPER_SEED: Schema.optionalKey(Bool),
  INNKEEPER_REQUIRE_VERIFIED_EMAIL: Schema.optionalKey(Bool),
  INNKEEPER_TICK_MS: Schema.optionalKey(IntString(10, 60_000)),
  INNKEEPER_SHUTDOWN_GRACE_MS: Schema.optionalKey(IntString(0, 600_000)),
  INNKEEPER_API_BACKGROUND: Schema.optionalKey(
    Schema.Literals(['all', 'webhooks']).annotate({ message: 'Expected one of: all, webhooks' }),
  ),
  INNKEEPER_HEADERS_TIMEOUT_MS: Schema.optionalKey(IntString(100, 600_000)),
  INNKEEPER_REQUEST_TIMEOUT_MS: Schema.optionalKey(IntString(100, 600_000)),
  INNKEEPER_KEEP_ALIVE_TIMEOUT_MS: Schema.optionalKey(IntString(100, 600_000)),
  INNKEEPER_METRICS_PORT: Schema.optionalKey(IntString(0, 65_535)),
  INNKEEPER_METRICS_HOST: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1))),
  INNKEEPER_METRICS_TOKEN: Schema.optionalKey(Schema.String.check(Schema.isMinLength(16))),
  ...PaymentsEnv.fields,
})

/** The variable names `loadApiConfig` reads. */
export const apiEnvNames: readonly string[] = Object.keys(Env.fields)

/**
 * `INNKEEPER_*` variables nobody reads: almost always a typo (`INNKEEPER_JWT_SECRETT`) that would
 * silently leave a default in force. Each is reported with the closest known name.
 */
export const unknownInnkeeperVariables = (
  env: Readonly<Record<string, string | undefined>>,
  known: readonly string[],
): string[] => {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: b.length + 1 }, (_, j) => j)
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0]!
      d[0] = i
      for (let j = 1; j <= b.length; j++) {
        const tmp = d[j]!
        d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
        prev = tmp
      }
    }
    return d[b.length]!
  }
  return Object.keys(env)
    .filter((k) => k.startsWith('INNKEEPER_') && !known.includes(k))
    .map((k) => {
      const closest = [...known].sort((a, b) => distance(k, a) - distance(k, b))[0]
      return `${k}: not a variable innkeeper reads${closest !== undefined && distance(k, closest) <= 3 ? ` (did you mean ${closest}?)` : ''}`
    })
}

export interface ApiConfig {
  readonly port: number
  readonly host: string
  readonly mode: 'development' | 'production'
  readonly logLevel: string
  readonly jwt: { readonly secret: string; readonly issuer: string; readonly audience: string }
  /** True when the secret was generated for this run (development only). */
  readonly jwtSecretGenerated: boolean
  readonly corsOrigins: readonly string[]
  readonly bodyLimit: string
  readonly rateLimit: boolean
  /**
   * How many proxies in front of the API append to X-Forwarded-For (0: not behind one). The client
   * address is the one the outermost trusted proxy saw: entries a client put in the header itself
   * are never used, so it cannot pick its own rate-limit bucket.
   */
  readonly trustProxy: number
  readonly seed: boolean
  /**
   * INNKEEPER_REQUIRE_VERIFIED_EMAIL: only guests with a verified e-mail may book (403
   * `email_not_verified`). On by default in production, off in development.
   */
  readonly requireVerifiedEmail: boolean
  /** How often the background loop runs: webhooks, due transitions, outbox relay. */
  readonly tickMs: number
  /**
   * On SIGTERM, how long requests already received may take to finish before their connections are
   * closed (idle connections close at once). The exit code is 0 when every one was answered.
   */
  readonly shutdownGraceMs: number
  /**
   * Which background tasks this process runs: `all` (timers, relay, notifications, payouts and the
   * in-memory provider's webhooks), or `webhooks` only, when the worker owns the rest on a shared
   * store. Unset: `all` with in-memory repositories or the in-memory payment provider, `webhooks`
   * with a shared store and a real provider.
   */
  readonly background: 'all' | 'webhooks' | 'auto'
  readonly timeouts: ServerTimeouts
  readonly metrics: MetricsEndpoint
  /** The in-memory payment provider's webhook signing secret (development and tests). */
  readonly paymentWebhookSecret: string
  readonly payments: PaymentsConfig
}

/**
 * How long a connection may take over each part of its life: slow clients (slowloris, a body that
 * never finishes) are answered 408 and closed instead of holding a connection and its memory.
 */
export interface ServerTimeouts {
  /** From the connection's first byte to the end of the request's headers. */
  readonly headersMs: number
  /** From the first byte to the end of the request body: bounds a body that stops coming. */
  readonly requestMs: number
  /** How long an idle keep-alive connection stays open between requests. */
  readonly keepAliveMs: number
}

/** Defaults: headers 10 s, whole request 30 s, idle keep-alive 5 s (Node's own: 60 s, 300 s, 5 s). */
export const defaultServerTimeouts: ServerTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
}

/**
 * Where Prometheus scrapes `/metrics`: a listener of its own, never the public API port (the counters
 * tell business volumes). Default 127.0.0.1:9464, or an ephemeral port when PORT=0; with a token,
 * scrapes must send `Authorization: Bearer <token>`.
 */
export interface MetricsEndpoint {
  readonly port: number
  readonly host: string
  readonly token: string | null
}

/**
 * Which provider moves the money: takes the guests' payments and pays the hosts (with `stripe`,
 * PaymentIntents and Connect transfers from the same platform account; `memory` does neither for
 * real, and production refuses it).
 */
export type PaymentsConfig =
  | { readonly provider: 'memory' }
  | {
      readonly provider: 'stripe'
      readonly secretKey: string
      readonly webhookSecret: string
      /** Another Stripe-compatible API (stripe-mock, a test server); null for Stripe itself. */
      readonly apiBaseUrl: string | null
    }

/**
 * The payment provider from its variables: Stripe needs its keys (and https in production); the
 * memory provider takes no money, so production refuses it.
 */
export const paymentsOf = (
  e: typeof PaymentsEnv.Type,
  mode: 'development' | 'production',
): { readonly problems: string[]; readonly payments: PaymentsConfig } => {
  const problems: string[] = []
  const provider = e.INNKEEPER_PAYMENTS ?? 'memory'
  if (mode === 'production' && provider === 'memory')
    problems.push(
      'INNKEEPER_PAYMENTS: production takes real payments and pays hosts: set it to stripe (the memory provider moves no money)',
    )
  if (provider === 'stripe') {
    if (e.INNKEEPER_STRIPE_SECRET_KEY === undefined)
      problems.push('INNKEEPER_STRIPE_SECRET_KEY: required with INNKEEPER_PAYMENTS=stripe')
    if (e.INNKEEPER_STRIPE_WEBHOOK_SECRET === undefined)
      problems.push('INNKEEPER_STRIPE_WEBHOOK_SECRET: required with INNKEEPER_PAYMENTS=stripe')
    if (
      mode === 'production' &&
      e.INNKEEPER_STRIPE_API_BASE !== undefined &&
      !e.INNKEEPER_STRIPE_API_BASE.startsWith('https:')
    )
      problems.push('INNKEEPER_STRIPE_API_BASE: production sends the secret key only over https')
  } else {
    for (const name of [
      'INNKEEPER_STRIPE_SECRET_KEY',
      'INNKEEPER_STRIPE_WEBHOOK_SECRET',
      'INNKEEPER_STRIPE_API_BASE',
    ] as const)
      if (e[name] !== undefined) problems.push(`${name}: only read with INNKEEPER_PAYMENTS=stripe`)
  }
  return {
    problems,
    payments:
      provider === 'stripe'
        ? {
            provider: 'stripe',
            secretKey: e.INNKEEPER_STRIPE_SECRET_KEY ?? '',
            webhookSecret: e.INNKEEPER_STRIPE_WEBHOOK_SECRET ?? '',
            apiBaseUrl: e.INNKEEPER_STRIPE_API_BASE ?? null,
          }
        : { provider: 'memory' },
  }
}

/**
 * Reads and validates the API's configuration. Every bad value is reported with its variable name;
 * production refuses to start without a JWT secret of its own, and without a real payment provider.
 */
export const loadApiConfig = (
  env: Readonly<Record<string, string | undefined>>,
): Result.Result<ApiConfig, string[]> => {
  const picked = Object.fromEntries(
    Object.keys(Env.fields)
      .filter((k) => env[k] !== undefined)
      .map((k) => [k, env[k]]),
  )
  const decoded = Schema.decodeUnknownResult(Env)(picked, { errors: 'all' })
  if (Result.isFailure(decoded)) return Result.fail(issueLines(decoded.failure.issue))
  const e = decoded.success
  const mode = e.INNKEEPER_MODE ?? (e.NODE_ENV === 'production' ? 'production' : 'development')
  const problems: string[] = []
  if (mode === 'production' && e.INNKEEPER_JWT_SECRET === undefined)
    problems.push('INNKEEPER_JWT_SECRET: required in production (at least 32 characters)')
  const paid = paymentsOf(e, mode)
  problems.push(...paid.problems)
  const origins = (e.INNKEEPER_CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  for (const o of origins)
    if (o !== '*' && !/^https?:\/\/[^\s/]+$/.test(o))
      problems.push(`INNKEEPER_CORS_ORIGINS: "${o}" is not an origin like https://app.example.com`)
  const timeouts: ServerTimeouts = {
    headersMs: num(e.INNKEEPER_HEADERS_TIMEOUT_MS, defaultServerTimeouts.headersMs),
    requestMs: num(e.INNKEEPER_REQUEST_TIMEOUT_MS, defaultServerTimeouts.requestMs),
    keepAliveMs: num(e.INNKEEPER_KEEP_ALIVE_TIMEOUT_MS, defaultServerTimeouts.keepAliveMs),
  }
  if (timeouts.headersMs > timeouts.requestMs)
    problems.push(
      `INNKEEPER_HEADERS_TIMEOUT_MS: ${timeouts.headersMs} is longer than the whole request may take (INNKEEPER_REQUEST_TIMEOUT_MS ${timeouts.requestMs})`,
    )
  const port = e.PORT === undefined ? 3000 : Number(e.PORT)
  const metricsPort = num(e.INNKEEPER_METRICS_PORT, port === 0 ? 0 : 9464)
  if (metricsPort !== 0 && metricsPort === port)
    problems.push(`INNKEEPER_METRICS_PORT: ${metricsPort} is the API port; metrics need a port of their own`)
  if (problems.length > 0) return Result.fail(problems)
  return Result.succeed({
    port,
    host: e.HOST ?? '127.0.0.1',
    mode,
    logLevel: e.LOG_LEVEL ?? 'info',
    jwt: {
      secret: e.INNKEEPER_JWT_SECRET ?? randomBytes(32).toString('base64url'),
      issuer: e.INNKEEPER_JWT_ISSUER ?? 'innkeeper',
      audience: e.INNKEEPER_JWT_AUDIENCE ?? 'innkeeper-api',
    },
    jwtSecretGenerated: e.INNKEEPER_JWT_SECRET === undefined,
    corsOrigins: origins,
    bodyLimit: e.INNKEEPER_BODY_LIMIT ?? '100kb',
    rateLimit: truthy(e.INNKEEPER_RATE_LIMIT, true),
    trustProxy: proxyHops(e.INNKEEPER_TRUST_PROXY),
    seed: truthy(e.INNKEEPER_SEED, mode === 'development'),
    requireVerifiedEmail: truthy(e.INNKEEPER_REQUIRE_VERIFIED_EMAIL, mode === 'production'),
    tickMs: e.INNKEEPER_TICK_MS === undefined ? 250 : Number(e.INNKEEPER_TICK_MS),
    shutdownGraceMs:
      e.INNKEEPER_SHUTDOWN_GRACE_MS === undefined ? 10_000 : Number(e.INNKEEPER_SHUTDOWN_GRACE_MS),
    background: e.INNKEEPER_API_BACKGROUND ?? 'auto',
    timeouts,
    metrics: {
      port: metricsPort,
      host: e.INNKEEPER_METRICS_HOST ?? '127.0.0.1',
      token: e.INNKEEPER_METRICS_TOKEN ?? null,
    },
    paymentWebhookSecret: e.INNKEEPER_PAYMENT_WEBHOOK_SECRET ?? 'whsec_innkeeper_memory',
    payments: paid.payments,
  })
}
