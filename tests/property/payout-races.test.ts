import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { payableBalance } from '../../core/domain/payouts/ledger.js'
import { asId, type BookingId } from '../../core/domain/shared/ids.js'
import { HOUR, instant } from '../../core/domain/shared/time.js'
import {
  addHosts,
  bookingFacts,
  hostIds,
  ledgerViolations,
  modelEntitlement,
  type PayoutWorld,
  payoutWorld,
  run,
  saveBooking,
  transferredTo,
  USD,
} from './payout-harness.js'
import { scheduledPort } from './scheduled-ports.js'

/**
 * Payout runners racing each other and the ledger's writers: several RunDuePayouts at once (as
 * several worker processes' timer loops would), RecordEarnings for cancellations and duplicate
 * deliveries, and provider outages, with a fast-check scheduler choosing the order of every call to
 * the ledger, the payout provider, the bookings and the users. Whatever the order: no payable amount
 * is paid twice, no payout exceeds the balance payable before it, the provider made exactly one
 * transfer per paid payout, and once the dust settles every account balances with its bookings.
 */
const DEEP = process.env.INNKEEPER_DEEP === '1'
const RUNS = DEEP ? 2_000 : 100
const raced = new Set(['PayoutLedger', 'PayoutGateway', 'BookingRepository', 'UserRepository'])

type Action =
  | { kind: 'runner' }
  | { kind: 'cancel'; which: number; keptBp: number }
  | { kind: 'redeliver'; which: number }
  | { kind: 'outage' }

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'runner' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('cancel' as const),
      which: fc.nat(),
      keptBp: fc.constantFrom(0, 2_500, 5_000, 10_000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('redeliver' as const), which: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'outage' as const }) },
)

const stayArb = fc.record({
  host: fc.constantFrom(0, 0, 1),
  total: fc.integer({ min: 1_000, max: 100_000 }),
  shareBp: fc.integer({ min: 6_000, max: 9_500 }),
  checkIn: fc.integer({ min: 1, max: 12 }),
})

/** Runs the racers with the gate open until every scheduled call has run. */
const race = async (s: fc.Scheduler, gate: { open: boolean }, start: () => Promise<unknown>[]) => {
  gate.open = true
  let done = false
  const all = Promise.all(start()).finally(() => {
    done = true
  })
  while (!done) {
    await s.waitAll()
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  await all
  gate.open = false
}

const reached = new Map<string, number>()
const note = (k: string) => reached.set(k, (reached.get(k) ?? 0) + 1)

const record = (w: PayoutWorld, id: BookingId) =>
  run(w.record.execute({ type: 'innkeeper.booking.cancelled.v1', data: { bookingId: id } }))

describe('host payouts: scheduler races', () => {
  it('concurrent payout runners, earnings writers and outages never pay twice or beyond what is payable', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(stayArb, { minLength: 1, maxLength: 4 }),
        fc.array(actionArb, { minLength: 2, maxLength: 6 }),
        async (s, stays, actions) => {
          const gate = { open: false }
          const w = payoutWorld((name, port) => (raced.has(name) ? scheduledPort(s, name, port, gate) : port))
          await addHosts(w, true)
          const ids: BookingId[] = []
          for (const [i, st] of stays.entries()) {
            const id = asId('booking', `bkg_${i + 1}`)
            await saveBooking(w, id, {
              state: 'confirmed',
              ...bookingFacts(
                hostIds[st.host]!,
                USD,
                st.total,
                Math.round((st.total * st.shareBp) / 10_000),
                instant(w.clock.now() + st.checkIn * HOUR),
              ),
            })
            await record(w, id)
            ids.push(id)
          }
          const original = new Map<BookingId, number>()
          for (const id of ids) original.set(id, modelEntitlement(await current(w, id)).amount)
          // Every stay is payable.
          w.clock.advance(40 * HOUR)

          // Cancellations are stored first; recording them races the runners.
          const cancelled = new Set<BookingId>()
          for (const a of actions) {
            if (a.kind !== 'cancel') continue
            const id = ids[a.which % ids.length]!
            if (cancelled.has(id)) continue
            cancelled.add(id)
            const b = await current(w, id)
            const retained = Math.round((b.quote.guestTotal * a.keptBp) / 10_000)
            await saveBooking(w, id, {
              state: 'cancelled',
              cancellation: {
                by: 'guest',
                at: w.clock.now(),
                reason: '',
                refundAmount: b.quote.guestTotal - retained,
                retainedAmount: retained,
              },
            })
          }
          await race(s, gate, () =>
            actions.map(async (a) => {
              switch (a.kind) {
                case 'runner':
                  return run(w.runner.execute({ limit: 50 }))
                case 'cancel':
                case 'redeliver':
                  return record(w, ids[a.which % ids.length]!)
                case 'outage':
                  w.gateway.failNext(1)
                  return
              }
            }),
          )
          expect(ledgerViolations(w)).toEqual([])
          const racedPayouts = w.ledger.allPayouts().length
          if (racedPayouts > 0) note('payout in the race')
          if (w.ledger.allPayouts().some((p) => p.status === 'pending')) note('pending after the race')
          if (actions.filter((a) => a.kind === 'runner').length > 1 && racedPayouts === 1)
            note('one payout of several runners')

          // Settle: every booking recorded, the provider up, runners once more.
          for (const id of ids) await record(w, id)
          w.gateway.recover()
          for (let i = 0; i < 2; i++) await run(w.runner.execute({ limit: 50 }))
          expect(ledgerViolations(w)).toEqual([])
          expect(w.ledger.allPayouts().filter((p) => p.status === 'pending')).toEqual([])

          for (const h of hostIds) {
            let owed = 0
            let ever = 0
            for (const id of ids) {
              const b = await current(w, id)
              if (b.hostId !== h) continue
              owed += modelEntitlement(b).amount
              ever += original.get(id) ?? 0
            }
            const out = w.ledger
              .allPayouts()
              .filter((p) => p.hostId === h && p.status === 'paid')
              .reduce((sum, p) => sum + p.amount, 0)
            // Paid once: what the provider transferred is what the ledger paid, never above what was earned.
            expect(transferredTo(w, h, USD)).toBe(out)
            expect(out).toBeLessThanOrEqual(ever)
            // Every account balances: nothing owed is left unpaid; a refund after payout is a debt.
            const balance = payableBalance(await run(w.ledger.entries(h, USD)), w.clock.now())
            expect(balance).toBe(owed - out)
            expect(balance).toBe(Math.min(0, owed - out))
            if (balance < 0) note('debt after a refund that raced the payout')
          }
        },
      ),
      { numRuns: RUNS },
    )
    for (const k of ['payout in the race', 'one payout of several runners', 'pending after the race'])
      expect(reached.get(k) ?? 0, k).toBeGreaterThan(0)
  }, 600_000)
})

const current = async (w: PayoutWorld, id: BookingId): Promise<Booking> => {
  const b = await run(w.bookings.byId(id))
  if (b._tag !== 'Some') throw new Error(`no booking ${id}`)
  return b.value
}
