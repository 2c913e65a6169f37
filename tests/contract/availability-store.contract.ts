import { Effect, Option } from 'effect'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { availableUnits } from '../../core/domain/availability/night.js'
import { addDays, localDate, type Stay } from '../../core/domain/shared/dates.js'
import { NightsUnavailable } from '../../core/domain/shared/errors.js'
import { asId, type BookingId, type ListingId } from '../../core/domain/shared/ids.js'
import { addMs, MINUTE } from '../../core/domain/shared/time.js'
import type { AvailabilityStore } from '../../ports/availability-store.js'
import { type ClockControl, failure, run } from './fixtures.js'

export interface AvailabilityStoreHarness {
  readonly store: AvailabilityStore
  readonly clock: ClockControl
  readonly cleanup?: () => Promise<void>
}

const stay = (checkIn: string, checkOut: string): Stay => ({
  checkIn: localDate(checkIn),
  checkOut: localDate(checkOut),
})

export interface AvailabilityStoreContractOptions {
  /**
   * How many one-unit holds the crowded-night case places on one night, one after another. The
   * default, 70,000, is past what a 16-bit counter holds, so an adapter keeping per-night counts in
   * fixed-width cells is caught wrapping. An adapter that keeps no counter (it counts claim
   * documents) may lower it to keep the suite's run time in bounds, but should stay above its own
   * read batch sizes so that counting across batches is still checked.
   */
  readonly crowdedNightUnits?: number
}

let listingSeq = 0
const bookingId = (n: number | string): BookingId => asId('booking', `bkg_${n}`)

