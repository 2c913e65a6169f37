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

export const ReinstateUserInput = Schema.Struct({
  userId: NonBlank(64),
  reason: Schema.optionalKey(BoundedString(500, 'multi_line')),
})
export type ReinstateUserInput = typeof ReinstateUserInput.Type

/**
 * An admin lifts a suspension. Idempotent: reinstating an active user changes nothing and writes no
 * event. Emits `innkeeper.user.reinstated.v1`.
 */
export class ReinstateUser {
  constructor(private readonly deps: Pick<CoreDeps, 'users' | 'clock' | 'ids' | 'settings'>) {}

  execute(
    caller: Caller,
    raw: typeof ReinstateUserInput.Encoded,
  ): Effect.Effect<User, ValidationFailed | Forbidden | UserNotFound | ConcurrentModification> {
    const deps = this.deps
    return Effect.flatMap(decodeInput(ReinstateUserInput, raw), (input) =>
      changeUserStatus(
        deps,
        caller,
        asId('user', input.userId),
        'active',
        'innkeeper.user.reinstated.v1',
        input.reason ?? '',
      ),
    )
  }
}
