import { Effect } from 'effect'
import type { LoginLimits, RateLimitSettings } from '../../../adapters/http/index.js'
import { StripePaymentGateway } from '../../../adapters/stripe/index.js'
import { type ApiConfig, loadApiConfig } from '../../../apps/api/config.js'
import { grantRole } from '../../../apps/api/seed.js'
import { type ApiServer, startApiServer } from '../../../apps/api/server.js'
import type { InfrastructurePorts } from '../../../apps/composition/engine.js'
import { createInMemoryEngine, type InMemoryEngine } from '../../../apps/composition/in-memory-engine.js'
import { stripeProviders } from '../../../apps/composition/payments.js'
import type { UserId } from '../../../core/domain/shared/ids.js'
import { instant } from '../../../core/domain/shared/time.js'
import type { Clock } from '../../../ports/clock.js'
import { localStripe, payerConfirms, testMethodFor } from '../../support/stripe-test-server/harness.js'
import { StripeTestServer } from '../../support/stripe-test-server/server.js'
import { OpenApiResponseChecker } from './openapi-check.js'

export const T0 = Date.UTC(2026, 0, 5, 9)
export const PASSWORD = 'correct horse battery staple'

export interface HttpResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The parsed JSON body (undefined when there is none). */
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are read field by field
  readonly json: any
}

export interface RequestOptions {
  readonly token?: string
  readonly body?: unknown
  /** Sent as is (overrides `body`). */
  readonly raw?: string
  readonly headers?: Record<string, string>
  /** Skip the OpenAPI conformance check (for requests outside the document). */
  readonly unchecked?: boolean
}

export interface Account {
  readonly id: UserId
  readonly email: string
  readonly token: string
  readonly refreshToken: string
}

export interface TestApi {
  readonly url: string
  readonly server: ApiServer
  readonly engine: InMemoryEngine
  readonly checker: OpenApiResponseChecker
  /** Responses that broke the OpenAPI document, gathered over the suite. */
  readonly violations: string[]
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResponse>
  /** Registers and logs in; `admin` grants the role from the composition root first. */
  account(key: string, roles?: readonly ('guest' | 'host' | 'admin')[]): Promise<Account>
  login(email: string, password?: string): Promise<HttpResponse>
  /** Moves the engine's clock and runs the background loop (webhooks, timers, outbox). */
  advance(ms: number): Promise<void>
  /** The payer and the provider's webhooks, whichever provider the engine uses. */
  readonly payments: PaymentsDriver
  /** The stateful Stripe test server, with `payments: 'stripe'`. */
  readonly stripe: StripeTestServer | null
  close(): Promise<void>
}

export interface PaymentsDriver {
  readonly provider: 'memory' | 'stripe'
  /** The payer completes (or fails) the payment on the provider's side. */
  confirm(providerRef: string, outcome: 'succeed' | 'fail', failureMessage?: string): Promise<void>
  /**
   * Delivers the provider's pending webhooks to the API over HTTP and returns the API's answers:
   * the in-memory provider's queue, or everything the Stripe test server has to send until it is idle.
   */
  deliver(): Promise<HttpResponse[]>
}

export const STRIPE_WEBHOOK_SECRET = 'whsec_e2e_stripe_endpoint_secret'

export interface TestApiOptions {
  readonly mode?: 'development' | 'production'
  readonly rateLimits?: RateLimitSettings | false
  readonly loginLimits?: LoginLimits | false
  readonly env?: Record<string, string>
  readonly start?: number
  /** `stripe`: the engine pays through StripePaymentGateway against a stateful Stripe test server. */
  readonly payments?: 'memory' | 'stripe'
  /** Infrastructure ports the API uses instead of the engine's in-memory ones (a faulty store, say). */
  readonly ports?: InfrastructurePorts
}

let namespace = 0

/** The API configuration `env` gives, for a test; a configuration it refuses throws its problems. */
export const testApiConfig = (env: Record<string, string>): ApiConfig => {
  const loaded = loadApiConfig(env)
  if (loaded._tag === 'Failure') throw new Error(loaded.failure.join('; '))
  return loaded.success
}

/**
 * The real app listening on an ephemeral port, on an in-memory engine with a manual clock (the JWT
 * expiry reads the same clock), reached with a real HTTP client (fetch). Rate limits are off unless
 * a test asks for them; password hashing uses a low scrypt cost so suites register many users fast.
 */
