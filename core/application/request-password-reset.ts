import { Effect, Option, Schema } from 'effect'
import type { Notification } from '../../ports/notifier.js'
import { newEvent } from '../domain/events/events.js'
import type { ValidationFailed } from '../domain/shared/errors.js'
import { addMs, HOUR, toIso } from '../domain/shared/time.js'
import { decodeInput } from '../domain/shared/validation.js'
import { newPendingToken, normalizeEmail, type User } from '../domain/users/user.js'
import type { CoreDeps } from './support/deps.js'
import { dieOnConflict } from './support/load.js'
import { retryOnConflict } from './support/retry.js'
import { Email } from './support/schemas.js'

/** How long a password-reset link stays valid. */
export const PASSWORD_RESET_TTL_MS = HOUR

export const RequestPasswordResetInput = Schema.Struct({ email: Email })
export type RequestPasswordResetInput = typeof RequestPasswordResetInput.Type

/**
 * "Forgot my password". Succeeds the same way whether or not the e-mail belongs to anyone, so it
 * cannot be used to find out who has an account. For an active user it stores a new reset link
 * valid for one hour (replacing any earlier one, which stops working), writes
 * `innkeeper.user.password_reset_requested.v1` with `{ userId }` only, and e-mails the token
 * (`password_reset`, data `{ userId, token, expiresAt }`). Suspended users get nothing.
 */
export class RequestPasswordReset {
  constructor(
    private readonly deps: Pick<CoreDeps, 'users' | 'secrets' | 'notifier' | 'clock' | 'ids' | 'settings'>,
  ) {}

  execute(raw: typeof RequestPasswordResetInput.Encoded): Effect.Effect<void, ValidationFailed> {
    const { users, secrets, notifier, clock, ids, settings } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(RequestPasswordResetInput, raw)
      const email = normalizeEmail(input.email)
      const attempt = Effect.gen(function* () {
        const found = yield* users.byEmail(email)
        if (Option.isNone(found) || found.value.status !== 'active') return null
        const user = found.value
        const now = clock.now()
        const expiresAt = addMs(now, PASSWORD_RESET_TTL_MS)
        const { token, pending } = newPendingToken(secrets, user.id, expiresAt)
        const updated: User = { ...user, passwordReset: pending, updatedAt: now, version: user.version + 1 }
        yield* users
          .save(updated, [
            newEvent(ids, now, 'innkeeper.user.password_reset_requested.v1', user.id, { userId: user.id }),
          ])
          .pipe(Effect.catchTag('EmailAlreadyRegistered', (e) => Effect.die(e)))
        const notification: Notification = {
          channel: 'email',
          to: user.email,
          template: 'password_reset',
          data: { userId: user.id, token, expiresAt: toIso(expiresAt) },
          dedupeKey: `reset:${user.id}:${pending.digest.slice(0, 16)}`,
        }
        return notification
      })
      const notification = yield* dieOnConflict(retryOnConflict(attempt, settings.concurrencyRetries))
      if (notification !== null) yield* notifier.send(notification)
    })
  }
}
