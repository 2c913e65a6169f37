import { AcceptBooking } from '../../core/application/accept-booking.js'
import { ActivateListing } from '../../core/application/activate-listing.js'
import { AddToWishlist } from '../../core/application/add-to-wishlist.js'
import { ApplyPaymentEvent } from '../../core/application/apply-payment-event.js'
import { ArchiveListing } from '../../core/application/archive-listing.js'
import { Authenticate } from '../../core/application/authenticate.js'
import { AuthorizeWrite } from '../../core/application/authorize-write.js'
import { CancelBooking } from '../../core/application/cancel-booking.js'
import { CheckoutBooking } from '../../core/application/checkout-booking.js'
import { CreateListing } from '../../core/application/create-listing.js'
import { DeactivateListing } from '../../core/application/deactivate-listing.js'
import { DeclineBooking } from '../../core/application/decline-booking.js'
import { DeleteGuestProfile } from '../../core/application/delete-guest-profile.js'
import { EndSession } from '../../core/application/end-session.js'
import { GetBooking } from '../../core/application/get-booking.js'
import { GetCalendar } from '../../core/application/get-calendar.js'
import { GetHostReport } from '../../core/application/get-host-report.js'
import { GetListing } from '../../core/application/get-listing.js'
import { GetMe } from '../../core/application/get-me.js'
import { GetPayment } from '../../core/application/get-payment.js'
import { GetPayoutBalance } from '../../core/application/get-payout-balance.js'
import { GetUser } from '../../core/application/get-user.js'
import { HideReview } from '../../core/application/hide-review.js'
import { ListGuestBookings } from '../../core/application/list-guest-bookings.js'
import { ListGuestProfiles } from '../../core/application/list-guest-profiles.js'
import { ListHostBookings } from '../../core/application/list-host-bookings.js'
import { ListListingReviews } from '../../core/application/list-listing-reviews.js'
import { ListPayments } from '../../core/application/list-payments.js'
import { ListPayouts } from '../../core/application/list-payouts.js'
import { ListUserReviews } from '../../core/application/list-user-reviews.js'
import { ListUsers } from '../../core/application/list-users.js'
import { ListWishlist } from '../../core/application/list-wishlist.js'
import { ModifyBooking } from '../../core/application/modify-booking.js'
import { NotifyOnEvent } from '../../core/application/notify-on-event.js'
import { PostReview } from '../../core/application/post-review.js'
import { QuoteStay } from '../../core/application/quote-stay.js'
import { RecordEarnings } from '../../core/application/record-earnings.js'
import { RefreshSession } from '../../core/application/refresh-session.js'
import { RegisterUser } from '../../core/application/register-user.js'
import { ReinstateUser } from '../../core/application/reinstate-user.js'
import { RelayOutbox } from '../../core/application/relay-outbox.js'
import { RemoveFromWishlist } from '../../core/application/remove-from-wishlist.js'
import { RequestBooking } from '../../core/application/request-booking.js'
import { RequestPasswordReset } from '../../core/application/request-password-reset.js'
import { ResendVerification } from '../../core/application/resend-verification.js'
import { ResetPassword } from '../../core/application/reset-password.js'
import { RespondToReview } from '../../core/application/respond-to-review.js'
import { RevealDueReviews } from '../../core/application/reveal-due-reviews.js'
import { RunDuePayouts } from '../../core/application/run-due-payouts.js'
import { RunDueTransitions } from '../../core/application/run-due-transitions.js'
import { SaveGuestProfile } from '../../core/application/save-guest-profile.js'
import { SearchListings } from '../../core/application/search-listings.js'
import { SetCalendar } from '../../core/application/set-calendar.js'
import { StartPayment } from '../../core/application/start-payment.js'
import { StartSession } from '../../core/application/start-session.js'
import type { CoreDeps } from '../../core/application/support/deps.js'
import { SuspendUser } from '../../core/application/suspend-user.js'
import { UpdateListing } from '../../core/application/update-listing.js'
import { UpdateProfile } from '../../core/application/update-profile.js'
import { VerifyEmail } from '../../core/application/verify-email.js'

/**
 * Every use case of the core, by the name the engine exposes it under. Each class is its own
 * Inversify service identifier; each is built from the one `CoreDeps` object (a use case reads
 * only the ports its constructor's `Pick` names).
 */
export const useCaseClasses = {
  registerUser: RegisterUser,
  authenticate: Authenticate,
  startSession: StartSession,
  authorizeWrite: AuthorizeWrite,
  refreshSession: RefreshSession,
  endSession: EndSession,
  requestPasswordReset: RequestPasswordReset,
  resetPassword: ResetPassword,
  verifyEmail: VerifyEmail,
  resendVerification: ResendVerification,
  updateProfile: UpdateProfile,
  suspendUser: SuspendUser,
  reinstateUser: ReinstateUser,
  getMe: GetMe,
  getUser: GetUser,
  listUsers: ListUsers,
  saveGuestProfile: SaveGuestProfile,
  listGuestProfiles: ListGuestProfiles,
  deleteGuestProfile: DeleteGuestProfile,
  createListing: CreateListing,
  updateListing: UpdateListing,
  activateListing: ActivateListing,
  deactivateListing: DeactivateListing,
  archiveListing: ArchiveListing,
  getListing: GetListing,
  setCalendar: SetCalendar,
  getCalendar: GetCalendar,
  quoteStay: QuoteStay,
  searchListings: SearchListings,
  requestBooking: RequestBooking,
  startPayment: StartPayment,
  checkoutBooking: CheckoutBooking,
  applyPaymentEvent: ApplyPaymentEvent,
  acceptBooking: AcceptBooking,
  declineBooking: DeclineBooking,
  cancelBooking: CancelBooking,
  modifyBooking: ModifyBooking,
  getBooking: GetBooking,
  listGuestBookings: ListGuestBookings,
  listHostBookings: ListHostBookings,
  getPayment: GetPayment,
  listPayments: ListPayments,
  runDueTransitions: RunDueTransitions,
  recordEarnings: RecordEarnings,
  runDuePayouts: RunDuePayouts,
  listPayouts: ListPayouts,
  getPayoutBalance: GetPayoutBalance,
  postReview: PostReview,
  respondToReview: RespondToReview,
  hideReview: HideReview,
  revealDueReviews: RevealDueReviews,
  listListingReviews: ListListingReviews,
  listUserReviews: ListUserReviews,
  addToWishlist: AddToWishlist,
  removeFromWishlist: RemoveFromWishlist,
  listWishlist: ListWishlist,
  hostReport: GetHostReport,
  relayOutbox: RelayOutbox,
  notifyOnEvent: NotifyOnEvent,
} as const satisfies Record<string, new (deps: CoreDeps) => unknown>

export type UseCaseClasses = typeof useCaseClasses
export type UseCases = { readonly [K in keyof UseCaseClasses]: InstanceType<UseCaseClasses[K]> }
