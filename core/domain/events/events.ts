import type { EventId } from '../shared/ids.js'
import type { Instant } from '../shared/time.js'
import type { EventPayload } from './catalogue.js'

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

const knownTypes: ReadonlySet<string> = new Set(eventTypes)
/** Whether a string names a catalogued event type. */
export const isEventType = (s: string): s is EventType => knownTypes.has(s)

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue }

/**
 * A domain event of type `T` as the core records it, written in the same atomic step as the change
 * it describes (transactional outbox). Its `data` is the payload the catalogue schema of `T`
 * describes. Adapters wrap it in a CloudEvents 1.0 envelope (adapters/amqp/cloud-event.ts).
 */
export interface EventOf<T extends EventType> {
  readonly id: EventId
  readonly type: T
  /** The aggregate the event is about (booking id, listing id …): CloudEvents `subject`. */
  readonly subject: string
  readonly time: Instant
  readonly data: EventPayload<T>
}

/**
 * Any domain event (or any of the types `T`): a union discriminated by `type`, so a consumer that
 * checks `e.type` reads that type's payload fields, typed.
 */
export type DomainEvent<T extends EventType = EventType> = { readonly [K in T]: EventOf<K> }[T]

/** An event waiting in the outbox, with how often the relay tried it. */
export interface OutboxEntry {
  readonly event: DomainEvent
  /** Monotonic position in the outbox: the relay publishes in this order (in order per subject). */
  readonly seq: number
  readonly attempts: number
}

/** Where new event ids come from (the IdGenerator port is one). */
export interface EventIds {
  next(kind: 'event'): EventId
}

/**
 * A new event of `type` about `subject`, at `time`. The compiler checks `data` against the
 * catalogue schema of `type`: a missing, misspelt, extra or mistyped field does not compile.
 */
export const newEvent = <T extends EventType>(
  ids: EventIds,
  time: Instant,
  type: T,
  subject: string,
  data: NoInfer<EventPayload<T>>,
): EventOf<T> => ({ id: ids.next('event'), type, subject, time, data })
