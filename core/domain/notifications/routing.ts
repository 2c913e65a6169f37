import type { DomainEvent } from '../events/events.js'

/** The message templates the engine sends (the Notifier adapter renders them). */
export type NotificationTemplate =
  | 'welcome'
  | 'email_verification'
  | 'password_reset'
  | 'booking_requested'
  | 'booking_awaiting_host'
  | 'booking_confirmed'
  | 'booking_declined'
  | 'booking_cancelled'
  | 'booking_expired'
  | 'payment_failed'
  | 'review_received'

export interface Recipient {
  readonly userId: string
  readonly template: NotificationTemplate
}

const to = (userId: string, template: NotificationTemplate): Recipient => ({ userId, template })

/**
 * Who hears about an event, with which template. Pure: the notification consumer looks up
 * addresses and sends. Events nobody needs to hear about map to no recipient.
 */
export const recipientsOf = (e: DomainEvent): readonly Recipient[] => {
  switch (e.type) {
    case 'innkeeper.user.registered.v1':
      return [to(e.data.userId, 'welcome')]
    case 'innkeeper.booking.requested.v1':
      return [to(e.data.hostId, 'booking_requested')]
    case 'innkeeper.booking.awaiting_host.v1':
      return [to(e.data.hostId, 'booking_awaiting_host'), to(e.data.guestId, 'booking_awaiting_host')]
    case 'innkeeper.booking.confirmed.v1':
      return [to(e.data.guestId, 'booking_confirmed'), to(e.data.hostId, 'booking_confirmed')]
    case 'innkeeper.booking.declined.v1':
      return [to(e.data.guestId, 'booking_declined')]
    case 'innkeeper.booking.cancelled.v1':
      return [to(e.data.guestId, 'booking_cancelled'), to(e.data.hostId, 'booking_cancelled')]
    case 'innkeeper.booking.expired.v1':
      return [to(e.data.guestId, 'booking_expired')]
    case 'innkeeper.payment.failed.v1':
      return [to(e.data.payerId, 'payment_failed')]
    case 'innkeeper.review.revealed.v1':
      return [to(e.data.subjectId, 'review_received')]
    default:
      return []
  }
}
