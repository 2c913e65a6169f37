import { Result } from 'effect'
import { pino } from 'pino'
import { collectDefaultMetrics, Registry } from 'prom-client'
import {
  CacheProcessedEvents,
  InMemoryProcessedEvents,
  type ProcessedEvents,
} from '../../adapters/amqp/index.js'
import { MessagingMetrics } from '../../adapters/amqp/messaging-metrics.js'
import type { OutboxBacklog } from '../../ports/events.js'
import { createEngine } from '../composition/engine.js'
import { createInfrastructure, redactAmqpUrl } from '../composition/infrastructure.js'
import { stripeGateway } from '../composition/payments.js'
import { type OpenedStore, openStore, redactMongoUrl } from '../composition/store.js'
import { loadWorkerConfig } from './config.js'
import { amqpEventSource } from './event-sources.js'
import { startMetricsServer } from './metrics-server.js'
import { startWorker, type Worker } from './worker.js'

/**
 * `npm run worker`: the standalone worker process.
 *
 * With in-memory repositories (the default) it consumes the events the API's outbox relay publishes
 * to RabbitMQ and runs the consumers that need no repository (cache invalidation, on the Redis cache
 * the API shares). With a shared store (INNKEEPER_STORE=mongo) it owns the background work of the
 * deployment: the outbox relay, the timers (due transitions, hold expiry, review reveal), payouts,
 * and the consumers that read repositories (notifications, payouts; over RabbitMQ, or in process
 * with in-memory events). Several workers may run: each transition is applied once. SIGTERM/SIGINT
 * drain the messages in flight, then exit.
 */
const main = async () => {
  const loaded = loadWorkerConfig(process.env)
  if (Result.isFailure(loaded)) {
    process.stderr.write(
      `innkeeper worker: invalid configuration\n${loaded.failure.map((m) => `  - ${m}\n`).join('')}`,
    )
    process.exit(2)
  }
  const config = loaded.success
  const log = pino({ level: config.logLevel, base: { service: 'innkeeper-worker' } })
  const store: OpenedStore | null =
    config.store.kind === 'mongo' ? await openStore(config.store, { appName: 'innkeeper-worker' }) : null
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  // On a shared store the worker relays the outbox: its backlog is read at each scrape.
  let outboxBacklog: (() => Promise<OutboxBacklog>) | null = null
  const messaging = new MessagingMetrics(
    registry,
    store === null
      ? {}
      : {
          backlog: () =>
            outboxBacklog === null ? Promise.reject(new Error('not started yet')) : outboxBacklog(),
        },
  )
  const infra = await createInfrastructure(config.infrastructure, {
    connectionName: 'innkeeper-worker',
    onError: (source, err) => log.debug({ err, source }, 'connection problem; reconnecting'),
    // Once per outage, not per reconnection attempt (issue 16: outages are visible).
    onBrokerStatus: (s) => {
      messaging.observeConnection(s)
      if (s.state === 'down')
        log.warn({ reason: s.reason }, 'broker connection lost; events wait in the outbox')
      else log.warn({ downForMs: s.downForMs }, `broker connection back after ${s.downForMs} ms`)
    },
    onOutcome: (queue, o) => {
      messaging.observeOutcome(queue, o)
      if (o.kind === 'dead-lettered')
        log.warn({ queue, eventId: o.id, reason: o.reason }, 'event dead-lettered')
      else if (o.kind === 'retry')
        log.info(
          { queue, eventId: o.id, attempt: o.attempt, error: o.error },
          'event handling failed; retrying',
        )
    },
  }).catch(async (err: unknown) => {
    await store?.close()
    throw err
  })
  const { amqp } = infra
  if (amqp !== null) messaging.observeConnection({ state: 'connected' })
  const cache = infra.ports.cache
  // Shared by every replica of the worker and kept across restarts when the cache is Redis.
  const processed = (name: string): ProcessedEvents =>
    cache === undefined
      ? new InMemoryProcessedEvents()
      : new CacheProcessedEvents(cache, {
          prefix: `${config.queuePrefix}.${name}`,
          ttlMs: config.dedupeTtlMs,
        })
  const consumers =
    amqp === null || config.consumers.length === 0
      ? false
      : {
          source: amqpEventSource(amqp.consumer, {
            queuePrefix: config.queuePrefix,
            maxRetries: config.maxRetries,
            retryDelayMs: config.retryDelayMs,
            concurrency: config.concurrency,
            processed,
          }),
          names: config.consumers,
          ...(cache === undefined ? {} : { cache }),
        }
  let worker: Worker
  if (store === null) {
    if (consumers === false) throw new Error('the configuration promised RabbitMQ consumers')
    worker = startWorker({ consumers, log })
  } else {
    // The engine on the shared store; with in-memory events its relay feeds notifications and the
    // payout ledger in this process (the runner's in-process tasks).
    const inProcess = config.infrastructure.events === 'memory'
    const paymentGateway =
      config.payments.provider === 'stripe' ? await stripeGateway(config.payments) : undefined
    const engine = createEngine({
      ...(paymentGateway === undefined ? {} : { paymentGateway }),
      liveClock: true,
      clockAheadMs: config.clockAheadMs,
      store: store.ports,
      ports: infra.ports,
      background: {
        webhooks: false,
        timers: true,
        relay: true,
        payouts: true,
        notifications: inProcess,
        earnings: inProcess,
      },
    })
    outboxBacklog = () => engine.run(engine.deps.outbox.backlog())
    worker = startWorker({
      onRelay: (r) => messaging.observeRelay(r),
      useCases: engine.useCases,
      runner: engine.background,
      relay: { intervalMs: config.loops.relayMs },
      timers: { intervalMs: config.loops.timersMs },
      payouts: { intervalMs: config.loops.payoutsMs },
      consumers,
      log,
    })
  }
  await worker.ready
  const metricsServer =
    config.metricsPort === null ? null : await startMetricsServer(registry, config.metricsPort)
  if (metricsServer !== null) log.info({ url: metricsServer.url }, 'worker metrics')
  log.info(
    {
      ...(amqp === null
        ? {}
        : {
            amqp: redactAmqpUrl(config.infrastructure.amqpUrl),
            exchange: amqp.exchange,
            queues: config.consumers.map((c) => `${config.queuePrefix}.${c}`),
          }),
      ...(store === null
        ? {}
        : {
            store: `${redactMongoUrl(store.config.url)} db ${store.config.database}`,
            loops: ['outbox relay', 'due transitions', 'due payouts'],
          }),
    },
    'innkeeper worker consuming',
  )

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down: draining messages in flight')
    const force = setTimeout(() => {
      log.error({}, 'shutdown took too long; exiting')
      process.exit(1)
    }, 30_000)
    force.unref()
    await worker.close()
    await metricsServer?.close()
    await infra.close()
    await store?.close()
    log.info({ stats: worker.stats() }, 'stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((err: unknown) => {
  process.stderr.write(
    `innkeeper worker: failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  )
  process.exit(1)
})
