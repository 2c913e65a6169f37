import { Effect } from 'effect'
import type { Notification, Notifier } from '../../ports/notifier.js'
import { snapshot } from './support.js'

/** Records notifications instead of sending them; a repeated `dedupeKey` is sent once. */
export class RecordingNotifier implements Notifier {
  private readonly log: Notification[] = []
  private readonly keys = new Set<string>()

  send(notification: Notification): Effect.Effect<void> {
    return Effect.sync(() => {
      if (this.keys.has(notification.dedupeKey)) return
      this.keys.add(notification.dedupeKey)
      this.log.push(snapshot(notification))
    })
  }

  /** Everything sent, in order. */
  sent(): readonly Notification[] {
    return [...this.log]
  }

  /** The notifications sent to one address, in order. */
  sentTo(to: string): readonly Notification[] {
    return this.log.filter((n) => n.to === to)
  }

  clear(): void {
    this.log.length = 0
    this.keys.clear()
  }
}
