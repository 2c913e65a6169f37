import { Effect } from 'effect'
import type { Forbidden } from '../domain/shared/errors.js'
import type { GuestProfile } from '../domain/users/user.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'

/** The caller's saved guest profiles, oldest first (there are at most 20). */
export class ListGuestProfiles {
  constructor(private readonly deps: Pick<CoreDeps, 'guestProfiles'>) {}

  execute(caller: Caller): Effect.Effect<readonly GuestProfile[], Forbidden> {
    const { guestProfiles } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const own = yield* guestProfiles.byOwner(userId)
      return [...own].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    })
  }
}
