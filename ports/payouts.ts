import type { Effect, Option } from 'effect'
import type { DomainEvent } from '../core/domain/events/events.js'
import type { PayoutRejected } from '../core/domain/payouts/errors.js'
import type { LedgerEntry, Payout, PayoutAccount } from '../core/domain/payouts/ledger.js'
import type { ConcurrentModification, PaymentProviderUnavailable } from '../core/domain/shared/errors.js'
import type { BookingId, PayoutId, UserId } from '../core/domain/shared/ids.js'
import type { Currency } from '../core/domain/shared/money.js'
import type { Instant } from '../core/domain/shared/time.js'
import type { Page, PageRequest } from './pagination.js'
import { token } from './tokens.js'

/** One atomic write to the payout ledger: what a use case decided, stored all at once or not at all. */
export interface LedgerWrite {
  /** The account after the write (its `version` one more than stored, 1 for a new account). */
  readonly account?: PayoutAccount
  /**
   * New entries of that account, numbered `lastSeq` of the stored account + 1, + 2 … up to the new
   * account's `lastSeq`. Each entry's `key` must be new to the whole ledger.
   */
  readonly entries?: readonly LedgerEntry[]
  /** A new payout (`version` 1) or a payout's next version. */
  readonly payout?: Payout
}

/**
 * The host payout ledger: accounts (one per host and currency), their append-only entries, and
 * payouts. `save` writes the account, its new entries, a payout and the events in one atomic step
 * (transactional outbox, as the repositories do). It fails with `ConcurrentModification`, changing
 * nothing, when the account or payout version does not follow the stored one, when an entry's
 * position in its account is taken, or when an entry's key is already in the ledger — so the same
 * earning, adjustment, payout or reversal can never be recorded twice, and of two writers that read
 * the same account only one appends.
 */
export interface PayoutLedger {
  account(hostId: UserId, currency: Currency): Effect.Effect<Option.Option<PayoutAccount>>
  /** Every account of a host, by currency code. */
  accountsOf(hostId: UserId): Effect.Effect<readonly PayoutAccount[]>
  /** An account's entries in `seq` order. */
  entries(hostId: UserId, currency: Currency): Effect.Effect<readonly LedgerEntry[]>
  /** Every entry about a booking, in `seq` order. */
  entriesOfBooking(bookingId: BookingId): Effect.Effect<readonly LedgerEntry[]>
  save(write: LedgerWrite, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification>
  /** Accounts whose `dueAt` ≤ now, earliest first. */
  due(now: Instant, limit: number): Effect.Effect<readonly PayoutAccount[]>
  payout(id: PayoutId): Effect.Effect<Option.Option<Payout>>
  /** A host's payouts, newest first. */
  payoutsOf(hostId: UserId, page: PageRequest): Effect.Effect<Page<Payout>>
  /** Every payout of a host still pending (for balances), oldest first. */
  pendingOf(hostId: UserId): Effect.Effect<readonly Payout[]>
  /** Payouts still pending across the ledger, oldest first: transfers to make or retry. */
  pending(limit: number): Effect.Effect<readonly Payout[]>
}
export const PayoutLedger = token<PayoutLedger>('PayoutLedger')

export interface TransferRequest {
  /** Positive minor units. */
  readonly amount: number
  readonly currency: Currency
  /** The host's connected account at the provider. */
  readonly destination: string
  /**
   * Same key, same transfer: a retried transfer never pays twice. Also the transfer's group at the
   * provider (Stripe `transfer_group`), by which it can be found again whatever key made it.
   */
  readonly idempotencyKey: string
  /**
   * When the payout was opened (its key first used). A provider that forgets keys (Stripe after
   * 24 h) looks the transfer up by its group before retrying an older payout, and retries under a
   * fresh key derived from the key and the attempt window, so an expired key never pays twice.
   */
  readonly openedAt: Instant
  readonly metadata: Readonly<Record<string, string>>
}

export interface Transfer {
  readonly transferRef: string
  readonly amount: number
  readonly currency: Currency
  readonly destination: string
}

/**
 * Moves money from the platform to a host's account at the provider (Stripe Connect transfers).
 * Idempotent by key. Fails with `PaymentProviderUnavailable` when the provider cannot be reached
 * (nothing moved; try again with the same key) and `PayoutRejected` when it refuses for good.
 */
export interface PayoutGateway {
  readonly provider: string
  transfer(request: TransferRequest): Effect.Effect<Transfer, PaymentProviderUnavailable | PayoutRejected>
}
export const PayoutGateway = token<PayoutGateway>('PayoutGateway')
