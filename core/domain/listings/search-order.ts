import { averageRating, type Listing } from './listing.js'

/** How a listing search is ordered. Core owns the type (core never imports ports); ports use it. */
export type ListingSort = 'price_asc' | 'price_desc' | 'rating' | 'newest' | 'distance'
/** The point a `distance` search is measured from (a `ListingFilter['near']` is one). */
export interface SearchPoint {
  readonly lat: number
  readonly lng: number
}

/** The sort key a listing has under `sort` (smaller first); `distance` needs the search point. */
export const sortKey = (l: Listing, sort: ListingSort, near: SearchPoint | null): number => {
  switch (sort) {
    case 'price_asc':
      return l.pricing.baseNightly
    case 'price_desc':
      return -l.pricing.baseNightly
    case 'rating':
      return ratingKey(averageRating(l.rating))
    case 'newest':
      return -l.createdAt
    case 'distance':
      return near === null ? 0 : haversineKm(near.lat, near.lng, l.location.lat, l.location.lng)
  }
}

/** Best rated first; unrated listings after every rated one (key 0, as an average of 0 would be). */
const ratingKey = (average: number | null): number => (average === null ? 0 : -average)

export const haversineKm = (lat1: number, lng1: number, lat2: number, lng2: number): number => {
  const rad = Math.PI / 180
  const dLat = (lat2 - lat1) * rad
  const dLng = (lng2 - lng1) * rad
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)))
}
