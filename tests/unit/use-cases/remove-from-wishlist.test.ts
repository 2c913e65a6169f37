import { describe, expect, it } from 'vitest'
import { AddToWishlist } from '../../../core/application/add-to-wishlist.js'
import { RemoveFromWishlist } from '../../../core/application/remove-from-wishlist.js'
import { systemCaller } from '../../../core/application/support/caller.js'
import { untyped } from '../../support/untyped.js'
import { as, failure, makeListing, run, uid, world } from './harness.js'

describe('RemoveFromWishlist', () => {
  it('removes the listing from the caller’s wishlist only, and is idempotent', async () => {
    const w = world()
    await run(w.listings.save(makeListing('lst_1'), []))
    const add = new AddToWishlist(w)
    await run(add.execute(as('usr_ana'), { listingId: 'lst_1' }))
    await run(add.execute(as('usr_bob'), { listingId: 'lst_1' }))
    const remove = new RemoveFromWishlist(w)
    await run(remove.execute(as('usr_ana'), { listingId: 'lst_1' }))
    await run(remove.execute(as('usr_ana'), { listingId: 'lst_1' }))
    expect((await run(w.wishlists.list(uid('usr_ana'), { limit: 10, cursor: null }))).items).toEqual([])
    expect((await run(w.wishlists.list(uid('usr_bob'), { limit: 10, cursor: null }))).items).toHaveLength(1)
  })

  it('bad input is ValidationFailed; the system caller is Forbidden', async () => {
    const remove = new RemoveFromWishlist(world())
    expect((await failure(remove.execute(as('usr_ana'), untyped({}))))._tag).toBe('ValidationFailed')
    expect((await failure(remove.execute(systemCaller, { listingId: 'lst_1' })))._tag).toBe('Forbidden')
  })
})
