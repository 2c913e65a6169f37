export {
  type CollectionKey,
  collectionNames,
  ensureIndexes,
  type IndexSpec,
  indexSpecs,
} from './collections.js'
export { createMongoAdapters, type MongoAdapterOptions, type MongoAdapters } from './factory.js'
export * from './mongo-availability-store.js'
export * from './mongo-booking-repository.js'
export * from './mongo-guest-profile-repository.js'
export * from './mongo-listing-repository.js'
export * from './mongo-outbox.js'
export * from './mongo-payment-repository.js'
export * from './mongo-payout-ledger.js'
export * from './mongo-review-repository.js'
export * from './mongo-user-repository.js'
export * from './mongo-wishlist-repository.js'
export { RevisionLog } from './revisions.js'
export { MalformedDocument, MongoCommandFailed, SCHEMA_VERSION } from './support.js'
