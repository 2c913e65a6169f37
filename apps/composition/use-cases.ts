import { AcceptBooking } from '../../core/use-cases/accept-booking.js'
import { AddToWishlist } from '../../core/use-cases/add-to-wishlist.js'
import { ApplyPaymentEvent } from '../../core/use-cases/apply-payment-event.js'
import { Authenticate } from '../../core/use-cases/authenticate.js'
import { GetCalendar, SetCalendar } from '../../core/use-cases/calendar.js'
import { CancelBooking } from '../../core/use-cases/cancel-booking.js'
import { CreateListing } from '../../core/use-cases/create-listing.js'
import { DeclineBooking } from '../../core/use-cases/decline-booking.js'
import { DeleteGuestProfile } from '../../core/use-cases/delete-guest-profile.js'
import type { CoreDeps } from '../../core/use-cases/deps.js'
import { EndSession } from '../../core/use-cases/end-session.js'
import { GetBooking } from '../../core/use-cases/get-booking.js'
import { GetListing } from '../../core/use-cases/get-listing.js'
import { GetMe } from '../../core/use-cases/get-me.js'
import { GetUser } from '../../core/use-cases/get-user.js'
import { HideReview } from '../../core/use-cases/hide-review.js'
import { HostReport } from '../../core/use-cases/host-report.js'
import { ListGuestBookings, ListHostBookings } from '../../core/use-cases/list-bookings.js'
import { ListGuestProfiles } from '../../core/use-cases/list-guest-profiles.js'
import { ListListingReviews } from '../../core/use-cases/list-listing-reviews.js'
import { ListUserReviews } from '../../core/use-cases/list-user-reviews.js'
import { ListUsers } from '../../core/use-cases/list-users.js'
import { ListWishlist } from '../../core/use-cases/list-wishlist.js'
import { ActivateListing, ArchiveListing, DeactivateListing } from '../../core/use-cases/listing-status.js'
import { ModifyBooking } from '../../core/use-cases/modify-booking.js'
import { NotifyOnEvent } from '../../core/use-cases/notify-on-event.js'
import { GetPayment, ListPayments } from '../../core/use-cases/payment-queries.js'
import { PostReview } from '../../core/use-cases/post-review.js'
import { QuoteStay } from '../../core/use-cases/quote-stay.js'
import { RefreshSession } from '../../core/use-cases/refresh-session.js'
import { RegisterUser } from '../../core/use-cases/register-user.js'
import { ReinstateUser } from '../../core/use-cases/reinstate-user.js'
import { RelayOutbox } from '../../core/use-cases/relay-outbox.js'
import { RemoveFromWishlist } from '../../core/use-cases/remove-from-wishlist.js'
import { RequestBooking } from '../../core/use-cases/request-booking.js'
import { RequestPasswordReset } from '../../core/use-cases/request-password-reset.js'
import { ResendVerification } from '../../core/use-cases/resend-verification.js'
import { ResetPassword } from '../../core/use-cases/reset-password.js'
import { RespondToReview } from '../../core/use-cases/respond-to-review.js'
import { RevealDueReviews } from '../../core/use-cases/reveal-due-reviews.js'
import { RunDueTransitions } from '../../core/use-cases/run-due-transitions.js'
import { SaveGuestProfile } from '../../core/use-cases/save-guest-profile.js'
import { SearchListings } from '../../core/use-cases/search-listings.js'
import { StartPayment } from '../../core/use-cases/start-payment.js'
import { StartSession } from '../../core/use-cases/start-session.js'
import { SuspendUser } from '../../core/use-cases/suspend-user.js'
import { UpdateListing } from '../../core/use-cases/update-listing.js'
import { UpdateProfile } from '../../core/use-cases/update-profile.js'
import { VerifyEmail } from '../../core/use-cases/verify-email.js'

/**
 * Every use case of the core, by the name the engine exposes it under. Each class is its own
 * Inversify service identifier; each is built from the one `CoreDeps` object (a use case reads
 * only the ports its constructor's `Pick` names).
 */
export const useCaseClasses = {
  registerUser: RegisterUser,
  authenticate: Authenticate,
  startSession: StartSession,
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
  postReview: PostReview,
  respondToReview: RespondToReview,
  hideReview: HideReview,
  revealDueReviews: RevealDueReviews,
  listListingReviews: ListListingReviews,
  listUserReviews: ListUserReviews,
  addToWishlist: AddToWishlist,
  removeFromWishlist: RemoveFromWishlist,
  listWishlist: ListWishlist,
  hostReport: HostReport,
  relayOutbox: RelayOutbox,
  notifyOnEvent: NotifyOnEvent,
} as const satisfies Record<string, new (deps: CoreDeps) => unknown>

export type UseCaseClasses = typeof useCaseClasses
export type UseCases = { readonly [K in keyof UseCaseClasses]: InstanceType<UseCaseClasses[K]> }
