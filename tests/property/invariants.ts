import { Effect, Option } from 'effect'
import type { InMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { allowedMoves, REVIEW_WINDOW_MS } from '../../core/domain/bookings/lifecycle.js'
import { netPaid } from '../../core/domain/payments/payment.js'
import { addDays, type LocalDate, nightsOf } from '../../core/domain/shared/dates.js'
import type { BookingId, ListingId } from '../../core/domain/shared/ids.js'

/**
 * Checks the booking engine's safety rules against its stored state, computed independently of the
 * code that produced it (straight from the adapters). Throws with a precise message on the first
 * broken rule.
 */
export const sync = <A>(e: Effect.Effect<A>): A => Effect.runSync(e)
const read = <A>(e: Effect.Effect<A>): Promise<A> => Effect.runPromise(e)

/**
 * Where the stored state is read: the bare in-memory adapters (not the ones the use cases see, which
 * the race tests wrap in a scheduler), or the shared store's ports when the engine has one.
 */
const storeOf = (engine: InMemoryEngine) => (engine.store === 'memory' ? engine.adapters : engine.deps)

const fail = (msg: string): never => {
  throw new Error(`invariant broken: ${msg}`)
}

export interface Tracked {
  readonly listings: ReadonlyArray<{ readonly id: ListingId; readonly units: number }>
  readonly bookingIds: readonly BookingId[]
  /** The first night and span of calendar every check covers. */
  readonly from: LocalDate
  readonly days: number
}

const BOOKED = new Set(['confirmed', 'in_progress', 'completed'])
const HELD = new Set(['pending_payment', 'awaiting_host'])

export const checkInvariants = async (engine: InMemoryEngine, t: Tracked): Promise<void> => {
  const adapters = storeOf(engine)
  const now = engine.adapters.clock.now()
  const bookings: Booking[] = []
  for (const id of t.bookingIds)
    bookings.push(
      Option.getOrElse(await read(adapters.bookings.byId(id)), () => fail(`booking ${id} vanished`)),
    )

  // Inventory: never more held + booked than units; booked nights agree with booking states.
  const to = addDays(t.from, t.days)
  for (const l of t.listings) {
    const nights = await read(adapters.availability.calendar(l.id, t.from, to))
    const mine = bookings.filter((b) => b.listingId === l.id)
    for (const n of nights) {
      if (n.held + n.booked > l.units)
        fail(`${l.id} ${n.date}: held ${n.held} + booked ${n.booked} > units ${l.units} (oversold)`)
      if (n.available < 0 || (n.blocked && n.available !== 0))
        fail(`${l.id} ${n.date}: available ${n.available}`)
      const covering = mine.filter((b) => b.stay.checkIn <= n.date && n.date < b.stay.checkOut)
      const booked = covering.filter((b) => BOOKED.has(b.state)).length
      const holding = covering.filter((b) => HELD.has(b.state)).length
      if (n.booked !== booked)
        fail(`${l.id} ${n.date}: calendar booked ${n.booked} ≠ ${booked} confirmed bookings`)
      if (n.held > holding) fail(`${l.id} ${n.date}: calendar held ${n.held} > ${holding} pending bookings`)
    }
  }

  for (const b of bookings) {
    // States change only along the transition table.
    let state = 'pending_payment'
    for (const h of b.history) {
      if (h.from !== state) fail(`${b.id}: history jumps from ${state} to a move out of ${h.from}`)
      if (!allowedMoves.has(`${h.from}->${h.to}`)) fail(`${b.id}: illegal move ${h.from}->${h.to}`)
      state = h.to
    }
    if (state !== b.state) fail(`${b.id}: history ends in ${state} but state is ${b.state}`)

    // Money: refunds never exceed payments; settled bookings keep exactly what they should.
    const pays = await read(adapters.payments.byBooking(b.id))
    for (const p of pays) {
      if (p.refundedAmount > p.capturedAmount)
        fail(`${p.id}: refunded ${p.refundedAmount} > captured ${p.capturedAmount}`)
      if (p.capturedAmount > p.amount) fail(`${p.id}: captured ${p.capturedAmount} > amount ${p.amount}`)
    }
    const net = pays.reduce((a, p) => a + netPaid(p), 0)
    const open = pays.filter((p) => p.status === 'authorized' || p.status === 'requires_payment')
    if (BOOKED.has(b.state) && net !== b.quote.guestTotal)
      fail(`${b.id} is ${b.state} but net captured ${net} ≠ quote total ${b.quote.guestTotal}`)
    if ((b.state === 'expired' || b.state === 'declined') && net !== 0)
      fail(`${b.id} is ${b.state} but keeps ${net}`)
    if (b.state === 'cancelled' && net !== b.cancellation?.retainedAmount)
      fail(`${b.id} cancelled keeps ${net} ≠ retained ${b.cancellation?.retainedAmount}`)
    if (b.state === 'cancelled' && (b.cancellation?.refundAmount ?? 0) < 0) fail(`${b.id}: negative refund`)
    if (!HELD.has(b.state) && open.length > 0)
      fail(`${b.id} is ${b.state} with open payments ${open.map((p) => p.id)}`)

    // Released nights: a closed booking holds nothing.
    if (['cancelled', 'declined', 'expired'].includes(b.state)) {
      if (Option.isSome(await read(adapters.availability.allocation(b.listingId, b.id))))
        fail(`${b.id} is ${b.state} but still has an allocation`)
    }

    // Reviews: visible only when both sides reviewed or the window has closed.
    const reviews = await read(adapters.reviews.byBooking(b.id))
    for (const r of reviews) {
      if (b.state !== 'completed') fail(`${r.id} reviews a ${b.state} booking`)
      if (r.revealedAt !== null) {
        const both = new Set(reviews.map((x) => x.direction)).size === 2
        const closed = b.points.checkOutAt !== null && r.revealedAt >= b.points.checkOutAt + REVIEW_WINDOW_MS
        if (!both && !closed) fail(`${r.id} revealed before both sides reviewed or the window closed`)
      }
    }
    if (new Set(reviews.map((r) => r.direction)).size !== reviews.length)
      fail(`${b.id}: two reviews in one direction`)
  }
  void now
}

/** No booking is past a payment or host deadline once due transitions have run. */
export const checkNoOverdue = async (engine: InMemoryEngine, ids: readonly BookingId[]): Promise<void> => {
  const now = engine.adapters.clock.now()
  for (const id of ids) {
    const b = Option.getOrThrow(await read(storeOf(engine).bookings.byId(id)))
    if (b.dueAt !== null && b.dueAt <= now)
      fail(`${b.id} (${b.state}) is overdue: due ${b.dueAt} ≤ now ${now}`)
  }
}

export const nightsOfBooking = (b: Booking): LocalDate[] => nightsOf(b.stay)
