import { Effect, Schema } from 'effect'
import { type Forbidden, GuestProfileNotFound, ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import { ageGroups, type GuestProfile } from '../domain/users/user.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { Email, NonBlank } from './support/schemas.js'

/** Most saved guest profiles one user may keep. */
export const MAX_GUEST_PROFILES = 20

/** Without `id` a new profile is created; with `id` the caller's profile of that id is replaced. */
export const SaveGuestProfileInput = Schema.Struct({
  id: Schema.optionalKey(NonBlank(64)),
  name: NonBlank(120),
  email: Schema.optionalKey(Schema.NullOr(Email)),
  ageGroup: Schema.Literals(ageGroups),
})
export type SaveGuestProfileInput = typeof SaveGuestProfileInput.Type

/** Creates or replaces one of the caller's saved guest profiles (at most 20 per user). */
export class SaveGuestProfile {
  constructor(private readonly deps: Pick<CoreDeps, 'guestProfiles' | 'clock' | 'ids'>) {}

  execute(
    caller: Caller,
    raw: typeof SaveGuestProfileInput.Encoded,
  ): Effect.Effect<GuestProfile, ValidationFailed | Forbidden | GuestProfileNotFound> {
    const { guestProfiles, clock, ids } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(SaveGuestProfileInput, raw)
      const own = yield* guestProfiles.byOwner(userId)
      const fields = {
        name: input.name.trim(),
        email: input.email ? input.email.trim().toLowerCase() : null,
        ageGroup: input.ageGroup,
      }
      if (input.id !== undefined) {
        const existing = own.find((p) => p.id === input.id)
        if (!existing) return yield* Effect.fail(new GuestProfileNotFound({ guestProfileId: input.id }))
        const updated: GuestProfile = { ...existing, ...fields }
        yield* guestProfiles.save(updated)
        return updated
      }
      if (own.length >= MAX_GUEST_PROFILES)
        return yield* Effect.fail(
          new ValidationFailed({
            issues: [{ path: '', message: `at most ${MAX_GUEST_PROFILES} guest profiles may be saved` }],
          }),
        )
      const profile: GuestProfile = {
        id: ids.next('guestProfile'),
        ownerId: userId,
        ...fields,
        createdAt: clock.now(),
      }
      yield* guestProfiles.save(profile)
      return profile
    })
  }
}
