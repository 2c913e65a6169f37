import type { EventId } from '../shared/ids.js'
import type { Instant } from '../shared/time.js'

/** Event types are explicit, versioned strings: consumers bind to them; never derived from class names. */
export const eventTypes = [
  'innkeeper.user.registered.v1',
  'innkeeper.user.suspended.v1',
  'innkeeper.user.reinstated.v1',
  'innkeeper.user.password_reset_requested.v1',
  'innkeeper.listing.created.v1',
  'innkeeper.listing.updated.v1',
  'innkeeper.listing.activated.v1',
  'innkeeper.listing.deactivated.v1',
  'innkeeper.listing.archived.v1',
  'innkeeper.listing.calendar_changed.v1',
  'innkeeper.booking.requested.v1',
  'innkeeper.booking.awaiting_host.v1',
  'innkeeper.booking.confirmed.v1',
  'innkeeper.booking.declined.v1',
  'innkeeper.booking.expired.v1',
  'innkeeper.booking.cancelled.v1',
  'innkeeper.booking.modified.v1',
  'innkeeper.booking.started.v1',
  'innkeeper.booking.completed.v1',
  'innkeeper.payment.created.v1',
  'innkeeper.payment.authorized.v1',
  'innkeeper.payment.captured.v1',
  'innkeeper.payment.failed.v1',
  'innkeeper.payment.voided.v1',
  'innkeeper.payment.refunded.v1',
  'innkeeper.payout.earning_recorded.v1',
  'innkeeper.payout.earning_adjusted.v1',
  'innkeeper.payout.created.v1',
  'innkeeper.payout.paid.v1',
  'innkeeper.payout.failed.v1',
  'innkeeper.review.posted.v1',
  'innkeeper.review.revealed.v1',
  'innkeeper.review.responded.v1',
  'innkeeper.review.hidden.v1',
] as const
export type EventType = (typeof eventTypes)[number]

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue }

/**
 * A domain event as the core records it, written in the same atomic step as the change it
 * describes (transactional outbox). Adapters wrap it in a CloudEvents 1.0 envelope.
 */
export interface DomainEvent {
  readonly id: EventId
  readonly type: EventType
  /** The aggregate the event is about (booking id, listing id …): CloudEvents `subject`. */
  readonly subject: string
  readonly time: Instant
  readonly data: { readonly [k: string]: JsonValue }
}

/** An event waiting in the outbox, with how often the relay tried it. */
export interface OutboxEntry {
  readonly event: DomainEvent
  /** Monotonic position in the outbox: the relay publishes in this order (in order per subject). */
  readonly seq: number
  readonly attempts: number
}

export const CLOUDEVENTS_SOURCE = 'urn:innkeeper'

export interface CloudEvent {
  readonly specversion: '1.0'
  readonly id: string
  readonly source: string
  readonly type: EventType
  readonly subject: string
  readonly time: string
  readonly datacontenttype: 'application/json'
  readonly data: DomainEvent['data']
}

export const toCloudEvent = (e: DomainEvent, source = CLOUDEVENTS_SOURCE): CloudEvent => ({
  specversion: '1.0',
  id: e.id,
  source,
  type: e.type,
  subject: e.subject,
  time: new Date(e.time).toISOString(),
  datacontenttype: 'application/json',
  data: e.data,
})
