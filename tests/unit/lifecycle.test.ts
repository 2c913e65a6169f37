import { Result } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyTransition, type Booking, computeDueAt } from '../../core/domain/bookings/booking.js'
import {
  type Actor,
  allowedMoves,
  type BookingState,
  bookingStates,
  checkTransition,
  dueAt,
  isReserving,
  isTerminal,
  nextTimer,
  type TimePoint,
  type TimePoints,
  type TransitionName,
  transitionNamed,
  transitionNames,
} from '../../core/domain/bookings/lifecycle.js'
import { cancellationPolicies } from '../../core/domain/policies/cancellation.js'
import { asId } from '../../core/domain/shared/ids.js'
import { DAY, HOUR, instant, MINUTE } from '../../core/domain/shared/time.js'
import { LISTING, plainRules, quote, stayOf } from './fixtures.js'

// ---- The DESIGN.md diagram, written out by hand (not read from `transitions`) ----

const STATES: readonly BookingState[] = [
  'pending_payment',
  'awaiting_host',
  'confirmed',
  'in_progress',
  'completed',
  'cancelled',
  'declined',
  'expired',
]
const TERMINAL: readonly BookingState[] = ['completed', 'cancelled', 'declined', 'expired']
const NAMES: readonly TransitionName[] = [
  'pay',
  'authorize',
  'accept',
  'decline',
  'expire_payment',
  'expire_request',
  'start',
  'complete',
  'cancel',
  // Not in the diagram: the system takes back a request that raced past the guest's pending cap.
  'withdraw',
]
const ACTORS: readonly Actor[] = ['guest', 'host', 'admin', 'system']

interface Edge {
  from: BookingState
  name: TransitionName
  to: BookingState
  actors: readonly Actor[]
  timer?: { at: TimePoint; afterMs: number }
}
const EDGES: readonly Edge[] = [
  // Beyond the diagram: pending_payment --withdraw--> expired, when concurrent requests of one guest
  // went past the cap of pending bookings (nothing paid yet).
  { from: 'pending_payment', name: 'withdraw', to: 'expired', actors: ['system'] },
  // pending_payment --pay--> confirmed (instant book): the payment provider reports success
  { from: 'pending_payment', name: 'pay', to: 'confirmed', actors: ['system'] },
  // pending_payment --authorize--> awaiting_host (request to book)
  { from: 'pending_payment', name: 'authorize', to: 'awaiting_host', actors: ['system'] },
  // awaiting_host --accept--> confirmed / --decline--> declined: the host, or an admin for them
  { from: 'awaiting_host', name: 'accept', to: 'confirmed', actors: ['host', 'admin'] },
  { from: 'awaiting_host', name: 'decline', to: 'declined', actors: ['host', 'admin'] },
  // pending_payment --(15 min unpaid)--> expired; awaiting_host --(24 h)--> expired
  {
    from: 'pending_payment',
    name: 'expire_payment',
    to: 'expired',
    actors: ['system'],
    timer: { at: 'requestedAt', afterMs: 15 * MINUTE },
  },
  {
    from: 'awaiting_host',
    name: 'expire_request',
    to: 'expired',
    actors: ['system'],
    timer: { at: 'authorizedAt', afterMs: 24 * HOUR },
  },
  // confirmed --(check-in day)--> in_progress --(check-out day)--> completed
  {
    from: 'confirmed',
    name: 'start',
    to: 'in_progress',
    actors: ['system'],
    timer: { at: 'checkInAt', afterMs: 0 },
  },
  {
    from: 'in_progress',
    name: 'complete',
    to: 'completed',
    actors: ['system'],
    timer: { at: 'checkOutAt', afterMs: 0 },
  },
  // pending_payment | awaiting_host | confirmed | in_progress --cancel--> cancelled
  ...(['pending_payment', 'awaiting_host', 'confirmed', 'in_progress'] as const).map(
    (from): Edge => ({ from, name: 'cancel', to: 'cancelled', actors: ['guest', 'host', 'admin'] }),
  ),
]
const edge = (from: BookingState, name: TransitionName) =>
  EDGES.find((e) => e.from === from && e.name === name)

const T0 = instant(Date.UTC(2025, 5, 1, 12))
const POINTS: TimePoints = {
  requestedAt: T0,
  authorizedAt: instant(T0 + 5 * MINUTE),
  checkInAt: instant(T0 + 10 * DAY),
  checkOutAt: instant(T0 + 13 * DAY),
}
const NO_POINTS: TimePoints = { requestedAt: null, authorizedAt: null, checkInAt: null, checkOutAt: null }
const LATE = instant(T0 + 365 * DAY) // every timer is due

