import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { asId } from '../../core/domain/shared/ids.js'
import type { GuestProfile } from '../../core/domain/users/user.js'
import type { GuestProfileRepository } from '../../ports/repositories.js'
import { at, run } from './fixtures.js'

export interface GuestProfileRepositoryHarness {
  readonly repo: GuestProfileRepository
  readonly cleanup?: () => Promise<void>
}

const owner = asId('user', 'usr_owner')
const profile = (id: string, overrides: Partial<GuestProfile> = {}): GuestProfile => ({
  id: asId('guestProfile', id),
  ownerId: owner,
  name: `Guest ${id}`,
  email: null,
  ageGroup: 'adult',
  createdAt: at(0),
  ...overrides,
})

export const guestProfileRepositoryContract = (
  name: string,
  make: () => Promise<GuestProfileRepositoryHarness>,
) =>
  describe(`GuestProfileRepository contract: ${name}`, () => {
    let h: GuestProfileRepositoryHarness
    beforeEach(async () => {
      h = await make()
    })
    afterEach(async () => {
      await h.cleanup?.()
    })

    it("byOwner returns exactly the owner's profiles", async () => {
      await run(h.repo.save(profile('gpr_a')))
      await run(h.repo.save(profile('gpr_b', { ageGroup: 'child', createdAt: at(1) })))
      await run(h.repo.save(profile('gpr_c', { ownerId: asId('user', 'usr_else') })))
      const mine = await run(h.repo.byOwner(owner))
      expect(mine.map((p) => p.id).sort()).toEqual(['gpr_a', 'gpr_b'])
      expect(mine.find((p) => p.id === 'gpr_b')).toEqual(
        profile('gpr_b', { ageGroup: 'child', createdAt: at(1) }),
      )
    })

    it('save replaces a profile with the same id', async () => {
      await run(h.repo.save(profile('gpr_a')))
      await run(h.repo.save(profile('gpr_a', { name: 'Renamed' })))
      expect((await run(h.repo.byOwner(owner))).map((p) => p.name)).toEqual(['Renamed'])
    })

    it("delete reports whether something was deleted, and never deletes another owner's profile", async () => {
      await run(h.repo.save(profile('gpr_a')))
      expect(await run(h.repo.delete(asId('user', 'usr_else'), asId('guestProfile', 'gpr_a')))).toBe(false)
      expect(await run(h.repo.delete(owner, asId('guestProfile', 'gpr_a')))).toBe(true)
      expect(await run(h.repo.delete(owner, asId('guestProfile', 'gpr_a')))).toBe(false)
      expect(await run(h.repo.byOwner(owner))).toEqual([])
    })
  })
