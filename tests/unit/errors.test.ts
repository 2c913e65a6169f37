import { describe, expect, expectTypeOf, it } from 'vitest'
import { hasErrorCode, ListingNotFound, NightsUnavailable } from '../../core/domain/shared/errors.js'

describe('hasErrorCode: a caught value narrows to the core error with that stable code', () => {
  it('is true only for a core error carrying that code', () => {
    const taken: unknown = new NightsUnavailable({ listingId: 'lst_1', nights: [] })
    expect(hasErrorCode(taken, 'nights_unavailable')).toBe(true)
    expect(hasErrorCode(taken, 'listing_not_found')).toBe(false)
    expect(hasErrorCode(new ListingNotFound({ listingId: 'x' }), 'listing_not_found')).toBe(true)
  })

  it('is false for look-alikes and non-objects (a plain object needs the tag too)', () => {
    for (const v of [
      null,
      undefined,
      'nights_unavailable',
      42,
      { code: 'nights_unavailable' },
      new Error('x'),
    ])
      expect(hasErrorCode(v, 'nights_unavailable')).toBe(false)
  })

  it('narrows the type so the error fields are reachable without a cast', () => {
    const e: unknown = new NightsUnavailable({ listingId: 'lst_1', nights: [] })
    if (hasErrorCode(e, 'nights_unavailable'))
      expectTypeOf(e.nights).toEqualTypeOf<NightsUnavailable['nights']>()
    // @ts-expect-error: not a code of any core error
    hasErrorCode(e, 'no_such_code')
  })
})
