import { Effect } from 'effect'
import type { Page } from '../../ports/pagination.js'
import type { Booking } from '../domain/bookings/booking.js'
import type { Forbidden, ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import { ListBookingsInput } from './list-guest-bookings.js'
import { type Caller, requireRole } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { toPageRequest } from './support/page-input.js'

/** Bookings of the caller's listings, newest first. */
export class ListHostBookings {
  constructor(private readonly deps: Pick<CoreDeps, 'bookings'>) {}
  execute(
    caller: Caller,
    raw: typeof ListBookingsInput.Encoded = {},
  ): Effect.Effect<Page<Booking>, ValidationFailed | Forbidden> {
    const { bookings } = this.deps
    return Effect.gen(function* () {
      const { userId } = yield* requireRole(caller, 'host')
      const input = yield* decodeInput(ListBookingsInput, raw)
      return yield* bookings.byHost(userId, toPageRequest(input))
    })
  }
}
