import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asId } from '../../core/domain/shared/ids.js'
import type { WishlistRepository } from '../../ports/repositories.js'
import { at, collectPages, run } from './fixtures.js'

export interface WishlistRepositoryHarness {
  readonly repo: WishlistRepository
  readonly cleanup?: () => Promise<void>
}

const u = asId('user', 'usr_w')
const l = (id: string) => asId('listing', id)

export const wishlistRepositoryContract = (name: string, make: () => Promise<WishlistRepositoryHarness>) =>
  describe(`WishlistRepository contract: ${name}`, () => {
    let h: WishlistRepositoryHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })
    const all = () => collectPages((cursor) => run(h.repo.list(u, { limit: 2, cursor })))

    it('list returns entries newest first, paged, each exactly once', async () => {
      for (let i = 0; i < 5; i++)
        await run(h.repo.add({ userId: u, listingId: l(`lst_${i}`), addedAt: at(i) }))
      await run(h.repo.add({ userId: asId('user', 'usr_other'), listingId: l('lst_x'), addedAt: at(9) }))
      expect((await all()).map((e) => e.listingId)).toEqual(['lst_4', 'lst_3', 'lst_2', 'lst_1', 'lst_0'])
    })

    it('adding twice is idempotent and keeps the first addedAt', async () => {
      await run(h.repo.add({ userId: u, listingId: l('lst_a'), addedAt: at(1) }))
      await run(h.repo.add({ userId: u, listingId: l('lst_a'), addedAt: at(7) }))
      expect(await all()).toEqual([{ userId: u, listingId: 'lst_a', addedAt: at(1) }])
    })

    it('remove is idempotent and only removes that listing', async () => {
      await run(h.repo.add({ userId: u, listingId: l('lst_a'), addedAt: at(1) }))
      await run(h.repo.add({ userId: u, listingId: l('lst_b'), addedAt: at(2) }))
      await run(h.repo.remove(u, l('lst_a')))
      await run(h.repo.remove(u, l('lst_a')))
      await run(h.repo.remove(u, l('lst_none')))
      expect((await all()).map((e) => e.listingId)).toEqual(['lst_b'])
    })
  })
