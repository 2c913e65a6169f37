import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo, Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { Effect } from 'effect'
import { type Logger, pino } from 'pino'
import { type AmqpConsumer, InMemoryProcessedEvents } from '../../adapters/amqp/index.js'
import {
  AccessTokens,
  apiRoutes,
  CacheInvalidation,
  createHttpApp,
  DOCS_INIT_JS,
  defaultLoginLimits,
  defaultRateLimits,
  type HttpApp,
  HttpMetrics,
  type LoginLimits,
  metricsListener,
  type RateLimitSettings,
} from '../../adapters/http/index.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { Clock } from '../../ports/clock.js'
import { createEngine, type EngineOptions, type TickReport } from '../composition/engine.js'
import type { InfrastructurePorts, InMemoryEngine } from '../composition/in-memory-engine.js'
import { stripeProviders } from '../composition/payments.js'
import { observeRecordedEvents, type RecordedEventsListener } from '../composition/recorded-events.js'
import { amqpEventSource } from '../worker/event-sources.js'
import { startWorker, type Worker } from '../worker/worker.js'
import type { ApiConfig } from './config.js'
import { developmentCheckout } from './development-checkout.js'

export interface ApiServerOptions {
  readonly config: ApiConfig
  /** An engine to serve (tests pass one on a manual clock); by default one on real time is built. */
  readonly engine?: InMemoryEngine
  /** Out-of-process infrastructure (Redis, RabbitMQ) for the engine built here. */
  readonly ports?: InfrastructurePorts
  /** Options of the engine built here (tests: a manual clock, a low password-hashing cost). */
  readonly engineOptions?: EngineOptions
  readonly logger?: Logger
  /** Run the background loop (webhooks, due transitions, outbox relay) every `config.tickMs`. */
  readonly background?: boolean
  /** Told each background turn's report (the API's event-flow metrics). */
  readonly onTick?: (report: TickReport) => void
  /** Overrides of the limits (tests use tight ones to see 429s). */
  readonly rateLimits?: RateLimitSettings | false
  readonly loginLimits?: LoginLimits | false
  /**
   * When events travel over RabbitMQ, the API consumes its own notifications from it: the
   * notification consumer needs the users, which live in this process while repositories are in
   * memory. Its queues are `<queuePrefix>.notifications` and `<queuePrefix>.payouts` (default `innkeeper.api`).
   */
  readonly amqp?: { readonly consumer: AmqpConsumer; readonly queuePrefix?: string }
  /** Readiness of the backing services (Redis, RabbitMQ) for `/health/ready`. */
  readonly ready?: () => Promise<boolean>
  /**
   * Start-up work the server must finish before it is ready (the demo seed): it runs once the
   * server listens, and `/health/ready` answers 503 until it has resolved. A failure
   * leaves the server unready; `ApiServer.started` rejects with it.
   */
  readonly startup?: (server: ApiServer) => Promise<unknown>
  /** Events the process publishes, for consumers that live in it (metrics, cache invalidation). */
  readonly onEvent?: (event: DomainEvent) => void
}

export interface ApiServer {
  readonly url: string
  /** The internal metrics listener's base URL (`${metricsUrl}/metrics`). */
  readonly metricsUrl: string
  /** Resolves with the start-up work's result once it is done (at once without any). */
  readonly started: Promise<unknown>
  readonly engine: InMemoryEngine
  readonly app: HttpApp
  readonly metrics: HttpMetrics
  readonly logger: Logger
  /** One turn of the background work, at once (tests drive time with it). */
  tick(): Promise<void>
  /**
   * Stops accepting connections and closes the idle ones at once; requests already received finish
   * (answered with `Connection: close`) within `config.shutdownGraceMs`, after which the connections
   * left are closed. Then stops the loop and the consumers, and says what became of the requests.
   */
  shutdown(): Promise<DrainReport>
  /** shutdown(), for callers that need no report. */
  close(): Promise<void>
}

/** What a shutdown did to the requests the server had received. */
export interface DrainReport {
  /** Requests in flight when close() was called, or received on open connections after it. */
  readonly drained: number
  /** Requests whose connection was closed at the end of the grace period before their answer. */
  readonly cut: number
  readonly ms: number
}

const require = createRequire(import.meta.url)
const swaggerDir = (): string | undefined => {
  try {
    return dirname(require.resolve('swagger-ui-dist/package.json'))
  } catch {
    return undefined
  }
}

