import { describe, expect, it } from 'vitest'
import { MAX_GUEST_PROFILES, SaveGuestProfile } from '../../../core/application/save-guest-profile.js'
import { systemCaller } from '../../../core/application/support/caller.js'
import { untyped } from '../../support/untyped.js'
import { as, failure, run, uid, world } from './harness.js'

describe('SaveGuestProfile', () => {
  it('creates a profile owned by the caller, with a new id and a normalized e-mail', async () => {
    const w = world()
    const p = await run(
      new SaveGuestProfile(w).execute(as('usr_ana'), {
        name: ' Bo ',
        email: 'Bo@Example.com',
        ageGroup: 'child',
      }),
    )
    expect(p).toMatchObject({ ownerId: 'usr_ana', name: 'Bo', email: 'bo@example.com', ageGroup: 'child' })
    expect(p.id.startsWith('gpr_')).toBe(true)
    expect(await run(w.guestProfiles.byOwner(p.ownerId))).toHaveLength(1)
  })

  it('with an id, replaces the caller’s own profile and keeps its id and creation time', async () => {
    const w = world()
    const uc = new SaveGuestProfile(w)
    const p = await run(uc.execute(as('usr_ana'), { name: 'Bo', ageGroup: 'child' }))
    w.clock.advance(5000)
    const q = await run(uc.execute(as('usr_ana'), { id: p.id, name: 'Bo', email: null, ageGroup: 'adult' }))
    expect(q).toEqual({ ...p, ageGroup: 'adult' })
    expect(await run(w.guestProfiles.byOwner(p.ownerId))).toHaveLength(1)
  })

  it('saving over another user’s profile is GuestProfileNotFound', async () => {
    const w = world()
    const uc = new SaveGuestProfile(w)
    const p = await run(uc.execute(as('usr_ana'), { name: 'Bo', ageGroup: 'child' }))
    const e = await failure(uc.execute(as('usr_eve'), { id: p.id, name: 'Mine', ageGroup: 'adult' }))
    expect(e._tag).toBe('GuestProfileNotFound')
  })

  it(`a user keeps at most ${MAX_GUEST_PROFILES} profiles: the next is ValidationFailed`, async () => {
    const w = world()
    const uc = new SaveGuestProfile(w)
    for (let i = 0; i < MAX_GUEST_PROFILES; i++)
      await run(uc.execute(as('usr_ana'), { name: `G${i}`, ageGroup: 'adult' }))
    const e = await failure(uc.execute(as('usr_ana'), { name: 'One too many', ageGroup: 'adult' }))
    expect(e._tag).toBe('ValidationFailed')
    // Others are not affected, and editing at the cap still works.
    await run(uc.execute(as('usr_bob'), { name: 'B', ageGroup: 'adult' }))
    const [first] = await run(w.guestProfiles.byOwner(uid('usr_ana')))
    const renamed = await run(
      uc.execute(as('usr_ana'), { id: first?.id, name: 'Renamed', ageGroup: 'adult' }),
    )
    expect(renamed.name).toBe('Renamed')
  })

  it('bad input (unknown age group, extra keys, blank name) is ValidationFailed', async () => {
    const uc = new SaveGuestProfile(world())
    for (const bad of [
      { name: 'X', ageGroup: 'teen' },
      { name: 'X', ageGroup: 'adult', passport: '123' },
      { name: ' ', ageGroup: 'adult' },
      { name: 'X', ageGroup: 'adult', email: 'not-an-email' },
    ])
      expect((await failure(uc.execute(as('usr_ana'), untyped(bad))))._tag).toBe('ValidationFailed')
  })

  it('the system caller is Forbidden', async () => {
    const e = await failure(
      new SaveGuestProfile(world()).execute(systemCaller, { name: 'X', ageGroup: 'adult' }),
    )
    expect(e._tag).toBe('Forbidden')
  })
})
