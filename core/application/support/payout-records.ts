import { Effect, Option } from 'effect'
import type { IdGenerator } from '../../../ports/id-generator.js'
import type { PayoutLedger } from '../../../ports/payouts.js'
import type { BookingState } from '../../domain/bookings/lifecycle.js'
import { type DomainEvent, newEvent } from '../../domain/events/events.js'
import type { EntryDraft, LedgerEntry, Payout, PayoutAccount } from '../../domain/payouts/ledger.js'
import type { UserId } from '../../domain/shared/ids.js'
import type { Currency } from '../../domain/shared/money.js'
import { type Instant, toIso } from '../../domain/shared/time.js'

/** An account as stored, or a fresh one (version 0: the first save writes version 1). */
export const loadAccount = (
  ledger: PayoutLedger,
  hostId: UserId,
  currency: Currency,
  now: Instant,
): Effect.Effect<{ readonly account: PayoutAccount; readonly entries: readonly LedgerEntry[] }> =>
  Effect.gen(function* () {
    const found = yield* ledger.account(hostId, currency)
    const account: PayoutAccount = Option.getOrElse(found, () => ({
      hostId,
      currency,
      lastSeq: 0,
      dueAt: null,
      updatedAt: now,
      version: 0,
    }))
    // Only what the account's head covers: a write made since is caught by the version on save.
    const entries = (yield* ledger.entries(hostId, currency)).filter((e) => e.seq <= account.lastSeq)
    return { account, entries }
  })

/** Numbers drafts after the account's head, as the entries the next save appends. */
export const numberEntries = (
  ids: IdGenerator,
  account: PayoutAccount,
  drafts: readonly EntryDraft[],
  now: Instant,
): LedgerEntry[] =>
  drafts.map((d, i) => ({
    id: ids.next('ledgerEntry'),
    key: d.key,
    hostId: account.hostId,
    currency: account.currency,
    seq: account.lastSeq + i + 1,
    kind: d.kind,
    amount: d.amount,
    bookingId: d.bookingId,
    payoutId: d.payoutId,
    payableAt: d.payableAt,
    createdAt: now,
  }))

/** The event of an earning or adjustment entry (subject: the host). */
export const entryEvent = (
  ids: IdGenerator,
  now: Instant,
  e: LedgerEntry,
  entitlement: number,
  bookingState: BookingState,
): DomainEvent =>
  newEvent(
    ids,
    now,
    e.kind === 'earning' ? 'innkeeper.payout.earning_recorded.v1' : 'innkeeper.payout.earning_adjusted.v1',
    e.hostId,
    {
      hostId: e.hostId,
      bookingId: e.bookingId ?? '',
      entryId: e.id,
      seq: e.seq,
      amount: e.amount,
      currency: e.currency,
      payableAt: toIso(e.payableAt),
      entitlement,
      bookingState,
    },
  )

/** The event of a payout's step (subject: the host). */
export const payoutEvent = (ids: IdGenerator, now: Instant, p: Payout): DomainEvent => {
  const core = {
    payoutId: p.id,
    hostId: p.hostId,
    amount: p.amount,
    currency: p.currency,
    destination: p.destination,
    provider: p.provider,
  }
  switch (p.status) {
    case 'pending':
      return newEvent(ids, now, 'innkeeper.payout.created.v1', p.hostId, core)
    case 'paid':
      return newEvent(ids, now, 'innkeeper.payout.paid.v1', p.hostId, {
        ...core,
        transferRef: p.transferRef ?? '',
      })
    case 'failed':
      return newEvent(ids, now, 'innkeeper.payout.failed.v1', p.hostId, {
        ...core,
        reason: p.failureReason ?? '',
      })
  }
}
