import { Data, type Effect } from 'effect'
import type { DomainEvent, OutboxEntry } from '../core/domain/events/events.js'
import type { Instant } from '../core/domain/shared/time.js'
import { token } from './tokens.js'

/** The broker did not confirm: the relay keeps the events pending and tries again. */
export class PublishFailed extends Data.TaggedError('PublishFailed')<{ readonly reason: string }> {
  readonly code = 'publish_failed' as const
}

/** Publishes events to consumers; returns only once they are durably accepted. */
export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Effect.Effect<void, PublishFailed>
}
export const EventPublisher = token<EventPublisher>('EventPublisher')

/**
 * The outbox that repositories append to in the same atomic write as their change. The relay reads
 * pending entries in order, publishes them, then marks them sent: at-least-once delivery.
 */
export interface OutboxSource {
  /** The oldest pending entries, in outbox order. */
  pending(limit: number): Effect.Effect<readonly OutboxEntry[]>
  /** Idempotent. */
  markSent(eventIds: readonly string[]): Effect.Effect<void>
  /** Counts a failed attempt; the entries stay pending. */
  markFailed(eventIds: readonly string[]): Effect.Effect<void>
  /** How far publishing is behind: what operators watch during a broker outage. */
  backlog(): Effect.Effect<OutboxBacklog>
}

export interface OutboxBacklog {
  /** Events not yet marked sent. */
  readonly pending: number
  /** The time of the oldest of them (first in outbox order), or null when none is pending. */
  readonly oldestAt: Instant | null
}
export const OutboxSource = token<OutboxSource>('OutboxSource')
