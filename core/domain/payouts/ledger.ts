import type { Booking } from '../bookings/booking.js'
import type { Quote } from '../pricing/quote.js'
import { zonedInstant } from '../shared/dates.js'
import type { BookingId, LedgerEntryId, PayoutId, UserId } from '../shared/ids.js'
import type { Currency } from '../shared/money.js'
import { addMs, HOUR, type Instant } from '../shared/time.js'

/*
 * The host payout ledger. Each host has one account per currency: an append-only list of entries,
 * numbered 1, 2, 3 … (`seq`) in the order they were written. Every write takes the next numbers, so
 * two writers that read the same account cannot both append (the second loses on the number and
 * re-reads): the account is a single line of history, and each payout is computed from exactly the
 * entries before it.
 *
 *  - earning     what a booking earns the host, payable at check-in + the payout delay;
 *  - adjustment  a later change of what the booking earns (modified, cancelled, refunded), or a
 *                move of when it is payable; negative when money is taken back, possibly after it
 *                was paid out: the balance then goes negative and is netted against later earnings;
 *  - payout      the payable balance sent to the host's payout account (negative);
 *  - reversal    a payout the provider refused, given back to the balance (positive).
 *
 * Pure: integer minor units, one currency per account, no clock.
 */

export type EntryKind = 'earning' | 'adjustment' | 'payout' | 'reversal'

export interface LedgerEntry {
  readonly id: LedgerEntryId
  /** Unique across the ledger: the same earning, adjustment, payout or reversal is never written twice. */
  readonly key: string
  readonly hostId: UserId
  readonly currency: Currency
  /** Position in the account, from 1, without gaps. */
  readonly seq: number
  readonly kind: EntryKind
  /** Signed minor units: what the entry adds to the host's balance. */
  readonly amount: number
  readonly bookingId: BookingId | null
  readonly payoutId: PayoutId | null
  /** From when the amount counts towards the payable balance. */
  readonly payableAt: Instant
  readonly createdAt: Instant
}

/** A host's ledger in one currency: the head of its entries and when a payout run should look at it. */
export interface PayoutAccount {
  readonly hostId: UserId
  readonly currency: Currency
  /** The `seq` of the last entry (0: none yet). */
  readonly lastSeq: number
  /** When the account may next have something to pay; null when nothing is waiting. */
  readonly dueAt: Instant | null
  readonly updatedAt: Instant
  /** Optimistic concurrency, as for every stored record: n replaces n − 1. */
  readonly version: number
}

export type PayoutStatus = 'pending' | 'paid' | 'failed'

/** A transfer of a host's payable balance to their payout account. */
export interface Payout {
  readonly id: PayoutId
  /** `payout:<host>:<currency>:<seq>`: one payout per position of the account, never two. */
  readonly key: string
  readonly hostId: UserId
  readonly currency: Currency
  /** Positive minor units. */
  readonly amount: number
  /** The host's connected account at the provider. */
  readonly destination: string
  readonly provider: string
  /** The `seq` of the payout's own entry in the account. */
  readonly entrySeq: number
  readonly status: PayoutStatus
  /** The provider's transfer id once paid. */
  readonly transferRef: string | null
  readonly failureReason: string | null
  /** Transfer attempts that found the provider unavailable. */
  readonly attempts: number
  readonly createdAt: Instant
  readonly updatedAt: Instant
  readonly version: number
}

/** What a booking earns its host, and from when. */
export interface Entitlement {
  readonly hostId: UserId
  readonly bookingId: BookingId
  readonly currency: Currency
  /** Minor units, ≥ 0. */
  readonly amount: number
  readonly payableAt: Instant
}

/** Half away from zero of a·b/c for non-negative integers, exact beyond 2^53. */
const mulDivRound = (a: number, b: number, c: number): number => {
  const product = a * b
  if (Number.isSafeInteger(product)) return Math.floor((2 * product + c) / (2 * c))
  const big = (BigInt(a) * BigInt(b) * 2n + BigInt(c)) / (2n * BigInt(c))
  return Number(big)
}

/**
 * The host's share of an amount the platform keeps of a booking, in proportion to the quote (the
 * rule of the host report): host payout × kept ÷ guest total, never more than the host payout.
 */
export const hostShareOf = (quote: Pick<Quote, 'hostPayout' | 'guestTotal'>, kept: number): number => {
  if (quote.guestTotal <= 0 || quote.hostPayout <= 0 || kept <= 0) return 0
  if (kept >= quote.guestTotal) return quote.hostPayout
  return Math.min(quote.hostPayout, mulDivRound(quote.hostPayout, kept, quote.guestTotal))
}

/** When a booking's earning becomes payable: check-in (the listing's time zone) plus the delay. */
export const payableAtOf = (
  b: Pick<Booking, 'points' | 'stay' | 'timezone'>,
  payoutDelayHours: number,
): Instant =>
  addMs(b.points.checkInAt ?? zonedInstant(b.stay.checkIn, 0, 0, b.timezone), payoutDelayHours * HOUR)

/**
 * What a booking earns its host now: the quote's host payout for a stay that is kept (confirmed,
 * in progress, completed); for a cancelled one, the host's share of what the cancellation retained
 * (nothing after a host, admin or full refund; all of it when nothing was refunded); nothing for a
 * booking never confirmed.
 */
export const hostEntitlement = (
  b: Pick<Booking, 'id' | 'hostId' | 'state' | 'quote' | 'cancellation' | 'points' | 'stay' | 'timezone'>,
  payoutDelayHours: number,
): Entitlement => {
  const amount =
    b.state === 'confirmed' || b.state === 'in_progress' || b.state === 'completed'
      ? Math.max(0, b.quote.hostPayout)
      : b.state === 'cancelled'
        ? hostShareOf(b.quote, b.cancellation?.retainedAmount ?? 0)
        : 0
  return {
    hostId: b.hostId,
    bookingId: b.id,
    currency: b.quote.currency,
    amount,
    payableAt: payableAtOf(b, payoutDelayHours),
  }
}

