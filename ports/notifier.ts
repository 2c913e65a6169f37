import type { Effect } from 'effect'
import type { JsonValue } from '../core/domain/events/events.js'
import type { NotificationTemplate } from '../core/domain/notifications/routing.js'
import { token } from './tokens.js'

export type NotificationChannel = 'email' | 'sms'
export type { NotificationTemplate } from '../core/domain/notifications/routing.js'

export interface Notification {
  readonly channel: NotificationChannel
  /** E-mail address or phone number. */
  readonly to: string
  readonly template: NotificationTemplate
  readonly data: { readonly [k: string]: JsonValue }
  /** Senders de-duplicate by this key (e.g. the event id that caused it). */
  readonly dedupeKey: string
}

/** E-mail and SMS out. */
export interface Notifier {
  send(notification: Notification): Effect.Effect<void>
}
export const Notifier = token<Notifier>('Notifier')
