import type { Logger } from 'pino'
import { Counter, Gauge, type Registry } from 'prom-client'
import type { ConnectionStatus } from '../../adapters/amqp/connection.js'
import { MessagingMetrics } from '../../adapters/amqp/messaging-metrics.js'
import type { OutageReport } from '../../adapters/redis/fallbacks.js'
import type { OutboxBacklog } from '../../ports/events.js'

/** One outage report: a Redis-backed port or the broker connection went down or came back. */
export type DegradationReport =
  | ({ readonly kind: 'redis' } & OutageReport)
  | ({ readonly kind: 'broker'; readonly port: 'events' } & ConnectionStatus)

export interface DegradationSink {
  report(r: DegradationReport): void
  /** One background turn's relay result (published and unconfirmed events). */
  relayed(r: { readonly published: number; readonly failed: number }): void
}

/**
 * Where the API's outage reports go (issue 16: outages are visible): one `warn` line when a port's
 * backing service goes away and one when it is back, `innkeeper_dependency_up{port}` (1/0) and
 * `innkeeper_dependency_outages_total{port}` on /metrics, beside the event-flow metrics (outbox
 * backlog, oldest unpublished event's age, broker connection).
 */
export const degradationSink = (
  logger: Logger,
  registry: Registry,
  backlog: () => Promise<OutboxBacklog>,
): DegradationSink => {
  const messaging = new MessagingMetrics(registry, { backlog })
  const up = new Gauge({
    name: 'innkeeper_dependency_up',
    help: '1 while the service behind a port answers, 0 during an outage (the port runs degraded)',
    labelNames: ['port'],
    registers: [registry],
  })
  const outages = new Counter({
    name: 'innkeeper_dependency_outages_total',
    help: 'Outages of the service behind a port (Redis for cache and rate limits, the broker for events)',
    labelNames: ['port'],
    registers: [registry],
  })
  return {
    relayed: (r) => messaging.observeRelay(r),
    report: (r) => {
      up.set({ port: r.port }, r.state === 'down' ? 0 : 1)
      const what = r.kind === 'broker' ? 'broker connection' : `Redis for ${r.port}`
      if (r.state === 'down') {
        outages.inc({ port: r.port })
        logger.warn(
          { port: r.port, service: r.kind, reason: r.reason },
          `${what} lost: ${r.port} runs degraded`,
        )
      } else
        logger.warn(
          { port: r.port, service: r.kind, downForMs: r.downForMs },
          `${what} back after ${r.downForMs} ms`,
        )
      if (r.kind === 'broker') messaging.observeConnection(r)
    },
  }
}
