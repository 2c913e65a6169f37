import { Effect, Schema } from 'effect'
import type { ListingId, UserId } from '../../core/domain/shared/ids.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { WishlistEntry, WishlistRepository } from '../../ports/repositories.js'
import { WRITE } from './aggregates.js'
import type { Collections } from './collections.js'
import {
  afterPosition,
  decodeDocument,
  decodePageCursor,
  encodePageCursor,
  mongoCall,
  mongoCallUnique,
  pageSize,
  SCHEMA_VERSION,
} from './support.js'

const WishlistDocument = Schema.Struct({
  _id: Schema.String,
  sv: Schema.Literal(SCHEMA_VERSION),
  u: Schema.String,
  l: Schema.String,
  at: Schema.Finite,
})

/** The `_id` of a (user, listing) entry: a JSON pair, so no two pairs of ids can share one. */
const entryId = (userId: string, listingId: string): string =>
  JSON.stringify([String(userId), String(listingId)])

/**
 * Wishlists: one document per (user, listing). Adding inserts it; the unique `_id` makes adding
 * twice keep the first `addedAt`, whoever races.
 */
export class MongoWishlistRepository implements WishlistRepository {
  constructor(private readonly collections: Collections) {}

  add(entry: WishlistEntry): Effect.Effect<void> {
    return Effect.asVoid(
      mongoCallUnique('add to wishlist', () =>
        this.collections.wishlists.insertOne(
          {
            _id: entryId(entry.userId, entry.listingId),
            sv: SCHEMA_VERSION,
            u: entry.userId,
            l: entry.listingId,
            at: entry.addedAt,
          },
          WRITE,
        ),
      ),
    )
  }

  remove(userId: UserId, listingId: ListingId): Effect.Effect<void> {
    return Effect.asVoid(
      mongoCall('remove from wishlist', () =>
        this.collections.wishlists.deleteOne({ _id: { $eq: entryId(userId, listingId) } }),
      ),
    )
  }

  list(userId: UserId, page: PageRequest): Effect.Effect<Page<WishlistEntry>> {
    const limit = pageSize(page.limit)
    const after = decodePageCursor(page.cursor)
    return mongoCall('list wishlist', () =>
      this.collections.wishlists
        .find({ u: { $eq: String(userId) }, ...afterPosition('at', 'l', after) })
        .sort({ at: -1, l: -1 })
        .limit(limit + 1)
        .toArray(),
    ).pipe(
      Effect.map((raw) => {
        const docs = raw.map((d) =>
          decodeDocument(WishlistDocument, this.collections.wishlists.collectionName, d),
        )
        const items = docs.slice(0, limit)
        const last = items[items.length - 1]
        return {
          items: items.map((d) => ({
            userId: d.u as UserId,
            listingId: d.l as ListingId,
            addedAt: d.at as Instant,
          })),
          nextCursor:
            docs.length > limit && last !== undefined ? encodePageCursor({ at: last.at, id: last.l }) : null,
        }
      }),
    )
  }
}
