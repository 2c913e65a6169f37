import { randomUUID } from 'node:crypto'
import { Result, Schema } from 'effect'
import type { Connection, SyncMessage } from 'rabbitmq-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CloudEventEnvelope,
  CloudEventSchema,
  type DecodedCloudEvent,
  fromCloudEvent,
} from '../../adapters/amqp/cloud-event.js'
import {
  AmqpConsumer,
  AmqpEventPublisher,
  ATTEMPT_HEADER,
  CLOUDEVENTS_CONTENT_TYPE,
  createAmqpConnection,
  DEAD_KIND_HEADER,
  DEAD_REASON_HEADER,
  deadLetterQueueOf,
  InMemoryProcessedEvents,
  type Outcome,
  retryQueueOf,
} from '../../adapters/amqp/index.js'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { EventId } from '../../core/domain/shared/ids.js'
import { instant } from '../../core/domain/shared/time.js'
import { eventPublisherContract } from './event-publisher.contract.js'
import { run } from './fixtures.js'

/**
 * The RabbitMQ adapters against the real broker (127.0.0.1:5672, or INNKEEPER_AMQP_URL): the
 * EventPublisher contract suite, then the consumer runtime's rules. Every exchange and queue name is
 * unique to this run and deleted afterwards.
 */
const URL = process.env.INNKEEPER_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'
const RUN = `innkeeper.test.${randomUUID().slice(0, 8)}`
const conn: Connection = createAmqpConnection({ url: URL, connectionName: RUN, retryLowMs: 100 })
const exchanges = new Set<string>()
const queues = new Set<string>()
let counter = 0
const unique = (what: string) => `${RUN}.${what}.${++counter}`

