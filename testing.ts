/**
 * `innkeeper/testing`: the port contract suites, one per port, that every adapter must pass; run
 * them from your own vitest suite against your adapter (`userRepositoryContract('mine', async () =>
 * ({ ... }))`), plus the fixtures they use. Needs `vitest` (an optional peer dependency).
 */
export * from './tests/contract/availability-store.contract.js'
export * from './tests/contract/booking-repository.contract.js'
export * from './tests/contract/cache.contract.js'
export * from './tests/contract/clock.contract.js'
export * from './tests/contract/event-publisher.contract.js'
export * from './tests/contract/fixtures.js'
export * from './tests/contract/guest-profile-repository.contract.js'
export * from './tests/contract/id-generator.contract.js'
export * from './tests/contract/idempotency-store.contract.js'
export * from './tests/contract/listing-repository.contract.js'
export * from './tests/contract/notifier.contract.js'
export * from './tests/contract/outbox.contract.js'
export * from './tests/contract/password-hasher.contract.js'
export * from './tests/contract/payment-gateway.contract.js'
export * from './tests/contract/payment-repository.contract.js'
export * from './tests/contract/rate-limiter.contract.js'
export * from './tests/contract/review-repository.contract.js'
export * from './tests/contract/secret-generator.contract.js'
export * from './tests/contract/session-store.contract.js'
export * from './tests/contract/user-repository.contract.js'
export * from './tests/contract/wishlist-repository.contract.js'
