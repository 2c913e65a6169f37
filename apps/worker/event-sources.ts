import {
  type AmqpConsumer,
  CloudEventSchema,
  type ConsumerStats,
  fromCloudEvent,
  type ProcessedEvents,
  topicMatches,
} from '../../adapters/amqp/index.js'
import type { InMemoryEventPublisher } from '../../adapters/memory/index.js'
import type { DomainEvent } from '../../core/domain/events/events.js'

/** One consumer's subscription: a name (its queue), the event types it binds, what it does. */
export interface Subscription {
  readonly name: string
  /** Topic patterns over event types (`innkeeper.booking.#`, `innkeeper.*.created.v1`). */
  readonly bindings: readonly string[]
  /** Throws to say "failed, retry me". */
  readonly handle: (event: DomainEvent) => Promise<void>
}

export interface SubscriptionHandle {
  readonly ready: Promise<void>
  stats(): ConsumerStats
  /** Stops taking events and waits for the ones being handled. */
  close(): Promise<void>
}

/** Where the worker's consumers get events from: RabbitMQ, or the publisher of the same process. */
export interface EventSource {
  readonly kind: 'amqp' | 'memory'
  subscribe(subscription: Subscription): SubscriptionHandle
}

export interface AmqpEventSourceOptions {
  /** Queue of consumer `name` is `<queuePrefix>.<name>` (default `innkeeper.worker`). */
  readonly queuePrefix?: string
  readonly maxRetries?: number
  readonly retryDelayMs?: number
  readonly concurrency?: number
  /** The de-duplication store of each consumer (ids are per consumer, never shared). */
  readonly processed: (name: string) => ProcessedEvents
}

/**
 * Consumers on RabbitMQ: each subscription is a durable queue of its own, bound to the exchange by
 * its patterns, decoded with the event catalogue, with de-duplication, bounded retries and a
 * dead-letter queue (the AmqpConsumer runtime).
 */
export const amqpEventSource = (runtime: AmqpConsumer, options: AmqpEventSourceOptions): EventSource => ({
  kind: 'amqp',
  subscribe: (s) =>
    runtime.consume({
      queue: `${options.queuePrefix ?? 'innkeeper.worker'}.${s.name}`,
      bindings: s.bindings,
      schema: CloudEventSchema,
      handler: (ce) => s.handle(fromCloudEvent(ce)),
      processed: options.processed(s.name),
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    }),
})

export interface InMemoryEventSourceOptions {
  /** Handler failures retried at once before the event is given up and reported (default 3). */
  readonly maxRetries?: number
  /** Called with every event a handler gave up on (there is no dead-letter queue in memory). */
  readonly onGiveUp?: (subscription: string, event: DomainEvent, error: unknown) => void
}

/**
 * Consumers in the same process as an in-memory publisher (no broker): each published event whose
 * type matches a subscription's patterns is handled, in order per subject, with bounded retries.
 */
export const inMemoryEventSource = (
  publisher: InMemoryEventPublisher,
  options: InMemoryEventSourceOptions = {},
): EventSource => ({
  kind: 'memory',
  subscribe: (s) => {
    const maxRetries = Math.max(0, options.maxRetries ?? 3)
    const counts = { handled: 0, duplicates: 0, retried: 0, deadLettered: 0 }
    const inFlight = new Set<Promise<void>>()
    const lastOfSubject = new Map<string, Promise<void>>()
    const handleWithRetries = async (event: DomainEvent): Promise<void> => {
      for (let attempt = 0; ; attempt++) {
        try {
          await s.handle(event)
          counts.handled++
          return
        } catch (err) {
          if (attempt >= maxRetries) {
            counts.deadLettered++
            options.onGiveUp?.(s.name, event, err)
            return
          }
          counts.retried++
        }
      }
    }
    const unsubscribe = publisher.subscribe((event) => {
      if (!s.bindings.some((b) => topicMatches(b, event.type))) return
      const previous = lastOfSubject.get(event.subject) ?? Promise.resolve()
      const run = previous.then(() => handleWithRetries(event))
      lastOfSubject.set(event.subject, run)
      inFlight.add(run)
      void run.finally(() => {
        inFlight.delete(run)
        if (lastOfSubject.get(event.subject) === run) lastOfSubject.delete(event.subject)
      })
    })
    return {
      ready: Promise.resolve(),
      stats: () => ({ ...counts }),
      close: async () => {
        unsubscribe()
        while (inFlight.size > 0) await Promise.all(inFlight)
      },
    }
  },
})
