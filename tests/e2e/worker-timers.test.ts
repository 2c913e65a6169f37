import { Effect } from 'effect'
import { describe, expect, it } from 'vitest'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { startWorker } from '../../apps/worker/worker.js'
import type { Booking } from '../../core/domain/bookings/booking.js'
import type { LocalDate } from '../../core/domain/shared/dates.js'
import { MINUTE } from '../../core/domain/shared/time.js'
import { activeListing, bookAndPay, makeWorld, T0 } from '../integration/engine-fixtures.js'

/** Ports whose calls are I/O in a deployment: each call yields, so concurrent workers interleave. */
const io = new Set(['BookingRepository', 'AvailabilityStore', 'PaymentRepository', 'PaymentGateway'])
/** Booking saves refused because another writer saved the booking first. */
let conflicts = 0
const yielding = <T extends object>(port: string, adapter: T): T =>
  io.has(port)
    ? new Proxy(adapter, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver)
          if (typeof value !== 'function') return value
          return (...args: unknown[]) =>
            Effect.flatMap(
              Effect.promise(() => new Promise<void>((r) => setImmediate(r))),
              () =>
                (value.apply(target, args) as Effect.Effect<unknown, unknown>).pipe(
                  Effect.tapError((e) =>
                    Effect.sync(() => {
                      if (
                        port === 'BookingRepository' &&
                        (e as { _tag?: string })._tag === 'ConcurrentModification'
                      )
                        conflicts++
                    }),
                  ),
                ),
            )
        },
      })
    : adapter

describe('worker timer loop', () => {
  it('two workers running the timers concurrently on the same engine apply each due transition exactly once (optimistic versioning)', async () => {
    const engine = createInMemoryEngine({
      start: T0,
      passwordHashCost: 1024,
      decorate: yielding,
      settings: { maxPendingBookingsPerGuest: 50 },
    })
    const w = await makeWorld(engine)
    const { run, useCases, adapters } = engine
    const listing = await activeListing(w)
    // 12 requests left unpaid (they expire after 15 minutes) and 6 paid stays starting on the same day.
    const unpaid: Booking[] = []
    for (let i = 0; i < 12; i++) {
      const day = String(1 + i * 2).padStart(2, '0')
      const next = String(2 + i * 2).padStart(2, '0')
      unpaid.push(
        await run(
          useCases.requestBooking.execute(w.guest, {
            listingId: listing.id,
            checkIn: `2026-05-${day}`,
            checkOut: `2026-05-${next}`,
            guests: 1,
          }),
        ),
      )
    }
    const paid: Booking[] = []
    for (let i = 0; i < 6; i++) {
      const l = await activeListing(w)
      paid.push(await bookAndPay(w, l.id, { checkIn: '2026-03-10', checkOut: '2026-03-12' }))
    }
    expect(paid.every((b) => b.state === 'confirmed')).toBe(true)
    const before = new Set(adapters.outbox.pendingEvents().map((e) => e.id))

    // The unpaid holds are overdue; then the stays' check-in time comes.
    adapters.clock.advance(16 * MINUTE)
    const a = startWorker({ useCases, timers: { intervalMs: 60_000 } })
    const b = startWorker({ useCases, timers: { intervalMs: 60_000 } })
    await Promise.all([a.runOnce(), b.runOnce()])
    adapters.clock.set(paid[0]!.points.checkInAt!)
    await Promise.all([a.runOnce(), b.runOnce()])
    await Promise.all([a.close(), b.close()])

    const events = adapters.outbox.pendingEvents().filter((e) => !before.has(e.id))
    const count = (type: string, subject: string) =>
      events.filter((e) => e.type === type && e.subject === subject).length
    for (const u of unpaid) {
      expect(count('innkeeper.booking.expired.v1', u.id)).toBe(1)
      expect((await run(useCases.getBooking.execute(w.guest, u.id))).state).toBe('expired')
    }
    for (const p of paid) {
      expect(count('innkeeper.booking.started.v1', p.id)).toBe(1)
      expect((await run(useCases.getBooking.execute(w.guest, p.id))).state).toBe('in_progress')
    }
    // The transitions were applied once in total, and the two workers really did race for them: the
    // loser of each race had its save refused (ConcurrentModification), re-read the booking and found
    // nothing left to do.
    const sa = a.stats()
    const sb = b.stats()
    expect(sa.transitionsApplied + sb.transitionsApplied).toBe(unpaid.length + paid.length)
    expect(conflicts).toBeGreaterThan(0)
    expect(sa.transitionsApplied).toBeGreaterThan(0)
    expect(sb.transitionsApplied).toBeGreaterThan(0)
    // Every expired hold was released exactly once: all of May is free again.
    const nights = await run(
      adapters.availability.calendar(listing.id, '2026-05-01' as LocalDate, '2026-05-25' as LocalDate),
    )
    expect(nights.every((n) => n.held === 0 && n.booked === 0 && n.available === 1)).toBe(true)
  })

  it('the relay loop publishes the outbox in order and stops cleanly', async () => {
    const engine = createInMemoryEngine({ start: T0, passwordHashCost: 1024 })
    const w = await makeWorld(engine)
    const listing = await activeListing(w)
    await bookAndPay(w, listing.id, { checkIn: '2026-04-01', checkOut: '2026-04-03' })
    const pending = engine.adapters.outbox.pendingEvents()
    expect(pending.length).toBeGreaterThan(5)
    const worker = startWorker({ useCases: engine.useCases, relay: { intervalMs: 60_000, batchSize: 2 } })
    await worker.runOnce()
    await worker.close()
    expect(engine.adapters.outbox.pendingEvents()).toEqual([])
    expect(engine.adapters.publisher.published().map((e) => e.id)).toEqual(pending.map((e) => e.id))
    expect(worker.stats().relayed).toBe(pending.length)
  })
})
