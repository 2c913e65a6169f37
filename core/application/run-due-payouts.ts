import { Effect, Option, Result } from 'effect'
import {
  accountDueAt,
  type Payout,
  type PayoutAccount,
  payoutAmount,
  payoutKey,
  reversalKey,
} from '../domain/payouts/ledger.js'
import type { ConcurrentModification } from '../domain/shared/errors.js'
import type { PayoutId, UserId } from '../domain/shared/ids.js'
import type { Currency } from '../domain/shared/money.js'
import { addMs, HOUR, type Instant } from '../domain/shared/time.js'
import type { CoreDeps } from './support/deps.js'
import { loadAccount, numberEntries, payoutEvent } from './support/payout-records.js'
import { retryOnConflict } from './support/retry.js'

export interface PayoutRunReport {
  /** Payouts opened (the balance taken off the ledger, the transfer started). */
  readonly created: number
  /** Transfers the provider made. */
  readonly paid: number
  /** Transfers the provider refused for good (amount back to the balance). */
  readonly failed: number
  /** Transfers left pending because the provider was unreachable; retried on the next run. */
  readonly unavailable: number
  /** Payable balances left waiting: the host has no payout account yet. */
  readonly deferred: number
  /** Accounts or payouts another runner changed first (it did the work). */
  readonly skipped: number
}

type PayoutDeps = Pick<CoreDeps, 'payouts' | 'payoutGateway' | 'users' | 'clock' | 'ids' | 'settings'>

type Outcome = 'paid' | 'failed' | 'unavailable' | 'done'

/**
 * The payout runner the timer loop calls. First it retries transfers still pending (the provider
 * was unreachable), then, for every account that is due, it opens a payout of the whole payable
 * balance and makes its transfer.
 *
 * Opening a payout is its claim: the payout and its ledger entry take the account's next position
 * (`payout:<host>:<currency>:<seq>`, unique), so of several runners that found the same account due
 * exactly one opens a payout from it and the others re-read and find nothing left to pay. The
 * transfer carries the payout's key as its idempotency key, so two runners finishing the same
 * pending payout get one transfer from the provider, and one of them records it.
 */
export class RunDuePayouts {
  constructor(private readonly deps: PayoutDeps) {}

  execute(options: { readonly limit: number } = { limit: 500 }): Effect.Effect<PayoutRunReport> {
    const deps = this.deps
    return Effect.gen(function* () {
      const counts = { created: 0, paid: 0, failed: 0, unavailable: 0, deferred: 0, skipped: 0 }
      const tally = (o: Outcome) => {
        if (o !== 'done') counts[o]++
      }
      const limit = Math.max(1, options.limit)
      for (const p of yield* deps.payouts.pending(limit)) {
        const r = yield* Effect.result(transferPayout(deps, p.id))
        if (Result.isFailure(r)) counts.skipped++
        else tally(r.success)
      }
      for (const account of yield* deps.payouts.due(deps.clock.now(), limit)) {
        const opened = yield* Effect.result(openPayout(deps, account.hostId, account.currency))
        if (Result.isFailure(opened)) {
          counts.skipped++
          continue
        }
        const o = opened.success
        if (o === 'deferred') counts.deferred++
        if (typeof o !== 'object' || o === null) continue
        counts.created++
        const r = yield* Effect.result(transferPayout(deps, o.id))
        if (Result.isFailure(r)) counts.skipped++
        else tally(r.success)
      }
      return counts
    })
  }
}

/**
 * Takes an account's payable balance off its ledger as a pending payout, if the account is due and
 * has something to pay; else moves the account's due time on. Returns the payout, 'deferred' when
 * the host has no payout account, or null.
 */
