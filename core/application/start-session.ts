import { Effect, Schema } from 'effect'
import type { InvalidCredentials, UserSuspended, ValidationFailed } from '../domain/shared/errors.js'
import { addMs, DAY, type Instant } from '../domain/shared/time.js'
import type { User } from '../domain/users/user.js'
import { Authenticate, AuthenticateInput } from './authenticate.js'
import type { CoreDeps } from './support/deps.js'
import { isChars } from './support/schemas.js'

/** How long a refresh token lives; each rotation issues a new one with a fresh 30 days. */
export const REFRESH_TOKEN_TTL_MS = 30 * DAY

/** A refresh token as clients hold it: opaque. */
export const RefreshToken = Schema.String.check(isChars(1, 512))

/**
 * A signed-in user and their refresh token. The token is handed out once and stored only as its
 * digest; the HTTP adapter issues the short-lived access token itself.
 */
export interface Session {
  readonly user: User
  readonly refreshToken: string
  readonly refreshExpiresAt: Instant
}

export const StartSessionInput = AuthenticateInput
export type StartSessionInput = typeof StartSessionInput.Type

/**
 * Signs in with e-mail and password (exactly as `Authenticate`: an unknown e-mail and a wrong
 * password are the same `InvalidCredentials`, each after one hash verification; a suspended user
 * with the right password gets `UserSuspended`), then opens a new session: a refresh-token family
 * with a fresh id and its first token, valid for `REFRESH_TOKEN_TTL_MS`.
 */
export class StartSession {
  private readonly authenticate: Authenticate

  constructor(
    private readonly deps: Pick<CoreDeps, 'users' | 'hasher' | 'secrets' | 'sessions' | 'clock' | 'ids'>,
  ) {
    this.authenticate = new Authenticate(deps)
  }

  execute(
    raw: typeof StartSessionInput.Encoded,
  ): Effect.Effect<Session, ValidationFailed | InvalidCredentials | UserSuspended> {
    const { secrets, sessions, clock, ids } = this.deps
    const authenticate = this.authenticate
    return Effect.gen(function* () {
      const user = yield* authenticate.execute(raw)
      const refreshToken = secrets.token()
      const refreshExpiresAt = addMs(clock.now(), REFRESH_TOKEN_TTL_MS)
      yield* sessions.issue({
        familyId: ids.next('session'),
        userId: user.id,
        tokenHash: secrets.digest(refreshToken),
        expiresAt: refreshExpiresAt,
      })
      return { user, refreshToken, refreshExpiresAt }
    })
  }
}
