import { Effect, Option } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { EntryKind, LedgerEntry, Payout, PayoutAccount } from '../../core/domain/payouts/ledger.js'
import { asId, type BookingId, type LedgerEntryId, type UserId } from '../../core/domain/shared/ids.js'
import { currency } from '../../core/domain/shared/money.js'
import { type Instant, instant } from '../../core/domain/shared/time.js'
import type { PayoutLedger } from '../../ports/payouts.js'
import { collectPages, event, failure, makePayout, run, T0, USD } from './fixtures.js'

export interface PayoutLedgerHarness {
  readonly ledger: PayoutLedger
  /** Events the ledger's writes put in the outbox, in order. */
  readonly pendingEvents: () => Promise<readonly DomainEvent[]>
  readonly cleanup?: () => Promise<void>
}

const EUR = currency('EUR')
const host = (n: string): UserId => asId('user', `usr_host_${n}`)
const bkg = (n: string): BookingId => asId('booking', `bkg_${n}`)
const t = (hours: number): Instant => instant(T0 + hours * 3_600_000)

let n = 0
const entry = (
  hostId: UserId,
  seq: number,
  over: Partial<LedgerEntry> & { kind?: EntryKind } = {},
): LedgerEntry => ({
  id: asId('ledgerEntry', `lge_${++n}`) as LedgerEntryId,
  key: `earning:${hostId}:${seq}:${n}`,
  hostId,
  currency: USD,
  seq,
  kind: 'earning',
  amount: 1_000,
  bookingId: bkg(`${hostId}_${seq}`),
  payoutId: null,
  payableAt: t(24),
  createdAt: T0,
  ...over,
})
const account = (
  hostId: UserId,
  lastSeq: number,
  version: number,
  over: Partial<PayoutAccount> = {},
): PayoutAccount => ({
  hostId,
  currency: USD,
  lastSeq,
  dueAt: t(24),
  updatedAt: T0,
  version,
  ...over,
})
const payout = (hostId: UserId, id: string, over: Partial<Payout> = {}): Payout =>
  makePayout(hostId, id, { key: `payout:${hostId}:USD:${id}`, entrySeq: 2, ...over })

/**
 * What every PayoutLedger adapter must do: store an account, its numbered entries, a payout and
 * events in one atomic write, or nothing; refuse a stale account or payout version, an entry out of
 * its place, and any key already in the ledger (the same earning or payout twice); answer the
 * runner's and the host's reads.
 */
