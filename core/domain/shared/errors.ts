import { Data } from 'effect'
import type { LocalDate } from './dates.js'

/**
 * Expected failures of the core. Each is a fact (no `Error` suffix) with a stable `code` that the
 * HTTP adapter maps to a status and clients may switch on. Codes never change once released.
 */

export interface FieldIssue {
  readonly path: string
  readonly message: string
}

export class ValidationFailed extends Data.TaggedError('ValidationFailed')<{
  readonly issues: readonly FieldIssue[]
}> {
  readonly code = 'validation_failed' as const
  override get message(): string {
    return this.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')
  }
}

/**
 * A page cursor sent with another search than the one that issued it (other filters, sort,
 * currency or exchange rates): its position means nothing there, so the page is refused rather
 * than answered empty or wrong. Start the search again without a cursor.
 */
export class CursorMismatch extends Data.TaggedError('CursorMismatch')<Record<never, never>> {
  readonly code = 'cursor_mismatch' as const
  override get message(): string {
    return 'the cursor belongs to another search (other filters, sort or currency): search again without it'
  }
}

export class UserNotFound extends Data.TaggedError('UserNotFound')<{ readonly userId: string }> {
  readonly code = 'user_not_found' as const
}
export class ListingNotFound extends Data.TaggedError('ListingNotFound')<{ readonly listingId: string }> {
  readonly code = 'listing_not_found' as const
}
export class BookingNotFound extends Data.TaggedError('BookingNotFound')<{ readonly bookingId: string }> {
  readonly code = 'booking_not_found' as const
}
export class PaymentNotFound extends Data.TaggedError('PaymentNotFound')<{ readonly paymentId: string }> {
  readonly code = 'payment_not_found' as const
}
export class ReviewNotFound extends Data.TaggedError('ReviewNotFound')<{ readonly reviewId: string }> {
  readonly code = 'review_not_found' as const
}
export class GuestProfileNotFound extends Data.TaggedError('GuestProfileNotFound')<{
  readonly guestProfileId: string
}> {
  readonly code = 'guest_profile_not_found' as const
}

export class EmailAlreadyRegistered extends Data.TaggedError('EmailAlreadyRegistered')<{
  readonly email: string
}> {
  readonly code = 'email_already_registered' as const
}
/** Unknown e-mail and wrong password are the same fact to the caller. */
export class InvalidCredentials extends Data.TaggedError('InvalidCredentials')<Record<never, never>> {
  readonly code = 'invalid_credentials' as const
}
export class UserSuspended extends Data.TaggedError('UserSuspended')<{ readonly userId: string }> {
  readonly code = 'user_suspended' as const
}
/** The actor may not do this (role or ownership). */
export class Forbidden extends Data.TaggedError('Forbidden')<{ readonly reason: string }> {
  readonly code = 'forbidden' as const
}

/** `auto_confirm` (the payer's side played by the server) asked for where it is not installed: production. */
export class AutoConfirmNotAllowed extends Data.TaggedError('AutoConfirmNotAllowed')<Record<never, never>> {
  readonly code = 'auto_confirm_not_allowed' as const
  override get message(): string {
    return 'auto_confirm is only accepted in development mode'
  }
}

/**
 * A request key (the client's Idempotency-Key) sent again with another request than the one it
 * first named: the retry of a booking must ask for the same stay.
 */
export class RequestKeyReused extends Data.TaggedError('RequestKeyReused')<Record<never, never>> {
  readonly code = 'idempotency_key_reused' as const
  override get message(): string {
    return 'This Idempotency-Key was used with another request'
  }
}

export class ListingNotBookable extends Data.TaggedError('ListingNotBookable')<{
  readonly listingId: string
  readonly reason: string
}> {
  readonly code = 'listing_not_bookable' as const
}
/** The deployment requires a verified e-mail before booking, and the guest's is not verified yet. */
export class EmailNotVerified extends Data.TaggedError('EmailNotVerified')<{ readonly userId: string }> {
  readonly code = 'email_not_verified' as const
  override get message(): string {
    return 'Verify your e-mail address before booking'
  }
}

/** The listing's host is suspended: the listing is out of search and takes no quotes or bookings. */
export class HostSuspended extends Data.TaggedError('HostSuspended')<{ readonly listingId: string }> {
  readonly code = 'host_suspended' as const
  override get message(): string {
    return "The listing's host is suspended; it takes no bookings"
  }
}
export type StayRule =
  | 'min_nights'
  | 'max_nights'
  | 'advance_notice'
  | 'booking_window'
  | 'check_in_weekday'
  | 'check_out_weekday'
  | 'max_guests'
  | 'past_date'
  /** The stay would cost nothing: it could never be paid for, so it is not booked. */
  | 'zero_price'
