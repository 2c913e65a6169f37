import { describe, expect, it } from 'vitest'
import { DeleteGuestProfile } from '../../../core/application/delete-guest-profile.js'
import { SaveGuestProfile } from '../../../core/application/save-guest-profile.js'
import { systemCaller } from '../../../core/application/support/caller.js'
import { untyped } from '../../support/untyped.js'
import { as, failure, run, uid, world } from './harness.js'

describe('DeleteGuestProfile', () => {
  it('deletes the caller’s profile; deleting it again is GuestProfileNotFound', async () => {
    const w = world()
    const p = await run(new SaveGuestProfile(w).execute(as('usr_ana'), { name: 'Bo', ageGroup: 'child' }))
    const del = new DeleteGuestProfile(w)
    await run(del.execute(as('usr_ana'), { id: p.id }))
    expect(await run(w.guestProfiles.byOwner(uid('usr_ana')))).toEqual([])
    expect((await failure(del.execute(as('usr_ana'), { id: p.id })))._tag).toBe('GuestProfileNotFound')
  })

  it('another user’s profile is GuestProfileNotFound and stays', async () => {
    const w = world()
    const p = await run(new SaveGuestProfile(w).execute(as('usr_ana'), { name: 'Bo', ageGroup: 'child' }))
    const e = await failure(new DeleteGuestProfile(w).execute(as('usr_eve'), { id: p.id }))
    expect(e._tag).toBe('GuestProfileNotFound')
    expect(await run(w.guestProfiles.byOwner(uid('usr_ana')))).toHaveLength(1)
  })

  it('a missing id is ValidationFailed; the system caller is Forbidden', async () => {
    const del = new DeleteGuestProfile(world())
    expect((await failure(del.execute(as('usr_ana'), untyped({}))))._tag).toBe('ValidationFailed')
    expect((await failure(del.execute(systemCaller, { id: 'gpr_1' })))._tag).toBe('Forbidden')
  })
})
