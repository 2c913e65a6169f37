import type { AcceptBooking } from '../../core/application/accept-booking.js'
import type { ActivateListing } from '../../core/application/activate-listing.js'
import type { AddToWishlist } from '../../core/application/add-to-wishlist.js'
import type { ApplyPaymentEvent } from '../../core/application/apply-payment-event.js'
import type { ArchiveListing } from '../../core/application/archive-listing.js'
import type { AuthorizeWrite } from '../../core/application/authorize-write.js'
import type { CancelBooking } from '../../core/application/cancel-booking.js'
import type { CheckoutBooking } from '../../core/application/checkout-booking.js'
import type { CreateListing } from '../../core/application/create-listing.js'
import type { DeactivateListing } from '../../core/application/deactivate-listing.js'
import type { DeclineBooking } from '../../core/application/decline-booking.js'
import type { DeleteGuestProfile } from '../../core/application/delete-guest-profile.js'
import type { EndSession } from '../../core/application/end-session.js'
import type { GetBooking } from '../../core/application/get-booking.js'
import type { GetCalendar } from '../../core/application/get-calendar.js'
import type { GetHostReport } from '../../core/application/get-host-report.js'
import type { GetListing } from '../../core/application/get-listing.js'
import type { GetMe } from '../../core/application/get-me.js'
import type { GetPayment } from '../../core/application/get-payment.js'
import type { GetPayoutBalance } from '../../core/application/get-payout-balance.js'
import type { GetUser } from '../../core/application/get-user.js'
import type { HideReview } from '../../core/application/hide-review.js'
import type { ListGuestBookings } from '../../core/application/list-guest-bookings.js'
import type { ListGuestProfiles } from '../../core/application/list-guest-profiles.js'
import type { ListHostBookings } from '../../core/application/list-host-bookings.js'
import type { ListListingReviews } from '../../core/application/list-listing-reviews.js'
import type { ListPayments } from '../../core/application/list-payments.js'
import type { ListPayouts } from '../../core/application/list-payouts.js'
import type { ListUserReviews } from '../../core/application/list-user-reviews.js'
import type { ListUsers } from '../../core/application/list-users.js'
import type { ListWishlist } from '../../core/application/list-wishlist.js'
import type { ModifyBooking } from '../../core/application/modify-booking.js'
import type { PostReview } from '../../core/application/post-review.js'
import type { QuoteStay } from '../../core/application/quote-stay.js'
import type { RefreshSession } from '../../core/application/refresh-session.js'
import type { RegisterUser } from '../../core/application/register-user.js'
import type { ReinstateUser } from '../../core/application/reinstate-user.js'
import type { RemoveFromWishlist } from '../../core/application/remove-from-wishlist.js'
import type { RequestBooking } from '../../core/application/request-booking.js'
import type { RequestPasswordReset } from '../../core/application/request-password-reset.js'
import type { ResendVerification } from '../../core/application/resend-verification.js'
import type { ResetPassword } from '../../core/application/reset-password.js'
import type { RespondToReview } from '../../core/application/respond-to-review.js'
import type { SaveGuestProfile } from '../../core/application/save-guest-profile.js'
import type { SearchListings } from '../../core/application/search-listings.js'
import type { SetCalendar } from '../../core/application/set-calendar.js'
import type { StartSession } from '../../core/application/start-session.js'
import type { SuspendUser } from '../../core/application/suspend-user.js'
import type { UpdateListing } from '../../core/application/update-listing.js'
import type { UpdateProfile } from '../../core/application/update-profile.js'
import type { VerifyEmail } from '../../core/application/verify-email.js'

/** The core's use cases the HTTP API calls (the engine's `useCases` object satisfies this). */
export interface HttpUseCases {
  readonly registerUser: RegisterUser
  readonly startSession: StartSession
  readonly authorizeWrite: AuthorizeWrite
  readonly refreshSession: RefreshSession
  readonly endSession: EndSession
  readonly requestPasswordReset: RequestPasswordReset
  readonly resetPassword: ResetPassword
  readonly verifyEmail: VerifyEmail
  readonly resendVerification: ResendVerification
  readonly getMe: GetMe
  readonly updateProfile: UpdateProfile
  readonly getUser: GetUser
  readonly listUserReviews: ListUserReviews
  readonly addToWishlist: AddToWishlist
  readonly removeFromWishlist: RemoveFromWishlist
  readonly listWishlist: ListWishlist
  readonly saveGuestProfile: SaveGuestProfile
  readonly listGuestProfiles: ListGuestProfiles
  readonly deleteGuestProfile: DeleteGuestProfile
  readonly createListing: CreateListing
  readonly updateListing: UpdateListing
  readonly activateListing: ActivateListing
  readonly deactivateListing: DeactivateListing
  readonly archiveListing: ArchiveListing
  readonly getListing: GetListing
  readonly searchListings: SearchListings
  readonly getCalendar: GetCalendar
  readonly setCalendar: SetCalendar
  readonly quoteStay: QuoteStay
  readonly listListingReviews: ListListingReviews
  readonly requestBooking: RequestBooking
  readonly listGuestBookings: ListGuestBookings
  readonly listHostBookings: ListHostBookings
  readonly getBooking: GetBooking
  readonly modifyBooking: ModifyBooking
  readonly cancelBooking: CancelBooking
  readonly acceptBooking: AcceptBooking
  readonly declineBooking: DeclineBooking
  /** Checkout (a wrapper in development mode plays the payer for `auto_confirm`). */
  readonly checkoutBooking: Pick<CheckoutBooking, 'execute'>
  readonly postReview: PostReview
  readonly respondToReview: RespondToReview
  readonly hideReview: HideReview
  readonly listPayments: ListPayments
  readonly getPayment: GetPayment
  readonly listPayouts: ListPayouts
  readonly getPayoutBalance: GetPayoutBalance
  readonly applyPaymentEvent: ApplyPaymentEvent
  readonly hostReport: GetHostReport
  readonly listUsers: ListUsers
  readonly suspendUser: SuspendUser
  readonly reinstateUser: ReinstateUser
}
