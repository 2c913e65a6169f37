import { Effect, Schema } from 'effect'
import type {
  ConcurrentModification,
  Forbidden,
  UserNotFound,
  ValidationFailed,
} from '../domain/shared/errors.js'
import { asId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { User } from '../domain/users/user.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { BoundedString, NonBlank } from './support/schemas.js'
import { changeUserStatus } from './support/user-status.js'

export const SuspendUserInput = Schema.Struct({
  userId: NonBlank(64),
  reason: Schema.optionalKey(BoundedString(500, 'multi_line')),
})
export type SuspendUserInput = typeof SuspendUserInput.Type

/**
 * An admin suspends a user (they can no longer sign in) and every session of theirs is revoked, so
 * no refresh token of theirs works any more. Idempotent: suspending a suspended user writes no
 * second event (its sessions are revoked again, which is harmless and finishes a suspension whose
 * revocation was interrupted). Emits `innkeeper.user.suspended.v1`.
 */
export class SuspendUser {
  constructor(private readonly deps: Pick<CoreDeps, 'users' | 'sessions' | 'clock' | 'ids' | 'settings'>) {}

  execute(
    caller: Caller,
    raw: typeof SuspendUserInput.Encoded,
  ): Effect.Effect<User, ValidationFailed | Forbidden | UserNotFound | ConcurrentModification> {
    const deps = this.deps
    return Effect.flatMap(decodeInput(SuspendUserInput, raw), (input) =>
      Effect.tap(
        changeUserStatus(
          deps,
          caller,
          asId('user', input.userId),
          'suspended',
          'innkeeper.user.suspended.v1',
          input.reason ?? '',
        ),
        (user) => deps.sessions.revokeUser(user.id),
      ),
    )
  }
}
