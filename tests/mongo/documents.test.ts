import { readFile } from 'node:fs/promises'
import { Effect, Exit } from 'effect'
import { afterAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { ManualClock } from '../../adapters/memory/index.js'
import {
  collectionNames,
  createMongoAdapters,
  indexSpecs,
  type MongoAdapters,
} from '../../adapters/mongo/index.js'
import { localDate } from '../../core/domain/shared/dates.js'
import { asId, type BookingId, type ListingId, type UserId } from '../../core/domain/shared/ids.js'
import { anyFilter, event, makeBooking, makeListing, makeUser, run, T0 } from '../contract/fixtures.js'
import { malformed, openTestDatabase } from '../support/mongo.js'

/**
 * Documents are a contract: each carries a schema version and is decoded with its Schema, so a
 * malformed document or one of an unknown version is a MalformedDocument defect naming the
 * collection and the `_id`, never a crash elsewhere or a silently wrong value. And no value that
 * reaches an adapter is ever read as a query operator.
 */

const database = await openTestDatabase(inject('mongoUrl'), 'documents')
afterAll(() => database.drop())

let a: MongoAdapters
beforeEach(async () => {
  await database.clear()
  a = createMongoAdapters(database.db, { clock: new ManualClock(T0) })
})

const col = (name: keyof typeof collectionNames) =>
  database.db.collection<{ _id: string }>(collectionNames[name])

describe('stored documents are decoded with their Schema', () => {
  it('a document of another schema version is refused, naming the collection, the id and the version', async () => {
    const b = makeBooking('bkg_v2')
    await run(a.bookings.save(b, []))
    await col('bookings').updateOne({ _id: b.id }, { $set: { sv: 2 } })
    const err = await malformed(a.bookings.byId(b.id))
    expect(err).toMatchObject({ collection: 'bookings', id: 'bkg_v2' })
    expect(err.message).toContain('schema version 2')
    await col('bookings').updateOne({ _id: b.id }, { $unset: { sv: '' } })
    expect((await malformed(a.bookings.byId(b.id))).problem).toContain('no schema version')
  })

  it('an entity whose stored state breaks its schema is refused, with the field that is wrong', async () => {
    const l = makeListing('lst_bad')
    await run(a.listings.save(l, []))
    const broken = JSON.stringify({ ...l, maxGuests: 'many' })
    await col('listings').updateOne({ _id: l.id }, { $set: { s: broken } })
    const err = await malformed(a.listings.byId(l.id))
    expect(err).toMatchObject({ collection: 'listings', id: 'lst_bad' })
    expect(err.problem).toContain('maxGuests')
    // Queries decode every document they return the same way.
    await malformed(Effect.flatMap(a.listings.search(anyFilter, 'price_asc', null), (c) => c.next(10)))
    await col('listings').updateOne({ _id: l.id }, { $set: { s: '{not json' } })
    expect((await malformed(a.listings.byId(l.id))).problem).toContain('not JSON')
  })

  it('a document with a field it should not have, or without one it needs, is refused', async () => {
    const u = makeUser('usr_extra')
    await run(a.users.save(u, []))
    await col('users').updateOne({ _id: u.id }, { $set: { injected: true } })
    expect((await malformed(a.users.byId(u.id))).problem).toContain('injected')
    await col('users').updateOne({ _id: u.id }, { $unset: { injected: '', em: '' } })
    expect((await malformed(a.users.byId(u.id))).problem).toContain('em')
  })

  it('the outbox and the calendar decode their documents too', async () => {
    await run(a.bookings.save(makeBooking('bkg_out'), [event('bkg_out')]))
    await col('revisions').updateOne({ _id: 'booking:bkg_out:1' }, { $set: { e: '[{"id":1}]' } })
    expect(await malformed(a.outbox.pending(10))).toMatchObject({
      collection: 'revisions',
      id: 'booking:bkg_out:1',
    })

    const L = asId('listing', 'lst_cal')
    await run(a.availability.setUnits(L, 1))
    await col('calendar').updateOne({ l: L }, { $set: { units: 'one' } })
    const err = await malformed(a.availability.calendar(L, localDate('2026-03-01'), localDate('2026-03-02')))
    expect(err.collection).toBe('calendar')
    expect(err.id).toContain('lst_cal')
  })
})

describe('no value reaches a query as an operator', () => {
  /** Shapes an attacker would send where a string is expected. */
  const operators: unknown[] = [{ $gt: '' }, { $ne: null }, { $regex: '.*' }, { $exists: true }, ['$gt', '']]

  it('ids, e-mails, provider references and owners that are operator-shaped match nothing (literally)', async () => {
    await run(a.users.save(makeUser('usr_1'), []))
    await run(a.bookings.save(makeBooking('bkg_1'), []))
    await run(a.listings.save(makeListing('lst_1'), []))
    await run(
      a.wishlists.add({ userId: asId('user', 'usr_1'), listingId: asId('listing', 'lst_1'), addedAt: T0 }),
    )
    for (const op of operators) {
      const id = op as string
      expect((await run(a.users.byId(id as UserId)))._tag).toBe('None')
      expect((await run(a.users.byEmail(id)))._tag).toBe('None')
      expect((await run(a.listings.byId(id as ListingId)))._tag).toBe('None')
      expect((await run(a.bookings.byId(id as BookingId)))._tag).toBe('None')
      expect((await run(a.bookings.byGuest(id as UserId, { limit: 10, cursor: null }))).items).toEqual([])
      expect(await run(a.bookings.byListing(id as ListingId, id, id))).toEqual([])
      expect(await run(a.bookings.countByGuest(id as UserId, ['pending_payment']))).toBe(0)
      expect((await run(a.payments.byProviderRef(id, id)))._tag).toBe('None')
      expect((await run(a.reviews.bySubject(id as UserId, { limit: 10, cursor: null }))).items).toEqual([])
      expect((await run(a.wishlists.list(id as UserId, { limit: 10, cursor: null }))).items).toEqual([])
      expect(await run(a.guestProfiles.byOwner(id as UserId))).toEqual([])
      expect((await run(a.availability.allocation(id as ListingId, id as BookingId)))._tag).toBe('None')
    }
  })

  it('a cursor carrying operators is not one this adapter issued: paging starts over', async () => {
    await run(a.users.save(makeUser('usr_1'), []))
    for (const op of operators) {
      const cursor = Buffer.from(JSON.stringify({ at: op, id: op }), 'utf8').toString('base64url')
      const page = await run(a.users.list({ limit: 10, cursor }))
      expect(page.items.map((u) => u.id)).toEqual(['usr_1'])
    }
  })

  it('a search filter with an operator where a string or number belongs is refused, not run', async () => {
    await run(a.listings.save(makeListing('lst_1'), []))
    for (const op of operators) {
      for (const filter of [
        { ...anyFilter, city: op as string },
        { ...anyFilter, amenities: [op as string] },
        { ...anyFilter, statuses: [op as 'active'] },
        { ...anyFilter, minGuests: op as number },
      ]) {
        const exit = await Effect.runPromiseExit(
          Effect.flatMap(a.listings.search(filter, 'price_asc', null), (c) => c.next(5)),
        )
        expect(Exit.isFailure(exit)).toBe(true)
      }
    }
  })
})

describe('indexes', () => {
  it('the README lists every declared index', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## The Mongo store'))
    for (const spec of indexSpecs) expect(section).toContain(`\`${spec.name}\``)
  })

  it('ensureIndexes creates every declared index and is idempotent', async () => {
    await a.ensureIndexes()
    await a.ensureIndexes()
    for (const [key, name] of Object.entries(collectionNames)) {
      const declared = indexSpecs.filter((s) => s.collection === key).map((s) => s.name)
      // A collection without declared indexes exists only once written (ledger_keys here).
      const existing = await database.db
        .collection(name)
        .listIndexes()
        .toArray()
        .catch((e: unknown) => {
          if (declared.length === 0) return []
          throw e
        })
      const names = existing.map((i) => i.name as string)
      expect(names).toEqual(expect.arrayContaining(declared))
    }
  })
})
