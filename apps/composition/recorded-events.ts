import { Effect } from 'effect'
import type { DomainEvent } from '../../core/domain/events/events.js'
import type { StorePorts } from './modules.js'

/** Told the events a store wrote, right after the write that recorded them succeeded. */
export type RecordedEventsListener = (events: readonly DomainEvent[]) => void

/** The writes of each store port that record events: `(entity, events)`. */
const recording: { readonly [K in keyof StorePorts]?: readonly string[] } = {
  users: ['save'],
  listings: ['save'],
  bookings: ['save'],
  payments: ['save'],
  reviews: ['save', 'saveAll'],
  payoutLedger: ['save'],
}

const tapWrites = <T extends object>(
  adapter: T,
  methods: readonly string[],
  listener: RecordedEventsListener,
): T =>
  new Proxy(adapter, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      const method = value as (...args: unknown[]) => unknown
      if (typeof prop !== 'string' || !methods.includes(prop)) return method.bind(target)
      return (entity: unknown, events: readonly DomainEvent[]) =>
        Effect.tap(method.call(target, entity, events) as Effect.Effect<unknown, unknown>, () =>
          Effect.sync(() => {
            if (events.length > 0) listener(events)
          }),
        )
    },
  })

/**
 * A shared store whose event-recording writes also tell `listener` what they recorded, as the
 * in-memory outbox's `onAppend` does for the in-memory repositories. The API's response cache is
 * invalidated through it, so a client reads its own change back at once on MongoDB too (other
 * processes' changes reach it through the broker's cache-invalidation consumer, or its TTL).
 */
export const observeRecordedEvents = (store: StorePorts, listener: RecordedEventsListener): StorePorts => {
  const out: Record<string, unknown> = { ...store }
  for (const [key, methods] of Object.entries(recording)) {
    const adapter = (store as unknown as Record<string, object | undefined>)[key]
    if (adapter !== undefined && methods !== undefined) out[key] = tapWrites(adapter, methods, listener)
  }
  return out as unknown as StorePorts
}
