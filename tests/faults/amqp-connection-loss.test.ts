import { randomUUID } from 'node:crypto'
import { Effect } from 'effect'
import type { Connection } from 'rabbitmq-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloudEventSchema } from '../../adapters/amqp/cloud-event.js'
import {
  AmqpConsumer,
  AmqpEventPublisher,
  createAmqpConnection,
  DEAD_KIND_HEADER,
  deadLetterQueueOf,
  InMemoryProcessedEvents,
  type Outcome,
  retryQueueOf,
} from '../../adapters/amqp/index.js'
import { InMemoryOutbox } from '../../adapters/memory/index.js'
import { RelayOutbox } from '../../core/application/relay-outbox.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { EventId } from '../../core/domain/shared/ids.js'
import { instant } from '../../core/domain/shared/time.js'
import { CuttableProxy } from '../support/cuttable-proxy.js'
import { until } from '../support/wait.js'

/**
 * Faults on the way to and from RabbitMQ. The client connections go through an in-process TCP
 * proxy to 127.0.0.1:5672 (tests/support/cuttable-proxy.ts) whose sockets the test destroys in the
 * middle of a burst: the broker itself is untouched, so no other test file is disturbed.
 */
const BROKER = { host: '127.0.0.1', port: 5672 }
const RUN = `innkeeper.fault.${randomUUID().slice(0, 8)}`

let direct: Connection
const proxy = new CuttableProxy(BROKER)
let proxied: Connection
const exchanges: string[] = []
const queues: string[] = []

beforeAll(async () => {
  direct = createAmqpConnection({ connectionName: `${RUN}.admin` })
  const port = await proxy.listen()
  proxied = createAmqpConnection({
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    connectionName: `${RUN}.proxied`,
    retryLowMs: 50,
    retryHighMs: 400,
    acquireTimeoutMs: 5_000,
  })
  await Promise.all([direct.onConnect(5_000), proxied.onConnect(5_000)])
})

afterAll(async () => {
  for (const q of queues) await direct.queueDelete({ queue: q }).catch(() => undefined)
  for (const e of exchanges) await direct.exchangeDelete({ exchange: e }).catch(() => undefined)
  await proxied.close()
  await direct.close()
  await proxy.close()
})

const names = (tag: string) => {
  const exchange = `${RUN}.${tag}.events`
  const queue = `${RUN}.${tag}.consumer`
  exchanges.push(exchange)
  queues.push(queue, retryQueueOf(queue), deadLetterQueueOf(queue))
  return { exchange, queue }
}

const SUBJECTS = 25
const burst = (n: number): DomainEvent[] =>
  Array.from({ length: n }, (_, i) => {
    const subject = `lst_${i % SUBJECTS}`
    return {
      id: `evt_${RUN}_${String(i).padStart(5, '0')}` as EventId,
      type: i % 2 === 0 ? 'innkeeper.listing.activated.v1' : 'innkeeper.listing.deactivated.v1',
      subject,
      time: instant(Date.UTC(2026, 0, 1) + i),
      data: { listingId: subject, hostId: 'usr_host' },
    }
  })