export const availabilityStoreContract = (
  name: string,
  make: () => Promise<AvailabilityStoreHarness>,
  options: AvailabilityStoreContractOptions = {},
) =>
  describe(`AvailabilityStore contract: ${name}`, () => {
    let h: AvailabilityStoreHarness
    let store: AvailabilityStore
    let L: ListingId
    const later = () => addMs(h.clock.now(), 15 * MINUTE)

    beforeEach(async () => {
      h = await make()
      store = h.store
      listingSeq += 1
      L = asId('listing', `lst_contract_${listingSeq}`)
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    const availableOn = async (from: string, to: string) =>
      (await run(store.calendar(L, localDate(from), localDate(to)))).map((n) => n.available)

    it('an unknown listing has no units and nothing available', async () => {
      const nights = await run(store.calendar(L, localDate('2026-03-01'), localDate('2026-03-03')))
      expect(nights.map((n) => [n.date, n.units, n.available])).toEqual([
        ['2026-03-01', 0, 0],
        ['2026-03-02', 0, 0],
      ])
      const err = await failure(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-02'), later()))
      expect(err).toBeInstanceOf(NightsUnavailable)
    })

    it('calendar returns every night of [from, to) in order with defaults', async () => {
      await run(store.setUnits(L, 2))
      const nights = await run(store.calendar(L, localDate('2026-02-27'), localDate('2026-03-02')))
      expect(nights).toEqual([
        ...['2026-02-27', '2026-02-28', '2026-03-01'].map((date) => ({
          date,
          units: 2,
          held: 0,
          booked: 0,
          blocked: false,
          priceOverride: null,
          surgeBp: null,
          available: 2,
        })),
      ])
    })

    it('freeForStay says, per listing and in order, whether calendar has a unit available on every night; calendars is calendar per listing', async () => {
      const other = asId('listing', `${L}_b`)
      const never = asId('listing', `${L}_never`)
      const empty = asId('listing', `${L}_nounits`)
      await run(store.setUnits(L, 1))
      await run(store.setUnits(other, 2))
      await run(store.setUnits(empty, 0))
      await run(store.hold(L, bookingId(1), stay('2026-03-03', '2026-03-04'), later()))
      await run(store.hold(other, bookingId(2), stay('2026-03-02', '2026-03-05'), later()))
      await run(
        store.hold(other, bookingId(3), stay('2026-03-04', '2026-03-05'), addMs(h.clock.now(), MINUTE)),
      )
      await run(store.confirm(other, bookingId(2)))
      await run(store.patchNights(other, localDate('2026-03-06'), localDate('2026-03-07'), { blocked: true }))
      const ids = [L, other, never, empty, L]
      const ranges = [
        ['2026-03-01', '2026-03-03'],
        ['2026-03-02', '2026-03-05'],
        ['2026-03-03', '2026-03-04'],
        ['2026-03-04', '2026-03-06'],
        ['2026-03-05', '2026-03-08'],
        ['2026-02-01', '2026-04-01'],
        ['2026-03-04', '2026-03-04'],
      ] as const
      const check = async () => {
        for (const [from, to] of ranges) {
          const expected: boolean[] = []
          for (const id of ids) {
            const nights = await run(store.calendar(id, localDate(from), localDate(to)))
            expected.push(nights.every((n) => n.available >= 1))
          }
          expect([from, to, await run(store.freeForStay(ids, localDate(from), localDate(to)))]).toEqual([
            from,
            to,
            expected,
          ])
          // calendars: each listing's calendar, in order, in one call (issue 15: ranked searches).
          const each: unknown[] = []
          for (const id of ids) each.push(await run(store.calendar(id, localDate(from), localDate(to))))
          expect([from, to, await run(store.calendars(ids, localDate(from), localDate(to)))]).toEqual([
            from,
            to,
            each,
          ])
        }
      }
      await check()
      expect(await run(store.freeForStay(ids, localDate('2026-03-01'), localDate('2026-03-03')))).toEqual([
        true,
        true,
        false,
        false,
        true,
      ])
      expect(await run(store.freeForStay([], localDate('2026-03-01'), localDate('2026-03-03')))).toEqual([])
      expect(await run(store.calendars([], localDate('2026-03-01'), localDate('2026-03-03')))).toEqual([])
      // The short hold expires: its night is free again for both reads.
      h.clock.advance(MINUTE)
      await check()
      expect(await run(store.freeForStay([other], localDate('2026-03-04'), localDate('2026-03-05')))).toEqual(
        [true],
      )
    })

    it('every night reports available = availableUnits(units, held, booked, blocked), the core rule', async () => {
      await run(store.setUnits(L, 3))
      await run(store.hold(L, bookingId(1), stay('2026-05-01', '2026-05-04'), later()))
      await run(store.hold(L, bookingId(2), stay('2026-05-02', '2026-05-05'), later()))
      await run(store.confirm(L, bookingId(2)))
      await run(store.hold(L, bookingId(3), stay('2026-05-03', '2026-05-04'), later()))
      await run(store.patchNights(L, localDate('2026-05-04'), localDate('2026-05-06'), { blocked: true }))
      // Fewer units than are taken: nothing is available, never a negative count.
      const check = async () => {
        const nights = await run(store.calendar(L, localDate('2026-04-30'), localDate('2026-05-07')))
        expect(nights.length).toBe(7)
        for (const n of nights)
          expect([n.date, n.available]).toEqual([
            n.date,
            availableUnits(n.units, n.held, n.booked, n.blocked),
          ])
        return nights
      }
      const before = await check()
      expect(before.map((n) => n.available)).toEqual([3, 2, 1, 0, 0, 0, 3])
      await run(store.setUnits(L, 1))
      const after = await check()
      expect(after.map((n) => n.available)).toEqual([1, 0, 0, 0, 0, 0, 1])
    })

    it('bookings behave alike whenever their nights fall (before 1970, now, after 2149)', async () => {
      await run(store.setUnits(L, 1))
      const stays = [
        stay('1969-12-31', '1970-01-02'),
        stay('2026-03-01', '2026-03-03'),
        stay('2150-01-01', '2150-01-03'),
      ]
      for (const [i, s] of stays.entries()) {
        await run(store.hold(L, bookingId(i), s, later()))
        await run(store.confirm(L, bookingId(i)))
        const alloc = Option.getOrThrow(await run(store.allocation(L, bookingId(i))))
        expect(alloc).toMatchObject({ kind: 'booked', expiresAt: null, stay: s })
        expect(await availableOn(s.checkIn, s.checkOut)).toEqual([0, 0])
        // Moved a night later, still booked; then released.
        const moved = { checkIn: addDays(s.checkIn, 1), checkOut: addDays(s.checkOut, 1) }
        await run(store.move(L, bookingId(i), moved))
        expect(Option.getOrThrow(await run(store.allocation(L, bookingId(i))))).toMatchObject({
          kind: 'booked',
          stay: moved,
        })
        expect(await availableOn(s.checkIn, addDays(s.checkOut, 1))).toEqual([1, 0, 0])
        await run(store.hold(L, bookingId(i), moved, later())) // the same stay again: a no-op
        expect(Option.getOrThrow(await run(store.allocation(L, bookingId(i)))).kind).toBe('booked')
        await run(store.release(L, bookingId(i)))
        expect(await availableOn(s.checkIn, addDays(s.checkOut, 1))).toEqual([1, 1, 1])
        expect(Option.isNone(await run(store.allocation(L, bookingId(i))))).toBe(true)
      }
    })

    it('a hold takes one unit on every night of the stay and nothing outside it', async () => {
      await run(store.setUnits(L, 1))
      await run(store.hold(L, bookingId(1), stay('2026-03-02', '2026-03-04'), later()))
      const nights = await run(store.calendar(L, localDate('2026-03-01'), localDate('2026-03-05')))
      expect(nights.map((n) => [n.date, n.held, n.available])).toEqual([
        ['2026-03-01', 0, 1],
        ['2026-03-02', 1, 0],
        ['2026-03-03', 1, 0],
        ['2026-03-04', 0, 1],
      ])
      const alloc = Option.getOrThrow(await run(store.allocation(L, bookingId(1))))
      expect(alloc).toMatchObject({ listingId: L, bookingId: bookingId(1), kind: 'held' })
      expect(alloc.stay).toEqual(stay('2026-03-02', '2026-03-04'))
    })

    it('hold is all-or-nothing: one full night fails the whole stay and holds nothing', async () => {
      await run(store.setUnits(L, 1))
      await run(store.hold(L, bookingId(1), stay('2026-03-03', '2026-03-04'), later()))
      const err = await failure(store.hold(L, bookingId(2), stay('2026-03-01', '2026-03-05'), later()))
      expect(err).toBeInstanceOf(NightsUnavailable)
      expect(err.nights).toEqual(['2026-03-03'])
      expect(err.listingId).toBe(L)
      expect(await availableOn('2026-03-01', '2026-03-05')).toEqual([1, 1, 0, 1])
      expect(Option.isNone(await run(store.allocation(L, bookingId(2))))).toBe(true)
    })

    it('NightsUnavailable names every failing night, booked or blocked, in order', async () => {
      await run(store.setUnits(L, 1))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-02'), later()))
      await run(store.hold(L, bookingId(2), stay('2026-03-04', '2026-03-06'), later()))
      await run(store.confirm(L, bookingId(2)))
      await run(store.patchNights(L, localDate('2026-03-07'), localDate('2026-03-08'), { blocked: true }))
      const err = await failure(store.hold(L, bookingId(3), stay('2026-03-01', '2026-03-09'), later()))
      expect(err.nights).toEqual(['2026-03-01', '2026-03-04', '2026-03-05', '2026-03-07'])
    })

    it('blocked nights have nothing available and cannot be held, whatever the units', async () => {
      await run(store.setUnits(L, 3))
      await run(store.patchNights(L, localDate('2026-03-02'), localDate('2026-03-03'), { blocked: true }))
      const [n] = await run(store.calendar(L, localDate('2026-03-02'), localDate('2026-03-03')))
      expect(n).toMatchObject({ blocked: true, available: 0, units: 3 })
      const err = await failure(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-03'), later()))
      expect(err.nights).toEqual(['2026-03-02'])
    })

    it('blocking never cancels existing allocations, and unblocking restores availability', async () => {
      await run(store.setUnits(L, 2))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-03'), later()))
      await run(store.patchNights(L, localDate('2026-03-01'), localDate('2026-03-03'), { blocked: true }))
      expect(Option.isSome(await run(store.allocation(L, bookingId(1))))).toBe(true)
      await run(store.confirm(L, bookingId(1)))
      const nights = await run(store.calendar(L, localDate('2026-03-01'), localDate('2026-03-03')))
      expect(nights.map((n) => [n.booked, n.blocked, n.available])).toEqual([
        [1, true, 0],
        [1, true, 0],
      ])
      await run(store.patchNights(L, localDate('2026-03-01'), localDate('2026-03-03'), { blocked: false }))
      expect(await availableOn('2026-03-01', '2026-03-03')).toEqual([1, 1])
    })

    it('patchNights sets and clears price overrides and surge per night without touching other fields', async () => {
      await run(store.setUnits(L, 1))
      await run(
        store.patchNights(L, localDate('2026-03-01'), localDate('2026-03-03'), {
          priceOverride: 20_000,
          surgeBp: 12_500,
        }),
      )
      await run(
        store.patchNights(L, localDate('2026-03-02'), localDate('2026-03-03'), { priceOverride: null }),
      )
      const nights = await run(store.calendar(L, localDate('2026-03-01'), localDate('2026-03-04')))
      expect(nights.map((n) => [n.priceOverride, n.surgeBp, n.blocked])).toEqual([
        [20_000, 12_500, false],
        [null, 12_500, false],
        [null, null, false],
      ])
    })

    it('a listing with k units accepts exactly k overlapping holds', async () => {
      await run(store.setUnits(L, 3))
      for (const i of [1, 2, 3])
        await run(store.hold(L, bookingId(i), stay('2026-03-01', '2026-03-03'), later()))
      const err = await failure(store.hold(L, bookingId(4), stay('2026-03-02', '2026-03-04'), later()))
      expect(err.nights).toEqual(['2026-03-02'])
      const nights = await run(store.calendar(L, localDate('2026-03-01'), localDate('2026-03-04')))
      expect(nights.map((n) => [n.held, n.available])).toEqual([
        [3, 0],
        [3, 0],
        [0, 3],
      ])
    })

    it('repeating a hold for the same booking and stay is a no-op', async () => {
      await run(store.setUnits(L, 2))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-03'), later()))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-03'), later()))
      expect(await availableOn('2026-03-01', '2026-03-03')).toEqual([1, 1])
    })

    it('expired holds stop counting at their expiry, before anyone releases them', async () => {
      await run(store.setUnits(L, 1))
      const expiresAt = addMs(h.clock.now(), 10 * MINUTE)
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-03'), expiresAt))
      h.clock.advance(10 * MINUTE - 1)
      expect(await availableOn('2026-03-01', '2026-03-03')).toEqual([0, 0])
      h.clock.advance(1)
      expect(await availableOn('2026-03-01', '2026-03-03')).toEqual([1, 1])
      expect(Option.isNone(await run(store.allocation(L, bookingId(1))))).toBe(true)
      await run(store.hold(L, bookingId(2), stay('2026-03-01', '2026-03-03'), later()))
    })

    it('extendHold moves a live hold expiry so it keeps counting', async () => {
      await run(store.setUnits(L, 1))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-02'), addMs(h.clock.now(), MINUTE)))
      await run(store.extendHold(L, bookingId(1), addMs(h.clock.now(), 60 * MINUTE)))
      h.clock.advance(30 * MINUTE)
      expect(await availableOn('2026-03-01', '2026-03-02')).toEqual([0])
      const alloc = Option.getOrThrow(await run(store.allocation(L, bookingId(1))))
      expect(alloc.kind).toBe('held')
      h.clock.advance(30 * MINUTE)
      expect(await availableOn('2026-03-01', '2026-03-02')).toEqual([1])
    })

    it('confirm turns a hold into booked nights that never expire, and is idempotent', async () => {
      await run(store.setUnits(L, 1))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-03'), later()))
      await run(store.confirm(L, bookingId(1)))
      await run(store.confirm(L, bookingId(1)))
      h.clock.advance(24 * 60 * MINUTE)
      const nights = await run(store.calendar(L, localDate('2026-03-01'), localDate('2026-03-03')))
      expect(nights.map((n) => [n.held, n.booked, n.available])).toEqual([
        [0, 1, 0],
        [0, 1, 0],
      ])
      const alloc = Option.getOrThrow(await run(store.allocation(L, bookingId(1))))
      expect(alloc).toMatchObject({ kind: 'booked', expiresAt: null })
    })

    it('confirm fails with NightsUnavailable when the hold expired or never existed', async () => {
      await run(store.setUnits(L, 1))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-03'), addMs(h.clock.now(), MINUTE)))
      h.clock.advance(MINUTE)
      expect(await failure(store.confirm(L, bookingId(1)))).toBeInstanceOf(NightsUnavailable)
      expect(await failure(store.confirm(L, bookingId(99)))).toBeInstanceOf(NightsUnavailable)
      expect(await availableOn('2026-03-01', '2026-03-03')).toEqual([1, 1])
    })

    it('release frees held or booked nights and is idempotent', async () => {
      await run(store.setUnits(L, 1))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-03'), later()))
      await run(store.hold(L, bookingId(2), stay('2026-03-05', '2026-03-06'), later()))
      await run(store.confirm(L, bookingId(2)))
      await run(store.release(L, bookingId(1)))
      await run(store.release(L, bookingId(1)))
      await run(store.release(L, bookingId(2)))
      await run(store.release(L, bookingId(2)))
      await run(store.release(L, bookingId(404)))
      expect(await availableOn('2026-03-01', '2026-03-06')).toEqual([1, 1, 1, 1, 1])
      expect(Option.isNone(await run(store.allocation(L, bookingId(1))))).toBe(true)
    })

    it('release of a booking never touches another booking on the same nights', async () => {
      await run(store.setUnits(L, 2))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-03'), later()))
      await run(store.hold(L, bookingId(2), stay('2026-03-01', '2026-03-03'), later()))
      await run(store.release(L, bookingId(1)))
      await run(store.release(L, bookingId(1)))
      expect(await availableOn('2026-03-01', '2026-03-03')).toEqual([1, 1])
    })

    it('move onto an overlapping stay succeeds on a 1-unit listing: own nights count as free', async () => {
      await run(store.setUnits(L, 1))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-04'), later()))
      await run(store.move(L, bookingId(1), stay('2026-03-02', '2026-03-06')))
      expect(await availableOn('2026-03-01', '2026-03-07')).toEqual([1, 0, 0, 0, 0, 1])
      const alloc = Option.getOrThrow(await run(store.allocation(L, bookingId(1))))
      expect(alloc.stay).toEqual(stay('2026-03-02', '2026-03-06'))
      expect(alloc.kind).toBe('held')
    })

    it('move keeps the kind and the hold expiry', async () => {
      await run(store.setUnits(L, 1))
      const expiresAt = addMs(h.clock.now(), 5 * MINUTE)
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-02'), expiresAt))
      await run(store.move(L, bookingId(1), stay('2026-03-10', '2026-03-12')))
      expect(Option.getOrThrow(await run(store.allocation(L, bookingId(1))))).toMatchObject({
        kind: 'held',
        expiresAt,
      })
      await run(store.hold(L, bookingId(2), stay('2026-03-20', '2026-03-21'), later()))
      await run(store.confirm(L, bookingId(2)))
      await run(store.move(L, bookingId(2), stay('2026-03-22', '2026-03-23')))
      const nights = await run(store.calendar(L, localDate('2026-03-20'), localDate('2026-03-24')))
      expect(nights.map((n) => n.booked)).toEqual([0, 0, 1, 0])
      h.clock.advance(5 * MINUTE)
      expect(Option.isNone(await run(store.allocation(L, bookingId(1))))).toBe(true)
    })

    it('move onto taken nights fails naming them and changes nothing', async () => {
      await run(store.setUnits(L, 1))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-03'), later()))
      await run(store.hold(L, bookingId(2), stay('2026-03-04', '2026-03-05'), later()))
      await run(store.patchNights(L, localDate('2026-03-06'), localDate('2026-03-07'), { blocked: true }))
      const before = await run(store.calendar(L, localDate('2026-03-01'), localDate('2026-03-08')))
      const err = await failure(store.move(L, bookingId(1), stay('2026-03-02', '2026-03-08')))
      expect(err.nights).toEqual(['2026-03-04', '2026-03-06'])
      expect(await run(store.calendar(L, localDate('2026-03-01'), localDate('2026-03-08')))).toEqual(before)
      expect(Option.getOrThrow(await run(store.allocation(L, bookingId(1)))).stay).toEqual(
        stay('2026-03-01', '2026-03-03'),
      )
    })

    it('N concurrent holds on overlapping nights of a k-unit listing: exactly k succeed', async () => {
      const k = 3
      const n = 25
      await run(store.setUnits(L, k))
      const attempts = Array.from({ length: n }, (_, i) =>
        Effect.result(
          store.hold(
            L,
            bookingId(`c${i}`),
            i % 2 === 0 ? stay('2026-04-01', '2026-04-05') : stay('2026-04-03', '2026-04-07'),
            later(),
          ),
        ),
      )
      const results = await run(Effect.all(attempts, { concurrency: 'unbounded' }))
      const ok = results.filter((r) => r._tag === 'Success').length
      expect(ok).toBe(k)
      const nights = await run(store.calendar(L, localDate('2026-04-01'), localDate('2026-04-07')))
      for (const night of nights) {
        expect(night.held).toBeLessThanOrEqual(k)
        expect(night.available).toBeGreaterThanOrEqual(0)
      }
      expect(nights.find((x) => x.date === '2026-04-03')?.held).toBe(k)
    })

    it('concurrent moves and holds never oversell a night', async () => {
      await run(store.setUnits(L, 2))
      await run(store.hold(L, bookingId('a'), stay('2026-05-01', '2026-05-03'), later()))
      await run(store.hold(L, bookingId('b'), stay('2026-05-05', '2026-05-07'), later()))
      const ops = [
        Effect.result(store.move(L, bookingId('a'), stay('2026-05-04', '2026-05-06'))),
        Effect.result(store.move(L, bookingId('b'), stay('2026-05-04', '2026-05-06'))),
        Effect.result(store.hold(L, bookingId('c'), stay('2026-05-04', '2026-05-06'), later())),
        Effect.result(store.hold(L, bookingId('d'), stay('2026-05-05', '2026-05-06'), later())),
      ]
      await run(Effect.all(ops, { concurrency: 'unbounded' }))
      const nights = await run(store.calendar(L, localDate('2026-05-01'), localDate('2026-05-08')))
      for (const night of nights) expect(night.held + night.booked).toBeLessThanOrEqual(2)
    })

    it('a calendar written years apart, later before earlier, keeps every night exactly', async () => {
      // Adapters that store nights in windows or pages must grow them both ways without losing any.
      await run(store.setUnits(L, 2))
      await run(store.hold(L, bookingId(1), stay('2027-06-01', '2027-06-03'), later()))
      await run(store.confirm(L, bookingId(1)))
      await run(store.hold(L, bookingId(2), stay('2026-01-30', '2026-02-02'), later()))
      await run(store.patchNights(L, localDate('2025-12-31'), localDate('2026-01-01'), { blocked: true }))
      await run(store.hold(L, bookingId(3), stay('2029-02-27', '2029-03-02'), later()))
      const nights = await run(store.calendar(L, localDate('2025-12-30'), localDate('2029-03-03')))
      expect(nights).toHaveLength(1_159)
      const taken = nights
        .filter((n) => n.available !== 2)
        .map((n) => [n.date, n.held, n.booked, n.blocked, n.available])
      expect(taken).toEqual([
        ['2025-12-31', 0, 0, true, 0],
        ['2026-01-30', 1, 0, false, 1],
        ['2026-01-31', 1, 0, false, 1],
        ['2026-02-01', 1, 0, false, 1],
        ['2027-06-01', 0, 1, false, 1],
        ['2027-06-02', 0, 1, false, 1],
        ['2029-02-27', 1, 0, false, 1],
        ['2029-02-28', 1, 0, false, 1],
        ['2029-03-01', 1, 0, false, 1],
      ])
      await run(store.release(L, bookingId(1)))
      expect(await availableOn('2027-05-31', '2027-06-04')).toEqual([2, 2, 2, 2])
    })

    const crowded = options.crowdedNightUnits ?? 70_000
    it(`a night counts every one of ${crowded.toLocaleString('en-US')} held units, without wrapping`, async () => {
      const units = crowded
      await run(store.setUnits(L, units))
      const ops = Array.from({ length: units }, (_, i) =>
        store.hold(L, bookingId(`big${i}`), stay('2026-03-01', '2026-03-02'), later()),
      )
      await run(Effect.all(ops, { discard: true }))
      const [n] = await run(store.calendar(L, localDate('2026-03-01'), localDate('2026-03-02')))
      expect(n).toMatchObject({ held: units, booked: 0, available: 0 })
      expect(
        await failure(store.hold(L, bookingId('one_more'), stay('2026-03-01', '2026-03-02'), later())),
      ).toBeInstanceOf(NightsUnavailable)
    })

    it('setUnits changes availability of every night', async () => {
      await run(store.setUnits(L, 1))
      await run(store.hold(L, bookingId(1), stay('2026-03-01', '2026-03-02'), later()))
      await run(store.setUnits(L, 4))
      expect(await availableOn('2026-03-01', '2026-03-03')).toEqual([3, 4])
    })
  })
