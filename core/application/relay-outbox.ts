import { Effect, Schema } from 'effect'
import type { ValidationFailed } from '../domain/shared/errors.js'
import { decodeInput } from '../domain/shared/validation.js'
import type { CoreDeps } from './support/deps.js'

export const RelayOutboxInput = Schema.Struct({
  batchSize: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 })),
})
export type RelayOutboxInput = typeof RelayOutboxInput.Type

export interface RelayResult {
  readonly published: number
  readonly failed: number
}

/**
 * Publishes the oldest pending outbox events, in order, as one batch. When the broker confirms they
 * are marked sent; when it does not (`PublishFailed`) the attempt is counted and they stay pending
 * for the next run. A crash between publish and mark-sent publishes them again: delivery is
 * at-least-once and consumers de-duplicate by event id.
 */
export class RelayOutbox {
  constructor(private readonly deps: Pick<CoreDeps, 'outbox' | 'publisher'>) {}

  execute(raw: typeof RelayOutboxInput.Encoded): Effect.Effect<RelayResult, ValidationFailed> {
    const { outbox, publisher } = this.deps
    return Effect.gen(function* () {
      const input = yield* decodeInput(RelayOutboxInput, raw)
      const entries = yield* outbox.pending(input.batchSize)
      if (entries.length === 0) return { published: 0, failed: 0 }
      const ordered = [...entries].sort((a, b) => a.seq - b.seq)
      const ids = ordered.map((e) => e.event.id)
      return yield* publisher.publish(ordered.map((e) => e.event)).pipe(
        Effect.flatMap(() => Effect.as(outbox.markSent(ids), { published: ids.length, failed: 0 })),
        Effect.catchTag('PublishFailed', () =>
          Effect.as(outbox.markFailed(ids), { published: 0, failed: ids.length }),
        ),
      )
    })
  }
}