describe('RabbitMQ faults', () => {
  it('connections cut twice mid-burst of 1,500 events: after recovery every event is handled exactly once, in order per subject', async () => {
    const { exchange, queue } = names('cut')
    const events = burst(1_500)
    const outbox = new InMemoryOutbox()
    outbox.append(events)
    const publisher = new AmqpEventPublisher(proxied, {
      exchange,
      maxAttempts: 4,
      retryDelayMs: 50,
      confirmTimeoutMs: 3_000,
    })
    const relay = new RelayOutbox({ outbox, publisher })
    const handled: DomainEvent['id'][] = []
    const bySubject = new Map<string, string[]>()
    const outcomes: Outcome[] = []
    let redeliveries = 0
    const runtime = new AmqpConsumer(proxied, { exchange, onOutcome: (_q, o) => outcomes.push(o) })
    const consumer = runtime.consume({
      queue,
      bindings: ['innkeeper.listing.#'],
      schema: CloudEventSchema,
      prefetch: 50,
      processed: new InMemoryProcessedEvents(),
      handler: async (ce, delivery) => {
        if (delivery.redelivered) redeliveries++
        handled.push(ce.id as DomainEvent['id'])
        bySubject.set(ce.subject, [...(bySubject.get(ce.subject) ?? []), ce.id])
      },
    })
    await consumer.ready

    // The relay publishes the outbox in batches, as the API process does, until it is empty.
    let relayRuns = 0
    let failedRuns = 0
    const relaying = (async () => {
      while ((await Effect.runPromise(outbox.pending(1))).length > 0) {
        const r = await Effect.runPromise(relay.execute({ batchSize: 100 }))
        relayRuns++
        if (r.failed > 0) {
          failedRuns++
          await new Promise((res) => setTimeout(res, 50))
        }
      }
    })()

    // Cut in the middle of the burst: once part of it is confirmed, and again once part is consumed.
    await until('a third confirmed', () => publisher.stats().confirmed >= 500)
    proxy.cut()
    const pendingAtFirstCut = (await Effect.runPromise(outbox.pending(10_000))).length
    await until('consumption resumed', () => handled.length >= 900)
    proxy.cut()
    await relaying
    await until('every event handled', () => new Set(handled).size === events.length, 20_000)
    // A relay that crashed between publishing and marking sent publishes a batch again: the copies
    // arrive after everything else and must all be recognised.
    const replayed = events.slice(0, 100)
    await Effect.runPromise(publisher.publish(replayed))
    const deliveries = (id: string) => outcomes.filter((o) => o.id === id).length
    await until('the replay consumed', () => replayed.every((e) => deliveries(e.id) >= 2))
    await consumer.close()
    await publisher.close()

    const remaining = (await direct.queueDeclare({ queue, passive: true })).messageCount
    const dead = (await direct.queueDeclare({ queue: deadLetterQueueOf(queue), passive: true })).messageCount
    const duplicates = outcomes.filter((o) => o.kind === 'duplicate').length
    // The cuts happened mid-burst and really broke things.
    expect(proxy.cuts).toBe(2)
    expect(pendingAtFirstCut).toBeGreaterThan(0)
    expect(pendingAtFirstCut).toBeLessThan(events.length)
    expect(publisher.stats().failedAttempts).toBeGreaterThan(0)
    // None lost, none handled twice, the outbox emptied, nothing dead-lettered or left behind.
    expect(handled).toHaveLength(events.length)
    expect(new Set(handled)).toEqual(new Set(events.map((e) => e.id)))
    expect(outbox.pendingEvents()).toHaveLength(0)
    expect(dead).toBe(0)
    expect(remaining).toBe(0)
    // Every copy beyond the first was de-duplicated: the replay, and whatever the cuts duplicated.
    expect(duplicates).toBeGreaterThanOrEqual(replayed.length)
    expect(outcomes.filter((o) => o.kind === 'handled')).toHaveLength(events.length)
    // In order per subject, after de-duplication.
    for (const [subject, ids] of bySubject)
      expect(ids).toEqual(events.filter((e) => e.subject === subject).map((e) => e.id))
    console.info(
      `[faults] 1500 events, 2 cuts: relay runs ${relayRuns} (${failedRuns} failed), publisher attempts failed ${publisher.stats().failedAttempts}, duplicates skipped ${duplicates} (${duplicates - replayed.length} from the cuts), redelivered ${redeliveries}`,
    )
  }, 30_000)

  it('a consumer whose handler always throws puts every message in the DLQ after its bounded retries, none lost', async () => {
    const { exchange, queue } = names('poison')
    const events = burst(40)
    const publisher = new AmqpEventPublisher(direct, { exchange })
    const calls = new Map<string, number>()
    const runtime = new AmqpConsumer(direct, { exchange })
    const consumer = runtime.consume({
      queue,
      bindings: ['innkeeper.#'],
      schema: CloudEventSchema,
      maxRetries: 3,
      retryDelayMs: 30,
      concurrency: 4,
      handler: async (ce) => {
        calls.set(ce.id, (calls.get(ce.id) ?? 0) + 1)
        throw new Error('handler always fails')
      },
    })
    await consumer.ready
    await Effect.runPromise(publisher.publish(events))
    await until('all dead-lettered', () => consumer.stats().deadLettered === events.length)
    await consumer.close()
    await publisher.close()
    // 1 delivery + 3 retries each, and not one more.
    expect([...calls.values()]).toEqual(events.map(() => 4))
    const dlq = deadLetterQueueOf(queue)
    expect((await direct.queueDeclare({ queue: dlq, passive: true })).messageCount).toBe(events.length)
    const first = await direct.basicGet({ queue: dlq, noAck: true })
    expect(first?.headers?.[DEAD_KIND_HEADER]).toBe('exhausted')
    expect((await direct.queueDeclare({ queue, passive: true })).messageCount).toBe(0)
    expect((await direct.queueDeclare({ queue: retryQueueOf(queue), passive: true })).messageCount).toBe(0)
  }, 20_000)
})
