import { Effect, Option } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { localDate } from '../../core/domain/shared/dates.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import { asId } from '../../core/domain/shared/ids.js'
import type { OutboxSource } from '../../ports/events.js'
import type { BookingRepository } from '../../ports/repositories.js'
import { at, collectPages, event, failure, makeBooking, run } from './fixtures.js'

export interface BookingRepositoryHarness {
  readonly repo: BookingRepository
  readonly outbox: OutboxSource
  readonly cleanup?: () => Promise<void>
}

const user = (id: string) => asId('user', id)
const stay = (a: string, b: string) => ({ checkIn: localDate(a), checkOut: localDate(b) })

export const bookingRepositoryContract = (name: string, make: () => Promise<BookingRepositoryHarness>) =>
  describe(`BookingRepository contract: ${name}`, () => {
    let h: BookingRepositoryHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })
    const pendingIds = async () => (await run(h.outbox.pending(10_000))).map((e) => e.event.id)

    it('round trip: a saved booking is found by id, equal to what was saved', async () => {
      const b = makeBooking('bkg_a')
      await run(h.repo.save(b, []))
      expect(Option.getOrThrow(await run(h.repo.byId(b.id)))).toEqual(b)
      expect(Option.isNone(await run(h.repo.byId(asId('booking', 'bkg_none'))))).toBe(true)
    })

    it('optimistic concurrency: only version n over n−1 is accepted, and a failure changes nothing', async () => {
      const b = makeBooking('bkg_a')
      await run(h.repo.save(b, []))
      expect(await failure(h.repo.save(b, []))).toBeInstanceOf(ConcurrentModification)
      await run(h.repo.save({ ...b, state: 'confirmed', version: 2 }, []))
      expect(await failure(h.repo.save({ ...b, state: 'expired', version: 2 }, []))).toBeInstanceOf(
        ConcurrentModification,
      )
      expect(Option.getOrThrow(await run(h.repo.byId(b.id))).state).toBe('confirmed')
    })

    it('events are in the outbox with the save, and not when the save fails', async () => {
      const b = makeBooking('bkg_a')
      const ok = [
        event(b.id, 'innkeeper.booking.requested.v1'),
        event(b.id, 'innkeeper.booking.confirmed.v1'),
      ]
      const bad = event(b.id, 'innkeeper.booking.expired.v1')
      await run(h.repo.save(b, ok))
      await failure(h.repo.save({ ...b, version: 3 }, [bad]))
      const ids = await pendingIds()
      expect(ids).toEqual(expect.arrayContaining(ok.map((e) => e.id)))
      expect(ids.indexOf(ok[0]!.id)).toBeLessThan(ids.indexOf(ok[1]!.id))
      expect(ids).not.toContain(bad.id)
    })

    it('of concurrent saves of the same version exactly one wins, and only its events are pending', async () => {
      const b = makeBooking('bkg_a')
      await run(h.repo.save(b, []))
      const events = Array.from({ length: 6 }, () => event(b.id, 'innkeeper.booking.confirmed.v1'))
      const results = await run(
        Effect.all(
          events.map((e) => Effect.result(h.repo.save({ ...b, version: 2 }, [e]))),
          { concurrency: 'unbounded' },
        ),
      )
      expect(results.filter((r) => r._tag === 'Success')).toHaveLength(1)
      const ids = await pendingIds()
      expect(events.filter((e) => ids.includes(e.id))).toHaveLength(1)
    })

    it('byGuest and byHost page newest first, ties by id, covering every booking exactly once', async () => {
      const bs = Array.from({ length: 13 }, (_, i) =>
        makeBooking(`bkg_${String(i).padStart(2, '0')}`, {
          guestId: user(i % 2 === 0 ? 'usr_g1' : 'usr_g2'),
          hostId: user('usr_h1'),
          createdAt: at(i % 4),
        }),
      )
      for (const b of bs) await run(h.repo.save(b, []))
      const g1 = await collectPages((cursor) => run(h.repo.byGuest(user('usr_g1'), { limit: 2, cursor })))
      expect(g1.map((b) => b.id).sort()).toEqual(bs.filter((b) => b.guestId === 'usr_g1').map((b) => b.id))
      const byHost = await collectPages((cursor) => run(h.repo.byHost(user('usr_h1'), { limit: 5, cursor })))
      expect(byHost).toHaveLength(bs.length)
      expect(new Set(byHost.map((b) => b.id)).size).toBe(bs.length)
      for (let i = 1; i < byHost.length; i++) {
        const [p, c] = [byHost[i - 1]!, byHost[i]!]
        expect(p.createdAt > c.createdAt || (p.createdAt === c.createdAt && p.id > c.id)).toBe(true)
      }
    })

    it('byListing returns exactly the bookings whose stay overlaps [from, to)', async () => {
      const L = asId('listing', 'lst_x')
      await run(
        h.repo.save(makeBooking('bkg_before', { listingId: L, stay: stay('2026-03-01', '2026-03-05') }), []),
      )
      await run(
        h.repo.save(makeBooking('bkg_edge', { listingId: L, stay: stay('2026-03-05', '2026-03-06') }), []),
      )
      await run(
        h.repo.save(makeBooking('bkg_in', { listingId: L, stay: stay('2026-03-08', '2026-03-12') }), []),
      )
      await run(
        h.repo.save(makeBooking('bkg_after', { listingId: L, stay: stay('2026-03-10', '2026-03-11') }), []),
      )
      await run(h.repo.save(makeBooking('bkg_other', { stay: stay('2026-03-08', '2026-03-12') }), []))
      const found = await run(h.repo.byListing(L, '2026-03-05', '2026-03-10'))
      expect(found.map((b) => b.id).sort()).toEqual(['bkg_edge', 'bkg_in'])
    })

    it('due returns bookings with dueAt ≤ now, earliest first, at most limit, following updates', async () => {
      const b1 = makeBooking('bkg_1', { dueAt: at(30) })
      const b2 = makeBooking('bkg_2', { dueAt: at(10) })
      const b3 = makeBooking('bkg_3', { dueAt: at(20) })
      const b4 = makeBooking('bkg_4', { dueAt: null })
      const b5 = makeBooking('bkg_5', { dueAt: at(99) })
      for (const b of [b1, b2, b3, b4, b5]) await run(h.repo.save(b, []))
      expect((await run(h.repo.due(at(30), 10))).map((b) => b.id)).toEqual(['bkg_2', 'bkg_3', 'bkg_1'])
      expect((await run(h.repo.due(at(30), 2))).map((b) => b.id)).toEqual(['bkg_2', 'bkg_3'])
      await run(h.repo.save({ ...b2, dueAt: null, version: 2 }, []))
      await run(h.repo.save({ ...b5, dueAt: at(5), version: 2 }, []))
      expect((await run(h.repo.due(at(30), 10))).map((b) => b.id)).toEqual(['bkg_5', 'bkg_3', 'bkg_1'])
    })

    it('due stays exact over thousands of bookings whose timers keep moving', async () => {
      // Enough timers that an adapter's due index needs more than one page, block or chunk.
      let seed = 5
      const next = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
        return seed % n
      }
      const model = new Map<string, { version: number; dueAt: number | null }>()
      for (let i = 0; i < 2_500; i++) {
        const id = `bkg_${String(i).padStart(5, '0')}`
        const dueAt = next(10) === 0 ? null : at(next(2_000))
        await run(h.repo.save(makeBooking(id, { dueAt }), []))
        model.set(id, { version: 1, dueAt })
      }
      for (let k = 0; k < 1_500; k++) {
        const id = `bkg_${String(next(2_500)).padStart(5, '0')}`
        const m = model.get(id)!
        const dueAt = next(6) === 0 ? null : at(next(2_000))
        await run(h.repo.save(makeBooking(id, { dueAt, version: m.version + 1 }), []))
        model.set(id, { version: m.version + 1, dueAt })
      }
      const expected = (now: number, limit: number) =>
        [...model]
          .filter(([, m]) => m.dueAt !== null && m.dueAt <= now)
          .sort(([a, x], [b, y]) => x.dueAt! - y.dueAt! || (a < b ? -1 : 1))
          .slice(0, limit)
          .map(([id]) => id)
      for (const [minutes, limit] of [
        [0, 10],
        [150, 1_000],
        [700, 50],
        [1_999, 10_000],
      ] as const)
        expect((await run(h.repo.due(at(minutes), limit))).map((b) => b.id)).toEqual(
          expected(at(minutes), limit),
        )
    })

    it("countByGuest counts the guest's bookings in the given states", async () => {
      const g = user('usr_g9')
      await run(h.repo.save(makeBooking('bkg_1', { guestId: g, state: 'pending_payment' }), []))
      await run(h.repo.save(makeBooking('bkg_2', { guestId: g, state: 'awaiting_host' }), []))
      await run(h.repo.save(makeBooking('bkg_3', { guestId: g, state: 'confirmed' }), []))
      await run(h.repo.save(makeBooking('bkg_4', { state: 'pending_payment' }), []))
      expect(await run(h.repo.countByGuest(g, ['pending_payment', 'awaiting_host']))).toBe(2)
      expect(await run(h.repo.countByGuest(g, []))).toBe(0)
      expect(await run(h.repo.countByGuest(user('usr_none'), ['confirmed']))).toBe(0)
    })
  })