describe('lifecycle: the table is the DESIGN.md diagram', () => {
  it('states and transition names are exactly those of the design', () => {
    expect([...bookingStates].sort()).toEqual([...STATES].sort())
    expect([...transitionNames].sort()).toEqual([...NAMES].sort())
  })

  it('terminal states are completed, cancelled, declined, expired; the others reserve nights', () => {
    for (const s of STATES) {
      expect(isTerminal(s)).toBe(TERMINAL.includes(s))
      expect(isReserving(s)).toBe(!TERMINAL.includes(s))
    }
  })

  it('allowedMoves lists exactly the (from → to) pairs of the diagram', () => {
    expect([...allowedMoves].sort()).toEqual([...new Set(EDGES.map((e) => `${e.from}->${e.to}`))].sort())
  })

  it('every timed transition has the timer of the diagram', () => {
    for (const name of NAMES) {
      const e = EDGES.find((x) => x.name === name)
      expect(transitionNamed(name).timer).toEqual(e?.timer)
    }
  })

  const combos = STATES.flatMap((state) =>
    NAMES.flatMap((name) => ACTORS.map((actor) => [state, name, actor] as const)),
  )
  it.each(combos)('%s --%s by %s: allowed exactly when the diagram says so', (state, name, actor) => {
    const e = edge(state, name)
    const allowed = e?.actors.includes(actor) === true
    const r = checkTransition({ state, name, actor, now: LATE, points: POINTS })
    expect(Result.isSuccess(r)).toBe(allowed)
    if (Result.isSuccess(r)) expect(r.success.to).toBe(e?.to)
    if (Result.isFailure(r)) {
      expect(r.failure._tag).toBe('InvalidTransition')
      expect(r.failure.code).toBe('invalid_transition')
      expect(r.failure.from).toBe(state)
      expect(r.failure.transition).toBe(name)
    }
  })

  it.each(TERMINAL)('%s is terminal: no transition by anyone leaves it, and no timer is due', (state) => {
    for (const name of NAMES)
      for (const actor of ACTORS)
        expect(Result.isFailure(checkTransition({ state, name, actor, now: LATE, points: POINTS }))).toBe(
          true,
        )
    expect(nextTimer(state, POINTS)).toBeNull()
    expect(computeDueAt(state, POINTS)).toBeNull()
  })
})

describe('lifecycle: timers', () => {
  const timed = EDGES.filter((e) => e.timer !== undefined)

  it.each(timed.map((e) => [e.name, e.from, e] as const))(
    '%s (from %s) does not fire 1 ms before it is due, fires exactly at and after due',
    (_name, _from, e) => {
      const due = (POINTS[e.timer!.at] ?? 0) + e.timer!.afterMs
      const at = (now: number) =>
        checkTransition({ state: e.from, name: e.name, actor: 'system', now: instant(now), points: POINTS })
      const early = at(due - 1)
      expect(Result.isFailure(early) && early.failure.reason).toBe('not due yet')
      expect(Result.isSuccess(at(due))).toBe(true)
      expect(Result.isSuccess(at(due + 1))).toBe(true)
    },
  )

  it.each(timed.map((e) => [e.name, e] as const))(
    '%s never fires while its time point is unknown',
    (_name, e) => {
      const r = checkTransition({
        state: e.from,
        name: e.name,
        actor: 'system',
        now: LATE,
        points: NO_POINTS,
      })
      expect(Result.isFailure(r)).toBe(true)
      expect(dueAt(transitionNamed(e.name), NO_POINTS)).toBeNull()
    },
  )

  it('payment expires 15 min after the request; a host request 24 h after authorization', () => {
    expect(nextTimer('pending_payment', POINTS)).toEqual({ name: 'expire_payment', at: T0 + 15 * MINUTE })
    expect(nextTimer('awaiting_host', POINTS)).toEqual({ name: 'expire_request', at: T0 + 5 * MINUTE + DAY })
    expect(nextTimer('confirmed', POINTS)).toEqual({ name: 'start', at: POINTS.checkInAt })
    expect(nextTimer('in_progress', POINTS)).toEqual({ name: 'complete', at: POINTS.checkOutAt })
  })

  it('untimed transitions have no due time', () => {
    for (const name of ['pay', 'authorize', 'accept', 'decline', 'cancel'] as const)
      expect(dueAt(transitionNamed(name), POINTS)).toBeNull()
  })

  it('nextTimer is the earliest due timer leaving the state, or null (property)', () => {
    const arbPoint = fc.option(
      fc.integer({ min: 0, max: 4_000_000_000_000 }).map((n) => instant(n)),
      { nil: null },
    )
    fc.assert(
      fc.property(
        fc.constantFrom(...STATES),
        fc.record({
          requestedAt: arbPoint,
          authorizedAt: arbPoint,
          checkInAt: arbPoint,
          checkOutAt: arbPoint,
        }),
        (state, points) => {
          const candidates = timed
            .filter((e) => e.from === state && points[e.timer!.at] !== null)
            .map((e) => ({ name: e.name, at: (points[e.timer!.at] as number) + e.timer!.afterMs }))
            .sort((a, b) => a.at - b.at)
          expect(nextTimer(state, points)).toEqual(candidates[0] ?? null)
        },
      ),
    )
  })
})

