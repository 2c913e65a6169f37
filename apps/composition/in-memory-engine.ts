import { Effect, Exit } from 'effect'
import { Container } from 'inversify'
import {
  InMemoryAvailabilityStore,
  InMemoryBookingRepository,
  InMemoryCache,
  InMemoryEventPublisher,
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
import { earningTypes } from '../../core/application/record-earnings.js'
import type { PayoutRunReport } from '../../core/application/run-due-payouts.js'
import type { DueReport } from '../../core/application/run-due-transitions.js'
import { type CoreSettings, defaultSettings } from '../../core/application/support/deps.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
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
import {
  AvailabilityStore,
  BookingRepository,
  Cache,
  Clock,
  EventPublisher,
  GuestProfileRepository,
  IdempotencyStore,
  IdGenerator,
  ListingRepository,
  Notifier,
  OutboxSource,
  PasswordHasher,
  PaymentGateway,
  PaymentRepository,
  PayoutGateway,
  PayoutLedger,
  RateLimiter,
  ReviewRepository,
  SecretGenerator,
  SessionStore,
  UserRepository,
  WishlistRepository,
} from '../../ports/index.js'
import { bindCore, resolveUseCases } from './bind-core.js'
import { type PromiseFacade, promiseFacade } from './promise-facade.js'
import { runToPromise } from './run-to-promise.js'
import { CoreSettingsToken } from './tokens.js'
import type { UseCases } from './use-cases.js'

export interface InMemoryEngineOptions {
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
}

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
  readonly notifier: RecordingNotifier
  readonly cache: InMemoryCache
  readonly rateLimiter: InMemoryRateLimiter
  readonly idempotency: InMemoryIdempotencyStore
  readonly sessions: InMemorySessionStore
}

export interface TickReport {
  readonly due: DueReport
  readonly revealedReviews: number
  readonly paymentEvents: number
  readonly relayed: number
  readonly payouts: PayoutRunReport
}

export interface InMemoryEngine {
  readonly container: Container
  readonly useCases: UseCases
  /** The same use cases returning Promises that reject with the typed error, for code without Effect. */
  readonly promises: PromiseFacade
  readonly adapters: InMemoryAdapters
  /** The payment gateway the use cases use: `adapters.gateway`, or the one given in the options. */
  readonly gateway: PaymentGatewayPort
  /** Runs a use case's Effect: resolves with its value, rejects with its typed error (which has a `code`). */
  run<A, E>(effect: Effect.Effect<A, E>): Promise<A>
  /** Delivers the webhooks the in-memory payment provider has queued, in order; returns how many. */
  deliverPaymentEvents(): Promise<number>
  /**
   * One turn of the background work: payment webhooks, due transitions (review reveals included), outbox relay
   * (published events reach the built-in notification consumer), the payout ledger's earnings from the
   * booking events relayed, due host payouts, and a second relay for what those wrote.
   */
  tick(): Promise<TickReport>
}

export { runToPromise }

/**
 * The whole engine in one process: every port bound to its in-memory adapter, every use case
 * bound with Inversify. Used by the tests, the simulator and the default `npm start`.
 */
