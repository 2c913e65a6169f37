import { Effect, Schema } from 'effect'
import { newEvent } from '../domain/events/events.js'
import type { EmailAlreadyRegistered, ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import { normalizeEmail, type User } from '../domain/users/user.js'
import type { CoreDeps } from './support/deps.js'
import { dieOnConflict } from './support/load.js'
import { BoundedString, Email, isChars, NonBlank } from './support/schemas.js'
import { newEmailVerification } from './verify-email.js'

/** A new password: 10 to 200 characters (registration and password reset share this rule). */
export const Password = Schema.String.check(isChars(10, 200))

export const RegisterUserInput = Schema.Struct({
  email: Email,
  password: Password,
  name: NonBlank(120),
  /** Guests may also host; admins are never self-registered. */
  roles: Schema.optionalKey(Schema.Array(Schema.Literals(['guest', 'host'])).check(Schema.isMinLength(1))),
  bio: Schema.optionalKey(BoundedString(2000, 'multi_line')),
})
export type RegisterUserInput = typeof RegisterUserInput.Type

/**
 * Creates an account (unverified e-mail); the e-mail is normalized and must be unused. Sends an
 * e-mail verification link valid for 48 h (`email_verification`, data `{ userId, token, expiresAt }`);
 * only the link's digest is stored and the `innkeeper.user.registered.v1` event never carries it.
 */
export class RegisterUser {
  constructor(
    private readonly deps: Pick<CoreDeps, 'users' | 'hasher' | 'clock' | 'ids' | 'secrets' | 'notifier'>,
  ) {}

  execute(
    raw: typeof RegisterUserInput.Encoded,
  ): Effect.Effect<User, ValidationFailed | EmailAlreadyRegistered> {
    const { users, hasher, clock, ids, secrets, notifier } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(RegisterUserInput, raw)
      const email = normalizeEmail(input.email)
      const passwordHash = yield* hasher.hash(input.password)
      const now = clock.now()
      const created: User = {
        id: ids.next('user'),
        email,
        name: input.name.trim(),
        roles: input.roles ? [...new Set(input.roles)] : ['guest'],
        profile: { bio: input.bio ?? '', avatarUrl: null, phone: null, languages: [] },
        status: 'active',
        emailVerifiedAt: null,
        emailVerification: null,
        passwordReset: null,
        passwordHash,
        createdAt: now,
        updatedAt: now,
        version: 1,
      }
      const { user, notification } = newEmailVerification(secrets, created, now)
      yield* users
        .save(user, [newEvent(ids, now, 'innkeeper.user.registered.v1', user.id, { userId: user.id, email })])
        .pipe(dieOnConflict)
      yield* notifier.send(notification)
      return user
    })
  }
}
