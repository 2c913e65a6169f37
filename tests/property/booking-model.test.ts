import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createInMemoryEngine, type InMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { type Caller, userCaller } from '../../core/application/support/caller.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { netPaid } from '../../core/domain/payments/payment.js'
import { cancellationPolicyNames, computeRefund } from '../../core/domain/policies/cancellation.js'
import { addDays, type LocalDate, localDateAt, nightsOf } from '../../core/domain/shared/dates.js'
import type { BookingId, ListingId } from '../../core/domain/shared/ids.js'
import { DAY, HOUR, type Instant, instant, MINUTE } from '../../core/domain/shared/time.js'
import { checkEventPayloads, checkedEvents } from './event-payloads.js'
import { checkInvariants, checkNoOverdue, sync } from './invariants.js'

/**
 * Model-based test of the whole booking engine: random sequences of marketplace actions run on the
 * real use cases (in-memory adapters, fake clock), and after every step the engine's stored state
 * is checked against the rules (see invariants.ts). `npm test` runs RUNS sequences;
 * `npm run test:deep` runs at least 10,000.
 */
const DEEP = process.env.INNKEEPER_DEEP === '1'
const RUNS = DEEP ? 10_000 : 200
const T0 = instant(Date.UTC(2026, 2, 1, 9))
const DAY0 = localDateAt(T0, 'UTC')
const HORIZON = 75

/** What the histories reached, so a run that never books anything cannot pass unnoticed. */
const reached = new Map<string, number>()

interface Model {
  listings: { id: ListingId; units: number }[]
  bookings: BookingId[]
  /** Night → when it was blocked, per listing (only nights blocked now). */
  blocked: Map<ListingId, Map<LocalDate, Instant>>
  /** States seen for each booking after the previous step. */
  lastState: Map<BookingId, Booking['state']>
  modifications: Map<BookingId, number>
  revealed: Set<string>
}

interface Real {
  engine: InMemoryEngine
  host: Caller
  admin: Caller
  guests: Caller[]
}

/** Expected failures a command may meet; anything else (a defect, an unexpected tag) fails the run. */
const expectOneOf = async <A>(p: Promise<A>, tags: readonly string[]): Promise<A | null> => {
  try {
    return await p
  } catch (e) {
    const tag = typeof e === 'object' && e !== null && '_tag' in e ? String(e._tag) : ''
    reached.set(`error:${tag}`, (reached.get(`error:${tag}`) ?? 0) + 1)
    if (tags.includes(tag)) return null
    throw e
  }
}

const pick = <T>(xs: readonly T[], i: number): T | undefined =>
  xs.length === 0 ? undefined : xs[i % xs.length]
/**
 * Picks the i-th booking among those in the given states (the ones the action makes sense for),
 * or among all bookings when none is: actions on the wrong state must be refused too.
 */
const pickBooking = (m: Model, i: number, states: readonly Booking['state'][]): BookingId | undefined => {
  const fitting = m.bookings.filter((id) => states.includes(m.lastState.get(id) ?? 'pending_payment'))
  if (fitting.length === 0 || i % 5 === 0) return pick(m.bookings, i)
  // Usually the newest fitting booking (pay what was just requested), sometimes any.
  return i % 2 === 0 ? fitting[fitting.length - 1] : pick(fitting, i)
}

const getBooking = (r: Real, id: BookingId): Booking => {
  const o = sync(r.engine.adapters.bookings.byId(id))
  if (o._tag === 'None') throw new Error(`missing ${id}`)
  return o.value
}

type Cmd = fc.AsyncCommand<Model, Real>

