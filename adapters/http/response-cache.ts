import { Effect, Option } from 'effect'
import type { Cache } from '../../ports/cache.js'
import type { Reply } from './route.js'

export { listingTag, SEARCH_TAG } from './cache-invalidation.js'

/** How long a public listing page and a search result are cached. */
export const LISTING_CACHE_TTL_MS = 60_000
export const SEARCH_CACHE_TTL_MS = 10_000

/** What a cacheable read computed: its value, whether to keep it, under which tags and how long. */
export interface Cacheable<A> {
  readonly value: A
  readonly store: boolean
  readonly tags: readonly string[]
  readonly ttlMs: number
}

const HIT: Readonly<Record<string, string>> = { 'X-Cache': 'hit' }
const MISS: Readonly<Record<string, string>> = { 'X-Cache': 'miss' }

/**
 * The response cache of public reads. A hit is the body as sent (encoded, snake_case JSON), written
 * as is: parsing, re-encoding and re-serializing the view on every hit cost more than the lookup.
 * A miss computes (`compute` is called only then), renders, and keeps what `store` allows, tagged
 * so that the events that make it stale drop it (cache-invalidation.ts). Answers say `X-Cache: hit`
 * or `miss`.
 */
export class ResponseCache {
  constructor(private readonly cache: Cache) {}

  reply<A, E>(
    key: string,
    render: (value: A) => string,
    compute: () => Effect.Effect<Cacheable<A>, E>,
  ): Effect.Effect<Reply, E> {
    const cache = this.cache
    return Effect.flatMap(cache.get(key), (hit) =>
      Option.isSome(hit)
        ? Effect.succeed<Reply>({ rendered: hit.value, headers: HIT })
        : Effect.flatMap(compute(), (r) => {
            const rendered = render(r.value)
            const reply: Reply = { rendered, headers: MISS }
            return r.store
              ? Effect.as(cache.set(key, rendered, { ttlMs: r.ttlMs, tags: r.tags }), reply)
              : Effect.succeed(reply)
          }),
    )
  }
}
