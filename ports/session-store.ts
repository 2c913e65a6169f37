import type { Effect } from 'effect'
import type { RefreshTokenInvalid, RefreshTokenReused, SessionEnded } from '../core/domain/shared/errors.js'
import type { UserId } from '../core/domain/shared/ids.js'
import type { Instant } from '../core/domain/shared/time.js'
import { token } from './tokens.js'

/**
 * Refresh tokens, stored only as hashes, in families: each use rotates the token; presenting a
 * rotated (already used) token again revokes the whole family (reuse detection).
 */
export interface SessionStore {
  issue(session: {
    readonly familyId: string
    readonly userId: UserId
    readonly tokenHash: string
    readonly expiresAt: Instant
  }): Effect.Effect<void>
  /**
   * Atomically swaps a live token for a new one; of concurrent rotations of one token, one wins.
   * A rotated token presented again is reuse (`RefreshTokenReused`, the family is revoked), unless
   * its family was ended by its user (`endFamily`): then `SessionEnded`.
   */
  rotate(
    presentedHash: string,
    next: { readonly tokenHash: string; readonly expiresAt: Instant },
    now: Instant,
  ): Effect.Effect<
    { readonly userId: UserId; readonly familyId: string },
    RefreshTokenInvalid | RefreshTokenReused | SessionEnded
  >
  revokeFamily(familyId: string): Effect.Effect<void>
  /** Revokes the family as its user's own sign-out: its tokens then answer `SessionEnded`. */
  endFamily(familyId: string): Effect.Effect<void>
  revokeUser(userId: UserId): Effect.Effect<void>
}
export const SessionStore = token<SessionStore>('SessionStore')
