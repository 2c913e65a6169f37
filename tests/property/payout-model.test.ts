import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { payableBalance } from '../../core/domain/payouts/ledger.js'
import { asId, type BookingId, type UserId } from '../../core/domain/shared/ids.js'
import type { Currency } from '../../core/domain/shared/money.js'
import { HOUR, instant } from '../../core/domain/shared/time.js'
import {
  addHosts,
  bookingFacts,
  EUR,
  hostIds,
  ledgerViolations,
  modelEntitlement,
  type PayoutWorld,
  payoutWorld,
  run,
  saveBooking,
  setAccount,
  transferredTo,
  USD,
} from './payout-harness.js'

/**
 * Model-based test of host payouts: random sequences of booking confirmations, modifications
 * (price and dates), cancellations, later refunds, duplicate event deliveries, clock moves, payout
 * runs, provider outages and hosts adding or removing their payout account, on the real
 * RecordEarnings and RunDuePayouts use cases. After every step:
 *  - the ledger's own rules hold (ledgerViolations: numbering, unique keys, no payout above the
 *    balance payable before it, one transfer per paid payout);
 *  - the ledger's payable balance is exactly what the model says is earned and payable, less
 *    payouts;
 *  - payouts never exceed earnings less refunds: their total is at most what the bookings earned as
 *    it stood when each payout was made (a later refund can make the balance negative, never pay
 *    more);
 * and at the end, once everything is payable and every host has an account, all that is owed has
 * been paid exactly once (or, after a refund that took back more than was left, the debt remains).
 * `npm test` runs RUNS histories; `npm run test:deep` 10,000.
 */
const DEEP = process.env.INNKEEPER_DEEP === '1'
const RUNS = DEEP ? 10_000 : 200

