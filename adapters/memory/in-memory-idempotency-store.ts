import { Effect } from 'effect'
import type { Clock } from '../../ports/clock.js'
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '../../ports/idempotency-store.js'
import { MapSweeper } from './bounded.js'
import { snapshot } from './support.js'

type Entry =
  | {
      readonly kind: 'in_progress'
      readonly fingerprint: string
      readonly expiresAt: number
      readonly owner: string | null
    }
  | {
      readonly kind: 'completed'
      readonly fingerprint: string | null
      readonly expiresAt: number
      readonly response: StoredResponse
    }

/**
 * Idempotency keys in memory. `begin` is one synchronous step, so of concurrent callers exactly one
 * claims a key. A claim lasts `ttlMs` (so a crashed claimant does not block the key forever); a
 * completed response is kept for the `ttlMs` given to `complete`.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>()
  private readonly sweeper: MapSweeper<string, Entry>

  /**
   * `maxEntries` (default 50,000) bounds the keys kept; expired ones are swept as writes go on. Past
   * the bound the oldest key is forgotten first (a retry with it after that runs again).
   */
  constructor(
    private readonly clock: Clock,
    options: { readonly maxEntries?: number } = {},
  ) {
    this.sweeper = new MapSweeper(this.entries, {
      expired: (e, now) => e.expiresAt <= now,
      maxEntries: options.maxEntries ?? 50_000,
    })
  }

  begin(key: string, fingerprint: string, ttlMs: number, owner?: string): Effect.Effect<IdempotencyBegin> {
    return Effect.sync((): IdempotencyBegin => {
      const now = this.clock.now()
      const e = this.live(key, now)
      if (e === undefined) {
        this.entries.set(key, {
          kind: 'in_progress',
          fingerprint,
          expiresAt: now + Math.max(0, ttlMs),
          owner: owner ?? null,
        })
        this.sweeper.afterWrite(now)
        return { kind: 'started' }
      }
      if (e.fingerprint !== null && e.fingerprint !== fingerprint) return { kind: 'mismatch' }
      return e.kind === 'completed' ? { kind: 'completed', response: e.response } : { kind: 'in_progress' }
    })
  }

  complete(key: string, response: StoredResponse, ttlMs: number): Effect.Effect<void> {
    return Effect.sync(() => {
      const now = this.clock.now()
      const e = this.live(key, now)
      this.entries.set(key, {
        kind: 'completed',
        fingerprint: e?.fingerprint ?? null,
        expiresAt: now + Math.max(0, ttlMs),
        response: snapshot(response),
      })
    })
  }

  abandon(key: string, owner?: string): Effect.Effect<void> {
    return Effect.sync(() => {
      const e = this.entries.get(key)
      if (e?.kind === 'in_progress' && (owner === undefined || e.owner === owner)) this.entries.delete(key)
    })
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key)
    if (e !== undefined && e.expiresAt <= now) {
      this.entries.delete(key)
      return undefined
    }
    return e
  }

  /** Test helper: how many keys are held (expired ones not yet swept included). */
  get size(): number {
    return this.entries.size
  }
}
