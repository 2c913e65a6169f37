import { Effect, Option } from 'effect'
import {
  InMemoryBookingRepository,
  InMemoryOutbox,
  InMemoryPayoutGateway,
  InMemoryPayoutLedger,
  InMemoryUserRepository,
  ManualClock,
  SequentialIdGenerator,
} from '../../adapters/memory/index.js'
import { RecordEarnings } from '../../core/application/record-earnings.js'
import { RunDuePayouts } from '../../core/application/run-due-payouts.js'
import { defaultSettings } from '../../core/application/support/deps.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import type { LedgerEntry, Payout } from '../../core/domain/payouts/ledger.js'
import { asId, type BookingId, type UserId } from '../../core/domain/shared/ids.js'
import { currency } from '../../core/domain/shared/money.js'
import { HOUR, type Instant, instant } from '../../core/domain/shared/time.js'
import { makeBooking, makeUser } from '../contract/fixtures.js'

/*
 * A payout world for the property tests: bookings stored straight in the in-memory repository (the
 * booking engine has its own properties), the real RecordEarnings and RunDuePayouts use cases, the
 * in-memory ledger and payout provider, and a manual clock. `decorate` puts a scheduler in front of
 * ports for the race tests.
 */

export const T0 = instant(Date.UTC(2026, 2, 1, 9))
export const USD = currency('USD')
export const EUR = currency('EUR')
export const hostIds: readonly UserId[] = [asId('user', 'usr_host_a'), asId('user', 'usr_host_b')]
export const accountOf = (h: UserId): string => `acct_${h.replace(/[^A-Za-z0-9]/g, '')}`
const DELAY_HOURS = 24

export const payoutWorld = (decorate: <T extends object>(name: string, port: T) => T = (_n, p) => p) => {
  const outbox = new InMemoryOutbox()
  const clock = new ManualClock(T0)
  const ids = new SequentialIdGenerator()
  const bookings = new InMemoryBookingRepository(outbox)
  const users = new InMemoryUserRepository(outbox)
  const ledger = new InMemoryPayoutLedger(outbox)
  const gateway = new InMemoryPayoutGateway()
  const settings = { ...defaultSettings, payoutDelayHours: DELAY_HOURS, payoutRetryHours: 6 }
  const deps = {
    bookings: decorate('BookingRepository', bookings),
    users: decorate('UserRepository', users),
    payouts: decorate('PayoutLedger', ledger),
    payoutGateway: decorate('PayoutGateway', gateway),
    clock,
    ids,
    settings,
  }
  return {
    clock,
    bookings,
    users,
    ledger,
    gateway,
    record: new RecordEarnings(deps),
    runner: new RunDuePayouts(deps),
  }
}
export type PayoutWorld = ReturnType<typeof payoutWorld>

