import { Effect, Schema } from 'effect'
import type {
  ConcurrentModification,
  Forbidden,
  UserNotFound,
  ValidationFailed,
} from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { User } from '../domain/users/user.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { findUser } from './support/load.js'
import { retryOnConflict } from './support/retry.js'
import { BoundedString, isChars, matches, NonBlank, Url } from './support/schemas.js'

/** E.164-like: an optional +, then digits, spaces, dashes, dots or parentheses. */
const Phone = Schema.String.check(matches(/^\+?[0-9][0-9 ().-]{3,30}$/, 'a phone number'))
/** A BCP 47 language tag such as `en`, `pt-BR`, `zh-Hant`. */
const LanguageTag = Schema.String.check(
  isChars(2, 35),
  matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag'),
)
/** A connected account id at the payout provider, such as Stripe's `acct_1Nv0FGQ9RKHgCVdK`. */
export const PayoutAccountId = Schema.String.check(
  matches(/^[A-Za-z0-9_-]{1,128}$/, 'a payout account id'),
).annotate({
  description: "The host's connected account at the payout provider (Stripe: acct_…); null clears it",
})

/** A partial patch of the caller's own profile: only the keys present change; unknown keys are rejected. */
export const UpdateProfileInput = Schema.Struct({
  name: Schema.optionalKey(NonBlank(120)),
  bio: Schema.optionalKey(BoundedString(2000, 'multi_line')),
  avatarUrl: Schema.optionalKey(Schema.NullOr(Url)),
  phone: Schema.optionalKey(Schema.NullOr(Phone)),
  languages: Schema.optionalKey(Schema.Array(LanguageTag).check(Schema.isMaxLength(20))),
  payoutAccountId: Schema.optionalKey(Schema.NullOr(PayoutAccountId)),
})
export type UpdateProfileInput = typeof UpdateProfileInput.Type

/** The caller edits their own name and profile. */
export class UpdateProfile {
  constructor(private readonly deps: Pick<CoreDeps, 'users' | 'clock' | 'settings'>) {}

  execute(
    caller: Caller,
    raw: typeof UpdateProfileInput.Encoded,
  ): Effect.Effect<User, ValidationFailed | Forbidden | UserNotFound | ConcurrentModification> {
    const { users, clock, settings } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(UpdateProfileInput, raw)
      const attempt = Effect.gen(function* () {
        const user = yield* findUser(users, userId)
        const updated: User = {
          ...user,
          name: input.name !== undefined ? input.name.trim() : user.name,
          profile: {
            bio: input.bio ?? user.profile.bio,
            avatarUrl: input.avatarUrl !== undefined ? input.avatarUrl : user.profile.avatarUrl,
            phone: input.phone !== undefined ? input.phone : user.profile.phone,
            languages: input.languages !== undefined ? [...new Set(input.languages)] : user.profile.languages,
            // Kept absent for users who never set it, so their stored profile keeps its shape.
            ...(input.payoutAccountId !== undefined
              ? { payoutAccountId: input.payoutAccountId }
              : user.profile.payoutAccountId !== undefined
                ? { payoutAccountId: user.profile.payoutAccountId }
                : {}),
          },
          updatedAt: clock.now(),
          version: user.version + 1,
        }
        // The e-mail does not change, so it cannot collide with another user's.
        yield* users.save(updated, []).pipe(Effect.catchTag('EmailAlreadyRegistered', (e) => Effect.die(e)))
        return updated
      })
      return yield* retryOnConflict(attempt, settings.concurrencyRetries)
    })
  }
}
