import { describe, expect, it } from 'vitest'
import { AddToWishlist } from '../../../core/application/add-to-wishlist.js'
import { systemCaller } from '../../../core/application/support/caller.js'
import { untyped } from '../../support/untyped.js'
import { as, failure, makeListing, run, uid, world } from './harness.js'

const setup = async () => {
  const w = world()
  await run(w.listings.save(makeListing('lst_1'), []))
  await run(w.listings.save(makeListing('lst_draft', { status: 'draft' }), []))
  await run(w.listings.save(makeListing('lst_off', { status: 'inactive' }), []))
  return { w, uc: new AddToWishlist(w) }
}

describe('AddToWishlist', () => {
  it('adds an active listing to the caller’s wishlist', async () => {
    const { w, uc } = await setup()
    const entry = await run(uc.execute(as('usr_ana'), { listingId: 'lst_1' }))
    expect(entry).toEqual({ userId: 'usr_ana', listingId: 'lst_1', addedAt: w.clock.now() })
    const page = await run(w.wishlists.list(uid('usr_ana'), { limit: 10, cursor: null }))
    expect(page.items.map((e) => e.listingId)).toEqual(['lst_1'])
  })

  it('adding twice keeps one entry', async () => {
    const { w, uc } = await setup()
    await run(uc.execute(as('usr_ana'), { listingId: 'lst_1' }))
    w.clock.advance(1000)
    await run(uc.execute(as('usr_ana'), { listingId: 'lst_1' }))
    const page = await run(w.wishlists.list(uid('usr_ana'), { limit: 10, cursor: null }))
    expect(page.items).toHaveLength(1)
  })

  it('a missing, draft or inactive listing is ListingNotFound', async () => {
    const { uc } = await setup()
    for (const listingId of ['lst_nope', 'lst_draft', 'lst_off'])
      expect((await failure(uc.execute(as('usr_ana'), { listingId })))._tag).toBe('ListingNotFound')
  })

  it('bad input is ValidationFailed; the system caller is Forbidden', async () => {
    const { uc } = await setup()
    expect((await failure(uc.execute(as('usr_ana'), untyped({ listing: 'lst_1' }))))._tag).toBe(
      'ValidationFailed',
    )
    expect((await failure(uc.execute(systemCaller, { listingId: 'lst_1' })))._tag).toBe('Forbidden')
  })
})
