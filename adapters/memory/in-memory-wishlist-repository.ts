import { Effect } from 'effect'
import type { ListingId, UserId } from '../../core/domain/shared/ids.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { WishlistEntry, WishlistRepository } from '../../ports/repositories.js'
import { indexFor, pageOf, type SortedIndex, snapshot } from './support.js'

export class InMemoryWishlistRepository implements WishlistRepository {
  private readonly entries = new Map<string, Map<string, WishlistEntry>>()
  private readonly newest = new Map<string, SortedIndex>()

  add(entry: WishlistEntry): Effect.Effect<void> {
    return Effect.sync(() => {
      let mine = this.entries.get(entry.userId)
      if (mine === undefined) {
        mine = new Map()
        this.entries.set(entry.userId, mine)
      }
      if (mine.has(entry.listingId)) return
      mine.set(entry.listingId, snapshot(entry))
      indexFor(this.newest, entry.userId).upsert(entry.listingId, entry.addedAt)
    })
  }

  remove(userId: UserId, listingId: ListingId): Effect.Effect<void> {
    return Effect.sync(() => {
      if (this.entries.get(userId)?.delete(listingId)) this.newest.get(userId)?.remove(listingId)
    })
  }

  list(userId: UserId, page: PageRequest): Effect.Effect<Page<WishlistEntry>> {
    return Effect.sync(() => {
      const mine = this.entries.get(userId)
      return pageOf(this.newest.get(userId), page, (listingId) => mine?.get(listingId))
    })
  }
}
