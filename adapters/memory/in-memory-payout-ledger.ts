import { Effect, Option } from 'effect'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { LedgerEntry, Payout, PayoutAccount } from '../../core/domain/payouts/ledger.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import type { BookingId, PayoutId, UserId } from '../../core/domain/shared/ids.js'
import type { Currency } from '../../core/domain/shared/money.js'
import type { Instant } from '../../core/domain/shared/time.js'
import type { Page, PageRequest } from '../../ports/pagination.js'
import type { LedgerWrite, PayoutLedger } from '../../ports/payouts.js'
import type { InMemoryOutbox } from './in-memory-outbox.js'
import { DueIndex, indexFor, pageOf, type SortedIndex, snapshot, versionFits } from './support.js'

const accountKey = (hostId: string, currency: string): string => `${hostId}\u0000${currency}`

/**
 * The payout ledger in memory. A write is checked whole before anything is stored (account and
 * payout versions, entry positions, unique keys), then applied in one synchronous step together
 * with its events, so no reader ever sees half of it.
 */
export class InMemoryPayoutLedger implements PayoutLedger {
  private readonly accounts = new Map<string, PayoutAccount>()
  private readonly accountEntries = new Map<string, LedgerEntry[]>()
  private readonly bookingEntries = new Map<string, LedgerEntry[]>()
  private readonly keys = new Set<string>()
  private readonly hostAccounts = new Map<string, Set<string>>()
  private readonly dueIndex = new DueIndex()
  private readonly payouts = new Map<string, Payout>()
  private readonly byHost = new Map<string, SortedIndex>()
  /** Pending payout ids in creation order (a Map keeps insertion order). */
  private readonly pendingIds = new Map<string, true>()

  constructor(private readonly outbox: InMemoryOutbox) {}

  account(hostId: UserId, currency: Currency): Effect.Effect<Option.Option<PayoutAccount>> {
    return Effect.sync(() => Option.fromNullishOr(this.accounts.get(accountKey(hostId, currency))))
  }

  accountsOf(hostId: UserId): Effect.Effect<readonly PayoutAccount[]> {
    return Effect.sync(() =>
      [...(this.hostAccounts.get(hostId) ?? [])]
        .map((k) => this.accounts.get(k))
        .filter((a): a is PayoutAccount => a !== undefined)
        .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0)),
    )
  }

  entries(hostId: UserId, currency: Currency): Effect.Effect<readonly LedgerEntry[]> {
    return Effect.sync(() => [...(this.accountEntries.get(accountKey(hostId, currency)) ?? [])])
  }

  entriesOfBooking(bookingId: BookingId): Effect.Effect<readonly LedgerEntry[]> {
    return Effect.sync(() => [...(this.bookingEntries.get(bookingId) ?? [])])
  }

  save(write: LedgerWrite, events: readonly DomainEvent[]): Effect.Effect<void, ConcurrentModification> {
    return Effect.suspend(() => {
      const entries = write.entries ?? []
      const { account, payout } = write
      const conflict = (entity: string, id: string) => Effect.fail(new ConcurrentModification({ entity, id }))
      // A caller's bug, not a race: entries always come with the account they extend.
      if (entries.length > 0 && account === undefined)
        return Effect.die(new Error('PayoutLedger.save: entries need their account'))
      if (account !== undefined) {
        const key = accountKey(account.hostId, account.currency)
        const stored = this.accounts.get(key)
        if (!versionFits(stored, account.version)) return conflict('payout_account', key)
        // Entries take the positions right after the stored head, in order, up to the new head.
        let seq = stored?.lastSeq ?? 0
        for (const e of entries) {
          seq += 1
          if (e.seq !== seq || e.hostId !== account.hostId || e.currency !== account.currency)
            return conflict('payout_account', key)
        }
        if (account.lastSeq !== seq) return conflict('payout_account', key)
      }
      const fresh = new Set<string>()
      for (const e of entries) {
        if (this.keys.has(e.key) || fresh.has(e.key)) return conflict('ledger_entry', e.key)
        fresh.add(e.key)
      }
      if (payout !== undefined && !versionFits(this.payouts.get(payout.id), payout.version))
        return conflict('payout', payout.id)

      if (account !== undefined) {
        const key = accountKey(account.hostId, account.currency)
        this.accounts.set(key, snapshot(account))
        let hosts = this.hostAccounts.get(account.hostId)
        if (hosts === undefined) {
          hosts = new Set()
          this.hostAccounts.set(account.hostId, hosts)
        }
        hosts.add(key)
        this.dueIndex.set(key, account.dueAt)
        let list = this.accountEntries.get(key)
        if (list === undefined) {
          list = []
          this.accountEntries.set(key, list)
        }
        for (const e of entries) {
          const copy = snapshot(e)
          list.push(copy)
          this.keys.add(e.key)
          if (e.bookingId !== null) {
            const b = this.bookingEntries.get(e.bookingId)
            if (b === undefined) this.bookingEntries.set(e.bookingId, [copy])
            else b.push(copy)
          }
        }
      }
      if (payout !== undefined) {
        this.payouts.set(payout.id, snapshot(payout))
        indexFor(this.byHost, payout.hostId).upsert(payout.id, payout.createdAt)
        if (payout.status === 'pending') this.pendingIds.set(payout.id, true)
        else this.pendingIds.delete(payout.id)
      }
      this.outbox.append(events)
      return Effect.void
    })
  }

  due(now: Instant, limit: number): Effect.Effect<readonly PayoutAccount[]> {
    return Effect.sync(() =>
      this.dueIndex
        .due(now, Math.max(0, limit))
        .map((k) => this.accounts.get(k))
        .filter((a): a is PayoutAccount => a !== undefined),
    )
  }

  payout(id: PayoutId): Effect.Effect<Option.Option<Payout>> {
    return Effect.sync(() => Option.fromNullishOr(this.payouts.get(id)))
  }

  payoutsOf(hostId: UserId, page: PageRequest): Effect.Effect<Page<Payout>> {
    return Effect.sync(() => pageOf(this.byHost.get(hostId), page, (id) => this.payouts.get(id)))
  }

  pendingOf(hostId: UserId): Effect.Effect<readonly Payout[]> {
    return Effect.sync(() => {
      const out: Payout[] = []
      for (const id of this.pendingIds.keys()) {
        const p = this.payouts.get(id)
        if (p !== undefined && p.hostId === hostId) out.push(p)
      }
      return out
    })
  }

  pending(limit: number): Effect.Effect<readonly Payout[]> {
    return Effect.sync(() => {
      const out: Payout[] = []
      for (const id of this.pendingIds.keys()) {
        if (out.length >= limit) break
        const p = this.payouts.get(id)
        if (p !== undefined) out.push(p)
      }
      return out
    })
  }

  /** Test and audit helper: every payout, in creation order. */
  allPayouts(): readonly Payout[] {
    return [...this.payouts.values()]
  }

  /** Test and audit helper: every entry of every account. */
  allEntries(): readonly LedgerEntry[] {
    return [...this.accountEntries.values()].flat()
  }
}
