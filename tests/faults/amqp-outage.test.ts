import { randomUUID } from 'node:crypto'
import { Effect } from 'effect'
import type { Connection } from 'rabbitmq-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloudEventSchema } from '../../adapters/amqp/cloud-event.js'
import {
  AmqpConsumer,
  AmqpEventPublisher,
  type ConnectionStatus,
  createAmqpConnection,
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
import { sleep, until } from '../support/wait.js'

/**
 * Broker outages of 5, 30 and 120 seconds in the middle of a burst (issue 16: "a broker outage of
 * any length resends at most the publishes that were unconfirmed when it began"). The relay's
 * connection goes through a proxy that cuts every connection and refuses new ones for the outage;
 * the consumer reads through its own direct connection and counts every copy it is given. The
 * relay keeps trying all through the outage, as the API's and the worker's loops do. Before the
 * publisher refused to hand messages to the client library while disconnected, every attempt during
 * the outage was queued there and sent on reconnection: copies grew with the outage's length.
 *
 * The three outages run at once (each with its own proxy, exchange and queues), so the file takes
 * about as long as the longest. `OUTAGES=5000,30000` (ms) runs other lengths.
 */
const BROKER = { host: '127.0.0.1', port: 5672 }
const RUN = `innkeeper.outage.${randomUUID().slice(0, 8)}`
const EVENTS = 600
const BATCH = 50

let direct: Connection
const cleanup: (() => Promise<unknown>)[] = []

beforeAll(async () => {
  direct = createAmqpConnection({ connectionName: `${RUN}.admin` })
  await direct.onConnect(5_000)
})

afterAll(async () => {
  // Each step bounded: a close that waits on a connection the test broke must not hang the file.
  const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), sleep(5_000)])
  for (const c of cleanup.reverse()) await bounded(c())
  await bounded(direct.close())
}, 120_000)

const burst = (tag: string): DomainEvent[] =>
  Array.from({ length: EVENTS }, (_, i) => ({
    id: `evt_${tag}_${String(i).padStart(5, '0')}` as EventId,
    type: 'innkeeper.listing.activated.v1',
    subject: `lst_${i % 20}`,
    time: instant(Date.UTC(2026, 0, 1) + i),
    data: { listingId: `lst_${i % 20}`, hostId: 'usr_host' },
  }))

interface OutageReport {
  readonly outageMs: number
  readonly events: number
  readonly delivered: number
  readonly duplicates: number
  readonly lost: number
  readonly inFlightAtCut: number
  readonly relayRunsDuringOutage: number
  readonly refusedOffline: number
  readonly statuses: readonly ConnectionStatus['state'][]
}

/** One burst with one outage of `outageMs` once a quarter of it is confirmed. */
const outage = async (outageMs: number): Promise<OutageReport> => {
  const tag = `${RUN}.${outageMs}`
  const exchange = `${tag}.events`
  const queue = `${tag}.consumer`
  cleanup.push(
    () => direct.exchangeDelete({ exchange }),
    ...[queue, retryQueueOf(queue), deadLetterQueueOf(queue)].map(
      (q) => () => direct.queueDelete({ queue: q }),
    ),
  )
  const proxy = new CuttableProxy(BROKER)
  const port = await proxy.listen()
  const statuses: ConnectionStatus[] = []
  const relayConnection = createAmqpConnection({
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    connectionName: `${tag}.relay`,
    retryLowMs: 100,
    retryHighMs: 1_000,
    acquireTimeoutMs: 5_000,
    onStatus: (s) => statuses.push(s),
  })
  cleanup.push(
    () => proxy.close(),
    () => relayConnection.close(),
  )
  await relayConnection.onConnect(5_000)

  const events = burst(String(outageMs))
  const outbox = new InMemoryOutbox()
  outbox.append(events)
  const publisher = new AmqpEventPublisher(relayConnection, {
    exchange,
    maxAttempts: 3,
    retryDelayMs: 50,
    confirmTimeoutMs: 2_000,
  })
  const relay = new RelayOutbox({ outbox, publisher })

  const copies = new Map<string, number>()
  const outcomes: Outcome[] = []
  const consumer = new AmqpConsumer(direct, { exchange, onOutcome: (_q, o) => outcomes.push(o) }).consume({
    queue,
    bindings: ['innkeeper.listing.#'],
    schema: CloudEventSchema,
    prefetch: 50,
    processed: new InMemoryProcessedEvents(),
    handler: async (ce) => {
      copies.set(ce.id, (copies.get(ce.id) ?? 0) + 1)
    },
  })
  cleanup.push(() => consumer.close())
  await consumer.ready

  // The relay loop: one batch at a time, a short pause after a failed run, until the outbox is empty.
  let runsDuringOutage = 0
  const relaying = (async () => {
    while ((await Effect.runPromise(outbox.backlog())).pending > 0) {
      const r = await Effect.runPromise(relay.execute({ batchSize: BATCH }))
      if (proxy.isDown) runsDuringOutage++
      if (r.failed > 0) await sleep(100)
    }
  })()

  await until('a quarter confirmed', () => publisher.stats().confirmed >= EVENTS / 4, 30_000)
  const confirmedAtCut = publisher.stats().confirmed
  const pendingAtCut = (await Effect.runPromise(outbox.backlog())).pending
  proxy.down(outageMs)
  await relaying
  const seen = () => outcomes.filter((o) => o.kind === 'handled' || o.kind === 'duplicate').length
  await until('every event delivered', () => copies.size === events.length, 60_000)
  // Whatever copies are still on their way arrive within a moment of the last original.
  let settled = -1
  while (settled !== seen()) {
    settled = seen()
    await sleep(500)
  }
  const duplicates = outcomes.filter((o) => o.kind === 'duplicate').length
  return {
    outageMs,
    events: events.length,
    delivered: seen(),
    duplicates,
    lost: events.filter((e) => !copies.has(e.id)).length,
    // Sent but not confirmed when the outage began: at most the batch in flight.
    inFlightAtCut: Math.min(BATCH, EVENTS - confirmedAtCut, pendingAtCut),
    relayRunsDuringOutage: runsDuringOutage,
    refusedOffline: publisher.stats().refusedOffline,
    statuses: statuses.map((s) => s.state),
  }
}

describe('RabbitMQ outages of 5, 30 and 120 s during a burst', () => {
  it('no event is lost, copies are at most the batch in flight when the outage began, the outage is reported once', async () => {
    const reports = await Promise.all(
      (process.env.OUTAGES ?? '5000,30000,120000').split(',').map(Number).map(outage),
    )
    for (const r of reports)
      console.info(
        `[amqp outage ${r.outageMs / 1000} s] events ${r.events}, delivered ${r.delivered}, duplicates ${r.duplicates}, lost ${r.lost}, in flight at cut ≤ ${r.inFlightAtCut}, relay runs during outage ${r.relayRunsDuringOutage} (${r.refusedOffline} attempts refused offline), connection ${r.statuses.join(' → ')}`,
      )
    for (const r of reports) {
      expect(r.lost).toBe(0)
      // The relay really kept trying while the broker was unreachable.
      expect(r.relayRunsDuringOutage).toBeGreaterThan(0)
      expect(r.refusedOffline).toBeGreaterThan(1)
      expect(r.duplicates).toBeLessThanOrEqual(r.inFlightAtCut)
      // One "down" and one "up" per outage, not one per failed reconnection attempt.
      expect(r.statuses).toEqual(['down', 'up'])
    }
  }, 240_000)
})
