import { Effect, Option, Schema } from 'effect'
import { ResetTokenInvalid, UserSuspended, type ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import { parseUserToken, pendingTokenMatches, type User } from '../domain/users/user.js'
import { Password } from './register-user.js'
import type { CoreDeps } from './support/deps.js'
import { dieOnConflict } from './support/load.js'
import { retryOnConflict } from './support/retry.js'
import { LinkToken } from './verify-email.js'

export const ResetPasswordInput = Schema.Struct({ token: LinkToken, newPassword: Password })
export type ResetPasswordInput = typeof ResetPasswordInput.Type

/**
 * Sets a new password with the token of the user's latest reset link. The link is single-use and
 * expires after an hour: a malformed, unknown, used, superseded or expired token is one
 * `ResetTokenInvalid`. A suspended user with a valid link gets `UserSuspended` and nothing changes.
 * On success the reset link is cleared and every session of the user is revoked, so whoever held
 * the old password (or a stolen refresh token) is signed out everywhere.
 */
export class ResetPassword {
  constructor(
    private readonly deps: Pick<CoreDeps, 'users' | 'hasher' | 'secrets' | 'sessions' | 'clock' | 'settings'>,
  ) {}

  execute(
    raw: typeof ResetPasswordInput.Encoded,
  ): Effect.Effect<void, ValidationFailed | ResetTokenInvalid | UserSuspended> {
    const { users, hasher, secrets, sessions, clock, settings } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(ResetPasswordInput, raw)
      const parsed = parseUserToken(input.token)
      if (parsed === undefined) return yield* Effect.fail(new ResetTokenInvalid())
      const digest = secrets.digest(parsed.secret)
      const attempt = Effect.gen(function* () {
        const found = yield* users.byId(parsed.userId)
        if (Option.isNone(found) || !pendingTokenMatches(found.value.passwordReset, digest, clock.now()))
          return yield* Effect.fail(new ResetTokenInvalid())
        const user = found.value
        if (user.status === 'suspended') return yield* Effect.fail(new UserSuspended({ userId: user.id }))
        const passwordHash = yield* hasher.hash(input.newPassword)
        const now = clock.now()
        const updated: User = {
          ...user,
          passwordHash,
          passwordReset: null,
          updatedAt: now,
          version: user.version + 1,
        }
        // The e-mail does not change, so it cannot collide with another user's.
        yield* users.save(updated, []).pipe(Effect.catchTag('EmailAlreadyRegistered', (e) => Effect.die(e)))
        return user.id
      })
      const userId = yield* dieOnConflict(retryOnConflict(attempt, settings.concurrencyRetries))
      yield* sessions.revokeUser(userId)
    })
  }
}
