import { Result } from 'effect'
import type { BookingMode } from '../listings/listing.js'
import type { CancellationPolicy } from '../policies/cancellation.js'
import type { Quote } from '../pricing/quote.js'
import type { Stay } from '../shared/dates.js'
import type { InvalidTransition } from '../shared/errors.js'
import type { BookingId, ListingId, UserId } from '../shared/ids.js'
import type { Instant } from '../shared/time.js'
import {
  type Actor,
  type BookingState,
  checkTransition,
  nextTimer,
  type TimePoints,
  type TransitionName,
} from './lifecycle.js'

export interface TransitionRecord {
  readonly transition: TransitionName
  readonly from: BookingState
  readonly to: BookingState
  readonly actor: Actor
  readonly at: Instant
}

export interface Cancellation {
  readonly by: Actor
  readonly at: Instant
  readonly reason: string
  /** What the cancellation refunds (by policy for a guest, everything for a host or admin). */
  readonly refundAmount: number
  /** What the platform keeps of what was paid when cancelled: paid − refund. */
  readonly retainedAmount: number
}

export interface Modification {
  /** The pending change's key: payments made for it carry the same key. */
  readonly key: string
  readonly at: Instant
  readonly from: { readonly stay: Stay; readonly guests: number; readonly total: number }
  readonly to: { readonly stay: Stay; readonly guests: number; readonly total: number }
}

/**
 * A modification in flight. Saving it claims the booking (one change at a time, by optimistic
 * concurrency); the change is then charged, the nights moved, and the booking saved with the change
 * applied and this cleared. Payments made for it carry its `key`, so settling leaves them alone while
 * it is in flight and refunds them if the change is abandoned.
 */
export interface PendingChange {
  readonly key: string
  readonly stay: Stay
  readonly guests: number
  readonly quote: Quote
  /** The booking's time points once the change applies (check-in and check-out move). */
  readonly points: TimePoints
  readonly startedAt: Instant
}

/** After this long a pending change counts as abandoned (its process died) and settling resolves it. */
export const PENDING_CHANGE_TIMEOUT_MS = 5 * 60_000

/**
 * A settlement that is moving the booking's money (voids, refunds): while its claim holds, other
 * settlements of the booking wait, so no two decide refunds from the same payments at once. A claim
 * whose settlement died lapses at `until`.
 */
export interface SettlementClaim {
  readonly by: string
  readonly until: Instant
}

/** How long a settlement's claim holds if the settlement never releases it. */
export const SETTLEMENT_CLAIM_MS = 60_000

export interface Booking {
  readonly id: BookingId
  readonly listingId: ListingId
  readonly hostId: UserId
  readonly guestId: UserId
  readonly stay: Stay
  readonly guests: number
  readonly state: BookingState
  readonly bookingMode: BookingMode
  /** The price agreed, as a snapshot: later pricing changes never touch it. */
  readonly quote: Quote
  /** The policy in force when booked, as a snapshot. */
  readonly cancellationPolicy: CancellationPolicy
  readonly timezone: string
  readonly points: TimePoints
  /** Amount captured minus amount refunded, across the booking's payments. */
  readonly paidAmount: number
  readonly refundedAmount: number
  readonly cancellation: Cancellation | null
  readonly modifications: readonly Modification[]
  readonly pendingChange: PendingChange | null
  /** The settlement moving this booking's money right now, if any. */
  readonly settling: SettlementClaim | null
  readonly history: readonly TransitionRecord[]
  readonly message: string
  /** When the next timed transition is due, kept with the record so repositories can index it. */
  readonly dueAt: Instant | null
  readonly createdAt: Instant
  readonly updatedAt: Instant
  readonly version: number
}

export const computeDueAt = (
  state: BookingState,
  points: TimePoints,
  pendingChange: PendingChange | null = null,
): Instant | null => {
  const timer = nextTimer(state, points)?.at ?? null
  if (pendingChange === null) return timer
  const stale = (pendingChange.startedAt + PENDING_CHANGE_TIMEOUT_MS) as Instant
  return timer === null || stale < timer ? stale : timer
}

/**
 * When a booking still waiting (for payment, or for the host) lapses unless it moves on; null for
 * a booking that waits for nothing.
 */
export const bookingExpiresAt = (b: Pick<Booking, 'state' | 'dueAt'>): Instant | null =>
  b.state === 'pending_payment' || b.state === 'awaiting_host' ? b.dueAt : null

/** Applies a transition through the table, recording it; returns the new booking or `InvalidTransition`. */
export const applyTransition = (
  b: Booking,
  name: TransitionName,
  actor: Actor,
  now: Instant,
  patch: Partial<Pick<Booking, 'points' | 'cancellation' | 'paidAmount' | 'refundedAmount'>> = {},
): Result.Result<Booking, InvalidTransition> =>
  Result.map(checkTransition({ state: b.state, name, actor, now, points: b.points }), (t) => {
    const points = patch.points ?? b.points
    return {
      ...b,
      ...patch,
      state: t.to,
      points,
      dueAt: computeDueAt(t.to, points, b.pendingChange),
      history: [...b.history, { transition: name, from: b.state, to: t.to, actor, at: now }],
      updatedAt: now,
    }
  })
