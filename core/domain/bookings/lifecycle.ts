import { Result } from 'effect'
import { InvalidTransition } from '../shared/errors.js'
import { DAY, HOUR, type Instant, MINUTE } from '../shared/time.js'

export const bookingStates = [
  'pending_payment',
  'awaiting_host',
  'confirmed',
  'in_progress',
  'completed',
  'cancelled',
  'declined',
  'expired',
] as const
export type BookingState = (typeof bookingStates)[number]

export const terminalStates: readonly BookingState[] = ['completed', 'cancelled', 'declined', 'expired']
/** States in which the booking's nights are held or booked in the calendar. */
export const reservingStates: readonly BookingState[] = [
  'pending_payment',
  'awaiting_host',
  'confirmed',
  'in_progress',
]
export const isTerminal = (s: BookingState): boolean => terminalStates.includes(s)
/**
 * Whether a move gives the booking's nights back: leaving a reserving state for cancelled, declined
 * or expired. A completed stay keeps its nights booked: they are in the past, so nothing more can
 * be sold, and the calendar keeps a true history for hosts and occupancy reports.
 */
export const releasesNights = (from: BookingState, to: BookingState): boolean =>
  isReserving(from) && (to === 'cancelled' || to === 'declined' || to === 'expired')
export const isReserving = (s: BookingState): boolean => reservingStates.includes(s)

/** Who triggers a transition: a party to the booking, an admin, or the system (payments, timers). */
export const actors = ['guest', 'host', 'admin', 'system'] as const
export type Actor = (typeof actors)[number]

/** Points in a booking's life that timers count from. */
export type TimePoint = 'requestedAt' | 'authorizedAt' | 'checkInAt' | 'checkOutAt'

export const transitionNames = [
  'pay',
  'authorize',
  'accept',
  'decline',
  'expire_payment',
  'expire_request',
  'start',
  'complete',
  'cancel',
  'withdraw',
] as const
export type TransitionName = (typeof transitionNames)[number]

export interface Transition {
  readonly name: TransitionName
  readonly from: readonly BookingState[]
  readonly to: BookingState
  readonly actors: readonly Actor[]
  /** A timed transition fires (by the system) once `at + afterMs` has passed. */
  readonly timer?: { readonly at: TimePoint; readonly afterMs: number }
}

export const PAYMENT_WINDOW_MS = 15 * MINUTE
export const HOST_RESPONSE_WINDOW_MS = 24 * HOUR
export const REVIEW_WINDOW_MS = 14 * DAY

/** The booking process as data, in the spirit of Sharetribe's transaction process. */
export const transitions: readonly Transition[] = [
  { name: 'pay', from: ['pending_payment'], to: 'confirmed', actors: ['system'] },
  { name: 'authorize', from: ['pending_payment'], to: 'awaiting_host', actors: ['system'] },
  { name: 'accept', from: ['awaiting_host'], to: 'confirmed', actors: ['host', 'admin'] },
  { name: 'decline', from: ['awaiting_host'], to: 'declined', actors: ['host', 'admin'] },
  {
    name: 'expire_payment',
    from: ['pending_payment'],
    to: 'expired',
    actors: ['system'],
    timer: { at: 'requestedAt', afterMs: PAYMENT_WINDOW_MS },
  },
  {
    name: 'expire_request',
    from: ['awaiting_host'],
    to: 'expired',
    actors: ['system'],
    timer: { at: 'authorizedAt', afterMs: HOST_RESPONSE_WINDOW_MS },
  },
  {
    name: 'start',
    from: ['confirmed'],
    to: 'in_progress',
    actors: ['system'],
    timer: { at: 'checkInAt', afterMs: 0 },
  },
  {
    name: 'complete',
    from: ['in_progress'],
    to: 'completed',
    actors: ['system'],
    timer: { at: 'checkOutAt', afterMs: 0 },
  },
  {
    name: 'cancel',
    from: ['pending_payment', 'awaiting_host', 'confirmed', 'in_progress'],
    to: 'cancelled',
    actors: ['guest', 'host', 'admin'],
  },
  /**
   * The system takes back a request that, racing the guest's other requests, went past the cap of
   * pending bookings per guest (see RequestBooking). Nothing has been paid yet: it simply expires.
   */
  { name: 'withdraw', from: ['pending_payment'], to: 'expired', actors: ['system'] },
]

const byName = new Map(transitions.map((t) => [t.name, t]))
export const transitionNamed = (name: TransitionName): Transition => byName.get(name)!

export type TimePoints = Readonly<Record<TimePoint, Instant | null>>

/**
 * The one function that moves a booking between states. It checks the table: the transition must
 * leave the current state, the actor must be allowed, and a timed transition may not fire early.
 */
export const checkTransition = (input: {
  readonly state: BookingState
  readonly name: TransitionName
  readonly actor: Actor
  readonly now: Instant
  readonly points: TimePoints
}): Result.Result<Transition, InvalidTransition> => {
  const t = byName.get(input.name)
  const fail = (reason: string) =>
    Result.fail(new InvalidTransition({ from: input.state, transition: input.name, reason }))
  if (!t) return fail('unknown transition')
  if (!t.from.includes(input.state)) return fail(`not allowed from ${input.state}`)
  if (!t.actors.includes(input.actor)) return fail(`${input.actor} may not ${input.name}`)
  if (t.timer) {
    const due = dueAt(t, input.points)
    if (due === null || input.now < due) return fail('not due yet')
  }
  return Result.succeed(t)
}

export const dueAt = (t: Transition, points: TimePoints): Instant | null => {
  if (!t.timer) return null
  const base = points[t.timer.at]
  return base === null ? null : ((base + t.timer.afterMs) as Instant)
}

/** The earliest timed transition that can leave `state`, and when it is due. */
export const nextTimer = (
  state: BookingState,
  points: TimePoints,
): { name: TransitionName; at: Instant } | null => {
  let best: { name: TransitionName; at: Instant } | null = null
  for (const t of transitions) {
    if (!t.timer || !t.from.includes(state)) continue
    const at = dueAt(t, points)
    if (at !== null && (best === null || at < best.at)) best = { name: t.name, at }
  }
  return best
}

/** Every (from, to) pair the table allows: what a model-based test checks observed changes against. */
export const allowedMoves: ReadonlySet<string> = new Set(
  transitions.flatMap((t) => t.from.map((f) => `${f}->${t.to}`)),
)