class AddListing implements Cmd {
  constructor(
    readonly units: number,
    readonly mode: 'instant' | 'request',
    readonly policy: (typeof cancellationPolicyNames)[number],
    readonly minNights: number,
  ) {}
  check(m: Readonly<Model>) {
    return m.listings.length < 4
  }
  async run(m: Model, r: Real) {
    const { run, useCases } = r.engine
    const l = await run(
      useCases.createListing.execute(r.host, {
        title: `Listing ${m.listings.length}`,
        propertyType: this.units > 1 ? 'hotel' : 'house',
        roomType: this.units > 1 ? 'hotel_room' : 'entire_place',
        location: {
          address: 'x',
          city: 'Lisbon',
          country: 'PT',
          lat: 38.7,
          lng: -9.1,
          timezone: 'Europe/Lisbon',
        },
        maxGuests: 4,
        units: this.units,
        currency: 'EUR',
        bookingMode: this.mode,
        cancellationPolicy: this.policy,
        restrictions: { minNights: this.minNights },
        pricing: {
          baseNightly: 9_000,
          weekendNightly: 12_000,
          weeklyDiscountBp: 1_000,
          cleaningFee: 2_500,
          extraGuestFee: 1_000,
          extraGuestThreshold: 2,
          serviceFeeBp: 1_200,
          taxBp: 700,
        },
      }),
    )
    await run(useCases.activateListing.execute(r.host, l.id))
    m.listings.push({ id: l.id, units: this.units })
    m.blocked.set(l.id, new Map())
  }
  toString() {
    return `AddListing(${this.units}, ${this.mode}, ${this.policy}, min ${this.minNights})`
  }
}

class SetBlocked implements Cmd {
  constructor(
    readonly listing: number,
    readonly offset: number,
    readonly len: number,
    readonly blocked: boolean,
  ) {}
  check(m: Readonly<Model>) {
    return m.listings.length > 0
  }
  async run(m: Model, r: Real) {
    const l = pick(m.listings, this.listing)!
    const from = addDays(DAY0, this.offset)
    const to = addDays(from, this.len)
    await r.engine.run(
      r.engine.useCases.setCalendar.execute(r.host, l.id, { from, to, blocked: this.blocked }),
    )
    const set = m.blocked.get(l.id)!
    for (const d of nightsOf({ checkIn: from, checkOut: to })) {
      if (this.blocked) {
        if (!set.has(d)) set.set(d, r.engine.adapters.clock.now())
      } else set.delete(d)
    }
    after(m, r)
  }
  toString() {
    return `${this.blocked ? 'Block' : 'Unblock'}(L${this.listing}, +${this.offset}, ${this.len})`
  }
}

class RequestBooking implements Cmd {
  constructor(
    readonly guest: number,
    readonly listing: number,
    readonly offset: number,
    readonly nights: number,
    readonly guests: number,
  ) {}
  check(m: Readonly<Model>) {
    return m.listings.length > 0
  }
  async run(m: Model, r: Real) {
    const l = pick(m.listings, this.listing)!
    const checkIn = addDays(DAY0, this.offset)
    const checkOut = addDays(checkIn, this.nights)
    const b = await expectOneOf(
      r.engine.run(
        r.engine.useCases.requestBooking.execute(pick(r.guests, this.guest)!, {
          listingId: l.id,
          checkIn,
          checkOut,
          guests: this.guests,
        }),
      ),
      ['NightsUnavailable', 'StayRestrictionViolated', 'TooManyPendingBookings'],
    )
    if (b) {
      // Blocked nights are never newly sold.
      const blocked = m.blocked.get(l.id)!
      for (const d of nightsOf(b.stay)) if (blocked.has(d)) throw new Error(`${b.id} sold blocked night ${d}`)
      m.bookings.push(b.id)
    }
    after(m, r)
  }
  toString() {
    return `Request(G${this.guest}, L${this.listing}, +${this.offset}, ${this.nights}n, ${this.guests}p)`
  }
}

class Pay implements Cmd {
  constructor(
    readonly booking: number,
    readonly outcome: 'succeed' | 'fail',
    readonly shuffle: boolean,
    /** `booking` is an exact index into the model's bookings, not a pick. */
    readonly exact = false,
  ) {}
  check(m: Readonly<Model>) {
    return m.bookings.length > 0
  }
  async run(m: Model, r: Real) {
    const id = (this.exact ? m.bookings[this.booking] : pickBooking(m, this.booking, ['pending_payment']))!
    const b = getBooking(r, id)
    const guest: Caller = userCaller(b.guestId, ['guest'])
    const checkout = await expectOneOf(r.engine.run(r.engine.useCases.startPayment.execute(guest, id)), [
      'InvalidTransition',
    ])
    if (checkout) {
      r.engine.adapters.gateway.confirmPayment(checkout.payment.providerRef, this.outcome)
      // Webhooks may arrive out of order and twice.
      const deliveries = r.engine.adapters.gateway.takeDeliveries()
      const order = this.shuffle ? [...deliveries].reverse().concat(deliveries) : deliveries
      for (const d of order) await r.engine.run(r.engine.useCases.applyPaymentEvent.execute(d))
    }
    after(m, r)
  }
  toString() {
    return `Pay(B${this.booking}, ${this.outcome}${this.shuffle ? ', shuffled+dup' : ''})`
  }
}

