import { Effect, Schema } from 'effect'
import { type Forbidden, GuestProfileNotFound, type ValidationFailed } from '../domain/shared/errors.js'
import { asId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { NonBlank } from './support/schemas.js'

export const DeleteGuestProfileInput = Schema.Struct({ id: NonBlank(64) })
export type DeleteGuestProfileInput = typeof DeleteGuestProfileInput.Type

/** Deletes one of the caller's guest profiles; someone else's is `GuestProfileNotFound`, like a missing one. */
export class DeleteGuestProfile {
  constructor(private readonly deps: Pick<CoreDeps, 'guestProfiles'>) {}

  execute(
    caller: Caller,
    raw: typeof DeleteGuestProfileInput.Encoded,
  ): Effect.Effect<void, ValidationFailed | Forbidden | GuestProfileNotFound> {
    const { guestProfiles } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(DeleteGuestProfileInput, raw)
      const deleted = yield* guestProfiles.delete(userId, asId('guestProfile', input.id))
      if (!deleted) return yield* Effect.fail(new GuestProfileNotFound({ guestProfileId: input.id }))
    })
  }
}