describe('lifecycle: applyTransition on a booking', () => {
  const stay = stayOf('2025-06-11', '2025-06-14')
  const booking: Booking = {
    id: asId('booking', 'bkg_1'),
    listingId: LISTING,
    hostId: asId('user', 'usr_host'),
    guestId: asId('user', 'usr_guest'),
    stay,
    guests: 2,
    state: 'pending_payment',
    bookingMode: 'request',
    quote: quote(plainRules(), stay, 2),
    cancellationPolicy: cancellationPolicies.moderate,
    timezone: 'UTC',
    points: { ...POINTS, authorizedAt: null },
    paidAmount: 0,
    refundedAmount: 0,
    cancellation: null,
    modifications: [],
    pendingChange: null,
    settling: null,
    history: [],
    message: '',
    dueAt: instant(T0 + 15 * MINUTE),
    createdAt: T0,
    updatedAt: T0,
    version: 1,
  }
  const ok = (r: Result.Result<Booking, unknown>): Booking => {
    if (Result.isFailure(r)) throw new Error(`expected success, got ${String(r.failure)}`)
    return r.success
  }

  it('records the transition in history, sets updatedAt and recomputes dueAt from the new state', () => {
    const now = instant(T0 + 2 * MINUTE)
    const b1 = ok(
      applyTransition(booking, 'authorize', 'system', now, {
        points: { ...booking.points, authorizedAt: now },
      }),
    )
    expect(b1.state).toBe('awaiting_host')
    expect(b1.points.authorizedAt).toBe(now)
    expect(b1.dueAt).toBe(now + 24 * HOUR)
    expect(b1.updatedAt).toBe(now)
    expect(b1.history).toEqual([
      { transition: 'authorize', from: 'pending_payment', to: 'awaiting_host', actor: 'system', at: now },
    ])

    const later = instant(now + HOUR)
    const b2 = ok(applyTransition(b1, 'accept', 'host', later))
    expect(b2.state).toBe('confirmed')
    expect(b2.dueAt).toBe(POINTS.checkInAt)
    expect(b2.history.map((h) => h.transition)).toEqual(['authorize', 'accept'])
    expect(b2.history[1]).toEqual({
      transition: 'accept',
      from: 'awaiting_host',
      to: 'confirmed',
      actor: 'host',
      at: later,
    })

    const b3 = ok(applyTransition(b2, 'cancel', 'guest', instant(later + MINUTE)))
    expect(b3.state).toBe('cancelled')
    expect(b3.dueAt).toBeNull()
    expect(b3.history).toHaveLength(3)
  })

  it('a patch (e.g. the amount paid) is applied with the transition', () => {
    const b = ok(applyTransition(booking, 'pay', 'system', instant(T0 + MINUTE), { paidAmount: 30_000 }))
    expect(b.state).toBe('confirmed')
    expect(b.paidAmount).toBe(30_000)
    expect(b.dueAt).toBe(POINTS.checkInAt)
  })

  it('an invalid transition returns InvalidTransition and leaves the booking untouched', () => {
    const r = applyTransition(booking, 'accept', 'host', instant(T0 + MINUTE))
    expect(Result.isFailure(r) && r.failure._tag).toBe('InvalidTransition')
    const early = applyTransition(booking, 'expire_payment', 'system', instant(T0 + 15 * MINUTE - 1))
    expect(Result.isFailure(early)).toBe(true)
    expect(booking.history).toEqual([])
    expect(booking.state).toBe('pending_payment')
  })

  it('the payment timer expires an unpaid booking at exactly 15 min', () => {
    const b = ok(applyTransition(booking, 'expire_payment', 'system', instant(T0 + 15 * MINUTE)))
    expect(b.state).toBe('expired')
    expect(b.dueAt).toBeNull()
  })

  it('computeDueAt agrees with nextTimer', () => {
    for (const s of STATES) expect(computeDueAt(s, POINTS)).toBe(nextTimer(s, POINTS)?.at ?? null)
  })
})
