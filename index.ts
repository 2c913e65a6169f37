/**
 * `innkeeper`: the core. The domain's value types and pure rules, every use case with its input
 * schema, and the driven ports with their Inversify tokens (symbols; no Inversify at run time).
 * Depends on `effect` only and has no side effects. The engine (Inversify composition, Promise
 * facade) is `innkeeper/engine`; adapters are `innkeeper/memory`, `innkeeper/node`, … .
 */

export * from './core/application/accept-booking.js'
export * from './core/application/activate-listing.js'
export * from './core/application/add-to-wishlist.js'
export * from './core/application/apply-payment-event.js'
export * from './core/application/authenticate.js'
export * from './core/application/cancel-booking.js'
export * from './core/application/checkout-booking.js'
export { CreateListing } from './core/application/create-listing.js'
export * from './core/application/decline-booking.js'
export * from './core/application/delete-guest-profile.js'
export * from './core/application/end-session.js'
export * from './core/application/get-booking.js'
export * from './core/application/get-host-report.js'
export * from './core/application/get-listing.js'
export * from './core/application/get-payment.js'
export * from './core/application/get-payout-balance.js'
export * from './core/application/get-user.js'
export * from './core/application/hide-review.js'
export * from './core/application/list-guest-bookings.js'
export * from './core/application/list-guest-profiles.js'
export * from './core/application/list-listing-reviews.js'
export * from './core/application/list-payouts.js'
export * from './core/application/list-user-reviews.js'
export * from './core/application/list-users.js'
export * from './core/application/list-wishlist.js'
export * from './core/application/modify-booking.js'
export * from './core/application/post-review.js'
export * from './core/application/quote-stay.js'
export * from './core/application/record-earnings.js'
export * from './core/application/refresh-session.js'
export * from './core/application/register-user.js'
export * from './core/application/reinstate-user.js'
export * from './core/application/relay-outbox.js'
export * from './core/application/remove-from-wishlist.js'
export * from './core/application/request-booking.js'
export * from './core/application/request-password-reset.js'
export * from './core/application/resend-verification.js'
export * from './core/application/reset-password.js'
export * from './core/application/respond-to-review.js'
export * from './core/application/reveal-due-reviews.js'
export { type PayoutRunReport, RunDuePayouts } from './core/application/run-due-payouts.js'
export { type DueReport, RunDueTransitions } from './core/application/run-due-transitions.js'
export * from './core/application/save-guest-profile.js'
export * from './core/application/search-listings.js'
export * from './core/application/set-calendar.js'
export * from './core/application/start-payment.js'
export * from './core/application/start-session.js'
// ---- use cases, their inputs and results ----
export * from './core/application/support/caller.js'
export { type CoreDeps, type CoreSettings, defaultSettings } from './core/application/support/deps.js'
export * from './core/application/support/listing-input.js'
export * from './core/application/support/page-input.js'
export * from './core/application/support/schemas.js'
export * from './core/application/suspend-user.js'
export * from './core/application/update-listing.js'
export * from './core/application/update-profile.js'
export * from './core/application/verify-email.js'
export { availableUnits, hasFreeUnit, unitsTaken } from './core/domain/availability/night.js'
export * from './core/domain/bookings/booking.js'
export * from './core/domain/bookings/booking-events.js'
export * from './core/domain/bookings/lifecycle.js'
export * from './core/domain/bookings/new-booking.js'
export type { EventPayload } from './core/domain/events/catalogue.js'
export * from './core/domain/events/events.js'
export { cityKey, listingMatches, stayShape } from './core/domain/listings/filter.js'
export * from './core/domain/listings/listing.js'
export * from './core/domain/listings/restrictions.js'
export { haversineKm, type SearchPoint, sortKey } from './core/domain/listings/search-order.js'
export * from './core/domain/payments/payment.js'
export * from './core/domain/payments/payment-events.js'
export * from './core/domain/payouts/errors.js'
export * from './core/domain/payouts/ledger.js'
export * from './core/domain/policies/cancellation.js'
export * from './core/domain/pricing/quote.js'
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
} from './core/domain/reports/host-report.js'
export * from './core/domain/reviews/rating.js'
export * from './core/domain/reviews/review.js'
export * from './core/domain/reviews/review-events.js'
// ---- shared values: money, dates, ids, time, errors ----
export * from './core/domain/shared/brand.js'
export * from './core/domain/shared/dates.js'
export * from './core/domain/shared/errors.js'
export * from './core/domain/shared/ids.js'
export * from './core/domain/shared/money.js'
export * from './core/domain/shared/time.js'
export {
  decodeInput,
  decodeInputResult,
  describeIssue,
  issueLines,
  issueList,
  issuesOf,
} from './core/domain/shared/validation.js'
// ---- domain: users, listings, pricing, policies, bookings, payments, reviews, reports, events ----
export * from './core/domain/users/user.js'
// ---- driven ports and their Inversify tokens ----
export * from './ports/index.js'