export const startTestApi = async (options: TestApiOptions = {}): Promise<TestApi> => {
  const config = testApiConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INNKEEPER_MODE: options.mode ?? 'development',
    INNKEEPER_JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    INNKEEPER_PAYMENT_WEBHOOK_SECRET: 'whsec_test_secret_value',
    INNKEEPER_SEED: 'false',
    ...(options.payments === 'stripe'
      ? {
          INNKEEPER_PAYMENTS: 'stripe',
          INNKEEPER_STRIPE_SECRET_KEY: 'sk_test_e2e',
          INNKEEPER_STRIPE_WEBHOOK_SECRET: STRIPE_WEBHOOK_SECRET,
        }
      : {}),
    ...options.env,
  })
  let engineClock: Clock | null = null
  const stripe =
    options.payments === 'stripe'
      ? await StripeTestServer.start({
          now: () => engineClock?.now() ?? Date.now(),
          webhookSecret: STRIPE_WEBHOOK_SECRET,
        })
      : null
  // INNKEEPER_PAYMENTS=stripe pays the hosts through Stripe too: the payout gateway as the server's
  // configuration builds it, aimed at the test server and reading the engine's clock.
  const stripePayouts =
    stripe === null || config.payments.provider !== 'stripe'
      ? null
      : await stripeProviders(
          { ...config.payments, apiBaseUrl: stripe.url },
          { now: () => engineClock?.now() ?? instant(Date.now()) },
        )
  const engine = createInMemoryEngine({
    start: options.start ?? T0,
    // The setting as the server's configuration decides it (INNKEEPER_REQUIRE_VERIFIED_EMAIL, mode).
    settings: { requireVerifiedEmail: config.requireVerifiedEmail },
    idNamespace: `e2e${namespace++}`,
    passwordHashCost: 2 ** 10,
    paymentWebhookSecret: config.paymentWebhookSecret,
    ...(stripe === null
      ? {}
      : {
          paymentGateway: (clock: Clock) =>
            new StripePaymentGateway({
              secretKey: 'sk_test_e2e',
              webhookSecret: STRIPE_WEBHOOK_SECRET,
              clock,
              apiBaseUrl: stripe.url,
              timeoutMs: 1_000,
              retry: { retries: 2, baseDelayMs: 5 },
            }),
        }),
    ...(stripePayouts === null ? {} : { payoutGateway: stripePayouts.payoutGateway }),
  })
  engineClock = engine.adapters.clock
  const server = await startApiServer({
    config,
    engine,
    background: false,
    ...(options.ports === undefined ? {} : { ports: options.ports }),
    rateLimits: options.rateLimits ?? false,
    loginLimits: options.loginLimits ?? false,
  })
  const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as ConstructorParameters<
    typeof OpenApiResponseChecker
  >[0]
  const checker = new OpenApiResponseChecker(doc)
  const violations: string[] = []

  const request = async (method: string, path: string, o: RequestOptions = {}): Promise<HttpResponse> => {
    const headers: Record<string, string> = { ...o.headers }
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`
    let body: string | undefined
    if (o.raw !== undefined) body = o.raw
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body)
      headers['content-type'] ??= 'application/json'
    }
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    })
    const text = await res.text()
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    if (!o.unchecked && path.startsWith('/api/v1/')) {
      const problems = checker.check(method, path, res.status, res.headers.get('content-type'), json ?? text)
      violations.push(...problems)
    }
    return { status: res.status, headers: res.headers, text, json }
  }

  if (stripe !== null) stripe.webhookUrl = `${server.url}/api/v1/webhooks/payments/stripe`
  const payer = stripe === null ? null : localStripe(stripe.url)
  const asResponse = (status: number | 'network_error'): HttpResponse => ({
    status: status === 'network_error' ? 0 : status,
    headers: new Headers(),
    text: '',
    json: undefined,
  })
  const payments: PaymentsDriver =
    stripe === null || payer === null
      ? {
          provider: 'memory',
          confirm: async (ref, outcome, message) => {
            engine.adapters.gateway.confirmPayment(ref, outcome, message)
          },
          deliver: async () => {
            const out: HttpResponse[] = []
            for (const d of engine.adapters.gateway.takeDeliveries())
              out.push(
                await request('POST', '/api/v1/webhooks/payments/memory', {
                  raw: d.rawBody,
                  headers: { 'content-type': 'application/json', 'stripe-signature': d.signature },
                }),
              )
            return out
          },
        }
      : {
          provider: 'stripe',
          confirm: (ref, outcome, message) => payerConfirms(payer, ref, testMethodFor(outcome, message)),
          deliver: async () => {
            const seen = stripe.deliveries.length
            await stripe.idle()
            return stripe.deliveries.slice(seen).map((d) => asResponse(d.status))
          },
        }

  const login = (email: string, password = PASSWORD) =>
    request('POST', '/api/v1/auth/login', { body: { email, password } })

  return {
    url: server.url,
    server,
    engine,
    checker,
    violations,
    request,
    login,
    account: async (key, roles = ['guest']) => {
      const email = `${key}@e2e.example`
      const selfRoles = roles.filter((r): r is 'guest' | 'host' => r !== 'admin')
      const reg = await request('POST', '/api/v1/auth/register', {
        body: { email, password: PASSWORD, name: key, roles: selfRoles.length > 0 ? selfRoles : ['guest'] },
      })
      if (reg.status !== 201) throw new Error(`register ${key}: ${reg.status} ${reg.text}`)
      if (roles.includes('admin')) await grantRole(engine, reg.json.id, 'admin')
      const res = await login(email)
      if (res.status !== 200) throw new Error(`login ${key}: ${res.status} ${res.text}`)
      return { id: reg.json.id, email, token: res.json.access_token, refreshToken: res.json.refresh_token }
    },
    advance: async (ms) => {
      engine.adapters.clock.advance(ms)
      await server.tick()
      await stripe?.idle()
    },
    payments,
    stripe,
    close: async () => {
      await stripe?.idle()
      await server.close()
      await stripe?.close()
    },
  }
}

/** A listing body a host can POST, priced in EUR cents. */
export const listingBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'Sunny flat by the river',
  property_type: 'apartment',
  room_type: 'entire_place',
  location: {
    address: 'Rua Augusta 1',
    city: 'Lisbon',
    country: 'PT',
    lat: 38.71,
    lng: -9.14,
    timezone: 'Europe/Lisbon',
  },
  max_guests: 4,
  currency: 'EUR',
  booking_mode: 'instant',
  cancellation_policy: 'flexible',
  pricing: { base_nightly: 10_000, cleaning_fee: 2_000, service_fee_bp: 1_000 },
  ...overrides,
})

export const runEffect = Effect.runPromise
