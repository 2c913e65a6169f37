import { Effect } from 'effect'
import type { Notification } from '../../ports/notifier.js'
import { type Forbidden, type UserNotFound, UserSuspended } from '../domain/shared/errors.js'
import type { User } from '../domain/users/user.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { dieOnConflict, findUser } from './support/load.js'
import { retryOnConflict } from './support/retry.js'
import { newEmailVerification } from './verify-email.js'

/**
 * Sends the caller a fresh e-mail verification link (valid 48 h), which replaces any earlier one.
 * Nothing happens when the e-mail is already verified. A suspended user gets `UserSuspended`.
 */
export class ResendVerification {
  constructor(
    private readonly deps: Pick<CoreDeps, 'users' | 'secrets' | 'notifier' | 'clock' | 'settings'>,
  ) {}

  execute(caller: Caller): Effect.Effect<void, Forbidden | UserNotFound | UserSuspended> {
    const { users, secrets, notifier, clock, settings } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const attempt = Effect.gen(function* () {
        const user = yield* findUser(users, userId)
        if (user.status === 'suspended') return yield* Effect.fail(new UserSuspended({ userId }))
        if (user.emailVerifiedAt !== null) return null
        const now = clock.now()
        const fresh = newEmailVerification(secrets, user, now)
        const updated: User = { ...fresh.user, updatedAt: now, version: user.version + 1 }
        yield* users.save(updated, []).pipe(Effect.catchTag('EmailAlreadyRegistered', (e) => Effect.die(e)))
        return fresh.notification
      })
      const notification: Notification | null = yield* dieOnConflict(
        retryOnConflict(attempt, settings.concurrencyRetries),
      )
      if (notification !== null) yield* notifier.send(notification)
    })
  }
}
