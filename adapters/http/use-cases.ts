import type { AcceptBooking } from '../../core/use-cases/accept-booking.js'
import type { AddToWishlist } from '../../core/use-cases/add-to-wishlist.js'
import type { ApplyPaymentEvent } from '../../core/use-cases/apply-payment-event.js'
import type { GetCalendar, SetCalendar } from '../../core/use-cases/calendar.js'
import type { CancelBooking } from '../../core/use-cases/cancel-booking.js'
import type { CreateListing } from '../../core/use-cases/create-listing.js'
import type { DeclineBooking } from '../../core/use-cases/decline-booking.js'
import type { DeleteGuestProfile } from '../../core/use-cases/delete-guest-profile.js'
import type { EndSession } from '../../core/use-cases/end-session.js'
import type { GetBooking } from '../../core/use-cases/get-booking.js'
import type { GetListing } from '../../core/use-cases/get-listing.js'
import type { GetMe } from '../../core/use-cases/get-me.js'
import type { GetUser } from '../../core/use-cases/get-user.js'
import type { HideReview } from '../../core/use-cases/hide-review.js'
import type { HostReport } from '../../core/use-cases/host-report.js'
import type { ListGuestBookings, ListHostBookings } from '../../core/use-cases/list-bookings.js'
import type { ListGuestProfiles } from '../../core/use-cases/list-guest-profiles.js'
import type { ListListingReviews } from '../../core/use-cases/list-listing-reviews.js'
import type { ListUserReviews } from '../../core/use-cases/list-user-reviews.js'
import type { ListUsers } from '../../core/use-cases/list-users.js'
import type { ListWishlist } from '../../core/use-cases/list-wishlist.js'
import type {
  ActivateListing,
  ArchiveListing,
  DeactivateListing,
} from '../../core/use-cases/listing-status.js'
import type { ModifyBooking } from '../../core/use-cases/modify-booking.js'
import type { GetPayment, ListPayments } from '../../core/use-cases/payment-queries.js'
import type { PostReview } from '../../core/use-cases/post-review.js'
import type { QuoteStay } from '../../core/use-cases/quote-stay.js'
import type { RefreshSession } from '../../core/use-cases/refresh-session.js'
import type { RegisterUser } from '../../core/use-cases/register-user.js'
import type { ReinstateUser } from '../../core/use-cases/reinstate-user.js'
import type { RemoveFromWishlist } from '../../core/use-cases/remove-from-wishlist.js'
import type { RequestBooking } from '../../core/use-cases/request-booking.js'
import type { RequestPasswordReset } from '../../core/use-cases/request-password-reset.js'
import type { ResendVerification } from '../../core/use-cases/resend-verification.js'
import type { ResetPassword } from '../../core/use-cases/reset-password.js'
import type { RespondToReview } from '../../core/use-cases/respond-to-review.js'
import type { SaveGuestProfile } from '../../core/use-cases/save-guest-profile.js'
import type { SearchListings } from '../../core/use-cases/search-listings.js'
import type { StartPayment } from '../../core/use-cases/start-payment.js'
import type { StartSession } from '../../core/use-cases/start-session.js'
import type { SuspendUser } from '../../core/use-cases/suspend-user.js'
import type { UpdateListing } from '../../core/use-cases/update-listing.js'
import type { UpdateProfile } from '../../core/use-cases/update-profile.js'
import type { VerifyEmail } from '../../core/use-cases/verify-email.js'

/** The core's use cases the HTTP API calls (the engine's `useCases` object satisfies this). */
export interface HttpUseCases {
  readonly registerUser: RegisterUser
  readonly startSession: StartSession
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
  readonly startPayment: StartPayment
  readonly postReview: PostReview
  readonly respondToReview: RespondToReview
  readonly hideReview: HideReview
  readonly listPayments: ListPayments
  readonly getPayment: GetPayment
  readonly applyPaymentEvent: ApplyPaymentEvent
  readonly hostReport: HostReport
  readonly listUsers: ListUsers
  readonly suspendUser: SuspendUser
  readonly reinstateUser: ReinstateUser
}
