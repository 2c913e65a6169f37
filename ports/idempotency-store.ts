import type { Effect } from 'effect'
import { token } from './tokens.js'

export interface StoredResponse {
  readonly status: number
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

/** What `begin` found for a key. */
export type IdempotencyBegin =
  | { readonly kind: 'started' }
  | { readonly kind: 'in_progress' }
  | { readonly kind: 'completed'; readonly response: StoredResponse }
  /** The key was used with another request body. */
  | { readonly kind: 'mismatch' }

/**
 * Idempotency keys: the first `begin` for a key claims it (atomically: of concurrent callers exactly
 * one gets `started`); the claimant stores the response with `complete` or gives the key up with
 * `abandon`. Completed responses are kept for `ttlMs`.
 *
 * A claim may name its `owner` (the request's id). `abandon` with an owner gives up only a claim
 * that owner made: a caller whose `begin` failed without an answer (the store stalled, and may yet
 * run it) abandons afterwards without ever freeing another request's claim.
 */
export interface IdempotencyStore {
  begin(key: string, fingerprint: string, ttlMs: number, owner?: string): Effect.Effect<IdempotencyBegin>
  complete(key: string, response: StoredResponse, ttlMs: number): Effect.Effect<void>
  abandon(key: string, owner?: string): Effect.Effect<void>
}
export const IdempotencyStore = token<IdempotencyStore>('IdempotencyStore')
