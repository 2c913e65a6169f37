import { Effect, Option } from 'effect'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { MessagingMetrics } from '../../adapters/amqp/messaging-metrics.js'
import { listingTag, SEARCH_TAG } from '../../adapters/http/cache-invalidation.js'
import { InMemoryCache } from '../../adapters/memory/index.js'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { inMemoryEventSource } from '../../apps/worker/event-sources.js'
import { startWorker } from '../../apps/worker/worker.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { MINUTE } from '../../core/domain/shared/time.js'
import type { Cache } from '../../ports/cache.js'
import { activeListing, bookAndPay, makeWorld, T0 } from '../integration/engine-fixtures.js'

/** The worker with INNKEEPER_EVENTS=memory: consumers in the same process as the publisher. */
describe('worker on in-process events (no broker)', () => {
  it('the relay feeds the cache-invalidation consumer: a booking makes its listing and search stale', async () => {
    const engine = createInMemoryEngine({ start: T0, passwordHashCost: 1024 })
    const { adapters, run } = engine
    const worker = startWorker({
      useCases: engine.useCases,
      relay: { intervalMs: 60_000 },
      consumers: {
        source: inMemoryEventSource(adapters.publisher),
        names: ['cache-invalidation'],
        cache: adapters.cache,
      },
    })
    await worker.ready
    const w = await makeWorld(engine)
    const listing = await activeListing(w)
    const other = await activeListing(w)
    await worker.runOnce()
    const ttl = { ttlMs: 60 * MINUTE }
    await run(adapters.cache.set('detail', 'x', { ...ttl, tags: [listingTag(listing.id)] }))
    await run(adapters.cache.set('results', 'x', { ...ttl, tags: [SEARCH_TAG] }))
    await run(adapters.cache.set('other-detail', 'x', { ...ttl, tags: [listingTag(other.id)] }))
    await bookAndPay(w, listing.id, { checkIn: '2026-04-01', checkOut: '2026-04-03' })
    await worker.runOnce()
    await worker.close()
    expect(Option.isNone(await run(adapters.cache.get('detail')))).toBe(true)
    expect(Option.isNone(await run(adapters.cache.get('results')))).toBe(true)
    expect(Option.isSome(await run(adapters.cache.get('other-detail')))).toBe(true)
    expect(worker.stats().consumers['cache-invalidation']).toMatchObject({ deadLettered: 0 })
  })

  it('each relay run reaches the worker metrics: events published, and the outbox backlog read at scrape', async () => {
    const engine = createInMemoryEngine({ start: T0, passwordHashCost: 1024 })
    const registry = new Registry()
    const metrics = new MessagingMetrics(registry, {
      backlog: () => engine.run(engine.deps.outbox.backlog()),
    })
    const worker = startWorker({
      useCases: engine.useCases,
      relay: { intervalMs: 60_000 },
      onRelay: (r) => metrics.observeRelay(r),
    })
    const w = await makeWorld(engine)
    await activeListing(w)
    const pending = engine.adapters.outbox.pendingEvents().length
    expect(pending).toBeGreaterThan(0)
    expect(await registry.getSingleMetricAsString('innkeeper_outbox_backlog')).toContain(
      `innkeeper_outbox_backlog ${pending}`,
    )
    await worker.runOnce()
    await worker.close()
    const relayed = await registry.getSingleMetricAsString('innkeeper_outbox_relayed_events_total')
    expect(relayed).toContain(`innkeeper_outbox_relayed_events_total{result="published"} ${pending}`)
    expect(await registry.getSingleMetricAsString('innkeeper_outbox_backlog')).toContain(
      'innkeeper_outbox_backlog 0',
    )
  })

  it('retries a failing handler a bounded number of times, then reports the event given up (never silent)', async () => {
    const engine = createInMemoryEngine({ start: T0, passwordHashCost: 1024 })
    const real = new InMemoryCache(engine.adapters.clock)
    let failures = 2
    const flaky: Cache = {
      get: (k) => real.get(k),
      set: (k, v, o) => real.set(k, v, o),
      delete: (k) => real.delete(k),
      invalidateTags: (tags) =>
        Effect.suspend(() =>
          failures-- > 0 ? Effect.die(new Error('cache down')) : real.invalidateTags(tags),
        ),
    }
    const givenUp: DomainEvent[] = []
    const source = inMemoryEventSource(engine.adapters.publisher, {
      maxRetries: 1,
      onGiveUp: (_name, event) => givenUp.push(event),
    })
    const worker = startWorker({
      useCases: engine.useCases,
      relay: { intervalMs: 60_000 },
      consumers: { source, names: ['cache-invalidation'], cache: flaky },
    })
    const w = await makeWorld(engine)
    await activeListing(w) // created + activated: two invalidating events
    await worker.runOnce()
    await worker.close()
    // The first event failed twice (1 + 1 retry) and was given up, reported; the second succeeded.
    expect(givenUp.map((e) => e.type)).toEqual(['innkeeper.listing.created.v1'])
    expect(worker.stats().consumers['cache-invalidation']).toEqual({
      handled: 1,
      duplicates: 0,
      retried: 1,
      deadLettered: 1,
    })
  })

  it('handles one subject in publish order even when handlers take different times', async () => {
    const engine = createInMemoryEngine({ start: T0 })
    const seen: string[] = []
    const handle = inMemoryEventSource(engine.adapters.publisher).subscribe({
      name: 'order',
      bindings: ['innkeeper.booking.#'],
      handle: async (e) => {
        const spins = e.type.includes('requested') ? 5 : 0
        for (let i = 0; i < spins; i++) await new Promise((r) => setImmediate(r))
        seen.push(`${e.subject}:${e.type}`)
      },
    })
    const ev = (subject: string, type: DomainEvent['type'], n: number): DomainEvent =>
      ({ id: `evt_o_${n}`, type, subject, time: T0, data: {} }) as unknown as DomainEvent
    await Effect.runPromise(
      engine.adapters.publisher.publish([
        ev('bkg_1', 'innkeeper.booking.requested.v1', 1),
        ev('bkg_1', 'innkeeper.booking.confirmed.v1', 2),
        ev('usr_1', 'innkeeper.user.registered.v1', 3),
        ev('bkg_2', 'innkeeper.booking.confirmed.v1', 4),
      ]),
    )
    await handle.close()
    expect(seen.filter((s) => s.startsWith('bkg_1'))).toEqual([
      'bkg_1:innkeeper.booking.requested.v1',
      'bkg_1:innkeeper.booking.confirmed.v1',
    ])
    expect(seen).toHaveLength(3)
  })
})
