import { Effect } from 'effect'
import { newEvent } from '../../domain/events/events.js'
import { type ConcurrentModification, Forbidden, type UserNotFound } from '../../domain/shared/errors.js'
import type { UserId } from '../../domain/shared/ids.js'
import type { User, UserStatus } from '../../domain/users/user.js'
import { type Caller, isAdmin } from './caller.js'
import type { CoreDeps } from './deps.js'
import { findUser } from './load.js'
import { retryOnConflict } from './retry.js'

/**
 * Moves a user to `status` (admin only), recording `eventType`; a user already in that status is
 * returned unchanged and no event is written, so repeating the call is harmless.
 */
export const changeUserStatus = (
  deps: Pick<CoreDeps, 'users' | 'clock' | 'ids' | 'settings'>,
  caller: Caller,
  target: UserId,
  status: UserStatus,
  eventType: 'innkeeper.user.suspended.v1' | 'innkeeper.user.reinstated.v1',
  reason: string,
): Effect.Effect<User, Forbidden | UserNotFound | ConcurrentModification> => {
  const { users, clock, ids, settings } = deps
  if (caller.kind !== 'user' || !isAdmin(caller))
    return Effect.fail(new Forbidden({ reason: 'only an admin may change a user’s status' }))
  if (status === 'suspended' && caller.userId === target)
    return Effect.fail(new Forbidden({ reason: 'an admin may not suspend themselves' }))
  const by = caller.userId
  const attempt = Effect.gen(function* () {
    const user = yield* findUser(users, target)
    if (user.status === status) return user
    const now = clock.now()
    const updated: User = { ...user, status, updatedAt: now, version: user.version + 1 }
    yield* users
      .save(updated, [newEvent(ids, now, eventType, user.id, { userId: user.id, by, reason })])
      .pipe(Effect.catchTag('EmailAlreadyRegistered', (e) => Effect.die(e)))
    return updated
  })
  return retryOnConflict(attempt, settings.concurrencyRetries)
}
