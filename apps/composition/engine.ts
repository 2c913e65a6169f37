import type { Effect } from 'effect'
import { Container } from 'inversify'
import {
  InMemoryAvailabilityStore,
  InMemoryBookingRepository,
  InMemoryCache,
  InMemoryEventPublisher,
  InMemoryExchangeRates,
  InMemoryGuestProfileRepository,
  InMemoryIdempotencyStore,
  InMemoryListingRepository,
  InMemoryOutbox,
  InMemoryPaymentGateway,
  InMemoryPaymentRepository,
  InMemoryPayoutGateway,
  InMemoryPayoutLedger,
  InMemoryRateLimiter,
  InMemoryReviewRepository,
  InMemorySessionStore,
  InMemoryUserRepository,
  InMemoryWishlistRepository,
  ManualClock,
  RecordingNotifier,
  SequentialIdGenerator,
} from '../../adapters/memory/index.js'
import { CryptoSecretGenerator, RandomIdGenerator, ScryptPasswordHasher } from '../../adapters/node/index.js'
import { type CoreDeps, type CoreSettings, defaultSettings } from '../../core/application/support/deps.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type {
  Cache as CachePort,
  Clock as ClockPort,
  EventPublisher as EventPublisherPort,
  IdempotencyStore as IdempotencyStorePort,
  Notifier as NotifierPort,
  PaymentGateway as PaymentGatewayPort,
  PayoutGateway as PayoutGatewayPort,
  RateLimiter as RateLimiterPort,
  SessionStore as SessionStorePort,
} from '../../ports/index.js'
import { Cache, IdempotencyStore, RateLimiter } from '../../ports/index.js'
import { allTasks, BackgroundRunner, type BackgroundTasks, type TickReport } from './background.js'
import { bindCore, resolveUseCases } from './bind-core.js'
import {
  amqpModule,
  memoryModule,
  mongoModule,
  nodeModule,
  paymentsModule,
  redisModule,
  type StorePorts,
} from './modules.js'
import { type PromiseFacade, promiseFacade } from './promise-facade.js'
import { runToPromise } from './run-to-promise.js'
import { CoreDepsToken, CoreSettingsToken } from './tokens.js'
import type { UseCases } from './use-cases.js'

export type { BackgroundTasks, TickReport }

/** How an engine is built: `createEngine(options)`. Every field is optional; the default is all in memory. */
export interface EngineOptions {
  /** Where the fake clock starts (default 2026-01-01T00:00Z). */
  readonly start?: Instant | number
  /** Namespaces the deterministic ids, so two engines never share one. */
  readonly idNamespace?: string
  readonly settings?: Partial<CoreSettings>
  /**
   * The payout provider (a `StripePayoutGateway`, say) instead of the in-memory one; the `adapters`
   * field keeps the in-memory instance, then unused.
   */
  readonly payoutGateway?: PayoutGatewayPort
  /** Secret the in-memory payment provider signs its webhooks with. */
  readonly paymentWebhookSecret?: string
  /**
   * scrypt cost for password hashing. The default is OWASP's (N = 2^17); tests and simulations
   * that register thousands of users may lower it.
   */
  readonly passwordHashCost?: number
  /**
   * Wraps each adapter before the use cases see it (the `adapters` field keeps the bare ones). The
   * race tests use it to put a scheduler in front of every port call, so concurrent use cases
   * interleave at each I/O step as they would against a real database.
   */
  readonly decorate?: <T extends object>(port: string, adapter: T) => T
  /** Follow the system time (shiftable with `advance`) instead of a fixed start: for servers. */
  readonly liveClock?: boolean
  /** With `liveClock`: how far ahead of the system time the clock runs (a worker in a drill). */
  readonly clockAheadMs?: number
  /** Random, unguessable ids instead of sequential ones: for servers. */
  readonly randomIds?: boolean
  /**
   * Adapters that replace the in-memory ones for the infrastructure ports (Redis, RabbitMQ …). The
   * `adapters` field keeps the in-memory instances, which are then unused.
   */
  readonly ports?: InfrastructurePorts
  /**
   * The payment provider in place of the in-memory one (Stripe), built on the engine's clock. The
   * `adapters.gateway` field keeps the in-memory instance, which is then unused.
   */
  readonly paymentGateway?: (clock: ClockPort) => PaymentGatewayPort
  /**
   * A shared store (MongoDB: `createMongoAdapters(db, { clock })`) for the repositories, the calendar
   * and the outbox, built on the engine's clock. Without it they stay in memory. With it, ids are
   * random unless `idNamespace` is given (sequential ids would collide across processes and restarts).
   */
  readonly store?: (clock: ClockPort) => StorePorts
  /**
   * The background tasks `tick()` runs (default: all). An API process on a shared store runs only
   * the webhooks of its in-memory payment provider: the worker owns the rest (`apiOnSharedStoreTasks`).
   */
  readonly background?: BackgroundTasks
}

