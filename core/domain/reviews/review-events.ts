import { type EventIds, type EventOf, newEvent } from '../events/events.js'
import type { Instant } from '../shared/time.js'
import type { Review } from './review.js'

const reviewCore = (r: Review) => ({
  reviewId: r.id,
  bookingId: r.bookingId,
  listingId: r.listingId,
  direction: r.direction,
  authorId: r.authorId,
  subjectId: r.subjectId,
})

/** Posting tells who reviewed whom, never the rating: the review is still blind. */
export const reviewPostedEvent = (
  ids: EventIds,
  now: Instant,
  r: Review,
): EventOf<'innkeeper.review.posted.v1'> =>
  newEvent(ids, now, 'innkeeper.review.posted.v1', r.id, reviewCore(r))

/** Once revealed, the event carries the overall rating too. */
export const reviewRevealedEvent = (
  ids: EventIds,
  now: Instant,
  r: Review,
): EventOf<'innkeeper.review.revealed.v1'> =>
  newEvent(ids, now, 'innkeeper.review.revealed.v1', r.id, { ...reviewCore(r), rating: r.rating })
