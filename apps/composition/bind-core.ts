import type { Container } from 'inversify'
import type { CoreDeps } from '../../core/use-cases/deps.js'
import {
  AvailabilityStore,
  BookingRepository,
  Clock,
  EventPublisher,
  GuestProfileRepository,
  IdGenerator,
  ListingRepository,
  Notifier,
  OutboxSource,
  PasswordHasher,
  PaymentGateway,
  PaymentRepository,
  ReviewRepository,
  UserRepository,
  WishlistRepository,
} from '../../ports/index.js'
import { CoreDepsToken, CoreSettingsToken } from './tokens.js'
import { type UseCases, useCaseClasses } from './use-cases.js'

/**
 * Binds the core: the `CoreDeps` bundle from the port tokens, then every use case as a singleton
 * built with `toResolvedValue` (the core's classes carry no decorators). Adapters must already be
 * bound to the port tokens.
 */
export const bindCore = (container: Container): void => {
  container
    .bind(CoreDepsToken)
    .toResolvedValue(
      (
        users,
        listings,
        bookings,
        payments,
        reviews,
        wishlists,
        guestProfiles,
        availability,
        gateway,
        publisher,
        outbox,
        clock,
        ids,
        hasher,
        notifier,
        settings,
      ): CoreDeps => ({
        users,
        listings,
        bookings,
        payments,
        reviews,
        wishlists,
        guestProfiles,
        availability,
        gateway,
        publisher,
        outbox,
        clock,
        ids,
        hasher,
        notifier,
        settings,
      }),
      [
        UserRepository,
        ListingRepository,
        BookingRepository,
        PaymentRepository,
        ReviewRepository,
        WishlistRepository,
        GuestProfileRepository,
        AvailabilityStore,
        PaymentGateway,
        EventPublisher,
        OutboxSource,
        Clock,
        IdGenerator,
        PasswordHasher,
        Notifier,
        CoreSettingsToken,
      ],
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
