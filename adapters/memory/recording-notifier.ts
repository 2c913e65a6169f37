import { Effect } from 'effect'
import type { Notification, Notifier } from '../../ports/notifier.js'
import { trimLog, trimSet } from './bounded.js'
import { snapshot } from './support.js'

/**
 * Records notifications instead of sending them; a repeated `dedupeKey` is sent once. Bounded for a
 * long-running process: the latest `retain` notifications (default 20,000) are kept, and the
 * latest 100,000 dedupe keys (far more than can be redelivered while a key matters).
 */
export class RecordingNotifier implements Notifier {
  private readonly log: Notification[] = []
  private readonly keys = new Set<string>()
  private readonly retain: number
  private readonly retainKeys: number

  constructor(options: { readonly retain?: number; readonly retainKeys?: number } = {}) {
    this.retain = options.retain ?? 20_000
    this.retainKeys = options.retainKeys ?? 100_000
  }

  send(notification: Notification): Effect.Effect<void> {
    return Effect.sync(() => {
      if (this.keys.has(notification.dedupeKey)) return
      this.keys.add(notification.dedupeKey)
      this.log.push(snapshot(notification))
      trimSet(this.keys, this.retainKeys)
      trimLog(this.log, this.retain)
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