/** The happy path in one step: request, check out, the payer confirms, webhooks arrive. */
class RequestAndPay implements Cmd {
  constructor(
    readonly request: RequestBooking,
    readonly pay: Pay,
  ) {}
  check(m: Readonly<Model>) {
    return m.listings.length > 0
  }
  async run(m: Model, r: Real) {
    const before = m.bookings.length
    await this.request.run(m, r)
    if (m.bookings.length > before)
      await new Pay(m.bookings.length - 1, this.pay.outcome, this.pay.shuffle, true).run(m, r)
  }
  toString() {
    return `${this.request} + ${this.pay}`
  }
}

class HostAnswers implements Cmd {
  constructor(
    readonly booking: number,
    readonly accept: boolean,
  ) {}
  check(m: Readonly<Model>) {
    return m.bookings.length > 0
  }
  async run(m: Model, r: Real) {
    const id = pickBooking(m, this.booking, ['awaiting_host'])!
    const uc = this.accept ? r.engine.useCases.acceptBooking : r.engine.useCases.declineBooking
    await expectOneOf(r.engine.run(uc.execute(r.host, id)), ['InvalidTransition'])
    after(m, r)
  }
  toString() {
    return `${this.accept ? 'Accept' : 'Decline'}(B${this.booking})`
  }
}

class Cancel implements Cmd {
  constructor(
    readonly booking: number,
    readonly by: 'guest' | 'host' | 'admin',
  ) {}
  check(m: Readonly<Model>) {
    return m.bookings.length > 0
  }
  async run(m: Model, r: Real) {
    const id = pickBooking(m, this.booking, ['pending_payment', 'awaiting_host', 'confirmed', 'in_progress'])!
    const before = getBooking(r, id)
    const paidBefore = sync(r.engine.adapters.payments.byBooking(id)).reduce((a, p) => a + netPaid(p), 0)
    const caller =
      this.by === 'guest' ? userCaller(before.guestId, ['guest']) : this.by === 'host' ? r.host : r.admin
    const now = r.engine.adapters.clock.now()
    const done = await expectOneOf(r.engine.run(r.engine.useCases.cancelBooking.execute(caller, id, {})), [
      'InvalidTransition',
    ])
    if (done) {
      // Refunds follow the policy snapshot exactly (guest) or refund everything (host, admin).
      // Before confirmation everything is refunded; after it, the policy (guest) or everything.
      const confirmed = before.state === 'confirmed' || before.state === 'in_progress'
      const expected = computeRefund({
        quote: before.quote,
        policy: before.cancellationPolicy,
        cancelledBy: confirmed ? this.by : 'system',
        cancelledAt: now,
        checkInAt: before.points.checkInAt!,
        paid: paidBefore,
      })
      const paidAfter = sync(r.engine.adapters.payments.byBooking(id)).reduce((a, p) => a + netPaid(p), 0)
      if (paidAfter !== paidBefore - expected.total)
        throw new Error(`${id}: paid ${paidBefore}, refund should be ${expected.total}, keeps ${paidAfter}`)
      if (done.cancellation?.refundAmount !== expected.total)
        throw new Error(`${id}: recorded refund ${done.cancellation?.refundAmount} ≠ ${expected.total}`)
    }
    after(m, r)
  }
  toString() {
    return `Cancel(B${this.booking}, by ${this.by})`
  }
}