/** The API on the in-memory engine: builds the app, listens, and runs the background loop. */
export const startApiServer = async (options: ApiServerOptions): Promise<ApiServer> => {
  const { config } = options
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'innkeeper-api' } })
  const metrics = new HttpMetrics()
  // Whatever publishes the events (the in-memory publisher, or RabbitMQ), this process sees each one
  // it relayed: for the booking and payment counters and to drop cached pages at once.
  let observe: (event: DomainEvent) => void = () => {}
  const outbound = options.ports?.publisher
  const ports: InfrastructurePorts | undefined =
    outbound === undefined
      ? options.ports
      : {
          ...options.ports,
          publisher: {
            publish: (events) =>
              Effect.tap(outbound.publish(events), () =>
                Effect.sync(() => {
                  for (const e of events) observe(e)
                }),
              ),
          },
        }
  // INNKEEPER_PAYMENTS=stripe: Stripe takes the guests' money and pays the hosts.
  const providers =
    options.engine === undefined && config.payments.provider === 'stripe'
      ? await stripeProviders(config.payments)
      : undefined
  // On a shared store the events its writes record are observed here (the in-memory outbox that
  // `onAppend` follows is then unused): the response cache is invalidated through them below.
  let recorded: RecordedEventsListener = () => {}
  const sharedStore = options.engineOptions?.store
  const engine =
    options.engine ??
    createEngine({
      liveClock: true,
      randomIds: true,
      paymentWebhookSecret: config.paymentWebhookSecret,
      settings: { requireVerifiedEmail: config.requireVerifiedEmail },
      ...providers,
      ...options.engineOptions,
      ...(sharedStore === undefined
        ? {}
        : { store: (c: Clock) => observeRecordedEvents(sharedStore(c), (events) => recorded(events)) }),
      ...(ports === undefined ? {} : { ports }),
    })
  const { clock } = engine.adapters
  const cache = options.ports?.cache ?? engine.adapters.cache
  const tokens = new AccessTokens(config.jwt, clock)

  observe = (event) => {
    metrics.observeEvent(event.type)
    options.onEvent?.(event)
  }
  if (outbound === undefined) engine.adapters.publisher.subscribe((event) => observe(event))
  // Cached pages are dropped as the events that make them stale are recorded, before the relay
  // publishes them: the client that made a change reads it back at once.
  const invalidation = new CacheInvalidation(cache, (err, tags) =>
    logger.error({ err, tags }, 'cache invalidation failed'),
  )
  recorded = invalidation.handle
  const stopInvalidation = engine.adapters.outbox.onAppend(invalidation.handle)

  let startedUp = options.startup === undefined
  // The currencies searches convert (the table at start) are the search's `currency` enum.
  const rateTable = await engine.run(engine.deps.exchangeRates.current())
  const [firstCurrency, ...otherCurrencies] = Object.keys(rateTable.rates).sort()
  const searchCurrencies =
    firstCurrency === undefined ? undefined : ([firstCurrency, ...otherCurrencies] as const)
  const docsDir = swaggerDir()
  const routes = apiRoutes({
    useCases:
      config.mode === 'development'
        ? { ...engine.useCases, checkoutBooking: developmentCheckout(engine) }
        : engine.useCases,
    tokens,
    clock,
    cache,
    rateLimiter: options.ports?.rateLimiter ?? engine.adapters.rateLimiter,
    loginLimits: options.loginLimits ?? (config.rateLimit ? defaultLoginLimits : false),
    paymentProviders: [engine.gateway.provider],
    ...(searchCurrencies === undefined ? {} : { searchCurrencies }),
  })
  const app = createHttpApp({
    routes,
    cacheCoherence: invalidation,
    tokens,
    authorizeWrite: (caller) => engine.useCases.authorizeWrite.execute(caller),
    rateLimiter: options.ports?.rateLimiter ?? engine.adapters.rateLimiter,
    idempotency: options.ports?.idempotency ?? engine.adapters.idempotency,
    metrics,
    logger,
    info: {
      title: 'innkeeper',
      version: '1.0.0',
      description:
        'Booking engine for stays: listings, availability, pricing, bookings, payments and reviews. Errors are RFC 9457 problem+json with a stable `code`; lists use cursor pagination; JSON fields are snake_case.',
    },
    rateLimits: options.rateLimits ?? (config.rateLimit ? defaultRateLimits : false),
    bodyLimit: config.bodyLimit,
    ready: async () => startedUp && (options.ready === undefined || (await options.ready())),
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    ...(docsDir === undefined
      ? {}
      : {
          docsAssets: {
            dir: docsDir,
            read: async (file: string) =>
              file === 'docs-init.js'
                ? Buffer.from(DOCS_INIT_JS)
                : await readFile(join(docsDir, file)).catch(() => undefined),
          },
        }),
  })

  let ticking: Promise<void> | null = null
  const tick = async (): Promise<void> => {
    if (ticking) return ticking
    ticking = engine
      .tick()
      .then((report) => options.onTick?.(report))
      .catch((err: unknown) => logger.error({ err }, 'background tick failed'))
      .finally(() => {
        ticking = null
      })
    return ticking
  }
  const notifications: Worker | null =
    options.amqp === undefined
      ? null
      : startWorker({
          useCases: engine.useCases,
          consumers: {
            source: amqpEventSource(options.amqp.consumer, {
              queuePrefix: options.amqp.queuePrefix ?? 'innkeeper.api',
              processed: () => new InMemoryProcessedEvents(),
            }),
            // Both read repositories, which live in this process: notifications and the payout ledger.
            names: ['notifications', 'payouts'],
          },
          log: logger,
        })
  if (notifications) await notifications.ready

  const timer = options.background === false ? null : setInterval(() => void tick(), config.tickMs)
  timer?.unref()

  // Slow clients are bounded (config.timeouts): headers, then the whole request (a body that stops
  // coming is answered 408 and closed), and idle keep-alive. Node checks the first two every
  // `connectionsCheckingInterval`, a quarter of the shorter one (at most 1 s), so the bound holds
  // within 25 %.
  const { headersMs, requestMs, keepAliveMs } = config.timeouts
  const listen = (s: Server, port: number, host: string): Promise<Server> =>
    new Promise((resolve, reject) => {
      s.once('error', reject)
      s.listen(port, host, () => {
        s.off('error', reject)
        resolve(s)
      })
    })
  const server = await listen(
    createServer(
      {
        headersTimeout: headersMs,
        requestTimeout: requestMs,
        keepAliveTimeout: keepAliveMs,
        connectionsCheckingInterval: Math.max(
          25,
          Math.min(1_000, Math.floor(Math.min(headersMs, requestMs) / 4)),
        ),
      },
      app.koa.callback(),
    ),
    config.port,
    config.host,
  )
  // Prometheus scrapes an internal port of its own: the public one has no /metrics.
  const metricsServer = await listen(
    createServer(
      { headersTimeout: headersMs, requestTimeout: requestMs, keepAliveTimeout: keepAliveMs },
      metricsListener(metrics, config.metrics.token),
    ),
    config.metrics.port,
    config.metrics.host,
  ).catch((err: unknown) => {
    server.close()
    throw err
  })
  const drain = trackConnections(server)
  const shutdown = async (): Promise<DrainReport> => {
    if (timer) clearInterval(timer)
    stopInvalidation()
    metricsServer.closeAllConnections()
    await new Promise<void>((resolve) => metricsServer.close(() => resolve()))
    const report = await drain(config.shutdownGraceMs)
    if (ticking) await ticking
    await notifications?.close()
    return report
  }
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`
  const metricsAddress = metricsServer.address() as AddressInfo
  const metricsHost =
    metricsAddress.family === 'IPv6' ? `[${metricsAddress.address}]` : metricsAddress.address

  let markStarted: (value: unknown) => void = () => {}
  let markFailed: (err: unknown) => void = () => {}
  const started = new Promise<unknown>((resolve, reject) => {
    markStarted = resolve
    markFailed = reject
  })
  const api: ApiServer = {
    url,
    metricsUrl: `http://${metricsHost}:${metricsAddress.port}`,
    started,
    engine,
    app,
    metrics,
    logger,
    tick,
    shutdown,
    close: async () => {
      await shutdown()
    },
  }
  if (options.startup === undefined) markStarted(undefined)
  else
    options.startup(api).then(
      (value) => {
        startedUp = true
        markStarted(value)
      },
      (err: unknown) => {
        logger.error({ err }, 'start-up work failed: the server stays unready')
        markFailed(err)
      },
    )
  // A caller that never awaits `started` does not make its failure an unhandled rejection.
  started.catch(() => {})
  return api
}

