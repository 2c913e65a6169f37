import { Effect, Schema } from 'effect'
import { type Forbidden, RefreshTokenInvalid, type ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import { RefreshToken } from './start-session.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'

export const EndSessionInput = Schema.Struct({ refreshToken: RefreshToken })
export type EndSessionInput = typeof EndSessionInput.Type

/**
 * Signs out: ends the session (refresh-token family) the presented token belongs to; presenting one
 * of its tokens afterwards is `SessionEnded`, not reuse.
 *
 * The store has no read-only lookup, so the token is first rotated to a throwaway one (a digest of
 * a secret nobody keeps, expiring at once): that step atomically proves the token live and names
 * its user and family, then the family is revoked.
 * - An unknown, expired or revoked token is `RefreshTokenInvalid`.
 * - An already-rotated token is reuse: the store revokes its family, and the caller sees
 *   `RefreshTokenInvalid` (signing out has nothing more to say about it).
 * - Another user's live token is `RefreshTokenInvalid` too, so a caller learns nothing about
 *   others' tokens. It has been consumed by the rotation and has evidently left its owner's hands,
 *   so its family is revoked as well: its owner must sign in again, as after any leak.
 * - The system or an anonymous caller is `Forbidden`.
 */
export class EndSession {
  constructor(private readonly deps: Pick<CoreDeps, 'secrets' | 'sessions' | 'clock'>) {}

  execute(
    caller: Caller,
    raw: typeof EndSessionInput.Encoded,
  ): Effect.Effect<void, ValidationFailed | Forbidden | RefreshTokenInvalid> {
    const { secrets, sessions, clock } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(EndSessionInput, raw)
      const now = clock.now()
      const owner = yield* sessions
        .rotate(
          secrets.digest(input.refreshToken),
          { tokenHash: secrets.digest(secrets.token()), expiresAt: now },
          now,
        )
        .pipe(
          Effect.catchTags({
            RefreshTokenReused: () => Effect.fail(new RefreshTokenInvalid()),
            SessionEnded: () => Effect.fail(new RefreshTokenInvalid()),
          }),
        )
      if (owner.userId !== userId) {
        yield* sessions.revokeFamily(owner.familyId)
        return yield* Effect.fail(new RefreshTokenInvalid())
      }
      // The owner's own sign-out: the family's tokens answer SessionEnded from now on, not reuse.
      yield* sessions.endFamily(owner.familyId)
    })
  }
}