/** An entry to write, before the store numbers it. */
export interface EntryDraft {
  readonly kind: EntryKind
  readonly key: string
  readonly amount: number
  readonly payableAt: Instant
  readonly bookingId: BookingId | null
  readonly payoutId: PayoutId | null
}

export const earningKey = (bookingId: BookingId): string => `earning:${bookingId}`
export const adjustmentKey = (bookingId: BookingId, n: number): string => `adjustment:${bookingId}:${n}`
export const payoutKey = (hostId: UserId, currency: Currency, seq: number): string =>
  `payout:${hostId}:${currency}:${seq}`
export const reversalKey = (payoutId: PayoutId): string => `reversal:${payoutId}`

/**
 * The entries that bring what the ledger holds for a booking to its entitlement. Recorded amounts
 * are grouped by when they are payable: whatever is held at another time than the entitlement's is
 * taken back there, and the entitlement's time gets the difference. The first entry of a booking is
 * its earning, the rest adjustments. Nothing when the ledger already agrees, so applying the same
 * entitlement twice, or an older one after a newer, only ever writes the difference.
 */
export const reconcileBooking = (
  recorded: readonly Pick<LedgerEntry, 'kind' | 'amount' | 'payableAt' | 'bookingId'>[],
  target: Entitlement,
): EntryDraft[] => {
  const mine = recorded.filter(
    (e) => e.bookingId === target.bookingId && (e.kind === 'earning' || e.kind === 'adjustment'),
  )
  const have = new Map<number, number>()
  for (const e of mine) have.set(e.payableAt, (have.get(e.payableAt) ?? 0) + e.amount)
  const changes: { payableAt: Instant; amount: number }[] = []
  for (const [at, amount] of [...have].sort((a, b) => a[0] - b[0])) {
    if (at === target.payableAt) continue
    if (amount !== 0) changes.push({ payableAt: at as Instant, amount: -amount })
  }
  const diff = target.amount - (have.get(target.payableAt) ?? 0)
  if (diff !== 0) changes.push({ payableAt: target.payableAt, amount: diff })
  let n = mine.length
  return changes.map((c) => {
    const first = n === 0
    n++
    return {
      kind: first ? 'earning' : 'adjustment',
      key: first ? earningKey(target.bookingId) : adjustmentKey(target.bookingId, n - 1),
      amount: c.amount,
      payableAt: c.payableAt,
      bookingId: target.bookingId,
      payoutId: null,
    }
  })
}

/** The balance that can be paid out at `at`: every entry payable by then, payouts already taken off. */
export const payableBalance = (
  entries: readonly Pick<LedgerEntry, 'amount' | 'payableAt'>[],
  at: Instant,
): number => {
  let sum = 0
  for (const e of entries) if (e.payableAt <= at) sum += e.amount
  return sum
}

/** What a payout run at `now` pays: the whole payable balance if positive, else nothing. */
export const payoutAmount = (
  entries: readonly Pick<LedgerEntry, 'amount' | 'payableAt'>[],
  now: Instant,
): number => Math.max(0, payableBalance(entries, now))

/**
 * When a payout run should next look at an account: now if something is payable, else the first
 * moment an entry not yet payable becomes so; null when nothing waits.
 */
export const accountDueAt = (
  entries: readonly Pick<LedgerEntry, 'amount' | 'payableAt'>[],
  now: Instant,
): Instant | null => {
  if (payableBalance(entries, now) > 0) return now
  let next: Instant | null = null
  for (const e of entries) if (e.payableAt > now && (next === null || e.payableAt < next)) next = e.payableAt
  return next
}

/** A host's figures in one currency. */
export interface Balance {
  readonly currency: Currency
  /** Payable now and not yet paid out; negative when refunds took back more than was left (owed, netted later). */
  readonly available: number
  /** Earned but not yet payable (stays that have not started, or started less than the delay ago). */
  readonly upcoming: number
  /** Payouts sent to the provider and not yet confirmed. */
  readonly inTransit: number
  /** Paid out, in total. */
  readonly paidOut: number
  /** Earnings less adjustments, in total. */
  readonly earned: number
  /** When the next not-yet-payable amount becomes payable; null if none. */
  readonly nextPayableAt: Instant | null
}

/**
 * A host's figures in one currency from its entries and its pending payouts. Paid out = what
 * payouts took off the ledger, less what refused ones gave back, less what is still in transit.
 */
export const balanceOf = (
  currency: Currency,
  entries: readonly LedgerEntry[],
  pending: readonly Pick<Payout, 'amount' | 'status' | 'currency'>[],
  now: Instant,
): Balance => {
  let upcoming = 0
  let earned = 0
  let sentOut = 0
  let nextPayableAt: Instant | null = null
  for (const e of entries) {
    if (e.kind === 'earning' || e.kind === 'adjustment') earned += e.amount
    else sentOut -= e.amount
    if (e.payableAt > now) {
      upcoming += e.amount
      if (nextPayableAt === null || e.payableAt < nextPayableAt) nextPayableAt = e.payableAt
    }
  }
  let inTransit = 0
  for (const p of pending) if (p.currency === currency && p.status === 'pending') inTransit += p.amount
  return {
    currency,
    available: payableBalance(entries, now),
    upcoming,
    inTransit,
    paidOut: sentOut - inTransit,
    earned,
    nextPayableAt,
  }
}