class Modify implements Cmd {
  constructor(
    readonly booking: number,
    readonly shift: number,
    readonly nights: number,
    readonly declineCharge: boolean,
  ) {}
  check(m: Readonly<Model>) {
    return m.bookings.length > 0
  }
  async run(m: Model, r: Real) {
    const id = pickBooking(m, this.booking, ['pending_payment', 'confirmed'])!
    const before = getBooking(r, id)
    const checkIn = addDays(before.stay.checkIn, this.shift)
    if (this.declineCharge) r.engine.adapters.gateway.declineNextOffSession(1)
    const after_ = await expectOneOf(
      r.engine.run(
        r.engine.useCases.modifyBooking.execute(userCaller(before.guestId, ['guest']), id, {
          checkIn,
          checkOut: addDays(checkIn, this.nights),
        }),
      ),
      ['InvalidTransition', 'NightsUnavailable', 'StayRestrictionViolated', 'PaymentDeclined'],
    )
    if (this.declineCharge) r.engine.adapters.gateway.declineNextOffSession(0)
    if (after_) {
      const old = new Set(nightsOf(before.stay))
      const blocked = m.blocked.get(before.listingId)!
      for (const d of nightsOf(after_.stay))
        if (!old.has(d) && blocked.has(d)) throw new Error(`${id} moved onto blocked night ${d}`)
    } else {
      const now = getBooking(r, id)
      if (now.stay.checkIn !== before.stay.checkIn || now.stay.checkOut !== before.stay.checkOut)
        throw new Error(`${id}: a failed modification changed the stay`)
    }
    after(m, r)
  }
  toString() {
    return `Modify(B${this.booking}, shift ${this.shift}, ${this.nights}n${this.declineCharge ? ', card declines' : ''})`
  }
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check() {
    return true
  }
  async run(m: Model, r: Real) {
    r.engine.adapters.clock.advance(this.ms)
    await r.engine.tick()
    // Expired holds are released: nothing is overdue once the timers ran.
    checkNoOverdue(r.engine, m.bookings)
    after(m, r)
  }
  toString() {
    return `Advance(${this.ms / MINUTE} min)`
  }
}

class Review implements Cmd {
  constructor(
    readonly booking: number,
    readonly side: 'guest' | 'host' | 'both',
    readonly rating: number,
  ) {}
  check(m: Readonly<Model>) {
    return m.bookings.length > 0
  }
  async run(m: Model, r: Real) {
    const id = pickBooking(m, this.booking, ['completed'])!
    const b = getBooking(r, id)
    const sides: ('guest' | 'host')[] = this.side === 'both' ? ['guest', 'host'] : [this.side]
    for (const side of sides) {
      const caller = side === 'guest' ? userCaller(b.guestId, ['guest']) : r.host
      const posted = await expectOneOf(
        r.engine.run(r.engine.useCases.postReview.execute(caller, { bookingId: id, rating: this.rating })),
        ['ReviewNotAllowed', 'ReviewAlreadyPosted'],
      )
      if (posted) reached.set('review_posted', (reached.get('review_posted') ?? 0) + 1)
      after(m, r)
    }
  }
  toString() {
    return `Review(B${this.booking}, ${this.side}, ${this.rating})`
  }
}

const after = (m: Model, r: Real): void => {
  checkInvariants(r.engine, { listings: m.listings, bookingIds: m.bookings, from: DAY0, days: HORIZON })
  for (const id of m.bookings) {
    const b = getBooking(r, id)
    if (m.lastState.get(id) !== b.state) reached.set(b.state, (reached.get(b.state) ?? 0) + 1)
    if (b.modifications.length > (m.modifications.get(id) ?? 0))
      reached.set('modified', (reached.get('modified') ?? 0) + 1)
    m.modifications.set(id, b.modifications.length)
    m.lastState.set(id, b.state)
    if (b.state === 'completed')
      for (const rv of sync(r.engine.adapters.reviews.byBooking(id)))
        if (rv.revealedAt !== null && !m.revealed.has(rv.id)) {
          m.revealed.add(rv.id)
          reached.set('review_revealed', (reached.get('review_revealed') ?? 0) + 1)
        }
  }
}

const listingArb = fc
  .tuple(
    fc.integer({ min: 1, max: 3 }),
    fc.constantFrom('instant' as const, 'request' as const),
    fc.constantFrom(...cancellationPolicyNames),
    fc.integer({ min: 1, max: 2 }),
  )
  .map(([u, mode, p, min]) => new AddListing(u, mode, p, min))

const requestArb = fc
  .tuple(
    fc.nat(),
    fc.nat(),
    fc.integer({ min: 0, max: 45 }),
    fc.integer({ min: 1, max: 9 }),
    fc.integer({ min: 1, max: 4 }),
  )
  .map(([g, l, o, n, p]) => new RequestBooking(g, l, o, n, p))