const until = async (what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Takes every message now in `queue` (a confirmed publish is already there: no waiting). */
const drain = async (queue: string): Promise<SyncMessage[]> => {
  const out: SyncMessage[] = []
  for (
    let m = await conn.basicGet({ queue, noAck: true });
    m !== undefined;
    m = await conn.basicGet({ queue, noAck: true })
  )
    out.push(m)
  return out
}
const depth = async (queue: string): Promise<number> =>
  (await conn.queueDeclare({ queue, passive: true })).messageCount

const bodyJson = (m: SyncMessage): unknown =>
  JSON.parse(Buffer.isBuffer(m.body) ? m.body.toString('utf8') : JSON.stringify(m.body))

beforeAll(async () => {
  await conn.onConnect(5_000)
})

afterAll(async () => {
  for (const q of queues) await conn.queueDelete({ queue: q }).catch(() => undefined)
  for (const e of exchanges) await conn.exchangeDelete({ exchange: e }).catch(() => undefined)
  await conn.close()
})

// ---- the EventPublisher contract ----

/** The tap decodes the envelope only: the contract's events carry arbitrary data. */
const envelopeOf = (m: SyncMessage): DomainEvent => {
  const r = Schema.decodeUnknownResult(CloudEventEnvelope)(bodyJson(m), { onExcessProperty: 'error' })
  if (Result.isFailure(r)) throw new Error(`not a CloudEvent: ${String(r.failure)}`)
  return fromCloudEvent(r.success)
}

eventPublisherContract('amqp (RabbitMQ)', async () => {
  const exchange = unique('events')
  const tap = unique('tap')
  const gate = unique('gate')
  exchanges.add(exchange)
  queues.add(tap)
  queues.add(gate)
  const publisher = new AmqpEventPublisher(conn, { exchange, maxAttempts: 2, retryDelayMs: 20 })
  await conn.exchangeDeclare({ exchange, type: 'topic', durable: true })
  await conn.queueDeclare({ queue: tap, durable: false })
  await conn.queueBind({ queue: tap, exchange, routingKey: '#' })
  return {
    publisher,
    received: async () =>
      (await drain(tap)).map((m) => {
        // Structured CloudEvents JSON, persistent, routed by type, message id = event id.
        expect(m.contentType).toBe(CLOUDEVENTS_CONTENT_TYPE)
        expect(m.durable).toBe(true)
        const e = envelopeOf(m)
        expect(m.messageId).toBe(e.id)
        expect(m.routingKey).toBe(e.type)
        return e
      }),
    // The broker refuses: a bound queue that takes no message and rejects publishes nacks them.
    failNext: async () => {
      await conn.queueDeclare({
        queue: gate,
        durable: false,
        arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' },
      })
      await conn.queueBind({ queue: gate, exchange, routingKey: '#' })
    },
    restore: async () => {
      await conn.queueDelete({ queue: gate })
    },
    cleanup: async () => {
      await publisher.close()
      await drain(tap)
    },
  }
})

// ---- the consumer runtime ----

let eventCounter = 0
/** A catalogue-valid event about listing `subject`. */
const listingEvent = (
  subject: string,
  type:
    | 'innkeeper.listing.activated.v1'
    | 'innkeeper.listing.deactivated.v1'
    | 'innkeeper.listing.archived.v1' = 'innkeeper.listing.activated.v1',
): DomainEvent => ({
  id: `evt_${RUN}_${++eventCounter}` as EventId,
  type,
  subject,
  time: instant(Date.UTC(2026, 0, 1) + eventCounter),
  data: { listingId: subject, hostId: 'usr_host' },
})

interface Setup {
  readonly exchange: string
  readonly queue: string
  readonly publisher: AmqpEventPublisher
  readonly runtime: AmqpConsumer
  readonly outcomes: Outcome[]
  readonly errors: unknown[]
}

const setup = async (): Promise<Setup> => {
  const exchange = unique('events')
  const queue = unique('consumer')
  exchanges.add(exchange)
  for (const q of [queue, retryQueueOf(queue), deadLetterQueueOf(queue)]) queues.add(q)
  const outcomes: Outcome[] = []
  const errors: unknown[] = []
  const runtime = new AmqpConsumer(conn, {
    exchange,
    onOutcome: (_q, o) => outcomes.push(o),
    onError: (_q, e) => errors.push(e),
  })
  const publisher = new AmqpEventPublisher(conn, { exchange })
  return { exchange, queue, publisher, runtime, outcomes, errors }
}

const teardown = async (s: Setup) => {
  await s.runtime.close()
  await s.publisher.close()
}

const count = (outcomes: readonly Outcome[], kind: Outcome['kind']) =>
  outcomes.filter((o) => o.kind === kind).length

describe('AmqpConsumer runtime (RabbitMQ)', () => {
  it('declares a durable queue bound by type pattern, decodes with the schema, handles and acks', async () => {
    const s = await setup()
    const got: DecodedCloudEvent[] = []
    const handle = s.runtime.consume({
      queue: s.queue,
      bindings: ['innkeeper.listing.#'],
      schema: CloudEventSchema,
      handler: async (ce) => {
        got.push(ce)
      },
    })
    await handle.ready
    const events = [
      listingEvent('lst_a'),
      listingEvent('lst_a', 'innkeeper.listing.deactivated.v1'),
      listingEvent('lst_b', 'innkeeper.listing.archived.v1'),
    ]
    // A type the bindings do not select never reaches the queue.
    const other: DomainEvent = {
      ...listingEvent('usr_x'),
      type: 'innkeeper.user.registered.v1',
      data: { userId: 'usr_x', email: 'x@example.com' },
    }
    await run(s.publisher.publish([...events, other]))
    await until('three handled', () => count(s.outcomes, 'handled') === 3)
    expect(got.map(fromCloudEvent)).toEqual(events)
    await handle.close()
    expect(await depth(s.queue)).toBe(0)
    expect(await depth(deadLetterQueueOf(s.queue))).toBe(0)
    expect(handle.stats()).toEqual({ handled: 3, duplicates: 0, retried: 0, deadLettered: 0 })
    await teardown(s)
  })

  it('de-duplicates by event id: a re-published event is acknowledged without running the handler again', async () => {
    const s = await setup()
    let calls = 0
    const handle = s.runtime.consume({
      queue: s.queue,
      bindings: ['innkeeper.listing.#'],
      schema: CloudEventSchema,
      processed: new InMemoryProcessedEvents(),
      handler: async () => {
        calls++
      },
    })
    await handle.ready
    const e = listingEvent('lst_dup')
    await run(s.publisher.publish([e, e]))
    await run(s.publisher.publish([e]))
    await until('three deliveries', () => s.outcomes.length === 3)
    expect(calls).toBe(1)
    expect(count(s.outcomes, 'duplicate')).toBe(2)
    await teardown(s)
  })

  it('retries a failing handler a bounded number of times with a delay, then moves the message to the DLQ with the reason', async () => {
    const s = await setup()
    const attempts: number[] = []
    const handle = s.runtime.consume({
      queue: s.queue,
      bindings: ['innkeeper.listing.#'],
      schema: CloudEventSchema,
      maxRetries: 2,
      retryDelayMs: 50,
      handler: async (_ce, delivery) => {
        attempts.push(delivery.attempt)
        throw new Error('mail server says no')
      },
    })
    await handle.ready
    const e = listingEvent('lst_fail')
    await run(s.publisher.publish([e]))
    await until('dead-lettered', () => count(s.outcomes, 'dead-lettered') === 1)
    // First delivery and two retries: three calls, then no more (no requeue loop).
    expect(attempts).toEqual([0, 1, 2])
    const dead = await drain(deadLetterQueueOf(s.queue))
    expect(dead).toHaveLength(1)
    const m = dead[0]!
    expect(m.headers?.[DEAD_KIND_HEADER]).toBe('exhausted')
    expect(String(m.headers?.[DEAD_REASON_HEADER])).toMatch(/3 time\(s\).*mail server says no/)
    expect(m.headers?.[ATTEMPT_HEADER]).toBe(2)
    expect(m.messageId).toBe(e.id)
    expect(envelopeOf(m)).toEqual(e)
    expect(await depth(s.queue)).toBe(0)
    expect(await depth(retryQueueOf(s.queue))).toBe(0)
    expect(handle.stats()).toMatchObject({ handled: 0, retried: 2, deadLettered: 1 })
    await teardown(s)
  })

  it('a handler that fails once succeeds on its retry and nothing reaches the DLQ', async () => {
    const s = await setup()
    let calls = 0
    const handle = s.runtime.consume({
      queue: s.queue,
      bindings: ['innkeeper.listing.#'],
      schema: CloudEventSchema,
      maxRetries: 3,
      retryDelayMs: 20,
      handler: async () => {
        calls++
        if (calls === 1) throw new Error('transient')
      },
    })
    await handle.ready
    await run(s.publisher.publish([listingEvent('lst_flaky')]))
    await until('handled', () => count(s.outcomes, 'handled') === 1)
    expect(calls).toBe(2)
    expect(s.outcomes.map((o) => o.kind)).toEqual(['retry', 'handled'])
    expect(await depth(deadLetterQueueOf(s.queue))).toBe(0)
    await teardown(s)
  })

  it('malformed messages go straight to the DLQ with the reason: not JSON, not a CloudEvent, data off-schema', async () => {
    const s = await setup()
    let calls = 0
    const handle = s.runtime.consume({
      queue: s.queue,
      bindings: ['innkeeper.#'],
      schema: CloudEventSchema,
      maxRetries: 5,
      handler: async () => {
        calls++
      },
    })
    await handle.ready
    const raw = conn.createPublisher({ confirm: true })
    const send = (routingKey: string, body: Buffer) =>
      raw.send(
        { exchange: s.exchange, routingKey, contentType: CLOUDEVENTS_CONTENT_TYPE, durable: true },
        body,
      )
    await send('innkeeper.listing.activated.v1', Buffer.from('{"specversion": "1.0", oops'))
    await send('innkeeper.listing.activated.v1', Buffer.from(JSON.stringify({ hello: 'world' })))
    const offSchema = {
      ...JSON.parse(
        JSON.stringify({
          specversion: '1.0',
          id: 'evt_bad',
          source: 'urn:innkeeper',
          type: 'innkeeper.listing.activated.v1',
          subject: 'lst_1',
          time: '2026-01-01T00:00:00.000Z',
          datacontenttype: 'application/json',
        }),
      ),
      data: { listingId: 'lst_1', hostId: 42 },
    }
    await send('innkeeper.listing.activated.v1', Buffer.from(JSON.stringify(offSchema)))
    await raw.close()
    await until('three dead-lettered', () => count(s.outcomes, 'dead-lettered') === 3)
    expect(calls).toBe(0)
    const dead = await drain(deadLetterQueueOf(s.queue))
    expect(dead.map((m) => m.headers?.[DEAD_KIND_HEADER])).toEqual(['malformed', 'malformed', 'malformed'])
    const reasons = dead.map((m) => String(m.headers?.[DEAD_REASON_HEADER]))
    expect(reasons[0]).toMatch(/not JSON/)
    expect(reasons[1]).toMatch(/does not match the schema/)
    expect(reasons[2]).toMatch(/hostId/)
    // The bytes are kept as they came, for whoever inspects the DLQ.
    expect((dead[0]!.body as Buffer).toString('utf8')).toBe('{"specversion": "1.0", oops')
    expect(await depth(retryQueueOf(s.queue))).toBe(0)
    await teardown(s)
  })

  it('keeps the order of each subject with concurrent handlers', async () => {
    const s = await setup()
    const seen = new Map<string, string[]>()
    const handle = s.runtime.consume({
      queue: s.queue,
      bindings: ['innkeeper.listing.#'],
      schema: CloudEventSchema,
      concurrency: 4,
      handler: async (ce) => {
        // Uneven work per message, so that handlers finish out of arrival order.
        const spins = (Number(ce.id.split('_').at(-1)) * 7) % 5
        for (let i = 0; i < spins; i++) await new Promise((r) => setImmediate(r))
        seen.set(ce.subject, [...(seen.get(ce.subject) ?? []), ce.id])
      },
    })
    await handle.ready
    const events = Array.from({ length: 60 }, (_, i) => listingEvent(`lst_${i % 3}`))
    await run(s.publisher.publish(events))
    await until('all handled', () => count(s.outcomes, 'handled') === events.length)
    for (const subject of ['lst_0', 'lst_1', 'lst_2'])
      expect(seen.get(subject)).toEqual(events.filter((e) => e.subject === subject).map((e) => e.id))
    await teardown(s)
  })

  it('close() drains: an in-flight handler finishes and its message is acknowledged, not redelivered', async () => {
    const s = await setup()
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    let started = 0
    let finished = 0
    const handle = s.runtime.consume({
      queue: s.queue,
      bindings: ['innkeeper.listing.#'],
      schema: CloudEventSchema,
      handler: async () => {
        started++
        await gate
        finished++
      },
    })
    await handle.ready
    await run(s.publisher.publish([listingEvent('lst_slow')]))
    await until('handler started', () => started === 1)
    let closed = false
    const closing = handle.close().then(() => {
      closed = true
    })
    await new Promise((r) => setTimeout(r, 50))
    expect(closed).toBe(false)
    release()
    await closing
    expect(finished).toBe(1)
    expect(count(s.outcomes, 'handled')).toBe(1)
    expect(await depth(s.queue)).toBe(0)
    await teardown(s)
  })
})
