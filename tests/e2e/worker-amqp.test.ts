import { randomUUID } from 'node:crypto'
import { Effect, Option } from 'effect'
import type { Connection } from 'rabbitmq-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloudEventSchema, fromCloudEvent } from '../../adapters/amqp/cloud-event.js'
import {
  AmqpConsumer,
  AmqpEventPublisher,
  createAmqpConnection,
  deadLetterQueueOf,
  InMemoryProcessedEvents,
  type Outcome,
  retryQueueOf,
} from '../../adapters/amqp/index.js'
import { invalidatingTypes, listingTag, SEARCH_TAG } from '../../adapters/http/cache-invalidation.js'
import { RecordingNotifier } from '../../adapters/memory/index.js'
import { createInMemoryEngine } from '../../apps/composition/in-memory-engine.js'
import { notificationTypes } from '../../apps/worker/consumers.js'
import { amqpEventSource } from '../../apps/worker/event-sources.js'
import { startWorker, type Worker } from '../../apps/worker/worker.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { recipientsOf } from '../../core/domain/notifications/routing.js'
import { MINUTE } from '../../core/domain/shared/time.js'
import type { Notification, Notifier } from '../../ports/notifier.js'
import { activeListing, bookAndPay, makeWorld, T0 } from '../integration/engine-fixtures.js'

/**
 * End to end on the real RabbitMQ: the engine publishes through the AMQP publisher, the worker
 * relays its outbox to the exchange and runs the notification and cache-invalidation consumers, and
 * a test consumer bound to the exchange checks what a queue consumer sees.
 */
const RUN = `innkeeper.e2e.${randomUUID().slice(0, 8)}`
const exchange = `${RUN}.events`
const queuePrefix = `${RUN}.worker`
const tapQueue = `${RUN}.tap`
let conn: Connection

beforeAll(async () => {
  conn = createAmqpConnection({ connectionName: RUN, retryLowMs: 100 })
  await conn.onConnect(5_000)
})

afterAll(async () => {
  const queues = [tapQueue, `${queuePrefix}.notifications`, `${queuePrefix}.cache-invalidation`]
  for (const q of queues)
    for (const name of [q, retryQueueOf(q), deadLetterQueueOf(q)])
      await conn.queueDelete({ queue: name }).catch(() => undefined)
  await conn.exchangeDelete({ exchange }).catch(() => undefined)
  await conn.close()
})

