import { Effect } from 'effect'
import { type DomainEvent, type EventType, eventTypes } from '../../core/domain/events/events.js'
import type { Cache } from '../../ports/cache.js'

/**
 * Cache invalidation, in one place and driven by events: the response cache (response-cache.ts)
 * tags a cached listing page with `listingTag(id)` and cached search results with `SEARCH_TAG`;
 * `cacheTagsFor` says which tags an event makes stale, and `CacheInvalidation` drops them. No route
 * invalidates anything itself. The API process subscribes `CacheInvalidation` to the events its
 * repositories record (so the next read after a change is fresh); the worker's cache-invalidation
 * consumer does the same from the broker (`invalidatingTypes` is its binding list).
 */
export const SEARCH_TAG = 'search'
export const listingTag = (listingId: string): string => `listing:${listingId}`

/**
 * Booking events that change a listing's availability or calendar: a request holds nights, a
 * confirmation books them, a modification moves them, and leaving a reserving state releases them.
 * Starting and completing a stay, or waiting for the host, change nothing a cached page shows.
 */
const availabilityChanging: ReadonlySet<EventType> = new Set<EventType>([
  'innkeeper.booking.requested.v1',
  'innkeeper.booking.confirmed.v1',
  'innkeeper.booking.modified.v1',
  'innkeeper.booking.declined.v1',
  'innkeeper.booking.expired.v1',
  'innkeeper.booking.cancelled.v1',
])

/** A host's suspension or reinstatement takes their listings out of search or puts them back. */
const hostStanding: ReadonlySet<EventType> = new Set<EventType>([
  'innkeeper.user.suspended.v1',
  'innkeeper.user.reinstated.v1',
])

const touchesListing = (type: EventType): boolean =>
  type.startsWith('innkeeper.listing.') ||
  hostStanding.has(type) ||
  type.startsWith('innkeeper.review.') ||
  availabilityChanging.has(type)

/** Every event type that can make a cached page stale: the cache-invalidation queue binds these. */
export const invalidatingTypes: readonly EventType[] = eventTypes.filter(touchesListing)

const listingIdOf = (e: DomainEvent): string | null => {
  const id = 'listingId' in e.data ? e.data.listingId : null
  if (typeof id === 'string' && id.length > 0) return id
  return e.type.startsWith('innkeeper.listing.') && e.subject.length > 0 ? e.subject : null
}

/**
 * The cache tags an event makes stale: every listing event and review event (ratings, visible
 * reviews) → its listing and search; availability-changing booking events → the listing and
 * search; a suspension or reinstatement → search (the user's listings leave it or come back). Other
 * user events and payment events touch no cached page.
 */
export const cacheTagsFor = (e: DomainEvent): string[] => {
  if (!touchesListing(e.type)) return []
  const id = listingIdOf(e)
  return id === null ? [SEARCH_TAG] : [listingTag(id), SEARCH_TAG]
}

/**
 * The event subscriber that drops stale cached pages. `handle` takes the events as they are recorded
 * and starts their invalidation at once; `settled()` resolves when every invalidation started so
 * far is done (the app waits for it before answering a request, so a client that changed something
 * never reads the page from before its change). A failed invalidation is reported and not retried:
 * cached pages expire on their own (60 s for a listing, 10 s for a search).
 */
export class CacheInvalidation {
  private readonly running = new Set<Promise<void>>()

  constructor(
    private readonly cache: Cache,
    private readonly onError: (err: unknown, tags: readonly string[]) => void = () => {},
  ) {}

  readonly handle = (events: readonly DomainEvent[]): void => {
    const tags = new Set<string>()
    for (const e of events) for (const t of cacheTagsFor(e)) tags.add(t)
    if (tags.size === 0) return
    const list = [...tags]
    const p: Promise<void> = Effect.runPromise(this.cache.invalidateTags(list)).then(
      () => {
        this.running.delete(p)
      },
      (err: unknown) => {
        this.running.delete(p)
        this.onError(err, list)
      },
    )
    this.running.add(p)
  }

  /** True while an invalidation is under way. */
  get pending(): boolean {
    return this.running.size > 0
  }

  /** Resolves when every invalidation started so far has ended. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running)
  }
}
