import { describe, expect, it } from 'vitest'
import {
  accountDueAt,
  balanceOf,
  type Entitlement,
  type EntryDraft,
  hostEntitlement,
  hostShareOf,
  type LedgerEntry,
  payableAtOf,
  payableBalance,
  payoutAmount,
  reconcileBooking,
} from '../../core/domain/payouts/ledger.js'
import { localDate } from '../../core/domain/shared/dates.js'
import { asId, type LedgerEntryId } from '../../core/domain/shared/ids.js'
import { HOUR, type Instant, instant } from '../../core/domain/shared/time.js'
import { makeBooking, T0, USD } from '../contract/fixtures.js'

const B = asId('booking', 'bkg_1')
const H = asId('user', 'usr_host1')
const t = (hours: number): Instant => instant(T0 + hours * HOUR)
const target = (amount: number, payableAt = t(24)): Entitlement => ({
  hostId: H,
  bookingId: B,
  currency: USD,
  amount,
  payableAt,
})

/** Applies drafts as the store would (numbering them), for the next step of a scenario. */
const applied = (entries: LedgerEntry[], drafts: readonly EntryDraft[]): LedgerEntry[] => [
  ...entries,
  ...drafts.map((d, i) => ({
    ...d,
    id: `lge_${entries.length + i + 1}` as LedgerEntryId,
    hostId: H,
    currency: USD,
    seq: entries.length + i + 1,
    createdAt: T0,
  })),
]

describe('what a booking earns its host (hostEntitlement)', () => {
  const quote = { ...makeBooking('bkg_1').quote, guestTotal: 30_000, hostPayout: 27_000 }
  const checkInAt = instant(Date.UTC(2026, 2, 1, 15))
  const base = makeBooking('bkg_1', {
    quote,
    points: { requestedAt: T0, authorizedAt: null, checkInAt, checkOutAt: null },
  })

  it('a kept stay earns its quote’s host payout, payable the delay after check-in', () => {
    for (const state of ['confirmed', 'in_progress', 'completed'] as const) {
      const e = hostEntitlement({ ...base, state }, 24)
      expect(e).toEqual({
        hostId: base.hostId,
        bookingId: base.id,
        currency: USD,
        amount: 27_000,
        payableAt: checkInAt + 24 * HOUR,
      })
    }
    expect(hostEntitlement({ ...base, state: 'confirmed' }, 48).payableAt).toBe(checkInAt + 48 * HOUR)
  })

  it('a booking never confirmed earns nothing', () => {
    for (const state of ['pending_payment', 'awaiting_host', 'declined', 'expired'] as const)
      expect(hostEntitlement({ ...base, state }, 24).amount).toBe(0)
  })

  it('a cancelled booking earns the host’s share of what was retained, in proportion to the quote', () => {
    const cancelled = (retainedAmount: number) =>
      hostEntitlement(
        {
          ...base,
          state: 'cancelled',
          cancellation: {
            by: 'guest',
            at: T0,
            reason: '',
            refundAmount: 30_000 - retainedAmount,
            retainedAmount,
          },
        },
        24,
      ).amount
    expect(cancelled(30_000)).toBe(27_000)
    expect(cancelled(0)).toBe(0)
    expect(cancelled(15_000)).toBe(13_500)
    // 27 000 × 1 ÷ 30 000 = 0.9 → 1 (half away from zero)
    expect(cancelled(1)).toBe(1)
  })

  it('without a check-in instant, check-in is midnight of the first night in the listing’s time zone', () => {
    const b = makeBooking('bkg_2', {
      stay: { checkIn: localDate('2026-07-01'), checkOut: localDate('2026-07-03') },
      timezone: 'Europe/Lisbon',
    })
    // Lisbon is UTC+1 in July.
    expect(payableAtOf(b, 24)).toBe(Date.UTC(2026, 6, 1, 23))
  })

  it('the host’s share never exceeds the host payout and is exact for large amounts', () => {
    expect(hostShareOf({ hostPayout: 900, guestTotal: 1_000 }, 5_000)).toBe(900)
    expect(hostShareOf({ hostPayout: 0, guestTotal: 1_000 }, 500)).toBe(0)
    expect(hostShareOf({ hostPayout: 9_000_000_000, guestTotal: 9_999_999_999 }, 3_333_333_333)).toBe(
      3_000_000_000,
    )
  })
})

