import { Effect, Option } from 'effect'
import type { Cache } from '../../ports/cache.js'
import type { Clock } from '../../ports/clock.js'
import { MapSweeper } from './bounded.js'

interface Entry {
  readonly value: string
  readonly expiresAt: number
  readonly tags: readonly string[]
}

export interface InMemoryCacheOptions {
  /** The most entries kept; past it the oldest-written go first (default 20,000). */
  readonly maxEntries?: number
}

/**
 * A string cache with TTLs measured on the injected clock, and tag invalidation. Bounded: expired
 * entries are swept as writes go on (not only when read or invalidated), and at most `maxEntries`
 * are kept.
 */
export class InMemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>()
  private readonly byTag = new Map<string, Set<string>>()
  private readonly sweeper: MapSweeper<string, Entry>

  constructor(
    private readonly clock: Clock,
    options: InMemoryCacheOptions = {},
  ) {
    this.sweeper = new MapSweeper(this.entries, {
      expired: (e, now) => e.expiresAt <= now,
      maxEntries: options.maxEntries ?? 20_000,
      drop: (key) => this.drop(key),
    })
  }

  get(key: string): Effect.Effect<Option.Option<string>> {
    return Effect.sync(() => {
      const e = this.entries.get(key)
      if (e === undefined) return Option.none()
      if (e.expiresAt <= this.clock.now()) {
        this.drop(key)
        return Option.none()
      }
      return Option.some(e.value)
    })
  }

  set(
    key: string,
    value: string,
    options: { readonly ttlMs: number; readonly tags?: readonly string[] },
  ): Effect.Effect<void> {
    return Effect.sync(() => {
      this.drop(key)
      if (!(options.ttlMs > 0)) return
      const tags = [...new Set(options.tags ?? [])]
      this.entries.set(key, { value, expiresAt: this.clock.now() + options.ttlMs, tags })
      for (const t of tags) {
        let keys = this.byTag.get(t)
        if (keys === undefined) {
          keys = new Set()
          this.byTag.set(t, keys)
        }
        keys.add(key)
      }
      this.sweeper.afterWrite(this.clock.now())
    })
  }

  delete(key: string): Effect.Effect<void> {
    return Effect.sync(() => this.drop(key))
  }

  invalidateTags(tags: readonly string[]): Effect.Effect<void> {
    return Effect.sync(() => {
      for (const t of tags) {
        const keys = this.byTag.get(t)
        if (keys === undefined) continue
        for (const k of [...keys]) this.drop(k)
        this.byTag.delete(t)
      }
    })
  }

  /** Test helper: how many entries are stored (expired ones not yet dropped included). */
  get size(): number {
    return this.entries.size
  }

  private drop(key: string): void {
    const e = this.entries.get(key)
    if (e === undefined) return
    this.entries.delete(key)
    for (const t of e.tags) {
      const keys = this.byTag.get(t)
      keys?.delete(key)
      if (keys?.size === 0) this.byTag.delete(t)
    }
  }
}
