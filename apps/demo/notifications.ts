import { Effect } from 'effect'
import type { DomainEvent, JsonValue } from '../../core/events/events.js'
import type { EventPublisher } from '../../ports/events.js'
import type { Notification, NotificationTemplate, Notifier } from '../../ports/notifier.js'

/** What a consumer of the published events needs to reach people: an e-mail address per user id. */
export type Directory = (userId: string) => string | undefined

const text = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** Who hears about an event, and with which template. */
const recipients = (e: DomainEvent): readonly [string | undefined, NotificationTemplate][] => {
  const d = e.data
  switch (e.type) {
    case 'innkeeper.booking.requested.v1':
      return [[text(d.hostId), 'booking_requested']]
    case 'innkeeper.booking.awaiting_host.v1':
      return [[text(d.hostId), 'booking_awaiting_host']]
    case 'innkeeper.booking.confirmed.v1':
      return [
        [text(d.guestId), 'booking_confirmed'],
        [text(d.hostId), 'booking_confirmed'],
      ]
    case 'innkeeper.booking.declined.v1':
      return [[text(d.guestId), 'booking_declined']]
    case 'innkeeper.booking.cancelled.v1':
      return [
        [text(d.guestId), 'booking_cancelled'],
        [text(d.hostId), 'booking_cancelled'],
      ]
    case 'innkeeper.booking.expired.v1':
      return [[text(d.guestId), 'booking_expired']]
    case 'innkeeper.payment.failed.v1':
      return [[text(d.payerId), 'payment_failed']]
    case 'innkeeper.review.revealed.v1':
      return [[text(d.subjectId), 'review_received']]
    default:
      return []
  }
}

/**
 * A queue consumer in miniature: turns published booking, payment and review events into e-mails.
 * De-duplicated by event id and recipient, as at-least-once delivery requires. Returns an unsubscribe.
 */
export const notifyOnEvents = (
  publisher: EventPublisher & { subscribe(handler: (e: DomainEvent) => void): () => void },
  notifier: Notifier,
  directory: Directory,
): (() => void) =>
  publisher.subscribe((event) => {
    for (const [userId, template] of recipients(event)) {
      const to = userId === undefined ? undefined : directory(userId)
      if (to === undefined) continue
      const notification: Notification = {
        channel: 'email',
        to,
        template,
        data: { subject: event.subject, type: event.type },
        dedupeKey: `${event.id}:${to}`,
      }
      Effect.runSync(notifier.send(notification))
    }
  })