export const createInMemoryEngine = (options: InMemoryEngineOptions = {}): InMemoryEngine => {
  const clock = options.liveClock
    ? new ManualClock(undefined, { source: () => Date.now() })
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
    notifier: new RecordingNotifier(),
    cache: new InMemoryCache(clock),
    rateLimiter: new InMemoryRateLimiter(clock),
    idempotency: new InMemoryIdempotencyStore(clock),
    sessions: new InMemorySessionStore(),
  }
  const hasher = new ScryptPasswordHasher(
    options.passwordHashCost === undefined ? {} : { N: options.passwordHashCost },
  )

  const infra = options.ports ?? {}
  const wrap = <T extends object>(port: string, adapter: T): T =>
    options.decorate ? options.decorate(port, adapter) : adapter
  const container = new Container({ defaultScope: 'Singleton' })
  container.bind(Clock).toConstantValue(wrap('Clock', adapters.clock))
  container
    .bind(IdGenerator)
    .toConstantValue(wrap('IdGenerator', options.randomIds ? new RandomIdGenerator() : adapters.ids))
  container.bind(OutboxSource).toConstantValue(wrap('OutboxSource', adapters.outbox))
  container.bind(UserRepository).toConstantValue(wrap('UserRepository', adapters.users))
  container.bind(ListingRepository).toConstantValue(wrap('ListingRepository', adapters.listings))
  container.bind(BookingRepository).toConstantValue(wrap('BookingRepository', adapters.bookings))
  container.bind(PaymentRepository).toConstantValue(wrap('PaymentRepository', adapters.payments))
  container.bind(ReviewRepository).toConstantValue(wrap('ReviewRepository', adapters.reviews))
  container.bind(WishlistRepository).toConstantValue(wrap('WishlistRepository', adapters.wishlists))
  container
    .bind(GuestProfileRepository)
    .toConstantValue(wrap('GuestProfileRepository', adapters.guestProfiles))
  container.bind(AvailabilityStore).toConstantValue(wrap('AvailabilityStore', adapters.availability))
  const gateway: PaymentGatewayPort = options.paymentGateway?.(clock) ?? adapters.gateway
  container.bind(PaymentGateway).toConstantValue(wrap('PaymentGateway', gateway))
  container.bind(PayoutLedger).toConstantValue(wrap('PayoutLedger', adapters.payoutLedger))
  container
    .bind(PayoutGateway)
    .toConstantValue(wrap('PayoutGateway', options.payoutGateway ?? adapters.payoutGateway))
  container
    .bind(EventPublisher)
    .toConstantValue(wrap('EventPublisher', infra.publisher ?? adapters.publisher))
  container.bind(Notifier).toConstantValue(wrap('Notifier', infra.notifier ?? adapters.notifier))
  container.bind(Cache).toConstantValue(wrap('Cache', infra.cache ?? adapters.cache))
  container.bind(RateLimiter).toConstantValue(wrap('RateLimiter', infra.rateLimiter ?? adapters.rateLimiter))
  container
    .bind(IdempotencyStore)
    .toConstantValue(wrap('IdempotencyStore', infra.idempotency ?? adapters.idempotency))
  container.bind(SessionStore).toConstantValue(wrap('SessionStore', infra.sessions ?? adapters.sessions))
  container.bind(PasswordHasher).toConstantValue(wrap('PasswordHasher', hasher))
  container.bind(SecretGenerator).toConstantValue(wrap('SecretGenerator', new CryptoSecretGenerator()))
  container.bind(CoreSettingsToken).toConstantValue({ ...defaultSettings, ...options.settings })
  bindCore(container)
  const useCases = resolveUseCases(container)

  // The in-process consumer of published events: notifications, as the worker does with a broker.
  const notifying = new Set<Promise<unknown>>()
  adapters.publisher.subscribe((event) => {
    const p: Promise<unknown> = Effect.runPromise(useCases.notifyOnEvent.execute(event)).finally(() =>
      notifying.delete(p),
    )
    notifying.add(p)
  })
  // The host payout ledger follows booking events: the ones that change what a host earns are kept
  // as they are published and recorded by the next tick, after its relay (RecordEarnings reconciles,
  // so a redelivered event writes nothing).
  const earningEvents: DomainEvent[] = []
  adapters.publisher.subscribe((event) => {
    if (earningTypes.includes(event.type)) earningEvents.push(event)
  })
  const recordEarnings = async (): Promise<number> => {
    let written = 0
    for (const event of earningEvents.splice(0)) {
      // A lost race is retried once here; the next delivery of any event of the booking heals the rest.
      let exit = await Effect.runPromiseExit(useCases.recordEarnings.execute(event))
      if (Exit.isFailure(exit)) exit = await Effect.runPromiseExit(useCases.recordEarnings.execute(event))
      if (Exit.isSuccess(exit)) written += exit.value
    }
    return written
  }

  const deliverPaymentEvents = async (): Promise<number> => {
    let delivered = 0
    for (const d of adapters.gateway.takeDeliveries()) {
      // A webhook that fails to apply is redelivered by the provider; here it is simply retried once.
      const exit = await Effect.runPromiseExit(useCases.applyPaymentEvent.execute(d))
      if (Exit.isFailure(exit)) await Effect.runPromiseExit(useCases.applyPaymentEvent.execute(d))
      delivered++
    }
    return delivered
  }

  return {
    container,
    useCases,
    promises: promiseFacade(useCases),
    adapters,
    gateway,
    run: runToPromise,
    deliverPaymentEvents,
    tick: async () => {
      const paymentEvents = await deliverPaymentEvents()
      const due = await runToPromise(useCases.runDueTransitions.execute({ limit: 10_000 }))
      const relayed = await runToPromise(useCases.relayOutbox.execute({ batchSize: 1_000 }))
      await Promise.all(notifying)
      // The ledger takes in the booking changes just relayed; payouts come after, so they see them.
      const earnings = await recordEarnings()
      const payouts = await runToPromise(useCases.runDuePayouts.execute({ limit: 10_000 }))
      let published = relayed.published
      if (earnings + payouts.created + payouts.paid + payouts.failed > 0) {
        published += (await runToPromise(useCases.relayOutbox.execute({ batchSize: 1_000 }))).published
        await Promise.all(notifying)
      }
      return {
        due,
        revealedReviews: due.reviewsRevealed,
        paymentEvents,
        relayed: published,
        payouts,
      }
    },
  }
}
