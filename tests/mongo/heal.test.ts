import { Option } from 'effect'
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import { createMongoAdapters, type MongoAdapters } from '../../adapters/mongo/index.js'
import { ConcurrentModification } from '../../core/domain/shared/errors.js'
import { asId } from '../../core/domain/shared/ids.js'
import { event, failure, makeBooking, makeReview, run, T0 } from '../contract/fixtures.js'
import { openTestDatabase } from '../support/mongo.js'

/**
 * A save is two writes: the revision (the commit point: state and events in one insert) and the
 * roll-forward of the current document that queries read. These tests stop a save between the two
 * (they insert the revision alone, as a process killed right after it would leave it) and show the
 * current document catching up without anyone repairing it by hand.
 */

const database = await openTestDatabase(inject('mongoUrl'), 'heal')
afterAll(() => database.drop())

/** Two independent sets of adapters on the same database, as two processes would have. */
let crashed: MongoAdapters
let other: MongoAdapters
beforeEach(async () => {
  await database.clear()
  const clock = new ManualClock(T0)
  crashed = createMongoAdapters(database.db, { clock })
  other = createMongoAdapters(database.db, { clock })
})

describe('a save interrupted between its two writes heals', () => {
  it('the next save of the aggregate is refused, and its refusal rolls the current document forward', async () => {
    const b = makeBooking('bkg_crash', { guestId: asId('user', 'usr_crash') })
    await run(crashed.bookings.save(b, []))
    const confirmed = event(b.id, 'innkeeper.booking.confirmed.v1')
    // The process writes revision 2 … and dies before rolling the current document forward.
    await run(crashed.log.insert('booking', b.id, 2, { ...b, state: 'confirmed', version: 2 }, [confirmed]))

    // Until something heals it, readers see version 1: stale, never wrong about what was committed.
    const stale = Option.getOrThrow(await run(other.bookings.byId(b.id)))
    expect(stale).toMatchObject({ version: 1, state: 'pending_payment' })
    // A writer building on that stale read is refused, as its version 2 is taken …
    const err = await failure(other.bookings.save({ ...stale, state: 'expired', version: 2 }, []))
    expect(err).toBeInstanceOf(ConcurrentModification)
    // … and the refusal rolled the current document forward: the retry reads the committed state.
    const healed = Option.getOrThrow(await run(other.bookings.byId(b.id)))
    expect(healed).toMatchObject({ version: 2, state: 'confirmed' })
    const page = await run(other.bookings.byGuest(asId('user', 'usr_crash'), { limit: 10, cursor: null }))
    expect(page.items.map((x) => [x.id, x.version])).toEqual([[b.id, 2]])
    await run(other.bookings.save({ ...healed, state: 'cancelled', version: 3 }, []))
    expect(Option.getOrThrow(await run(crashed.bookings.byId(b.id))).state).toBe('cancelled')
    // The interrupted save's event was committed with its revision, once.
    const pending = (await run(other.outbox.pending(100))).map((p) => p.event.id)
    expect(pending.filter((id) => id === confirmed.id)).toHaveLength(1)
  })

  it('the outbox relay marking the revision sent rolls the current document forward', async () => {
    const b = makeBooking('bkg_relay')
    await run(crashed.bookings.save(b, []))
    const confirmed = event(b.id, 'innkeeper.booking.confirmed.v1')
    await run(crashed.log.insert('booking', b.id, 2, { ...b, state: 'confirmed', version: 2 }, [confirmed]))
    expect(Option.getOrThrow(await run(other.bookings.byId(b.id))).version).toBe(1)
    const entries = await run(other.outbox.pending(100))
    expect(entries.map((e) => e.event.id)).toEqual([confirmed.id])
    await run(other.outbox.markSent([confirmed.id]))
    expect(Option.getOrThrow(await run(other.bookings.byId(b.id)))).toMatchObject({
      version: 2,
      state: 'confirmed',
    })
    expect(await run(other.outbox.pending(100))).toEqual([])
  })

  it('a first save interrupted before its current document existed heals the same way', async () => {
    const b = makeBooking('bkg_first')
    await run(crashed.log.insert('booking', b.id, 1, b, []))
    expect(Option.isNone(await run(other.bookings.byId(b.id)))).toBe(true)
    expect(await failure(other.bookings.save(b, []))).toBeInstanceOf(ConcurrentModification)
    expect(Option.getOrThrow(await run(other.bookings.byId(b.id)))).toEqual(b)
  })

  it("the reviews of a booking (one group revision for several reviews) heal to each review's newest", async () => {
    const g = makeReview('rev_g', { bookingId: asId('booking', 'bkg_r') })
    const h = makeReview('rev_h', {
      bookingId: asId('booking', 'bkg_r'),
      direction: 'host_to_guest',
      authorId: asId('user', 'usr_host1'),
      subjectId: asId('user', 'usr_guest1'),
    })
    await run(crashed.reviews.saveAll([g], []))
    // Group revision 2 writes the host's review and reveals both; the process dies before rolling.
    await run(
      crashed.log.insert(
        'reviews',
        'bkg_r',
        2,
        [
          { ...g, revealedAt: T0, version: 2 },
          { ...h, revealedAt: T0 },
        ],
        [],
      ),
    )
    expect(await run(other.reviews.byBooking(asId('booking', 'bkg_r')))).toHaveLength(1)
    // A save built on the stale read takes the same group revision and is refused; that heals both.
    const err = await failure(other.reviews.saveAll([h], []))
    expect(err).toBeInstanceOf(ConcurrentModification)
    const healed = await run(other.reviews.byBooking(asId('booking', 'bkg_r')))
    expect(healed.map((r) => [r.id, r.version, r.revealedAt])).toEqual([
      ['rev_g', 2, T0],
      ['rev_h', 1, T0],
    ])
  })
})