/**
 * Follows the server's connections so that a shutdown keeps its promises: idle connections (a
 * keep-alive socket between requests, or one that has not sent a byte yet, which Node's own
 * `closeIdleConnections()` leaves open) close at once; a request already received, or whose bytes
 * are arriving, is answered with `Connection: close`, and its connection closes after the answer.
 * The returned function starts the drain and resolves once every connection is gone, or once
 * `graceMs` has passed, then closing the rest.
 */
const trackConnections = (server: Server): ((graceMs: number) => Promise<DrainReport>) => {
  interface Conn {
    active: number
    /** socket.bytesRead when its last answer was sent: more bytes since mean a request is arriving. */
    readAtIdle: number
  }
  const conns = new Map<Socket, Conn>()
  let closing = false
  let drained = 0
  const idle = (socket: Socket, c: Conn) => c.active === 0 && socket.bytesRead === c.readAtIdle
  server.on('connection', (socket: Socket) => {
    conns.set(socket, { active: 0, readAtIdle: 0 })
    socket.once('close', () => conns.delete(socket))
  })
  // Before the app's own listener: the header is set before any middleware can send the answer.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket
    const c = conns.get(socket)
    if (closing) {
      res.setHeader('Connection', 'close')
      drained++
    }
    if (c === undefined) return
    c.active++
    res.once('close', () => {
      c.active--
      c.readAtIdle = socket.bytesRead
      // An answer sent with keep-alive before the drain began: end its connection once it is out.
      if (closing && idle(socket, c)) socket.end()
    })
  })
  return async (graceMs) => {
    const started = Date.now()
    closing = true
    let inFlight = 0
    for (const [socket, c] of conns) {
      const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
      if (res && !res.headersSent) res.setHeader('Connection', 'close')
      inFlight += c.active
      if (idle(socket, c)) socket.destroy()
    }
    drained += inFlight
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    let timer: NodeJS.Timeout | undefined
    const outOfTime = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs)
      }),
    ])
    clearTimeout(timer)
    let cut = 0
    if (outOfTime) {
      for (const [socket, c] of conns) {
        cut += c.active
        socket.destroy()
      }
      await closed
    }
    return { drained, cut, ms: Date.now() - started }
  }
}
