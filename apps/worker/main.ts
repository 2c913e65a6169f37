import { Result } from 'effect'
import { pino } from 'pino'
import { CacheProcessedEvents } from '../../adapters/amqp/index.js'
import { createInfrastructure, redactAmqpUrl } from '../composition/infrastructure.js'
import { loadWorkerConfig } from './config.js'
import { amqpEventSource } from './event-sources.js'
import { startWorker } from './worker.js'

/**
 * `npm run worker`: the standalone worker process. It consumes the events the API's outbox relay
 * publishes to RabbitMQ and runs the consumers that need no repository (cache invalidation, on the
 * Redis cache the API shares). SIGTERM/SIGINT drain the messages in flight, then exit.
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
  const infra = await createInfrastructure(config.infrastructure, {
    connectionName: 'innkeeper-worker',
    onError: (source, err) => log.warn({ err, source }, 'connection problem; reconnecting'),
  })
  const { amqp } = infra
  const cache = infra.ports.cache
  if (amqp === null || cache === undefined)
    throw new Error('the configuration promised RabbitMQ and a Redis cache')
  const worker = startWorker({
    consumers: {
      source: amqpEventSource(amqp.consumer, {
        queuePrefix: config.queuePrefix,
        maxRetries: config.maxRetries,
        retryDelayMs: config.retryDelayMs,
        concurrency: config.concurrency,
        // Shared by every replica of the worker and kept across restarts.
        processed: (name) =>
          new CacheProcessedEvents(cache, {
            prefix: `${config.queuePrefix}.${name}`,
            ttlMs: config.dedupeTtlMs,
          }),
      }),
      names: config.consumers,
      cache,
    },
    log,
  })
  await worker.ready
  log.info(
    {
      amqp: redactAmqpUrl(config.infrastructure.amqpUrl),
      exchange: amqp.exchange,
      queues: config.consumers.map((c) => `${config.queuePrefix}.${c}`),
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
    await infra.close()
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
