import { Effect } from 'effect'
import type { Forbidden, UserNotFound } from '../domain/shared/errors.js'
import type { User } from '../domain/users/user.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { findUser } from './support/load.js'

/** The signed-in user's own account (the caller's only; others get the public profile). */
export class GetMe {
  constructor(private readonly deps: Pick<CoreDeps, 'users'>) {}

  execute(caller: Caller): Effect.Effect<User, Forbidden | UserNotFound> {
    const { users } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      return yield* findUser(users, userId)
    })
  }
}
