import { ContainerModule, type ContainerModuleLoadOptions, type ServiceIdentifier } from 'inversify'
import type {
  AvailabilityStore as AvailabilityStorePort,
  BookingRepository as BookingRepositoryPort,
  Cache as CachePort,
  EventPublisher as EventPublisherPort,
  GuestProfileRepository as GuestProfileRepositoryPort,
  IdempotencyStore as IdempotencyStorePort,
  IdGenerator as IdGeneratorPort,
  ListingRepository as ListingRepositoryPort,
  Notifier as NotifierPort,
  OutboxSource as OutboxSourcePort,
  PasswordHasher as PasswordHasherPort,
  PaymentGateway as PaymentGatewayPort,
  PaymentRepository as PaymentRepositoryPort,
  PayoutGateway as PayoutGatewayPort,
  PayoutLedger as PayoutLedgerPort,
  RateLimiter as RateLimiterPort,
  ReviewRepository as ReviewRepositoryPort,
  SecretGenerator as SecretGeneratorPort,
  SessionStore as SessionStorePort,
  UserRepository as UserRepositoryPort,
  WishlistRepository as WishlistRepositoryPort,
} from '../../ports/index.js'
import {
  AvailabilityStore,
  BookingRepository,
  Cache,
  Clock,
  EventPublisher,
  ExchangeRates,
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
import type { InMemoryAdapters } from './engine.js'

/** Wraps an adapter before the use cases see it (the race tests put a scheduler in front). */
export type Decorate = <T extends object>(port: string, adapter: T) => T

/** One port binding: the token, its name (for `Decorate`) and the adapter. */
interface PortBinding<T extends object = object> {
  readonly token: ServiceIdentifier<T>
  readonly name: string
  readonly adapter: T
}
const port = <T extends object>(token: ServiceIdentifier<T>, name: string, adapter: T | undefined) =>
  adapter === undefined ? [] : [{ token, name, adapter } as PortBinding]

/**
 * A ContainerModule binding the given ports. A port an earlier module bound is left to it: modules
 * are loaded most specific first (mongo, redis, amqp, node, payments) and `memory` last, which
 * binds every port nobody else took, so any mix composes.
 */
const portsModule = (bindings: readonly PortBinding[], decorate?: Decorate): ContainerModule =>
  new ContainerModule((o: ContainerModuleLoadOptions) => {
    for (const b of bindings)
      if (!o.isBound(b.token))
        o.bind(b.token).toConstantValue(decorate === undefined ? b.adapter : decorate(b.name, b.adapter))
  })

/** The ports a store (MongoDB, …) serves: repositories, the calendar and the outbox. */
export interface StorePorts {
  readonly users: UserRepositoryPort
  readonly listings: ListingRepositoryPort
  readonly bookings: BookingRepositoryPort
  readonly payments: PaymentRepositoryPort
  readonly reviews: ReviewRepositoryPort
  readonly wishlists: WishlistRepositoryPort
  readonly guestProfiles: GuestProfileRepositoryPort
  readonly availability: AvailabilityStorePort
  /** The host payout ledger (absent: the in-memory one, which a restart loses). */
  readonly payoutLedger?: PayoutLedgerPort
  readonly outbox: OutboxSourcePort
}

/** The Mongo family (adapters/mongo): every repository, the calendar, the payout ledger and the outbox. */
export const mongoModule = (store: StorePorts, decorate?: Decorate): ContainerModule =>
  portsModule(
    [
      ...port(UserRepository, 'UserRepository', store.users),
      ...port(ListingRepository, 'ListingRepository', store.listings),
      ...port(BookingRepository, 'BookingRepository', store.bookings),
      ...port(PaymentRepository, 'PaymentRepository', store.payments),
      ...port(ReviewRepository, 'ReviewRepository', store.reviews),
      ...port(WishlistRepository, 'WishlistRepository', store.wishlists),
      ...port(GuestProfileRepository, 'GuestProfileRepository', store.guestProfiles),
      ...port(AvailabilityStore, 'AvailabilityStore', store.availability),
      ...port(PayoutLedger, 'PayoutLedger', store.payoutLedger),
      ...port(OutboxSource, 'OutboxSource', store.outbox),
    ],
    decorate,
  )

/** The Redis family (adapters/redis): whichever of these the configuration moved to Redis. */
export const redisModule = (
  ports: {
    readonly cache?: CachePort
    readonly rateLimiter?: RateLimiterPort
    readonly idempotency?: IdempotencyStorePort
    readonly sessions?: SessionStorePort
  },
  decorate?: Decorate,
): ContainerModule =>
  portsModule(
    [
      ...port(Cache, 'Cache', ports.cache),
      ...port(RateLimiter, 'RateLimiter', ports.rateLimiter),
      ...port(IdempotencyStore, 'IdempotencyStore', ports.idempotency),
      ...port(SessionStore, 'SessionStore', ports.sessions),
    ],
    decorate,
  )

/** The AMQP family (adapters/amqp): the publisher the outbox relay hands events to. */
export const amqpModule = (
  ports: { readonly publisher?: EventPublisherPort; readonly notifier?: NotifierPort },
  decorate?: Decorate,
): ContainerModule =>
  portsModule(
    [
      ...port(EventPublisher, 'EventPublisher', ports.publisher),
      ...port(Notifier, 'Notifier', ports.notifier),
    ],
    decorate,
  )

/** The Node family (adapters/node): hashing, secrets, and random ids when asked for. */
export const nodeModule = (
  ports: {
    readonly hasher: PasswordHasherPort
    readonly secrets: SecretGeneratorPort
    readonly ids?: IdGeneratorPort
  },
  decorate?: Decorate,
): ContainerModule =>
  portsModule(
    [
      ...port(IdGenerator, 'IdGenerator', ports.ids),
      ...port(PasswordHasher, 'PasswordHasher', ports.hasher),
      ...port(SecretGenerator, 'SecretGenerator', ports.secrets),
    ],
    decorate,
  )

/** The payment providers (Stripe, …) when not the in-memory ones; see payments.ts. */
export const paymentsModule = (
  ports: { readonly gateway?: PaymentGatewayPort; readonly payoutGateway?: PayoutGatewayPort },
  decorate?: Decorate,
): ContainerModule =>
  portsModule(
    [
      ...port(PaymentGateway, 'PaymentGateway', ports.gateway),
      ...port(PayoutGateway, 'PayoutGateway', ports.payoutGateway),
    ],
    decorate,
  )

/** The memory family (adapters/memory): every port no earlier module bound. Loaded last. */
export const memoryModule = (a: InMemoryAdapters, decorate?: Decorate): ContainerModule =>
  portsModule(
    [
      ...port(Clock, 'Clock', a.clock),
      ...port(IdGenerator, 'IdGenerator', a.ids),
      ...port(OutboxSource, 'OutboxSource', a.outbox),
      ...port(UserRepository, 'UserRepository', a.users),
      ...port(ListingRepository, 'ListingRepository', a.listings),
      ...port(BookingRepository, 'BookingRepository', a.bookings),
      ...port(PaymentRepository, 'PaymentRepository', a.payments),
      ...port(ReviewRepository, 'ReviewRepository', a.reviews),
      ...port(WishlistRepository, 'WishlistRepository', a.wishlists),
      ...port(GuestProfileRepository, 'GuestProfileRepository', a.guestProfiles),
      ...port(AvailabilityStore, 'AvailabilityStore', a.availability),
      ...port(PaymentGateway, 'PaymentGateway', a.gateway),
      ...port(PayoutLedger, 'PayoutLedger', a.payoutLedger),
      ...port(PayoutGateway, 'PayoutGateway', a.payoutGateway),
      ...port(EventPublisher, 'EventPublisher', a.publisher),
      ...port(ExchangeRates, 'ExchangeRates', a.exchangeRates),
      ...port(Notifier, 'Notifier', a.notifier),
      ...port(Cache, 'Cache', a.cache),
      ...port(RateLimiter, 'RateLimiter', a.rateLimiter),
      ...port(IdempotencyStore, 'IdempotencyStore', a.idempotency),
      ...port(SessionStore, 'SessionStore', a.sessions),
    ],
    decorate,
  )
