import { Effect, Option, Schema } from 'effect'
import { InvalidCredentials, UserSuspended, type ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import { normalizeEmail, type User } from '../domain/users/user.js'
import type { CoreDeps } from './support/deps.js'
import { isChars } from './support/schemas.js'

export const AuthenticateInput = Schema.Struct({
  email: Schema.String.check(isChars(0, 254)),
  password: Schema.String.check(isChars(0, 200)),
})
export type AuthenticateInput = typeof AuthenticateInput.Type

/** A fixed password whose hash stands in for an unknown user's, so both paths verify a real hash. */
const DUMMY_PASSWORD = 'innkeeper-dummy-password-for-timing'

/**
 * Checks an e-mail and password. An unknown e-mail and a wrong password are the same
 * `InvalidCredentials`, and both run one hash verification so their timing does not tell them apart.
 * A suspended user with the right password gets `UserSuspended`.
 */
export class Authenticate {
  private dummyHash: string | undefined

  constructor(private readonly deps: Pick<CoreDeps, 'users' | 'hasher'>) {}

  execute(
    raw: typeof AuthenticateInput.Encoded,
  ): Effect.Effect<User, ValidationFailed | InvalidCredentials | UserSuspended> {
    const { users, hasher } = this.deps
    const dummy = Effect.suspend(() =>
      this.dummyHash !== undefined
        ? Effect.succeed(this.dummyHash)
        : Effect.tap(hasher.hash(DUMMY_PASSWORD), (h) =>
            Effect.sync(() => {
              this.dummyHash = h
            }),
          ),
    )
    return Effect.gen(function* () {
      const input = yield* decodeInput(AuthenticateInput, raw)
      const found = yield* users.byEmail(normalizeEmail(input.email))
      if (Option.isNone(found)) {
        yield* hasher.verify(input.password, yield* dummy)
        return yield* Effect.fail(new InvalidCredentials())
      }
      const user = found.value
      const ok = yield* hasher.verify(input.password, user.passwordHash)
      if (!ok) return yield* Effect.fail(new InvalidCredentials())
      if (user.status === 'suspended') return yield* Effect.fail(new UserSuspended({ userId: user.id }))
      return user
    })
  }
}
