import { randomUUID } from 'node:crypto'
import { Effect, Option, Schema } from 'effect'
import type { Document, Filter } from 'mongodb'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { Review } from '../../core/domain/reviews/review.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { BookingId, ListingId, ReviewId, UserId } from '../../core/domain/shared/ids.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { ReviewRepository } from '../../ports/repositories.js'
import { currentDocument, stateText } from './aggregates.js'
import type { Collections, StoredDocument } from './collections.js'
import { asReview, ReviewState } from './entity-schemas.js'
import type { RevisionLog } from './revisions.js'
import {
  afterPosition,
  decodeDocument,
  decodePageCursor,
  decodeStored,
  decodeValue,
  encodePageCursor,
  mongoCall,
  pageSize,
  SCHEMA_VERSION,
} from './support.js'

const ReviewDocument = currentDocument({
  /** The version of the booking's review group this document was written by. */
  gv: Schema.Int,
  b: Schema.String,
  l: Schema.String,
  subj: Schema.String,
  dir: Schema.String,
  c: Schema.Finite,
  w: Schema.Finite,
  /** Unrevealed: `revealDue` looks only at these. */
  ur: Schema.Boolean,
})
type ReviewDocument = typeof ReviewDocument.Type

const ReviewGroup = Schema.Array(ReviewState)

const documentOf = (r: Review, groupVersion: number, seq: number): Document => ({
  _id: r.id,
  sv: SCHEMA_VERSION,
  v: r.version,
  seq,
  s: stateText(r),
  gv: groupVersion,
  b: r.bookingId,
  l: r.listingId,
  subj: r.subjectId,
  dir: r.direction,
  c: r.createdAt,
  w: r.windowClosesAt,
  ur: r.revealedAt === null,
})

/**
 * Reviews. `saveAll` writes the reviews of one booking in one step, so the booking's reviews are
 * one aggregate of the revision log: revision `reviews:<bookingId>:<n>` holds the reviews that save
 * wrote. A save reads the booking's current reviews (group version n − 1 and each review's
 * version), checks every review's version against them, and inserts revision n: the unique `_id`
 * makes concurrent saves of one booking's reviews take turns, and a save that read stale documents
 * collides with the revision that made them stale.
 */
export class MongoReviewRepository implements ReviewRepository {
  private readonly name: string

  constructor(
    private readonly log: RevisionLog,
    private readonly collections: Collections,
  ) {
    this.name = collections.reviews.collectionName
    log.register({
      kind: 'reviews',
      project: (state, version, seq) =>
        decodeValue(ReviewGroup, 'revisions', `reviews@${version}`, state).map((r) => ({
          collection: 'reviews' as const,
          id: r.id,
          version: r.version,
          doc: documentOf(asReview(r), version, seq),
        })),
    })
  }

  private decode(raw: Document): ReviewDocument & { readonly review: Review } {
    const d = decodeDocument(ReviewDocument, this.name, raw)
    return { ...d, review: asReview(decodeStored(ReviewState, this.name, d._id, 's', d.s)) }
  }

  private find(
    filter: Filter<StoredDocument>,
    sort: Document,
    limit?: number,
  ): Effect.Effect<readonly (ReviewDocument & { readonly review: Review })[]> {
    return mongoCall('find reviews', () => {
      const cursor = this.collections.reviews.find(filter).sort(sort)
      return (limit === undefined ? cursor : cursor.limit(limit)).toArray()
    }).pipe(Effect.map((docs) => docs.map((d) => this.decode(d))))
  }

  byId(id: ReviewId): Effect.Effect<Option.Option<Review>> {
    return mongoCall('find review', () =>
      this.collections.reviews.findOne({ _id: { $eq: String(id) } }),
    ).pipe(Effect.map((raw) => (raw === null ? Option.none() : Option.some(this.decode(raw).review))))
  }

  byBooking(bookingId: BookingId): Effect.Effect<readonly Review[]> {
    return Effect.map(this.find({ b: { $eq: String(bookingId) } }, { c: 1, _id: 1 }), (docs) =>
      docs.map((d) => d.review),
    )
  }

  byListing(listingId: ListingId, page: PageRequest): Effect.Effect<Page<Review>> {
    return this.page({ l: { $eq: String(listingId) }, dir: { $eq: 'guest_to_listing' } }, page)
  }

  bySubject(userId: UserId, page: PageRequest): Effect.Effect<Page<Review>> {
    return this.page({ subj: { $eq: String(userId) } }, page)
  }

  revealDue(now: Instant, limit: number): Effect.Effect<readonly Review[]> {
    const max = Number.isFinite(limit) ? Math.min(10_000, Math.floor(limit)) : 0
    if (max <= 0) return Effect.succeed([])
    return Effect.map(
      this.find({ ur: { $eq: true }, w: { $lte: Number(now) } }, { w: 1, _id: 1 }, max),
      (docs) => docs.map((d) => d.review),
    )
  }

  saveAll(
    reviews: readonly Review[],
    events: readonly DomainEvent[],
  ): Effect.Effect<void, ConcurrentModification> {
    return Effect.suspend(() => {
      if (reviews.length === 0)
        return events.length === 0
          ? Effect.void
          : Effect.asVoid(this.log.insert('events', randomUUID(), 1, null, events))
      const bookingId = reviews[0]!.bookingId
      if (reviews.some((r) => r.bookingId !== bookingId))
        return Effect.die(new Error('ReviewRepository.saveAll takes the reviews of one booking'))
      const conflict = (id: string) => Effect.fail(new ConcurrentModification({ entity: 'review', id }))
      const ids = new Set<string>()
      for (const r of reviews) {
        if (ids.has(r.id)) return conflict(r.id)
        ids.add(r.id)
      }
      return this.find({ b: { $eq: String(bookingId) } }, { _id: 1 }).pipe(
        Effect.flatMap((stored) => {
          const byId = new Map(stored.map((d) => [d._id, d]))
          for (const r of reviews) {
            const current = byId.get(r.id)
            if (current === undefined ? r.version !== 1 : current.v !== r.version - 1) return conflict(r.id)
          }
          const group = stored.reduce((max, d) => Math.max(max, d.gv), 0) + 1
          return this.log.insert('reviews', bookingId, group, reviews, events).pipe(
            Effect.flatMap(({ outcome, seq }) =>
              outcome === 'conflict'
                ? conflict(reviews[0]!.id)
                : this.log.applyProjections(
                    reviews.map((r) => ({
                      collection: 'reviews' as const,
                      id: r.id,
                      version: r.version,
                      doc: documentOf(r, group, seq),
                    })),
                  ),
            ),
          )
        }),
      )
    })
  }

  private page(filter: Filter<StoredDocument>, request: PageRequest): Effect.Effect<Page<Review>> {
    const limit = pageSize(request.limit)
    const after = decodePageCursor(request.cursor)
    return this.find({ ...filter, ...afterPosition('c', '_id', after) }, { c: -1, _id: -1 }, limit + 1).pipe(
      Effect.map((docs) => {
        const items = docs.slice(0, limit)
        const last = items[items.length - 1]
        return {
          items: items.map((d) => d.review),
          nextCursor:
            docs.length > limit && last !== undefined ? encodePageCursor({ at: last.c, id: last._id }) : null,
        }
      }),
    )
  }
}
