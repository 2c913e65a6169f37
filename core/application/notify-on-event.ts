import { Effect, Option } from 'effect'
import type { DomainEvent } from '../domain/events/events.js'
import { recipientsOf } from '../domain/notifications/routing.js'
import type { UserId } from '../domain/shared/ids.js'
import type { CoreDeps } from './support/deps.js'

/**
 * The notification consumer: turns a published event into e-mails to the people it concerns
 * (host and guest of a booking, the payer of a failed payment, the subject of a revealed review).
 * Safe under at-least-once delivery: every notification carries `eventId:userId:template` as its
 * de-duplication key. Suspended or unknown users are skipped. Returns how many were sent.
 */
export class NotifyOnEvent {
  constructor(private readonly deps: Pick<CoreDeps, 'users' | 'notifier'>) {}

  execute(event: DomainEvent): Effect.Effect<number> {
    const { users, notifier } = this.deps
    return Effect.gen(function* () {
      let sent = 0
      for (const r of recipientsOf(event)) {
        const user = yield* users.byId(r.userId as UserId)
        if (Option.isNone(user) || user.value.status !== 'active') continue
        yield* notifier.send({
          channel: 'email',
          to: user.value.email,
          template: r.template,
          data: { ...event.data, eventType: event.type, subject: event.subject, name: user.value.name },
          dedupeKey: `${event.id}:${r.userId}:${r.template}`,
        })
        sent++
      }
      return sent
    })
  }
}
