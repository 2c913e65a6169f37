import { Effect } from 'effect'
import { describe, expect, it } from 'vitest'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import { netPaid } from '../../core/domain/payments/payment.js'
import { MINUTE } from '../../core/domain/shared/time.js'
import type { AvailabilityStore } from '../../ports/availability-store.js'
import type { BookingRepository } from '../../ports/repositories.js'
import { activeListing, bookAndPay, makeWorld, T0 } from './engine-fixtures.js'

/**
 * A modification is a saga (claim → charge → move → apply). These tests kill it between steps, as
 * a crashed process would, and check that settling finishes or abandons it once it is stale, with
 * the money following: a finished change keeps its top-up, an abandoned one refunds it.
 */
const crashing = () => {
  const crash = { move: false, apply: false }
  const engine = createInMemoryEngine({
    start: T0,
    passwordHashCost: 16,
    decorate: <T extends object>(port: string, adapter: T): T => {
      if (port === 'AvailabilityStore') {
        const a = adapter as unknown as AvailabilityStore
        const wrapped: AvailabilityStore = Object.create(a)
        wrapped.move = (...args) => {
          if (crash.move) {
            crash.move = false
            return Effect.die(new Error('process killed before the nights moved'))
          }
          return a.move(...args)
        }
        return wrapped as unknown as T
      }
      if (port === 'BookingRepository') {
        const r = adapter as unknown as BookingRepository
        const wrapped: BookingRepository = Object.create(r)
        wrapped.save = (b: Booking, events) => {
          if (crash.apply && b.pendingChange === null && b.modifications.length > 0) {
            crash.apply = false
            return Effect.die(new Error('process killed before the change was applied'))
          }
          return r.save(b, events)
        }
        return wrapped as unknown as T
      }
      return adapter
    },
  })
  return { engine, crash }
}

const net = (engine: ReturnType<typeof crashing>['engine'], b: Booking) =>
  Effect.runSync(engine.adapters.payments.byBooking(b.id)).reduce((a, p) => a + netPaid(p), 0)

describe('modification saga recovery', () => {
  it('killed before the nights moved: the stale change is abandoned and its top-up refunded', async () => {
    const { engine, crash } = crashing()
    const w = await makeWorld(engine)
    const listing = await activeListing(w)
    const b = await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-11' })
    crash.move = true
    await expect(
      engine.run(engine.useCases.modifyBooking.execute(w.guest, b.id, { checkOut: '2026-04-13' })),
    ).rejects.toThrow('process killed')
    const stuck = await engine.run(engine.useCases.getBooking.execute(w.guest, b.id))
    expect(stuck.pendingChange).not.toBeNull()
    // The top-up was charged, but while the change is in flight it is neither kept nor refunded.
    expect(net(engine, b)).toBeGreaterThan(b.quote.guestTotal)
    await engine.tick()
    expect((await engine.run(engine.useCases.getBooking.execute(w.guest, b.id))).pendingChange).not.toBeNull()

    engine.adapters.clock.advance(5 * MINUTE)
    await engine.tick()
    const after = await engine.run(engine.useCases.getBooking.execute(w.guest, b.id))
    expect(after.pendingChange).toBeNull()
    expect(after.stay).toEqual(b.stay)
    expect(net(engine, b)).toBe(b.quote.guestTotal)
    // The booking is free to change again.
    const changed = await engine.run(
      engine.useCases.modifyBooking.execute(w.guest, b.id, { checkOut: '2026-04-12' }),
    )
    expect(changed.stay.checkOut).toBe('2026-04-12')
    expect(net(engine, b)).toBe(changed.quote.guestTotal)
  })

  it('killed after the nights moved: the stale change is finished and its top-up kept', async () => {
    const { engine, crash } = crashing()
    const w = await makeWorld(engine)
    const listing = await activeListing(w)
    const b = await bookAndPay(w, listing.id, { checkIn: '2026-04-10', checkOut: '2026-04-11' })
    crash.apply = true
    await expect(
      engine.run(engine.useCases.modifyBooking.execute(w.guest, b.id, { checkOut: '2026-04-13' })),
    ).rejects.toThrow('process killed')
    engine.adapters.clock.advance(5 * MINUTE)
    await engine.tick()
    const after = await engine.run(engine.useCases.getBooking.execute(w.guest, b.id))
    expect(after.pendingChange).toBeNull()
    expect(after.stay.checkOut).toBe('2026-04-13')
    expect(after.modifications).toHaveLength(1)
    expect(net(engine, b)).toBe(after.quote.guestTotal)
    const cal = await engine.run(
      engine.useCases.getCalendar.execute(w.host, listing.id, { from: '2026-04-10', to: '2026-04-14' }),
    )
    expect(cal.map((n) => n.booked)).toEqual([1, 1, 1, 0])
  })
})
