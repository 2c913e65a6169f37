import type { AvailabilityStore } from '../../../ports/availability-store.js'
import type { Clock } from '../../../ports/clock.js'
import type { EventPublisher, OutboxSource } from '../../../ports/events.js'
import type { ExchangeRates } from '../../../ports/exchange-rates.js'
import type { IdGenerator } from '../../../ports/id-generator.js'
import type { Notifier } from '../../../ports/notifier.js'
import type { PasswordHasher } from '../../../ports/password-hasher.js'
import type { PaymentGateway } from '../../../ports/payment-gateway.js'
import type { PayoutGateway, PayoutLedger } from '../../../ports/payouts.js'
import type {
  BookingRepository,
  GuestProfileRepository,
  ListingRepository,
  PaymentRepository,
  ReviewRepository,
  UserRepository,
  WishlistRepository,
} from '../../../ports/repositories.js'
import type { SecretGenerator } from '../../../ports/secret-generator.js'
import type { SessionStore } from '../../../ports/session-store.js'

/**
 * Everything a use case may depend on, by role. A use case takes a `Pick` of this in its
 * constructor; the composition root (apps/) resolves each key from its port token.
 */
export interface CoreDeps {
  readonly users: UserRepository
  readonly listings: ListingRepository
  readonly bookings: BookingRepository
  readonly payments: PaymentRepository
  readonly reviews: ReviewRepository
  readonly wishlists: WishlistRepository
  readonly guestProfiles: GuestProfileRepository
  readonly availability: AvailabilityStore
  readonly gateway: PaymentGateway
  /** Host earnings, adjustments and payouts. */
  readonly payouts: PayoutLedger
  /** Transfers to hosts' accounts at the payout provider. */
  readonly payoutGateway: PayoutGateway
  readonly publisher: EventPublisher
  readonly outbox: OutboxSource
  /** The rates a search converts prices into its currency with. */
  readonly exchangeRates: ExchangeRates
  readonly clock: Clock
  readonly ids: IdGenerator
  readonly hasher: PasswordHasher
  readonly notifier: Notifier
  /** Secrets of the tokens handed to users, and their stored digests. */
  readonly secrets: SecretGenerator
  /** Refresh-token families (sign-in sessions). */
  readonly sessions: SessionStore
  readonly settings: CoreSettings
}

/** Tunables of the core, with the defaults of DESIGN.md. */
export interface CoreSettings {
  /** Most bookings a guest may have waiting for payment or a host at once. */
  readonly maxPendingBookingsPerGuest: number
  /** How many times a use case retries after losing an optimistic-concurrency race. */
  readonly concurrencyRetries: number
  /** Hours after check-in (the listing's time zone) when a booking's earning becomes payable to the host. */
  readonly payoutDelayHours: number
  /** Hours a payable balance waits before the next try when the host has no payout account or a payout failed. */
  readonly payoutRetryHours: number
  /** Only a guest whose e-mail is verified may book (`EmailNotVerified`). Off by default in the core. */
  readonly requireVerifiedEmail: boolean
}
export const defaultSettings: CoreSettings = {
  maxPendingBookingsPerGuest: 3,
  concurrencyRetries: 5,
  payoutDelayHours: 24,
  payoutRetryHours: 6,
  requireVerifiedEmail: false,
}
