/**
 * innkeeper's public API: the core's value types and pure rules, every use case with its input
 * schema, the driven ports with their Inversify tokens, and the in-memory engine with its Promise
 * facade. Adapters other than the in-memory ones are reached through their own entry points.
 */

// ---- composition: the in-memory engine, the Inversify wiring, the Promise facade ----
export { bindCore, resolveUseCases } from './apps/composition/bind-core.js'
export {
  createInMemoryEngine,
  type InMemoryAdapters,
  type InMemoryEngine,
  type InMemoryEngineOptions,
  type TickReport,
} from './apps/composition/in-memory-engine.js'
export {
  type PromiseError,
  type PromiseFacade,
  type PromiseMethod,
  promiseFacade,
} from './apps/composition/promise-facade.js'
export { runToPromise } from './apps/composition/run-to-promise.js'
export { CoreDepsToken, CoreSettingsToken } from './apps/composition/tokens.js'
export { type UseCaseClasses, type UseCases, useCaseClasses } from './apps/composition/use-cases.js'
export * from './core/bookings/booking.js'
export * from './core/bookings/lifecycle.js'
export * from './core/events/events.js'
export * from './core/listings/listing.js'
export * from './core/listings/restrictions.js'
export { haversineKm, type SearchPoint, sortKey } from './core/listings/search-order.js'
export * from './core/payments/payment.js'
export * from './core/policies/cancellation.js'
export * from './core/pricing/quote.js'
export {
  type HostReport as HostReportData,
  hostReport,
  type ListingReport,
  type MoneyTotals,
  nightsInPeriod,
  occupiedStates,
  proRate,
  type ReportPeriod,
  type StateCounts,
} from './core/reports/host-report.js'
export * from './core/reviews/rating.js'
export * from './core/reviews/review.js'
// ---- shared values: money, dates, ids, time, errors ----
export * from './core/shared/brand.js'
export * from './core/shared/dates.js'
export * from './core/shared/errors.js'
export * from './core/shared/ids.js'
export * from './core/shared/money.js'
export * from './core/shared/time.js'
export { decodeInput, decodeInputResult, issuesOf } from './core/shared/validation.js'
export * from './core/use-cases/accept-booking.js'
export * from './core/use-cases/add-to-wishlist.js'
export * from './core/use-cases/apply-payment-event.js'
export * from './core/use-cases/authenticate.js'
export * from './core/use-cases/calendar.js'
// ---- use cases, their inputs and results ----
export * from './core/use-cases/caller.js'
export * from './core/use-cases/cancel-booking.js'
export { CreateListing } from './core/use-cases/create-listing.js'
export * from './core/use-cases/decline-booking.js'
export * from './core/use-cases/delete-guest-profile.js'
export { type CoreDeps, type CoreSettings, defaultSettings } from './core/use-cases/deps.js'
export * from './core/use-cases/end-session.js'
export * from './core/use-cases/get-booking.js'
export * from './core/use-cases/get-listing.js'
export * from './core/use-cases/get-user.js'
export * from './core/use-cases/hide-review.js'
export * from './core/use-cases/host-report.js'
export * from './core/use-cases/list-bookings.js'
export * from './core/use-cases/list-guest-profiles.js'
export * from './core/use-cases/list-listing-reviews.js'
export * from './core/use-cases/list-user-reviews.js'
export * from './core/use-cases/list-users.js'
export * from './core/use-cases/list-wishlist.js'
export * from './core/use-cases/listing-input.js'
export * from './core/use-cases/listing-status.js'
export * from './core/use-cases/modify-booking.js'
export * from './core/use-cases/page-input.js'
export * from './core/use-cases/payment-queries.js'
export * from './core/use-cases/post-review.js'
export * from './core/use-cases/quote-stay.js'
export * from './core/use-cases/refresh-session.js'
export * from './core/use-cases/register-user.js'
export * from './core/use-cases/reinstate-user.js'
export * from './core/use-cases/relay-outbox.js'
export * from './core/use-cases/remove-from-wishlist.js'
export * from './core/use-cases/request-booking.js'
export * from './core/use-cases/request-password-reset.js'
export * from './core/use-cases/resend-verification.js'
export * from './core/use-cases/reset-password.js'
export * from './core/use-cases/respond-to-review.js'
export * from './core/use-cases/reveal-due-reviews.js'
export { type DueReport, RunDueTransitions } from './core/use-cases/run-due-transitions.js'
export * from './core/use-cases/save-guest-profile.js'
export * from './core/use-cases/schemas.js'
export * from './core/use-cases/search-listings.js'
export * from './core/use-cases/start-payment.js'
export * from './core/use-cases/start-session.js'
export * from './core/use-cases/suspend-user.js'
export * from './core/use-cases/update-listing.js'
export * from './core/use-cases/update-profile.js'
export * from './core/use-cases/verify-email.js'
// ---- domain: users, listings, pricing, policies, bookings, payments, reviews, reports, events ----
export * from './core/users/user.js'
// ---- driven ports and their Inversify tokens ----
export * from './ports/index.js'