type Cmd =
  | { kind: 'confirm'; host: number; eur: boolean; total: number; shareBp: number; checkIn: number }
  | { kind: 'modify'; which: number; total: number; shareBp: number; shift: number }
  | { kind: 'cancel'; which: number; keptBp: number }
  | { kind: 'refund'; which: number; bp: number }
  | { kind: 'redeliver'; which: number }
  | { kind: 'time'; hours: number }
  | { kind: 'payout' }
  | { kind: 'outage'; count: number }
  | { kind: 'account'; host: number; on: boolean }

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('confirm' as const),
      // Mostly one host and one currency, so stays of one account overlap in time.
      host: fc.constantFrom(0, 0, 0, 1),
      eur: fc.constantFrom(false, false, false, true),
      total: fc.integer({ min: 1_000, max: 200_000 }),
      shareBp: fc.integer({ min: 5_000, max: 9_800 }),
      checkIn: fc.integer({ min: 1, max: 48 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('modify' as const),
      which: fc.nat(),
      total: fc.integer({ min: 1_000, max: 200_000 }),
      shareBp: fc.integer({ min: 5_000, max: 9_800 }),
      shift: fc.integer({ min: -48, max: 200 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('cancel' as const),
      which: fc.nat(),
      keptBp: fc.integer({ min: 0, max: 10_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      which: fc.nat(),
      bp: fc.integer({ min: 1, max: 10_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('redeliver' as const), which: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('time' as const), hours: fc.integer({ min: 1, max: 36 }) }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'payout' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('outage' as const), count: fc.integer({ min: 1, max: 3 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('account' as const), host: fc.nat(1), on: fc.boolean() }),
  },
)

const reached = new Map<string, number>()
const note = (k: string) => reached.set(k, (reached.get(k) ?? 0) + 1)

interface Model {
  bookings: BookingId[]
  /** Per booking: the most it was owed at a payout run for which it was payable. */
  cover: Map<BookingId, number>
}

const current = async (w: PayoutWorld, id: BookingId): Promise<Booking> => {
  const b = await run(w.bookings.byId(id))
  if (b._tag !== 'Some') throw new Error(`no booking ${id}`)
  return b.value
}

const accounts = (): { host: UserId; cur: Currency }[] =>
  hostIds.flatMap((host) => [USD, EUR].map((cur) => ({ host, cur })))

const owedNow = async (w: PayoutWorld, m: Model, host: UserId, cur: Currency, now: number) => {
  let payable = 0
  let all = 0
  for (const id of m.bookings) {
    const b = await current(w, id)
    if (b.hostId !== host || b.quote.currency !== cur) continue
    const e = modelEntitlement(b)
    all += e.amount
    if (e.payableAt <= now) payable += e.amount
  }
  return { payable, all }
}

const sentOut = (w: PayoutWorld, host: UserId, cur: Currency): number =>
  w.ledger
    .allPayouts()
    .filter((p) => p.hostId === host && p.currency === cur && p.status !== 'failed')
    .reduce((s, p) => s + p.amount, 0)

const check = async (w: PayoutWorld, m: Model) => {
  expect(ledgerViolations(w)).toEqual([])
  const now = w.clock.now()
  for (const { host, cur } of accounts()) {
    const entries = await run(w.ledger.entries(host, cur))
    const { payable } = await owedNow(w, m, host, cur, now)
    const out = sentOut(w, host, cur)
    expect(payableBalance(entries, now)).toBe(payable - out)
    let cover = 0
    for (const id of m.bookings) {
      const b = await current(w, id)
      if (b.hostId === host && b.quote.currency === cur) cover += m.cover.get(id) ?? 0
    }
    expect(out).toBeLessThanOrEqual(cover)
  }
}

const apply = async (w: PayoutWorld, m: Model, c: Cmd) => {
  const pick = (i: number) => (m.bookings.length === 0 ? undefined : m.bookings[i % m.bookings.length])
  const record = (id: BookingId) =>
    run(w.record.execute({ type: 'innkeeper.booking.modified.v1', data: { bookingId: id } }))
  switch (c.kind) {
    case 'confirm': {
      const id = asId('booking', `bkg_${m.bookings.length + 1}`)
      const host = hostIds[c.host]!
      const payout = Math.round((c.total * c.shareBp) / 10_000)
      await saveBooking(w, id, {
        state: 'confirmed',
        ...bookingFacts(host, c.eur ? EUR : USD, c.total, payout, instant(w.clock.now() + c.checkIn * HOUR)),
      })
      m.bookings.push(id)
      note('confirm')
      return record(id)
    }
    case 'modify': {
      const id = pick(c.which)
      if (id === undefined) return
      const b = await current(w, id)
      if (b.state !== 'confirmed') return
      const checkInAt = Math.max(w.clock.now() + HOUR, b.points.checkInAt! + c.shift * HOUR)
      await saveBooking(w, id, {
        state: 'confirmed',
        quote: { ...b.quote, guestTotal: c.total, hostPayout: Math.round((c.total * c.shareBp) / 10_000) },
        points: { ...b.points, checkInAt: checkInAt as Booking['points']['checkInAt'] },
      })
      note('modify')
      return record(id)
    }
    case 'cancel': {
      const id = pick(c.which)
      if (id === undefined) return
      const b = await current(w, id)
      if (b.state !== 'confirmed') return
      const retained = Math.round((b.quote.guestTotal * c.keptBp) / 10_000)
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
      note(b.points.checkInAt! + 24 * HOUR <= w.clock.now() ? 'cancel after payable' : 'cancel')
      return record(id)
    }
    case 'refund': {
      const id = pick(c.which)
      if (id === undefined) return
      const b = await current(w, id)
      if (b.state !== 'cancelled' || b.cancellation === null || b.cancellation.retainedAmount === 0) return
      const more = Math.max(1, Math.round((b.cancellation.retainedAmount * c.bp) / 10_000))
      const retained = Math.max(0, b.cancellation.retainedAmount - more)
      await saveBooking(w, id, {
        state: 'cancelled',
        cancellation: {
          ...b.cancellation,
          refundAmount: b.quote.guestTotal - retained,
          retainedAmount: retained,
        },
      })
      note('refund')
      return record(id)
    }
    case 'redeliver': {
      const id = pick(c.which)
      if (id === undefined) return
      expect(await record(id)).toBe(0)
      return
    }
    case 'time':
      w.clock.advance(c.hours * HOUR)
      return
    case 'payout': {
      const now = w.clock.now()
      // What each booking is owed as this run sees it covers what the run may pay.
      for (const id of m.bookings) {
        const e = modelEntitlement(await current(w, id))
        if (e.payableAt <= now) m.cover.set(id, Math.max(m.cover.get(id) ?? 0, e.amount))
      }
      const before = new Map(accounts().map(({ host, cur }) => [`${host}/${cur}`, sentOut(w, host, cur)]))
      const known = new Set(w.ledger.allPayouts().map((p) => p.id))
      const r = await run(w.runner.execute({ limit: 100 }))
      // A payout takes at most what is payable now less what was already paid out: never early.
      for (const p of w.ledger.allPayouts()) {
        if (known.has(p.id)) continue
        const { payable } = await owedNow(w, m, p.hostId, p.currency, now)
        expect(p.amount).toBeLessThanOrEqual(payable - before.get(`${p.hostId}/${p.currency}`)!)
      }
      if (r.created > 0) note('payout created')
      if (r.unavailable > 0) note('provider unavailable')
      if (r.deferred > 0) note('deferred (no account)')
      return
    }
    case 'outage':
      w.gateway.failNext(c.count)
      return
    case 'account':
      return setAccount(w, hostIds[c.host]!, c.on)
  }
}

describe('host payouts: model-based', () => {
  it('payouts never exceed what was earned less refunds, every payable amount is paid exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 60, size: 'max' }), async (cmds) => {
        const w = payoutWorld()
        await addHosts(w, true)
        const m: Model = { bookings: [], cover: new Map() }
        for (const c of cmds) {
          await apply(w, m, c)
          await check(w, m)
        }
        // Everything payable, every host with an account, the provider up: settle up.
        for (const h of hostIds) await setAccount(w, h, true)
        w.gateway.recover()
        w.clock.advance(2_000 * HOUR)
        for (let i = 0; i < 2; i++) await apply(w, m, { kind: 'payout' })
        await check(w, m)
        for (const { host, cur } of accounts()) {
          const { all } = await owedNow(w, m, host, cur, w.clock.now())
          const out = sentOut(w, host, cur)
          expect(w.ledger.allPayouts().filter((p) => p.status === 'pending')).toEqual([])
          expect(transferredTo(w, host, cur)).toBe(out)
          if (all >= out) expect(out).toBe(all)
          else note('debt carried at the end')
          const balance = payableBalance(await run(w.ledger.entries(host, cur)), w.clock.now())
          expect(balance).toBe(Math.min(0, all - out))
        }
      }),
      {
        numRuns: RUNS,
        endOnFailure: true,
        examples: [
          // Two stays of one host, the second payable 9 h after the first: the first run pays only the first.
          [
            [
              { kind: 'confirm', host: 0, eur: false, total: 10_000, shareBp: 9_000, checkIn: 1 },
              { kind: 'confirm', host: 0, eur: false, total: 20_000, shareBp: 9_000, checkIn: 10 },
              { kind: 'time', hours: 18 },
              { kind: 'time', hours: 8 },
              { kind: 'payout' },
              { kind: 'cancel', which: 0, keptBp: 0 },
              { kind: 'time', hours: 18 },
              { kind: 'payout' },
            ],
          ],
        ],
      },
    )
    // The histories did reach the interesting cases.
    for (const k of [
      'confirm',
      'modify',
      'cancel',
      'cancel after payable',
      'refund',
      'payout created',
      'provider unavailable',
    ])
      expect(reached.get(k) ?? 0, k).toBeGreaterThan(0)
  }, 600_000)
})
