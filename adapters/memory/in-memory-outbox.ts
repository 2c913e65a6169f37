import { Effect } from 'effect'
import type { DomainEvent, OutboxEntry } from '../../core/domain/events/events.js'
import type { OutboxBacklog, OutboxSource } from '../../ports/events.js'
import { snapshot } from './support.js'

interface Row {
  readonly event: DomainEvent
  readonly seq: number
  attempts: number
}

/**
 * The transactional outbox of the in-memory adapters. Repositories call `append` synchronously in
 * the same step as their write, so an entity change and its events can never be seen apart.
 */
export class InMemoryOutbox implements OutboxSource {
  private seq = 0
  /** Pending rows in seq order (a Map keeps insertion order, which is seq order). */
  private readonly pendingRows = new Map<string, Row>()
  private readonly sentIds = new Set<string>()
  private readonly recorded = new Set<(events: readonly DomainEvent[]) => void>()

  /** Appends events synchronously; an event id already in the outbox is ignored. */
  append(events: readonly DomainEvent[]): void {
    const added: DomainEvent[] = []
    for (const event of events) {
      if (this.pendingRows.has(event.id) || this.sentIds.has(event.id)) continue
      this.seq += 1
      const row = { event: snapshot(event), seq: this.seq, attempts: 0 }
      this.pendingRows.set(event.id, row)
      added.push(row.event)
    }
    if (added.length > 0) for (const listener of this.recorded) listener(added)
  }

  /**
   * Calls `listener` with the events of every write from now on, as they are recorded (before the
   * relay publishes them): for in-process read models that must follow a change at once, such as
   * the HTTP response cache. A listener must not throw. Returns an unsubscribe.
   */
  onAppend(listener: (events: readonly DomainEvent[]) => void): () => void {
    this.recorded.add(listener)
    return () => this.recorded.delete(listener)
  }

  pending(limit: number): Effect.Effect<readonly OutboxEntry[]> {
    return Effect.sync(() => {
      const out: OutboxEntry[] = []
      if (limit <= 0) return out
      for (const row of this.pendingRows.values()) {
        out.push({ event: row.event, seq: row.seq, attempts: row.attempts })
        if (out.length >= limit) break
      }
      return out
    })
  }

  markSent(eventIds: readonly string[]): Effect.Effect<void> {
    return Effect.sync(() => {
      for (const id of eventIds) {
        if (this.pendingRows.delete(id)) this.sentIds.add(id)
      }
    })
  }

  markFailed(eventIds: readonly string[]): Effect.Effect<void> {
    return Effect.sync(() => {
      for (const id of eventIds) {
        const row = this.pendingRows.get(id)
        if (row !== undefined) row.attempts += 1
      }
    })
  }

  backlog(): Effect.Effect<OutboxBacklog> {
    return Effect.sync(() => {
      const first = this.pendingRows.values().next()
      return { pending: this.pendingRows.size, oldestAt: first.done ? null : first.value.event.time }
    })
  }

  /** Test helper: every event ever appended that is still pending, in order. */
  pendingEvents(): readonly DomainEvent[] {
    return [...this.pendingRows.values()].map((r) => r.event)
  }

  /** Test helper: how many events were ever appended. */
  get appendedCount(): number {
    return this.seq
  }
}