export const openPayout = (
  deps: PayoutDeps,
  hostId: UserId,
  currency: Currency,
): Effect.Effect<Payout | 'deferred' | null, ConcurrentModification> =>
  retryOnConflict(
    Effect.gen(function* () {
      const { payouts, users, clock, ids, settings, payoutGateway } = deps
      const now = clock.now()
      const { account, entries } = yield* loadAccount(payouts, hostId, currency, now)
      if (account.version === 0 || account.dueAt === null || account.dueAt > now) return null
      const amount = payoutAmount(entries, now)
      const save = (next: Partial<PayoutAccount>) =>
        payouts.save({ account: { ...account, ...next, updatedAt: now, version: account.version + 1 } }, [])
      if (amount <= 0) {
        // Nothing payable (or a negative balance carried forward): look again when more is payable.
        yield* save({ dueAt: accountDueAt(entries, now) })
        return null
      }
      const user = yield* users.byId(hostId)
      const destination = Option.isSome(user) ? (user.value.profile.payoutAccountId ?? null) : null
      if (destination === null) {
        yield* save({ dueAt: retryAt(now, settings.payoutRetryHours) })
        return 'deferred' as const
      }
      const seq = account.lastSeq + 1
      const id = ids.next('payout')
      const key = payoutKey(hostId, currency, seq)
      const payout: Payout = {
        id,
        key,
        hostId,
        currency,
        amount,
        destination,
        provider: payoutGateway.provider,
        entrySeq: seq,
        status: 'pending',
        transferRef: null,
        failureReason: null,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
        version: 1,
      }
      const added = numberEntries(
        ids,
        account,
        [{ kind: 'payout', key, amount: -amount, payableAt: now, bookingId: null, payoutId: id }],
        now,
      )
      yield* payouts.save(
        {
          account: {
            ...account,
            lastSeq: seq,
            dueAt: accountDueAt([...entries, ...added], now),
            updatedAt: now,
            version: account.version + 1,
          },
          entries: added,
          payout,
        },
        [payoutEvent(ids, now, payout)],
      )
      return payout
    }),
    deps.settings.concurrencyRetries * 4,
  )

const retryAt = (now: Instant, hours: number): Instant => addMs(now, Math.max(1, hours) * HOUR)

/**
 * Makes a pending payout's transfer (idempotent by the payout's key) and records the outcome:
 * paid; still pending when the provider is unreachable; failed when it refuses, the amount then
 * going back to the host's balance (a reversal entry) and the account waiting `payoutRetryHours`.
 */
export const transferPayout = (
  deps: PayoutDeps,
  payoutId: PayoutId,
): Effect.Effect<Outcome, ConcurrentModification> =>
  retryOnConflict(
    Effect.gen(function* () {
      const { payouts, payoutGateway, clock, ids, settings } = deps
      const found = yield* payouts.payout(payoutId)
      if (Option.isNone(found) || found.value.status !== 'pending') return 'done' as const
      const p = found.value
      const r = yield* Effect.result(
        payoutGateway.transfer({
          amount: p.amount,
          currency: p.currency,
          destination: p.destination,
          idempotencyKey: p.key,
          openedAt: p.createdAt,
          metadata: { payoutId: p.id, hostId: p.hostId },
        }),
      )
      const now = clock.now()
      if (Result.isSuccess(r)) {
        const paid: Payout = {
          ...p,
          status: 'paid',
          transferRef: r.success.transferRef,
          updatedAt: now,
          version: p.version + 1,
        }
        yield* payouts.save({ payout: paid }, [payoutEvent(ids, now, paid)])
        return 'paid' as const
      }
      if (r.failure._tag === 'PaymentProviderUnavailable') {
        // Counted; a lost race here is harmless (the other writer recorded more).
        yield* Effect.ignore(
          payouts.save(
            { payout: { ...p, attempts: p.attempts + 1, updatedAt: now, version: p.version + 1 } },
            [],
          ),
        )
        return 'unavailable' as const
      }
      const failed: Payout = {
        ...p,
        status: 'failed',
        failureReason: r.failure.reason,
        updatedAt: now,
        version: p.version + 1,
      }
      const { account, entries } = yield* loadAccount(payouts, p.hostId, p.currency, now)
      const added = numberEntries(
        ids,
        account,
        [
          {
            kind: 'reversal',
            key: reversalKey(p.id),
            amount: p.amount,
            payableAt: now,
            bookingId: null,
            payoutId: p.id,
          },
        ],
        now,
      )
      const dueAt = accountDueAt([...entries, ...added], now)
      yield* payouts.save(
        {
          account: {
            ...account,
            lastSeq: account.lastSeq + 1,
            // The balance is back; the next try waits, so a refused account is not hammered.
            dueAt: dueAt !== null && dueAt <= now ? retryAt(now, settings.payoutRetryHours) : dueAt,
            updatedAt: now,
            version: account.version + 1,
          },
          entries: added,
          payout: failed,
        },
        [payoutEvent(ids, now, failed)],
      )
      return 'failed' as const
    }),
    deps.settings.concurrencyRetries * 4,
  )
