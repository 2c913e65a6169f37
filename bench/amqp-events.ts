import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Effect } from 'effect'
import type { Connection } from 'rabbitmq-client'
import { CloudEventSchema } from '../adapters/amqp/cloud-event.js'
import {
  AmqpConsumer,
  AmqpEventPublisher,
  createAmqpConnection,
  deadLetterQueueOf,
  InMemoryProcessedEvents,
  retryQueueOf,
} from '../adapters/amqp/index.js'
import { InMemoryOutbox } from '../adapters/memory/index.js'
import { RelayOutbox } from '../core/application/relay-outbox.js'
import type { DomainEvent } from '../core/domain/events/events.js'
import type { EventId } from '../core/domain/shared/ids.js'
import { instant } from '../core/domain/shared/time.js'
import { type BenchReport, fig, formatTable } from './report.js'

/**
 * Events per second through the whole path: outbox → RelayOutbox → AmqpEventPublisher (publisher
 * confirms, persistent messages) → RabbitMQ durable topic exchange and queue → AmqpConsumer
 * (JSON parse, catalogue Schema decode, de-duplication, ack) → handler.
 *
 *   npx tsx bench/amqp-events.ts [--quick] [--amqp-url=amqp://guest:guest@127.0.0.1:5672]
 *
 * Writes bench/results/amqp-events.json. Exchanges and queues are unique to the run and deleted.
 */

export type { BenchReport }

export interface AmqpBenchOptions {
  readonly quick: boolean
  readonly amqpUrl?: string
}

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results', 'amqp-events.json')

interface Scenario {
  readonly batchSize: number
  readonly concurrency: number
}

const scenarios: readonly Scenario[] = [
  { batchSize: 100, concurrency: 1 },
  { batchSize: 500, concurrency: 1 },
  { batchSize: 500, concurrency: 16 },
]

const events = (n: number, tag: string): DomainEvent[] =>
  Array.from({ length: n }, (_, i) => {
    const listingId = `lst_${i % 200}`
    return {
      id: `evt_${tag}_${i}` as EventId,
      type: 'innkeeper.listing.calendar_changed.v1',
      subject: listingId,
      time: instant(Date.UTC(2026, 0, 1) + i),
      data: {
        listingId,
        from: '2026-06-01',
        to: '2026-06-08',
        blocked: null,
        priceOverride: 12_000 + (i % 100),
        surgeBp: null,
      },
    }
  })

interface Measurement {
  /** Relay done: every event confirmed by the broker. */
  readonly publishMs: number
  /** Last event handled by the consumer. */
  readonly endToEndMs: number
}

const measure = async (conn: Connection, s: Scenario, n: number, run: string): Promise<Measurement> => {
  const exchange = `${run}.events`
  const queue = `${run}.consumer`
  const publisher = new AmqpEventPublisher(conn, { exchange })
  const runtime = new AmqpConsumer(conn, { exchange })
  let handled = 0
  let allHandled: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    allHandled = resolve
  })
  const consumer = runtime.consume({
    queue,
    bindings: ['innkeeper.listing.#'],
    schema: CloudEventSchema,
    concurrency: s.concurrency,
    prefetch: Math.max(50, s.concurrency * 4),
    processed: new InMemoryProcessedEvents(),
    handler: async () => {
      handled++
      if (handled === n) allHandled()
    },
  })
  await consumer.ready
  const outbox = new InMemoryOutbox()
  outbox.append(events(n, run))
  const relay = new RelayOutbox({ outbox, publisher })
  const t0 = performance.now()
  for (;;) {
    const r = await Effect.runPromise(relay.execute({ batchSize: s.batchSize }))
    if (r.published === 0 && r.failed === 0) break
  }
  const publishMs = performance.now() - t0
  await done
  const endToEndMs = performance.now() - t0
  await consumer.close()
  await publisher.close()
  for (const q of [queue, retryQueueOf(queue), deadLetterQueueOf(queue)]) await conn.queueDelete({ queue: q })
  await conn.exchangeDelete({ exchange })
  return { publishMs, endToEndMs }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? 0
}

export const run = async (options: AmqpBenchOptions): Promise<BenchReport> => {
  const n = options.quick ? 2_000 : 20_000
  const repeats = options.quick ? 1 : 3
  const url = options.amqpUrl ?? 'amqp://guest:guest@127.0.0.1:5672'
  const conn = createAmqpConnection({ url, connectionName: 'innkeeper-bench' })
  await conn.onConnect(5_000)
  const tag = `innkeeper.bench.${randomUUID().slice(0, 8)}`
  const rows: Array<Record<string, string | number>> = []
  try {
    // Warm-up: connection, channels, JIT.
    await measure(conn, { batchSize: 500, concurrency: 1 }, Math.min(n, 1_000), `${tag}.warm`)
    let i = 0
    for (const s of scenarios) {
      const runs: Measurement[] = []
      for (let r = 0; r < repeats; r++) runs.push(await measure(conn, s, n, `${tag}.${i++}`))
      rows.push({
        'relay batch': s.batchSize,
        'consumer concurrency': s.concurrency,
        events: n,
        'published events/s': fig((n * 1000) / median(runs.map((m) => m.publishMs))),
        'end-to-end events/s': fig((n * 1000) / median(runs.map((m) => m.endToEndMs))),
        'end-to-end s': fig(median(runs.map((m) => m.endToEndMs)) / 1000),
      })
    }
  } finally {
    await conn.close()
  }
  return {
    name: 'amqp-events',
    rows,
    notes: [
      `Median of ${repeats} run(s) of ${n.toLocaleString('en-US')} events after a 1,000-event warm-up; RabbitMQ at ${url.replace(/:[^:@/]*@/, ':***@')}, one connection for relay and consumer, same host.`,
      'published events/s: until the relay has every event confirmed (publisher confirms, persistent messages, durable queue).',
      'end-to-end events/s: from the first relay run until the consumer handled the last event (parse, catalogue decode, de-duplication, ack).',
      'Measured on the shared 2-core development machine: compare rows with each other rather than across machines.',
    ],
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href
if (isMain) {
  const args = process.argv.slice(2)
  const quick = args.includes('--quick')
  const urlArg = args.find((a) => a.startsWith('--amqp-url='))
  const report = await run({
    quick,
    ...(urlArg === undefined ? {} : { amqpUrl: urlArg.slice('--amqp-url='.length) }),
  })
  for (const line of formatTable(report)) console.log(line)
  mkdirSync(dirname(RESULTS), { recursive: true })
  writeFileSync(RESULTS, `${JSON.stringify({ at: new Date().toISOString(), quick, ...report }, null, 2)}\n`)
  console.log(`written to ${RESULTS}`)
}