export const payoutLedgerContract = (name: string, make: () => Promise<PayoutLedgerHarness>) =>
  describe(`PayoutLedger contract: ${name}`, () => {
    let h: PayoutLedgerHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    it('stores an account, its entries and the events in one write, and reads them back in seq order', async () => {
      const a = host('a')
      const e1 = entry(a, 1)
      const e2 = entry(a, 2, { kind: 'adjustment', amount: -300, key: 'adjustment:x:1' })
      const ev = event(a, 'innkeeper.payout.earning_recorded.v1')
      await run(h.ledger.save({ account: account(a, 2, 1), entries: [e1, e2] }, [ev]))
      expect(Option.getOrThrow(await run(h.ledger.account(a, USD)))).toEqual(account(a, 2, 1))
      expect(await run(h.ledger.entries(a, USD))).toEqual([e1, e2])
      expect(await run(h.ledger.entriesOfBooking(e1.bookingId!))).toEqual([e1])
      expect((await h.pendingEvents()).map((e) => e.id)).toEqual([ev.id])
      expect(Option.isNone(await run(h.ledger.account(a, EUR)))).toBe(true)
      expect(await run(h.ledger.entries(a, EUR))).toEqual([])
    })

    it('a stale account version changes nothing: no entry, no event', async () => {
      const a = host('b')
      await run(h.ledger.save({ account: account(a, 1, 1), entries: [entry(a, 1)] }, []))
      const stale = await failure(
        h.ledger.save({ account: account(a, 2, 1), entries: [entry(a, 2)] }, [event(a)]),
      )
      expect(stale._tag).toBe('ConcurrentModification')
      expect(await run(h.ledger.entries(a, USD))).toHaveLength(1)
      expect(await h.pendingEvents()).toEqual([])
    })

    it('entries must take the positions right after the stored head, and the head must cover them', async () => {
      const a = host('c')
      await run(h.ledger.save({ account: account(a, 1, 1), entries: [entry(a, 1)] }, []))
      for (const write of [
        { account: account(a, 3, 2), entries: [entry(a, 3)] },
        { account: account(a, 2, 2), entries: [entry(a, 1)] },
        { account: account(a, 3, 2), entries: [entry(a, 2)] },
        { account: account(a, 2, 2), entries: [entry(a, 2, { currency: EUR })] },
      ])
        expect((await failure(h.ledger.save(write, [])))._tag).toBe('ConcurrentModification')
      await run(h.ledger.save({ account: account(a, 2, 2), entries: [entry(a, 2)] }, []))
      expect((await run(h.ledger.entries(a, USD))).map((e) => e.seq)).toEqual([1, 2])
    })

    it('a key already in the ledger is refused, in any account: the same earning is never recorded twice', async () => {
      const a = host('d')
      const b = host('e')
      await run(
        h.ledger.save({ account: account(a, 1, 1), entries: [entry(a, 1, { key: 'earning:bkg_same' })] }, []),
      )
      const again = await failure(
        h.ledger.save({ account: account(b, 1, 1), entries: [entry(b, 1, { key: 'earning:bkg_same' })] }, []),
      )
      expect(again._tag).toBe('ConcurrentModification')
      const twiceInOne = await failure(
        h.ledger.save(
          {
            account: account(b, 2, 1),
            entries: [entry(b, 1, { key: 'earning:bkg_twice' }), entry(b, 2, { key: 'earning:bkg_twice' })],
          },
          [],
        ),
      )
      expect(twiceInOne._tag).toBe('ConcurrentModification')
      expect(Option.isNone(await run(h.ledger.account(b, USD)))).toBe(true)
    })

    it('of writers racing from the same head, exactly one appends', async () => {
      const a = host('f')
      await run(h.ledger.save({ account: account(a, 1, 1), entries: [entry(a, 1)] }, []))
      const results = await run(
        Effect.all(
          Array.from({ length: 6 }, () =>
            Effect.result(h.ledger.save({ account: account(a, 2, 2), entries: [entry(a, 2)] }, [])),
          ),
          { concurrency: 'unbounded' },
        ),
      )
      expect(results.filter((r) => r._tag === 'Success')).toHaveLength(1)
      expect((await run(h.ledger.entries(a, USD))).map((e) => e.seq)).toEqual([1, 2])
    })

    it('payouts: created with their entry, updated by version, listed newest first and as pending', async () => {
      const a = host('g')
      await run(h.ledger.save({ account: account(a, 1, 1), entries: [entry(a, 1)] }, []))
      const p1 = payout(a, 'po_1')
      await run(
        h.ledger.save(
          {
            account: account(a, 2, 2),
            entries: [
              entry(a, 2, { kind: 'payout', amount: -1_000, key: p1.key, payoutId: p1.id, bookingId: null }),
            ],
            payout: p1,
          },
          [event(a, 'innkeeper.payout.created.v1')],
        ),
      )
      const p2 = payout(a, 'po_2', { createdAt: t(1), updatedAt: t(1), amount: 500 })
      await run(h.ledger.save({ payout: p2 }, []))
      expect((await run(h.ledger.pending(10))).map((p) => p.id)).toEqual([p1.id, p2.id])
      expect((await run(h.ledger.pendingOf(a))).map((p) => p.id)).toEqual([p1.id, p2.id])
      expect(await run(h.ledger.pendingOf(host('nobody')))).toEqual([])

      const stale = await failure(h.ledger.save({ payout: { ...p1, status: 'paid', version: 1 } }, []))
      expect(stale._tag).toBe('ConcurrentModification')
      const paid = { ...p1, status: 'paid' as const, transferRef: 'tr_1', version: 2 }
      await run(h.ledger.save({ payout: paid }, []))
      expect(Option.getOrThrow(await run(h.ledger.payout(p1.id)))).toEqual(paid)
      expect((await run(h.ledger.pending(10))).map((p) => p.id)).toEqual([p2.id])

      const pages = await collectPages((cursor) => run(h.ledger.payoutsOf(a, { limit: 1, cursor })))
      expect(pages.map((p) => p.id)).toEqual([p2.id, p1.id])
      expect((await run(h.ledger.payoutsOf(host('nobody'), { limit: 5, cursor: null }))).items).toEqual([])
    })

    it('due lists accounts whose dueAt has come, earliest first, up to the limit; a null dueAt never', async () => {
      const hosts = ['h1', 'h2', 'h3', 'h4'].map(host)
      const dues = [t(30), t(10), null, t(20)]
      for (const [i, hId] of hosts.entries())
        await run(h.ledger.save({ account: account(hId, 0, 1, { dueAt: dues[i]! }) }, []))
      expect((await run(h.ledger.due(t(25), 10))).map((a) => a.hostId)).toEqual([hosts[1], hosts[3]])
      expect((await run(h.ledger.due(t(100), 2))).map((a) => a.hostId)).toEqual([hosts[1], hosts[3]])
      await run(h.ledger.save({ account: account(hosts[1]!, 0, 2, { dueAt: null }) }, []))
      expect((await run(h.ledger.due(t(100), 10))).map((a) => a.hostId)).toEqual([hosts[3], hosts[0]])
      expect((await run(h.ledger.accountsOf(hosts[0]!))).map((a) => a.currency)).toEqual([USD])
    })
  })
