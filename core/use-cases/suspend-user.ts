import { Effect, Schema } from 'effect'
import type { ConcurrentModification, Forbidden, UserNotFound, ValidationFailed } from '../shared/errors.js'
import { asId } from '../shared/ids.js'
import { decodeInput } from '../shared/validation.js'
import type { User } from '../users/user.js'
import type { Caller } from './caller.js'
import type { CoreDeps } from './deps.js'
import { BoundedString, NonBlank } from './schemas.js'
import { changeUserStatus } from './user-status.js'

export const SuspendUserInput = Schema.Struct({
  userId: NonBlank(64),
  reason: Schema.optionalKey(BoundedString(500)),
})
export type SuspendUserInput = typeof SuspendUserInput.Type

/**
 * An admin suspends a user (they can no longer sign in). Idempotent: suspending a suspended user
 * changes nothing and writes no event. Emits `innkeeper.user.suspended.v1`.
 */
export class SuspendUser {
  constructor(private readonly deps: Pick<CoreDeps, 'users' | 'clock' | 'ids' | 'settings'>) {}

  execute(
    caller: Caller,
    raw: unknown,
  ): Effect.Effect<User, ValidationFailed | Forbidden | UserNotFound | ConcurrentModification> {
    const deps = this.deps
    return Effect.flatMap(decodeInput(SuspendUserInput, raw), (input) =>
      changeUserStatus(
        deps,
        caller,
        asId('user', input.userId),
        'suspended',
        'innkeeper.user.suspended.v1',
        input.reason ?? '',
      ),
    )
  }
}
