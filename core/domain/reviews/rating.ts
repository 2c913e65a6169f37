import { type RatingSummary, type ReviewCategory, reviewCategories } from '../listings/listing.js'
import type { Review } from './review.js'

/** The part of a review that a listing's aggregate is made of. */
export type RatedReview = Pick<Review, 'rating' | 'categories'>

/**
 * Whether a review counts in its listing's aggregate: a guest → listing review that is revealed and
 * not hidden. Host → guest reviews never count; they are about the guest, not the stay.
 */
export const countsInRating = (r: Pick<Review, 'direction' | 'revealedAt' | 'hidden'>): boolean =>
  r.direction === 'guest_to_listing' && r.revealedAt !== null && !r.hidden

const shift = (summary: RatingSummary, review: RatedReview, sign: 1 | -1): RatingSummary => {
  const categorySums = { ...summary.categorySums }
  const categoryCounts = { ...summary.categoryCounts }
  for (const c of reviewCategories) {
    const score = review.categories[c as ReviewCategory]
    if (score === undefined) continue
    categorySums[c] += sign * score
    categoryCounts[c] += sign
  }
  return {
    count: summary.count + sign,
    overallSum: summary.overallSum + sign * review.rating,
    categorySums,
    categoryCounts,
  }
}

/** The aggregate with one more review in it: count and overall sum, and per rated category its sum and count. */
export const addToRating = (summary: RatingSummary, review: RatedReview): RatingSummary =>
  shift(summary, review, 1)

/**
 * The aggregate without a review that was counted in it (an admin hid it). The exact inverse of
 * `addToRating`, so adds and removes commute and never drift.
 */
export const removeFromRating = (summary: RatingSummary, review: RatedReview): RatingSummary =>
  shift(summary, review, -1)
