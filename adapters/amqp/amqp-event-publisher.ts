import { Effect } from 'effect'
import type { Connection, Envelope, Publisher } from 'rabbitmq-client'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { type EventPublisher, PublishFailed } from '../../ports/events.js'
import {
  CLOUDEVENTS_CONTENT_TYPE,
  CLOUDEVENTS_SOURCE,
  DEFAULT_EXCHANGE,
  toCloudEvent,
} from './cloud-event.js'

export { CLOUDEVENTS_CONTENT_TYPE, DEFAULT_EXCHANGE }

import { describeError, sleep } from './connection.js'

export interface AmqpEventPublisherOptions {
  /** The durable topic exchange (default `innkeeper.events`). */
  readonly exchange?: string
  /** CloudEvents `source` (default `urn:innkeeper`). */
  readonly source?: string
  /**
   * Attempts per `publish` call (default 3): after a failed attempt the batch is re-sent in order
   * from its first unconfirmed event, after `retryDelayMs`.
   */
  readonly maxAttempts?: number
  readonly retryDelayMs?: number
  /** How long one attempt may wait for the broker’s confirms (default 5,000 ms). */
  readonly confirmTimeoutMs?: number
  /**
   * How long an attempt waits for the connection when it is down, before failing without sending
   * (default 1,000 ms: enough for the first connection at start-up).
   */
  readonly connectWaitMs?: number
}

export interface PublisherStats {
  /** Messages the broker confirmed. */
  readonly confirmed: number
  /** Attempts that failed and were retried or given up. */
  readonly failedAttempts: number
  /** Of those, attempts refused at once because the connection was down (nothing was sent). */
  readonly refusedOffline: number
}

/** The AMQP message for one event: CloudEvents 1.0 structured JSON, persistent, routed by type. */
export const toAmqpMessage = (
  exchange: string,
  event: DomainEvent,
  source: string = CLOUDEVENTS_SOURCE,
): { readonly envelope: Envelope; readonly body: Buffer } => ({
  envelope: {
    exchange,
    routingKey: event.type,
    durable: true,
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    messageId: event.id,
    type: event.type,
    appId: 'innkeeper',
    timestamp: Math.floor(event.time / 1000),
  },
  body: Buffer.from(JSON.stringify(toCloudEvent(event, source)), 'utf8'),
})

/**
 * Publishes events to a durable topic exchange with publisher confirms: `publish` resolves only
 * once the broker has confirmed every message (persisted to its queues), so the outbox relay marks
 * events sent only after that. Messages of one call are sent in order on one channel; a failed
 * attempt (connection lost, broker nack, no confirm in time) is retried a bounded number of times,
 * re-sending in order from the first event not confirmed, and then fails with `PublishFailed` so
 * the relay keeps the events pending. Re-sending may duplicate events: consumers de-duplicate by id.
 */
export class AmqpEventPublisher implements EventPublisher {
  readonly exchange: string
  private readonly source: string
  private readonly maxAttempts: number
  private readonly retryDelayMs: number
  private readonly confirmTimeoutMs: number
  private readonly connectWaitMs: number
  private readonly publisher: Publisher
  private readonly connection: Connection
  private confirmed = 0
  private failedAttempts = 0
  private refusedOffline = 0
  /** Calls are serialized so that events of consecutive relay batches keep their order. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(connection: Connection, options: AmqpEventPublisherOptions = {}) {
    this.exchange = options.exchange ?? DEFAULT_EXCHANGE
    this.source = options.source ?? CLOUDEVENTS_SOURCE
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? 3))
    this.retryDelayMs = Math.max(0, options.retryDelayMs ?? 200)
    this.confirmTimeoutMs = Math.max(1, options.confirmTimeoutMs ?? 5_000)
    this.connectWaitMs = Math.max(0, options.connectWaitMs ?? 1_000)
    this.connection = connection
    this.publisher = connection.createPublisher({
      confirm: true,
      // Retries are ours, per batch and in order; the library's would re-send messages one by one.
      maxAttempts: 1,
      exchanges: [{ exchange: this.exchange, type: 'topic', durable: true }],
    })
  }

  publish(events: readonly DomainEvent[]): Effect.Effect<void, PublishFailed> {
    if (events.length === 0) return Effect.void
    return Effect.tryPromise({
      try: () => {
        const run = this.queue.then(() => this.publishInOrder(events))
        this.queue = run.catch(() => undefined)
        return run
      },
      catch: (err) => new PublishFailed({ reason: describeError(err) }),
    })
  }

  stats(): PublisherStats {
    return {
      confirmed: this.confirmed,
      failedAttempts: this.failedAttempts,
      refusedOffline: this.refusedOffline,
    }
  }

  /** Waits for outstanding confirms, then closes the channel (not the connection). */
  async close(): Promise<void> {
    await this.queue
    await this.publisher.close()
  }

  private async publishInOrder(events: readonly DomainEvent[]): Promise<void> {
    const messages = events.map((e) => toAmqpMessage(this.exchange, e, this.source))
    let from = 0
    let lastError: unknown = null
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(this.retryDelayMs * 2 ** (attempt - 2))
      const firstFailed = await this.attempt(messages, from)
      if (firstFailed === null) return
      this.failedAttempts++
      from = firstFailed.index
      lastError = firstFailed.error
    }
    throw new Error(
      `broker did not confirm ${messages.length - from} of ${messages.length} event(s) after ${this.maxAttempts} attempt(s): ${describeError(lastError)}`,
    )
  }

  /** Sends `messages[from..]` pipelined; returns the first index not confirmed, or null if all were. */
  private async attempt(
    messages: readonly { readonly envelope: Envelope; readonly body: Buffer }[],
    from: number,
  ): Promise<{ readonly index: number; readonly error: unknown } | null> {
    // While the connection is down nothing is handed to the client library: a send it accepted
    // then would wait for the reconnection and go out afterwards, after this attempt had already
    // given up and the relay had tried again, so each attempt during an outage would become one
    // more copy of the batch. Refused here, an outage of any length resends at most the messages
    // that were in flight when it began.
    if (!this.connection.ready)
      await this.connection.onConnect(this.connectWaitMs, true).catch(() => undefined)
    if (!this.connection.ready) {
      this.refusedOffline++
      return { index: from, error: new Error('broker connection is down (not sent)') }
    }
    const sends = messages.slice(from).map((m) => this.publisher.send(m.envelope, m.body))
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.confirmTimeoutMs)
    })
    const settledOrTimeout = await Promise.race([Promise.allSettled(sends), timeout])
    clearTimeout(timer)
    if (settledOrTimeout === 'timeout') {
      // Whatever confirms later is harmless: the unconfirmed tail is re-sent and de-duplicated.
      for (const s of sends) s.catch(() => undefined)
      return { index: from, error: new Error(`no confirm within ${this.confirmTimeoutMs} ms`) }
    }
    let firstFailed: { index: number; error: unknown } | null = null
    settledOrTimeout.forEach((r, i) => {
      if (r.status === 'fulfilled') this.confirmed++
      else if (firstFailed === null) firstFailed = { index: from + i, error: r.reason }
    })
    return firstFailed
  }
}
