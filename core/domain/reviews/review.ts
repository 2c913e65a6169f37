import type { ReviewCategory } from '../listings/listing.js'
import type { BookingId, ListingId, ReviewId, UserId } from '../shared/ids.js'
import type { Instant } from '../shared/time.js'

/** guest → listing (the guest reviews the stay) and host → guest. */
export const reviewDirections = ['guest_to_listing', 'host_to_guest'] as const
export type ReviewDirection = (typeof reviewDirections)[number]

export interface Review {
  readonly id: ReviewId
  readonly bookingId: BookingId
  readonly listingId: ListingId
  readonly authorId: UserId
  /** The reviewed user: the host for guest → listing, the guest for host → guest. */
  readonly subjectId: UserId
  readonly direction: ReviewDirection
  /** 1–5. */
  readonly rating: number
  readonly categories: Partial<Readonly<Record<ReviewCategory, number>>>
  readonly comment: string
  readonly response: { readonly comment: string; readonly at: Instant } | null
  readonly hidden: boolean
  /** Double-blind: null until both sides reviewed or the window closed. */
  readonly revealedAt: Instant | null
  readonly windowClosesAt: Instant
  readonly createdAt: Instant
  readonly version: number
}

/** The review as revealed at `now`: the next version of a stored review. */
export const revealed = (r: Review, now: Instant): Review => ({
  ...r,
  revealedAt: now,
  version: r.version + 1,
})

/** Whether the public may see a review now: revealed and not hidden by an admin. */
export const isVisible = (r: Review): boolean => r.revealedAt !== null && !r.hidden

/** Whether the review has been revealed (both sides reviewed, or the window closed). */
export const isRevealed = (r: Pick<Review, 'revealedAt'>): boolean => r.revealedAt !== null

/**
 * Double-blind: whether `viewerId` (null: nobody signed in) may read what a review says (its
 * ratings and comment). Its author always may; everyone else once it is revealed.
 */
export const contentVisibleTo = (
  r: Pick<Review, 'revealedAt' | 'authorId'>,
  viewerId: string | null,
): boolean => isRevealed(r) || r.authorId === viewerId