export const run = <A, E>(e: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(e)

export const addHosts = async (w: PayoutWorld, withAccount: boolean): Promise<void> => {
  for (const h of hostIds)
    await run(
      w.users.save(
        makeUser(h, {
          email: `${h}@example.com`,
          roles: ['host'],
          profile: {
            bio: '',
            avatarUrl: null,
            phone: null,
            languages: ['en'],
            payoutAccountId: withAccount ? accountOf(h) : null,
          },
        }),
        [],
      ),
    )
}

export const setAccount = async (w: PayoutWorld, h: UserId, on: boolean): Promise<void> => {
  const u = Option.getOrThrow(await run(w.users.byId(h)))
  await run(
    w.users.save(
      { ...u, profile: { ...u.profile, payoutAccountId: on ? accountOf(h) : null }, version: u.version + 1 },
      [],
    ),
  )
}

/** A stored booking in the given state (the fields the ledger reads), version bumped on each save. */
export const saveBooking = async (
  w: PayoutWorld,
  id: BookingId,
  patch: Partial<Booking> & Pick<Booking, 'state'>,
): Promise<Booking> => {
  const found = await run(w.bookings.byId(id))
  const next: Booking = Option.isSome(found)
    ? { ...found.value, ...patch, version: found.value.version + 1 }
    : { ...makeBooking(id), ...patch, version: 1 }
  await run(w.bookings.save(next, []))
  return next
}

export const bookingFacts = (
  hostId: UserId,
  cur: typeof USD,
  guestTotal: number,
  hostPayout: number,
  checkInAt: Instant,
): Partial<Booking> => {
  const base = makeBooking('bkg_x')
  return {
    hostId,
    quote: { ...base.quote, currency: cur, guestTotal, hostPayout },
    points: { ...base.points, checkInAt },
  }
}

/** The model's own rule, written apart from the engine's: what a booking earns, and from when. */
export const modelEntitlement = (b: Booking): { amount: number; payableAt: number } => {
  const q = b.quote
  let amount = 0
  if (b.state === 'confirmed' || b.state === 'in_progress' || b.state === 'completed') amount = q.hostPayout
  else if (b.state === 'cancelled' && q.guestTotal > 0) {
    const kept = b.cancellation?.retainedAmount ?? 0
    amount = Math.min(q.hostPayout, Math.round((q.hostPayout * kept) / q.guestTotal))
  }
  return { amount: Math.max(0, amount), payableAt: (b.points.checkInAt ?? 0) + DELAY_HOURS * HOUR }
}

/**
 * Rules every ledger must satisfy, read from the stored state alone; returns the broken ones.
 *  - entries of an account are numbered 1..n without gaps, and every key appears once;
 *  - a payout never exceeds the balance payable before it (the entries before its position that
 *    were payable when it was made): money is only ever paid out of earnings already payable;
 *  - each payout has exactly one payout entry of minus its amount; a failed one one reversal;
 *  - the provider made one transfer per paid payout, of its amount, and none for the others.
 */
export const ledgerViolations = (w: PayoutWorld): string[] => {
  const out: string[] = []
  const entries = w.ledger.allEntries()
  const payouts = w.ledger.allPayouts()
  const keys = new Set<string>()
  const byAccount = new Map<string, LedgerEntry[]>()
  for (const e of entries) {
    if (keys.has(e.key)) out.push(`key ${e.key} twice`)
    keys.add(e.key)
    const k = `${e.hostId}/${e.currency}`
    const list = byAccount.get(k) ?? []
    list.push(e)
    byAccount.set(k, list)
  }
  for (const [k, list] of byAccount) {
    list.forEach((e, i) => {
      if (e.seq !== i + 1) out.push(`${k}: entry ${i} has seq ${e.seq}`)
    })
  }
  const transfers = w.gateway.transfers()
  for (const p of payouts) {
    const list = byAccount.get(`${p.hostId}/${p.currency}`) ?? []
    const before = list.filter((e) => e.seq < p.entrySeq && e.payableAt <= p.createdAt)
    const payable = before.reduce((s, e) => s + e.amount, 0)
    if (p.amount > payable) out.push(`${p.id}: paid ${p.amount} of a payable ${payable}`)
    if (p.amount <= 0) out.push(`${p.id}: amount ${p.amount}`)
    const own = list.filter((e) => e.payoutId === p.id)
    const pay = own.filter((e) => e.kind === 'payout')
    const rev = own.filter((e) => e.kind === 'reversal')
    if (pay.length !== 1 || pay[0]!.amount !== -p.amount || pay[0]!.seq !== p.entrySeq)
      out.push(`${p.id}: payout entries ${JSON.stringify(pay)}`)
    if (rev.length !== (p.status === 'failed' ? 1 : 0) || (rev.length === 1 && rev[0]!.amount !== p.amount))
      out.push(`${p.id}: reversal entries ${JSON.stringify(rev)}`)
    const made = transfers.filter((t) => t.transferRef === p.transferRef)
    if (p.status === 'paid' && (made.length !== 1 || made[0]!.amount !== p.amount))
      out.push(`${p.id}: paid but the provider made ${JSON.stringify(made)}`)
  }
  const paidRefs = new Set(payouts.filter((p) => p.status === 'paid').map((p) => p.transferRef))
  for (const t of transfers)
    if (!paidRefs.has(t.transferRef) && !pendingHas(payouts, t.amount))
      out.push(`transfer ${t.transferRef} of no payout`)
  return out
}

/** A transfer made for a payout still pending (made, not yet recorded: only inside a race). */
const pendingHas = (payouts: readonly Payout[], amount: number): boolean =>
  payouts.some((p) => p.status === 'pending' && p.amount === amount)

/** Σ of what the provider transferred to a host in a currency. */
export const transferredTo = (w: PayoutWorld, h: UserId, cur: typeof USD): number =>
  w.gateway.totalTo(accountOf(h), cur)

export const at = (hours: number): Instant => instant(T0 + hours * HOUR)