/** The options of `createInMemoryEngine`: everything but a shared store. */
export type InMemoryEngineOptions = Omit<EngineOptions, 'store'>

/** The ports a deployment may move out of process while repositories stay where they are. */
export interface InfrastructurePorts {
  readonly cache?: CachePort
  readonly rateLimiter?: RateLimiterPort
  readonly idempotency?: IdempotencyStorePort
  readonly sessions?: SessionStorePort
  readonly publisher?: EventPublisherPort
  readonly notifier?: NotifierPort
}

/** The in-memory adapters of an engine, for tests and simulations to drive and inspect. */
export interface InMemoryAdapters {
  readonly clock: ManualClock
  readonly ids: SequentialIdGenerator
  readonly outbox: InMemoryOutbox
  readonly users: InMemoryUserRepository
  readonly listings: InMemoryListingRepository
  readonly bookings: InMemoryBookingRepository
  readonly payments: InMemoryPaymentRepository
  readonly reviews: InMemoryReviewRepository
  readonly wishlists: InMemoryWishlistRepository
  readonly guestProfiles: InMemoryGuestProfileRepository
  readonly availability: InMemoryAvailabilityStore
  readonly gateway: InMemoryPaymentGateway
  readonly payoutLedger: InMemoryPayoutLedger
  readonly payoutGateway: InMemoryPayoutGateway
  readonly publisher: InMemoryEventPublisher
  /** The fixed exchange-rate table searches convert prices with. */
  readonly exchangeRates: InMemoryExchangeRates
  readonly notifier: RecordingNotifier
  readonly cache: InMemoryCache
  readonly rateLimiter: InMemoryRateLimiter
  readonly idempotency: InMemoryIdempotencyStore
  readonly sessions: InMemorySessionStore
}

export interface Engine {
  readonly container: Container
  readonly useCases: UseCases
  /** The same use cases returning Promises that reject with the typed error, for code without Effect. */
  readonly promises: PromiseFacade
  /**
   * The in-memory adapters, for tests and simulations to drive (the manual clock, the in-memory
   * payment provider, the recording notifier). A port served by another family (a shared store,
   * Redis, RabbitMQ) leaves its in-memory adapter here unused: read `deps` for what use cases see.
   */
  readonly adapters: InMemoryAdapters
  /** The ports the use cases are built from, as bound (decorated where `decorate` asked). */
  readonly deps: CoreDeps
  /** The ports the HTTP layer uses besides the core's. */
  readonly http: {
    readonly cache: CachePort
    readonly rateLimiter: RateLimiterPort
    readonly idempotency: IdempotencyStorePort
  }
  /** Where the repositories, calendar and outbox live. */
  readonly store: 'memory' | 'shared'
  /** The one background runner of this process (engine.tick runs a turn of it). */
  readonly background: BackgroundRunner
  /** The payment gateway the use cases use: `adapters.gateway`, or the one given in the options. */
  readonly gateway: PaymentGatewayPort
  /** Runs a use case's Effect: resolves with its value, rejects with its typed error (which has a `code`). */
  run<A, E>(effect: Effect.Effect<A, E>): Promise<A>
  /** Delivers the webhooks the in-memory payment provider has queued, in order; returns how many. */
  deliverPaymentEvents(): Promise<number>
  /**
   * One turn of the background work this process runs (`options.background`, default all): payment
   * webhooks, due transitions (review reveals included), outbox relay (published events reach the
   * built-in notification consumer), the payout ledger's earnings from the booking events relayed,
   * due host payouts, and a second relay for what those wrote.
   */
  tick(): Promise<TickReport>
}

/** The engine `createInMemoryEngine` returns: the same shape, every port in memory. */
export type InMemoryEngine = Engine

