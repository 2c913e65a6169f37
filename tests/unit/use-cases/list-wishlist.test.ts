import { describe, expect, it } from 'vitest'
import { AddToWishlist } from '../../../core/application/add-to-wishlist.js'
import { ListWishlist } from '../../../core/application/list-wishlist.js'
import { systemCaller } from '../../../core/application/support/caller.js'
import { untyped } from '../../support/untyped.js'
import { as, failure, makeListing, run, world } from './harness.js'

describe('ListWishlist', () => {
  it('pages the caller’s entries newest first, each with its listing as it is now', async () => {
    const w = world()
    const add = new AddToWishlist(w)
    for (const id of ['lst_a', 'lst_b', 'lst_c']) {
      await run(w.listings.save(makeListing(id), []))
      await run(add.execute(as('usr_ana'), { listingId: id }))
      w.clock.advance(1000)
    }
    const b = await run(w.listings.byId(makeListing('lst_b').id))
    if (b._tag === 'Some') await run(w.listings.save({ ...b.value, status: 'inactive', version: 2 }, []))
    const uc = new ListWishlist(w)
    const first = await run(uc.execute(as('usr_ana'), { limit: 2 }))
    expect(first.items.map((i) => i.listing.id)).toEqual(['lst_c', 'lst_b'])
    expect(first.items[1]?.listing.status).toBe('inactive')
    const second = await run(uc.execute(as('usr_ana'), { limit: 2, cursor: first.nextCursor }))
    expect(second.items.map((i) => i.listingId)).toEqual(['lst_a'])
    expect(second.nextCursor).toBeNull()
    expect((await run(uc.execute(as('usr_bob'), {}))).items).toEqual([])
  })

  it('bad input is ValidationFailed; the system caller is Forbidden', async () => {
    const uc = new ListWishlist(world())
    expect((await failure(uc.execute(as('usr_ana'), untyped({ limit: 'ten' }))))._tag).toBe(
      'ValidationFailed',
    )
    expect((await failure(uc.execute(systemCaller, {})))._tag).toBe('Forbidden')
  })
})
