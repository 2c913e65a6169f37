import { Effect, Schema } from 'effect'
import type { UserNotFound, ValidationFailed } from '../domain/shared/errors.js'
import { asId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type PublicProfile, publicProfile } from '../domain/users/user.js'
import type { CoreDeps } from './support/deps.js'
import { findUser } from './support/load.js'
import { NonBlank } from './support/schemas.js'

export const GetUserInput = Schema.Struct({ userId: NonBlank(64) })
export type GetUserInput = typeof GetUserInput.Type

/** A user's public profile: no e-mail, no password hash, no status. Anyone may ask. */
export class GetUser {
  constructor(private readonly deps: Pick<CoreDeps, 'users'>) {}

  execute(raw: typeof GetUserInput.Encoded): Effect.Effect<PublicProfile, ValidationFailed | UserNotFound> {
    const { users } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(GetUserInput, raw)
      const user = yield* findUser(users, asId('user', input.userId))
      return publicProfile(user)
    })
  }
}
