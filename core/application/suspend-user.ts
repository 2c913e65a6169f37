import { Effect, Schema } from 'effect'
import type { Page } from '../../ports/pagination.js'
import type { Booking } from '../domain/bookings/booking.js'
import type { BookingState } from '../domain/bookings/lifecycle.js'
import type {
  ConcurrentModification,
  Forbidden,
  UserNotFound,
  ValidationFailed,
} from '../domain/shared/errors.js'
import { asId, type BookingId, type UserId } from '../domain/shared/ids.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { User } from '../domain/users/user.js'
import { CancelBooking } from './cancel-booking.js'
import type { Caller } from './support/caller.js'
import type { CoreDeps } from './support/deps.js'
import { BoundedString, NonBlank } from './support/schemas.js'
import { changeUserStatus } from './support/user-status.js'

/** What a suspension does to the host's bookings that have not started yet. */
export const upcomingBookingChoices = ['keep', 'cancel'] as const
export type UpcomingBookingChoice = (typeof upcomingBookingChoices)[number]

/** What an admin says when suspending (the HTTP body); the user is named apart (the path). */
export const SuspensionTerms = Schema.Struct({
  reason: Schema.optionalKey(BoundedString(500, 'multi_line')),
  /**
   * `keep` (the default): the host's bookings that have not started stand. `cancel`: each is
   * cancelled by the admin, which refunds the guest everything paid, with the usual
   * `innkeeper.booking.cancelled.v1` event and notices.
   */
  upcomingBookings: Schema.optionalKey(Schema.Literals(upcomingBookingChoices)),
})

export const SuspendUserInput = Schema.Struct({ userId: NonBlank(64), ...SuspensionTerms.fields })
export type SuspendUserInput = typeof SuspendUserInput.Type

/** The states of a booking that has not started: a suspension with `cancel` cancels these. */
export const UPCOMING_STATES: readonly BookingState[] = ['pending_payment', 'awaiting_host', 'confirmed']

/** How many of the host's bookings are read at once while looking for upcoming ones. */
const PAGE = 200

/**
 * An admin suspends a user (they can no longer sign in) and every session of theirs is revoked, so
 * no refresh token of theirs works any more; their listings leave search and take no bookings
 * (`HostSuspended`). With `upcomingBookings: 'cancel'` every booking on their listings that has
 * not started (pending payment, awaiting the host, confirmed) is cancelled by the admin: a full
 * refund, through `CancelBooking`. Idempotent: suspending a suspended user writes no second event
 * (its sessions are revoked again and, with `cancel`, the bookings still upcoming are cancelled,
 * which finishes a suspension that was interrupted). Emits `innkeeper.user.suspended.v1`.
 */
export class SuspendUser {
  private readonly cancelBooking: CancelBooking

  constructor(
    private readonly deps: Pick<
      CoreDeps,
      | 'users'
      | 'sessions'
      | 'bookings'
      | 'payments'
      | 'availability'
      | 'gateway'
      | 'clock'
      | 'ids'
      | 'settings'
    >,
  ) {
    this.cancelBooking = new CancelBooking(deps)
  }

  execute(
    caller: Caller,
    raw: typeof SuspendUserInput.Encoded,
  ): Effect.Effect<User, ValidationFailed | Forbidden | UserNotFound | ConcurrentModification> {
    const deps = this.deps
    const cancelBooking = this.cancelBooking
    const cancelUpcoming = (hostId: UserId, reason: string): Effect.Effect<void, ConcurrentModification> =>
      Effect.gen(function* () {
        const upcoming = yield* upcomingOf(deps.bookings, hostId)
        for (const id of upcoming)
          yield* cancelBooking
            .execute(caller, id, { reason: reason === '' ? 'host suspended' : `host suspended: ${reason}` })
            .pipe(
              // A booking that moved on meanwhile (paid out, expired, already cancelled) is left as it is.
              Effect.catchTags({
                InvalidTransition: () => Effect.void,
                BookingNotFound: () => Effect.void,
                ValidationFailed: (e) => Effect.die(e),
              }),
            )
      })
    return Effect.flatMap(decodeInput(SuspendUserInput, raw), (input) =>
      Effect.tap(
        changeUserStatus(
          deps,
          caller,
          asId('user', input.userId),
          'suspended',
          'innkeeper.user.suspended.v1',
          input.reason ?? '',
        ),
        (user) =>
          Effect.andThen(
            deps.sessions.revokeUser(user.id),
            input.upcomingBookings === 'cancel' ? cancelUpcoming(user.id, input.reason ?? '') : Effect.void,
          ),
      ),
    )
  }
}

/** The ids of the host's bookings that have not started, read page by page before any is changed. */
const upcomingOf = (bookings: CoreDeps['bookings'], hostId: UserId): Effect.Effect<readonly BookingId[]> =>
  Effect.gen(function* () {
    const ids: BookingId[] = []
    let cursor: string | null = null
    do {
      const page: Page<Booking> = yield* bookings.byHost(hostId, { limit: PAGE, cursor })
      for (const b of page.items) if (UPCOMING_STATES.includes(b.state)) ids.push(b.id)
      cursor = page.nextCursor
    } while (cursor !== null)
    return ids
  })
