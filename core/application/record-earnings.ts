import { Effect, Option } from 'effect'
import type { Booking } from '../domain/bookings/booking.js'
import type { EventType } from '../domain/events/events.js'
import {
  accountDueAt,
  type Entitlement,
  hostEntitlement,
  reconcileBooking,
} from '../domain/payouts/ledger.js'
import type { ConcurrentModification } from '../domain/shared/errors.js'
import { asId, type BookingId } from '../domain/shared/ids.js'
import type { Currency } from '../domain/shared/money.js'
import type { CoreDeps } from './support/deps.js'
import { entryEvent, loadAccount, numberEntries } from './support/payout-records.js'
import { retryOnConflict } from './support/retry.js'

/**
 * The booking events after which what a booking earns its host may have changed: it was confirmed,
 * its dates, guests or price changed, or it was cancelled. (Refunds follow the cancellation's
 * retained amount, which the cancelled event already carries.)
 */
export const earningTypes: readonly EventType[] = [
  'innkeeper.booking.confirmed.v1',
  'innkeeper.booking.modified.v1',
  'innkeeper.booking.cancelled.v1',
]

/**
 * Keeps the host payout ledger in step with bookings: the consumer of booking events. For the
 * booking an event names it reads the booking as it is now, works out what it earns the host and
 * from when (`hostEntitlement`), and appends the entries that bring the ledger to that figure
 * (`reconcileBooking`): the earning the first time, adjustments after.
 *
 * Why events rather than a call from settlement: the ledger is another aggregate, written in its
 * own atomic step, and the outbox already guarantees at-least-once delivery of every booking
 * change after it is stored, from any process. Because each run reconciles with the booking's
 * current state rather than applying the event's delta, duplicates, reordered deliveries and
 * concurrent consumers converge: the second run finds nothing to write, and two runs racing on one
 * account cannot both append (the account's next position is taken by one; the other re-reads).
 *
 * Returns how many entries were written.
 */
export class RecordEarnings {
  constructor(private readonly deps: Pick<CoreDeps, 'bookings' | 'payouts' | 'clock' | 'ids' | 'settings'>) {}

  execute(event: {
    readonly type: string
    readonly data: object
  }): Effect.Effect<number, ConcurrentModification> {
    if (!(earningTypes as readonly string[]).includes(event.type)) return Effect.succeed(0)
    const raw = 'bookingId' in event.data ? event.data.bookingId : undefined
    if (typeof raw !== 'string' || raw.length === 0) return Effect.succeed(0)
    return recordEarningsOf(this.deps, asId('booking', raw))
  }
}

/** Reconciles one booking's entries with what it earns now (0 for a booking that does not exist). */
export const recordEarningsOf = (
  deps: Pick<CoreDeps, 'bookings' | 'payouts' | 'clock' | 'ids' | 'settings'>,
  bookingId: BookingId,
): Effect.Effect<number, ConcurrentModification> => {
  const { bookings, payouts, settings } = deps
  return Effect.gen(function* () {
    const found = yield* bookings.byId(bookingId)
    if (Option.isNone(found)) return 0
    const booking = found.value
    const target = hostEntitlement(booking, settings.payoutDelayHours)
    // Normally one account; a booking whose currency changed also clears what the old one holds.
    const elsewhere = new Set<Currency>()
    for (const e of yield* payouts.entriesOfBooking(bookingId))
      if (e.currency !== target.currency) elsewhere.add(e.currency)
    let written = 0
    for (const currency of [target.currency, ...[...elsewhere].sort()]) {
      const goal: Entitlement = currency === target.currency ? target : { ...target, currency, amount: 0 }
      written += yield* retryOnConflict(
        reconcileAccount(deps, booking, goal),
        settings.concurrencyRetries * 4,
      )
    }
    return written
  })
}

const reconcileAccount = (
  deps: Pick<CoreDeps, 'payouts' | 'clock' | 'ids'>,
  booking: Booking,
  target: Entitlement,
): Effect.Effect<number, ConcurrentModification> =>
  Effect.gen(function* () {
    const { payouts, clock, ids } = deps
    const now = clock.now()
    const { account, entries } = yield* loadAccount(payouts, target.hostId, target.currency, now)
    const drafts = reconcileBooking(entries, target)
    if (drafts.length === 0) return 0
    const added = numberEntries(ids, account, drafts, now)
    const all = [...entries, ...added]
    const dueAt = accountDueAt(all, now)
    yield* payouts.save(
      {
        account: {
          ...account,
          lastSeq: account.lastSeq + added.length,
          // A deferral (no payout account yet, a refused payout) stands unless something is payable sooner.
          dueAt:
            account.dueAt !== null && account.dueAt > now && dueAt !== null && dueAt <= now
              ? account.dueAt
              : dueAt,
          updatedAt: now,
          version: account.version + 1,
        },
        entries: added,
      },
      added.map((e) => entryEvent(ids, now, e, target.amount, booking.state)),
    )
    return added.length
  })
