import { describe, expect, it } from 'vitest'
import { averageRating, categoryAverages, emptyRating } from '../../../core/domain/listings/listing.js'
import { addToRating, countsInRating, removeFromRating } from '../../../core/domain/reviews/rating.js'
import { T0 } from './harness.js'

describe('rating aggregate (pure)', () => {
  it('adding sums the overall rating and, per rated category, its score and count', () => {
    const s = addToRating(addToRating(emptyRating(), { rating: 4, categories: { cleanliness: 5 } }), {
      rating: 2,
      categories: { cleanliness: 3, value: 1 },
    })
    expect(s.count).toBe(2)
    expect(s.overallSum).toBe(6)
    expect(averageRating(s)).toBe(3)
    expect(categoryAverages(s)).toEqual({ cleanliness: 4, value: 1 })
  })

  it('removing is the exact inverse of adding, in any order', () => {
    const a = { rating: 4, categories: { cleanliness: 5, location: 2 } }
    const b = { rating: 1, categories: {} }
    const s = addToRating(addToRating(emptyRating(), a), b)
    expect(removeFromRating(removeFromRating(s, a), b)).toEqual(emptyRating())
    expect(removeFromRating(s, b)).toEqual(addToRating(emptyRating(), a))
  })

  it('does not mutate its input', () => {
    const s = emptyRating()
    addToRating(s, { rating: 5, categories: { value: 5 } })
    expect(s).toEqual(emptyRating())
  })

  it('only revealed, non-hidden guest → listing reviews count', () => {
    expect(countsInRating({ direction: 'guest_to_listing', revealedAt: T0, hidden: false })).toBe(true)
    expect(countsInRating({ direction: 'guest_to_listing', revealedAt: null, hidden: false })).toBe(false)
    expect(countsInRating({ direction: 'guest_to_listing', revealedAt: T0, hidden: true })).toBe(false)
    expect(countsInRating({ direction: 'host_to_guest', revealedAt: T0, hidden: false })).toBe(false)
  })
})