const until = async (what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** The recording notifier, counting every call (it de-duplicates by key itself, which would hide repeats). */
class CountingNotifier implements Notifier {
  readonly recording = new RecordingNotifier()
  readonly calls = new Map<string, number>()
  send(n: Notification) {
    this.calls.set(n.dedupeKey, (this.calls.get(n.dedupeKey) ?? 0) + 1)
    return this.recording.send(n)
  }
}

describe('API engine + worker on RabbitMQ', () => {
  it("a booking's events reach a queue consumer in order, exactly once after de-duplication; the worker notifies and invalidates the cache", async () => {
    const publisher = new AmqpEventPublisher(conn, { exchange })
    const notifier = new CountingNotifier()
    const engine = createInMemoryEngine({ start: T0, passwordHashCost: 1024, ports: { publisher, notifier } })
    const { run, useCases, adapters } = engine

    // A queue consumer of our own, bound to every event.
    const runtime = new AmqpConsumer(conn, { exchange })
    const received: DomainEvent[] = []
    const tapOutcomes: Outcome[] = []
    const tap = new AmqpConsumer(conn, { exchange, onOutcome: (_q, o) => tapOutcomes.push(o) }).consume({
      queue: tapQueue,
      bindings: ['innkeeper.#'],
      schema: CloudEventSchema,
      processed: new InMemoryProcessedEvents(),
      handler: async (ce) => {
        received.push(fromCloudEvent(ce))
      },
    })
    const worker: Worker = startWorker({
      useCases,
      relay: { intervalMs: 20, batchSize: 50 },
      timers: { intervalMs: 20 },
      consumers: {
        source: amqpEventSource(runtime, {
          queuePrefix,
          retryDelayMs: 50,
          processed: () => new InMemoryProcessedEvents(),
        }),
        cache: adapters.cache,
      },
    })
    await Promise.all([tap.ready, worker.ready])

    // The journey, through the use cases as the API calls them.
    const w = await makeWorld(engine)
    const instant = await activeListing(w)
    const requestOnly = await activeListing(w, { bookingMode: 'request', title: 'Request-only loft' })
    await run(adapters.cache.set('listing-page', '…', { ttlMs: 60 * MINUTE, tags: [listingTag(instant.id)] }))
    await run(adapters.cache.set('search-page', '…', { ttlMs: 60 * MINUTE, tags: [SEARCH_TAG] }))
    await run(adapters.cache.set('other-page', '…', { ttlMs: 60 * MINUTE, tags: ['listing:lst_elsewhere'] }))

    const cancelled = await bookAndPay(w, instant.id, { checkIn: '2026-04-01', checkOut: '2026-04-03' })
    await run(useCases.cancelBooking.execute(w.guest, cancelled.id))
    const accepted = await bookAndPay(w, requestOnly.id, { checkIn: '2026-04-10', checkOut: '2026-04-12' })
    expect(accepted.state).toBe('awaiting_host')
    await run(useCases.acceptBooking.execute(w.host, accepted.id))
    await engine.deliverPaymentEvents()
    const unpaid = await run(
      useCases.requestBooking.execute(w.other, {
        listingId: instant.id,
        checkIn: '2026-05-01',
        checkOut: '2026-05-03',
        guests: 1,
      }),
    )
    const failed = await bookAndPay(
      w,
      instant.id,
      { checkIn: '2026-06-01', checkOut: '2026-06-02' },
      w.guest,
      'fail',
    )
    adapters.clock.advance(16 * MINUTE) // the unpaid and the failed requests expire (timer loop)

    const expected: Record<string, string[]> = {
      [cancelled.id]: ['requested', 'confirmed', 'cancelled'],
      [accepted.id]: ['requested', 'awaiting_host', 'confirmed'],
      [unpaid.id]: ['requested', 'expired'],
      [failed.id]: ['requested', 'expired'],
    }
    const bookingTypes = (id: string) =>
      received.filter((e) => e.subject === id).map((e) => e.type.replace(/^innkeeper\.booking\.|\.v1$/g, ''))
    await until('every booking event delivered', () =>
      Object.entries(expected).every(([id, types]) => bookingTypes(id).length >= types.length),
    )
    await until('the outbox relayed', () => adapters.outbox.pendingEvents().length === 0)

    // A relay that crashed after publishing and before marking sent publishes again: copies arrive.
    const again = received.filter((e) => e.type.startsWith('innkeeper.booking.')).slice(0, 6)
    await Effect.runPromise(publisher.publish(again))
    await until(
      'the copies consumed',
      () => tapOutcomes.filter((o) => o.kind === 'duplicate').length >= again.length,
    )

    for (const [id, types] of Object.entries(expected)) expect(bookingTypes(id)).toEqual(types)
    // Exactly once after de-duplication, and nothing dead-lettered.
    expect(new Set(received.map((e) => e.id)).size).toBe(received.length)
    expect(tap.stats().deadLettered).toBe(0)

    // The worker's notification consumer sent each notice once: for every event received, whom
    // NotifyOnEvent addresses (all these users are active), exactly one send.
    await until('notifications sent', () =>
      received.every((e) =>
        recipientsOf(e).every((r) => notifier.calls.has(`${e.id}:${r.userId}:${r.template}`)),
      ),
    )
    const copiesForNotifications = again.filter((e) => notificationTypes.includes(e.type)).length
    expect(copiesForNotifications).toBeGreaterThan(0)
    await until(
      'the copies reached the notification consumer',
      () => worker.stats().consumers.notifications!.duplicates >= copiesForNotifications,
    )
    const invalidating = received.filter((e) => invalidatingTypes.includes(e.type)).length
    await until(
      'every invalidating event handled',
      () => worker.stats().consumers['cache-invalidation']!.handled >= invalidating,
    )
    await worker.close()
    await tap.close()
    const expectedKeys = received.flatMap((e) =>
      recipientsOf(e).map((r) => `${e.id}:${r.userId}:${r.template}`),
    )
    expect(expectedKeys.length).toBeGreaterThan(10)
    for (const key of expectedKeys) expect(notifier.calls.get(key), key).toBe(1)
    const eventKeys = [...notifier.calls.keys()].filter((k) => k.startsWith('evt_'))
    expect(eventKeys.sort()).toEqual([...expectedKeys].sort())
    const templates = notifier.recording.sent().map((n) => n.template)
    for (const t of [
      'booking_requested',
      'booking_confirmed',
      'booking_cancelled',
      'booking_expired',
      'payment_failed',
    ])
      expect(templates).toContain(t)
    const notifications = worker.stats().consumers.notifications!
    expect(notifications.duplicates).toBeGreaterThanOrEqual(copiesForNotifications)
    expect(notifications.deadLettered).toBe(0)

    // Cache invalidation: the listing's page and search results are gone, an unrelated entry stays.
    expect(Option.isNone(await run(adapters.cache.get('listing-page')))).toBe(true)
    expect(Option.isNone(await run(adapters.cache.get('search-page')))).toBe(true)
    expect(Option.isSome(await run(adapters.cache.get('other-page')))).toBe(true)
    await publisher.close()
  }, 20_000)
})
