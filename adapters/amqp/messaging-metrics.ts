import { Counter, Gauge, type Registry } from 'prom-client'
import type { OutboxBacklog } from '../../ports/events.js'
import type { Outcome } from './amqp-consumer.js'
import type { ConnectionStatus } from './connection.js'

export interface MessagingMetricsOptions {
  /** Read at each scrape: how far the outbox relay is behind. */
  readonly backlog?: () => Promise<OutboxBacklog>
  /** The wall clock in ms (for the age of the oldest pending event). */
  readonly now?: () => number
}

/**
 * What an operator watches of the event flow, on a prom-client registry the process already
 * exposes: the outbox backlog and the age of its oldest event (read at scrape time), relay batches
 * that failed, the broker connection (up or not, and how often it was lost), and what consumers did
 * with each message (handled, duplicate, retry, dead-lettered).
 */
export class MessagingMetrics {
  private readonly relayed: Counter<'result'>
  private readonly brokerUp: Gauge
  private readonly disconnects: Counter
  private readonly consumed: Counter<'queue' | 'outcome'>

  constructor(registry: Registry, options: MessagingMetricsOptions = {}) {
    const now = options.now ?? Date.now
    const backlog = options.backlog
    let last: OutboxBacklog | null = null
    let reading: Promise<OutboxBacklog | null> | null = null
    // One backlog read per scrape, shared by the two gauges (prom-client collects them at once); a
    // failed read keeps the last figures.
    const read = (): Promise<OutboxBacklog | null> => {
      if (backlog === undefined) return Promise.resolve(null)
      reading ??= backlog()
        .catch(() => last)
        .then((b) => {
          last = b
          reading = null
          return b
        })
      return reading
    }
    new Gauge({
      name: 'innkeeper_outbox_backlog',
      help: 'Domain events in the outbox not yet confirmed by the broker',
      registers: [registry],
      async collect() {
        const b = await read()
        if (b !== null) this.set(b.pending)
      },
    })
    new Gauge({
      name: 'innkeeper_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unpublished domain event (0 when none is pending): the relay lag',
      registers: [registry],
      async collect() {
        const b = await read()
        if (b !== null) this.set(b.oldestAt === null ? 0 : Math.max(0, (now() - b.oldestAt) / 1000))
      },
    })
    this.relayed = new Counter({
      name: 'innkeeper_outbox_relayed_events_total',
      help: 'Events the relay handed to the broker, by result (published, failed)',
      labelNames: ['result'],
      registers: [registry],
    })
    this.brokerUp = new Gauge({
      name: 'innkeeper_broker_connected',
      help: '1 while the connection to the message broker is up, else 0',
      registers: [registry],
    })
    this.disconnects = new Counter({
      name: 'innkeeper_broker_disconnects_total',
      help: 'Times the connection to the message broker was lost',
      registers: [registry],
    })
    this.consumed = new Counter({
      name: 'innkeeper_consumer_messages_total',
      help: 'Messages consumers took, by queue and outcome (handled, duplicate, retry, dead-lettered)',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    })
  }

  /** One relay run's result. */
  observeRelay(result: { readonly published: number; readonly failed: number }): void {
    if (result.published > 0) this.relayed.inc({ result: 'published' }, result.published)
    if (result.failed > 0) this.relayed.inc({ result: 'failed' }, result.failed)
  }

  observeConnection(status: ConnectionStatus | { readonly state: 'connected' }): void {
    this.brokerUp.set(status.state === 'down' ? 0 : 1)
    if (status.state === 'down') this.disconnects.inc()
  }

  observeOutcome(queue: string, outcome: Outcome): void {
    this.consumed.inc({ queue, outcome: outcome.kind })
  }
}