describe('reconciling a booking’s entries with its entitlement (reconcileBooking)', () => {
  it('the first entry is the earning; the same entitlement again writes nothing', () => {
    const first = reconcileBooking([], target(27_000))
    expect(first).toEqual([
      {
        kind: 'earning',
        key: 'earning:bkg_1',
        amount: 27_000,
        payableAt: t(24),
        bookingId: B,
        payoutId: null,
      },
    ])
    expect(reconcileBooking(applied([], first), target(27_000))).toEqual([])
  })

  it('a lower entitlement writes a negative adjustment, a higher one a positive adjustment, each with its own key', () => {
    let entries = applied([], reconcileBooking([], target(27_000)))
    const down = reconcileBooking(entries, target(13_500))
    expect(down).toEqual([
      expect.objectContaining({ kind: 'adjustment', key: 'adjustment:bkg_1:1', amount: -13_500 }),
    ])
    entries = applied(entries, down)
    const up = reconcileBooking(entries, target(20_000))
    expect(up).toEqual([
      expect.objectContaining({ kind: 'adjustment', key: 'adjustment:bkg_1:2', amount: 6_500 }),
    ])
  })

  it('nothing earned and nothing recorded: nothing to write', () => {
    expect(reconcileBooking([], target(0))).toEqual([])
  })

  it('a stay moved in time takes the amount back at the old time and earns it at the new one', () => {
    const entries = applied([], reconcileBooking([], target(27_000, t(24))))
    expect(reconcileBooking(entries, target(30_000, t(48)))).toEqual([
      expect.objectContaining({ kind: 'adjustment', amount: -27_000, payableAt: t(24) }),
      expect.objectContaining({ kind: 'adjustment', amount: 30_000, payableAt: t(48) }),
    ])
  })

  it('entries of other bookings and payouts are not the booking’s', () => {
    const other = applied(
      [],
      [
        {
          kind: 'earning',
          key: 'earning:bkg_9',
          amount: 5_000,
          payableAt: t(24),
          bookingId: asId('booking', 'bkg_9'),
          payoutId: null,
        },
        {
          kind: 'payout',
          key: 'payout:x',
          amount: -5_000,
          payableAt: t(30),
          bookingId: null,
          payoutId: null,
        },
      ],
    )
    expect(reconcileBooking(other, target(27_000))).toEqual([
      expect.objectContaining({ kind: 'earning', amount: 27_000 }),
    ])
  })
})

describe('balances and payouts', () => {
  const entries = applied(
    [],
    [
      { kind: 'earning', key: 'e1', amount: 10_000, payableAt: t(24), bookingId: B, payoutId: null },
      {
        kind: 'earning',
        key: 'e2',
        amount: 5_000,
        payableAt: t(72),
        bookingId: asId('booking', 'bkg_2'),
        payoutId: null,
      },
    ],
  )

  it('only what is payable by then counts; a payout takes the whole payable balance', () => {
    expect(payableBalance(entries, t(23))).toBe(0)
    expect(payoutAmount(entries, t(24))).toBe(10_000)
    expect(payoutAmount(entries, t(72))).toBe(15_000)
  })

  it('after a payout, a refund that takes back more than is left leaves a negative balance, netted later and never paid', () => {
    const paid = applied(entries, [
      { kind: 'payout', key: 'p1', amount: -10_000, payableAt: t(25), bookingId: null, payoutId: null },
      { kind: 'adjustment', key: 'a1', amount: -10_000, payableAt: t(24), bookingId: B, payoutId: null },
    ])
    expect(payableBalance(paid, t(30))).toBe(-10_000)
    expect(payoutAmount(paid, t(30))).toBe(0)
    // The next earning is netted against the debt: 5 000 − 10 000 < 0, still nothing to pay.
    expect(payoutAmount(paid, t(72))).toBe(0)
    const later = applied(paid, [
      {
        kind: 'earning',
        key: 'e3',
        amount: 8_000,
        payableAt: t(96),
        bookingId: asId('booking', 'bkg_3'),
        payoutId: null,
      },
    ])
    expect(payoutAmount(later, t(96))).toBe(3_000)
  })

  it('the account is due now when something is payable, else when the next amount becomes payable', () => {
    expect(accountDueAt(entries, t(0))).toBe(t(24))
    expect(accountDueAt(entries, t(24))).toBe(t(24))
    const paid = applied(entries, [
      { kind: 'payout', key: 'p1', amount: -10_000, payableAt: t(25), bookingId: null, payoutId: null },
    ])
    expect(accountDueAt(paid, t(25))).toBe(t(72))
    const all = applied(paid, [
      { kind: 'payout', key: 'p2', amount: -5_000, payableAt: t(72), bookingId: null, payoutId: null },
    ])
    expect(accountDueAt(all, t(72))).toBeNull()
  })

  it('a balance splits into available, upcoming, in transit and paid out; a refused payout counts as not paid', () => {
    const withPayouts = applied(entries, [
      { kind: 'payout', key: 'p1', amount: -4_000, payableAt: t(25), bookingId: null, payoutId: null },
      { kind: 'payout', key: 'p2', amount: -6_000, payableAt: t(26), bookingId: null, payoutId: null },
      { kind: 'reversal', key: 'r2', amount: 6_000, payableAt: t(27), bookingId: null, payoutId: null },
      { kind: 'payout', key: 'p3', amount: -6_000, payableAt: t(28), bookingId: null, payoutId: null },
    ])
    const b = balanceOf(USD, withPayouts, [{ amount: 6_000, status: 'pending', currency: USD }], t(30))
    expect(b).toEqual({
      currency: USD,
      available: 0,
      upcoming: 5_000,
      inTransit: 6_000,
      paidOut: 4_000,
      earned: 15_000,
      nextPayableAt: t(72),
    })
  })
})
