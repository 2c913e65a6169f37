import { Effect, Option, Schema } from 'effect'
import {
  type RefreshTokenInvalid,
  type RefreshTokenReused,
  type SessionEnded,
  UserNotFound,
  UserSuspended,
  type ValidationFailed,
} from '../domain/shared/errors.js'
import { addMs } from '../domain/shared/time.js'
import { decodeInput } from '../domain/shared/validation.js'
import { REFRESH_TOKEN_TTL_MS, RefreshToken, type Session } from './start-session.js'
import type { CoreDeps } from './support/deps.js'

export const RefreshSessionInput = Schema.Struct({ refreshToken: RefreshToken })
export type RefreshSessionInput = typeof RefreshSessionInput.Type

/**
 * Trades a live refresh token for a new one of the same family (rotation), valid for another
 * `REFRESH_TOKEN_TTL_MS`. An unknown, expired or revoked token is `RefreshTokenInvalid`; a token
 * that was already rotated is `RefreshTokenReused` and the store has revoked its whole family; a
 * token of a session its user signed out of is `SessionEnded`.
 * A suspended user's family is revoked and the call fails `UserSuspended`; a user who no longer
 * exists likewise ends the family, with `UserNotFound`.
 */
export class RefreshSession {
  constructor(private readonly deps: Pick<CoreDeps, 'users' | 'secrets' | 'sessions' | 'clock'>) {}

  execute(
    raw: typeof RefreshSessionInput.Encoded,
  ): Effect.Effect<
    Session,
    ValidationFailed | RefreshTokenInvalid | RefreshTokenReused | SessionEnded | UserSuspended | UserNotFound
  > {
    const { users, secrets, sessions, clock } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(RefreshSessionInput, raw)
      const now = clock.now()
      const refreshToken = secrets.token()
      const refreshExpiresAt = addMs(now, REFRESH_TOKEN_TTL_MS)
      const { userId, familyId } = yield* sessions.rotate(
        secrets.digest(input.refreshToken),
        { tokenHash: secrets.digest(refreshToken), expiresAt: refreshExpiresAt },
        now,
      )
      const found = yield* users.byId(userId)
      if (Option.isNone(found)) {
        yield* sessions.revokeFamily(familyId)
        return yield* Effect.fail(new UserNotFound({ userId }))
      }
      const user = found.value
      if (user.status === 'suspended') {
        yield* sessions.revokeFamily(familyId)
        return yield* Effect.fail(new UserSuspended({ userId }))
      }
      return { user, refreshToken, refreshExpiresAt }
    })
  }
}