const payArb = fc
  .tuple(fc.nat(), fc.constantFrom('succeed' as const, 'succeed' as const, 'fail' as const), fc.boolean())
  .map(([b, o, s]) => new Pay(b, o, s))
const advanceArb = fc
  .constantFrom(5 * MINUTE, 16 * MINUTE, 2 * HOUR, 25 * HOUR, 3 * DAY, 8 * DAY, 15 * DAY)
  .map((ms) => new Advance(ms))

const reviewArb = fc
  .tuple(
    fc.nat(),
    fc.constantFrom('guest' as const, 'host' as const, 'both' as const),
    fc.integer({ min: 1, max: 5 }),
  )
  .map(([b, s, rt]) => new Review(b, s, rt))

// Requests, payments and the clock come up three times as often as the other actions.
const commands = [
  listingArb,
  fc.tuple(requestArb, payArb).map(([rq, p]) => new RequestAndPay(rq, p)),
  fc.tuple(requestArb, payArb).map(([rq, p]) => new RequestAndPay(rq, p)),
  requestArb,
  requestArb,
  requestArb,
  payArb,
  payArb,
  payArb,
  advanceArb,
  advanceArb,
  advanceArb,
  fc
    .tuple(fc.nat(), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.boolean())
    .map(([l, o, n, b]) => new SetBlocked(l, o, n, b)),
  fc.tuple(fc.nat(), fc.boolean()).map(([b, a]) => new HostAnswers(b, a)),
  fc
    .tuple(fc.nat(), fc.constantFrom('guest' as const, 'guest' as const, 'host' as const, 'admin' as const))
    .map(([b, by]) => new Cancel(b, by)),
  fc
    .tuple(fc.nat(), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 1, max: 8 }), fc.boolean())
    .map(([b, s, n, d]) => new Modify(b, s, n, d)),
  reviewArb,
  reviewArb,
]

const setup = async (): Promise<Real> => {
  const engine = createInMemoryEngine({
    start: T0,
    passwordHashCost: 16,
    settings: { maxPendingBookingsPerGuest: 3 },
    // Every booking and payment event must agree with the entity written with it.
    decorate: checkEventPayloads,
  })
  const reg = async (name: string, roles: ('guest' | 'host')[]) => {
    const u = await engine.run(
      engine.useCases.registerUser.execute({
        email: `${name}@example.com`,
        password: 'long enough pw',
        name,
        roles,
      }),
    )
    return userCaller(u.id, u.roles)
  }
  const host = await reg('host', ['host'])
  const guests = [await reg('g0', ['guest']), await reg('g1', ['guest']), await reg('g2', ['guest'])]
  const adminUser = await reg('admin', ['guest'])
  const admin = adminUser.kind === 'user' ? userCaller(adminUser.userId, ['admin']) : adminUser
  return { engine, host, admin, guests }
}

describe('booking engine model (fast-check commands)', () => {
  it(`keeps every safety rule over ${RUNS} random marketplace histories`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(listingArb, { minLength: 1, maxLength: 3 }),
        fc.commands(commands, { maxCommands: DEEP ? 60 : 40, size: 'large' }),
        async (initial, cmds) => {
          const real = await setup()
          const model: Model = {
            listings: [],
            bookings: [],
            blocked: new Map(),
            lastState: new Map(),
            modifications: new Map(),
            revealed: new Set(),
          }
          for (const l of initial) await l.run(model, real)
          await fc.asyncModelRun(() => ({ model, real }), cmds)
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    )
    console.info(`model histories reached: ${JSON.stringify(Object.fromEntries(reached))}`)
    console.info(
      `event payloads checked against the entity written: ${JSON.stringify(Object.fromEntries(checkedEvents))}`,
    )
    // The check saw the events that carry amounts after a change.
    for (const type of [
      'innkeeper.booking.confirmed.v1',
      'innkeeper.booking.modified.v1',
      'innkeeper.payment.captured.v1',
    ])
      expect(checkedEvents.get(type) ?? 0).toBeGreaterThan(0)
    for (const state of [
      'review_posted',
      'review_revealed',
      'pending_payment',
      'awaiting_host',
      'confirmed',
      'in_progress',
      'completed',
      'cancelled',
      'declined',
      'expired',
      'modified',
    ])
      expect(reached.get(state) ?? 0, `no history reached ${state}`).toBeGreaterThan(0)
  }, 900_000)
})
