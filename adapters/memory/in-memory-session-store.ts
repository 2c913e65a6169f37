import { Effect } from 'effect'
import { RefreshTokenInvalid, RefreshTokenReused, SessionEnded } from '../../core/domain/shared/errors.js'
import type { UserId } from '../../core/domain/shared/ids.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type { SessionStore } from '../../ports/session-store.js'

interface TokenRecord {
  readonly familyId: string
  readonly userId: UserId
  readonly expiresAt: number
  rotated: boolean
}

interface Family {
  readonly userId: UserId
  revoked: boolean
  /** Revoked by its user's sign-out. */
  ended: boolean
  readonly hashes: Set<string>
}

/**
 * Refresh-token families in memory, by token hash only. Rotation is one synchronous step, so of
 * concurrent rotations of one token exactly one wins; the losers present a rotated token, which is
 * reuse and revokes the family.
 */
export class InMemorySessionStore implements SessionStore {
  private readonly tokens = new Map<string, TokenRecord>()
  private readonly families = new Map<string, Family>()
  private readonly familiesByUser = new Map<string, Set<string>>()

  issue(session: {
    readonly familyId: string
    readonly userId: UserId
    readonly tokenHash: string
    readonly expiresAt: Instant
  }): Effect.Effect<void> {
    return Effect.sync(() => {
      const family = this.family(session.familyId, session.userId)
      family.hashes.add(session.tokenHash)
      this.tokens.set(session.tokenHash, {
        familyId: session.familyId,
        userId: session.userId,
        expiresAt: session.expiresAt,
        rotated: false,
      })
    })
  }

  rotate(
    presentedHash: string,
    next: { readonly tokenHash: string; readonly expiresAt: Instant },
    now: Instant,
  ): Effect.Effect<
    { readonly userId: UserId; readonly familyId: string },
    RefreshTokenInvalid | RefreshTokenReused | SessionEnded
  > {
    return Effect.suspend(
      (): Effect.Effect<
        { readonly userId: UserId; readonly familyId: string },
        RefreshTokenInvalid | RefreshTokenReused | SessionEnded
      > => {
        const token = this.tokens.get(presentedHash)
        if (token === undefined) return Effect.fail(new RefreshTokenInvalid())
        const family = this.families.get(token.familyId)
        if (token.rotated) {
          if (family?.ended === true) return Effect.fail(new SessionEnded())
          this.revoke(token.familyId)
          return Effect.fail(new RefreshTokenReused({ familyId: token.familyId }))
        }
        if (family === undefined || family.revoked || token.expiresAt <= now)
          return Effect.fail(new RefreshTokenInvalid())
        token.rotated = true
        family.hashes.add(next.tokenHash)
        this.tokens.set(next.tokenHash, {
          familyId: token.familyId,
          userId: token.userId,
          expiresAt: next.expiresAt,
          rotated: false,
        })
        return Effect.succeed({ userId: token.userId, familyId: token.familyId })
      },
    )
  }

  revokeFamily(familyId: string): Effect.Effect<void> {
    return Effect.sync(() => this.revoke(familyId))
  }

  endFamily(familyId: string): Effect.Effect<void> {
    return Effect.sync(() => {
      this.revoke(familyId)
      const f = this.families.get(familyId)
      if (f !== undefined) f.ended = true
    })
  }

  revokeUser(userId: UserId): Effect.Effect<void> {
    return Effect.sync(() => {
      for (const familyId of this.familiesByUser.get(userId) ?? []) this.revoke(familyId)
    })
  }

  private family(familyId: string, userId: UserId): Family {
    let f = this.families.get(familyId)
    if (f === undefined) {
      f = { userId, revoked: false, ended: false, hashes: new Set() }
      this.families.set(familyId, f)
      let mine = this.familiesByUser.get(userId)
      if (mine === undefined) {
        mine = new Set()
        this.familiesByUser.set(userId, mine)
      }
      mine.add(familyId)
    }
    return f
  }

  /** Marks the family revoked; its live tokens are dropped, rotated ones kept to detect reuse. */
  private revoke(familyId: string): void {
    const f = this.families.get(familyId)
    if (f === undefined) return
    f.revoked = true
    for (const h of f.hashes) {
      const t = this.tokens.get(h)
      if (t !== undefined && !t.rotated) {
        this.tokens.delete(h)
        f.hashes.delete(h)
      }
    }
  }
}
