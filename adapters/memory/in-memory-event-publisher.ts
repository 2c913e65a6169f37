import { Effect } from 'effect'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { type EventPublisher, PublishFailed } from '../../ports/events.js'
import { trimLog } from './bounded.js'

/**
 * Records what was published; tests subscribe to it or make the next publishes fail. The record
 * keeps the latest `retain` events (default 20,000): subscribers see every event, the log is for
 * looking back, and a long-running process must not keep them all.
 */
export class InMemoryEventPublisher implements EventPublisher {
  private readonly log: DomainEvent[] = []
  private readonly retain: number

  constructor(options: { readonly retain?: number } = {}) {
    this.retain = options.retain ?? 20_000
  }

  private readonly handlers = new Set<(event: DomainEvent) => void>()
  private failures: string[] = []

  publish(events: readonly DomainEvent[]): Effect.Effect<void, PublishFailed> {
    return Effect.suspend(() => {
      const failure = this.failures.shift()
      if (failure !== undefined) return Effect.fail(new PublishFailed({ reason: failure }))
      for (const e of events) this.log.push(e)
      trimLog(this.log, this.retain)
      for (const e of events) for (const h of this.handlers) h(e)
      return Effect.void
    })
  }

  /** The events published so far (the latest `retain`), in order, duplicates included (at-least-once). */
  published(): readonly DomainEvent[] {
    return [...this.log]
  }

  /** Calls `handler` for every event published from now on. Returns an unsubscribe. */
  subscribe(handler: (event: DomainEvent) => void): () => void {
    this.handlers.add(handler)
    return () => {
      this.handlers.delete(handler)
    }
  }

  /** Makes the next `count` calls to `publish` fail with `PublishFailed`. */
  failNext(count = 1, reason = 'broker unavailable (simulated)'): void {
    for (let i = 0; i < count; i++) this.failures.push(reason)
  }

  clear(): void {
    this.log.length = 0
  }
}
