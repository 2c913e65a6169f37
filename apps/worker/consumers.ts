import { Effect } from 'effect'
import { cacheTagsFor, invalidatingTypes } from '../../adapters/http/cache-invalidation.js'
import { earningTypes } from '../../core/application/record-earnings.js'
import type { EventType } from '../../core/domain/events/events.js'
import type { Cache } from '../../ports/cache.js'
import type { UseCases } from '../composition/use-cases.js'
import type { Subscription } from './event-sources.js'

export const consumerNames = ['notifications', 'cache-invalidation', 'payouts'] as const
export type ConsumerName = (typeof consumerNames)[number]
/** What `startWorker` runs when no names are given. */
export const defaultConsumerNames: readonly ConsumerName[] = ['notifications', 'cache-invalidation']

/**
 * The events NotifyOnEvent turns into e-mails (core/domain/notifications/routing.ts): a registration, a
 * booking requested, awaiting the host, confirmed, declined, cancelled or expired, a failed payment
 * and a revealed review (the "review received" notice). The queue binds exactly these types.
 */
export const notificationTypes: readonly EventType[] = [
  'innkeeper.user.registered.v1',
  'innkeeper.booking.requested.v1',
  'innkeeper.booking.awaiting_host.v1',
  'innkeeper.booking.confirmed.v1',
  'innkeeper.booking.declined.v1',
  'innkeeper.booking.cancelled.v1',
  'innkeeper.booking.expired.v1',
  'innkeeper.payment.failed.v1',
  'innkeeper.review.revealed.v1',
]

export interface NotificationLog {
  readonly sent: (event: { readonly id: string; readonly type: string }, notices: number) => void
}

/** Notifications: each event goes to NotifyOnEvent, which looks up the people and sends (Notifier port). */
export const notificationsConsumer = (
  useCases: Pick<UseCases, 'notifyOnEvent'>,
  log?: NotificationLog,
): Subscription => ({
  name: 'notifications',
  bindings: notificationTypes,
  handle: async (event) => {
    const sent = await Effect.runPromise(useCases.notifyOnEvent.execute(event))
    log?.sent(event, sent)
  },
})

/** Cache invalidation: drops every cache entry tagged with what the event made stale. */
export const cacheInvalidationConsumer = (cache: Cache): Subscription => ({
  name: 'cache-invalidation',
  bindings: invalidatingTypes,
  handle: async (event) => {
    const tags = cacheTagsFor(event)
    if (tags.length > 0) await Effect.runPromise(cache.invalidateTags(tags))
  },
})

/**
 * The host payout ledger: after a booking is confirmed, modified or cancelled, RecordEarnings brings
 * the host's ledger to what the booking earns now (it reconciles, so redeliveries write nothing).
 * It reads the booking, so it runs where the repositories are.
 */
export const payoutsConsumer = (useCases: Pick<UseCases, 'recordEarnings'>): Subscription => ({
  name: 'payouts',
  bindings: earningTypes,
  handle: async (event) => {
    await Effect.runPromise(useCases.recordEarnings.execute(event))
  },
})
