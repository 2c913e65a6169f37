import { Effect, Option } from 'effect'
import type { Cache } from '../../ports/cache.js'

/**
 * Which event ids a consumer has already handled, so that a redelivered or re-published event is
 * acknowledged without running the handler again (delivery is at-least-once). An id is recorded
 * only after its handler succeeded.
 */
export interface ProcessedEvents {
  has(eventId: string): Promise<boolean>
  add(eventId: string): Promise<void>
}

/**
 * The ids most recently handled, in process memory, bounded: the oldest are forgotten first (a
 * duplicate arrives soon after the original: a redelivery after a lost ack, a relay retry).
 */
export class InMemoryProcessedEvents implements ProcessedEvents {
  private readonly ids = new Set<string>()

  constructor(private readonly capacity = 100_000) {}

  async has(eventId: string): Promise<boolean> {
    return this.ids.has(eventId)
  }

  async add(eventId: string): Promise<void> {
    if (this.ids.has(eventId)) return
    this.ids.add(eventId)
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next()
      if (!oldest.done) this.ids.delete(oldest.value)
    }
  }

  get size(): number {
    return this.ids.size
  }
}

/**
 * Processed ids kept in the Cache port (Redis in a deployment), so that every worker process of a
 * consumer shares them and they survive a restart. Each id expires after `ttlMs`.
 */
export class CacheProcessedEvents implements ProcessedEvents {
  constructor(
    private readonly cache: Cache,
    private readonly options: { readonly prefix: string; readonly ttlMs: number },
  ) {}

  has(eventId: string): Promise<boolean> {
    return Effect.runPromise(Effect.map(this.cache.get(this.key(eventId)), Option.isSome))
  }

  add(eventId: string): Promise<void> {
    return Effect.runPromise(this.cache.set(this.key(eventId), '1', { ttlMs: this.options.ttlMs }))
  }

  private key(eventId: string): string {
    return `${this.options.prefix}:processed:${eventId}`
  }
}
