import type { Effect, Option } from 'effect'
import { token } from './tokens.js'

/** A string cache with TTLs and tags, so an event can invalidate every entry it touches. */
export interface Cache {
  get(key: string): Effect.Effect<Option.Option<string>>
  set(
    key: string,
    value: string,
    options: { readonly ttlMs: number; readonly tags?: readonly string[] },
  ): Effect.Effect<void>
  delete(key: string): Effect.Effect<void>
  /** Drops every entry set with any of these tags. */
  invalidateTags(tags: readonly string[]): Effect.Effect<void>
}
export const Cache = token<Cache>('Cache')
