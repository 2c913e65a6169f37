import { Effect, Schema } from 'effect'
import type { EmailAlreadyRegistered, ValidationFailed } from '../shared/errors.js'
import { decodeInput } from '../shared/validation.js'
import { normalizeEmail, type User } from '../users/user.js'
import type { CoreDeps } from './deps.js'
import { dieOnConflict } from './load.js'
import { newEvent } from './new-event.js'
import { BoundedString, Email, NonBlank } from './schemas.js'

export const RegisterUserInput = Schema.Struct({
  email: Email,
  password: Schema.String.check(Schema.isMinLength(10), Schema.isMaxLength(200)),
  name: NonBlank(120),
  /** Guests may also host; admins are never self-registered. */
  roles: Schema.optionalKey(Schema.Array(Schema.Literals(['guest', 'host'])).check(Schema.isMinLength(1))),
  bio: Schema.optionalKey(BoundedString(2000)),
})
export type RegisterUserInput = typeof RegisterUserInput.Type

/** Creates an account (unverified e-mail); the e-mail is normalized and must be unused. */
export class RegisterUser {
  constructor(private readonly deps: Pick<CoreDeps, 'users' | 'hasher' | 'clock' | 'ids'>) {}

  execute(raw: unknown): Effect.Effect<User, ValidationFailed | EmailAlreadyRegistered> {
    const { users, hasher, clock, ids } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(RegisterUserInput, raw)
      const email = normalizeEmail(input.email)
      const passwordHash = yield* hasher.hash(input.password)
      const now = clock.now()
      const user: User = {
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
      yield* users
        .save(user, [newEvent(ids, now, 'innkeeper.user.registered.v1', user.id, { userId: user.id, email })])
        .pipe(dieOnConflict)
      return user
    })
  }
}
