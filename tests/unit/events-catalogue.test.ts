import { Option, Result } from 'effect'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeCloudEvent, toCloudEvent } from '../../adapters/amqp/cloud-event.js'
import { topicMatches, typesMatching } from '../../adapters/amqp/topics.js'
import { cacheTagsFor, listingTag, SEARCH_TAG } from '../../adapters/http/cache-invalidation.js'
import { runScenario } from '../../apps/demo/scenario.js'
import { decodeEventData, eventCatalogue, versionOf } from '../../core/domain/events/catalogue.js'
import { type DomainEvent, type EventType, eventTypes } from '../../core/domain/events/events.js'
import type { EventId } from '../../core/domain/shared/ids.js'
import { instant } from '../../core/domain/shared/time.js'
import { activeListing, makeWorld } from '../integration/engine-fixtures.js'
import { stayAndReview } from '../integration/more-fixtures.js'

/** Every event the in-memory engine emits: the demo's marketplace, plus a journey for the rest. */
let emitted: DomainEvent[] = []
beforeAll(async () => {
  const demo = await runScenario()
  const w = await makeWorld()
  const { run, useCases } = w.engine
  const l = await activeListing(w)
  await run(useCases.updateListing.execute(w.host, l.id, { title: 'Canal loft, renovated' }))
  await run(
    useCases.setCalendar.execute(w.host, l.id, {
      from: '2026-06-01',
      to: '2026-06-03',
      blocked: true,
      priceOverride: 12_000,
    }),
  )
  // Payouts: the host's account gets the stay's earning paid; a closed account fails the next payout.
  await run(useCases.updateProfile.execute(w.host, { payoutAccountId: 'acct_catalogue' }))
  const booking = await stayAndReview(w, l.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' }, 4)
  const guestReview = `rev_${booking.id}_guest`
  await run(useCases.respondToReview.execute(w.host, { reviewId: guestReview, comment: 'Thank you!' }))
  await run(useCases.hideReview.execute(w.admin, { reviewId: guestReview, reason: 'test' }))
  const other = w.other.kind === 'user' ? w.other.userId : ''
  await run(useCases.suspendUser.execute(w.admin, { userId: other, reason: 'spam' }))
  await run(useCases.reinstateUser.execute(w.admin, { userId: other }))
  if (w.host.kind !== 'user') throw new Error('the host is a user')
  const host = Option.getOrThrow(await run(w.engine.adapters.users.byId(w.host.userId)))
  await run(useCases.requestPasswordReset.execute({ email: host.email }))
  const l2 = await activeListing(w)
  await run(useCases.deactivateListing.execute(w.host, l.id))
  await run(useCases.archiveListing.execute(w.host, l.id))
  await w.engine.tick()
  w.engine.adapters.payoutGateway.closeAccount('acct_catalogue')
  await stayAndReview(w, l2.id, { checkIn: '2026-06-10', checkOut: '2026-06-14' }, 5)
  await w.engine.tick()
  emitted = [...demo.engine.adapters.publisher.published(), ...w.engine.adapters.publisher.published()]
}, 30_000)

/** An event with only the payload fields a test reads (the rest do not matter to it). */
const sample = (
  type: EventType,
  data: { readonly [k: string]: string | number | readonly string[] },
): DomainEvent =>
  ({
    id: 'evt_sample' as EventId,
    type,
    subject: 'bkg_1',
    time: instant(Date.UTC(2026, 0, 1)),
    data,
  }) as unknown as DomainEvent

describe('event catalogue', () => {
  it('has an entry with a version and a description for every declared event type', () => {
    expect(Object.keys(eventCatalogue).sort()).toEqual([...eventTypes].sort())
    for (const t of eventTypes) {
      expect(versionOf(t)).toBe(1)
      expect(eventCatalogue[t].emittedWhen.length).toBeGreaterThan(10)
    }
  })

  it('every event the engine emits in full journeys decodes with its catalogue schema, no field undocumented', () => {
    expect(emitted.length).toBeGreaterThan(100)
    const failures: string[] = []
    for (const e of emitted) {
      // Through JSON, as a consumer receives it.
      const wire: unknown = JSON.parse(JSON.stringify(toCloudEvent(e)))
      const r = decodeCloudEvent(wire, { strict: true })
      if (Result.isFailure(r)) failures.push(`${e.type}: ${r.failure}`)
      else expect(r.success).toEqual(e)
    }
    expect(failures).toEqual([])
  })

  it('the journeys cover every event type', () => {
    const seen = new Set(emitted.map((e) => e.type))
    expect(eventTypes.filter((t) => !seen.has(t))).toEqual([])
  })

  it('rejects a payload with a missing field, a wrong type or a wrong state, naming the field', () => {
    const confirmed = emitted.find((e) => e.type === 'innkeeper.booking.confirmed.v1')!
    const { total: _total, ...withoutTotal } = confirmed.data
    const missing = decodeEventData(confirmed.type, withoutTotal)
    expect(Result.isFailure(missing) && missing.failure).toMatch(/total/)
    const wrongType = decodeEventData(confirmed.type, { ...confirmed.data, guests: '2' })
    expect(Result.isFailure(wrongType) && wrongType.failure).toMatch(/guests/)
    const wrongState = decodeEventData(confirmed.type, { ...confirmed.data, state: 'cancelled' })
    expect(Result.isFailure(wrongState) && wrongState.failure).toMatch(/state/)
    const fractional = decodeEventData(confirmed.type, { ...confirmed.data, total: 10.5 })
    expect(Result.isFailure(fractional)).toBe(true)
  })

  it('tolerates fields a newer producer added (v1 payloads only grow), unless decoding strictly', () => {
    const created = emitted.find((e) => e.type === 'innkeeper.listing.created.v1')!
    const grown = { ...created.data, country: 'NL' }
    expect(Result.isSuccess(decodeEventData(created.type, grown))).toBe(true)
    expect(Result.isFailure(decodeEventData(created.type, grown, { strict: true }))).toBe(true)
  })

  it('rejects a bad envelope with a typed reason, never a throw', () => {
    const good = JSON.parse(JSON.stringify(toCloudEvent(emitted[0]!))) as Record<string, unknown>
    const cases: unknown[] = [
      null,
      'text',
      42,
      [],
      { ...good, specversion: '0.3' },
      { ...good, type: 'innkeeper.booking.teleported.v1' },
      { ...good, time: 'yesterday' },
      { ...good, id: '' },
      { ...good, data: 'not an object' },
    ]
    for (const c of cases) {
      const r = decodeCloudEvent(c)
      expect(Result.isFailure(r)).toBe(true)
      expect(Result.isFailure(r) && r.failure).toMatch(/^(envelope|data of)/)
    }
  })
})

describe('topic patterns (AMQP binding semantics)', () => {
  it('`*` matches one word, `#` zero or more', () => {
    expect(topicMatches('innkeeper.booking.#', 'innkeeper.booking.confirmed.v1')).toBe(true)
    expect(topicMatches('innkeeper.*.confirmed.v1', 'innkeeper.booking.confirmed.v1')).toBe(true)
    expect(topicMatches('innkeeper.*.v1', 'innkeeper.booking.confirmed.v1')).toBe(false)
    expect(topicMatches('#', 'a.b')).toBe(true)
    expect(topicMatches('a.#.c', 'a.c')).toBe(true)
    expect(topicMatches('a.#.c', 'a.b.d.c')).toBe(true)
    expect(topicMatches('innkeeper.payment.#', 'innkeeper.booking.confirmed.v1')).toBe(false)
    expect(typesMatching(['innkeeper.review.#'])).toEqual(eventTypes.filter((t) => t.includes('.review.')))
  })
})

describe('cache tags', () => {
  it('listing and review events make the listing and search stale', () => {
    expect(
      cacheTagsFor(sample('innkeeper.listing.updated.v1', { listingId: 'lst_1', fields: ['title'] })),
    ).toEqual([listingTag('lst_1'), SEARCH_TAG])
    expect(cacheTagsFor(sample('innkeeper.review.revealed.v1', { listingId: 'lst_2', rating: 4 }))).toEqual([
      'listing:lst_2',
      'search',
    ])
    expect(cacheTagsFor(sample('innkeeper.review.hidden.v1', { listingId: 'lst_3' }))).toEqual([
      'listing:lst_3',
      'search',
    ])
  })

  it('booking events that change availability make the listing and search stale; others do not', () => {
    for (const t of [
      'innkeeper.booking.requested.v1',
      'innkeeper.booking.confirmed.v1',
      'innkeeper.booking.cancelled.v1',
      'innkeeper.booking.expired.v1',
      'innkeeper.booking.declined.v1',
      'innkeeper.booking.modified.v1',
    ] as const)
      expect(cacheTagsFor(sample(t, { listingId: 'lst_9' }))).toEqual(['listing:lst_9', 'search'])
    for (const t of [
      'innkeeper.booking.awaiting_host.v1',
      'innkeeper.booking.started.v1',
      'innkeeper.booking.completed.v1',
      'innkeeper.payment.captured.v1',
      'innkeeper.user.registered.v1',
    ] as const)
      expect(cacheTagsFor(sample(t, { listingId: 'lst_9' }))).toEqual([])
  })

  it("a user's suspension or reinstatement makes search stale (a suspended host's listings leave it)", () => {
    for (const t of ['innkeeper.user.suspended.v1', 'innkeeper.user.reinstated.v1'] as const)
      expect(cacheTagsFor(sample(t, { userId: 'usr_1', by: 'usr_admin', reason: '' }))).toEqual(['search'])
  })

  it('every event the journeys emitted that touches a listing names it in its tags', () => {
    for (const e of emitted) {
      const tags = cacheTagsFor(e)
      if (tags.length === 0 || e.type.startsWith('innkeeper.user.')) continue
      expect(tags).toContain(SEARCH_TAG)
      expect(tags).toContain(listingTag(String('listingId' in e.data ? e.data.listingId : e.subject)))
    }
  })
})
