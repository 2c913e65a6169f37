import { type DomainEvent, type EventType, eventTypes } from './events.js'

/**
 * Cache tags: the HTTP layer tags a cached listing detail with `listingTag(id)` and cached search
 * results with `SEARCH_TAG`; the cache-invalidation consumer drops what an event makes stale.
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

const touchesListing = (type: EventType): boolean =>
  type.startsWith('innkeeper.listing.') ||
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
 * search. User and payment events touch no cached page.
 */
export const cacheTagsFor = (e: DomainEvent): string[] => {
  if (!touchesListing(e.type)) return []
  const id = listingIdOf(e)
  return id === null ? [SEARCH_TAG] : [listingTag(id), SEARCH_TAG]
}
