import type { Container, ServiceIdentifier } from 'inversify'
import type { CoreDeps } from '../../core/application/support/deps.js'
import {
  AvailabilityStore,
  BookingRepository,
  Clock,
  EventPublisher,
  ExchangeRates,
  GuestProfileRepository,
  IdGenerator,
  ListingRepository,
  Notifier,
  OutboxSource,
  PasswordHasher,
  PaymentGateway,
  PaymentRepository,
  PayoutGateway,
  PayoutLedger,
  ReviewRepository,
  SecretGenerator,
  SessionStore,
  UserRepository,
  WishlistRepository,
} from '../../ports/index.js'
import { CoreDepsToken, CoreSettingsToken } from './tokens.js'
import { type UseCases, useCaseClasses } from './use-cases.js'

/** Which port token each key of `CoreDeps` is resolved from. */
const depTokens = {
  users: UserRepository,
  listings: ListingRepository,
  bookings: BookingRepository,
  payments: PaymentRepository,
  reviews: ReviewRepository,
  wishlists: WishlistRepository,
  guestProfiles: GuestProfileRepository,
  availability: AvailabilityStore,
  gateway: PaymentGateway,
  payouts: PayoutLedger,
  payoutGateway: PayoutGateway,
  publisher: EventPublisher,
  outbox: OutboxSource,
  exchangeRates: ExchangeRates,
  clock: Clock,
  ids: IdGenerator,
  hasher: PasswordHasher,
  notifier: Notifier,
  secrets: SecretGenerator,
  sessions: SessionStore,
  settings: CoreSettingsToken,
} satisfies { readonly [K in keyof CoreDeps]: ServiceIdentifier<CoreDeps[K]> }

/**
 * Binds the core: the `CoreDeps` bundle from the port tokens, then every use case as a singleton
 * built with `toResolvedValue` (the core's classes carry no decorators). Adapters must already be
 * bound to the port tokens.
 */
export const bindCore = (container: Container): void => {
  const keys = Object.keys(depTokens) as (keyof CoreDeps)[]
  container
    .bind(CoreDepsToken)
    .toResolvedValue(
      (...values: unknown[]) => Object.fromEntries(keys.map((k, i) => [k, values[i]])) as unknown as CoreDeps,
      keys.map((k) => depTokens[k]),
    )
    .inSingletonScope()
  for (const cls of Object.values(useCaseClasses) as readonly UseCaseClass[]) {
    container
      .bind<object>(cls)
      .toResolvedValue((deps: CoreDeps) => new cls(deps), [CoreDepsToken])
      .inSingletonScope()
  }
}

/** The shape every use case class shares: built from the core's dependencies. */
type UseCaseClass = new (deps: CoreDeps) => object

/** Resolves every use case once, by name. */
export const resolveUseCases = (container: Container): UseCases =>
  Object.fromEntries(
    Object.entries(useCaseClasses).map(([name, cls]) => [name, container.get<object>(cls as UseCaseClass)]),
  ) as unknown as UseCases
