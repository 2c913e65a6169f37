import { Effect } from 'effect'
import { type UserNotFound, UserSuspended } from '../domain/shared/errors.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { findUser } from './support/load.js'

/**
 * Whether the caller may change anything now: a signed-in user must be active at this moment,
 * whatever their access token says (a token outlives a suspension by up to its 15 minutes). The
 * HTTP API runs it before every authenticated write, so a suspension takes effect at once;
 * reads stay open to a suspended user (their own bookings, receipts). The system and anonymous
 * callers pass: what they may do is each use case's business.
 */
export class AuthorizeWrite {
  constructor(private readonly deps: Pick<CoreDeps, 'users'>) {}

  execute(caller: Caller): Effect.Effect<void, UserSuspended | UserNotFound> {
    if (caller.kind !== 'user') return Effect.void
    return Effect.flatMap(findUser(this.deps.users, caller.userId), (user) =>
      user.status === 'active' ? Effect.void : Effect.fail(new UserSuspended({ userId: user.id })),
    )
  }
}
