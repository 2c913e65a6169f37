import { Effect, Schema } from 'effect'
import type { Page } from '../../ports/pagination.js'
import type { Booking } from '../domain/bookings/booking.js'
import type { Forbidden, ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import { type Caller, requireUser } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { PageFields, toPageRequest } from './support/page-input.js'

export const ListBookingsInput = Schema.Struct(PageFields)

/** The caller's own bookings as a guest, newest first. */
export class ListGuestBookings {
  constructor(private readonly deps: Pick<CoreDeps, 'bookings'>) {}
  execute(
    caller: Caller,
    raw: typeof ListBookingsInput.Encoded = {},
  ): Effect.Effect<Page<Booking>, ValidationFailed | Forbidden> {
    const { bookings } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireUser(caller)
      const input = yield* decodeInput(ListBookingsInput, raw)
      return yield* bookings.byGuest(userId, toPageRequest(input))
    })
  }
}
