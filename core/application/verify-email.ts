import { Effect, Option, Schema } from 'effect'
import type { Notification } from '../../ports/notifier.js'
import { type ValidationFailed, VerificationTokenInvalid } from '../domain/shared/errors.js'
import { addMs, DAY, type Instant, toIso } from '../domain/shared/time.js'
import { decodeInput } from '../domain/shared/validation.js'
import { newPendingToken, parseUserToken, pendingTokenMatches, type User } from '../domain/users/user.js'
import type { CoreDeps } from './support/deps.js'
import { dieOnConflict } from './support/load.js'
import { retryOnConflict } from './support/retry.js'
import { isChars } from './support/schemas.js'

/** How long an e-mail verification link stays valid. */
export const EMAIL_VERIFICATION_TTL_MS = 2 * DAY

/** A token as users receive it in a link: `<userId>.<secret>`. */
export const LinkToken = Schema.String.check(isChars(1, 512))

/**
 * A fresh e-mail verification link for `user`, replacing any earlier one: the user to save (with
 * the link's digest, never its secret) and the e-mail carrying the token. The de-duplication key
 * names the link, so a retried send is sent once and a new link is sent again.
 */
export const newEmailVerification = (
  secrets: CoreDeps['secrets'],
  user: User,
  now: Instant,
): { readonly user: User; readonly notification: Notification } => {
  const expiresAt = addMs(now, EMAIL_VERIFICATION_TTL_MS)
  const { token, pending } = newPendingToken(secrets, user.id, expiresAt)
  return {
    user: { ...user, emailVerification: pending },
    notification: {
      channel: 'email',
      to: user.email,
      template: 'email_verification',
      data: { userId: user.id, token, expiresAt: toIso(expiresAt) },
      dedupeKey: `verify:${user.id}:${pending.digest.slice(0, 16)}`,
    },
  }
}

export const VerifyEmailInput = Schema.Struct({ token: LinkToken })
export type VerifyEmailInput = typeof VerifyEmailInput.Type

/**
 * Marks the e-mail verified with the token of the user's latest verification link: it must be
 * theirs, unused and unexpired. The link is single-use: once verified, presenting it (or any older
 * link) again is `VerificationTokenInvalid`, as is a malformed, unknown or expired token.
 */
export class VerifyEmail {
  constructor(private readonly deps: Pick<CoreDeps, 'users' | 'secrets' | 'clock' | 'settings'>) {}

  execute(
    raw: typeof VerifyEmailInput.Encoded,
  ): Effect.Effect<User, ValidationFailed | VerificationTokenInvalid> {
    const { users, secrets, clock, settings } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(VerifyEmailInput, raw)
      const parsed = parseUserToken(input.token)
      if (parsed === undefined) return yield* Effect.fail(new VerificationTokenInvalid())
      const digest = secrets.digest(parsed.secret)
      const attempt = Effect.gen(function* () {
        const found = yield* users.byId(parsed.userId)
        const now = clock.now()
        if (Option.isNone(found) || !pendingTokenMatches(found.value.emailVerification, digest, now))
          return yield* Effect.fail(new VerificationTokenInvalid())
        const user = found.value
        const verified: User = {
          ...user,
          emailVerifiedAt: now,
          emailVerification: null,
          updatedAt: now,
          version: user.version + 1,
        }
        // The e-mail does not change, so it cannot collide with another user's.
        yield* users.save(verified, []).pipe(Effect.catchTag('EmailAlreadyRegistered', (e) => Effect.die(e)))
        return verified
      })
      return yield* dieOnConflict(retryOnConflict(attempt, settings.concurrencyRetries))
    })
  }
}
