import { Effect } from 'effect'
import type { GuestProfileId, UserId } from '../../core/domain/shared/ids.js'
import type { GuestProfile } from '../../core/domain/users/user.js'
import type { GuestProfileRepository } from '../../ports/repositories.js'
import { snapshot } from './support.js'

export class InMemoryGuestProfileRepository implements GuestProfileRepository {
  private readonly byOwnerIndex = new Map<string, Map<string, GuestProfile>>()
  private readonly ownerOf = new Map<string, string>()

  byOwner(ownerId: UserId): Effect.Effect<readonly GuestProfile[]> {
    return Effect.sync(() =>
      [...(this.byOwnerIndex.get(ownerId)?.values() ?? [])].sort((a, b) =>
        a.createdAt !== b.createdAt ? a.createdAt - b.createdAt : a.id < b.id ? -1 : 1,
      ),
    )
  }

  /** Inserts or replaces the profile with this id. */
  save(profile: GuestProfile): Effect.Effect<void> {
    return Effect.sync(() => {
      const previousOwner = this.ownerOf.get(profile.id)
      if (previousOwner !== undefined && previousOwner !== profile.ownerId)
        this.byOwnerIndex.get(previousOwner)?.delete(profile.id)
      let mine = this.byOwnerIndex.get(profile.ownerId)
      if (mine === undefined) {
        mine = new Map()
        this.byOwnerIndex.set(profile.ownerId, mine)
      }
      mine.set(profile.id, snapshot(profile))
      this.ownerOf.set(profile.id, profile.ownerId)
    })
  }

  delete(ownerId: UserId, id: GuestProfileId): Effect.Effect<boolean> {
    return Effect.sync(() => {
      const deleted = this.byOwnerIndex.get(ownerId)?.delete(id) ?? false
      if (deleted) this.ownerOf.delete(id)
      return deleted
    })
  }
}
