import { Option } from 'effect'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createInMemoryEngine, type InMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { type Caller, userCaller } from '../../core/application/support/caller.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { addDays, localDateAt, nightsOf } from '../../core/domain/shared/dates.js'
import type { BookingId, ListingId } from '../../core/domain/shared/ids.js'
import { DAY, instant } from '../../core/domain/shared/time.js'
import { checkInvariants, sync } from './invariants.js'
import { racedPorts, scheduledPort } from './scheduled-ports.js'

/**
 * Concurrency is part of correctness: these properties run many use cases at once with a
 * fast-check scheduler deciding the order of every port call, and check that the same nights are
 * never sold twice and that money and state still agree, whatever the interleaving.
 */
const DEEP = process.env.INNKEEPER_DEEP === '1'
const RUNS = DEEP ? 2_000 : 100
const T0 = instant(Date.UTC(2026, 2, 1, 9))
const DAY0 = localDateAt(T0, 'UTC')

interface Race {
  engine: InMemoryEngine
  gate: { open: boolean }
  host: Caller
  admin: Caller
  guests: Caller[]
  listingId: ListingId
}

const setupRace = async (
  s: fc.Scheduler,
  units: number,
  guests: number,
  maxPendingBookingsPerGuest = 1_000,
): Promise<Race> => {
  const gate = { open: false }
  const engine = createInMemoryEngine({
    start: T0,
    passwordHashCost: 16,
    // Most races here are not about the pending-booking cap; the one that is sets it low.
    settings: { maxPendingBookingsPerGuest },
    decorate: (name, adapter) => (racedPorts.has(name) ? scheduledPort(s, name, adapter, gate) : adapter),
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
  const adminUser = await reg('admin', ['guest'])
  const admin = adminUser.kind === 'user' ? userCaller(adminUser.userId, ['admin']) : adminUser
  const gs: Caller[] = []
  for (let i = 0; i < guests; i++) gs.push(await reg(`g${i}`, ['guest']))
  const l = await engine.run(
    engine.useCases.createListing.execute(host, {
      title: 'Contended room',
      propertyType: 'hotel',
      roomType: 'hotel_room',
      location: { address: 'x', city: 'Porto', country: 'PT', lat: 41.1, lng: -8.6, timezone: 'UTC' },
      maxGuests: 2,
      units,
      currency: 'EUR',
      cancellationPolicy: 'flexible',
      pricing: { baseNightly: 10_000 },
    }),
  )
  await engine.run(engine.useCases.activateListing.execute(host, l.id))
  return { engine, gate, host, admin, guests: gs, listingId: l.id }
}

const settle = async <A>(p: Promise<A>): Promise<{ ok: true; value: A } | { ok: false; tag: string }> => {
  try {
    return { ok: true, value: await p }
  } catch (e) {
    const tag = typeof e === 'object' && e !== null && '_tag' in e ? String(e._tag) : 'defect'
    if (tag === 'defect') throw e
    return { ok: false, tag }
  }
}

/** Runs `start` with the gate open until every scheduled call has run. */
const race = async <A>(r: Race, s: fc.Scheduler, start: () => Promise<A>[]): Promise<A[]> => {
  r.gate.open = true
  let done = false
  const all = Promise.all(start()).finally(() => {
    done = true
  })
  // Effect fibers may resume on a macrotask, after waitAll found the queue empty: keep releasing
  // scheduled calls until every racer has finished.
  while (!done) {
    await s.waitAll()
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
  const out = await all
  r.gate.open = false
  return out
}

const stayArb = fc.record({ offset: fc.integer({ min: 1, max: 8 }), nights: fc.integer({ min: 1, max: 4 }) })

/** Interleaved requests, cancellations and modifications of one listing's bookings; every rule checked after. */
const overlappingStays = () =>
  fc.asyncProperty(
    fc.scheduler(),
    fc.integer({ min: 1, max: 3 }),
    fc.array(stayArb, { minLength: 1, maxLength: 3 }),
    fc.array(
      fc.oneof(
        stayArb.map((st) => ({ kind: 'request' as const, ...st })),
        fc.record({
          kind: fc.constant('cancel' as const),
          which: fc.nat(),
          by: fc.constantFrom('guest', 'host'),
        }),
        fc.record({
          kind: fc.constant('modify' as const),
          which: fc.nat(),
          offset: fc.integer({ min: 1, max: 8 }),
          nights: fc.integer({ min: 1, max: 4 }),
        }),
      ),
      { minLength: 2, maxLength: 10 },
    ),
    async (s, units, existing, ops) => {
      const r = await setupRace(s, units, 4)
      const ids: BookingId[] = []
      // Confirmed bookings made before the race (gate closed: no interleaving yet).
      for (const [i, st] of existing.entries()) {
        const g = r.guests[i % r.guests.length]!
        const checkIn = addDays(DAY0, st.offset)
        const b = await settle(
          r.engine.run(
            r.engine.useCases.requestBooking.execute(g, {
              listingId: r.listingId,
              checkIn,
              checkOut: addDays(checkIn, st.nights),
              guests: 1,
            }),
          ),
        )
        if (!b.ok) continue
        const c = await r.engine.run(r.engine.useCases.startPayment.execute(g, b.value.id))
        r.engine.adapters.gateway.confirmPayment(c.payment.providerRef, 'succeed')
        await r.engine.deliverPaymentEvents()
        ids.push(b.value.id)
      }
      const before = [...ids]
      const guestOf = (id: BookingId): Caller => {
        const b = Option.getOrThrow(sync(r.engine.adapters.bookings.byId(id)))
        return userCaller(b.guestId, ['guest'])
      }
      const results = await race(r, s, () =>
        ops.map((op, i) => {
          const { useCases, run } = r.engine
          if (op.kind === 'request' || before.length === 0) {
            const st = op.kind === 'request' ? op : { offset: 2, nights: 2 }
            const checkIn = addDays(DAY0, st.offset)
            return settle(
              run(
                useCases.requestBooking.execute(r.guests[i % r.guests.length]!, {
                  listingId: r.listingId,
                  checkIn,
                  checkOut: addDays(checkIn, st.nights),
                  guests: 1,
                }),
              ),
            ).then((x) => {
              if (x.ok) ids.push(x.value.id)
              return x
            })
          }
          const id = before[op.which % before.length]!
          if (op.kind === 'cancel')
            return settle(
              run(useCases.cancelBooking.execute(op.by === 'guest' ? guestOf(id) : r.host, id, {})),
            )
          const checkIn = addDays(DAY0, op.offset)
          return settle(
            run(
              useCases.modifyBooking.execute(guestOf(id), id, {
                checkIn,
                checkOut: addDays(checkIn, op.nights),
              }),
            ),
          )
        }),
      )
      for (const x of results)
        if (!x.ok)
          expect([
            'NightsUnavailable',
            'InvalidTransition',
            'ConcurrentModification',
            'StayRestrictionViolated',
          ]).toContain(x.tag)
      // Let the settlements that lost races run once more, then check every rule.
      r.engine.adapters.clock.advance(0)
      await checkInvariants(r.engine, {
        listings: [{ id: r.listingId, units }],
        bookingIds: ids,
        from: DAY0,
        days: 20,
      })
    },
  )

describe('booking races (fast-check scheduler)', () => {
  it(`one guest firing N requests at once never keeps more than the cap of pending bookings (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 7 }),
        async (s, cap, n) => {
          // One guest, a hotel room type with plenty of units: only the cap can refuse.
          const r = await setupRace(s, 10, 1, cap)
          const guest = r.guests[0]!
          const results = await race(r, s, () =>
            Array.from({ length: n }, (_, i) =>
              settle(
                r.engine.run(
                  r.engine.useCases.requestBooking.execute(guest, {
                    listingId: r.listingId,
                    checkIn: addDays(DAY0, 2 + i),
                    checkOut: addDays(DAY0, 3 + i),
                    guests: 1,
                  }),
                ),
              ),
            ),
          )
          const kept = results.filter((x) => x.ok).length
          for (const x of results) if (!x.ok) expect(x.tag).toBe('TooManyPendingBookings')
          expect(kept).toBeLessThanOrEqual(cap)
          // Sequential requests are never refused below the cap: with n ≤ cap every one is kept.
          if (n <= cap) expect(kept).toBe(n)
          if (guest.kind !== 'user') throw new Error('the guest is a user')
          const all = sync(
            r.engine.adapters.bookings.byGuest(guest.userId, { limit: 100, cursor: null }),
          ).items
          // Requests refused before their hold saved nothing; the withdrawn ones expired; the kept
          // ones are pending.
          expect(all.length).toBeLessThanOrEqual(n)
          expect(all.filter((b) => b.state === 'pending_payment').length).toBe(kept)
          expect(all.filter((b) => b.state === 'expired').length).toBe(all.length - kept)
          // A withdrawn request holds nothing: the calendar shows exactly the kept holds.
          const nights = sync(
            r.engine.adapters.availability.calendar(r.listingId, addDays(DAY0, 2), addDays(DAY0, 2 + n)),
          )
          expect(nights.reduce((sum, night) => sum + night.held, 0)).toBe(kept)
          await checkInvariants(r.engine, {
            listings: [{ id: r.listingId, units: 10 }],
            bookingIds: all.map((b) => b.id),
            from: DAY0,
            days: 12,
          })
        },
      ),
      { numRuns: RUNS },
    )
  }, 900_000)

  it(`N guests racing for the same night of a k-unit listing: exactly min(N, k) win, the rest get NightsUnavailable (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 8 }),
        async (s, units, n) => {
          const r = await setupRace(s, units, n)
          const checkIn = addDays(DAY0, 3)
          const results = await race(r, s, () =>
            r.guests.map((g) =>
              settle(
                r.engine.run(
                  r.engine.useCases.requestBooking.execute(g, {
                    listingId: r.listingId,
                    checkIn,
                    checkOut: addDays(checkIn, 1),
                    guests: 1,
                  }),
                ),
              ),
            ),
          )
          const won = results.filter((x) => x.ok).length
          expect(won).toBe(Math.min(n, units))
          for (const x of results) if (!x.ok) expect(x.tag).toBe('NightsUnavailable')
          const [night] = sync(
            r.engine.adapters.availability.calendar(r.listingId, checkIn, addDays(checkIn, 1)),
          )
          expect(night?.held).toBe(won)
        },
      ),
      { numRuns: RUNS },
    )
  }, 900_000)

  it(`attempts of one keyed request racing each other and other guests: one booking per key, never oversold (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        async (s, units, attempts, rivals) => {
          // Guest 0 sends one request `attempts` times under one key (a client retrying a request
          // whose answer it never got); each rival books the same night once, without a key.
          const r = await setupRace(s, units, 1 + rivals)
          const checkIn = addDays(DAY0, 3)
          const input = { listingId: r.listingId, checkIn, checkOut: addDays(checkIn, 1), guests: 1 }
          const rb = r.engine.useCases.requestBooking
          const results = await race(r, s, () => [
            ...Array.from({ length: attempts }, () =>
              settle(r.engine.run(rb.execute(r.guests[0]!, input, 'k'))),
            ),
            ...r.guests.slice(1).map((g) => settle(r.engine.run(rb.execute(g, input)))),
          ])
          const keyed = results.slice(0, attempts)
          // Every attempt of the key has one answer: the same booking, or all NightsUnavailable.
          const answers = new Set(keyed.map((x) => (x.ok ? x.value.id : x.tag)))
          expect(answers.size).toBe(1)
          const keyedWon = keyed[0]?.ok === true ? 1 : 0
          const rivalsWon = results.slice(attempts).filter((x) => x.ok).length
          expect(keyedWon + rivalsWon).toBe(Math.min(units, 1 + rivals))
          const mine = await r.engine.run(r.engine.useCases.listGuestBookings.execute(r.guests[0]!, {}))
          expect(mine.items).toHaveLength(keyedWon)
          const [night] = sync(
            r.engine.adapters.availability.calendar(r.listingId, checkIn, addDays(checkIn, 1)),
          )
          expect(night?.held).toBe(keyedWon + rivalsWon)
        },
      ),
      { numRuns: RUNS },
    )
  }, 900_000)

  it(`overlapping stays, cancellations and modifications interleaved never oversell a night (${RUNS} runs)`, async () => {
    await fc.assert(overlappingStays(), { numRuns: RUNS })
  }, 900_000)

  it('regression: two settlements of one booking never refund the same excess twice', async () => {
    // The run above once failed here (seed -1957168829, run 1692 of 2,000): a settlement refunded
    // the excess it saw while another's refund of it was still at the provider, unrecorded, and a
    // confirmed booking was left holding half its total. Settlements now claim the money first.
    await fc.assert(overlappingStays(), { seed: -1957168829, path: '1691', endOnFailure: true })
  }, 60_000)

  it(`concurrent checkouts of one booking share one payment (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 5 }), async (s, n) => {
        const r = await setupRace(s, 1, 1)
        const g = r.guests[0]!
        const checkIn = addDays(DAY0, 5)
        const b = await r.engine.run(
          r.engine.useCases.requestBooking.execute(g, {
            listingId: r.listingId,
            checkIn,
            checkOut: addDays(checkIn, 2),
            guests: 1,
          }),
        )
        const results = await race(r, s, () =>
          Array.from({ length: n }, () =>
            settle(r.engine.run(r.engine.useCases.startPayment.execute(g, b.id))),
          ),
        )
        const ids = new Set(results.map((x) => (x.ok ? x.value.payment.id : x.tag)))
        expect(ids.size).toBe(1)
        expect(sync(r.engine.adapters.payments.byBooking(b.id))).toHaveLength(1)
      }),
      { numRuns: RUNS },
    )
  }, 900_000)

  it(`concurrent reviews of one stay: one per side, both revealed together (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        async (s, byGuest, byHost) => {
          const r = await setupRace(s, 1, 1)
          const g = r.guests[0]!
          const checkIn = addDays(DAY0, 2)
          const b = await r.engine.run(
            r.engine.useCases.requestBooking.execute(g, {
              listingId: r.listingId,
              checkIn,
              checkOut: addDays(checkIn, 1),
              guests: 1,
            }),
          )
          const c = await r.engine.run(r.engine.useCases.startPayment.execute(g, b.id))
          r.engine.adapters.gateway.confirmPayment(c.payment.providerRef, 'succeed')
          await r.engine.deliverPaymentEvents()
          r.engine.adapters.clock.advance(4 * DAY)
          await r.engine.tick()
          const post = (who: Caller, rating: number) =>
            settle(r.engine.run(r.engine.useCases.postReview.execute(who, { bookingId: b.id, rating })))
          const results = await race(r, s, () => [
            ...Array.from({ length: byGuest }, (_, i) => post(g, 1 + i)),
            ...Array.from({ length: byHost }, (_, i) => post(r.host, 3 + i)),
          ])
          for (const x of results)
            if (!x.ok) expect(['ReviewAlreadyPosted', 'ConcurrentModification']).toContain(x.tag)
          const reviews = sync(r.engine.adapters.reviews.byBooking(b.id))
          expect(reviews.map((x) => x.direction).sort()).toEqual(['guest_to_listing', 'host_to_guest'])
          expect(reviews.every((x) => x.revealedAt !== null)).toBe(true)
          const listing = Option.getOrThrow(sync(r.engine.adapters.listings.byId(r.listingId)))
          expect(listing.rating.count).toBe(1)
        },
      ),
      { numRuns: RUNS },
    )
  }, 900_000)

  it(`a payment webhook racing the guest's cancellation: money always follows the final state (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.constantFrom('instant', 'request'), async (s, mode) => {
        const r = await setupRace(s, 1, 1)
        if (mode === 'request')
          await r.engine.run(
            r.engine.useCases.updateListing.execute(r.host, r.listingId, { bookingMode: 'request' }),
          )
        const g = r.guests[0]!
        const checkIn = addDays(DAY0, 10)
        const b: Booking = await r.engine.run(
          r.engine.useCases.requestBooking.execute(g, {
            listingId: r.listingId,
            checkIn,
            checkOut: addDays(checkIn, 2),
            guests: 1,
          }),
        )
        const c = await r.engine.run(r.engine.useCases.startPayment.execute(g, b.id))
        r.engine.adapters.gateway.confirmPayment(c.payment.providerRef, 'succeed')
        const deliveries = r.engine.adapters.gateway.takeDeliveries()
        await race<{ ok: boolean }>(r, s, () => [
          ...deliveries.map((d) => settle(r.engine.run(r.engine.useCases.applyPaymentEvent.execute(d)))),
          settle(r.engine.run(r.engine.useCases.cancelBooking.execute(g, b.id, {}))),
          ...(mode === 'request'
            ? [settle(r.engine.run(r.engine.useCases.acceptBooking.execute(r.host, b.id)))]
            : []),
        ])
        // Webhooks are redelivered until acknowledged; one more delivery must change nothing unsafe.
        for (const d of deliveries) await r.engine.run(r.engine.useCases.applyPaymentEvent.execute(d))
        r.engine.adapters.clock.advance(30 * DAY)
        await r.engine.tick()
        await checkInvariants(r.engine, {
          listings: [{ id: r.listingId, units: 1 }],
          bookingIds: [b.id],
          from: DAY0,
          days: 20,
        })
        const final = Option.getOrThrow(sync(r.engine.adapters.bookings.byId(b.id)))
        expect(nightsOf(final.stay).length).toBe(2)
      }),
      { numRuns: RUNS },
    )
  }, 900_000)
})
