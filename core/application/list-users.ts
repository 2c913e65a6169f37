import { Effect } from 'effect'
import type { Page } from '../../ports/pagination.js'
import { Forbidden, type ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { User } from '../domain/users/user.js'
import { type Caller, isAdmin } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { PageInput, toPageRequest } from './support/page-input.js'

export const ListUsersInput = PageInput
export type ListUsersInput = typeof ListUsersInput.Type

/** A user as an admin sees them: everything but the password hash and the pending link digests. */
export type UserAccount = Omit<User, 'passwordHash' | 'emailVerification' | 'passwordReset'>
export const userAccount = ({
  passwordHash: _hash,
  emailVerification: _verification,
  passwordReset: _reset,
  ...rest
}: User): UserAccount => rest

/** Admins page through every account, newest first. */
export class ListUsers {
  constructor(private readonly deps: Pick<CoreDeps, 'users'>) {}

  execute(
    caller: Caller,
    raw: typeof ListUsersInput.Encoded = {},
  ): Effect.Effect<Page<UserAccount>, ValidationFailed | Forbidden> {
    const { users } = this.deps
    return Effect.gen(function* () {
      if (!isAdmin(caller))
        return yield* Effect.fail(new Forbidden({ reason: 'only an admin may list users' }))
      const input = yield* decodeInput(ListUsersInput, raw)
      const page = yield* users.list(toPageRequest(input))
      return { items: page.items.map(userAccount), nextCursor: page.nextCursor }
    })
  }
}