export class StayRestrictionViolated extends Data.TaggedError('StayRestrictionViolated')<{
  readonly rule: StayRule
  readonly detail: string
}> {
  readonly code = 'stay_restriction_violated' as const
}
export class NightsUnavailable extends Data.TaggedError('NightsUnavailable')<{
  readonly listingId: string
  readonly nights: readonly LocalDate[]
}> {
  readonly code = 'nights_unavailable' as const
}
export class TooManyPendingBookings extends Data.TaggedError('TooManyPendingBookings')<{
  readonly limit: number
}> {
  readonly code = 'too_many_pending_bookings' as const
}
export class InvalidTransition extends Data.TaggedError('InvalidTransition')<{
  readonly from: string
  readonly transition: string
  readonly reason: string
}> {
  readonly code = 'invalid_transition' as const
}
/** Someone else changed the record first (optimistic concurrency); retry with fresh state. */
export class ConcurrentModification extends Data.TaggedError('ConcurrentModification')<{
  readonly entity: string
  readonly id: string
}> {
  readonly code = 'concurrent_modification' as const
}
export class PaymentDeclined extends Data.TaggedError('PaymentDeclined')<{ readonly reason: string }> {
  readonly code = 'payment_declined' as const
}
/**
 * The payment provider could not be reached (network errors, timeouts, 429 or 5xx after bounded
 * retries, or its circuit breaker open). Nothing was changed on our side; retry after `retryAfterMs`.
 * The same error for payouts (the provider's transfers): one unavailable error, one stable code.
 */
export class PaymentProviderUnavailable extends Data.TaggedError('PaymentProviderUnavailable')<{
  readonly provider: string
  readonly reason: string
  readonly retryAfterMs: number
}> {
  readonly code = 'payment_provider_unavailable' as const
  override get message(): string {
    return `the payment provider ${this.provider} is unavailable: ${this.reason}`
  }
}
export class InvalidProviderEvent extends Data.TaggedError('InvalidProviderEvent')<{
  readonly reason: string
}> {
  readonly code = 'invalid_provider_event' as const
}
export class ReviewNotAllowed extends Data.TaggedError('ReviewNotAllowed')<{ readonly reason: string }> {
  readonly code = 'review_not_allowed' as const
}
export class ReviewAlreadyPosted extends Data.TaggedError('ReviewAlreadyPosted')<{
  readonly bookingId: string
}> {
  readonly code = 'review_already_posted' as const
}
export class ResponseAlreadyPosted extends Data.TaggedError('ResponseAlreadyPosted')<{
  readonly reviewId: string
}> {
  readonly code = 'response_already_posted' as const
}
export class RefreshTokenInvalid extends Data.TaggedError('RefreshTokenInvalid')<Record<never, never>> {
  readonly code = 'refresh_token_invalid' as const
}
/** A rotated refresh token was presented again: its whole family has been revoked. */
export class RefreshTokenReused extends Data.TaggedError('RefreshTokenReused')<{
  readonly familyId: string
}> {
  readonly code = 'refresh_token_reused' as const
}

/**
 * A refresh token of a session its user signed out of (logout): the session is over, and the token
 * is no sign of theft, unlike `RefreshTokenReused`.
 */
export class SessionEnded extends Data.TaggedError('SessionEnded')<Record<never, never>> {
  readonly code = 'session_ended' as const
  override get message(): string {
    return 'This session was signed out; log in again'
  }
}

/** A password-reset link that is malformed, unknown, already used, superseded or expired: one fact. */
export class ResetTokenInvalid extends Data.TaggedError('ResetTokenInvalid')<Record<never, never>> {
  readonly code = 'reset_token_invalid' as const
}
/** An e-mail verification link that is malformed, unknown, already used, superseded or expired. */
export class VerificationTokenInvalid extends Data.TaggedError('VerificationTokenInvalid')<
  Record<never, never>
> {
  readonly code = 'verification_token_invalid' as const
}

export type NotFoundError =
  | UserNotFound
  | ListingNotFound
  | BookingNotFound
  | PaymentNotFound
  | ReviewNotFound
  | GuestProfileNotFound

/** Every expected failure of the core, for adapters that map errors exhaustively. */
export type InnkeeperError =
  | ValidationFailed
  | CursorMismatch
  | NotFoundError
  | EmailAlreadyRegistered
  | InvalidCredentials
  | UserSuspended
  | EmailNotVerified
  | Forbidden
  | ListingNotBookable
  | HostSuspended
  | StayRestrictionViolated
  | NightsUnavailable
  | TooManyPendingBookings
  | RequestKeyReused
  | InvalidTransition
  | ConcurrentModification
  | PaymentDeclined
  | PaymentProviderUnavailable
  | InvalidProviderEvent
  | ReviewNotAllowed
  | ReviewAlreadyPosted
  | ResponseAlreadyPosted
  | RefreshTokenInvalid
  | RefreshTokenReused
  | SessionEnded
  | ResetTokenInvalid
  | VerificationTokenInvalid

/** The stable `code` of every expected failure. */
export type ErrorCode = InnkeeperError['code']

/**
 * Narrows a caught value (a `catch` clause's `unknown`) to the core error with this stable code,
 * without casts: `if (hasErrorCode(e, 'nights_unavailable')) e.nights`.
 */
export const hasErrorCode = <C extends ErrorCode>(
  e: unknown,
  code: C,
): e is Extract<InnkeeperError, { readonly code: C }> =>
  typeof e === 'object' && e !== null && '_tag' in e && 'code' in e && e.code === code
