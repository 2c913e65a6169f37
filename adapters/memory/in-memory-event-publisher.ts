import { Effect } from 'effect'
import type { DomainEvent } from '../../core/domain/events/events.js'
import { type EventPublisher, PublishFailed } from '../../ports/events.js'

/** Records what was published; tests subscribe to it or make the next publishes fail. */
export class InMemoryEventPublisher implements EventPublisher {
  private readonly log: DomainEvent[] = []
  private readonly handlers = new Set<(event: DomainEvent) => void>()
  private failures: string[] = []

  publish(events: readonly DomainEvent[]): Effect.Effect<void, PublishFailed> {
    return Effect.suspend(() => {
      const failure = this.failures.shift()
      if (failure !== undefined) return Effect.fail(new PublishFailed({ reason: failure }))
      for (const e of events) this.log.push(e)
      for (const e of events) for (const h of this.handlers) h(e)
      return Effect.void
    })
  }

  /** Every event published so far, in order (duplicates included: delivery is at-least-once). */
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
