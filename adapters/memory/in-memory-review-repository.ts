import { Effect, Option } from 'effect'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { Review } from '../../core/domain/reviews/review.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { BookingId, ListingId, ReviewId, UserId } from '../../core/domain/shared/ids.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { ReviewRepository } from '../../ports/repositories.js'
import type { InMemoryOutbox } from './in-memory-outbox.js'
import { bucket, DueIndex, indexFor, pageOf, type SortedIndex, snapshot, versionFits } from './support.js'

export class InMemoryReviewRepository implements ReviewRepository {
  private readonly reviews = new Map<string, Review>()
  private readonly byBookingIndex = new Map<string, Set<string>>()
  private readonly byListingIndex = new Map<string, SortedIndex>()
  private readonly bySubjectIndex = new Map<string, SortedIndex>()
  /** Unrevealed reviews by `windowClosesAt`. */
  private readonly unrevealed = new DueIndex()

  constructor(private readonly outbox: InMemoryOutbox) {}

  byId(id: ReviewId): Effect.Effect<Option.Option<Review>> {
    return Effect.sync(() => Option.fromNullishOr(this.reviews.get(id)))
  }

  byBooking(bookingId: BookingId): Effect.Effect<readonly Review[]> {
    return Effect.sync(() => {
      const out: Review[] = []
      for (const id of this.byBookingIndex.get(bookingId) ?? []) {
        const r = this.reviews.get(id)
        if (r !== undefined) out.push(r)
      }
      return out.sort((a, b) =>
        a.createdAt !== b.createdAt ? a.createdAt - b.createdAt : a.id < b.id ? -1 : 1,
      )
    })
  }

  byListing(listingId: ListingId, page: PageRequest): Effect.Effect<Page<Review>> {
    return Effect.sync(() => pageOf(this.byListingIndex.get(listingId), page, (id) => this.reviews.get(id)))
  }

  bySubject(userId: UserId, page: PageRequest): Effect.Effect<Page<Review>> {
    return Effect.sync(() => pageOf(this.bySubjectIndex.get(userId), page, (id) => this.reviews.get(id)))
  }

  revealDue(now: Instant, limit: number): Effect.Effect<readonly Review[]> {
    return Effect.sync(() =>
      this.unrevealed
        .due(now, Math.max(0, limit))
        .map((id) => this.reviews.get(id))
        .filter((r): r is Review => r !== undefined),
    )
  }

  saveAll(
    reviews: readonly Review[],
    events: readonly DomainEvent[],
  ): Effect.Effect<void, ConcurrentModification> {
    return Effect.suspend(() => {
      // Check every review first: all are written, or none.
      const seen = new Set<string>()
      for (const r of reviews) {
        if (seen.has(r.id) || !versionFits(this.reviews.get(r.id), r.version))
          return Effect.fail(new ConcurrentModification({ entity: 'review', id: r.id }))
        seen.add(r.id)
      }
      for (const r of reviews) this.write(r)
      this.outbox.append(events)
      return Effect.void
    })
  }

  private write(review: Review): void {
    const stored = this.reviews.get(review.id)
    if (stored !== undefined) {
      this.byBookingIndex.get(stored.bookingId)?.delete(review.id)
      this.byListingIndex.get(stored.listingId)?.remove(review.id)
      this.bySubjectIndex.get(stored.subjectId)?.remove(review.id)
    }
    this.reviews.set(review.id, snapshot(review))
    bucket(this.byBookingIndex, review.bookingId).add(review.id)
    if (review.direction === 'guest_to_listing')
      indexFor(this.byListingIndex, review.listingId).upsert(review.id, review.createdAt)
    indexFor(this.bySubjectIndex, review.subjectId).upsert(review.id, review.createdAt)
    this.unrevealed.set(review.id, review.revealedAt === null ? review.windowClosesAt : null)
  }
}
