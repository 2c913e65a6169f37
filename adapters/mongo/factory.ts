import type { Db } from 'mongodb'
import type { AvailabilityStore } from '../../ports/availability-store.js'
import type { Clock } from '../../ports/clock.js'
import type { OutboxSource } from '../../ports/events.js'
import type { PayoutLedger } from '../../ports/payouts.js'
import type {
  BookingRepository,
  GuestProfileRepository,
  ListingRepository,
  PaymentRepository,
  ReviewRepository,
  UserRepository,
  WishlistRepository,
} from '../../ports/repositories.js'
import { type Collections, collectionsOf, ensureIndexes } from './collections.js'
import { MongoAvailabilityStore } from './mongo-availability-store.js'
import { MongoBookingRepository } from './mongo-booking-repository.js'
import { MongoGuestProfileRepository } from './mongo-guest-profile-repository.js'
import { MongoListingRepository } from './mongo-listing-repository.js'
import { MongoOutbox } from './mongo-outbox.js'
import { MongoPaymentRepository } from './mongo-payment-repository.js'
import { MongoPayoutLedger } from './mongo-payout-ledger.js'
import { MongoReviewRepository } from './mongo-review-repository.js'
import { MongoUserRepository } from './mongo-user-repository.js'
import { MongoWishlistRepository } from './mongo-wishlist-repository.js'
import { RevisionLog } from './revisions.js'

export interface MongoAdapterOptions {
  /**
   * "Now" for hold expiry and e-mail and ledger key claim age. Correctness of expiry follows this clock; every
   * process sharing a database should use the same time source.
   */
  readonly clock: Clock
}

/** Every port the Mongo store implements, built on one database. */
export interface MongoAdapters {
  readonly users: UserRepository
  readonly listings: ListingRepository
  readonly bookings: BookingRepository
  readonly payments: PaymentRepository
  readonly reviews: ReviewRepository
  readonly wishlists: WishlistRepository
  readonly guestProfiles: GuestProfileRepository
  readonly availability: AvailabilityStore
  /** Host payout accounts, their entries and payouts. */
  readonly payoutLedger: PayoutLedger
  /** What the outbox relay reads: the events every repository wrote with its changes. */
  readonly outbox: OutboxSource
  /** Creates the indexes (idempotent): call once at start-up, before serving. */
  readonly ensureIndexes: () => Promise<void>
  /** The revision log the repositories share (for diagnostics and tests). */
  readonly log: RevisionLog
  readonly collections: Collections
}

/**
 * The Mongo adapters on `db` (from a connected `MongoClient`). Repositories built by one call share
 * one revision log, as the outbox must see every repository's events. The adapters never close the
 * client; the composition root owns it.
 */
export const createMongoAdapters = (db: Db, options: MongoAdapterOptions): MongoAdapters => {
  const collections = collectionsOf(db)
  const log = new RevisionLog(collections)
  return {
    users: new MongoUserRepository(log, collections, options.clock),
    listings: new MongoListingRepository(log, collections),
    bookings: new MongoBookingRepository(log, collections),
    payments: new MongoPaymentRepository(log, collections),
    reviews: new MongoReviewRepository(log, collections),
    wishlists: new MongoWishlistRepository(collections),
    guestProfiles: new MongoGuestProfileRepository(collections),
    availability: new MongoAvailabilityStore(collections, options.clock),
    payoutLedger: new MongoPayoutLedger(log, collections, options.clock),
    outbox: new MongoOutbox(log),
    ensureIndexes: () => ensureIndexes(db),
    log,
    collections,
  }
}