/**
 * The engine for any mix of adapters: one Inversify container loaded with a ContainerModule per
 * adapter family (modules.ts). The most specific families are loaded first (a shared store, Redis and
 * RabbitMQ ports, Node's random ids, hashing and secrets, a payment provider), and the memory family
 * last binds every port none of them took. `createInMemoryEngine()` is this with nothing but memory;
 * `openEngine(config)` (open-engine.ts) connects the servers a configuration names and calls this.
 */
export const createEngine = (options: EngineOptions = {}): Engine => {
  const clock = options.liveClock
    ? new ManualClock(undefined, { source: () => Date.now() + (options.clockAheadMs ?? 0) })
    : new ManualClock(options.start)
  const outbox = new InMemoryOutbox()
  const adapters: InMemoryAdapters = {
    clock,
    ids: new SequentialIdGenerator(
      options.idNamespace === undefined ? {} : { namespace: options.idNamespace },
    ),
    outbox,
    users: new InMemoryUserRepository(outbox),
    listings: new InMemoryListingRepository(outbox),
    bookings: new InMemoryBookingRepository(outbox),
    payments: new InMemoryPaymentRepository(outbox),
    reviews: new InMemoryReviewRepository(outbox),
    wishlists: new InMemoryWishlistRepository(),
    guestProfiles: new InMemoryGuestProfileRepository(),
    availability: new InMemoryAvailabilityStore(clock),
    gateway: new InMemoryPaymentGateway({
      clock,
      secret: options.paymentWebhookSecret ?? 'whsec_innkeeper_memory',
    }),
    payoutLedger: new InMemoryPayoutLedger(outbox),
    payoutGateway: new InMemoryPayoutGateway(),
    publisher: new InMemoryEventPublisher(),
    exchangeRates: new InMemoryExchangeRates(),
    notifier: new RecordingNotifier(),
    cache: new InMemoryCache(clock),
    rateLimiter: new InMemoryRateLimiter(clock),
    idempotency: new InMemoryIdempotencyStore(clock),
    sessions: new InMemorySessionStore(),
  }
  const store = options.store?.(clock)
  const randomIds = options.randomIds ?? (store !== undefined && options.idNamespace === undefined)
  const paymentGateway = options.paymentGateway?.(clock)
  const infra = options.ports ?? {}
  const d = options.decorate
  const container = new Container({ defaultScope: 'Singleton' })
  container.load(
    ...(store === undefined ? [] : [mongoModule(store, d)]),
    redisModule(infra, d),
    amqpModule(infra, d),
    nodeModule(
      {
        hasher: new ScryptPasswordHasher(
          options.passwordHashCost === undefined ? {} : { N: options.passwordHashCost },
        ),
        secrets: new CryptoSecretGenerator(),
        ...(randomIds ? { ids: new RandomIdGenerator() } : {}),
      },
      d,
    ),
    paymentsModule(
      {
        ...(paymentGateway === undefined ? {} : { gateway: paymentGateway }),
        ...(options.payoutGateway === undefined ? {} : { payoutGateway: options.payoutGateway }),
      },
      d,
    ),
    memoryModule(adapters, d),
  )
  container.bind(CoreSettingsToken).toConstantValue({ ...defaultSettings, ...options.settings })
  bindCore(container)
  const useCases = resolveUseCases(container)
  const deps = container.get(CoreDepsToken)
  const gateway: PaymentGatewayPort = paymentGateway ?? adapters.gateway
  const background = new BackgroundRunner(
    {
      useCases,
      // Only the in-memory provider queues webhooks in this process; another provider sends its own.
      takeDeliveries: () => (paymentGateway === undefined ? adapters.gateway.takeDeliveries() : []),
      publisher: adapters.publisher,
    },
    options.background ?? allTasks,
  )

  return {
    container,
    useCases,
    promises: promiseFacade(useCases),
    adapters,
    deps,
    http: {
      cache: container.get(Cache),
      rateLimiter: container.get(RateLimiter),
      idempotency: container.get(IdempotencyStore),
    },
    store: store === undefined ? 'memory' : 'shared',
    background,
    gateway,
    run: runToPromise,
    deliverPaymentEvents: () => background.webhooks(),
    tick: () => background.tick(),
  }
}
