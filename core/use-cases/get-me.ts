import { Effect } from 'effect'
import type { Forbidden, UserNotFound } from '../shared/errors.js'
import type { User } from '../users/user.js'
import { type Caller, requireUser } from './caller.js'
import type { CoreDeps } from './deps.js'
import { findUser } from './load.js'

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
